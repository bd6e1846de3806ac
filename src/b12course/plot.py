"""A picture of a course: symptoms, doses, phases, the flare window, reviews.

:func:`plot_course` draws one figure with two panels sharing a date axis in the
course's zone.  Everything on it is read from one view of the course (a
:class:`~b12course.Timeline` from :meth:`b12course.Course.timeline`, built
once per chart, or given): its events, the flags and baselines it carries, and
its horizon (the library's one horizon policy, unless ``until`` asks for a
nearer edge such as :func:`default_until`), never worked out again:

- the top panel has one line per logged symptom (severity on the 0-10 scale)
  with its pre-treatment baseline as a dashed line of the same colour; entries
  the flare report flags for a clinician's attention are ringed; the window in
  which a transient worsening has been reported is hatched; review points are
  dashed lines labelled horizontally; "now" is a solid line;
- the bottom panel has a row for the phases (one colour and hatch each, named
  in the bar), a row for the planned doses not yet given (planned, provisional,
  due, overdue) and skips, and a row for the doses given (filled circles).
  Overdue doses closer together than the chart can show apart are drawn as one
  bar labelled with their count.

The palette is Okabe and Ito's, safe for colour-blind readers, and every layer
differs in shape, hatch or line style as well as colour, so the chart reads in
grey.  Text is drawn with DejaVu Sans (shipped with matplotlib) so the pictures
are the same on every machine; SVG keeps text as text and carries a
``<title>`` and a ``<desc>``.

Matplotlib is an optional extra (``pip install 'b12course[plot]'``) and is
imported only when a chart is drawn, so ``import b12course`` never imports it.
The figure is a plain :class:`matplotlib.figure.Figure`, made without
``pyplot``: no global state, no window, and no display is needed.

Every artist the chart draws for data has a ``gid`` named with the
:class:`~b12course.EventKind` value it shows: ``planned_dose:<status>``
(``scheduled``, ``provisional``, ``due``, ``overdue``, ``overdue-run``),
``dose_given``, ``dose_skipped``, ``phase_change:<phase name>``,
``flare_window``, ``review`` (and ``review-label``), ``symptom:<label>``,
``baseline:<label>``, ``flagged`` and ``now``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape

import attrs

from b12course import (
    Baseline,
    DoseStatus,
    FlareModel,
    FlareWindow,
    LabResult,
    PhaseEnding,
    PhaseSpan,
    PlannedDose,
    Review,
    Symptom,
    SymptomEntry,
)
from b12course._course import Course
from b12course._reading import (
    check_course,
    slots_by_record,
    symptom_key,
    view_of,
)
from b12course._time import require_aware, utc
from b12course._timeline import EventKind, Timeline
from b12course.exceptions import ExportError, SettingError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "CHART_FORMATS",
    "ChartMarker",
    "chart_markers",
    "chart_png",
    "default_until",
    "plot_course",
    "save_chart",
]

#: The file suffixes :func:`save_chart` writes, and the format of each.
CHART_FORMATS: dict[str, str] = {".png": "png", ".svg": "svg"}

#: The legend's words for the flare window (never a promise: clinical.md).
FLARE_LABEL = "window in which a transient worsening\nhas been reported"

# Okabe & Ito (2008), "Color Universal Design": distinct for every common
# kind of colour blindness.
_BLACK = "#000000"
_ORANGE = "#E69F00"
_SKY_BLUE = "#56B4E9"
_GREEN = "#009E73"
_YELLOW = "#F0E442"
_BLUE = "#0072B2"
_VERMILLION = "#D55E00"
_PURPLE = "#CC79A7"
_GREY = "#7F7F7F"

_SYMPTOM_COLOURS = (_BLUE, _ORANGE, _GREEN, _PURPLE, _SKY_BLUE, _VERMILLION, _BLACK)
_SYMPTOM_MARKERS = ("o", "s", "^", "D", "v", "P", "*")
# A phase's bar: (face colour, hatch), so phases differ in grey too.
_PHASE_LOOKS = ((_SKY_BLUE, ""), (_GREEN, "xx"), (_YELLOW, ".."), (_PURPLE, "\\\\"))

# Rows of the dose panel.
_GIVEN_ROW, _PLAN_ROW, _PHASE_ROW = 2, 1, 0

# How each marker group looks: gid -> (legend label, row, style).
_DOSE_STYLES: dict[str, tuple[str, int, dict[str, Any]]] = {
    "dose_given": (
        "dose given",
        _GIVEN_ROW,
        {"marker": "o", "color": _GREEN, "markeredgecolor": _BLACK, "markersize": 9},
    ),
    "planned_dose:scheduled": (
        "dose planned",
        _PLAN_ROW,
        {"marker": "o", "markerfacecolor": "white", "color": _BLACK, "markersize": 8},
    ),
    "planned_dose:provisional": (
        "dose planned (provisional)",
        _PLAN_ROW,
        {
            "marker": "o",
            "markerfacecolor": "white",
            "color": _GREY,
            "markersize": 6,
            "markeredgewidth": 1,
        },
    ),
    "planned_dose:due": (
        "dose due now",
        _PLAN_ROW,
        {"marker": "D", "color": _ORANGE, "markeredgecolor": _BLACK, "markersize": 9},
    ),
    "planned_dose:overdue": (
        "dose overdue",
        _PLAN_ROW,
        {
            "marker": "X",
            "color": _VERMILLION,
            "markeredgecolor": _BLACK,
            "markersize": 10,
        },
    ),
    "dose_skipped": (
        "dose skipped",
        _PLAN_ROW,
        {"marker": "_", "color": _BLACK, "markersize": 12, "markeredgewidth": 2},
    ),
}
_DEFAULT_TAIL = dt.timedelta(days=7)
_MIN_BAND = dt.timedelta(days=1)
# Overdue doses closer than this share of the chart's width merge into a run.
_RUN_GAP = 1 / 90
# Review labels closer than this share of the width are stacked.
_LABEL_GAP = 0.12

# Fixed fonts and ids, text kept as text in SVG: the same course draws the
# same picture on every machine, and an SVG's text can be searched and read.
_RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 10.0,
    "svg.fonttype": "none",
    "svg.hashsalt": "b12course",
    "hatch.linewidth": 1.0,
    "path.simplify": True,
    # Text is text: a "$" in a title or a symptom's name is a dollar sign,
    # never mathtext ("$\\foo$" would raise, deep braces recurse).
    "text.parse_math": False,
    "text.usetex": False,
}


@attrs.frozen(kw_only=True)
class ChartMarker:
    """One dose marker of the chart: what it shows, when, and its dose's name.

    Attributes:
        kind: The timeline event it stands for (planned, given or skipped).
        at: Where it is drawn: when given, or when due.
        name: The planned dose's name ("loading dose 2 of 6").
        group: The marker group (its ``gid``), e.g. ``planned_dose:overdue``.
    """

    kind: EventKind
    at: dt.datetime
    name: str
    group: str


def _matplotlib() -> None:
    """Import matplotlib, or say how to install it."""
    try:
        import matplotlib as mpl  # noqa: F401, PLC0415 - optional extra, imported lazily
    except ImportError as exc:
        raise ModuleNotFoundError(
            "b12course.plot needs matplotlib: pip install 'b12course[plot]'",
            name="matplotlib",
        ) from exc


@contextmanager
def _style() -> Iterator[None]:
    import matplotlib as mpl  # noqa: PLC0415 - optional extra

    with mpl.rc_context(_RC):  # type: ignore[arg-type]
        yield


def _earliest(timeline: Timeline) -> dt.datetime:
    """The first dose or the view's earliest event, whichever is earlier."""
    first = timeline.first_dose
    assert first is not None  # a course's view  # noqa: S101
    return min(first, timeline[0].start, key=utc) if len(timeline) else first


