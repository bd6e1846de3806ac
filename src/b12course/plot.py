"""A picture of a course: symptoms, doses, phases, the flare window, reviews.

:func:`plot_course` draws one figure with two panels sharing a date axis in the
course's zone:

- the top panel has one line per logged symptom (severity on the 0-10 scale),
  the expected flare window shaded, the phases as bands, the review points as
  dashed lines and "now" as a solid line;
- the bottom panel has one marker per dose: doses given, and the planned ones
  still pending, with due, overdue, skipped and provisional doses drawn
  differently.

Matplotlib is an optional extra (``pip install 'b12course[plot]'``) and is
imported only when a chart is drawn, so ``import b12course`` never imports it.
The figure is a plain :class:`matplotlib.figure.Figure`, made without
``pyplot``: no global state, no window, and no display is needed (any backend,
``Agg`` included, can save it).  :func:`save_chart` writes PNG or SVG, and
:func:`chart_png` returns PNG bytes for :func:`b12course.export.summary_markdown`.

Every artist the chart draws for data has a ``gid`` naming what it shows
(``symptom:<label>``, ``doses:given``, ``doses:overdue``, ``flare-window``,
``phase:<index>``, ``review``, ``now``), so tests and callers can find it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from b12course._course import Course
from b12course._flare import FlareModel
from b12course._response import Review
from b12course._schedule import DoseStatus, PhaseEnding, PhaseSpan, PlannedDose
from b12course._symptoms import Symptom, SymptomEntry
from b12course._time import require_aware, utc
from b12course.exceptions import ExportError, SettingError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["CHART_FORMATS", "chart_png", "default_until", "plot_course", "save_chart"]

#: The file suffixes :func:`save_chart` writes, and the format of each.
CHART_FORMATS: dict[str, str] = {".png": "png", ".svg": "svg"}

# How each kind of dose marker looks: (gid suffix, legend label, style).
_DOSE_STYLES: dict[str, tuple[str, dict[str, Any]]] = {
    "given": ("dose given", {"marker": "v", "color": "#1b7837", "markersize": 9}),
    "scheduled": (
        "dose planned",
        {"marker": "o", "markerfacecolor": "white", "color": "#4d4d4d"},
    ),
    "provisional": (
        "dose planned (provisional)",
        {"marker": "o", "markerfacecolor": "white", "color": "#bababa"},
    ),
    "due": ("dose due now", {"marker": "o", "color": "#f1a340", "markersize": 9}),
    "overdue": ("dose overdue", {"marker": "X", "color": "#d7191c", "markersize": 10}),
    "skipped": ("dose skipped", {"marker": "x", "color": "#878787"}),
}
_PHASE_COLOURS = ("#e0ecf4", "#f2f0f7", "#e5f5e0", "#fee6ce")
_FLARE_COLOUR = "#fdb863"
_REVIEW_COLOUR = "#5e3c99"
_DEFAULT_TAIL = dt.timedelta(days=7)
_MIN_BAND = dt.timedelta(days=1)


def _matplotlib() -> None:
    """Import matplotlib, or say how to install it."""
    try:
        import matplotlib as mpl  # noqa: F401, PLC0415 - optional extra, imported lazily
    except ImportError as exc:
        raise ModuleNotFoundError(
            "b12course.plot needs matplotlib: pip install 'b12course[plot]'",
            name="matplotlib",
        ) from exc


def _check_course(course: object) -> Course:
    if not isinstance(course, Course):
        raise ExportError(course, f"expected a b12course.Course, not {course!r}")
    return course


def _latest_record(course: Course) -> dt.datetime:
    times = [course.first_dose]
    times.extend(g.at for g in course.given)
    times.extend(s.due for s in course.skips)
    times.extend(d.at for d in course.decisions)
    times.extend(e.at for e in course.symptoms)
    times.extend(r.at for r in course.labs)
    return max(times, key=utc)


def _earliest_record(course: Course) -> dt.datetime:
    times = [course.first_dose]
    times.extend(e.at for e in course.symptoms)
    times.extend(r.at for r in course.labs)
    times.extend(g.at for g in course.given)
    return min(times, key=utc)


def default_until(
    course: Course,
    *,
    now: dt.datetime | None = None,
    flare_model: FlareModel | None = None,
) -> dt.datetime:
    """Return the horizon :func:`plot_course` uses when none is given.

    One week after the latest of: the last recorded event, ``now``, and the
    end of the expected flare window (of ``flare_model``, or the default).
    """
    window = course.flare_window(flare_model)
    latest = [_latest_record(course), *([window.end] if window else [])]
    if now is not None:
        latest.append(now)
    return max(latest, key=utc).astimezone(course.zone) + _DEFAULT_TAIL


def _symptom_series(
    entries: Iterable[SymptomEntry],
) -> dict[Symptom | str, list[SymptomEntry]]:
    series: dict[Symptom | str, list[SymptomEntry]] = {}
    for e in entries:
        key: Symptom | str = e.label if e.symptom is Symptom.OTHER else e.symptom
        series.setdefault(key, []).append(e)
    return series


def _dose_group(dose: PlannedDose) -> str:
    if dose.status is DoseStatus.SKIPPED:
        return "skipped"
    if dose.status is DoseStatus.OVERDUE:
        return "overdue"
    if dose.status is DoseStatus.DUE:
        return "due"
    return "provisional" if dose.provisional else "scheduled"


def _band_end(
    span: PhaseSpan, spans: Sequence[PhaseSpan], until: dt.datetime
) -> dt.datetime:
    """Return where a phase's band ends: its decision, its horizon or its last dose."""
    if span.decision is not None:
        end = span.decision.at
    elif span.ending is None or (
        span.ending is PhaseEnding.PROJECTED and span is spans[-1]
    ):
        end = until
    else:
        end = span.last
    return max(end, span.first + _MIN_BAND, key=utc)


