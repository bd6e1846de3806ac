"""The calendar: a course's view rendered as one RFC 5545 document.

:func:`to_ical` renders one view of a course (a :class:`~b12course.Timeline`
from ``Course.timeline``; given a course, it builds that view once): its
events (:mod:`b12course.ical._events`), as a compact series where asked
(:mod:`b12course.ical._series`), stamped against the previous export
(:mod:`b12course.ical._updates`), with a VTIMEZONE that covers them
(:mod:`b12course.ical._vtimezone`).  It never works out a time or a clinical
rule itself: when a dose is due, whether the flare window shows, which
reviews apply and how far the calendar reaches are read from the view.

The horizon is the library's one policy (:func:`b12course.horizon_for`):
firm doses to :data:`DEFAULT_HORIZON` (366 days) after ``now`` (or after the
course's first dose, whichever is later); the provisional doses of a phase a
clinician has not ended to 12 weeks after it, then one all-day event says the
plan continues until a clinician ends the phase.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping

import icalendar

from b12course import FlareWindow, PhaseSpan, PlannedDose, Review
from b12course.__about__ import __version__
from b12course._course import Course
from b12course._horizon import FIRM_SPAN, PlanContinues, horizon_for
from b12course._notice import NOT_MEDICAL_ADVICE
from b12course._time import UTC, require_aware, utc
from b12course._timeline import EventKind, Timeline, TimelineEvent
from b12course.exceptions import NotACourseError, SettingError
from b12course.ical._alarms import (
    DEFAULT_ALARMS,
    Reminder,
    alarm_offsets,
    reminders_of,
)
from b12course.ical._events import (
    Rendering,
    continues_event,
    dose_event,
    flare_event,
    phase_event,
    review_event,
)
from b12course.ical._format import PRODID, X_COURSE, instant_of, start_of
from b12course.ical._series import joins, run_events
from b12course.ical._subject import Subject
from b12course.ical._text import clean, one_line, text
from b12course.ical._uids import uid_of
from b12course.ical._updates import (
    FARTHEST,
    Previous,
    cancelled,
    extended_horizon,
    read_previous,
    stamp_event,
)
from b12course.ical._vtimezone import vtimezone

__all__ = ["DEFAULT_HORIZON", "horizon", "reminders", "to_ical"]

DEFAULT_HORIZON = FIRM_SPAN
"""How far an export reaches without ``until``: a year past now (or the first dose)."""

_REFRESH = dt.timedelta(days=1)  # also X-PUBLISHED-TTL:P1D for Outlook


def _course(value: object) -> Course | Timeline:
    if not isinstance(value, (Course, Timeline)):
        raise NotACourseError(value)
    return value


def horizon(
    course: Course, until: dt.datetime | None, now: dt.datetime | None
) -> dt.datetime:
    """Return the export's exclusive (firm) horizon: ``until``, or the policy's.

    Raises:
        NaiveDatetimeError: ``until`` or ``now`` is naive.
        SettingError: ``until`` is more than 200 years from the first dose.
    """
    if until is None:
        if now is not None:
            now = require_aware("now", now)
        return horizon_for(course.first_dose, now=now).firm
    until = require_aware("until", until)
    if abs(utc(until) - utc(course.first_dose)) > FARTHEST:
        raise SettingError(
            f"until ({until:%Y-%m-%d}) is more than 200 years from the course's "
            "first dose; export a nearer horizon"
        )
    return until


def reminders(
    course: Course,
    *,
    until: dt.datetime | None = None,
    alarms: Iterable[dt.timedelta] = DEFAULT_ALARMS,
    now: dt.datetime | None = None,
) -> tuple[Reminder, ...]:
    """Return when each reminder :func:`to_ical` writes would fire, in time order.

    Calendar services that drop alarms from imported files (Google Calendar,
    Outlook) make this the way for an app to remind people itself.  Only
    doses still to come (scheduled or due) get reminders.

    Args:
        course: The course.
        until: The exclusive horizon, as for :func:`to_ical`.
        alarms: How long before each dose reminders fire.
        now: The present; with it, reminders for given, skipped and overdue
            doses are left out.

    Raises:
        NotACourseError: ``course`` is not a Course.
        AlarmError: An alarm is negative or longer than 28 days.
        NaiveDatetimeError: ``until`` or ``now`` is naive.
    """
    source = _course(course)
    offsets = alarm_offsets(alarms)
    if isinstance(source, Timeline):
        timeline = source
    else:
        timeline = source.timeline(until=horizon(source, until, now), now=now)
    subject = Subject.of(timeline)
    doses = _planned(timeline)
    return reminders_of(subject, ((uid_of(subject, d), d) for d in doses), offsets)


def _planned(timeline: Timeline) -> list[PlannedDose]:
    """The timeline's planned doses, in plan order."""
    doses = [e.payload for e in timeline.of_kind(EventKind.PLANNED_DOSE)]
    return sorted(doses, key=lambda d: d.number)