_RECORDS = (
    EventKind.DOSE_GIVEN,
    EventKind.DOSE_SKIPPED,
    EventKind.SYMPTOM,
    EventKind.LAB_RESULT,
)


def close_up(timeline: Timeline) -> dt.datetime:
    """Return the chart's right edge for a view: :func:`default_until`'s rule.

    A week after the latest of the view's last record (or decision), its
    ``now`` and the end of its flare window, stretched to a week past the
    next planned dose after that, and never past the view's horizon.

    Raises:
        ExportError: ``timeline`` is not a course's view.
    """
    first, edge = timeline.first_dose, timeline.until
    if first is None or edge is None:
        raise ExportError(timeline, "a chart draws a course's view (Course.timeline)")
    zone = timeline.zone
    recorded = [first, *(d.at for d in timeline.decisions)]
    recorded.extend(e.start for e in timeline.of_kind(*_RECORDS)[-1:])
    records = max(recorded, key=utc)
    latest = [records]
    window = timeline.flare_window
    if window is not None:
        latest.append(window.end)
    if timeline.now is not None:
        latest.append(timeline.now)
    base = max(latest, key=utc).astimezone(zone) + _DEFAULT_TAIL
    after = timeline.now if timeline.now is not None else records
    upcoming = timeline.next_dose(after=after)
    if upcoming is not None and utc(upcoming.due) >= utc(base) - _DEFAULT_TAIL:
        base = max(base, upcoming.due.astimezone(zone) + _DEFAULT_TAIL, key=utc)
    return min(base, edge, key=utc)


