"""The ``b12course`` command: a course kept in a file, from start to summary.

::

    b12course presets                                   # ids, names, sources
    b12course plan nice-neuro --start 2026-12-01 --tz Europe/London   # a preview
    b12course new nice-neuro --start 2026-12-01T09:00 --tz Europe/London -o course.json
    b12course record course.json [--at ISO] [--site S] [--lot L] [--by WHO]
    b12course skip course.json (--number N | --due ISO) --reason TEXT
    b12course end-phase course.json [--at ISO] --reason TEXT
    b12course log course.json myoclonus 6 [--at ISO] [--note TEXT]
    b12course lab course.json serum-b12 180 ng/L [--at ISO]
    b12course status course.json [--now ISO]
    b12course plan|timeline course.json
    b12course ics course.json -o course.ics [--force]
    b12course csv|summary|chart course.json -o FILE

**Courses and presets.**  ``plan``, ``timeline``, ``ics``, ``csv``,
``summary`` and ``chart`` take a course file (a name ending in ``.json``, or an
existing file) or a preset id with ``--start`` and ``--tz``.  A preset is a
*preview*: it has no record, so it cannot know whether a past dose was given.
Without ``--now`` a preview gives no dose a status (every dose is
"scheduled", and a calendar made of it marks none "OVERDUE": someone who
started last week gets the plan, not a list of failures); with ``--now`` it
shows the statuses the plan would have at that moment if nothing had been
recorded.  A summary of a preview is written as of its first dose.  A course
file has a record, so its statuses are as of ``--now``, by default the clock.

**Changes.**  ``new`` writes a new course file (never over an existing one
without ``--force``); ``record``, ``skip``, ``end-phase``, ``log`` and ``lab``
change one.  Each change is checked by the library before anything is
written, the file is replaced atomically, and two commands changing one file
at once both land, one after the other (see :mod:`b12course._store`).  ``--at``
defaults to now: the command line is the one place that reads the clock.

**Times.**  ``2026-12-01T09:00`` is a wall-clock time in the course's zone;
with an offset (``+01:00``, ``Z``) it is that instant.  A date alone is 09:00
for ``--start``, the start of the day for ``--until``, ``--from``, ``--to`` and
``--now``, and "the pending dose due that day" for ``skip --due``; ``--at``
needs a time.  Horizons (``--until``, ``--to``) are exclusive.  A wall-clock time
the clocks skip or repeat is refused with the two times it could mean.

**Output.**  Tables for people by default.  The reading commands (``presets``,
``plan``, ``timeline``, ``status``) take ``--json`` and print one JSON object:

- ``presets``: ``{"presets": [PRESET...], "notice"}``, PRESET being
  ``{"id", "name", "source", "phases": [{"name", "text"}]}``.
- ``plan``: ``{"course": COURSE, "preview", "until", "now", "doses": [DOSE...],
  "notice"}``.
- ``timeline``: ``{"course": COURSE, "preview", "from", "to", "now",
  "events": [EVENT...]}``.
- ``status``: ``{"course": COURSE, "now", "due_now": [DOSE...], "next_dose":
  DOSE|null, "suggested_site": str|null, "overdue": [DOSE...],
  "flare_window": {"start", "end", "state"}|null, "next_review": {"review",
  "at"}|null, "recent_symptoms": [EVENT...]}``; ``state`` is ``"not open
  yet"``, ``"open"`` or ``"closed"``.

COURSE is ``{"id", "preset", "regimen", "zone", "first_dose"}``; DOSE is
``{"number", "name", "phase", "number_in_phase", "phase_size", "due",
"given_at", "dose", "status", "provisional"}``; EVENT is ``{"kind", "start",
"end", "text", ...}`` with the fields of its kind (see
``b12course._cli_output.event_json``).  Instants are ISO 8601 with their
offset, in the course's zone; kinds and statuses are the library's values.

Exit status: 0 on success; 1 when a file cannot be read or written; 2 on bad
input or a refused change (the message, one line on stderr, says what was
wrong; nothing is written).

>>> main(["presets"])  # doctest: +ELLIPSIS
nice-neuro ...
0
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import uuid
import zoneinfo
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from b12course import _cli_input as read
from b12course import _cli_output as show
from b12course import _store, regimens
from b12course.__about__ import __version__
from b12course._course import Course
from b12course._labs import LabResult
from b12course._notice import NOT_MEDICAL_ADVICE
from b12course._regimen import Route
from b12course._schedule import DoseStatus, PlannedDose
from b12course._symptoms import SymptomEntry
from b12course._time import utc
from b12course._timeline import EventKind, Timeline, TimelineEvent
from b12course.exceptions import B12CourseError

if TYPE_CHECKING:
    from b12course._regimen import Regimen
    from b12course._sites import Site

__all__ = ["main"]

_PROG = "b12course"
_EXIT_IO = 1
_EXIT_INPUT = 2
_DEFAULT_SPAN = dt.timedelta(days=365)
_LONGEST_SPAN = dt.timedelta(days=100 * 366)
_RECENT_SYMPTOMS = 5
_OVERDUE_SHOWN = 10
_ONE_MICROSECOND = dt.timedelta(microseconds=1)
_INJECTED = frozenset({Route.IM, Route.DEEP_SC})
_InputError = read.InputError


class _UnreadableError(Exception):
    """A file the command needs cannot be read (exit status 1)."""


# -- the clock, and the course a command works on -----------------------------


def _clock(zone: zoneinfo.ZoneInfo) -> dt.datetime:
    # The command line is the application's edge: the one place that reads
    # the clock.  Domain code takes `now` as an argument.
    return dt.datetime.now(zone)


def _read_course(path: str) -> Course:
    """Return the course saved at ``path``."""
    from b12course import json as b12json  # noqa: PLC0415 - cattrs only when asked

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        msg = f"cannot read {path}: {exc.strerror or exc}"
        raise _UnreadableError(msg) from None
    return b12json.loads(data)


def _dump(course: Course) -> bytes:
    from b12course import json as b12json  # noqa: PLC0415 - cattrs only when asked

    return (b12json.dumps(course, indent=2) + "\n").encode("ascii")


def _preset_start(args: argparse.Namespace) -> tuple[Regimen, dt.datetime]:
    """The preset and first dose that ``source``, ``--start`` and ``--tz`` name."""
    if args.start is None or args.tz is None:
        msg = f"a preset ({args.source}) needs --start and --tz"
        raise _InputError(msg)
    regimen = read.preset(args.source)
    zone = read.zone(args.tz)
    first_dose = read.moment(args.start, "--start").at_time(
        zone, "--start", read.DEFAULT_START_TIME
    )
    return regimen, first_dose


def _preset_course(args: argparse.Namespace) -> Course:
    """The preview course of a preset, with an id made of what names it."""
    regimen, first_dose = _preset_start(args)
    # The same preset, start and zone always make the same course id, so an
    # .ics written again has the same UIDs: calendars update, never duplicate.
    zone = first_dose.tzinfo
    identity = f"b12course:{regimen.id}:{utc(first_dose).isoformat()}:{zone}"
    course_id = uuid.uuid5(uuid.NAMESPACE_URL, identity).hex
    return Course.begin(regimen, first_dose=first_dose, id=course_id)


def _source(args: argparse.Namespace) -> tuple[Course, bool]:
    """Return the course a reading command works on, and whether it is a preview."""
    if read.is_course_file(args.source):
        if args.start is not None or args.tz is not None:
            msg = "--start and --tz are for a preset; a course file has its own"
            raise _InputError(msg)
        return _read_course(args.source), False
    if args.source not in regimens.available() and args.start is None:
        read.preset(args.source)  # "did you mean", for a mistyped preset
    return _preset_course(args), True


def _now(
    args: argparse.Namespace, course: Course, *, preview: bool
) -> dt.datetime | None:
    """``--now``; else the clock for a course file and nothing for a preview."""
    if args.now is not None:
        return read.moment(args.now, "--now").instant(course.zone, "--now")
    return None if preview else _clock(course.zone)


def _horizon(
    args: argparse.Namespace, course: Course, now: dt.datetime | None
) -> dt.datetime:
    """``--until``, or a year after the first dose (or after now, if later)."""
    start = course.first_dose
    if args.until is None:
        base = start if now is None else max(start, now, key=utc)
        return base.astimezone(course.zone) + _DEFAULT_SPAN
    until = read.moment(args.until, "--until").instant(course.zone, "--until")
    if utc(until) <= utc(start):
        msg = (
            f"--until ({until.isoformat()}) must be after the first dose "
            f"({start.isoformat()})"
        )
        raise _InputError(msg)
    return _within_reach(until, course, "--until")


def _within_reach(end: dt.datetime, course: Course, name: str) -> dt.datetime:
    """Refuse a horizon so far away that expanding the plan to it would take ages."""
    if utc(end) - utc(course.first_dose) > _LONGEST_SPAN:
        msg = f"{name} ({end.isoformat()}) is more than 100 years after the first dose"
        raise _InputError(msg)
    return end


def _at(args: argparse.Namespace, course: Course) -> dt.datetime:
    """``--at`` (a time is needed), or now."""
    if args.at is None:
        return _clock(course.zone)
    return read.moment(args.at, "--at").at_time(course.zone, "--at", None)


# -- writing files ------------------------------------------------------------


def _target(args: argparse.Namespace) -> Path | None:
    """The file ``-o`` names (None for stdout), refused if it exists without --force."""
    if args.output == "-":
        return None
    path = read.output_path(args.output)
    if path.exists() and not args.force:
        msg = f"{args.output} already exists; pass --force to overwrite it"
        raise _InputError(msg)
    source = getattr(args, "source", None)
    if source is not None and path.exists() and _same(path, Path(source)):
        msg = f"-o {args.output} is the course file itself; name another file"
        raise _InputError(msg)
    return path


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _emit(target: Path | None, data: bytes, what: str) -> None:
    """Write ``data`` to ``target`` atomically, or to stdout."""
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    _store.replace(target, data)
    print(f"wrote {what} to {target}", file=sys.stderr)


# -- reading commands ---------------------------------------------------------


def _presets(args: argparse.Namespace) -> int:
    import textwrap  # noqa: PLC0415 - keep start-up fast

    ids = regimens.available()
    if args.json:
        print(
            show.dumps(
                {
                    "presets": [show.preset_json(regimens.get(i)) for i in ids],
                    "notice": NOT_MEDICAL_ADVICE,
                }
            )
        )
        return 0
    for preset_id in ids:
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
    print()
    print(NOT_MEDICAL_ADVICE)
    return 0


def _planned_doses(timeline: Timeline) -> list[PlannedDose]:
    return [e.payload for e in timeline.of_kind(EventKind.PLANNED_DOSE)]


def _dose_row(
    dose: PlannedDose, zone: zoneinfo.ZoneInfo
) -> tuple[str, str, str, str, str]:
    status = dose.status.value + (" *" if dose.provisional else "")
    return (
        str(dose.number),
        dose.name,
        show.local(dose.when, zone),
        str(dose.dose),
        status,
    )


def _dose_table(doses: Sequence[PlannedDose], zone: zoneinfo.ZoneInfo) -> str:
    rows = [("#", "dose", "date and time", "amount", "status")]
    rows += [_dose_row(d, zone) for d in doses]
    return show.table(rows)


def _status_line(now: dt.datetime | None, zone: zoneinfo.ZoneInfo) -> str:
    if now is None:
        return "a preview: no statuses (pass --now for the statuses at a moment)"
    return f"status at {show.local(now, zone)}"


def _plan(args: argparse.Namespace) -> int:
    course, preview = _source(args)
    zone = course.zone
    now = _now(args, course, preview=preview)
    until = _horizon(args, course, now)
    doses = _planned_doses(course.timeline(until=until, now=now))
    if args.json:
        print(
            show.dumps(
                {
                    "course": show.course_json(course),
                    "preview": preview,
                    "until": show.instant_json(until, zone),
                    "now": show.instant_json(now, zone),
                    "doses": [show.dose_json(d, zone) for d in doses],
                    "notice": NOT_MEDICAL_ADVICE,
                }
            )
        )
        return 0
    regimen = course.regimen
    print(f"{regimen.name} [{regimen.id}]")
    print(
        f"Zone {zone.key}; first dose {show.local(course.first_dose, zone)}; "
        f"until {show.local(until, zone)} (exclusive); {_status_line(now, zone)}"
    )
    print()
    print(_dose_table(doses, zone))
    if any(d.provisional for d in doses):
        print()
        print(
            "* provisional: after the review point of a phase that runs until no "
            "further improvement, which a clinician has not yet ended"
        )
    print()
    print(NOT_MEDICAL_ADVICE)
    return 0


def _timeline_range(
    args: argparse.Namespace, course: Course
) -> tuple[dt.datetime, dt.datetime]:
    zone = course.zone
    records = [course.first_dose]
    records += [g.at for g in course.given] + [e.at for e in course.symptoms]
    records += [r.at for r in course.labs]
    if args.start_at is None:
        start = min(records, key=utc)
    else:
        start = read.moment(args.start_at, "--from").instant(zone, "--from")
    if args.end is None:
        end = max(course.first_dose + _DEFAULT_SPAN, max(records, key=utc), key=utc)
        end += dt.timedelta(days=1)
    else:
        end = read.moment(args.end, "--to").instant(zone, "--to")
        _within_reach(end, course, "--to")
    if utc(end) <= utc(start):
        msg = f"--to ({end.isoformat()}) must be after --from ({start.isoformat()})"
        raise _InputError(msg)
    return start, end


def _timeline(args: argparse.Namespace) -> int:
    course, preview = _source(args)
    zone = course.zone
    start, end = _timeline_range(args, course)
    now = _now(args, course, preview=preview)
    events = course.timeline(until=end, now=now).between(start, end)
    if args.json:
        print(
            show.dumps(
                {
                    "course": show.course_json(course),
                    "preview": preview,
                    "from": show.instant_json(start, zone),
                    "to": show.instant_json(end, zone),
                    "now": show.instant_json(now, zone),
                    "events": [show.event_json(e, zone) for e in events],
                }
            )
        )
        return 0
    print(f"{course.regimen.name} [{course.regimen.id}], course {course.id}")
    print(
        f"Zone {zone.key}; from {show.local(start, zone)} to "
        f"{show.local(end, zone)} (exclusive); {_status_line(now, zone)}"
    )
    print()
    rows = [("date and time", "event", "details")]
    rows += [
        (show.local(e.start, zone), e.kind.value, show.describe(e, zone))
        for e in events
    ]
    print(show.table(rows))
    return 0


# -- status -------------------------------------------------------------------


def _flare_state(event: TimelineEvent, now: dt.datetime) -> str:
    if utc(now) < utc(event.start):
        return "not open yet"
    return "open" if utc(now) < utc(event.end) else "closed"


def _flare_text(
    event: TimelineEvent | None, now: dt.datetime, zone: zoneinfo.ZoneInfo
) -> str:
    if event is None:  # pragma: no cover - it opens days after the first dose
        return "not within the horizon"
    state = _flare_state(event, now)
    start, end = show.local(event.start, zone), show.local(event.end, zone)
    if state == "not open yet":
        return f"opens {start}, until {end}"
    if state == "open":
        day = (utc(now) - utc(event.start)).days + 1
        days = event.duration.days
        return f"open since {start}, until {end} (day {day} of {days})"
    return f"closed on {end}"


def _suggested_site(course: Course, dose: PlannedDose | None) -> Site | str | None:
    if dose is None or dose.dose.route not in _INJECTED:
        return None
    return course.suggest_site()


def _status(args: argparse.Namespace) -> int:
    course = _read_course(args.file)
    zone = course.zone
    now = _now(args, course, preview=False)
    assert now is not None  # a course file always has a present  # noqa: S101
    horizon = max(now, course.first_dose, key=utc).astimezone(zone) + _DEFAULT_SPAN
    timeline = course.timeline(until=horizon, now=now)
    due_now = [d for d in _planned_doses(timeline) if d.status is DoseStatus.DUE]
    overdue = timeline.overdue(now=now)
    upcoming = timeline.next_dose(after=now)
    site = _suggested_site(course, due_now[0] if due_now else upcoming)
    flare = next(iter(timeline.of_kind(EventKind.FLARE_WINDOW)), None)
    review = next(iter(timeline.of_kind(EventKind.REVIEW).between(now, horizon)), None)
    past = timeline.of_kind(EventKind.SYMPTOM)
    symptoms = [e for e in past if utc(e.start) <= utc(now)][-_RECENT_SYMPTOMS:]
    if args.json:
        print(
            show.dumps(
                {
                    "course": show.course_json(course),
                    "now": show.instant_json(now, zone),
                    "due_now": [show.dose_json(d, zone) for d in due_now],
                    "next_dose": None
                    if upcoming is None
                    else show.dose_json(upcoming, zone),
                    "suggested_site": None if site is None else str(site),
                    "overdue": [show.dose_json(d, zone) for d in overdue],
                    "flare_window": None
                    if flare is None
                    else {
                        "start": show.instant_json(flare.start, zone),
                        "end": show.instant_json(flare.end, zone),
                        "state": _flare_state(flare, now),
                    },
                    "next_review": None
                    if review is None
                    else {
                        "review": review.payload.kind.value,
                        "at": show.instant_json(review.start, zone),
                    },
                    "recent_symptoms": [show.event_json(e, zone) for e in symptoms],
                }
            )
        )
        return 0
    regimen = course.regimen
    print(f"{regimen.name} [{regimen.id}], course {course.id}")
    print(f"Status at {show.local(now, zone)} ({zone.key})")
    print()

    def dose_line(dose: PlannedDose) -> str:
        return (
            f"{dose.name} (#{dose.number}), {show.local(dose.due, zone)}, {dose.dose}"
        )

    lines = [("Due now", "; ".join(dose_line(d) for d in due_now) or "nothing")]
    lines.append(
        ("Next dose", "none planned" if upcoming is None else dose_line(upcoming))
    )
    if site is not None:
        lines.append(("Suggested site", f"{site} (the site used least recently)"))
    lines.append(("Overdue", f"{len(overdue)} dose(s)" if overdue else "none"))
    lines.append(("Flare window", _flare_text(flare, now, zone)))
    lines.append(
        (
            "Next review",
            "none within a year"
            if review is None
            else f"{review.payload.kind.value}, {show.local(review.start, zone)}",
        )
    )
    width = max(len(label) for label, _ in lines) + 2
    for label, text in lines:
        print(f"{label + ':':<{width}}{text}")
    if overdue:
        print()
        print(_dose_table(overdue[-_OVERDUE_SHOWN:], zone))
        if len(overdue) > _OVERDUE_SHOWN:
            earlier = len(overdue) - _OVERDUE_SHOWN
            print(f"... and {earlier} earlier (see `b12course plan {args.file}`)")
    print()
    if symptoms:
        import textwrap  # noqa: PLC0415 - keep start-up fast

        print("Last symptom entries:")
        rows = [("date and time", "entry")]
        rows += [(show.local(e.start, zone), show.describe(e, zone)) for e in symptoms]
        print(textwrap.indent(show.table(rows), "  "))
    else:
        print("No symptom entries yet.")
    return 0


# -- exports ------------------------------------------------------------------


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
        raise _InputError(msg) from None


def _previous(target: Path | None) -> bytes | None:
    """The calendar about to be overwritten (``--force``), for SEQUENCE."""
    if target is None or not target.is_file():
        return None
    return target.read_bytes()


def _calendar(
    course: Course,
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
            f"{_PROG}: note: {exc}; {target} is overwritten and its events are "
            "not carried over",
            file=sys.stderr,
        )
        return ical.to_ical(course, **options)


def _ics(args: argparse.Namespace) -> int:
    course, preview = _source(args)
    target = _target(args)
    now = _now(args, course, preview=preview)
    until = _horizon(args, course, now)
    alarms = _alarms(args)
    data = _calendar(
        course, _previous(target), target, until=until, now=now, alarms=alarms
    )
    count = len(_planned_doses(course.timeline(until=until, now=now)))
    _emit(target, data, f"{count} doses")
    return 0


def _csv(args: argparse.Namespace) -> int:
    from b12course.export import to_csv  # noqa: PLC0415 - as on main

    course, _preview = _source(args)
    target = _target(args)
    _emit(target, to_csv(course).encode("utf-8"), f"the log of course {course.id}")
    return 0


_SUMMARY_FORMATS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}


def _summary(args: argparse.Namespace) -> int:
    from b12course.export import summary_html, summary_markdown  # noqa: PLC0415

    course, preview = _source(args)
    target = _target(args)
    kind = "markdown" if target is None else _SUMMARY_FORMATS.get(target.suffix.lower())
    if kind is None:
        msg = f"name the summary file with one of {', '.join(_SUMMARY_FORMATS)}"
        raise _InputError(msg)
    # A preview has no record: it is summed up as of its first dose.
    now = _now(args, course, preview=preview) or course.first_dose
    until = None if args.until is None else _horizon(args, course, now)
    render = summary_markdown if kind == "markdown" else summary_html
    text = render(course, now=now, until=until)
    _emit(target, text.encode("utf-8"), f"the summary of course {course.id}")
    return 0


def _chart(args: argparse.Namespace) -> int:
    try:
        from b12course import plot  # noqa: PLC0415 - matplotlib only when asked
    except ModuleNotFoundError as exc:
        raise _InputError(str(exc)) from None
    course, preview = _source(args)
    target = read.output_path(args.output)
    if target.suffix.lower() not in plot.CHART_FORMATS:
        msg = f"name the chart file with one of {', '.join(plot.CHART_FORMATS)}"
        raise _InputError(msg)
    output = _target(args)
    assert output is not None  # noqa: S101 - "-" has no chart suffix
    target = output
    now = _now(args, course, preview=preview)
    until = None if args.until is None else _horizon(args, course, now)
    # Draw into a file beside the target, then move it: all or nothing.
    temporary = target.with_name(
        f".{target.stem}.{uuid.uuid4().hex[:8]}{target.suffix}"
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


# -- changing a course file ---------------------------------------------------


def _new(args: argparse.Namespace) -> int:
    regimen, first_dose = _preset_start(args)
    course = Course.begin(regimen, first_dose=first_dose, id=args.id)
    target = read.output_path(args.output)
    data = _dump(course)
    if args.force:
        _store.replace(target, data)
    else:
        try:
            _store.create(target, data)
        except FileExistsError:
            msg = f"{args.output} already exists; pass --force to start it again"
            raise _InputError(msg) from None
    zone = course.zone
    print(
        f"started course {course.id} ({course.regimen.name}) in {target}; "
        f"first dose {show.local(course.first_dose, zone)}"
    )
    return 0


def _change(path: str, change: Callable[[Course], Course]) -> Course:
    """Apply ``change`` to the course saved at ``path``, under its lock."""
    from b12course import json as b12json  # noqa: PLC0415 - cattrs only when asked

    changed: list[Course] = []

    def apply(data: bytes) -> bytes:
        course = change(b12json.loads(data))
        changed.append(course)
        return _dump(course)

    try:
        _store.update(path, apply)
    except FileNotFoundError:
        msg = f"cannot read {path}: no such file (start one with `b12course new`)"
        raise _UnreadableError(msg) from None
    return changed[-1]


def _record_dose(
    course: Course,
    at: dt.datetime,
    *,
    site: str | None,
    lot: str | None,
    note: str | None,
    by: str | None,
) -> Course:
    """Record a dose; ``by`` goes to the model where it records who gave a dose."""
    if by is None:
        return course.record_dose(at, site=site, lot=lot, note=note)
    import inspect  # noqa: PLC0415 - only for --by

    if "by" not in inspect.signature(Course.record_dose).parameters:
        msg = "--by needs a b12course that records who gave a dose; this one does not"
        raise _InputError(msg)
    record: Any = course.record_dose
    recorded: Course = record(at, site=site, lot=lot, note=note, by=by)
    return recorded


def _slot_of(course: Course, at: dt.datetime) -> PlannedDose | None:
    """The planned dose a dose given at ``at`` fulfilled, read off the timeline."""
    timeline = course.timeline(until=at + _ONE_MICROSECOND)
    for dose in _planned_doses(timeline):
        if dose.given is not None and utc(dose.given.at) == utc(at):
            return dose
    return None


def _record(args: argparse.Namespace) -> int:
    moment: list[dt.datetime] = []

    def change(course: Course) -> Course:
        at = _at(args, course)
        moment.append(at)
        return _record_dose(
            course, at, site=args.site, lot=args.lot, note=args.note, by=args.by
        )

    course = _change(args.file, change)
    at = moment[-1]
    slot = _slot_of(course, at)
    what = "a dose past the end of the plan" if slot is None else slot.name
    print(f"recorded {what} given {show.local(at, course.zone)} in {args.file}")
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
        raise _InputError(msg)
    due: dt.datetime = doses[0].due
    return due


def _skip(args: argparse.Namespace) -> int:
    skipped: list[dt.datetime] = []

    def change(course: Course) -> Course:
        if args.number is not None:
            after = course.skip_dose(number=args.number, reason=args.reason)
        else:
            due = read.moment(args.due, "--due")
            when = (
                _pending_on(course, due.date)
                if due.time is None
                else due.instant(course.zone, "--due")
            )
            after = course.skip_dose(due=when, reason=args.reason)
        skipped.append(after.skips[-1].due)
        return after

    course = _change(args.file, change)
    print(f"skipped the dose due {show.local(skipped[-1], course.zone)} in {args.file}")
    return 0


def _end_phase(args: argparse.Namespace) -> int:
    course = _change(args.file, lambda c: c.end_phase(_at(args, c), reason=args.reason))
    decision = course.decisions[-1]
    phase = course.regimen.phases[decision.phase]
    when = show.local(decision.at, course.zone)
    print(f"ended the {phase.name} phase at {when} in {args.file}")
    return 0


def _in_flare_window(course: Course, at: dt.datetime) -> bool:
    timeline = course.timeline(until=at + _ONE_MICROSECOND)
    return any(e.kind is EventKind.FLARE_WINDOW for e in timeline.at(at))


def _log(args: argparse.Namespace) -> int:
    symptom = read.symptom(args.symptom)
    entries: list[SymptomEntry] = []

    def change(course: Course) -> Course:
        entry = SymptomEntry(
            at=_at(args, course),
            symptom=symptom,
            severity=args.severity,
            name=args.name,
            note=args.note,
        )
        entries.append(entry)
        return course.log_symptom(entry)

    course = _change(args.file, change)
    entry = entries[-1]
    inside = " (inside the flare window)" if _in_flare_window(course, entry.at) else ""
    when = show.local(entry.at, course.zone)
    print(f"logged {entry.label} {entry.severity}/10 at {when}{inside} in {args.file}")
    return 0


def _lab(args: argparse.Namespace) -> int:
    analyte = read.analyte(args.analyte)
    value = read.finite_number(args.value, "the value")
    results: list[LabResult] = []

    def change(course: Course) -> Course:
        result = LabResult(
            at=_at(args, course), analyte=analyte, value=value, unit=args.unit
        )
        results.append(result)
        return course.record_lab(result)

    course = _change(args.file, change)
    result = results[-1]
    when = show.local(result.at, course.zone)
    print(
        f"recorded {result.analyte.value} {result.value:g} {result.unit} at {when} "
        f"in {args.file}"
    )
    return 0


# -- the parser ---------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr."""

    def error(self, message: str) -> NoReturn:
        usage = " ".join(self.format_usage().split())
        line = _one_line(f"{self.prog}: error: {_suggest(message)} ({usage})")
        self.exit(_EXIT_INPUT, f"{line}\n")


