"""The course a command works on, the clock, and where its output goes.

Shared by the commands of :mod:`b12course.cli`: reading a course file or
making a preview course of a preset, reading ``--now``, ``--until`` and
``--at`` against the course's zone, and writing an output file atomically
(see :mod:`b12course.cli._store`) or to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING

from b12course import PlannedDose, regimens
from b12course._course import Course
from b12course._time import utc
from b12course._timeline import Timeline
from b12course.cli import _input as read
from b12course.cli import _store

if TYPE_CHECKING:
    from b12course._regimen import Regimen

__all__ = [
    "DEFAULT_SPAN",
    "ONE_MICROSECOND",
    "PROG",
    "InputError",
    "UnreadableError",
    "clock",
    "course_of",
    "dump",
    "emit",
    "horizon",
    "load",
    "output_target",
    "planned_doses",
    "present",
    "preset_course",
    "preset_start",
    "provisional",
    "read_course",
    "recorded_at",
    "same_file",
    "view",
    "within_reach",
    "write_output",
]

PROG = "b12course"
DEFAULT_SPAN = dt.timedelta(days=365)
ONE_MICROSECOND = dt.timedelta(microseconds=1)
_LONGEST_SPAN = dt.timedelta(days=100 * 366)
InputError = read.InputError


class UnreadableError(Exception):
    """A file the command needs cannot be read (exit status 1)."""


def clock(zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Return the present in ``zone``, from the system clock (:func:`read.clock`)."""
    return read.clock(zone)


def read_course(path: str) -> Course:
    """Return the course saved at ``path``."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        msg = f"cannot read {path}: {exc.strerror or exc}"
        raise UnreadableError(msg) from None
    return load(data, path)


def load(data: bytes, path: str) -> Course:
    """Return the course in ``data``, read from ``path``; an error names the file."""
    from b12course import json as b12json  # noqa: PLC0415 - the reader only when asked
    from b12course.exceptions import CourseFormatError  # noqa: PLC0415

    try:
        return b12json.loads(data)
    except CourseFormatError as exc:
        where = f" at {exc.path}" if exc.path else ""
        detail = str(exc).removeprefix(f"{exc.path or '<document>'}: ")
        msg = f"{path} is not a b12course course file{where}: {detail}"
        raise InputError(msg) from None


def dump(course: Course) -> bytes:
    from b12course import json as b12json  # noqa: PLC0415 - the reader only when asked

    return (b12json.dumps(course, indent=2) + "\n").encode("ascii")


def preset_start(args: argparse.Namespace) -> tuple[Regimen, dt.datetime]:
    """The preset and first dose that ``source``, ``--start`` and ``--tz`` name."""
    missing = [
        name
        for name, value in (("--start", args.start), ("--tz", args.tz))
        if value is None
    ]
    if missing:
        msg = f"a preset ({args.source}) needs {' and '.join(missing)}"
        raise InputError(msg)
    regimen = read.preset(args.source)
    zone = read.zone(args.tz)
    first_dose = read.moment(args.start, "--start").at_time(
        zone, "--start", read.DEFAULT_TIME
    )
    return regimen, first_dose


def preset_course(args: argparse.Namespace) -> Course:
    """The preview course of a preset, with an id made of what names it."""
    regimen, first_dose = preset_start(args)
    # The same preset, start and zone always make the same course id, so an
    # .ics written again has the same UIDs: calendars update, never duplicate.
    zone = first_dose.tzinfo
    identity = f"b12course:{regimen.id}:{utc(first_dose).isoformat()}:{zone}"
    import uuid  # noqa: PLC0415 - only a preview needs it; a saved course's command starts sooner

    course_id = uuid.uuid5(uuid.NAMESPACE_URL, identity).hex
    return Course.begin(regimen, first_dose=first_dose, id=course_id)


def course_of(args: argparse.Namespace) -> tuple[Course, bool]:
    """Return the course a reading command works on, and whether it is a preview."""
    if read.is_course_file(args.source):
        if args.start is not None or args.tz is not None:
            msg = "--start and --tz are for a preset; a course file has its own"
            raise InputError(msg)
        return read_course(args.source), False
    if args.source not in regimens.available() and args.start is None:
        read.preset(args.source)  # "did you mean", for a mistyped preset
    return preset_course(args), True


def present(
    args: argparse.Namespace, course: Course, *, preview: bool
) -> dt.datetime | None:
    """``--now``; else the clock for a course file and nothing for a preview."""
    if args.now is not None:
        return read.moment(args.now, "--now").instant(course.zone, "--now")
    return None if preview else clock(course.zone)


def horizon(
    args: argparse.Namespace, course: Course, _now: dt.datetime | None = None
) -> dt.datetime | None:
    """``--until``, or None for the library's one horizon policy.

    The policy (:func:`b12course.horizon_for`) shows firm doses to a year
    past now (a preview: past the first dose) and provisional doses to
    ``--provisional-weeks`` (12) past it.
    """
    start = course.first_dose
    if getattr(args, "until", None) is None:
        return None
    until = read.moment(args.until, "--until").instant(course.zone, "--until")
    if utc(until) <= utc(start):
        msg = (
            f"--until ({until.isoformat()}) must be after the first dose "
            f"({start.isoformat()})"
        )
        raise InputError(msg)
    return within_reach(until, course, "--until")


def provisional(args: argparse.Namespace) -> dt.timedelta | None:
    """``--provisional-weeks`` as a span, or None for the policy's 12 weeks."""
    weeks = getattr(args, "provisional_weeks", None)
    return None if weeks is None else dt.timedelta(weeks=weeks)