def default_until(
    course: Course,
    *,
    now: dt.datetime | None = None,
    flare_model: FlareModel | None = None,
    grace: dt.timedelta | None = None,
) -> dt.datetime:
    """Return the horizon :func:`plot_course` uses when none is given.

    One week after the latest of: the last recorded event, ``now``, the end
    of the flare window (of ``flare_model``, or the default, when the course
    has one), and the next
    planned dose after ``now`` (or after the last record), so the chart
    always shows what comes next.

    Raises:
        NotACourseError: ``course`` is not a Course.
        NaiveDatetimeError: ``now`` is naive.
    """
    course = check_course(course)
    if now is not None:
        now = require_aware("now", now)
    return close_up(course.timeline(now=now, grace=grace, flare_model=flare_model))


def _num(values: Sequence[dt.datetime]) -> list[float]:
    from matplotlib import dates as mdates  # noqa: PLC0415 - optional extra

    # matplotlib.dates is not annotated (hence the ignores below).
    return [float(mdates.date2num(v)) for v in values]  # type: ignore[no-untyped-call]


def _planned_group(dose: PlannedDose) -> str | None:
    """Return the marker group of a planned dose, or None when it is not drawn.

    Given and skipped slots are drawn by their records (``dose_given`` and
    ``dose_skipped`` events), so each happening has one marker.
    """
    if dose.status in {DoseStatus.GIVEN, DoseStatus.SKIPPED}:
        return None
    if dose.status is DoseStatus.OVERDUE:
        return "planned_dose:overdue"
    if dose.status is DoseStatus.DUE:
        return "planned_dose:due"
    return "planned_dose:provisional" if dose.provisional else "planned_dose:scheduled"


def chart_markers(timeline: Timeline, *, until: dt.datetime) -> tuple[ChartMarker, ...]:
    """Return the dose markers a chart of ``timeline`` draws before ``until``.

    One marker per ``dose_given`` and ``dose_skipped`` event, and one per
    ``planned_dose`` event not yet given or skipped, in the timeline's order.
    This needs no matplotlib: it is what :func:`plot_course` draws.

    Raises:
        NaiveDatetimeError: ``until`` is naive.
        ExportError: ``timeline`` is not a Timeline.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens
    >>> tz = zoneinfo.ZoneInfo("Europe/London")
    >>> first = dt.datetime(2026, 12, 1, 9, tzinfo=tz)
    >>> neuro = regimens.get("bnf-hydroxocobalamin-neuro")
    >>> course = Course.begin(neuro, first_dose=first)
    >>> course = course.record_dose(first)
    >>> until = dt.datetime(2026, 12, 4, tzinfo=tz)
    >>> for m in chart_markers(course.timeline(until=until), until=until):
    ...     print(m.group, m.at.strftime("%d %H:%M"), m.name)
    dose_given 01 09:00 loading dose 1
    planned_dose:scheduled 03 09:00 loading dose 2
    """
    if not isinstance(timeline, Timeline):
        raise ExportError(
            timeline,
            f"expected a b12course Timeline (Course.timeline), not {timeline!r}",
        )
    end = utc(require_aware("until", until))
    slots = slots_by_record(timeline)
    markers = []
    kinds = (EventKind.PLANNED_DOSE, EventKind.DOSE_GIVEN, EventKind.DOSE_SKIPPED)
    for event in timeline.of_kind(*kinds):
        if utc(event.start) >= end:
            break
        if event.kind is EventKind.PLANNED_DOSE:
            group = _planned_group(event.payload)
            if group is None:
                continue
            name = event.payload.name
        else:
            group = event.kind.value
            slot = slots.get(event.payload)
            name = slot.name if slot is not None else event.kind.value.replace("_", " ")
        markers.append(
            ChartMarker(kind=event.kind, at=event.start, name=name, group=group)
        )
    return tuple(markers)


# -- the symptom panel ------------------------------------------------------


def _symptom_series(timeline: Timeline) -> dict[Symptom | str, list[SymptomEntry]]:
    # Every entry is before the chart's edge: the edge is after the last record.
    series: dict[Symptom | str, list[SymptomEntry]] = {}
    for event in timeline.of_kind(EventKind.SYMPTOM):
        series.setdefault(symptom_key(event.payload), []).append(event.payload)
    return series


def _baseline_dashes(
    key: Symptom | str, baselines: dict[Symptom | str, Baseline]
) -> tuple[float, tuple[float, float]]:
    """A dash pattern that leaves room for every baseline at the same severity.

    Baselines at one severity would draw one over the other, hiding all but
    the last; instead each draws a dash in turn (``n`` baselines: a dash, then
    a gap as long as the others' dashes, shifted by its place among them).
    """
    level = round(baselines[key].severity, 1)
    same = [k for k, b in baselines.items() if round(b.severity, 1) == level]
    dash = 6.0
    place = same.index(key)
    gap = dash * (len(same) - 1) or 3.0
    return (-dash * place, (dash, gap)) if len(same) > 1 else (0.0, (dash, gap))


