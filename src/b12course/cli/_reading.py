"""The reading commands: presets, plan, timeline and status.

Each renders the events of one ``Course.timeline(...)`` call (see
:mod:`b12course.cli._output`), as a table or, with ``--json``, one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import zoneinfo
from collections.abc import Sequence
from typing import Any, NamedTuple

from b12course import (
    Assessment,
    DoseStatus,
    FlareReport,
    FlareStatus,
    Horizon,
    PlannedDose,
    Timeline,
    TimelineEvent,
    regimens,
)
from b12course._course import Course
from b12course._notice import NOT_MEDICAL_ADVICE
from b12course._time import utc
from b12course._timeline import EventKind
from b12course.cli import _args as shared
from b12course.cli import _course as base
from b12course.cli import _input as read
from b12course.cli import _output as show

__all__ = ["plan", "presets", "register", "status", "timeline"]

_RECENT_SYMPTOMS = 5
_OVERDUE_SHOWN = 10


def presets(args: argparse.Namespace) -> int:
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
        if regimen.notes:  # a clinician's notes; never the maintainers'
            print(
                textwrap.fill(
                    regimen.notes,
                    width=88,
                    initial_indent="    notes: ",
                    subsequent_indent="        ",
                )
            )
    print()
    print(NOT_MEDICAL_ADVICE)
    return 0


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


_PROVISIONAL_NOTE = (
    "* provisional: not yet confirmed by a clinician (after the review point "
    "of a phase that runs until a clinician ends it, or in or after a phase "
    "whose condition a clinician has not yet confirmed)"
)


def plan(args: argparse.Namespace) -> int:
    course, preview = base.course_of(args)
    zone = course.zone
    now = base.present(args, course, preview=preview)
    view = base.view(args, course, now)
    until = view.until
    assert until is not None  # a course's view has its horizon  # noqa: S101
    doses = base.planned_doses(view)
    continues = view.plan_continues
    reviews = list(view.of_kind(EventKind.REVIEW))
    if args.json:
        print(
            show.dumps(
                {
                    "course": show.course_json(course),
                    "preview": preview,
                    "until": show.instant_json(until, zone),
                    "now": show.instant_json(now, zone),
                    "horizon": show.horizon_json(view.horizon, zone),
                    "doses": [show.dose_json(d, zone) for d in doses],
                    "reviews": [show.event_json(e, zone) for e in reviews],
                    "plan_continues": None
                    if continues is None
                    else show.continues_json(continues, zone),
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
    if continues is not None:
        print(
            f"... {show.local(continues.at, zone)}: {continues.phase_name}: "
            f"{continues.text}"
        )
    if any(d.provisional for d in doses):
        print()
        print(_PROVISIONAL_NOTE)
    if reviews:
        print()
        print("Review points:")
        for event in reviews:
            text = show.review_text(event.payload)
            print(f"  {show.local(event.start, zone)}  {text}")
    print()
    print(NOT_MEDICAL_ADVICE)
    return 0


def _timeline_range(
    args: argparse.Namespace, course: Course
) -> tuple[dt.datetime, dt.datetime | None]:
    """``--from`` (else the first record) and ``--to`` (else the view's horizon)."""
    zone = course.zone
    records = [course.first_dose]
    records += [g.at for g in course.given] + [e.at for e in course.symptoms]
    records += [r.at for r in course.labs]
    if args.start_at is None:
        start = min(records, key=utc)
    else:
        start = read.moment(args.start_at, "--from").instant(zone, "--from")
    if args.end is None:
        return start, None
    end = read.moment(args.end, "--to").instant(zone, "--to")
    base.within_reach(end, course, "--to")
    if utc(end) <= utc(start):
        msg = f"--to ({end.isoformat()}) must be after --from ({start.isoformat()})"
        raise base.InputError(msg)
    return start, end


def timeline(args: argparse.Namespace) -> int:
    course, preview = base.course_of(args)
    zone = course.zone
    start, asked = _timeline_range(args, course)
    now = base.present(args, course, preview=preview)
    view = base.view(args, course, now, until=asked)
    end = view.until
    assert end is not None  # a course's view has its horizon  # noqa: S101
    events = view.between(start, end) if utc(start) < utc(end) else ()
    if args.json:
        print(
            show.dumps(
                {
                    "course": show.course_json(course),
                    "preview": preview,
                    "from": show.instant_json(start, zone),
                    "to": show.instant_json(end, zone),
                    "horizon": show.horizon_json(view.horizon, zone),
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


_FLARE_STATES = {
    FlareStatus.NOT_STARTED: "not open yet",
    FlareStatus.WINDOW_OPEN: "open",
}


def _flare_state(report: FlareReport | None) -> str:
    """Where the flare window stands, as the view's flare report has it."""
    if report is None or report.window is None:
        return "none"
    return _FLARE_STATES.get(report.status, "closed")


def _flare_text(
    report: FlareReport | None, now: dt.datetime, zone: zoneinfo.ZoneInfo
) -> str:
    if report is not None and report.status is FlareStatus.NO_DOSE_GIVEN:
        return str(FlareStatus.NO_DOSE_GIVEN)  # "not open: no dose given yet"
    if report is None or report.window is None:
        return _NO_WINDOW
    window = report.window
    state = _flare_state(report)
    start, end = show.local(window.start, zone), show.local(window.end, zone)
    if state == "not open yet":
        return f"opens {start}, until {end}"
    if state == "open":
        day = (utc(now) - utc(window.start)).days + 1
        days = window.duration.days
        return f"open since {start}, until {end} (day {day} of {days})"
    return f"closed on {end}"


class _Status(NamedTuple):
    """What ``status`` shows, read from the view once and rendered twice."""

    now: dt.datetime
    due_now: list[PlannedDose]
    overdue: tuple[PlannedDose, ...]
    upcoming: PlannedDose | None
    site: str | None
    report: FlareReport | None
    review: TimelineEvent | None
    symptoms: list[TimelineEvent]
    attention: tuple[Assessment, ...]
    horizon: Horizon | None


def _status_of(view: Timeline, now: dt.datetime) -> _Status:
    horizon = view.until
    assert horizon is not None  # a course's view has its horizon  # noqa: S101
    upcoming = view.next_pending
    at = utc(now)
    past = [e for e in view if e.kind is EventKind.SYMPTOM and utc(e.start) <= at]
    return _Status(
        now=now,
        due_now=[d for d in base.planned_doses(view) if d.status is DoseStatus.DUE],
        overdue=view.overdue(now=now),
        upcoming=upcoming,
        site=view.suggested_site if upcoming is not None else None,
        report=view.flare_report,
        review=next(
            (e for e in view.between(now, horizon) if e.kind is EventKind.REVIEW),
            None,
        ),
        symptoms=past[-_RECENT_SYMPTOMS:],
        attention=view.attention,
        horizon=view.horizon,
    )


def _status_json(course: Course, st: _Status) -> dict[str, Any]:
    zone = course.zone
    report, review = st.report, st.review
    return {
        "course": show.course_json(course),
        "now": show.instant_json(st.now, zone),
        "due_now": [show.dose_json(d, zone) for d in st.due_now],
        "next_dose": None if st.upcoming is None else show.dose_json(st.upcoming, zone),
        "suggested_site": st.site,
        "overdue": [show.dose_json(d, zone) for d in st.overdue],
        "flare_window": None
        if report is None or report.window is None
        else {
            "start": show.instant_json(report.window.start, zone),
            "end": show.instant_json(report.window.end, zone),
            "state": _flare_state(report),
        },
        "attention": [show.assessment_json(a, zone) for a in st.attention],
        "next_review": None
        if review is None
        else {
            "review": review.payload.kind.value,
            "at": show.instant_json(review.start, zone),
        },
        "recent_symptoms": [show.event_json(e, zone) for e in st.symptoms],
        "horizon": show.horizon_json(st.horizon, zone),
    }


_PREGNANCY_STATUS = (
    "pregnant or breastfeeding: NICE NG239 review after 1 month; total B12 is "
    "unreliable, active B12 is the recommended test"
)
_NO_WINDOW = "no window: the course does not start replacement"


def _status_lines(
    course: Course, st: _Status, now: dt.datetime
) -> list[tuple[str, str]]:
    """The status screen's labelled lines, in the order a person reads them."""
    zone = course.zone
    due_now, overdue, upcoming, site = st.due_now, st.overdue, st.upcoming, st.site
    report, review, attention = st.report, st.review, st.attention

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
    lines.append(("Flare window", _flare_text(report, now, zone)))
    lines.append(
        (
            "Flagged",
            f"{len(attention)} entr{'y' if len(attention) == 1 else 'ies'} "
            "flagged (below)"
            if attention
            else "no entry flagged",
        )
    )
    if course.pregnant_or_breastfeeding:
        lines.append(("Pregnancy", _PREGNANCY_STATUS))
    lines.append(
        (
            "Next review",
            "none within a year"
            if review is None
            else f"{show.review_text(review.payload)}, "
            f"{show.local(review.start, zone)}",
        )
    )
    return lines


def status(args: argparse.Namespace) -> int:
    course = base.read_course(args.file)
    zone = course.zone
    now = base.present(args, course, preview=False)
    assert now is not None  # a course file always has a present  # noqa: S101
    st = _status_of(base.view(args, course, now), now)
    if args.json:
        print(show.dumps(_status_json(course, st)))
        return 0
    overdue, symptoms, attention = st.overdue, st.symptoms, st.attention
    regimen = course.regimen
    print(f"{regimen.name} [{regimen.id}], course {course.id}")
    print(f"Status at {show.local(now, zone)} ({zone.key})")
    print()

    lines = _status_lines(course, st, now)
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
    if attention:
        print()
        print("Flagged for a clinician's attention:")
        for assessment in attention:
            print(f"  {show.assessment_text(assessment, zone)}")
    return 0


def schema(_args: argparse.Namespace) -> int:
    """Print the JSON Schema of course files (draft 2020-12)."""
    import json  # noqa: PLC0415 - only this command needs them

    from b12course import json as course_json  # noqa: PLC0415

    print(json.dumps(course_json.schema(), indent=2))
    return 0


def register(commands: Any) -> None:  # noqa: ANN401 - argparse's subparsers action is private
    """Add this group's commands to ``commands``."""
    presets_parser = shared.add(
        commands,
        "presets",
        presets,
        "list the regimen presets with their sources",
        "List the regimen presets: ids, names, phases and sources.",
    )
    shared.json_argument(
        presets_parser,
        '{"presets": [{"id", "name", "source", "phases": [{"name", "text"}]}], '
        '"notice"}',
    )

    plan_parser = shared.add(
        commands,
        "plan",
        plan,
        "print the dosing plan of a course file or a preset",
        "Print the dosing plan: number, dose, local date and time, amount and "
        "status. A preset is a preview: without --now no dose has a status "
        "(it has no record of what was given).",
    )
    shared.source_arguments(plan_parser)
    shared.until_argument(
        plan_parser, "a year after the first dose, or after now if later"
    )
    shared.now_argument(plan_parser)
    shared.json_argument(
        plan_parser,
        '{"course", "preview", "until", "now", "doses": [{"number", "name", '
        '"phase", "number_in_phase", "phase_size", "due", "given_at", "dose", '
        '"status", "provisional"}], "notice"}',
    )

    timeline_parser = shared.add(
        commands,
        "timeline",
        timeline,
        "print the timeline of a course file or a preset",
        "Print the events of a course: planned and given doses, skips, symptoms, "
        "labs, phase changes, reviews and the flare window.",
    )
    shared.source_arguments(timeline_parser)
    timeline_parser.add_argument(
        "--from", dest="start_at", help="the start (default: the earliest record)"
    )
    timeline_parser.add_argument(
        "--to",
        dest="end",
        help="the exclusive end (default: a year after the first dose)",
    )
    shared.now_argument(timeline_parser)
    shared.provisional_argument(timeline_parser)
    shared.json_argument(
        timeline_parser,
        '{"course", "preview", "from", "to", "horizon", "now", "events": [{"kind", '
        '"start", "end", "text", ...}]}',
    )

    status_parser = shared.add(
        commands,
        "status",
        status,
        "what is due, overdue, the flare window, the next review, recent symptoms",
        "Say where a course stands: the dose due now or next (with the "
        "injection site used least recently), overdue doses, where the flare "
        "window stands, the next review and the last symptom entries.",
    )
    status_parser.add_argument("file", help="the course file")
    status_parser.add_argument("--now", help="the present (default: the clock)")
    shared.provisional_argument(status_parser)
    shared.json_argument(
        status_parser,
        '{"course", "now", "due_now": [DOSE], "next_dose": DOSE|null, '
        '"suggested_site", "overdue": [DOSE], "flare_window": {"start", "end", '
        '"state"}|null, "attention": [ASSESSMENT], "next_review": {"review", '
        '"at"}|null, "recent_symptoms": [EVENT], "horizon": HORIZON} (DOSE and '
        "EVENT as in plan and timeline)",
    )

    shared.add(
        commands,
        "schema",
        schema,
        "print the JSON Schema of course files",
        "Print the JSON Schema (draft 2020-12) of the course files b12course "
        "writes, for checking them in any language. The schema checks their "
        "shape; b12course checks more when it reads one (plausible doses, "
        "records in order, offsets that match their zone).",
    )
