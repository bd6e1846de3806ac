"""The ``worklist`` command: a clinic's due and overdue doses across course files.

``b12course worklist clinic/*.json --from 2026-12-07 --to 2026-12-12`` reads
every course it is given (files, globs the shell did not expand, folders of
``.json``/``.jsonl`` files, and JSON Lines files of one course per line), asks
:func:`b12course.worklist` for the doses due in ``[--from, --to)`` or overdue at
``--now``, and prints them in due order: the course, the dose, its local time in
the course's zone and its status.  A file or line that cannot be read is listed
at the end with the reason and never stops the rest; the exit status is then 1.

A date alone means midnight (``--from``, ``--to``, ``--now``) in ``--tz``, or
in the courses' zone when they all share one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import sys
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from b12course._course import Course
from b12course._notice import NOT_MEDICAL_ADVICE
from b12course._time import utc
from b12course.cli import _args as shared
from b12course.cli import _course as base
from b12course.cli import _input as read
from b12course.cli import _output as show

if TYPE_CHECKING:
    from b12course._worklist import Worklist, WorklistRow

__all__ = ["register", "run"]

_LINES = (".jsonl", ".ndjson")
_GLOB_CHARACTERS = frozenset("*?[")


@attrs.frozen
class _Failure:
    """A course source that could not be read, and why."""

    source: str
    reason: str


@attrs.frozen
class _Loaded:
    """The courses read, where each came from, and what could not be read."""

    courses: tuple[Course, ...]
    origin: dict[str, str]
    failures: tuple[_Failure, ...]


def _expand(argument: str) -> tuple[list[Path], list[_Failure]]:
    """The files one argument names: itself, a folder's courses, or a glob's matches."""
    path = Path(argument)
    if path.is_dir():
        found = sorted(
            p for p in path.iterdir() if p.suffix in {".json", *_LINES} and p.is_file()
        )
        if not found:
            return [], [_Failure(argument, "the folder holds no .json or .jsonl file")]
        return found, []
    if not path.exists() and _GLOB_CHARACTERS & set(argument):
        matches = sorted(Path(p) for p in glob.glob(argument) if Path(p).is_file())  # noqa: PTH207 - a pattern as typed
        if not matches:
            return [], [_Failure(argument, "no file matches this pattern")]
        return matches, []
    return [path], []


def _read(path: Path) -> Iterator[tuple[str, Course | _Failure]]:
    """Each course in ``path`` (one, or one per line), or why it could not be read."""
    from b12course import json as b12json  # noqa: PLC0415 - only when a file is read
    from b12course.exceptions import B12CourseError  # noqa: PLC0415

    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield name, _Failure(name, f"cannot read it: {exc.strerror or exc}")
        return
    if path.suffix not in _LINES:
        try:
            yield name, b12json.loads(data)
        except B12CourseError as exc:
            yield name, _Failure(name, str(exc))
        return
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            yield where, b12json.loads(line)
        except B12CourseError as exc:
            yield where, _Failure(where, str(exc))


def load(arguments: list[str]) -> _Loaded:
    """Read every course the arguments name, keeping going past failures."""
    courses: list[Course] = []
    origin: dict[str, str] = {}
    failures: list[_Failure] = []
    for argument in arguments:
        paths, missing = _expand(argument)
        failures += missing
        for path in paths:
            for where, item in _read(path):
                if isinstance(item, _Failure):
                    failures.append(item)
                elif item.id in origin:
                    failures.append(
                        _Failure(
                            where,
                            f"course id {item.id!r} is also in {origin[item.id]}; "
                            "listed once, from the first",
                        )
                    )
                else:
                    origin[item.id] = where
                    courses.append(item)
    return _Loaded(tuple(courses), origin, tuple(failures))


def _zone(args: argparse.Namespace, courses: tuple[Course, ...]) -> zoneinfo.ZoneInfo:
    """``--tz``; else the one zone every course shares; else UTC for instants.

    Dates and wall-clock times typed without an offset need a zone: with
    courses in several zones and no ``--tz``, they are refused.
    """
    if args.tz is not None:
        return read.zone(args.tz)
    zones = {c.zone.key for c in courses}
    if len(zones) == 1:
        return courses[0].zone
    typed = [(name, text) for name, text in _moments(args) if text is not None]
    floating = [
        name for name, text in typed if not read.moment(text, name).offset_given
    ]
    if floating:
        held = (
            f"in more than one zone ({', '.join(sorted(zones))})"
            if zones
            else ("unreadable")
        )
        msg = (
            f"the courses are {held}, so {' and '.join(floating)} need --tz "
            "(or an offset such as +00:00) to say which zone they are in"
        )
        raise base.InputError(msg)
    return zoneinfo.ZoneInfo("UTC")


def _moments(args: argparse.Namespace) -> list[tuple[str, str | None]]:
    return [("--from", args.start_at), ("--to", args.end), ("--now", args.now)]


def _range(
    args: argparse.Namespace, zone: zoneinfo.ZoneInfo
) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    start = read.moment(args.start_at, "--from").instant(zone, "--from")
    end = read.moment(args.end, "--to").instant(zone, "--to")
    if utc(end) <= utc(start):
        msg = f"--to ({end.isoformat()}) must be after --from ({start.isoformat()})"
        raise base.InputError(msg)
    now = (
        base.clock(zone)
        if args.now is None
        else read.moment(args.now, "--now").instant(zone, "--now")
    )
    return start, end, now


def _row_json(row: WorklistRow, origin: dict[str, str]) -> dict[str, Any]:
    zone = row.dose.due.tzinfo
    assert isinstance(zone, zoneinfo.ZoneInfo)  # noqa: S101 - doses are in the course zone
    return {
        "course": row.course_id,
        "file": origin.get(row.course_id),
        "zone": zone.key,
        **show.dose_json(row.dose, zone),
    }


def _print_json(
    result: Worklist, origin: dict[str, str], failures: tuple[_Failure, ...]
) -> None:
    zone = result.start.tzinfo
    assert isinstance(zone, zoneinfo.ZoneInfo)  # noqa: S101 - read in a zone above
    print(
        show.dumps(
            {
                "from": show.instant_json(result.start, zone),
                "to": show.instant_json(result.end, zone),
                "now": show.instant_json(result.now, zone),
                "rows": [_row_json(row, origin) for row in result],
                "errors": [{"source": f.source, "error": f.reason} for f in failures],
                "notice": NOT_MEDICAL_ADVICE,
            }
        )
    )


def _print_csv(result: Worklist, origin: dict[str, str]) -> None:
    import csv  # noqa: PLC0415 - only this output needs it

    fields = ["course", "file", "zone", "due", "number", "name", "dose", "status"]
    writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in result:
        document = _row_json(row, origin)
        writer.writerow({name: document[name] for name in fields})


def _print_table(result: Worklist, origin: dict[str, str]) -> None:
    zone = result.start.tzinfo
    assert isinstance(zone, zoneinfo.ZoneInfo)  # noqa: S101 - read in a zone above
    print(
        f"Worklist from {show.local(result.start, zone)} to "
        f"{show.local(result.end, zone)} (exclusive), "
        f"as of {show.local(result.now or result.start, zone)}"
    )
    print(f"{len(result)} doses, {len(result.overdue)} overdue")
    print()
    if len(result):
        rows = [("due (course's zone)", "status", "course", "dose", "file")]
        for row in result:
            due_zone = row.dose.due.tzinfo
            assert isinstance(due_zone, zoneinfo.ZoneInfo)  # noqa: S101
            rows.append(
                (
                    show.local(row.dose.due, due_zone),
                    row.status.value,
                    row.course_id,
                    f"{row.dose.name}, {row.dose.dose}",
                    origin.get(row.course_id, ""),
                )
            )
        print(show.table(rows))
        print()
    print(NOT_MEDICAL_ADVICE)


def _print_failures(failures: tuple[_Failure, ...]) -> None:
    if not failures:
        return
    print(
        f"{base.PROG}: {len(failures)} course source(s) could not be read:",
        file=sys.stderr,
    )
    for failure in failures:
        print(
            f"  {failure.source}: {' '.join(failure.reason.split())}", file=sys.stderr
        )


def run(args: argparse.Namespace) -> int:
    """Print the worklist of the courses named; 1 if any could not be read."""
    from b12course._worklist import worklist  # noqa: PLC0415 - keep start-up fast

    loaded = load(args.files)
    zone = _zone(args, loaded.courses)
    start, end, now = _range(args, zone)
    result = worklist(loaded.courses, start, end, now=now)
    if args.json:
        _print_json(result, loaded.origin, loaded.failures)
    elif args.csv:
        _print_csv(result, loaded.origin)
    else:
        _print_table(result, loaded.origin)
    _print_failures(loaded.failures)
    return 1 if loaded.failures else 0


def register(commands: Any) -> None:  # noqa: ANN401 - argparse's subparsers action is private
    """Add the ``worklist`` command to ``commands``."""
    parser = shared.add(
        commands,
        "worklist",
        run,
        "the doses due or overdue across many course files",
        "List the doses due in [--from, --to) or overdue at --now across course "
        "files: files, folders of .json/.jsonl files, glob patterns and JSON Lines "
        "files (one course per line).  Rows are in due order, with each dose's "
        "time in its course's zone.  A date alone is midnight in --tz (or in the "
        "courses' one zone).  A source that cannot be read is listed on stderr "
        "after the rest and the exit status is 1.",
    )
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="course files, folders or patterns"
    )
    parser.add_argument(
        "--from", dest="start_at", required=True, help="the start (a date: midnight)"
    )
    parser.add_argument(
        "--to", dest="end", required=True, help="the exclusive end (a date: midnight)"
    )
    parser.add_argument("--now", help="the present, for statuses (default: the clock)")
    parser.add_argument(
        "--tz", help="the IANA zone of --from, --to and --now when given as dates"
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object: {"from", "to", "now", "rows": [{"course", '
        '"file", "zone", DOSE...}], "errors": [{"source", "error"}], "notice"}',
    )
    output.add_argument("--csv", action="store_true", help="print CSV rows")