def _draw_symptoms(
    ax: Axes,
    timeline: Timeline,
    series: dict[Symptom | str, list[SymptomEntry]],
    until: dt.datetime,
) -> None:
    treatment_start = timeline.treatment_start
    assert treatment_start is not None  # a course's view  # noqa: S101
    start = _num([treatment_start])[0]
    end = _num([until])[0]
    baselines: dict[Symptom | str, Baseline] = {}
    for key in series:
        base = timeline.baseline(key)
        if base is not None:
            baselines[key] = base
    for i, (key, entries) in enumerate(series.items()):
        label = entries[0].label
        colour = _SYMPTOM_COLOURS[i % len(_SYMPTOM_COLOURS)]
        ax.plot(
            _num([e.at for e in entries]),
            [e.severity for e in entries],
            marker=_SYMPTOM_MARKERS[i % len(_SYMPTOM_MARKERS)],
            color=colour,
            linewidth=2,
            label=label,
            gid=f"symptom:{label}",
        )
        base = baselines.get(key)
        if base is not None:
            ax.plot(
                [start, end],
                [base.severity] * 2,
                color=colour,
                linestyle=_baseline_dashes(key, baselines),
                linewidth=1.2,
                label=f"{label} baseline ({base.severity:.1f})",
                gid=f"baseline:{label}",
            )
    if not series:
        ax.text(
            0.5,
            0.5,
            "no symptom logged",
            transform=ax.transAxes,
            ha="center",
            va="center",
            color=_GREY,
            fontsize="large",
            gid="no-symptoms",
        )
    ax.set_ylim(-0.5, 11.5)
    ax.set_yticks(range(0, 11, 2))
    ax.set_ylabel("severity (0 none - 10 worst)")
    ax.grid(visible=True, axis="y", alpha=0.3)


def _draw_flagged(ax: Axes, timeline: Timeline, until: dt.datetime) -> None:
    flagged = [a.entry for a in timeline.attention if utc(a.entry.at) < utc(until)]
    if flagged:
        times = _num([e.at for e in flagged])
        severities = [e.severity for e in flagged]
        # A black ring on a white one contrasts with every series' colour
        # (orange included) and with the hatched backdrop.
        ax.plot(
            times,
            severities,
            linestyle="none",
            marker="o",
            markersize=16,
            color="white",
            markerfacecolor="none",
            markeredgecolor="white",
            markeredgewidth=5,
            gid="flagged-halo",
            zorder=5,
        )
        ax.plot(
            times,
            severities,
            linestyle="none",
            marker="o",
            markersize=16,
            color=_BLACK,
            markerfacecolor="none",
            markeredgecolor=_BLACK,
            markeredgewidth=2,
            label="flagged for a clinician's attention",
            gid="flagged",
            zorder=6,
        )


def _draw_flare_window(ax: Axes, window: FlareWindow | None) -> None:
    if window is None:
        return
    start, end = _num([window.start, window.end])
    # The face and the hatch are two artists: in SVG a hatch is a pattern
    # whose background is the face colour and whose opacity is the face's, so
    # one artist with a faint face draws its lines faint and in the same
    # colour as the background (invisible); with no face the lines keep theirs.
    ax.axvspan(
        start,
        end,
        facecolor=(0.902, 0.624, 0.0, 0.12),  # _ORANGE, faint
        linewidth=0,
        zorder=0,
        gid="flare_window-face",
    )
    ax.axvspan(
        start,
        end,
        facecolor="none",
        edgecolor=(0.902, 0.624, 0.0, 0.6),  # _ORANGE, lighter: a backdrop
        hatch="//",
        linewidth=0,
        zorder=0,
        gid="flare_window",
        label=FLARE_LABEL,
    )


def _draw_reviews(axes: Sequence[Axes], reviews: Sequence[Review], span: float) -> None:
    top = axes[0]
    last_x: float | None = None
    level = 0
    for i, review in enumerate(reviews):
        x = _num([review.at])[0]
        for ax in axes:
            ax.axvline(
                x,
                color=_PURPLE,
                linestyle=(0, (4, 2)),
                linewidth=1.5,
                gid="review",
                label="review point" if ax is top and i == 0 else None,
            )
        close = last_x is not None and (x - last_x) < _LABEL_GAP * span
        level = level + 1 if close else 0
        last_x = x
        top.annotate(
            review.kind.value,
            xy=(x, 1.0 - 0.075 * level),
            xycoords=("data", "axes fraction"),
            xytext=(4, -3),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize="small",
            color=_BLACK,
            bbox={
                "boxstyle": "round,pad=0.2",
                "facecolor": "white",
                "edgecolor": _PURPLE,
            },
            gid="review-label",
        )


