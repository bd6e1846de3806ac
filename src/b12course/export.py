"""Clinician exports: the log as CSV, and a one-page summary of a course.

:func:`to_csv` writes the record, one row per event, for a spreadsheet or a
clinic system.  :func:`summary_markdown` and :func:`summary_html` write a
one-page summary for a clinician: the regimen and its source, doses given
against the plan, adherence, overdue doses, the flare report, each symptom's
change from its pre-treatment baseline, and each lab analyte's trend.

The words describe the record; they never advise.  Every summary ends with the
line that it is not medical advice.

**The CSV format.** A header row, then one row per event, in time order (ties
by kind in the order below, then by item).  Times are ISO 8601 in the course's
zone, with their UTC offset.  Fields are quoted as RFC 4180 says (Python's
:mod:`csv`) and rows end in CRLF.  The columns (:data:`CSV_COLUMNS`):

========  ================================================================
column    holds
========  ================================================================
time      when: given, due (for a skip), decided, logged or sampled
kind      ``dose_given``, ``dose_skipped``, ``phase_ended``, ``symptom``,
          ``lab``
item      the drug, ``planned dose``, the phase name, the symptom's label,
          or the analyte
value     the dose amount, the severity (0-10) or the lab value
unit      ``mg``/``mcg``, ``0-10``, or the lab's unit
route     the dose's route (IM, deep SC, oral...)
site      the injection site
lot       the lot or batch number
detail    a symptom's body sites, triggers, sleep and spread; who ended a
          phase
note      free text: the dose note, the skip or decision reason, the
          symptom note
========  ================================================================

**Spreadsheet formula injection.** A spreadsheet runs a cell that starts with
``=``, ``+``, ``-`` or ``@`` as a formula (and some also treat a leading tab
or carriage return so), so user text such as ``=HYPERLINK(...)`` in a note
could run when a clinician opens the file.  Every cell that starts with one of
those characters gets a single quote (``'``) in front, as OWASP recommends;
spreadsheets hide the quote and show the text.  No cell b12course writes
itself (times, kinds, numbers) starts with them, so only user text changes.

>>> import datetime as dt, zoneinfo
>>> from b12course import Course, regimens
>>> tz = zoneinfo.ZoneInfo("Europe/London")
>>> course = Course.begin(regimens.get("nice-neuro"),
...                       first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=tz))
>>> course = course.record_dose(dt.datetime(2026, 12, 1, 9, 5, tzinfo=tz),
...                             note="=1+1")
>>> print(to_csv(course), end="")  # doctest: +NORMALIZE_WHITESPACE
time,kind,item,value,unit,route,site,lot,detail,note
2026-12-01T09:05:00+00:00,dose_given,hydroxocobalamin,1,mg,IM,,,,'=1+1
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
import re
import zoneinfo
from collections.abc import Iterable
from typing import TypeAlias

import attrs

from b12course._course import Course
from b12course._flare import FlareModel, FlareReport, FlareStatus
from b12course._labs import Analyte
from b12course._schedule import DoseStatus, DueWindow, PlannedDose
from b12course._symptoms import Symptom, SymptomEntry
from b12course._time import require_aware, utc
from b12course.exceptions import ExportError

__all__ = [
    "CSV_COLUMNS",
    "NOT_MEDICAL_ADVICE",
    "SUMMARY_SECTIONS",
    "summary_html",
    "summary_markdown",
    "to_csv",
]

#: The CSV header, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "time",
    "kind",
    "item",
    "value",
    "unit",
    "route",
    "site",
    "lot",
    "detail",
    "note",
)

#: The line every summary ends with.
NOT_MEDICAL_ADVICE = (
    "This summary describes the record kept in b12course. It is not medical "
    "advice and does not replace the judgement of a clinician."
)

#: The section headings of a summary, in order ("Chart" only with a chart).
SUMMARY_SECTIONS: tuple[str, ...] = (
    "Regimen",
    "Doses",
    "Adherence",
    "Overdue doses",
    "Flare",
    "Symptoms",
    "Labs",
    "Review points",
    "Chart",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_KIND_ORDER = ("dose_given", "dose_skipped", "phase_ended", "symptom", "lab")
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# -- CSV -------------------------------------------------------------------


def _safe_cell(text: str) -> str:
    """Return ``text`` with a leading quote if a spreadsheet would run it."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _number(value: float) -> str:
    """Show a number without a spurious ``.0`` and without rounding it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _symptom_detail(entry: SymptomEntry) -> str:
    parts = []
    if entry.body_sites:
        parts.append("body sites: " + ", ".join(entry.body_sites))
    if entry.triggers:
        parts.append("triggers: " + ", ".join(t.value for t in entry.triggers))
    if entry.during_sleep is not None:
        parts.append("during sleep: " + _yes_no(entry.during_sleep))
    if entry.multifocal is not None:
        parts.append("multifocal: " + _yes_no(entry.multifocal))
    return "; ".join(parts)


_Row = tuple[dt.datetime, str, str, str, str, str, str, str, str, str]


def _rows(course: Course) -> list[_Row]:
    zone = course.zone
    rows: list[_Row] = []
    for g in course.given:
        value, unit = str(g.dose.amount).split(" ")
        rows.append(
            (
                g.at,
                "dose_given",
                g.dose.drug.value,
                value,
                unit,
                g.dose.route.abbreviation,
                g.site or "",
                g.lot or "",
                "",
                g.note or "",
            )
        )
    rows.extend(
        (s.due, "dose_skipped", "planned dose", "", "", "", "", "", "", s.reason)
        for s in course.skips
    )
    for d in course.decisions:
        phases = course.regimen.phases
        name = phases[d.phase].name if 0 <= d.phase < len(phases) else str(d.phase)
        rows.append(
            (
                d.at,
                "phase_ended",
                name,
                "",
                "",
                "",
                "",
                "",
                f"basis: {d.basis.value}",
                d.reason,
            )
        )
    rows.extend(
        (
            e.at,
            "symptom",
            e.label,
            str(e.severity),
            "0-10",
            "",
            "",
            "",
            _symptom_detail(e),
            e.note or "",
        )
        for e in course.symptoms
    )
    rows.extend(
        (
            r.at,
            "lab",
            r.analyte.value,
            _number(r.value),
            r.unit,
            "",
            "",
            "",
            "",
            "",
        )
        for r in course.labs
    )
    rows = [(row[0].astimezone(zone), *row[1:]) for row in rows]
    # sorted() is stable: events equal on every key keep the record's order.
    return sorted(rows, key=lambda r: (utc(r[0]), _KIND_ORDER.index(r[1]), r[2]))


def to_csv(course: Course) -> str:
    """Return the course's log as CSV text: one row per event, oldest first.

    Rows are the doses given, the doses skipped, phase-ending decisions, the
    symptom entries and the lab results.  The columns and the protection
    against spreadsheet formula injection are described in the module
    docstring; the header is :data:`CSV_COLUMNS`.

    Args:
        course: The course.

    Returns:
        The CSV text (RFC 4180: quoted where needed, CRLF line ends).  Write it
        with ``encoding="utf-8-sig"`` if Excel is to read non-ASCII text.

    Raises:
        ExportError: ``course`` is not a Course.
    """
    _check_course(course)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for when, *cells in _rows(course):
        writer.writerow([when.isoformat(), *(_safe_cell(c) for c in cells)])
    return out.getvalue()


def _check_course(course: object) -> Course:
    if not isinstance(course, Course):
        raise ExportError(course, f"expected a b12course.Course, not {course!r}")
    return course


# -- the summary: facts ------------------------------------------------------


@attrs.frozen
class _Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@attrs.frozen
class _Bullets:
    items: tuple[str, ...]


@attrs.frozen
class _Image:
    png: bytes
    alt: str


_Block: TypeAlias = str | _Table | _Bullets | _Image


@attrs.frozen
class _Section:
    title: str
    blocks: tuple[_Block, ...]


def _when(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def _day(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d")


def _points(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _signed(value: float) -> str:
    text = _points(abs(value))
    if value > 0:
        return "+" + text
    return "-" + text if value < 0 else "0"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _on_time(
    dose: PlannedDose, zone: zoneinfo.ZoneInfo, grace: dt.timedelta | None
) -> bool:
    """Whether a given dose was given within its due window (``DueWindow``)."""
    assert dose.given is not None  # noqa: S101 - callers pass given doses only
    return DueWindow.of(dose.due, zone, grace).on_time(dose.given.at)


def _regimen_section(course: Course) -> _Section:
    regimen = course.regimen
    blocks: list[_Block] = [
        f"{regimen.name} (preset id {regimen.id})",
        _Bullets(tuple(str(p) for p in regimen.phases)),
        f"Source: {regimen.source or 'not stated'}",
    ]
    if regimen.notes:
        blocks.append(f"Notes: {regimen.notes}")
    blocks.append(
        f"First dose planned {_when(course.first_dose, course.zone)}; "
        f"times are in {course.zone.key}."
    )
    return _Section("Regimen", tuple(blocks))


@attrs.frozen
class _DoseFacts:
    past: tuple[PlannedDose, ...]
    counted: tuple[PlannedDose, ...]
    on_time: tuple[PlannedDose, ...]
    overdue: tuple[PlannedDose, ...]
    due_now: tuple[PlannedDose, ...]
    upcoming: PlannedDose | None


def _dose_facts(
    course: Course, now: dt.datetime, until: dt.datetime, grace: dt.timedelta | None
) -> _DoseFacts:
    doses = course.plan(until=until, now=now, grace=grace)
    past = tuple(d for d in doses if utc(d.due) < utc(now))
    counted = tuple(d for d in past if d.status is not DoseStatus.SKIPPED)
    return _DoseFacts(
        past=past,
        counted=counted,
        on_time=tuple(
            d
            for d in counted
            if d.given is not None and _on_time(d, course.zone, grace)
        ),
        overdue=tuple(d for d in doses if d.status is DoseStatus.OVERDUE),
        due_now=tuple(d for d in doses if d.status is DoseStatus.DUE),
        upcoming=next((d for d in doses if d.pending and utc(d.due) >= utc(now)), None),
    )


def _doses_section(course: Course, facts: _DoseFacts, now: dt.datetime) -> _Section:
    zone = course.zone
    given = sum(1 for d in facts.past if d.status is DoseStatus.GIVEN)
    skipped = len(facts.past) - len(facts.counted)
    recorded = [g for g in course.given if utc(g.at) < utc(now)]
    items = [
        (
            f"Planned doses due before now: {len(facts.past)} "
            f"(given {given}, skipped {skipped}, overdue {len(facts.overdue)}, "
            f"due now {len(facts.due_now)})"
        ),
        f"Doses recorded as given before now: {len(recorded)}"
        + (
            f" (first {_when(recorded[0].at, zone)}, "
            f"latest {_when(recorded[-1].at, zone)})"
            if recorded
            else ""
        ),
    ]
    if facts.upcoming is not None:
        up = facts.upcoming
        items.append(
            f"Next planned dose: {_when(up.due, zone)}, {up.dose} ({up.phase_name}"
            + (", provisional" if up.provisional else "")
            + ")"
        )
    else:
        items.append("Next planned dose: none within the summary's horizon")
    return _Section("Doses", (_Bullets(tuple(items)),))


def _adherence_section(facts: _DoseFacts) -> _Section:
    definition = (
        "Adherence is the share of planned doses due before now (skipped doses "
        "left out) that were given on time: on the dose's local due day and "
        "before it would have become overdue (the end of that day, or the due "
        "time plus the grace period when one is set)."
    )
    n, k = len(facts.counted), len(facts.on_time)
    if n == 0:
        text = "No planned dose was due yet."
    else:
        late = sum(1 for d in facts.counted if d.given is not None) - k
        text = (
            f"{k} of {n} planned doses were given on time ({100 * k / n:.0f} %); "
            f"{late} given outside their due window; "
            f"{n - k - late} not recorded as given."
        )
    return _Section("Adherence", (text, definition))


def _overdue_section(course: Course, facts: _DoseFacts) -> _Section:
    zone = course.zone
    if not facts.overdue:
        return _Section("Overdue doses", ("No planned dose is overdue.",))
    return _Section(
        "Overdue doses",
        (
            _Table(
                ("Dose", "Due", "Phase", "Dose planned"),
                tuple(
                    (str(d.number), _when(d.due, zone), d.phase_name, str(d.dose))
                    for d in facts.overdue
                ),
            ),
        ),
    )


_FLARE_STATUS_TEXT = {
    FlareStatus.NOT_STARTED: "not started: the expected window has not opened yet",
    FlareStatus.WINDOW_OPEN: (
        "window open: involuntary movements may worsen for a while during this "
        "window after treatment starts"
    ),
    FlareStatus.RESOLVED: (
        "resolved: a flare was recorded inside the window and every flared "
        "symptom is back within the meaningful change of its baseline"
    ),
    FlareStatus.PROLONGED: (
        "prolonged: the window has closed and a movement symptom is still "
        "logged worse than its baseline"
    ),
    FlareStatus.NO_FLARE: "no flare recorded: the window closed without worsening",
}


def _flare_section(course: Course, report: FlareReport) -> _Section:
    zone = course.zone
    model = report.model
    start_kind = "given" if report.first_dose_given else "planned"
    window = report.window
    items = [
        (
            f"Expected window: {_when(window.start, zone)} to "
            f"{_when(window.end, zone)} (from {_duration(model.onset)} to "
            f"{_duration(model.abates_within)} after the first dose {start_kind}, "
            f"{_when(report.first_dose, zone)})"
        )
        if window is not None
        else str(report.status),
        f"Status as of {_when(report.as_of, zone)}: "
        + _FLARE_STATUS_TEXT.get(report.status, str(report.status)),
    ]
    peak = report.peak
    if peak is not None:
        base = _points(peak.baseline.severity) if peak.baseline is not None else "none"
        items.append(
            f"Peak: {peak.entry.label} {peak.entry.severity}/10 on "
            f"{_when(peak.entry.at, zone)} (baseline {base}, change "
            f"{_signed(peak.change)})"
        )
    else:
        items.append("Peak: no worsening inside the window was recorded")
    if report.resolved_at is not None and report.time_to_resolution is not None:
        items.append(
            f"Back within {model.meaningful_change} points of baseline: "
            f"{_when(report.resolved_at, zone)} "
            f"({_duration(report.time_to_resolution)} after the first dose)"
        )
    if report.review_advised:
        items.append(
            "Flagged: the record falls outside what the flare model expects "
            "(worsening outside the expected window, or lasting past it)"
        )
    return _Section("Flare", (_Bullets(tuple(items)),))


def _duration(value: dt.timedelta) -> str:
    return _plural(round(value.total_seconds() / 86400), "day")


def _symptom_keys(entries: Iterable[SymptomEntry]) -> list[Symptom | str]:
    keys: list[Symptom | str] = []
    for e in entries:
        key: Symptom | str = e.label if e.symptom is Symptom.OTHER else e.symptom
        if key not in keys:
            keys.append(key)
    return keys


def _symptoms_section(course: Course, now: dt.datetime) -> _Section:
    zone = course.zone
    start = course.treatment_start
    logged = [e for e in course.symptoms if utc(e.at) <= utc(now)]
    if not logged:
        return _Section("Symptoms", ("No symptom was logged.",))
    rows = []
    for key in _symptom_keys(logged):
        mine = [
            e
            for e in logged
            if (e.symptom is key if isinstance(key, Symptom) else e.label == key)
        ]
        label = mine[0].label
        base = course.baseline(key)
        latest = mine[-1]
        change = (
            _signed(latest.severity - base.severity)
            if base is not None
            else "no baseline"
        )
        trend = course.symptom_trend(
            key, start=start, end=now + dt.timedelta(microseconds=1)
        )
        direction = trend.direction.value
        if trend.slope_per_week is not None:
            direction += f" ({trend.slope_per_week:+.1f} points a week)"
        rows.append(
            (
                label,
                _points(base.severity) if base is not None else "none logged",
                f"{latest.severity} ({_day(latest.at, zone)})",
                change,
                direction,
            )
        )
    return _Section(
        "Symptoms",
        (
            _Table(
                (
                    "Symptom",
                    "Baseline (0-10)",
                    "Latest",
                    "Change from baseline",
                    "Trend since treatment started",
                ),
                tuple(rows),
            ),
            (
                "Baseline: the mean of up to three entries logged before treatment "
                "started. A change of 2 points or more on the 0-10 scale counts as "
                "meaningful (NRS-11)."
            ),
        ),
    )


def _labs_section(course: Course, now: dt.datetime) -> _Section:
    zone = course.zone
    labs = [r for r in course.labs if utc(r.at) <= utc(now)]
    if not labs:
        return _Section("Labs", ("No lab result was recorded.",))
    rows = []
    for analyte in Analyte:
        mine = [r for r in labs if r.analyte is analyte]
        if not mine:
            continue
        first, last = mine[0], mine[-1]
        if len(mine) == 1:
            change = "one result"
        else:
            # A result's unit is always one of its analyte's, so it converts.
            delta = last.to(first.unit).value - first.value
            word = "rising" if delta > 0 else "falling" if delta < 0 else "unchanged"
            change = f"{'+' if delta > 0 else ''}{delta:.4g} {first.unit} ({word})"
        rows.append(
            (
                analyte.value,
                f"{_number(first.value)} {first.unit} ({_day(first.at, zone)})",
                f"{_number(last.value)} {last.unit} ({_day(last.at, zone)})",
                change,
                str(len(mine)),
            )
        )
    return _Section(
        "Labs",
        (_Table(("Analyte", "First", "Latest", "Change", "Results"), tuple(rows)),),
    )


def _reviews_section(course: Course, until: dt.datetime) -> _Section:
    zone = course.zone
    reviews = course.reviews(until=until)
    if not reviews:
        return _Section("Review points", ("No review point within the horizon.",))
    return _Section(
        "Review points",
        (
            _Bullets(
                tuple(
                    f"{_when(r.at, zone)}: {r.kind.value} ({r.source})" for r in reviews
                )
            ),
        ),
    )


def _sections(  # noqa: PLR0917 - private; the two renderers pass their arguments
    course: Course,
    now: dt.datetime,
    until: dt.datetime | None,
    grace: dt.timedelta | None,
    chart_png: bytes | None,
    flare_model: FlareModel | None,
) -> tuple[str, list[_Section]]:
    course = _check_course(course)
    now = require_aware("now", now)
    horizon = (
        require_aware("until", until)
        if until is not None
        else now + dt.timedelta(days=366)
    )
    if utc(horizon) <= utc(now):
        raise ExportError(
            until,
            f"until ({horizon.isoformat()}) must be after now ({now.isoformat()})",
        )
    if chart_png is not None and not (
        isinstance(chart_png, bytes) and chart_png.startswith(_PNG_MAGIC)
    ):
        raise ExportError(
            chart_png, "chart_png must be the bytes of a PNG image (see plot.chart_png)"
        )
    facts = _dose_facts(course, now, horizon, grace)
    sections = [
        _regimen_section(course),
        _doses_section(course, facts, now),
        _adherence_section(facts),
        _overdue_section(course, facts),
        _flare_section(course, course.flare(flare_model, now=now)),
        _symptoms_section(course, now),
        _labs_section(course, now),
        _reviews_section(course, horizon),
    ]
    if chart_png is not None:
        sections.append(_Section("Chart", (_Image(chart_png, "Course chart"),)))
    meta = f"Course {course.id}, as of {_when(now, course.zone)}"
    return meta, sections


# -- the summary: rendering -------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def _md(text: str) -> str:
    """Return user-visible text safe to drop into Markdown (one line, escaped)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _png_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _md_block(block: _Block) -> str:
    if isinstance(block, str):
        return _md(block)
    if isinstance(block, _Bullets):
        return "\n".join(f"- {_md(item)}" for item in block.items)
    if isinstance(block, _Table):
        lines = [
            "| " + " | ".join(_md(h) for h in block.header) + " |",
            "|" + "|".join("---" for _ in block.header) + "|",
        ]
        lines.extend(
            "| " + " | ".join(_md(c) for c in row) + " |" for row in block.rows
        )
        return "\n".join(lines)
    return f"![{_md(block.alt)}]({_png_uri(block.png)})"


