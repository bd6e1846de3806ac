"""Updates: re-exporting a course so a calendar that holds it updates in place.

Given the calendar exported last time (``previous``), every event keeps its
UID, and its ``SEQUENCE`` grows by one when what people see of it changed
(a fingerprint of its content, ``X-B12COURSE-DIGEST``, is compared; ``DTSTAMP``
is not content).  An event of the previous export that the plan no longer has
is sent again as ``STATUS:CANCELLED``, so clients remove it.  Doses exported
before stay in the export even past a shorter horizon, and a dose may move up
to :data:`MOVE_MARGIN` past the latest previously exported event and still be
recognised as the same event.

A previous export is trusted only as far as b12course could have written it:
it must be a b12course calendar of the same course, with every event within
:data:`FARTHEST` of the course's first dose.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping

import attrs
import icalendar

from b12course._course import Course
from b12course._time import utc
from b12course.exceptions import CalendarFormatError
from b12course.ical._format import (
    X_COURSE,
    X_DIGEST,
    X_DOSE,
    X_DUE,
    X_FIRST,
    X_KIND,
    X_PHASE,
    X_PROVISIONAL,
    X_STATUS,
    instant_of,
    parse,
    start_of,
)
from b12course.ical._subject import Subject
from b12course.ical._text import clean, text, unescape

__all__ = [
    "FARTHEST",
    "MOVE_MARGIN",
    "Previous",
    "cancelled",
    "digest",
    "extended_horizon",
    "read_previous",
    "stamp_event",
]

MOVE_MARGIN = dt.timedelta(days=366)
"""How far past the latest previously exported event a dose may have moved."""
FARTHEST = dt.timedelta(days=200 * 366)
"""How far from a course's first dose any event of its calendar can lie."""


@attrs.frozen
class Previous:
    """One event of the previous export.

    Attributes:
        event: The event as it was read.
        sequence: Its ``SEQUENCE``.
        digest: Its content fingerprint.
        instant: Its start, in UTC (an all-day event: local midnight).
    """

    event: icalendar.Component
    sequence: int
    digest: str
    instant: dt.datetime


def _event(event: icalendar.Component, course: Course | Subject) -> Previous:
    try:
        instant = instant_of(start_of(event), course.zone)
    except OverflowError:
        instant = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    if abs(instant - utc(course.first_dose)) > FARTHEST:
        raise CalendarFormatError(
            f"the previous export has an event ({event.get('UID')}) at "
            f"{instant:%Y-%m-%d}, more than 200 years from the course's first "
            "dose: it is not an export of this course"
        )
    return Previous(
        event=event,
        sequence=int(event.get("SEQUENCE", 0)),
        digest=str(event.get(X_DIGEST, "")),
        instant=instant,
    )


def read_previous(data: object, course: Course | Subject) -> dict[str, Previous]:
    """Return the events of a previous export of ``course``, by UID.

    Raises:
        CalendarFormatError: ``data`` is not a b12course calendar, is of
            another course, or an event in it is malformed or out of range.
    """
    calendar = parse(data)
    owner = unescape(str(calendar.get(X_COURSE, "")))
    if owner != clean(course.id):
        raise CalendarFormatError(
            f"the previous export is of course {owner!r}, not {course.id!r}"
        )
    try:
        return {str(e["UID"]): _event(e, course) for e in calendar.walk("VEVENT")}
    except CalendarFormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - any defect of the old file
        raise CalendarFormatError(f"the previous export is malformed: {exc}") from None


def extended_horizon(until: dt.datetime, old: Mapping[str, Previous]) -> dt.datetime:
    """Return how far to derive the course so every old event can be matched."""
    if not old:
        return until
    latest = max(p.instant for p in old.values())
    return max(utc(until), latest + MOVE_MARGIN)


def digest(event: icalendar.Component) -> str:
    """Return a fingerprint of an event (taken before DTSTAMP and SEQUENCE are set).

    It covers every property and parameter of the event and of its alarms, in
    the order they were added (the order :mod:`b12course.ical._events` fixes).
    """
    found = hashlib.sha256()
    for component in event.walk():
        found.update(f"BEGIN:{component.name}\n".encode())
        for name, values in component.items():
            for value in values if isinstance(values, list) else (values,):
                params = getattr(value, "params", None)
                found.update(
                    f"{name};{sorted(params.items()) if params else ''}:".encode()
                )
                found.update(value.to_ical())
                found.update(b"\n")
    return found.hexdigest()[:16]


def stamp_event(
    event: icalendar.Component, stamp: dt.datetime, before: Previous | None
) -> None:
    """Add DTSTAMP and SEQUENCE, one higher than before if what people see changed."""
    fingerprint = digest(event)
    sequence = 0
    if before is not None:
        sequence = before.sequence + (before.digest != fingerprint)
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add(X_DIGEST, fingerprint)


_KEEP_WHEN_CANCELLED = (
    "UID",
    "RRULE",
    "DTSTART",
    "DTEND",
    "DURATION",
    "SUMMARY",
    "DESCRIPTION",
    "CATEGORIES",
    X_KIND,
    X_STATUS,
    X_DOSE,
    X_DUE,
    X_PHASE,
    X_FIRST,
    X_PROVISIONAL,
)


def cancelled(old: Previous) -> icalendar.Component:
    """Return the event that tells a client to remove a dropped event."""
    event = icalendar.Event()
    for name in _KEEP_WHEN_CANCELLED:
        if name in old.event:
            event[name] = old.event[name]
    summary = str(old.event.get("SUMMARY", ""))
    if not summary.startswith("Cancelled: "):
        event["SUMMARY"] = text(f"Cancelled: {summary}")
    event.add("status", "CANCELLED")
    event.add("transp", "TRANSPARENT")
    return event
