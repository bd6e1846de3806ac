"""The export commands: ics, csv, summary and chart.

Each writes its file atomically (or to stdout with ``-o -``), never over an
existing file without ``--force`` and never over the course file itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from b12course._course import Course
from b12course._timeline import Timeline
from b12course.cli import _args as shared
from b12course.cli import _course as base
from b12course.cli import _input as read

__all__ = ["chart", "csv", "ics", "register", "summary"]


def _alarms(args: argparse.Namespace) -> tuple[dt.timedelta, ...]:
    from b12course import ical  # noqa: PLC0415 - icalendar only when asked for

    if args.no_alarm:
        return ()
    return tuple(_alarm(ical.parse_alarm, text) for text in args.alarm or ["30m"])


def _alarm(parse: Callable[[str], dt.timedelta], text: str) -> dt.timedelta:
    try:
        return parse(text)
    except OverflowError:
        msg = f"the reminder time {text!r} is far too long; use at most 28 days"
        raise base.InputError(msg) from None


def _previous(target: Path | None) -> bytes | None:
    """The calendar about to be overwritten (``--force``), for SEQUENCE."""
    if target is None or not target.is_file():
        return None
    return target.read_bytes()


def _calendar(
    course: Course | Timeline,
    previous: bytes | None,
    target: Path | None,
    **options: Any,  # noqa: ANN401 - to_ical's keyword arguments
) -> bytes:
    """Return the calendar of ``course``, numbering changes from ``previous``."""
    from b12course import ical  # noqa: PLC0415 - icalendar only when asked for
    from b12course.exceptions import CalendarFormatError  # noqa: PLC0415

    if previous is None:
        return ical.to_ical(course, **options)
    try:
        return ical.to_ical(course, previous=previous, **options)
    except CalendarFormatError as exc:
        # --force means overwrite: the old file is another course's history
        # (or no calendar of ours), so it cannot number this one's changes.
        print(
            f"{base.PROG}: note: {exc}; {target} is overwritten and its events are "
            "not carried over",
            file=sys.stderr,
        )
        return ical.to_ical(course, **options)


def ics(args: argparse.Namespace) -> int:
    course, preview = base.course_of(args)
    target = base.output_target(args)
    now = base.present(args, course, preview=preview)
    alarms = _alarms(args)
    # One view: the calendar renders it, and its doses are the ones counted.
    view = base.view(args, course, now)
    data = _calendar(view, _previous(target), target, alarms=alarms)
    count = len(base.planned_doses(view))
    base.emit(target, data, f"{count} doses")
    return 0


def csv(args: argparse.Namespace) -> int:
    from b12course.export import to_csv  # noqa: PLC0415 - as on main

    course, _preview = base.course_of(args)
    target = base.output_target(args)
    base.emit(target, to_csv(course).encode("utf-8"), f"the log of course {course.id}")
    return 0


_SUMMARY_FORMATS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}


def _summary_chart(
    args: argparse.Namespace, view: Timeline, kind: str, target: Path | None
) -> dict[str, Any]:
    """With ``--chart``: the chart, embedded (HTML) or written beside (Markdown)."""
    if not args.chart:
        return {}
    try:
        from b12course import plot  # noqa: PLC0415 - matplotlib only when asked
    except ModuleNotFoundError as exc:
        raise base.InputError(str(exc)) from None
    try:
        if kind == "html":
            return {"chart_png": plot.chart_png(view)}
        if target is None:
            msg = (
                "--chart with a Markdown summary needs -o FILE.md "
                "(the chart is written beside it)"
            )
            raise base.InputError(msg)
        chart = target.with_name(f"{target.stem}.chart.svg")
        with tempfile.TemporaryDirectory(prefix="b12course-chart-") as folder:
            drawn = Path(folder) / "chart.svg"
            plot.save_chart(view, drawn)
            data = drawn.read_bytes()
    except ModuleNotFoundError as exc:  # matplotlib is imported on first use
        raise base.InputError(str(exc)) from None
    base.emit(chart, data, f"the chart of course {view.course_id}")
    return {"chart_path": chart.name}


def summary(args: argparse.Namespace) -> int:
    from b12course.export import summary_html, summary_markdown  # noqa: PLC0415

    course, preview = base.course_of(args)
    target = base.output_target(args)
    kind = "markdown" if target is None else _SUMMARY_FORMATS.get(target.suffix.lower())
    if kind is None:
        msg = f"name the summary file with one of {', '.join(_SUMMARY_FORMATS)}"
        raise base.InputError(msg)
    # A preview has no record: it is summed up as of its first dose.
    now = base.present(args, course, preview=preview) or course.first_dose
    view = base.view(args, course, now)
    charts = _summary_chart(args, view, kind, target)
    render = summary_markdown if kind == "markdown" else summary_html
    text = render(view, patient=args.patient, **charts)
    base.emit(target, text.encode("utf-8"), f"the summary of course {course.id}")
    return 0


def chart(args: argparse.Namespace) -> int:
    try:
        from b12course import plot  # noqa: PLC0415 - matplotlib only when asked
    except ModuleNotFoundError as exc:
        raise base.InputError(str(exc)) from None
    course, preview = base.course_of(args)
    target = read.output_path(args.output)
    if target.suffix.lower() not in plot.CHART_FORMATS:
        msg = f"name the chart file with one of {', '.join(plot.CHART_FORMATS)}"
        raise base.InputError(msg)
    output = base.output_target(args)
    assert output is not None  # noqa: S101 - "-" has no chart suffix
    target = output
    now = base.present(args, course, preview=preview)
    view = base.view(args, course, now)
    # Draw into a private folder, then write it as every output is written
    # (atomic, beside the real file of a link, private): all or nothing.
    with tempfile.TemporaryDirectory(prefix="b12course-chart-") as folder:
        drawn = Path(folder) / f"chart{target.suffix}"
        try:
            plot.save_chart(view, drawn, labs=args.labs)
        except ModuleNotFoundError as exc:  # matplotlib is imported on first use
            raise base.InputError(str(exc)) from None
        data = drawn.read_bytes()
    base.emit(target, data, f"the chart of course {course.id}")
    return 0


def register(commands: Any) -> None:  # noqa: ANN401 - argparse's subparsers action is private
    """Add this group's commands to ``commands``."""
    ics_parser = shared.add(
        commands,
        "ics",
        ics,
        "write the dosing calendar as an .ics file",
        "Write the dosing calendar as an iCalendar (.ics) file that calendar apps "
        "import.  Written again over the same file (--force), changed events get "
        "a higher SEQUENCE so a re-import updates them; a file written for another "
        "course is overwritten without carrying its events over.",
    )
    shared.source_arguments(ics_parser)
    ics_parser.add_argument(
        "--alarm",
        action="append",
        metavar="BEFORE",
        help="a reminder this long before each dose, e.g. 30m, 1h, 1d "
        "(repeatable; default 30m)",
    )
    ics_parser.add_argument(
        "--no-alarm", action="store_true", help="write no reminders"
    )
    shared.output_arguments(ics_parser, "the .ics file", required=True)
    shared.until_argument(
        ics_parser,
        "a year after the first dose, or after now if later; provisional doses "
        "12 weeks, then one event says the plan continues",
    )
    shared.now_argument(ics_parser)

    csv_parser = shared.add(
        commands,
        "csv",
        csv,
        "write the course's log as CSV",
        "Write the log of a course (doses given and skipped, decisions, symptoms, "
        "labs) as CSV, one row per event.",
    )
    shared.source_arguments(csv_parser)
    shared.output_arguments(csv_parser, "the CSV file", required=False)

    summary_parser = shared.add(
        commands,
        "summary",
        summary,
        "write a one-page summary (Markdown or HTML by the file's suffix)",
        "Write a one-page summary of a course: regimen, doses, adherence, "
        "overdue doses, flare, symptoms, labs and reviews.  .md writes Markdown, "
        ".html HTML; '-' prints Markdown.",
    )
    shared.source_arguments(summary_parser)
    shared.output_arguments(summary_parser, "the .md or .html file", required=False)
    shared.until_argument(summary_parser, "a year after now")
    shared.now_argument(summary_parser)
    summary_parser.add_argument(
        "--patient", help="a patient reference for the header, as the clinic files it"
    )
    summary_parser.add_argument(
        "--chart",
        action="store_true",
        help="include the chart (needs b12course[plot]): embedded in HTML; for "
        "Markdown, written beside the file as NAME.chart.svg and linked",
    )

    chart_parser = shared.add(
        commands,
        "chart",
        chart,
        "draw a course as a PNG or SVG chart (needs b12course[plot])",
        "Draw a course: symptom severities, doses given and planned, the flare "
        "window, phases and review points.",
    )
    shared.source_arguments(chart_parser)
    shared.output_arguments(chart_parser, "the chart file, .png or .svg", required=True)
    shared.until_argument(chart_parser, "a year after now, as every output")
    shared.now_argument(chart_parser)
    chart_parser.add_argument(
        "--labs",
        action="store_true",
        help="add a panel of the lab results, each marked by its reference band",
    )
