"""The commands that change a course file.

new, record, skip, end-phase, confirm-phase, pregnancy, log and lab.

Each change runs under the file's lock (:func:`b12course.cli._store.update`): the
library checks it before anything is written, and the file is replaced whole.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

from b12course import Assessment, LabResult, PlannedDose, Symptom, SymptomEntry
from b12course._course import Course
from b12course._time import utc
from b12course._timeline import EventKind
from b12course.cli import _args as shared
from b12course.cli import _course as base
from b12course.cli import _input as read
from b12course.cli import _output as show
from b12course.cli import _store
from b12course.exceptions import NoSuchDoseError

__all__ = [
    "change_file",
    "check_arguments",
    "confirm_phase",
    "end_phase",
    "entered_at",
    "lab",
    "log",
    "new",
    "pregnancy",
    "present",
    "record",
    "register",
    "skip",
    "slot_of",
]


def new(args: argparse.Namespace) -> int:
    course = _from_fhir(args) if args.from_fhir else _from_preset(args)
    target = read.output_path(args.output)
    data = base.dump(course)
    if args.force:
        _store.replace(target, data)
    else:
        try:
            _store.create(target, data)
        except FileExistsError:
            msg = f"{args.output} already exists; pass --force to start it again"
            raise base.InputError(msg) from None
    zone = course.zone
    show.confirm(
        f"started course {course.id} ({course.regimen.name}) in {target}; "
        f"first dose {show.local(course.first_dose, zone)}"
    )
    if course.pregnant_or_breastfeeding:
        show.confirm(_PREGNANCY_LINE)
    return 0


_PREGNANCY_LINE = (
    "pregnant or breastfeeding: the NICE NG239 treatment review is after 1 month, not 3"
)


def _from_preset(args: argparse.Namespace) -> Course:
    if args.source is None or args.start is None or args.tz is None:
        msg = "new needs a PRESET with --start and --tz, or --from-fhir BUNDLE"
        raise base.InputError(msg)
    regimen, first_dose = base.preset_start(args)
    course = Course.begin(regimen, first_dose=first_dose, id=args.id)
    return (
        course.with_pregnancy(pregnant_or_breastfeeding=True)
        if _pregnant(args)
        else course
    )


def _pregnant(args: argparse.Namespace) -> bool:
    return bool(args.pregnant or args.breastfeeding)


def _from_fhir(args: argparse.Namespace) -> Course:
    if args.source is not None or args.start is not None or args.tz is not None:
        msg = "--from-fhir takes the regimen, first dose and zone from the bundle"
        raise base.InputError(f"{msg}; give no PRESET, --start or --tz")
    from b12course.fhir import course_from_fhir_file  # noqa: PLC0415 - on request

    course = course_from_fhir_file(args.from_fhir)
    if _pregnant(args):
        course = course.with_pregnancy(pregnant_or_breastfeeding=True)
    return course if args.id is None else attrs.evolve(course, id=args.id)


def _change(path: str, change: Callable[[Course], Course]) -> Course:
    """Apply ``change`` to the course saved at ``path``, under its lock."""
    changed: list[Course] = []

    def apply(data: bytes) -> bytes:
        course = change(base.load(data, path))
        changed.append(course)
        return base.dump(course)

    try:
        _store.update(path, apply)
    except FileNotFoundError:
        msg = f"cannot read {path}: no such file (start one with `b12course new`)"
        raise base.UnreadableError(msg) from None
    return changed[-1]


def change_file(path: str, change: Callable[[Course], Course]) -> Course:
    """Apply ``change`` to the course saved at ``path``, under its lock."""
    return _change(path, change)


def _record_dose(
    course: Course,
    at: dt.datetime,
    *,
    site: str | None,
    lot: str | None,
    note: str | None,
    by: str | None,
    args: argparse.Namespace,
) -> Course:
    """Record a dose given at ``at``, with who gave it when ``--by`` says."""
    return course.record_dose(
        at,
        site=site,
        lot=lot,
        note=note,
        by=by,
        now=present(args, course),
        allow_future=args.future,
        allow_close=args.again,
        allow_renumber=args.renumber,
    )


def present(args: argparse.Namespace, course: Course) -> dt.datetime:
    """``--now``, else the clock: what a record may not be later than."""
    if args.now is not None:
        return read.moment(args.now, "--now").instant(course.zone, "--now")
    return base.clock(course.zone)


def entered_at(args: argparse.Namespace, course: Course) -> dt.datetime:
    """``--at``; else ``--now`` if given, else the clock."""
    if args.at is None and args.now is not None:
        return present(args, course)
    return base.recorded_at(args, course)


def check_arguments(parser: argparse.ArgumentParser, *, dose: bool) -> None:
    """Add ``--now`` and the acknowledgements of the checks at entry."""
    parser.add_argument(
        "--now",
        help="the present, which a record may not be later than (default: the clock)",
    )
    parser.add_argument(
        "--future",
        action="store_true",
        help="accept a record later than now (it looks like a wrong date)",
    )
    if dose:
        parser.add_argument(
            "--again",
            action="store_true",
            help="accept a second injection within 12 hours of another",
        )
        parser.add_argument(
            "--renumber",
            action="store_true",
            help="accept a dose before doses already recorded (they move to "
            "later numbers)",
        )


def slot_of(course: Course, at: dt.datetime) -> PlannedDose | None:
    """The planned dose a dose given at ``at`` fulfilled, read off the timeline."""
    timeline = course.timeline(until=at + base.ONE_MICROSECOND)
    for dose in base.planned_doses(timeline):
        if dose.given is not None and utc(dose.given.at) == utc(at):
            return dose
    return None


def record(args: argparse.Namespace) -> int:
    moment: list[dt.datetime] = []

    def change(course: Course) -> Course:
        at = entered_at(args, course)
        moment.append(at)
        return _record_dose(
            course,
            at,
            site=args.site,
            lot=args.lot,
            note=args.note,
            by=args.by,
            args=args,
        )

    course = _change(args.file, change)
    at = moment[-1]
    slot = slot_of(course, at)
    what = "a dose past the end of the plan" if slot is None else slot.name
    show.confirm(f"recorded {what} given {show.local(at, course.zone)} in {args.file}")
    return 0


def _pending_on(course: Course, day: dt.date) -> dt.datetime:
    """The due instant of the one pending dose due on ``day``."""
    from b12course._time import day_bounds  # noqa: PLC0415

    _, end = day_bounds(day, course.zone)
    doses = [
        e.payload
        for e in course.timeline(until=end).on(day)
        if e.kind is EventKind.PLANNED_DOSE and e.payload.pending
    ]
    if len(doses) != 1:
        found = "no pending dose is" if not doses else "more than one dose is"
        msg = (
            f"{found} due on {day.isoformat()}; name it by --number, or by --due "
            "with a time"
        )
        raise base.InputError(msg)
    due: dt.datetime = doses[0].due
    return due


def _skip(course: Course, args: argparse.Namespace) -> Course:
    if args.number is not None:
        return course.skip_dose(number=args.number, reason=args.reason)
    due = read.moment(args.due, "--due")
    when = (
        _pending_on(course, due.day(course.zone))
        if due.time is None
        else due.instant(course.zone, "--due")
    )
    return course.skip_dose(due=when, reason=args.reason)


def skip(args: argparse.Namespace) -> int:
    skipped: list[dt.datetime] = []

    def change(course: Course) -> Course:
        try:
            after = _skip(course, args)
        except NoSuchDoseError:
            named = (
                f"--number {args.number}" if args.due is None else f"--due {args.due}"
            )
            msg = (
                f"{named} is not a pending dose of {args.file}; "
                f"`b12course plan {args.file}` lists the doses and their numbers"
            )
            raise base.InputError(msg) from None
        skipped.append(after.skips[-1].due)
        return after

    course = _change(args.file, change)
    when = show.local(skipped[-1], course.zone)
    show.confirm(f"skipped the dose due {when} in {args.file}")
    return 0


def end_phase(args: argparse.Namespace) -> int:
    course = _change(
        args.file,
        lambda c: c.end_phase(
            base.recorded_at(args, c), reason=args.reason, by=args.by
        ),
    )
    decision = course.decisions[-1]
    phase = course.regimen.phases[decision.phase]
    when = show.local(decision.at, course.zone)
    who = f" (decided by {decision.by})" if decision.by is not None else ""
    show.confirm(f"ended the {phase.name} phase at {when}{who} in {args.file}")
    return 0


def confirm_phase(args: argparse.Namespace) -> int:
    course = _change(
        args.file,
        lambda c: c.confirm_phase(
            base.recorded_at(args, c), reason=args.reason, by=args.by, phase=args.phase
        ),
    )
    confirmation = course.confirmations[-1]
    phase = course.regimen.phases[confirmation.phase]
    when = show.local(confirmation.at, course.zone)
    show.confirm(
        f"confirmed the condition of the {phase.name} phase at {when} "
        f"({phase.condition}); its doses are no longer provisional, in {args.file}"
    )
    return 0


def pregnancy(args: argparse.Namespace) -> int:
    course = _change(args.file, lambda c: c.with_pregnancy(bool(args.set)))
    if course.pregnant_or_breastfeeding:
        show.confirm(
            f"marked pregnant or breastfeeding in {args.file}; {_PREGNANCY_LINE}"
        )
    else:
        show.confirm(
            f"cleared pregnancy and breastfeeding in {args.file}; the NICE NG239 "
            "treatment review is after 3 months"
        )
    return 0


def _assessed(course: Course, entry: SymptomEntry) -> tuple[bool, Assessment | None]:
    """Whether ``entry`` is inside the flare window, and its assessment, from the view.

    The view is the course's at the entry's time: the flags are those the
    summary and ``status`` show for it.
    """
    view = course.timeline(until=entry.at + base.ONE_MICROSECOND, now=entry.at)
    window = view.flare_window
    inside = window is not None and window.contains(entry.at)
    return inside, view.assessment(entry)


def log(args: argparse.Namespace) -> int:
    symptom = read.symptom(args.symptom)
    if symptom is Symptom.OTHER and not args.name:
        msg = "the symptom 'other' needs --name saying what it is, e.g. --name 'cramp'"
        raise base.InputError(msg)
    entries: list[SymptomEntry] = []

    def change(course: Course) -> Course:
        entry = SymptomEntry(
            at=entered_at(args, course),
            symptom=symptom,
            severity=args.severity,
            name=args.name,
            note=args.note,
        )
        entries.append(entry)
        return course.log_symptom(
            entry, now=present(args, course), allow_future=args.future
        )

    course = _change(args.file, change)
    entry = entries[-1]
    in_window, assessment = _assessed(course, entry)
    inside = " (inside the flare window)" if in_window else ""
    when = show.local(entry.at, course.zone)
    show.confirm(
        f"logged {entry.label} {entry.severity}/10 at {when}{inside} in {args.file}"
    )
    if assessment is not None and assessment.review_advised:
        words = show.assessment_words(assessment)
        show.confirm(f"flagged for a clinician's attention: {words}")
    return 0


def lab(args: argparse.Namespace) -> int:
    analyte = read.analyte(args.analyte)
    value = read.finite_number(args.value, "the value")
    results: list[LabResult] = []

    def change(course: Course) -> Course:
        result = LabResult(
            at=entered_at(args, course),
            analyte=analyte,
            value=value,
            unit=args.unit,
        )
        results.append(result)
        return course.record_lab(
            result, now=present(args, course), allow_future=args.future
        )

    course = _change(args.file, change)
    result = results[-1]
    when = show.local(result.at, course.zone)
    show.confirm(
        f"recorded {result.analyte.value} {result.value:g} {result.unit} at {when} "
        f"in {args.file}"
    )
    return 0


def register(commands: Any) -> None:  # noqa: ANN401, PLR0915 - argparse's subparsers action is private; one parser a command
    """Add this group's commands to ``commands``."""
    new_parser = shared.add(
        commands,
        "new",
        new,
        "start a course file from a preset or a FHIR bundle",
        "Start a course file from a preset, a first dose and a zone, or from a "
        "FHIR Bundle (JSON) that b12course.fhir or an EHR wrote.",
    )
    new_parser.add_argument("source", metavar="PRESET", nargs="?", help="a preset id")
    new_parser.add_argument("--start", help="the first dose (a date alone: 09:00)")
    new_parser.add_argument("--tz", help="the IANA zone, e.g. Europe/London")
    new_parser.add_argument(
        "--from-fhir",
        metavar="BUNDLE",
        help="start from this FHIR Bundle instead of a preset (no --start, --tz)",
    )
    new_parser.add_argument(
        "-o", "--output", required=True, help="the course file to write"
    )
    new_parser.add_argument("--id", help="the course's id (default: a random one)")
    new_parser.add_argument(
        "--force", action="store_true", help="replace an existing file"
    )
    new_parser.add_argument(
        "--pregnant",
        action="store_true",
        help="the person is pregnant (NICE NG239 review after 1 month)",
    )
    new_parser.add_argument(
        "--breastfeeding",
        action="store_true",
        help="the person is breastfeeding (NICE NG239 review after 1 month)",
    )

    record_parser = shared.add(
        commands,
        "record",
        record,
        "record a dose given",
        "Record a dose given; it fulfils the planned dose it matches.",
    )
    record_parser.add_argument("file", help="the course file")
    shared.at_argument(record_parser, "it was given")
    record_parser.add_argument("--site", help="the injection site, e.g. 'left deltoid'")
    record_parser.add_argument("--lot", help="the lot or batch number")
    record_parser.add_argument(
        "--by", choices=("self", "carer", "clinician"), help="who gave it"
    )
    record_parser.add_argument("--note", help="free text")
    check_arguments(record_parser, dose=True)

    skip_parser = shared.add(
        commands,
        "skip",
        skip,
        "record that a planned dose will not be given",
        "Record that a pending planned dose will not be given, named by its "
        "number in the plan or its due date (or date-time).",
    )
    skip_parser.add_argument("file", help="the course file")
    which = skip_parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--number", type=int, help="the dose's number in the plan")
    which.add_argument("--due", help="its due date, or date-time")
    skip_parser.add_argument("--reason", required=True, help="why, in free text")

    end_parser = shared.add(
        commands,
        "end-phase",
        end_phase,
        "record a clinician's decision ending the phase in progress",
        "Record that the phase in progress ends (a clinician's decision, e.g. "
        "no further improvement).",
    )
    end_parser.add_argument("file", help="the course file")
    shared.at_argument(end_parser, "it ends")
    end_parser.add_argument("--reason", required=True, help="why, in free text")
    end_parser.add_argument(
        "--by", choices=("self", "carer", "clinician"), help="who decided"
    )

    confirm_parser = shared.add(
        commands,
        "confirm-phase",
        confirm_phase,
        "record a clinician's confirmation of a conditional phase's condition",
        "Record that the condition of a conditional phase is met (the FDA "
        "label's alternate-day doses: clinical improvement and a reticulocyte "
        "response); until then its doses are provisional.",
    )
    confirm_parser.add_argument("file", help="the course file")
    shared.at_argument(confirm_parser, "it was confirmed")
    confirm_parser.add_argument(
        "--reason", required=True, help="what was seen, in free text"
    )
    confirm_parser.add_argument(
        "--by", choices=("self", "carer", "clinician"), help="who confirmed it"
    )
    confirm_parser.add_argument(
        "--phase",
        type=int,
        help="the conditional phase's index (default: the first unconfirmed one)",
    )

    pregnancy_parser = shared.add(
        commands,
        "pregnancy",
        pregnancy,
        "mark or clear pregnancy or breastfeeding",
        "Mark the person pregnant or breastfeeding (the NICE NG239 treatment "
        "review is then after 1 month, not 3), or clear it.",
    )
    pregnancy_parser.add_argument("file", help="the course file")
    which_way = pregnancy_parser.add_mutually_exclusive_group(required=True)
    which_way.add_argument(
        "--set", action="store_true", help="pregnant or breastfeeding now"
    )
    which_way.add_argument(
        "--clear", action="store_true", help="no longer pregnant or breastfeeding"
    )

    log_parser = shared.add(
        commands,
        "log",
        log,
        "log a symptom entry",
        "Log how a symptom is, on a 0-10 scale.  Entries before the first dose "
        "are the baseline.",
    )
    log_parser.add_argument("file", help="the course file")
    log_parser.add_argument(
        "symptom", help="e.g. myoclonus, tremor, paresthesia, other"
    )
    log_parser.add_argument("severity", type=int, help="0 (none) to 10 (worst)")
    shared.at_argument(log_parser, "it was felt")
    log_parser.add_argument("--name", help="the symptom's name, for 'other'")
    log_parser.add_argument("--note", help="free text")
    check_arguments(log_parser, dose=False)

    lab_parser = shared.add(
        commands,
        "lab",
        lab,
        "record a lab result",
        "Record a lab result, e.g. `lab course.json serum-b12 180 ng/L`.",
    )
    lab_parser.add_argument("file", help="the course file")
    lab_parser.add_argument(
        "analyte", help="serum-b12, active-b12, mma, homocysteine, serum-folate, ..."
    )
    lab_parser.add_argument("value", help="the value")
    lab_parser.add_argument("unit", help="e.g. ng/L, pmol/L, umol/L, ug/L, g/L")
    shared.at_argument(lab_parser, "the sample was taken")
    check_arguments(lab_parser, dose=False)