def to_ical(
    course: Course | Timeline,
    *,
    until: dt.datetime | None = None,
    now: dt.datetime | None = None,
    alarms: Iterable[dt.timedelta] = DEFAULT_ALARMS,
    dtstamp: dt.datetime | None = None,
    previous: bytes | str | None = None,
    include_flare: bool = True,
    include_reviews: bool = True,
    include_phase_changes: bool = False,
    name: str | None = None,
    compact: bool = False,
    provisional_horizon: dt.timedelta | None = None,
) -> bytes:
    """Return the course's dosing calendar as RFC 5545 bytes (CRLF, folded lines).

    Args:
        course: The course, or its view (a :class:`~b12course.Timeline` from
            ``Course.timeline``, rendered as it is: ``until``, ``now`` and
            ``provisional_horizon`` are then its own).
        until: The exclusive horizon (aware): events before it are exported.
            By default :data:`DEFAULT_HORIZON` (366 days) after ``now``, or
            after the course's first dose if that is later.  Provisional
            doses (a phase a clinician has not yet ended) go to
            ``provisional_horizon`` only, then one all-day event says the plan
            continues (the one horizon policy, :func:`b12course.horizon_for`).
        now: The present, for statuses: given doses are shown as done, overdue
            ones are marked, and only doses still to come get reminders.
        alarms: How long before each dose a ``VALARM`` reminder fires; ``()``
            writes none.  Google Calendar and Outlook ignore alarms in
            imported files: use :func:`reminders` to remind people yourself.
        dtstamp: The ``DTSTAMP`` of every event (when the file was made); by
            default ``now``, else the current time.  Fix it for a
            reproducible file.
        previous: The calendar last exported for this course.  Events whose
            content changed get ``SEQUENCE`` one higher than in it, and its
            events no longer in the plan are sent as ``STATUS:CANCELLED``,
            so a re-import updates the calendar in place.
        include_flare: Add the window in which a transient worsening has been
            reported as an all-day event.
        include_reviews: Add review points as all-day events.
        include_phase_changes: Add an all-day event where each later phase begins.
        name: The calendar's name; ``"B12: <regimen name>"`` by default.
        compact: Write each run of three or more scheduled doses of a phase as
            one recurring event (RRULE with UNTIL in UTC), where expanding the
            rule with dateutil gives exactly the planned instants and no
            occurrence falls in a skipped or repeated local hour; any other
            dose stays one event.  Clients agree on one event per dose (the
            default) more widely than on recurring series.
        provisional_horizon: How far past ``now`` (or the first dose)
            provisional doses are exported; 12 weeks when None.

    Returns:
        The calendar, UTF-8 encoded.

    Raises:
        NotACourseError: ``course`` is not a Course.
        NaiveDatetimeError: ``until``, ``now`` or ``dtstamp`` is naive.
        SettingError: ``until`` is more than 200 years from the first dose.
        AlarmError: An alarm is negative or longer than 28 days.
        CalendarFormatError: ``previous`` is malformed, of another course, or
            has events b12course could not have written for it.
    """
    source = _course(course)
    subject = Subject.of(source)
    if isinstance(source, Timeline):
        timeline, now = source, source.now
        assert source.until is not None  # a course's view  # noqa: S101
        until = source.until
    elif now is not None:
        now = require_aware("now", now)
    if isinstance(source, Course):
        until = horizon(source, until, now)
    assert until is not None  # noqa: S101 - set on both paths
    offsets = alarm_offsets(alarms)
    stamp = _stamp(dtstamp, now)
    old = read_previous(previous, subject) if previous is not None else {}
    if isinstance(source, Course):
        # One view, reaching far enough to match the previous export's doses.
        timeline = source.timeline(
            until=extended_horizon(until, old),
            now=now,
            provisional_horizon=provisional_horizon,
        )
    rendering = Rendering(
        course=subject,
        view=timeline,
        offsets=offsets,
        spans={
            e.payload.index: e.payload for e in timeline.of_kind(EventKind.PHASE_CHANGE)
        },
    )
    events = _dose_events(rendering, timeline, until, old, compact=compact)
    wanted = {
        EventKind.FLARE_WINDOW: include_flare,
        EventKind.REVIEW: include_reviews,
        EventKind.PHASE_CHANGE: include_phase_changes,
        EventKind.PLAN_CONTINUES: True,
    }
    events.extend(
        _informational(rendering, event.payload)
        for event in _before(timeline, until)
        if wanted.get(event.kind, False) and _shown(event.payload)
    )
    present = {str(e["UID"]) for e in events}
    events.extend(cancelled(p) for uid, p in old.items() if uid not in present)
    return _calendar(rendering, events, name, stamp, old)