def _suggest(message: str) -> str:
    """Add "did you mean" to argparse's "invalid choice" messages."""
    import re  # noqa: PLC0415 - only a mistake needs it

    found = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
    if found is None:
        return message
    choices = re.findall(r"'([^']*)'", found.group(2))
    hint = read.did_you_mean(found.group(1), {c: c for c in choices})
    return (
        message
        if not hint
        else message[: found.start()] + (f"invalid choice: {found.group(1)!r}{hint}")
    )


def _source_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source",
        metavar="COURSE",
        help="a course file (course.json) or a preset id (see `b12course presets`)",
    )
    parser.add_argument(
        "--start",
        help="for a preset: the first dose, a local date-time such as "
        "2026-12-01T09:00 (a date alone means 09:00), or with an offset",
    )
    parser.add_argument(
        "--tz", help="for a preset: the IANA zone the doses keep their time in"
    )


def _now_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--now",
        help="the present, for statuses (default: the clock for a course file; "
        "none for a preset preview)",
    )


def _until_argument(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--until",
        help=f"the exclusive horizon, a date or date-time (default: {default})",
    )


def _json_argument(parser: argparse.ArgumentParser, shape: str) -> None:
    parser.add_argument(
        "--json", action="store_true", help=f"print one JSON object: {shape}"
    )


