"""The calendar format b12course writes: its names, and reading a file back.

A b12course calendar says it is one in ``PRODID`` (``-//b12course//...``) and
names its course in ``X-B12COURSE-COURSE``.  Each event says what it renders
in ``X-B12COURSE-KIND``, with the :class:`~b12course.EventKind` value of the
timeline event (``planned_dose``, ``review``, ``flare_window``,
``phase_change``); a planned dose also carries its status, its dose in words
and its due instant, so the calendar can be read back (:func:`read_ical`)
without the course.  Calendars of 0.1 wrote ``dose`` and ``dose-series`` as
kinds; they are still read.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import icalendar

from b12course._time import resolve, utc
from b12course.exceptions import CalendarFormatError

__all__ = [
    "LEGACY_DOSE",
    "LEGACY_SERIES",
    "PRODID",
    "X_COURSE",
    "X_DIGEST",
    "X_DOSE",
    "X_DUE",
    "X_FIRST",
    "X_KIND",
    "X_PHASE",
    "X_PROVISIONAL",
    "X_STATUS",
    "instant_of",
    "is_provisional",
    "parse",
    "start_of",
]

PRODID = "-//b12course//b12course {version}//EN"
X_KIND = "X-B12COURSE-KIND"
X_STATUS = "X-B12COURSE-STATUS"
X_DOSE = "X-B12COURSE-DOSE"
X_DUE = "X-B12COURSE-DUE"
X_PROVISIONAL = "X-B12COURSE-PROVISIONAL"
"""TRUE on a provisional dose's event and on the plan-continues event: never firm."""
X_DIGEST = "X-B12COURSE-DIGEST"
X_COURSE = "X-B12COURSE-COURSE"
X_PHASE = "X-B12COURSE-PHASE"
X_FIRST = "X-B12COURSE-FIRST"
LEGACY_DOSE = "dose"
LEGACY_SERIES = "dose-series"


_FOLD = re.compile(rb"\r?\n[ \t]")
_ZONE_BLOCK = re.compile(
    rb"BEGIN:VTIMEZONE.*?(?:END:VTIMEZONE|\Z)", re.DOTALL | re.IGNORECASE
)
_ZONE_RULE = re.compile(rb"^RRULE[;:]", re.MULTILINE | re.IGNORECASE)
_YEARLY = re.compile(
    rb"^RRULE:FREQ=YEARLY(?:;[^\r\n]*)?\r?$", re.MULTILINE | re.IGNORECASE
)


def _check_zone_rules(data: bytes) -> None:
    """Refuse a VTIMEZONE rule that is not yearly, before icalendar expands it.

    icalendar builds a zone from a VTIMEZONE whose TZID it does not know while
    it parses, expanding each rule to 2038: a rule recurring every minute
    that never matches would cost seconds.  b12course writes yearly rules only.
    """
    for block in _ZONE_BLOCK.findall(_FOLD.sub(b"", data)):
        if len(_ZONE_RULE.findall(block)) != len(_YEARLY.findall(block)):
            raise CalendarFormatError(
                "a VTIMEZONE rule that is not yearly: b12course writes only "
                "FREQ=YEARLY rules in a time zone"
            )


def parse(data: object) -> icalendar.Calendar:
    """Return the calendar in ``data`` if b12course wrote it.

    Raises:
        CalendarFormatError: ``data`` is not bytes or str, is not iCalendar,
            was not written by b12course, or has a time zone rule b12course
            never writes.
    """
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if not isinstance(data, (bytes, bytearray)):
        raise CalendarFormatError(
            f"iCalendar data is bytes or str, not {type(data).__name__}"
        )
    _check_zone_rules(bytes(data))
    try:
        calendar = icalendar.Calendar.from_ical(bytes(data))
    except Exception as exc:  # noqa: BLE001 - icalendar raises many kinds
        raise CalendarFormatError(f"not valid iCalendar data: {exc}") from None
    if not isinstance(calendar, icalendar.Calendar) or calendar.name != "VCALENDAR":
        raise CalendarFormatError("the data holds no VCALENDAR")
    if "//b12course//" not in str(calendar.get("PRODID", "")):
        raise CalendarFormatError(
            "this calendar was not written by b12course (its PRODID says "
            f"{str(calendar.get('PRODID', '<none>'))!r})"
        )
    return calendar


def start_of(event: icalendar.Component) -> dt.date | dt.datetime:
    """Return an event's DTSTART: a date, or an aware datetime.

    Raises:
        CalendarFormatError: It is missing, floating, or no date.
    """
    if "DTSTART" not in event:
        raise CalendarFormatError(f"event {event.get('UID')} has no DTSTART")
    value = event.decoded("DTSTART")
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        raise CalendarFormatError(f"event {event.get('UID')} has a floating DTSTART")
    if not isinstance(value, dt.date):
        raise CalendarFormatError(
            f"event {event.get('UID')} has a DTSTART that is no date"
        )
    return value


def instant_of(value: dt.date | dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Return a DTSTART as a UTC instant (a date: its local midnight in ``zone``)."""
    if isinstance(value, dt.datetime):
        return utc(value)
    return utc(resolve(dt.datetime.combine(value, dt.time()), zone))


def is_provisional(event: object) -> bool:
    """True when a calendar event stood for something never firm.

    A provisional dose (one of a phase a clinician had not ended) or the
    plan-continues event: a sync may delete it once the plan drops it.
    """
    getter = getattr(event, "get", None)
    if getter is None:
        return False
    return str(getter(X_PROVISIONAL, "")).upper() == "TRUE"
