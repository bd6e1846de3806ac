"""The summary as a document: sections of paragraphs, bullets, tables and a chart.

:func:`summary_document` reads one view of a course (a
:class:`~b12course.Timeline` built by :meth:`b12course.Course.timeline`): its
events and what it carries (adherence, the flare report and each entry's
assessment, baselines and trends, the next dose, the horizon), and lays them
out as plain values; the Markdown and HTML renderers only turn those values
into markup.  It asks the course for nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable
from pathlib import Path
from typing import TypeAlias

import attrs

from b12course import (
    Adherence,
    Analyte,
    Assessment,
    Cadence,
    DoseStatus,
    FlareModel,
    FlareReport,
    FlareStatus,
    LabResult,
    PlannedDose,
    Review,
    Symptom,
    SymptomEntry,
    TrendDirection,
    adherence,
    default_reference,
)
from b12course._corrections import describe
from b12course._course import Course
from b12course._reading import given_by, symptom_key, view_of
from b12course._text import require_text
from b12course._time import require_aware, utc
from b12course._timeline import EventKind, Timeline
from b12course.exceptions import ExportError
from b12course.export._common import number_text

__all__ = [
    "CHART_ALT",
    "SUMMARY_SECTIONS",
    "Bullets",
    "Image",
    "Section",
    "Summary",
    "Table",
    "summary_document",
]

#: How many flagged entries the flare section lists (the most recent).
MAX_FLAGGED = 5

#: The section headings of a summary, in the order a clinician reads them:
#: what needs attention first (the flare report's flags, overdue doses), then
#: the record (doses, adherence, symptoms, labs, reviews), then the regimen
#: and its source for reference ("Chart" only with a chart).
SUMMARY_SECTIONS: tuple[str, ...] = (
    "Flare",
    "Overdue doses",
    "Doses",
    "Adherence",
    "Symptoms",
    "Labs",
    "Review points",
    "Corrections",
    "Regimen",
    "Chart",
)

#: The chart's text alternative, in the summaries and in the SVG's description.
CHART_ALT = (
    "Chart of the course: symptom severity (0-10) over time, doses given and "
    "planned, the phases, the window in which a transient worsening has been "
    "reported, and the review points"
)

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@attrs.frozen
class Table:
    """A table: a header row and rows of cells, all plain text."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@attrs.frozen
class Bullets:
    """A bulleted list of plain-text items."""

    items: tuple[str, ...]


@attrs.frozen
class Image:
    """The chart: PNG bytes to embed, or the path of an image file to link."""

    alt: str
    png: bytes | None = None
    href: str | None = None


Block: TypeAlias = str | Table | Bullets | Image


@attrs.frozen
class Section:
    """A titled section of blocks."""

    title: str
    blocks: tuple[Block, ...]


@attrs.frozen
class Summary:
    """The whole summary: its title line and its sections."""

    meta: str
    sections: tuple[Section, ...]


# -- words ----------------------------------------------------------------