def _output_arguments(
    parser: argparse.ArgumentParser, what: str, *, required: bool
) -> None:
    parser.add_argument(
        "-o",
        "--output",
        required=required,
        default=None if required else "-",
        help=f"{what} ('-' for stdout)",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite the output file if it exists"
    )


def _at_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--at",
        help=f"when {what}, a date-time such as 2026-12-03T09:15 (default: now)",
    )


def _add(
    commands: Any,  # noqa: ANN401 - argparse's subparsers action is private
    name: str,
    run: Callable[[argparse.Namespace], int],
    summary: str,
    description: str,
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=summary, description=description
    )
    parser.set_defaults(run=run)
    return parser


def _reading_commands(commands: Any) -> None:  # noqa: ANN401
    presets = _add(
        commands,
        "presets",
        _presets,
        "list the regimen presets with their sources",
        "List the regimen presets: ids, names, phases and sources.",
    )
    _json_argument(
        presets,
        '{"presets": [{"id", "name", "source", "phases": [{"name", "text"}]}], '
        '"notice"}',
    )

    plan = _add(
        commands,
        "plan",
        _plan,
        "print the dosing plan of a course file or a preset",
        "Print the dosing plan: number, dose, local date and time, amount and "
        "status. A preset is a preview: without --now no dose has a status "
        "(it has no record of what was given).",
    )
    _source_arguments(plan)
    _until_argument(plan, "a year after the first dose, or after now if later")
    _now_argument(plan)
    _json_argument(
        plan,
        '{"course", "preview", "until", "now", "doses": [{"number", "name", '
        '"phase", "number_in_phase", "phase_size", "due", "given_at", "dose", '
        '"status", "provisional"}], "notice"}',
    )

    timeline = _add(
        commands,
        "timeline",
        _timeline,
        "print the timeline of a course file or a preset",
        "Print the events of a course: planned and given doses, skips, symptoms, "
        "labs, phase changes, reviews and the flare window.",
    )
    _source_arguments(timeline)
    timeline.add_argument(
        "--from", dest="start_at", help="the start (default: the earliest record)"
    )
    timeline.add_argument(
        "--to",
        dest="end",
        help="the exclusive end (default: a year after the first dose)",
    )
    _now_argument(timeline)
    _json_argument(
        timeline,
        '{"course", "preview", "from", "to", "now", "events": [{"kind", "start", '
        '"end", "text", ...}]}',
    )

    status = _add(
        commands,
        "status",
        _status,
        "what is due, overdue, the flare window, the next review, recent symptoms",
        "Say where a course stands: the dose due now or next (with the "
        "injection site used least recently), overdue doses, where the flare "
        "window stands, the next review and the last symptom entries.",
    )
    status.add_argument("file", help="the course file")
    status.add_argument("--now", help="the present (default: the clock)")
    _json_argument(
        status,
        '{"course", "now", "due_now": [DOSE], "next_dose": DOSE|null, '
        '"suggested_site", "overdue": [DOSE], "flare_window": {"start", "end", '
        '"state"}|null, "next_review": {"review", "at"}|null, "recent_symptoms": '
        "[EVENT]} (DOSE and EVENT as in plan and timeline)",
    )