def _before(timeline: Timeline, until: dt.datetime) -> tuple[TimelineEvent, ...]:
    """The timeline's events that start before ``until`` (its own range rule)."""
    if not len(timeline):
        return ()
    return timeline.between(timeline[0].start, until)


def _shown(payload: object) -> bool:
    """A phase change is shown for later phases: the first is the first dose."""
    return not isinstance(payload, PhaseSpan) or payload.index > 0


def _informational(
    rendering: Rendering, payload: PhaseSpan | FlareWindow | Review | PlanContinues
) -> icalendar.Component:
    if isinstance(payload, PhaseSpan):
        return phase_event(rendering, payload)
    if isinstance(payload, PlanContinues):
        return continues_event(rendering, payload)
    if isinstance(payload, FlareWindow):
        return flare_event(rendering, payload)
    return review_event(rendering, payload)


def _dose_events(
    rendering: Rendering,
    timeline: Timeline,
    until: dt.datetime,
    old: Mapping[str, Previous],
    *,
    compact: bool,
) -> list[icalendar.Component]:
    """Return an event per dose before ``until``, and per dose exported before.

    With ``compact``, runs of scheduled doses that one RRULE reproduces exactly
    become one recurring event instead.
    """
    course = rendering.course
    events: list[icalendar.Component] = []
    run: list[PlannedDose] = []
    site, upcoming = timeline.suggested_site, timeline.next_pending
    for dose in _planned(timeline):
        # The suggestion is for the next dose; later ones rotate on from it.
        hint = clean(site) if site and dose == upcoming else None
        if utc(dose.when) >= utc(until) and uid_of(course, dose) not in old:
            continue
        if compact and hint is None and joins(run, dose, old, rendering):
            run.append(dose)
            continue
        events.extend(run_events(rendering, run))
        run = []
        if compact and hint is None and joins(run, dose, old, rendering):
            run.append(dose)
        else:
            events.append(dose_event(rendering, dose, hint))
    events.extend(run_events(rendering, run))
    return events


def _stamp(dtstamp: dt.datetime | None, now: dt.datetime | None) -> dt.datetime:
    if dtstamp is not None:
        stamp = utc(require_aware("dtstamp", dtstamp))
    elif now is not None:
        stamp = utc(now)
    else:
        # DTSTAMP records when the file was written: the one reading of the clock.
        stamp = dt.datetime.now(UTC)
    return stamp.replace(microsecond=0)


def _day_of(start: dt.date | dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.date:
    return start.astimezone(zone).date() if isinstance(start, dt.datetime) else start


def _calendar(
    rendering: Rendering,
    events: list[icalendar.Component],
    name: str | None,
    stamp: dt.datetime,
    old: Mapping[str, Previous],
) -> bytes:
    """Assemble the VCALENDAR: its properties, the VTIMEZONE and the events in order."""
    course, zone = rendering.course, rendering.zone
    timed = sorted(
        ((start_of(e), e) for e in events),
        key=lambda pair: (instant_of(pair[0], zone), str(pair[1]["UID"])),
    )
    calendar = icalendar.Calendar()
    title = one_line(name if name is not None else f"B12: {course.regimen.name}")
    calendar.add("prodid", PRODID.format(version=__version__))
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # Every TEXT value, X- properties included, is escaped by text().
    calendar.add("name", text(title))
    calendar.add("x-wr-calname", text(title))
    calendar.add("x-wr-caldesc", text(NOT_MEDICAL_ADVICE))
    calendar.add("x-wr-timezone", zone.key)
    calendar.add("refresh-interval", _REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "P1D")
    calendar.add(X_COURSE, text(course.id))
    days = [_day_of(start, zone) for start, _event in timed]
    first_day = min(days, default=course.first_dose.astimezone(zone).date())
    calendar.add_component(vtimezone(zone, first_day, max(days, default=first_day)))
    for _start, event in timed:
        stamp_event(event, stamp, old.get(str(event["UID"])))
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
