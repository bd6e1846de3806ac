"""The ``b12course`` command: presets, dosing plans, calendars and timelines.

::

    b12course presets
    b12course plan nice-neuro --start 2026-12-01T09:00 --tz Europe/London
    b12course ics nice-neuro --start 2026-12-01T09:00 --tz Europe/London -o b12.ics
    b12course timeline course.json --from 2026-12-01 --to 2027-01-01

Times without an offset are wall-clock times in ``--tz`` (resolved as RFC 5545
says when a clock change skips or repeats them); a date alone means the start
of that day there.  Horizons (``--until``, ``--to``) are exclusive.

Exit status: 0 on success, 1 when a file cannot be read or written, 2 on bad
input (the message says what was wrong; nothing is written).

>>> main(["presets"])  # doctest: +ELLIPSIS
bnf-hydroxocobalamin-neuro ...
0
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import sys
import textwrap
import uuid
import zoneinfo
from collections.abc import Callable, Sequence
from pathlib import Path

from b12course import regimens
from b12course.__about__ import __version__
from b12course._course import Course
from b12course._schedule import PlannedDose
from b12course._time import get_zone, resolve, utc
from b12course._timeline import EventKind, TimelineEvent
from b12course.exceptions import B12CourseError

__all__ = ["main"]

_PROG = "b12course"
_EXIT_IO = 1
_EXIT_INPUT = 2
_DEFAULT_SPAN = dt.timedelta(days=365)


class _InputError(Exception):
    """Bad input found by the command itself (not by the library)."""


# -- reading arguments ----------------------------------------------------------


def _moment(text: str) -> dt.datetime | dt.date:
    """Read ``--start`` and friends: an ISO 8601 date-time or date."""
    value = text.strip()
    try:
        if "T" in value.upper() or " " in value:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return dt.date.fromisoformat(value)
    except ValueError:
        msg = (
            f"{text!r} is not an ISO 8601 date or date-time "
            "(e.g. 2026-12-01 or 2026-12-01T09:00)"
        )
        raise argparse.ArgumentTypeError(msg) from None


def _zone(text: str) -> zoneinfo.ZoneInfo:
    try:
        return get_zone(text)
    except B12CourseError:
        msg = f"{text!r} is not an IANA time zone (e.g. Europe/London)"
        raise argparse.ArgumentTypeError(msg) from None


def _instant(value: dt.datetime | dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Return ``value`` as an aware instant: wall-clock times are read in ``zone``."""
    if not isinstance(value, dt.datetime):
        return resolve(dt.datetime.combine(value, dt.time()), zone)
    if value.tzinfo is None:
        return resolve(value, zone)
    return value.astimezone(zone)