def _export_commands(commands: Any) -> None:  # noqa: ANN401
    ics = _add(
        commands,
        "ics",
        _ics,
        "write the dosing calendar as an .ics file",
        "Write the dosing calendar as an iCalendar (.ics) file that calendar apps "
        "import.  Written again over the same file (--force), changed events get "
        "a higher SEQUENCE so a re-import updates them; a file written for another "
        "course is overwritten without carrying its events over.",
    )
    _source_arguments(ics)
    ics.add_argument(
        "--alarm",
        action="append",
        metavar="BEFORE",
        help="a reminder this long before each dose, e.g. 30m, 1h, 1d "
        "(repeatable; default 30m)",
    )
    ics.add_argument("--no-alarm", action="store_true", help="write no reminders")
    _output_arguments(ics, "the .ics file", required=True)
    _until_argument(ics, "a year after the first dose, or after now if later")
    _now_argument(ics)

    csv = _add(
        commands,
        "csv",
        _csv,
        "write the course's log as CSV",
        "Write the log of a course (doses given and skipped, decisions, symptoms, "
        "labs) as CSV, one row per event.",
    )
    _source_arguments(csv)
    _output_arguments(csv, "the CSV file", required=False)

    summary = _add(
        commands,
        "summary",
        _summary,
        "write a one-page summary (Markdown or HTML by the file's suffix)",
        "Write a one-page summary of a course: regimen, doses, adherence, "
        "overdue doses, flare, symptoms, labs and reviews.  .md writes Markdown, "
        ".html HTML; '-' prints Markdown.",
    )
    _source_arguments(summary)
    _output_arguments(summary, "the .md or .html file", required=False)
    _until_argument(summary, "a year after now")
    _now_argument(summary)

    chart = _add(
        commands,
        "chart",
        _chart,
        "draw a course as a PNG or SVG chart (needs b12course[plot])",
        "Draw a course: symptom severities, doses given and planned, the flare "
        "window, phases and review points.",
    )
    _source_arguments(chart)
    _output_arguments(chart, "the chart file, .png or .svg", required=True)
    _until_argument(chart, "automatic")
    _now_argument(chart)