def view(
    args: argparse.Namespace,
    course: Course,
    now: dt.datetime | None,
    until: dt.datetime | None = None,
) -> Timeline:
    """The view of ``course`` at ``now`` every command reads: one ``timeline`` call.

    ``until`` (else ``--until``, else the horizon policy) is the firm horizon.
    """
    if until is None:
        until = horizon(args, course, now)
    return course.timeline(until=until, now=now, provisional_horizon=provisional(args))


def within_reach(end: dt.datetime, course: Course, name: str) -> dt.datetime:
    """Refuse a horizon so far away that expanding the plan to it would take ages."""
    if utc(end) - utc(course.first_dose) > _LONGEST_SPAN:
        msg = f"{name} ({end.isoformat()}) is more than 100 years after the first dose"
        raise InputError(msg)
    return end


def recorded_at(args: argparse.Namespace, course: Course) -> dt.datetime:
    """``--at`` (a date alone is 09:00 that day), or now."""
    if args.at is None:
        return clock(course.zone)
    return read.moment(args.at, "--at").at_time(course.zone, "--at", read.DEFAULT_TIME)


# -- writing files ------------------------------------------------------------


def output_target(args: argparse.Namespace) -> Path | None:
    """The file ``-o`` names (None for stdout), refused if it exists without --force."""
    return _target(args.output, force=args.force, source=getattr(args, "source", None))


def _target(output: str, *, force: bool, source: str | None) -> Path | None:
    if output == "-":
        return None
    path = read.output_path(output)
    if path.exists() and not force:
        msg = f"{output} already exists; pass --force to overwrite it"
        raise InputError(msg)
    if source is not None and path.exists() and same_file(path, Path(source)):
        msg = f"-o {output} is the course file itself; name another file"
        raise InputError(msg)
    return path


def write_output(
    output: str, data: bytes, *, force: bool, source: str | None, what: str
) -> None:
    """Write ``data`` where ``-o`` says: the one output path of every command.

    ``-`` is stdout.  A file is refused if it exists without ``force`` or is
    the course file ``source`` (through any link); it is written atomically
    and fsync-ed, beside the real file of a link, private (0600) when new.
    """
    emit(_target(output, force=force, source=source), data, what)


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def emit(target: Path | None, data: bytes, what: str) -> None:
    """Write ``data`` to ``target`` atomically, or to stdout."""
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    _store.replace(target, data)
    print(f"wrote {what} to {target}", file=sys.stderr)


def planned_doses(timeline: Timeline) -> list[PlannedDose]:
    """The view's planned doses in plan order (:attr:`Timeline.planned_doses`)."""
    return list(timeline.planned_doses)