def _when(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def _day(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d")


def _points(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _signed(value: float) -> str:
    text = _points(abs(value))
    if text in {"0", "0.0"}:
        return "0"
    return ("+" if value > 0 else "-") + text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _duration(value: dt.timedelta) -> str:
    return _plural(round(value.total_seconds() / 86400), "day")


_CADENCE_CALL = re.compile(
    r"\b(?:Cadence\.)?(every_days|every_weeks|every_months)\((\d+)\)"
)


def _cadence_words(match: re.Match[str]) -> str:
    make = getattr(Cadence, match.group(1))
    return str(make(int(match.group(2))))


def readable(text: str) -> str:
    """Return regimen text with cadences written as words, not Python calls.

    >>> readable("a prescriber may choose every_months(2).")
    'a prescriber may choose every 2 months.'
    """
    return _CADENCE_CALL.sub(_cadence_words, text)


# -- sections ---------------------------------------------------------------


def _regimen_section(timeline: Timeline) -> Section:
    regimen = timeline.regimen
    zone = timeline.zone
    assert regimen is not None  # a course's view  # noqa: S101
    assert timeline.first_dose is not None  # noqa: S101
    blocks: list[Block] = [
        f"{regimen.name} (preset id {regimen.id})",
        Bullets(tuple(readable(str(p)) for p in regimen.phases)),
        f"Source: {regimen.source or 'not stated'}",
    ]
    if regimen.notes:
        # Notes for a clinician only: maintainer notes stay out of the record.
        blocks.append(f"Notes: {readable(regimen.notes)}")
    blocks.append(
        f"First dose planned {_when(timeline.first_dose, zone)}; "
        f"times are in {zone.key}."
    )
    if timeline.pregnant_or_breastfeeding:
        blocks.append(
            "Pregnant or breastfeeding: the NICE NG239 treatment review is "
            "after 1 month, not 3; a total B12 result is unreliable in "
            "pregnancy, and active B12 is the recommended test."
        )
    decisions = _decision_items(timeline)
    if decisions:
        blocks += ("Phase decisions:", Bullets(decisions))
    return Section("Regimen", tuple(blocks))


def _who(by: object) -> str:
    return f"by {by}" if by is not None else "by whom not recorded"


def _decision_items(timeline: Timeline) -> tuple[str, ...]:
    """Each phase decision and confirmation: what, when, who and why."""
    zone = timeline.zone
    assert timeline.regimen is not None  # a course's view  # noqa: S101
    phases = timeline.regimen.phases
    items: list[tuple[dt.datetime, str]] = []
    for d in timeline.decisions:
        basis = "" if d.basis.value == "clinician" else f" ({d.basis})"
        why = f": {d.reason}" if d.reason else ": no reason recorded"
        items.append(
            (
                utc(d.at),
                (
                    f"{phases[d.phase].name} phase ended {_when(d.at, zone)}, "
                    f"{_who(d.by)}{basis}{why}"
                ),
            )
        )
    for c in timeline.confirmations:
        why = f": {c.reason}" if c.reason else ": no reason recorded"
        items.append(
            (
                utc(c.at),
                (
                    f"condition of the {phases[c.phase].name} phase confirmed "
                    f"{_when(c.at, zone)}, {_who(c.by)}{why}"
                ),
            )
        )
    return tuple(text for _, text in sorted(items, key=lambda item: item[0]))


def _planned_before(timeline: Timeline, now: dt.datetime) -> list[PlannedDose]:
    """Return the timeline's planned doses due before ``now``, in its order."""
    return [
        e.payload
        for e in timeline.of_kind(EventKind.PLANNED_DOSE)
        if utc(e.start) < utc(now)
    ]


def dose_rows(
    timeline: Timeline, now: dt.datetime
) -> tuple[tuple[PlannedDose, tuple[str, ...]], ...]:
    """Return the dose table's rows: each planned dose due before ``now``."""
    zone = timeline.zone
    rows = []
    for dose in _planned_before(timeline, now):
        record = dose.given
        rows.append(
            (
                dose,
                (
                    str(dose.number),
                    dose.name,
                    _when(dose.due, zone),
                    dose.status.value,
                    _when(record.at, zone) if record is not None else "",
                    (record.site or "") if record is not None else "",
                    given_by(record) if record is not None else "",
                    _dose_note(dose),
                ),
            )
        )
    return tuple(rows)


DOSE_TABLE_HEADER = ("No.", "Dose", "Due", "Status", "Given", "Site", "By", "Note")


def _dose_note(dose: PlannedDose) -> str:
    if dose.skip is not None:
        return dose.skip.reason
    if dose.given is not None:
        return dose.given.note or ""
    return ""


def _doses_section(timeline: Timeline, kept: Adherence, now: dt.datetime) -> Section:
    zone = timeline.zone
    recorded = [
        e.start
        for e in timeline.of_kind(EventKind.DOSE_GIVEN)
        if utc(e.start) < utc(now)
    ]
    items = [
        (
            f"Planned doses due before now: {kept.due} "
            f"(given {kept.given}, skipped {kept.skipped}, overdue {kept.overdue}, "
            f"due now {kept.due_now})"
        ),
        f"Doses recorded as given before now: {len(recorded)}"
        + (
            f" (first {_when(recorded[0], zone)}, latest {_when(recorded[-1], zone)})"
            if recorded
            else ""
        ),
    ]
    up = timeline.next_pending
    if up is not None:
        items.append(
            f"Next planned dose: {_when(up.due, zone)}, {up.name}, {up.dose}"
            + (" (provisional)" if up.provisional else "")
        )
    else:
        items.append("Next planned dose: none within the summary's horizon")
    blocks: list[Block] = [Bullets(tuple(items))]
    rows = dose_rows(timeline, now)
    if rows:
        blocks.append(Table(DOSE_TABLE_HEADER, tuple(cells for _, cells in rows)))
    return Section("Doses", tuple(blocks))


_ADHERENCE_DEFINITION = (
    "Adherence is the share of planned doses due before now (skipped doses "
    "left out) that were given on time: on the dose's local due day and "
    "before it would have become overdue (the end of that day, or the due "
    "time plus the grace period when one is set)."
)


def _adherence_section(kept: Adherence) -> Section:
    if kept.share is None:
        return Section(
            "Adherence", ("No planned dose was due yet.", _ADHERENCE_DEFINITION)
        )
    outside = kept.late + kept.early
    text = (
        f"{kept.on_time} of {kept.counted} planned doses were given on time "
        f"({100 * kept.share:.0f} %); {outside} given outside their due window "
        f"({kept.late} late, {kept.early} early); "
        f"{kept.not_given} not recorded as given."
    )
    return Section("Adherence", (text, _ADHERENCE_DEFINITION))


def _overdue_section(timeline: Timeline, now: dt.datetime) -> Section:
    zone = timeline.zone
    overdue = [
        d for d in _planned_before(timeline, now) if d.status is DoseStatus.OVERDUE
    ]
    if not overdue:
        return Section("Overdue doses", ("No planned dose is overdue.",))
    return Section(
        "Overdue doses",
        (
            Table(
                ("No.", "Dose", "Due", "Dose planned"),
                tuple(
                    (str(d.number), d.name, _when(d.due, zone), str(d.dose))
                    for d in overdue
                ),
            ),
        ),
    )


_FLARE_STATUS_TEXT = {
    FlareStatus.NOT_STARTED: "not started: the window has not opened yet",
    FlareStatus.WINDOW_OPEN: (
        "window open: a transient worsening of involuntary movements has been "
        "reported in this window after treatment starts"
    ),
    FlareStatus.RESOLVED: (
        "resolved: a worsening was recorded inside the window and every symptom "
        "that worsened is back within the meaningful change of its baseline"
    ),
    FlareStatus.WORSE_AFTER_WINDOW: (
        "still worse after the window: the window has closed and a movement "
        "symptom is still logged worse than its baseline (for a clinician's "
        "attention)"
    ),
    FlareStatus.NO_WORSENING_RECORDED: (
        "no worsening recorded: the window closed without one"
    ),
    FlareStatus.NOT_APPLICABLE: "no window: the course does not start replacement",
}


def _status_text(status: FlareStatus) -> str:
    return _FLARE_STATUS_TEXT.get(status, str(status))


def _flagged(assessment: Assessment, zone: zoneinfo.ZoneInfo) -> str:
    """Name a flagged entry: when, what, how severe, and why it is flagged."""
    entry = assessment.entry
    base = assessment.baseline
    against = (
        f"baseline {_points(base.severity)}" if base is not None else "no baseline"
    )
    extra = "".join(f"; {reason}" for reason in assessment.extra_attention)
    return (
        f"Flagged: {entry.label} {entry.severity}/10 logged {_when(entry.at, zone)} "
        f"({against}, change {_signed(assessment.change)}): {assessment.category}"
        f"{extra}"
    )


def _window_items(report: FlareReport, zone: zoneinfo.ZoneInfo) -> list[str]:
    """Say where the window lies, and the worst entry inside it."""
    window = report.window
    if window is None and report.status is FlareStatus.NO_DOSE_GIVEN:
        return [
            (
                "Window in which a transient worsening has been reported: not open, "
                "as no dose has been given yet"
            )
        ]
    if window is None:
        return [
            (
                "Window in which a transient worsening has been reported: none, as "
                "the course does not start replacement"
            )
        ]
    model = report.model
    start_kind = "given" if report.first_dose_given else "planned"
    items = [
        (
            "Window in which a transient worsening has been reported: "
            f"{_when(window.start, zone)} to {_when(window.end, zone)} "
            f"(from {_duration(model.onset)} to {_duration(model.abates_within)} "
            f"after the first dose {start_kind}, {_when(report.first_dose, zone)})"
        )
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
    return items


def _flare_section(
    report: FlareReport,
    flagged: tuple[Assessment, ...],
    zone: zoneinfo.ZoneInfo,
) -> Section:
    items = _window_items(report, zone)
    items.insert(
        1, f"Status as of {_when(report.as_of, zone)}: {_status_text(report.status)}"
    )
    if report.resolved_at is not None and report.time_to_resolution is not None:
        items.append(
            f"Back within {report.model.meaningful_change} points of baseline: "
            f"{_when(report.resolved_at, zone)} "
            f"({_duration(report.time_to_resolution)} after the first dose)"
        )
    # The most recent few, so a long log does not bury the rest of the summary.
    shown = sorted(flagged, key=lambda a: utc(a.entry.at))[-MAX_FLAGGED:]
    items.extend(_flagged(a, zone) for a in shown)
    if len(flagged) > len(shown):
        items.append(f"and {len(flagged) - len(shown)} more flagged entries")
    if report.review_advised and not flagged:
        items.append("Flagged: " + _status_text(report.status))
    return Section("Flare", (Bullets(tuple(items)),))


def _by_symptom(
    entries: Iterable[SymptomEntry],
) -> dict[Symptom | str, list[SymptomEntry]]:
    """Group entries by symptom in one pass, symptoms in order of first entry."""
    groups: dict[Symptom | str, list[SymptomEntry]] = {}
    for e in entries:
        groups.setdefault(symptom_key(e), []).append(e)
    return groups


def _trend_text(timeline: Timeline, key: Symptom | str, now: dt.datetime) -> str:
    """Word and number of a trend, both from its one fitted change."""
    start = timeline.treatment_start
    trend = timeline.trend(key)
    if start is None or trend is None or utc(now) < utc(start):
        return TrendDirection.UNKNOWN.value  # treatment has not started
    if trend.change is None or len(trend.entries) < 2:  # noqa: PLR2004 - a line needs two
        return trend.direction.value
    span = utc(trend.entries[-1].at) - utc(trend.entries[0].at)
    return (
        f"{trend.direction.value} (fitted change {_signed(trend.change)} "
        f"over {_duration(span)})"
    )


def _symptoms_section(timeline: Timeline, now: dt.datetime) -> Section:
    zone = timeline.zone
    # The payloads, not a sub-timeline: of_kind would sort every entry again.
    cut = utc(now)
    logged: list[SymptomEntry] = [
        e for e in timeline.payloads(EventKind.SYMPTOM) if utc(e.at) <= cut
    ]
    if not logged:
        return Section("Symptoms", ("No symptom was logged.",))
    rows = []
    for key, mine in _by_symptom(logged).items():
        base = timeline.baseline(key)
        latest = mine[-1]
        change = (
            _signed(latest.severity - base.severity)
            if base is not None
            else "no baseline"
        )
        rows.append(
            (
                mine[0].label,
                _points(base.severity) if base is not None else "none logged",
                f"{latest.severity} ({_day(latest.at, zone)})",
                change,
                _trend_text(timeline, key, now),
            )
        )
    return Section(
        "Symptoms",
        (
            Table(
                (
                    "Symptom",
                    "Baseline (0-10)",
                    "Latest",
                    "Latest minus baseline",
                    "Trend since treatment started",
                ),
                tuple(rows),
            ),
            (
                "Baseline: the mean of up to three entries logged before treatment "
                "started. A change of 2 points or more on the 0-10 scale counts as "
                "meaningful (NRS-11). The trend is the change along a straight line "
                "fitted through every entry since treatment started, so it can "
                "differ from the latest entry minus the baseline."
            ),
        ),
    )


def _band(result: LabResult, pregnant_or_breastfeeding: bool) -> str:
    """The cited band the result falls in, in words, or why there is none."""
    if default_reference(result.analyte) is None:
        return "no default band (use the laboratory's range)"
    band = result.interpret(pregnant_or_breastfeeding=pregnant_or_breastfeeding)
    if band is None:
        return "in no cited band"
    return str(band)


def _lab_row(
    mine: list[LabResult], zone: zoneinfo.ZoneInfo, pregnant: bool = False
) -> tuple[str, ...]:
    first, last = mine[0], mine[-1]
    if len(mine) == 1:
        change = "one result"
    else:
        # A result's unit is always one of its analyte's, so it converts.
        delta = last.to(first.unit).value - first.value
        word = "rising" if delta > 0 else "falling" if delta < 0 else "unchanged"
        change = f"{'+' if delta > 0 else ''}{delta:.4g} {first.unit} ({word})"
    return (
        first.analyte.value,
        f"{number_text(first.value)} {first.unit} ({_day(first.at, zone)})",
        f"{number_text(last.value)} {last.unit} ({_day(last.at, zone)})",
        change,
        str(len(mine)),
        _band(last, pregnant),
    )


def _labs_section(
    timeline: Timeline, now: dt.datetime, pregnant: bool = False
) -> Section:
    cut = utc(now)
    labs: list[LabResult] = [
        r for r in timeline.payloads(EventKind.LAB_RESULT) if utc(r.at) <= cut
    ]
    if not labs:
        return Section("Labs", ("No lab result was recorded.",))
    rows = []
    for analyte in Analyte:
        mine = [r for r in labs if r.analyte is analyte]
        if mine:
            rows.append(_lab_row(mine, timeline.zone, pregnant))
    header = ("Analyte", "First", "Latest", "Change", "Results", "Band (latest)")
    return Section("Labs", (Table(header, tuple(rows)),))


def _reviews_section(timeline: Timeline) -> Section:
    reviews: list[Review] = [e.payload for e in timeline.of_kind(EventKind.REVIEW)]
    if not reviews:
        return Section("Review points", ("No review point within the horizon.",))
    items = tuple(
        f"{_when(r.at, timeline.zone)}: {r.headline} ({r.source})" for r in reviews
    )
    return Section("Review points", (Bullets(items),))


_CORRECTIONS_NOTE = (
    "Records entered in error stay in the record, voided; they take no part "
    "in the plan or in the sections above."
)


def _corrections_section(timeline: Timeline) -> Section:
    """The records voided or amended: what, how, why, by whom and when."""
    if not timeline.corrections:
        return Section("Corrections", ("No record was voided or amended.",))
    zone = timeline.zone
    assert timeline.regimen is not None  # a course's view  # noqa: S101
    names = tuple(p.name for p in timeline.regimen.phases)
    rows = tuple(
        (
            describe(c.record, zone, names),
            "voided"
            if c.replacement is None
            else f"amended: now {describe(c.replacement, zone, names)}",
            c.reason,
            c.by or "",
            _when(c.at, zone),
        )
        for c in timeline.corrections
    )
    table = Table(("Record", "Correction", "Reason", "By", "When"), rows)
    return Section("Corrections", (_CORRECTIONS_NOTE, table))


def _chart_section(
    chart_png: bytes | None, chart_path: str | Path | None
) -> Section | None:
    if chart_png is not None and chart_path is not None:
        raise ExportError(chart_png, "give chart_png or chart_path, not both")
    if chart_path is not None:
        if not isinstance(chart_path, (str, Path)) or not str(chart_path).strip():
            raise ExportError(
                chart_path, "chart_path must be a file path (str or Path)"
            )
        href = Path(chart_path).as_posix()
        return Section("Chart", (Image(CHART_ALT, href=href),))
    if chart_png is None:
        return None
    if not (isinstance(chart_png, bytes) and chart_png.startswith(_PNG_MAGIC)):
        raise ExportError(
            chart_png, "chart_png must be the bytes of a PNG image (see plot.chart_png)"
        )
    return Section("Chart", (Image(CHART_ALT, png=chart_png),))


def summary_document(
    source: Course | Timeline,
    *,
    now: dt.datetime | None = None,
    until: dt.datetime | None = None,
    grace: dt.timedelta | None = None,
    chart_png: bytes | None = None,
    chart_path: str | Path | None = None,
    flare_model: FlareModel | None = None,
    patient: str | None = None,
    provisional_horizon: dt.timedelta | None = None,
) -> Summary:
    """Return the summary of a course's view as of ``now`` as a document.

    ``source`` is a view (a :class:`~b12course.Timeline` from
    :meth:`b12course.Course.timeline`, read as it is: ``now`` is its own) or
    a course, whose view is built once by the horizon policy (``until``,
    ``grace``, ``flare_model`` and ``provisional_horizon`` as for
    :meth:`~b12course.Course.timeline`); every section reads the view.  See
    :func:`b12course.export.summary_markdown` for the arguments.
    """
    if isinstance(source, Course) and now is None:
        raise ExportError(now, "a course's summary needs now (an aware datetime)")
    if until is not None and now is not None:
        until = require_aware("until", until)
        if utc(until) <= utc(require_aware("now", now)):
            raise ExportError(
                until,
                f"until ({until.isoformat()}) must be after now ({now.isoformat()})",
            )
    chart = _chart_section(chart_png, chart_path)
    timeline = view_of(
        source,
        now=now,
        until=until,
        grace=grace,
        flare_model=flare_model,
        provisional_horizon=provisional_horizon,
    )
    now = timeline.now if timeline.now is not None else timeline.first_dose
    if now is None:
        raise ExportError(source, "a summary needs the view of a course at a moment")
    kept = timeline.adherence
    if kept is None:  # a preview: summed up as of its first dose
        kept = adherence(timeline, now=now, grace=timeline.grace)
    report = timeline.flare_report
    assert report is not None  # noqa: S101 - a course's view has one
    sections = [
        _flare_section(report, timeline.attention, timeline.zone),
        _overdue_section(timeline, now),
        _doses_section(timeline, kept, now),
        _adherence_section(kept),
        _symptoms_section(timeline, now),
        _labs_section(timeline, now, timeline.pregnant_or_breastfeeding),
        _reviews_section(timeline),
        _corrections_section(timeline),
        _regimen_section(timeline),
    ]
    if chart is not None:
        sections.append(chart)
    return Summary(_meta(timeline, now, patient), tuple(sections))


def _meta(timeline: Timeline, now: dt.datetime, patient: str | None) -> str:
    """The header line: patient, course, regimen, the range the record covers, now."""
    zone = timeline.zone
    assert timeline.regimen is not None  # a course's view  # noqa: S101
    assert timeline.first_dose is not None  # noqa: S101
    starts = [
        timeline.first_dose,
        *(e.start for e in timeline if utc(e.start) <= utc(now)),
    ]
    first = min(starts, key=utc)
    parts = [
        f"Course {timeline.course_id}, {timeline.regimen.name}",
        f"record from {_day(first, zone)} to {_day(now, zone)}",
        f"as of {_when(now, zone)}",
    ]
    if patient is not None:
        parts.insert(0, f"Patient {require_text('patient', patient)}")
    return "; ".join(parts)