def _changing_commands(commands: Any) -> None:  # noqa: ANN401
    new = _add(
        commands,
        "new",
        _new,
        "start a course file from a preset",
        "Start a course file from a preset, a first dose and a zone.",
    )
    new.add_argument("source", metavar="PRESET", help="a preset id")
    new.add_argument(
        "--start", required=True, help="the first dose (a date alone: 09:00)"
    )
    new.add_argument("--tz", required=True, help="the IANA zone, e.g. Europe/London")
    new.add_argument("-o", "--output", required=True, help="the course file to write")
    new.add_argument("--id", help="the course's id (default: a random one)")
    new.add_argument("--force", action="store_true", help="replace an existing file")

    record = _add(
        commands,
        "record",
        _record,
        "record a dose given",
        "Record a dose given; it fulfils the planned dose it matches.",
    )
    record.add_argument("file", help="the course file")
    _at_argument(record, "it was given")
    record.add_argument("--site", help="the injection site, e.g. 'left deltoid'")
    record.add_argument("--lot", help="the lot or batch number")
    record.add_argument(
        "--by", choices=("self", "carer", "clinician"), help="who gave it"
    )
    record.add_argument("--note", help="free text")

    skip = _add(
        commands,
        "skip",
        _skip,
        "record that a planned dose will not be given",
        "Record that a pending planned dose will not be given, named by its "
        "number in the plan or its due date (or date-time).",
    )
    skip.add_argument("file", help="the course file")
    which = skip.add_mutually_exclusive_group(required=True)
    which.add_argument("--number", type=int, help="the dose's number in the plan")
    which.add_argument("--due", help="its due date, or date-time")
    skip.add_argument("--reason", required=True, help="why, in free text")

    end = _add(
        commands,
        "end-phase",
        _end_phase,
        "record a clinician's decision ending the phase in progress",
        "Record that the phase in progress ends (a clinician's decision, e.g. "
        "no further improvement).",
    )
    end.add_argument("file", help="the course file")
    _at_argument(end, "it ends")
    end.add_argument("--reason", required=True, help="why, in free text")

    log = _add(
        commands,
        "log",
        _log,
        "log a symptom entry",
        "Log how a symptom is, on a 0-10 scale.  Entries before the first dose "
        "are the baseline.",
    )
    log.add_argument("file", help="the course file")
    log.add_argument("symptom", help="e.g. myoclonus, tremor, paresthesia, other")
    log.add_argument("severity", type=int, help="0 (none) to 10 (worst)")
    _at_argument(log, "it was felt")
    log.add_argument("--name", help="the symptom's name, for 'other'")
    log.add_argument("--note", help="free text")

    lab = _add(
        commands,
        "lab",
        _lab,
        "record a lab result",
        "Record a lab result, e.g. `lab course.json serum-b12 180 ng/L`.",
    )
    lab.add_argument("file", help="the course file")
    lab.add_argument("analyte", help="serum-b12, active-b12, mma, homocysteine, ...")
    lab.add_argument("value", help="the value")
    lab.add_argument("unit", help="e.g. ng/L, pmol/L, umol/L, g/L")
    _at_argument(lab, "the sample was taken")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=_PROG,
        description="Vitamin B12 treatment courses: guideline presets, dosing "
        "plans, a course kept in a file, calendars, summaries and charts. It "
        "describes; it does not advise.",
        epilog="Exit status: 0 success, 1 a file could not be read or written, "
        "2 bad input or a refused change.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _reading_commands(commands)
    _changing_commands(commands)
    _export_commands(commands)

    # Interop commands (fhir, caldav) register here: each module's
    # ``register(commands)`` adds its parser with ``set_defaults(run=...)`` and
    # imports its optional library only when the command runs.
    return parser


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0911 - one per outcome
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 on success, 1 when a file cannot be read or
        written, 2 on bad input or a refused change.
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
    except B12CourseError as exc:
        _say(str(exc))
        return _EXIT_INPUT
    except _UnreadableError as exc:
        _say(str(exc))
        return _EXIT_IO
    except KeyboardInterrupt:  # Ctrl-C: every write is atomic, so nothing is torn
        return 130
    except BrokenPipeError:  # the reader went away (`b12course plan ... | head`)
        _silence_stdout()
        return _EXIT_IO
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _say(f"{where}{exc.strerror or exc}")
        return _EXIT_IO
    except Exception as exc:  # noqa: BLE001 - a defect, but never a traceback
        _say(f"internal error ({type(exc).__name__}: {exc}); please report it")
        return _EXIT_INPUT


def _one_line(text: str) -> str:
    """Return ``text`` as one printable line: breaks and control characters escaped.

    An error message may echo what was typed, and a typed argument may hold a
    line break, a control character or (from undecodable bytes) a lone
    surrogate.
    """
    flat = " ".join(text.split())
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in flat)


def _say(message: str) -> None:
    """Print an error as one line on stderr."""
    print(_one_line(f"{_PROG}: error: {message}"), file=sys.stderr)


def _silence_stdout() -> None:
    """Point stdout at devnull, so the interpreter's last flush cannot fail again."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (e.g. captured by a test)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)