# -- the dose panel ---------------------------------------------------------


def _band_end(
    span: PhaseSpan, spans: Sequence[PhaseSpan], until: dt.datetime
) -> dt.datetime:
    """Return where a phase's bar ends: its decision, its last dose, or the horizon."""
    if span.decision is not None:
        end = span.decision.at
    elif span.ending is None or (
        span.ending is PhaseEnding.PROJECTED and span is spans[-1]
    ):
        end = until
    else:
        end = span.last
    return min(max(end, span.first + _MIN_BAND, key=utc), until, key=utc)


def _draw_phases(
    ax: Axes, spans: Sequence[PhaseSpan], until: dt.datetime, span: float
) -> None:
    previous_end: dt.datetime | None = None
    for i, phase_span in enumerate(spans):
        face, hatch = _PHASE_LOOKS[i % len(_PHASE_LOOKS)]
        band_end = _band_end(phase_span, spans, until)
        # A phase begins where the one before it ended: the interval before
        # its first dose (one of its own intervals) is treatment too, and a
        # gap in the bars would read as a pause.
        first = phase_span.first if previous_end is None else previous_end
        start, end = _num([min(first, phase_span.first, key=utc), band_end])
        previous_end = band_end
        name = phase_span.phase.name
        ax.broken_barh(
            [(start, end - start)],
            (_PHASE_ROW - 0.35, 0.7),
            facecolors=face,
            edgecolors=_BLACK,
            hatch=hatch,
            linewidth=0.8,
            gid=f"phase_change:{name}",
            label=f"{name} phase",
        )
        if end - start > 0.08 * span:
            ax.text(
                start + 0.004 * span,
                _PHASE_ROW,
                name,
                va="center",
                ha="left",
                fontsize="small",
                bbox={
                    "boxstyle": "square,pad=0.15",
                    "facecolor": "white",
                    "linewidth": 0,
                },
                gid=f"phase-label:{name}",
                clip_on=True,
            )


def _overdue_runs(times: Sequence[float], gap: float) -> list[list[float]]:
    """Split sorted overdue times into runs whose neighbours are closer than ``gap``."""
    runs: list[list[float]] = []
    for x in times:
        if runs and x - runs[-1][-1] < gap:
            runs[-1].append(x)
        else:
            runs.append([x])
    return runs


def _draw_overdue(ax: Axes, times: Sequence[float], span: float) -> None:
    label, row, style = _DOSE_STYLES["planned_dose:overdue"]
    runs = _overdue_runs(times, _RUN_GAP * span)
    singles = [run[0] for run in runs if len(run) == 1]
    if singles:
        ax.plot(
            singles,
            [row] * len(singles),
            linestyle="none",
            label=label,
            gid="planned_dose:overdue",
            **style,
        )
    for i, run in enumerate(r for r in runs if len(r) > 1):
        ax.broken_barh(
            [(run[0], max(run[-1] - run[0], _RUN_GAP * span / 3))],
            (row - 0.22, 0.44),
            facecolors=_VERMILLION,
            edgecolors=_BLACK,
            linewidth=0.8,
            gid="planned_dose:overdue-run",
            label="overdue doses (a run)" if i == 0 else None,
        )
        ax.annotate(
            f"{len(run)} overdue",
            xy=(run[0], row + 0.25),
            xytext=(0, 2),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize="small",
            color=_BLACK,
            gid="planned_dose:overdue-count",
        )


def _draw_doses(ax: Axes, markers: Sequence[ChartMarker], span: float) -> None:
    groups: dict[str, list[dt.datetime]] = {key: [] for key in _DOSE_STYLES}
    for marker in markers:
        groups[marker.group].append(marker.at)
    for key, times in groups.items():
        if not times:
            continue
        if key == "planned_dose:overdue":
            _draw_overdue(ax, _num(times), span)
            continue
        label, row, style = _DOSE_STYLES[key]
        ax.plot(
            _num(times),
            [row] * len(times),
            linestyle="none",
            label=label,
            gid=key,
            **style,
        )
    ax.set_ylim(-0.6, 2.7)
    ax.set_yticks(
        [_PHASE_ROW, _PLAN_ROW, _GIVEN_ROW], labels=["phase", "planned", "given"]
    )
    ax.grid(visible=True, axis="y", alpha=0.2)