def summary_markdown(
    course: Course,
    *,
    now: dt.datetime,
    until: dt.datetime | None = None,
    grace: dt.timedelta | None = None,
    chart_png: bytes | None = None,
    flare_model: FlareModel | None = None,
) -> str:
    """Return a one-page Markdown summary of ``course`` as of ``now``.

    Sections, in order (:data:`SUMMARY_SECTIONS`): Regimen (with its source),
    Doses (given against planned), Adherence (defined in the section), Overdue
    doses, Flare, Symptoms (change from baseline and trend), Labs (first,
    latest and change per analyte), Review points, and Chart when
    ``chart_png`` is given.  It ends with :data:`NOT_MEDICAL_ADVICE`.  User
    text is escaped, so a note cannot add Markdown or HTML.

    Args:
        course: The course.
        now: The present (aware): what is due, overdue and on time is judged
            at this moment, and entries after it are left out.
        until: The plan horizon for the next dose and review points
            (exclusive); 366 days after ``now`` by default.
        grace: As for ``Course.plan``: how long a dose stays due.
        chart_png: PNG bytes to embed (e.g. ``b12course.plot.chart_png``).
        flare_model: The flare model for the Flare section; the default
            :class:`~b12course.FlareModel` when None.

    Raises:
        NaiveDatetimeError: ``now`` or ``until`` is naive.
        ExportError: ``course`` is not a Course, ``until`` is not after
            ``now``, or ``chart_png`` is not a PNG image.
        SettingError: ``flare_model`` is not a FlareModel.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens
    >>> tz = zoneinfo.ZoneInfo("Europe/London")
    >>> course = Course.begin(regimens.get("nice-neuro"),
    ...                       first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=tz))
    >>> text = summary_markdown(course, now=dt.datetime(2026, 12, 2, 12, tzinfo=tz))
    >>> [line for line in text.splitlines() if line.startswith("## ")][:3]
    ['## Regimen', '## Doses', '## Adherence']
    """
    meta, sections = _sections(course, now, until, grace, chart_png, flare_model)
    parts = ["# B12 course summary", _md(meta)]
    for section in sections:
        parts.append(f"## {section.title}")
        parts.extend(_md_block(b) for b in section.blocks)
    parts.append(f"_{_md(NOT_MEDICAL_ADVICE)}_")
    return "\n\n".join(parts) + "\n"


