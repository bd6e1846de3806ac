"""Reminders: how long before a dose they fire, and the VALARMs that carry them.

A reminder is a relative ``VALARM`` (``TRIGGER:-PT30M``) on the event of a
dose still to come (scheduled or due); a dose given, skipped or already
overdue needs none.  Reminder times are between 0 and 28 days: text such as
``"30m"``, ``"1h30m"``, ``"2d"``, ``"90"`` (minutes) or an RFC 5545 duration
(``"PT30M"``) is read by :func:`parse_alarm`.

Google Calendar and Outlook drop alarms from imported files and apply their
own default notifications; :func:`reminders` gives the instants at which the
alarms would fire, so an app can remind people itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import attrs
import icalendar

from b12course import DoseStatus, PlannedDose
from b12course._course import Course
from b12course._time import utc
from b12course.exceptions import AlarmError
from b12course.ical._subject import Subject
from b12course.ical._text import Text, clean

__all__ = [
    "DEFAULT_ALARMS",
    "LONGEST_ALARM",
    "Reminder",
    "add_alarms",
    "alarm_offsets",
    "check_alarm",
    "parse_alarm",
    "reminded",
    "reminders_of",
]

DEFAULT_ALARMS: tuple[dt.timedelta, ...] = (dt.timedelta(minutes=30),)
"""Reminders by default: one, 30 minutes before each pending dose."""

LONGEST_ALARM = dt.timedelta(days=28)
"""The longest time before a dose a reminder may fire."""

# RFC 5545 dur-value: P, then weeks, or days and/or T with hours/minutes/seconds.
_ISO_DURATION = re.compile(
    r"^[+-]?p(?:(?P<w>\d+)w|(?:(?P<d>\d+)d)?"
    r"(?:t(?=\d)(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?)?)$"
)
_ALARM_TEXT = re.compile(
    r"^(?:(?P<d>\d+)\s*d)?\s*(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*m(?:in)?)?$"
)
_RANGE = "a reminder fires between 0 and 28 days before the dose"
_HINT = "write a reminder time like '30m', '1h', '1h30m', '2d' or 'PT30M'"
# Any part longer than this many digits is far past 28 days in any unit; it is
# refused before int() and timedelta() could overflow on it.
_MAX_DIGITS = 6


@attrs.frozen(kw_only=True)
class Reminder:
    """When a reminder for one dose fires.

    Attributes:
        uid: The dose event's UID.
        due: When the dose is due (aware, course zone).
        at: When the reminder fires (aware, course zone).
        before: How long before the dose it fires.

    >>> import datetime as dt
    >>> t = dt.datetime(2027, 1, 1, 9, tzinfo=dt.timezone.utc)
    >>> Reminder(uid="u", due=t, at=t - dt.timedelta(minutes=30),
    ...          before=dt.timedelta(minutes=30)).at.time()
    datetime.time(8, 30)
    """

    uid: str
    due: dt.datetime
    at: dt.datetime
    before: dt.timedelta


def _number(digits: str | None, text: object) -> int:
    """Return a part of a reminder time, refusing one too long to be in range."""
    digits = (digits or "0").lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS:
        raise AlarmError(text, _RANGE)
    return int(digits)


def _parts(match: re.Match[str], text: object) -> dict[str, int]:
    return {k: _number(v, text) for k, v in match.groupdict().items()}


def parse_alarm(text: str) -> dt.timedelta:
    """Return how long before a dose a reminder fires, from text like ``"30m"``.

    Accepts days, hours and minutes (``"2d"``, ``"1h30m"``, ``"30m"``), a bare
    number of minutes (``"90"``) and an RFC 5545 duration (``"PT30M"``,
    ``"-PT15M"``: both mean that long before).  ``"0"`` fires at the dose.

    Raises:
        AlarmError: The text is not a duration, or it is longer than 28 days
            (however many digits it has).

    >>> parse_alarm("1h30m")
    datetime.timedelta(seconds=5400)
    >>> parse_alarm("-PT15M")
    datetime.timedelta(seconds=900)
    """
    raw = text.strip().lower() if isinstance(text, str) else ""
    value: dt.timedelta | None = None
    if raw.isascii() and raw.isdigit():
        value = dt.timedelta(minutes=_number(raw, text))
    elif (iso := _ISO_DURATION.match(raw)) and any(iso.groupdict().values()):
        parts = _parts(iso, text)
        value = dt.timedelta(
            weeks=parts["w"],
            days=parts["d"],
            hours=parts["h"],
            minutes=parts["m"],
            seconds=parts["s"],
        )
    elif raw and (match := _ALARM_TEXT.match(raw)) and any(match.groupdict().values()):
        parts = _parts(match, text)
        value = dt.timedelta(days=parts["d"], hours=parts["h"], minutes=parts["m"])
    if value is None:
        raise AlarmError(text, _HINT)
    return check_alarm(value)


def check_alarm(value: object) -> dt.timedelta:
    """Return ``value`` if it is a reminder time (a timedelta of 0 to 28 days).

    Raises:
        AlarmError: It is not a timedelta, or it is out of range.
    """
    if not isinstance(value, dt.timedelta):
        raise AlarmError(value, "a reminder time is a datetime.timedelta")
    if value < dt.timedelta(0) or value > LONGEST_ALARM:
        raise AlarmError(value, _RANGE)
    return value


def alarm_offsets(
    alarms: Iterable[dt.timedelta] | dt.timedelta,
) -> tuple[dt.timedelta, ...]:
    """Return the distinct reminder times, longest first (one timedelta allowed).

    Raises:
        AlarmError: One of them is not a reminder time.
    """
    if isinstance(alarms, dt.timedelta):
        alarms = (alarms,)
    try:
        items = list(alarms)
    except TypeError:
        raise AlarmError(alarms, "give reminder times as timedeltas") from None
    return tuple(sorted({check_alarm(a) for a in items}, reverse=True))


def reminded(dose: PlannedDose) -> bool:
    """Only doses still to come get reminders; a missed one needs no alarm."""
    return dose.status in {DoseStatus.SCHEDULED, DoseStatus.DUE}


def add_alarms(
    event: icalendar.Component, offsets: tuple[dt.timedelta, ...], text: str
) -> None:
    """Add a DISPLAY ``VALARM`` per reminder time to ``event``."""
    for before in offsets:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", Text(clean(text)))
        alarm.add("trigger", -before)
        event.add_component(alarm)


def reminders_of(
    course: Course | Subject,
    doses: Iterable[tuple[str, PlannedDose]],
    offsets: tuple[dt.timedelta, ...],
) -> tuple[Reminder, ...]:
    """Return the reminders of the ``(uid, dose)`` pairs, in time order."""
    zone = course.zone
    found = [
        Reminder(
            uid=uid,
            due=dose.due,
            at=(utc(dose.due) - before).astimezone(zone),
            before=before,
        )
        for uid, dose in doses
        if reminded(dose)
        for before in offsets
    ]
    return tuple(sorted(found, key=lambda r: (utc(r.at), r.uid)))