def _num(values: Sequence[dt.datetime]) -> list[float]:
    from matplotlib import dates as mdates  # noqa: PLC0415 - optional extra

    # matplotlib.dates is not annotated (hence the ignores below).
    return [float(mdates.date2num(v)) for v in values]  # type: ignore[no-untyped-call]


def _draw_symptoms(ax: Axes, course: Course, until: dt.datetime) -> None:
    entries = [e for e in course.symptoms if utc(e.at) < utc(until)]
    for entries_of_one in _symptom_series(entries).values():
        label = entries_of_one[0].label
        ax.plot(
            _num([e.at for e in entries_of_one]),
            [e.severity for e in entries_of_one],
            marker="o",
            linewidth=2,
            label=label,
            gid=f"symptom:{label}",
        )
    if not entries:
        ax.text(
            0.5,
            0.5,
            "no symptom logged",
            transform=ax.transAxes,
            ha="center",
            va="center",
            color="#878787",
            gid="no-symptoms",
        )
    ax.set_ylim(-0.5, 10.5)
    ax.set_yticks(range(0, 11, 2))
    ax.set_ylabel("severity (0 none - 10 worst)")
    ax.grid(visible=True, axis="y", alpha=0.3)


def _draw_doses(
    ax: Axes, course: Course, doses: Sequence[PlannedDose], until: dt.datetime
) -> None:
    groups: dict[str, list[dt.datetime]] = {key: [] for key in _DOSE_STYLES}
    groups["given"] = [g.at for g in course.given if utc(g.at) < utc(until)]
    for dose in doses:
        if dose.status is not DoseStatus.GIVEN:
            groups[_dose_group(dose)].append(dose.due)
    for key, times in groups.items():
        if not times:
            continue
        label, style = _DOSE_STYLES[key]
        row = 1 if key == "given" else 0
        ax.plot(
            _num(times),
            [row] * len(times),
            linestyle="none",
            label=label,
            gid=f"doses:{key}",
            **style,
        )
    ax.set_ylim(-0.6, 1.6)
    ax.set_yticks([0, 1], labels=["plan", "given"])
    ax.set_ylabel("doses")


def _draw_context(  # noqa: PLR0917 - private; called once by plot_course
    axes: Sequence[Axes],
    course: Course,
    spans: Sequence[PhaseSpan],
    until: dt.datetime,
    now: dt.datetime | None,
    reviews: Sequence[Review],
    flare_model: FlareModel | None,
) -> None:
    top = axes[0]
    for i, span in enumerate(spans):
        start, end = _num([span.first, _band_end(span, spans, until)])
        for ax in axes:
            ax.axvspan(
                start,
                end,
                color=_PHASE_COLOURS[i % len(_PHASE_COLOURS)],
                zorder=0,
                gid=f"phase:{span.index}",
                label=f"{span.phase.name} phase" if ax is top else None,
            )
    window = course.flare_window(flare_model)
    start, end = _num([window.start, window.end]) if window else (0.0, 0.0)
    for ax in axes if window else ():
        ax.axvspan(
            start,
            end,
            facecolor=_FLARE_COLOUR,
            alpha=0.3,
            hatch="//",
            edgecolor=_FLARE_COLOUR,
            zorder=0.5,
            gid="flare-window",
            label="expected flare window" if ax is top else None,
        )
    for i, review in enumerate(reviews):
        x = _num([review.at])[0]
        for ax in axes:
            ax.axvline(
                x,
                color=_REVIEW_COLOUR,
                linestyle="--",
                linewidth=1.2,
                gid="review",
                label="review point" if ax is top and i == 0 else None,
            )
        top.annotate(
            review.kind.value,
            xy=(x, 0.98),
            xycoords=("data", "axes fraction"),
            xytext=(-3, 0),
            textcoords="offset points",
            rotation=90,
            ha="right",
            va="top",
            fontsize="x-small",
            color=_REVIEW_COLOUR,
            gid="review-label",
        )
    if now is not None:
        for ax in axes:
            ax.axvline(
                _num([now])[0],
                color="black",
                linewidth=1,
                gid="now",
                label="now" if ax is top else None,
            )