def _html_block(block: _Block) -> str:
    esc = html.escape
    if isinstance(block, str):
        return f"<p>{esc(block)}</p>"
    if isinstance(block, _Bullets):
        return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, _Table):
        head = "".join(f"<th>{esc(h)}</th>" for h in block.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>"
            for row in block.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<img alt="{esc(block.alt)}" src="{_png_uri(block.png)}">'


_HTML_STYLE = (
    "body{font-family:sans-serif;max-width:48em;margin:1em auto;line-height:1.4}"
    "table{border-collapse:collapse}th,td{border:1px solid #999;padding:.2em .5em;"
    "text-align:left}img{max-width:100%}.disclaimer{font-style:italic}"
    "@media print{body{margin:0;font-size:10pt}}"
)


def summary_html(
    course: Course,
    *,
    now: dt.datetime,
    until: dt.datetime | None = None,
    grace: dt.timedelta | None = None,
    chart_png: bytes | None = None,
    flare_model: FlareModel | None = None,
) -> str:
    """Return the summary of :func:`summary_markdown` as a printable HTML page.

    The page is self-contained (inline style, the chart as a ``data:`` URI),
    and every piece of user text is HTML-escaped.  Arguments and errors are
    those of :func:`summary_markdown`.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens
    >>> tz = zoneinfo.ZoneInfo("Asia/Kolkata")
    >>> course = Course.begin(regimens.get("nice-non-neuro"),
    ...                       first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=tz))
    >>> page = summary_html(course, now=dt.datetime(2026, 12, 2, tzinfo=tz))
    >>> page.startswith("<!DOCTYPE html>"), "<h2>Flare</h2>" in page
    (True, True)
    """
    meta, sections = _sections(course, now, until, grace, chart_png, flare_model)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>B12 course summary</title>",
        f"<style>{_HTML_STYLE}</style></head><body>",
        "<h1>B12 course summary</h1>",
        f"<p>{html.escape(meta)}</p>",
    ]
    for section in sections:
        parts.append(f"<h2>{html.escape(section.title)}</h2>")
        parts.extend(_html_block(b) for b in section.blocks)
    parts.append(f'<p class="disclaimer">{html.escape(NOT_MEDICAL_ADVICE)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
