"""The UID grammar of a course's calendar events, written once.

A UID names an event by the course's ``id`` and the event's place in the
course, never by its time, so an export made after the plan changed updates
the events a calendar already holds instead of duplicating them:

- a planned dose: ``{course id}-p{phase index}-d{number in phase}@b12course``;
- a compact series starting at that dose: ``...-d{n}-series@b12course``;
- a review point:
  ``{course id}-review-{loading-phase|treatment|condition}[-p{phase}]@b12course``;
- the flare window: ``{course id}-flare@b12course``;
- a phase change: ``{course id}-p{phase index}-start@b12course``.

The phase index in a UID is the regimen's 0-based index: UIDs are for
machines and have been stable since 0.1; people read the event's title.
The calendar export and the CalDAV sync both name events with
:func:`uid_of`, and recognise a course's own events with :func:`is_course_uid`.
"""

from __future__ import annotations

import re

from b12course import FlareWindow, PhaseSpan, PlannedDose, Review
from b12course._course import Course
from b12course._horizon import PlanContinues
from b12course._timeline import TimelineEvent
from b12course.exceptions import InvalidRecordError
from b12course.ical._subject import Subject
from b12course.ical._text import clean

__all__ = ["DOMAIN", "dose_place", "dose_uid", "is_course_uid", "series_uid", "uid_of"]

DOMAIN = "@b12course"
"""The suffix of every UID b12course writes."""

_DOSE = re.compile(r"-p(?P<phase>\d+)-d(?P<n>\d+)(?P<series>-series)?@b12course\Z")


def _course_id(course: Course | Subject | str) -> str:
    if isinstance(course, (Course, Subject)):
        return clean(course.id)
    if isinstance(course, str):
        return clean(course)
    raise InvalidRecordError(course, f"a UID names a Course or its id, not {course!r}")


def dose_uid(course: Course | Subject | str, phase: int, number_in_phase: int) -> str:
    """Return the UID of a course's planned dose, by its place in the course.

    >>> dose_uid("demo", 0, 3)
    'demo-p0-d3@b12course'
    """
    return f"{_course_id(course)}-p{phase}-d{number_in_phase}{DOMAIN}"


def series_uid(course: Course | Subject | str, first: PlannedDose) -> str:
    """Return the UID of a compact series whose first dose is ``first``."""
    return (
        f"{_course_id(course)}-p{first.phase}-d{first.number_in_phase}-series{DOMAIN}"
    )


def uid_of(
    course: Course | Subject | str,
    event: TimelineEvent
    | PlannedDose
    | Review
    | FlareWindow
    | PhaseSpan
    | PlanContinues,
) -> str:
    """Return the UID of the calendar event that renders a timeline event.

    Args:
        course: The course (or its ``id``).
        event: A timeline event of kind planned dose, review, flare window,
            phase change or plan continues, or its payload itself.

    Raises:
        InvalidRecordError: The event is of a kind the calendar does not
            render as an event of its own (doses given and skipped are shown
            on their planned dose's event; symptoms and labs not at all).

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens
    >>> course = Course.begin(regimens.get("bnf-hydroxocobalamin-neuro"), id="demo",
    ...     first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("UTC")))
    >>> course = course.record_dose(course.first_dose)  # the window needs a dose
    >>> tl = course.timeline(until=dt.datetime(2027, 6, 1, tzinfo=dt.timezone.utc))
    >>> shown = {"flare_window", "phase_change", "review", "plan_continues"}
    >>> sorted({uid_of(course, e) for e in tl if e.kind.value in shown})
    ... # doctest: +NORMALIZE_WHITESPACE
    ['demo-flare@b12course', 'demo-p0-start@b12course',
     'demo-plan-continues@b12course', 'demo-review-loading-phase-p0@b12course',
     'demo-review-treatment@b12course']
    """
    payload = event.payload if isinstance(event, TimelineEvent) else event
    ident = _course_id(course)
    if isinstance(payload, PlannedDose):
        return dose_uid(ident, payload.phase, payload.number_in_phase)
    if isinstance(payload, Review):
        kind = payload.kind.name.lower().replace("_", "-")
        where = "" if payload.phase is None else f"-p{payload.phase}"
        return f"{ident}-review-{kind}{where}{DOMAIN}"
    if isinstance(payload, FlareWindow):
        return f"{ident}-flare{DOMAIN}"
    if isinstance(payload, PhaseSpan):
        return f"{ident}-p{payload.index}-start{DOMAIN}"
    if isinstance(payload, PlanContinues):
        return f"{ident}-plan-continues{DOMAIN}"
    raise InvalidRecordError(
        event, f"a calendar has no event of its own for {type(payload).__name__}"
    )


def is_course_uid(uid: object, course: Course | Subject | str) -> bool:
    """Return whether ``uid`` names an event of this course's calendar.

    >>> is_course_uid("demo-p0-d3@b12course", "demo")
    True
    >>> is_course_uid("demo-p0-d3@b12course", "dem")
    False
    >>> is_course_uid("party@example.com", "demo")
    False
    """
    if not isinstance(uid, str) or not uid.endswith(DOMAIN):
        return False
    ident = _course_id(course)
    if not uid.startswith(f"{ident}-"):
        return False
    rest = uid[len(ident) :]
    return bool(
        _DOSE.fullmatch(rest)
        or rest in {f"-flare{DOMAIN}", f"-plan-continues{DOMAIN}"}
        # Every review kind (loading phase, treatment, plateau suggested,
        # condition), by the name uid_of writes.
        or re.fullmatch(r"-review-[a-z]+(?:-[a-z]+)*(?:-p\d+)?@b12course", rest)
        or re.fullmatch(r"-p\d+-start@b12course", rest)
    )


def dose_place(uid: str) -> tuple[str, int, int, bool] | None:
    """Return ``(course id, phase, number in phase, is a series)`` of a dose UID.

    >>> dose_place("demo-p1-d2-series@b12course")
    ('demo', 1, 2, True)
    >>> dose_place("demo-flare@b12course") is None
    True
    """
    found = _DOSE.search(uid)
    if found is None:
        return None
    return (
        uid[: found.start()],
        int(found["phase"]),
        int(found["n"]),
        found["series"] is not None,
    )