# How a lab result looks by where it falls: (legend label, marker, colour).
_LAB_LOOKS = {
    "below": ("lab: below its reference range", "v", _VERMILLION),
    "inside": ("lab: inside its reference range", "D", _YELLOW),
    "above": ("lab: above its reference range", "^", _BLUE),
    "none": ("lab: no default range", "o", _GREY),
}


def _lab_look(result: LabResult, *, pregnant: bool) -> str:
    """Where a result falls in its default range: below, inside, above or none."""
    band = result.interpret(pregnant_or_breastfeeding=pregnant)
    if band is None:
        return "none"
    if band.low is None:
        return "below"
    if band.high is None:
        return "above"
    return "inside"


def _draw_labs(ax: Axes, results: Sequence[LabResult], *, pregnant: bool) -> None:
    """One row per analyte; each result marked by its band and labelled by value."""
    rows = list(dict.fromkeys(r.analyte for r in results))
    groups: dict[str, tuple[list[float], list[int]]] = {}
    for result in results:
        row = rows.index(result.analyte)
        look = _lab_look(result, pregnant=pregnant)
        times, ys = groups.setdefault(look, ([], []))
        (x,) = _num([result.at])
        times.append(x)
        ys.append(row)
        ax.annotate(
            f"{result.value:g} {result.unit}",
            (x, row),
            xytext=(7, 4),
            textcoords="offset points",
            fontsize="x-small",
            gid="lab-value",
        )
    for look, (times, ys) in groups.items():
        label, marker, colour = _LAB_LOOKS[look]
        ax.plot(
            times,
            ys,
            linestyle="none",
            marker=marker,
            markersize=9,
            color=colour,
            markeredgecolor=_BLACK,
            label=label,
            gid=f"lab_result:{look}",
        )
    ax.set_yticks(range(len(rows)), [str(a) for a in rows])
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.grid(visible=True, axis="y", alpha=0.3)


def _draw_now(axes: Sequence[Axes], now: dt.datetime | None) -> None:
    if now is None:
        return
    for ax in axes:
        ax.axvline(
            _num([now])[0],
            color=_BLACK,
            linewidth=1.5,
            gid="now",
            label="now" if ax is axes[0] else None,
        )


def _shown_window(timeline: Timeline, until: dt.datetime) -> FlareWindow | None:
    """The view's flare window, if it opens before the chart's edge."""
    window = timeline.flare_window
    if window is None or utc(window.start) >= utc(until):
        return None
    return window


def _check_arguments(
    course: object,
    until: dt.datetime | None,
    now: dt.datetime | None,
    flare_model: FlareModel | None,
) -> tuple[Course | Timeline, dt.datetime | None, dt.datetime | None]:
    if not isinstance(course, Timeline):
        course = check_course(course)
    if flare_model is not None and not isinstance(flare_model, FlareModel):
        raise SettingError(f"expected a FlareModel, not {flare_model!r}")
    if now is not None:
        now = require_aware("now", now)
    if until is not None:
        until = require_aware("until", until)
    return course, until, now


def plot_course(
    course: Course | Timeline,
    *,
    until: dt.datetime | None = None,
    now: dt.datetime | None = None,
    grace: dt.timedelta | None = None,
    flare_model: FlareModel | None = None,
    title: str | None = None,
    size: tuple[float, float] = (11.0, 6.5),
    dpi: float = 100,
    labs: bool = False,
    provisional_horizon: dt.timedelta | None = None,
) -> Figure:
    """Draw ``course`` as a matplotlib Figure (see the module docstring).

    Args:
        course: The course, or its view (a :class:`~b12course.Timeline` from
            ``Course.timeline``, drawn as it is: ``now``, ``grace``,
            ``flare_model`` and ``provisional_horizon`` are then its own).
        until: The right edge of the chart (exclusive): doses and entries from
            it on are left out.  By default :func:`close_up` of the view (a
            week past what comes next), never past the view's horizon (the
            one horizon policy).
        now: The present: draws a "now" line, and gives planned doses their
            status (due, overdue); without it every pending dose is planned.
        grace: As for ``Course.plan``: how long a dose stays due.
        flare_model: The flare model whose window is hatched and whose
            report flags entries; the default :class:`~b12course.FlareModel`
            when None.
        title: The figure's title; the regimen's name by default.
        size: Width and height in inches (1100 x 650 pixels at the default dpi).
        dpi: Dots per inch for raster output.
        labs: Add a third panel with the lab results: one row per analyte,
            each result marked by the band it falls in (below, inside or
            above its default reference range, or no band) and labelled with
            its value.  Without lab results no panel is added.
        provisional_horizon: How far past ``now`` provisional doses are drawn
            (12 weeks when None; see :func:`b12course.horizon_for`).

    Returns:
        A :class:`matplotlib.figure.Figure` with two axes (severity, doses),
        or three with ``labs`` (severity, doses, labs).

    Raises:
        ModuleNotFoundError: matplotlib is not installed.
        NaiveDatetimeError: ``until`` or ``now`` is naive.
        NotACourseError: ``course`` is not a Course.
        ExportError: ``until`` is not after the course's earliest record.
        SettingError: ``flare_model`` is not a FlareModel.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens
    >>> tz = zoneinfo.ZoneInfo("Europe/London")
    >>> course = Course.begin(regimens.get("bnf-hydroxocobalamin-neuro"),
    ...                       first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=tz))
    >>> fig = plot_course(course, until=dt.datetime(2026, 12, 15, tzinfo=tz))
    >>> sorted({line.get_gid() for line in fig.axes[1].get_lines()})
    ['planned_dose:scheduled']
    """
    _matplotlib()
    with _style():
        course, until, now = _check_arguments(course, until, now, flare_model)
        timeline = view_of(
            course,
            now=now,
            until=until,
            grace=grace,
            flare_model=flare_model,
            provisional_horizon=provisional_horizon,
        )
        return _plot(timeline, until, title, size, dpi, labs)


