"""The commands that correct a course file: void, amend, undo.

Nothing is erased: a voided record stays in the file with who voided it, when
and why (see :meth:`b12course.Course.void`).  Each correction runs under the
file's lock like every other change, and says on stderr what it changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from b12course._corrections import Record, describe
from b12course._course import Course
from b12course._records import AdministeredDose
from b12course._time import utc
from b12course.cli import _args as shared
from b12course.cli import _changes as changes
from b12course.cli import _course as base
from b12course.cli import _input as read
from b12course.exceptions import CorrectionError

__all__ = ["amend", "register", "undo", "void"]


def _instant(text: str, name: str, course: Course) -> dt.datetime:
    return read.moment(text, name).at_time(course.zone, name, None)


def _named(args: argparse.Namespace, course: Course) -> Record:
    """The record that --dose, --skip, --symptom, --lab or --decision names."""
    if args.dose is not None:
        return course.find("dose", number=args.dose)
    if args.skip is not None:
        return course.find("skip", number=args.skip)
    if args.symptom is not None:
        return _found(course, "symptom", args.symptom, args.name)
    if args.lab is not None:
        return _found(course, "lab", args.lab, args.name)
    phase: str = args.decision
    if phase.isdigit() and 1 <= int(phase) <= len(course.regimen.phases):
        phase = course.regimen.phases[int(phase) - 1].name
    return course.find("decision", name=phase)


def _found(course: Course, kind: str, text: str, name: str | None) -> Record:
    """The symptom entry or lab result at the instant typed, or in its minute.

    A record made without ``--at`` holds the clock's seconds; a time typed to
    the minute names the one record of that minute, if only one is there.
    """
    at = _instant(text, f"--{kind}", course)
    try:
        return course.find(kind, at=at, name=name)
    except CorrectionError:
        if at.second or at.microsecond:
            raise
        field = "symptoms" if kind == "symptom" else "labs"
        start, end = utc(at), utc(at) + dt.timedelta(minutes=1)
        within = [r.at for r in getattr(course, field) if start <= utc(r.at) < end]
        if len(set(within)) != 1:
            raise
        return course.find(kind, at=within[0], name=name)


def _label(record: Record, course: Course) -> str:
    """The record as a person reads it; a dose with its name in the plan."""
    names = tuple(p.name for p in course.regimen.phases)
    text = describe(record, course.zone, names)
    if isinstance(record, AdministeredDose):
        slot = changes.slot_of(course, record.at)
        if slot is not None:
            return f"{slot.name} ({text})"
    return f"the {text}"


def _confirm(label: str, args: argparse.Namespace) -> None:
    who = f" by {args.by}" if args.by else ""
    print(f"voided {label} in {args.file}{who}: {args.reason}", file=sys.stderr)


def void(args: argparse.Namespace) -> int:
    voided: list[str] = []

    def change(course: Course) -> Course:
        record = _named(args, course)
        voided.append(_label(record, course))
        now = changes.present(args, course)
        return course.void(record, args.reason, at=now, by=args.by)

    changes.change_file(args.file, change)
    _confirm(voided[-1], args)
    return 0


def amend(args: argparse.Namespace) -> int:
    if args.at is None and args.site is None and args.lot is None and args.note is None:
        msg = "amend needs what to change: --at, --site, --lot or --note"
        raise base.InputError(msg)
    amended: list[tuple[str, Record]] = []

    def change(course: Course) -> Course:
        record = course.find("dose", number=args.dose)
        fields: dict[str, Any] = {
            name: getattr(args, name)
            for name in ("site", "lot", "note")
            if getattr(args, name) is not None
        }
        if args.at is not None:
            fields["at"] = _instant(args.at, "--at", course)
        now = changes.present(args, course)
        after = course.amend(
            record,
            fields,
            reason=args.reason,
            at=now,
            by=args.by,
            now=now,
            allow_future=args.future,
            allow_close=args.again,
            allow_renumber=args.renumber,
        )
        replacement = after.corrections[-1].replacement
        assert replacement is not None  # noqa: S101 - amend always sets it
        amended.append((_label(record, course), replacement))
        return after

    course = changes.change_file(args.file, change)
    old, new = amended[-1]
    zone = course.zone
    names = tuple(p.name for p in course.regimen.phases)
    who = f" by {args.by}" if args.by else ""
    print(
        f"amended {old} in {args.file}{who}: {args.reason}; "
        f"now the {describe(new, zone, names)}",
        file=sys.stderr,
    )
    return 0


def undo(args: argparse.Namespace) -> int:
    undone: list[str] = []

    def change(course: Course) -> Course:
        record = course.latest_record()
        if record is None:
            msg = f"{args.file} holds no record to undo"
            raise base.InputError(msg)
        undone.append(_label(record, course))
        now = changes.present(args, course)
        return course.void(record, args.reason, at=now, by=args.by)

    changes.change_file(args.file, change)
    _confirm(undone[-1], args)
    return 0


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the course file")
    parser.add_argument("--reason", required=True, help="why, in free text")
    parser.add_argument("--by", help="who makes the correction, in free text")


def register(commands: Any) -> None:  # noqa: ANN401 - argparse's subparsers action is private
    """Add this group's commands to ``commands``."""
    void_parser = shared.add(
        commands,
        "void",
        void,
        "void a record entered in error (it stays in the file, voided)",
        "Void a record entered in error: a dose given (by its number in the "
        "plan), a skip, a symptom entry or a lab result (by its date-time), or "
        "a phase decision (by the phase's name or number).  The record stays "
        "in the file with who voided it, when and why; it takes no part in the "
        "plan.",
    )
    _common(void_parser)
    which = void_parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--dose", type=int, metavar="N", help="the dose numbered N")
    which.add_argument("--skip", type=int, metavar="N", help="the skip of dose N")
    which.add_argument("--symptom", metavar="AT", help="the symptom entry at AT")
    which.add_argument("--lab", metavar="AT", help="the lab result at AT")
    which.add_argument(
        "--decision", metavar="PHASE", help="the decision ending PHASE (name or number)"
    )
    void_parser.add_argument(
        "--name", help="the symptom or analyte, when two share the time"
    )
    void_parser.add_argument("--now", help="when the correction is made (default: now)")

    amend_parser = shared.add(
        commands,
        "amend",
        amend,
        "correct a dose given (the old record stays in the file, voided)",
        "Replace a dose given with a corrected copy: a new time, site, lot or "
        "note.  The old record stays in the file, voided, beside its "
        "replacement; the new one is checked like a new record.",
    )
    _common(amend_parser)
    amend_parser.add_argument(
        "--dose", type=int, metavar="N", required=True, help="the dose numbered N"
    )
    amend_parser.add_argument("--at", help="when it was really given")
    amend_parser.add_argument("--site", help="the injection site")
    amend_parser.add_argument("--lot", help="the lot or batch number")
    amend_parser.add_argument("--note", help="free text")
    changes.check_arguments(amend_parser, dose=True)

    undo_parser = shared.add(
        commands,
        "undo",
        undo,
        "void the most recent record (it stays in the file, voided)",
        "Void the record with the latest time (a dose, skip, decision, symptom "
        "entry or lab result) and say which.",
    )
    _common(undo_parser)
    undo_parser.add_argument("--now", help="when the correction is made (default: now)")