def _start(value: dt.datetime | dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        msg = f"--start needs a time as well as a date, e.g. {value.isoformat()}T09:00"
        raise _InputError(msg)
    return _instant(value, zone)


def _course(args: argparse.Namespace) -> Course:
    regimen = regimens.get(args.preset)
    first_dose = _start(args.start, args.tz)
    # The same preset, start and zone always make the same course id, so an
    # .ics written again has the same UIDs: calendars update, never duplicate.
    identity = (
        f"b12course:{regimen.id}:{utc(first_dose).isoformat()}:{first_dose.tzinfo}"
    )
    course_id = uuid.uuid5(uuid.NAMESPACE_URL, identity).hex
    return Course.begin(regimen, first_dose=first_dose, id=course_id)


def _horizon(args: argparse.Namespace, start: dt.datetime) -> dt.datetime:
    if args.until is None:
        return start + _DEFAULT_SPAN
    until = _instant(args.until, args.tz)
    if utc(until) <= utc(start):
        msg = (
            f"--until ({until.isoformat()}) must be after --start ({start.isoformat()})"
        )
        raise _InputError(msg)
    return until


def _now(args: argparse.Namespace, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    if args.now is None:
        # The command line is the application's edge: the one place that reads
        # the clock.  Domain code takes `now` as an argument.
        return dt.datetime.now(zone)
    return _instant(args.now, zone)


# -- output ------------------------------------------------------------------


def _local(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %Z")


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    )


def _plan_rows(doses: Sequence[PlannedDose], zone: zoneinfo.ZoneInfo) -> str:
    rows = [("#", "phase", "date and time", "dose", "status")]
    for dose in doses:
        status = dose.status.value + (" *" if dose.provisional else "")
        rows.append(
            (
                str(dose.number),
                dose.phase_name,
                _local(dose.when, zone),
                str(dose.dose),
                status,
            )
        )
    return _table(rows)


# -- commands ----------------------------------------------------------------


def _presets(_args: argparse.Namespace) -> int:
    for preset_id in regimens.available():
        regimen = regimens.get(preset_id)
        print(f"{preset_id}  {regimen.name}")
        for phase in regimen.phases:
            print(f"    {phase}")
        print(
            textwrap.fill(
                regimen.source,
                width=88,
                initial_indent="    source: ",
                subsequent_indent="        ",
            )
        )
    return 0


def _plan(args: argparse.Namespace) -> int:
    course = _course(args)
    zone = course.zone
    until = _horizon(args, course.first_dose)
    now = _now(args, zone)
    doses = course.plan(until=until, now=now)
    regimen = course.regimen
    print(f"{regimen.name} [{regimen.id}]")
    print(
        f"Zone {zone.key}; first dose {_local(course.first_dose, zone)}; "
        f"until {_local(until, zone)} (exclusive); status at {_local(now, zone)}"
    )
    print()
    print(_plan_rows(doses, zone))
    if any(d.provisional for d in doses):
        print()
        print(
            "* provisional: after the review point of a phase that runs until no "
            "further improvement, which a clinician has not yet ended"
        )
    return 0


def _write(path: str, data: bytes, *, force: bool) -> None:
    """Write ``data`` to ``path`` whole or not at all (via a file beside it)."""
    target = Path(path)
    if target.exists() and not force:
        msg = f"{path} already exists; pass --force to overwrite it"
        raise _InputError(msg)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        with temporary.open("xb") as stream:
            stream.write(data)
        temporary.replace(target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, path) from exc


def _previous(args: argparse.Namespace) -> bytes | None:
    """Return the calendar about to be overwritten, so changed events bump SEQUENCE."""
    from b12course import ical  # noqa: PLC0415 - icalendar only when asked for

    path = Path(args.output)
    if args.output == "-" or not args.force or not path.is_file():
        return None
    try:
        data = path.read_bytes()
        ical.read_ical(data)
    except (OSError, B12CourseError):
        return None  # not one of ours: overwrite it without history
    return data


def _ics(args: argparse.Namespace) -> int:
    from b12course import ical  # noqa: PLC0415 - icalendar only when asked for

    course = _course(args)
    until = _horizon(args, course.first_dose)
    now = _now(args, course.zone)
    alarms = (
        ()
        if args.no_alarm
        else tuple(ical.parse_alarm(a) for a in args.alarm or ["30m"])
    )
    data = ical.to_ical(
        course, until=until, now=now, alarms=alarms, previous=_previous(args)
    )
    if args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    _write(args.output, data, force=args.force)
    count = len(course.plan(until=until))
    print(f"wrote {count} doses to {args.output}", file=sys.stderr)
    return 0


def _describe(event: TimelineEvent, zone: zoneinfo.ZoneInfo) -> str:  # noqa: PLR0911
    """Say what an event is, in one line; one return per kind of event."""
    payload = event.payload
    kind = event.kind
    if kind is EventKind.PLANNED_DOSE:
        extra = " (provisional)" if payload.provisional else ""
        return (
            f"dose {payload.number} ({payload.phase_name}): {payload.dose}, "
            f"{payload.status.value}{extra}"
        )
    if kind is EventKind.DOSE_GIVEN:
        details = [f"{k} {v}" for k in ("site", "lot") if (v := getattr(payload, k))]
        if payload.note:
            details.append(f"note: {payload.note}")
        return f"given: {payload.dose}" + (
            f" ({'; '.join(details)})" if details else ""
        )
    if kind is EventKind.DOSE_SKIPPED:
        return "skipped" + (f": {payload.reason}" if payload.reason else "")
    if kind is EventKind.SYMPTOM:
        note = f" ({payload.note})" if payload.note else ""
        return f"{payload.label} {payload.severity}/10{note}"
    if kind is EventKind.LAB_RESULT:
        return f"{payload.analyte.value} {payload.value:g} {payload.unit}"
    if kind is EventKind.PHASE_CHANGE:
        phase = payload.phase
        return (
            f"phase {payload.index + 1} begins: {phase.name}, {phase.dose} "
            f"{phase.cadence}"
        )
    if kind is EventKind.REVIEW:
        return f"{payload.kind.value}"
    if kind is EventKind.FLARE_WINDOW:
        return f"expected flare window, until {_local(event.end, zone)}"
    return str(payload)  # pragma: no cover - every kind is described above


def _read_course(path: str) -> Course | None:
    """Return the course saved at ``path``, or None after saying it cannot be read."""
    from b12course import json as b12json  # noqa: PLC0415 - cattrs only when asked

    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        print(f"{_PROG}: error: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return None
    return b12json.loads(text)


def _chart(args: argparse.Namespace) -> int:
    try:
        from b12course import plot  # noqa: PLC0415 - matplotlib only when asked
    except ModuleNotFoundError as exc:
        raise _InputError(str(exc)) from None
    target = Path(args.output)
    if target.suffix.lower() not in plot.CHART_FORMATS:
        msg = f"name the chart file with one of {', '.join(plot.CHART_FORMATS)}"
        raise _InputError(msg)
    if target.exists() and not args.force:
        msg = f"{args.output} already exists; pass --force to overwrite it"
        raise _InputError(msg)
    course = _read_course(args.file)
    if course is None:
        return _EXIT_IO
    zone = course.zone
    now = _now(args, zone)
    until = _instant(args.until, zone) if args.until is not None else None
    # Draw into a file beside the target, then move it: all or nothing.
    temporary = target.with_name(
        f".{target.stem}.{secrets.token_hex(4)}{target.suffix}"
    )
    try:
        plot.save_chart(course, temporary, now=now, until=until)
        temporary.replace(target)
    except ModuleNotFoundError as exc:  # matplotlib is imported on first use
        raise _InputError(str(exc)) from None
    finally:
        temporary.unlink(missing_ok=True)
    print(f"wrote the chart of course {course.id} to {args.output}", file=sys.stderr)
    return 0


def _timeline(args: argparse.Namespace) -> int:
    course = _read_course(args.file)
    if course is None:
        return _EXIT_IO
    zone = course.zone
    records = [course.first_dose]
    records += [g.at for g in course.given] + [e.at for e in course.symptoms]
    records += [r.at for r in course.labs]
    start = (
        _instant(args.start, zone) if args.start is not None else min(records, key=utc)
    )
    end = (
        _instant(args.end, zone)
        if args.end is not None
        else max(course.first_dose + _DEFAULT_SPAN, max(records, key=utc), key=utc)
        + dt.timedelta(days=1)
    )
    now = _now(args, zone)
    timeline = course.timeline(until=end, now=now)
    events = timeline.between(start, end)
    print(f"{course.regimen.name} [{course.regimen.id}], course {course.id}")
    print(
        f"Zone {zone.key}; from {_local(start, zone)} to {_local(end, zone)} "
        f"(exclusive); status at {_local(now, zone)}"
    )
    print()
    rows = [("date and time", "event", "details")]
    rows += [(_local(e.start, zone), e.kind.value, _describe(e, zone)) for e in events]
    print(_table(rows))
    return 0


# -- the parser ----------------------------------------------------------------


def _course_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("preset", help="a regimen preset id (see `b12course presets`)")
    parser.add_argument(
        "--start",
        type=_moment,
        required=True,
        help="the first dose: a local date-time such as 2026-12-01T09:00 "
        "(or with an offset)",
    )
    parser.add_argument(
        "--tz",
        type=_zone,
        required=True,
        help="the IANA time zone the doses keep their wall-clock time in",
    )
    parser.add_argument(
        "--until",
        type=_moment,
        help="the exclusive horizon (default: one year after --start)",
    )
    parser.add_argument(
        "--now",
        type=_moment,
        help="the present, for statuses (default: the current time)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description="Vitamin B12 treatment courses: guideline presets, dosing "
        "plans, calendars and timelines. It describes; it does not advise.",
        epilog="Exit status: 0 success, 1 a file could not be read or written, "
        "2 bad input.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    presets = commands.add_parser(
        "presets",
        help="list the regimen presets with their sources",
        description="List the regimen presets: ids, names, phases and sources.",
    )
    presets.set_defaults(run=_presets)

    plan = commands.add_parser(
        "plan",
        help="print the dosing plan of a preset",
        description="Print the dosing plan of a preset from a first dose: number, "
        "phase, local date and time, dose and status.",
    )
    _course_arguments(plan)
    plan.set_defaults(run=_plan)

    ics = commands.add_parser(
        "ics",
        help="write the dosing calendar of a preset as an .ics file",
        description="Write the dosing calendar of a preset as an iCalendar (.ics) "
        "file that calendar apps import.",
    )
    _course_arguments(ics)
    ics.add_argument(
        "--alarm",
        action="append",
        metavar="BEFORE",
        help="a reminder this long before each dose, e.g. 30m, 1h, 1d "
        "(repeatable; default 30m)",
    )
    ics.add_argument("--no-alarm", action="store_true", help="write no reminders")
    ics.add_argument(
        "-o", "--output", required=True, help="the file to write ('-' for stdout)"
    )
    ics.add_argument(
        "--force", action="store_true", help="overwrite the output file if it exists"
    )
    ics.set_defaults(run=_ics)

    timeline = commands.add_parser(
        "timeline",
        help="print the timeline of a saved course",
        description="Print the events of a course saved as JSON (b12course.json): "
        "planned and given doses, skips, symptoms, labs, phase changes, reviews "
        "and the flare window.",
    )
    timeline.add_argument("file", help="a course saved with b12course.json.dumps")
    timeline.add_argument(
        "--from",
        dest="start",
        type=_moment,
        help="the start (default: the earliest record)",
    )
    timeline.add_argument(
        "--to",
        dest="end",
        type=_moment,
        help="the exclusive end (default: a year after the first dose)",
    )
    timeline.add_argument(
        "--now",
        type=_moment,
        help="the present, for statuses (default: the current time)",
    )
    timeline.set_defaults(run=_timeline)

    chart = commands.add_parser(
        "chart",
        help="draw a saved course as a PNG or SVG chart (needs b12course[plot])",
        description="Draw a course saved as JSON: symptom severities, doses given "
        "and planned, the expected flare window, phases and review points.",
    )
    chart.add_argument("file", help="a course saved with b12course.json.dumps")
    chart.add_argument(
        "-o", "--output", required=True, help="the chart file, .png or .svg"
    )
    chart.add_argument(
        "--until", type=_moment, help="the exclusive end of the chart (default: auto)"
    )
    chart.add_argument(
        "--now",
        type=_moment,
        help="the present, for statuses (default: the current time)",
    )
    chart.add_argument(
        "--force", action="store_true", help="overwrite the output file if it exists"
    )
    chart.set_defaults(run=_chart)

    # Interop commands (fhir, caldav) register here: each module's
    # ``register(commands)`` adds its parser with ``set_defaults(run=...)`` and
    # imports its optional library only when the command runs.
    from b12course.fhir import command as fhir_command  # noqa: PLC0415

    fhir_command.register(commands, _read_course)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 on success, 1 when a file cannot be read or
        written, 2 on bad input.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version and usage errors
        code = exit_.code
        return 0 if code is None else code if isinstance(code, int) else _EXIT_INPUT
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except (B12CourseError, _InputError) as exc:
        print(f"{_PROG}: error: {exc}", file=sys.stderr)
        return _EXIT_INPUT
    except BrokenPipeError:  # the reader went away (`b12course plan ... | head`)
        _silence_stdout()
        return _EXIT_IO
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{_PROG}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return _EXIT_IO


def _silence_stdout() -> None:
    """Point stdout at devnull, so the interpreter's last flush cannot fail again."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (e.g. captured by a test)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)