def _plot(  # noqa: PLR0917 - private; plot_course's arguments
    timeline: Timeline,
    until: dt.datetime | None,
    title: str | None,
    size: tuple[float, float],
    dpi: float,
    labs: bool = False,
) -> Figure:
    from matplotlib import dates as mdates  # noqa: PLC0415 - optional extra
    from matplotlib.figure import Figure  # noqa: PLC0415 - optional extra

    start = _earliest(timeline) - dt.timedelta(days=2)
    if until is not None and utc(until) <= utc(start):
        raise ExportError(
            until,
            f"until ({until.isoformat()}) must be after the course's earliest "
            f"record ({start.isoformat()})",
        )
    edge = timeline.until
    if until is None:
        until = close_up(timeline)
    elif edge is not None and utc(edge) < utc(until):
        until = edge
    assert until is not None  # a course's view has its horizon  # noqa: S101
    now = timeline.now
    zone = timeline.zone
    regimen = timeline.regimen
    assert regimen is not None  # a course's view  # noqa: S101
    left, right = _num([start, until])
    span = right - left

    results = [
        e.payload
        for e in timeline.of_kind(EventKind.LAB_RESULT)
        if utc(e.start) < utc(until)
    ]
    with_labs = labs and bool(results)
    fig = Figure(
        figsize=(size[0], size[1] * (1.3 if with_labs else 1)),
        dpi=dpi,
        layout="constrained",
    )
    axes = fig.subplots(
        3 if with_labs else 2,
        1,
        sharex=True,
        gridspec_kw={"height_ratios": (3, 1.3, 1.2) if with_labs else (3, 1.3)},
    )
    top, bottom = axes[0], axes[1]
    _draw_flare_window(top, _shown_window(timeline, until))
    _draw_symptoms(top, timeline, _symptom_series(timeline), until)
    _draw_flagged(top, timeline, until)
    spans = [
        e.payload
        for e in timeline.of_kind(EventKind.PHASE_CHANGE)
        if utc(e.start) < utc(until)
    ]
    _draw_phases(bottom, spans, until, span)
    _draw_doses(bottom, chart_markers(timeline, until=until), span)
    reviews = [
        e.payload
        for e in timeline.of_kind(EventKind.REVIEW)
        if utc(e.start) < utc(until)
    ]
    _draw_reviews((top, bottom), reviews, span)
    if with_labs:
        _draw_labs(axes[2], results, pregnant=timeline.pregnant_or_breastfeeding)
    _draw_now(tuple(axes), now)

    last = axes[-1]
    locator = mdates.AutoDateLocator(tz=zone, maxticks=12)  # type: ignore[no-untyped-call]
    last.xaxis.set_major_locator(locator)
    last.xaxis.set_major_formatter(_dates_with_years(locator, zone))
    last.set_xlim(left, right)
    last.set_xlabel(f"date ({zone.key})")
    fig.suptitle(title if title is not None else regimen.name)

    handles: list[Any] = []
    labels: list[str] = []
    for ax in axes:
        more_handles, more_labels = ax.get_legend_handles_labels()
        handles += more_handles
        labels += more_labels
    fig.legend(
        handles,
        labels,
        loc="outside right upper",
        fontsize="small",
        frameon=False,
    )
    return fig