def plot_course(
    course: Course,
    *,
    until: dt.datetime | None = None,
    now: dt.datetime | None = None,
    grace: dt.timedelta | None = None,
    flare_model: FlareModel | None = None,
    title: str | None = None,
    size: tuple[float, float] = (11.0, 6.5),
    dpi: float = 100,
) -> Figure:
    """Draw ``course`` as a matplotlib Figure (see the module docstring).

    Args:
        course: The course.
        until: The right edge of the chart (exclusive): doses and entries from
            it on are left out.  By default :func:`default_until`.
        now: The present: draws a "now" line, and gives planned doses their
            status (due, overdue); without it every pending dose is planned.
        grace: As for ``Course.plan``: how long a dose stays due.
        flare_model: The flare model whose window is shaded; the default
            :class:`~b12course.FlareModel` when None.
        title: The figure's title; the regimen's name by default.
        size: Width and height in inches.
        dpi: Dots per inch for raster output.

    Returns:
        A :class:`matplotlib.figure.Figure` with two axes (severity, doses).

    Raises:
        ModuleNotFoundError: matplotlib is not installed.
        NaiveDatetimeError: ``until`` or ``now`` is naive.
        ExportError: ``course`` is not a Course, or ``until`` is not after
            the course's earliest record.
        SettingError: ``flare_model`` is not a FlareModel.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens
    >>> tz = zoneinfo.ZoneInfo("Europe/London")
    >>> course = Course.begin(regimens.get("nice-neuro"),
    ...                       first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=tz))
    >>> fig = plot_course(course, until=dt.datetime(2026, 12, 15, tzinfo=tz))
    >>> [line.get_gid() for line in fig.axes[1].get_lines()]
    ['doses:scheduled']
    """
    _matplotlib()
    from matplotlib import dates as mdates  # noqa: PLC0415 - optional extra
    from matplotlib.figure import Figure  # noqa: PLC0415 - optional extra

    course = _check_course(course)
    if flare_model is not None and not isinstance(flare_model, FlareModel):
        raise SettingError(f"expected a FlareModel, not {flare_model!r}")
    zone = course.zone
    if now is not None:
        now = require_aware("now", now)
    until = (
        require_aware("until", until)
        if until is not None
        else default_until(course, now=now, flare_model=flare_model)
    )
    start = _earliest_record(course) - dt.timedelta(days=2)
    if utc(until) <= utc(start):
        raise ExportError(
            until,
            f"until ({until.isoformat()}) must be after the course's earliest "
            f"record ({start.isoformat()})",
        )
    plan = course.expand(until=until, now=now, grace=grace)
    reviews = course.reviews(until=until)

    fig = Figure(figsize=size, dpi=dpi, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": (4, 1)})
    _draw_symptoms(top, course, until)
    _draw_doses(bottom, course, plan.doses, until)
    _draw_context((top, bottom), course, plan.phases, until, now, reviews, flare_model)

    locator = mdates.AutoDateLocator(tz=zone)  # type: ignore[no-untyped-call]
    bottom.xaxis.set_major_locator(locator)
    bottom.xaxis.set_major_formatter(
        mdates.ConciseDateFormatter(locator, tz=zone)  # type: ignore[no-untyped-call]
    )
    bottom.set_xlim(*_num([start, until]))
    bottom.set_xlabel(f"date ({zone.key})")
    fig.suptitle(title if title is not None else course.regimen.name)

    handles, labels = top.get_legend_handles_labels()
    more_handles, more_labels = bottom.get_legend_handles_labels()
    fig.legend(
        [*handles, *more_handles],
        [*labels, *more_labels],
        loc="outside right upper",
        fontsize="small",
    )
    return fig


def save_chart(course: Course, path: str | Path, **kwargs: Any) -> Path:  # noqa: ANN401 - forwarded to plot_course
    """Draw ``course`` and write the chart to ``path``, PNG or SVG by its suffix.

    Args:
        course: The course.
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
    if fmt == "png":
        fig.savefig(target, format=fmt)
        return target
    import matplotlib as mpl  # noqa: PLC0415 - optional extra

    # No date in the metadata and ids from a fixed salt instead of random
    # ones, so the same course always draws the same SVG file.
    with mpl.rc_context({"svg.hashsalt": "b12course"}):
        fig.savefig(target, format=fmt, metadata={"Date": None})
    return target


def chart_png(course: Course, **kwargs: Any) -> bytes:  # noqa: ANN401 - forwarded to plot_course
    """Return the chart of ``course`` as PNG bytes (for a summary, or the web).

    ``kwargs`` are those of :func:`plot_course`.

    Raises:
        ModuleNotFoundError: matplotlib is not installed.
    """
    buffer = io.BytesIO()
    plot_course(course, **kwargs).savefig(buffer, format="png")
    return buffer.getvalue()