def _dates_with_years(locator: Any, zone: dt.tzinfo) -> Any:  # noqa: ANN401 - matplotlib's
    """Concise date labels that carry their year where it changes, with no offset.

    matplotlib's concise labels put the year in an "offset" text at the axis's
    right end (``2027-Mar``), which reads as the year of the whole axis; here
    the first label and every label whose year differs from the one before it
    carry the year themselves.
    """
    from matplotlib import dates as mdates  # noqa: PLC0415 - optional extra

    class _Labels(mdates.ConciseDateFormatter):
        def format_ticks(self, values: Sequence[float]) -> list[str]:
            labels: list[str] = super().format_ticks(values)  # type: ignore[no-untyped-call]
            years = [mdates.num2date(v, tz=zone).year for v in values]  # type: ignore[no-untyped-call]
            out = []
            for i, (label, year) in enumerate(zip(labels, years, strict=True)):
                first = i == 0 or years[i - 1] != year
                out.append(
                    label if not first or str(year) in label else f"{label}\n{year}"
                )
            return out

    return _Labels(locator, tz=zone, show_offset=False)  # type: ignore[no-untyped-call]


def _named(source: Course | Timeline) -> tuple[str, str, str]:
    """The regimen's name, the course id and the zone of a course or its view."""
    if isinstance(source, Timeline):
        regimen = source.regimen
        assert regimen is not None  # a course's view  # noqa: S101
        return regimen.name, str(source.course_id), source.zone.key
    return source.regimen.name, source.id, source.zone.key


def chart_title(course: Course | Timeline) -> str:
    """Return the SVG's title: what the chart is of."""
    name, ident, _zone = _named(course)
    return f"B12 course chart: {name}, course {ident}"


def chart_description(course: Course | Timeline) -> str:
    """Return the SVG's description, ending with the not-medical-advice line."""
    from b12course._notice import NOT_MEDICAL_ADVICE  # noqa: PLC0415 - only for SVG

    return (
        "Symptom severity (0-10) over time with each symptom's pre-treatment "
        "baseline dashed, entries flagged for a clinician's attention ringed, "
        "the window in which a transient worsening has been reported hatched, "
        "and review points as dashed lines; below, the phases, the planned "
        f"doses and the doses given. Times in {_named(course)[2]}. "
        f"{NOT_MEDICAL_ADVICE}"
    )


_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def _accessible_svg(svg: str, title: str, desc: str) -> str:
    """Give an SVG document a ``<title>`` and ``<desc>`` and the ``img`` role."""
    match = _SVG_OPEN.search(svg)
    if match is None:  # pragma: no cover - matplotlib always writes one
        return svg
    tag = match.group(0)
    opened = tag[:-1] + ' role="img" aria-labelledby="chart-title chart-desc">'
    inserted = (
        f'\n <title id="chart-title">{xml_escape(title)}</title>'
        f'\n <desc id="chart-desc">{xml_escape(desc)}</desc>'
    )
    return svg[: match.start()] + opened + inserted + svg[match.end() :]


def save_chart(course: Course | Timeline, path: str | Path, **kwargs: Any) -> Path:  # noqa: ANN401 - forwarded to plot_course
    """Draw ``course`` and write the chart to ``path``, PNG or SVG by its suffix.

    An SVG keeps its text as text (searchable, read by screen readers) and
    has a ``<title>`` and a ``<desc>``; it has no date in it, so the same
    course always writes the same file.

    Args:
        course: The course, or its view.
        path: Where to write; the suffix (``.png`` or ``.svg``, any case)
            chooses the format (:data:`CHART_FORMATS`).
        **kwargs: Passed to :func:`plot_course` (``until``, ``now``...).

    Returns:
        The path written.

    Raises:
        ExportError: The suffix is not one of :data:`CHART_FORMATS` (nothing is
            written), or as :func:`plot_course`.
        ModuleNotFoundError: matplotlib is not installed.
    """
    target = Path(path)
    fmt = CHART_FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise ExportError(
            path,
            f"cannot tell the chart format from {str(path)!r}: name the file "
            f"with one of {', '.join(CHART_FORMATS)}",
        )
    fig = plot_course(course, **kwargs)
    with _style():
        if fmt == "png":
            fig.savefig(target, format=fmt, metadata={"Software": None})
            return target
        buffer = io.StringIO()
        fig.savefig(buffer, format=fmt, metadata={"Date": None})
    svg = _accessible_svg(
        buffer.getvalue(), chart_title(course), chart_description(course)
    )
    target.write_text(svg, encoding="utf-8")
    return target


def chart_png(course: Course | Timeline, **kwargs: Any) -> bytes:  # noqa: ANN401 - forwarded to plot_course
    """Return the chart of ``course`` as PNG bytes (for a summary, or the web).

    ``kwargs`` are those of :func:`plot_course`.

    Raises:
        ModuleNotFoundError: matplotlib is not installed.
    """
    buffer = io.BytesIO()
    figure = plot_course(course, **kwargs)
    with _style():
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
