"""iCalendar (RFC 5545) export of a course's dosing plan, and read-back.

:func:`to_ical` renders the events of ``Course.timeline`` as a calendar that
Google Calendar, Apple Calendar, Outlook and Thunderbird import the same way:

- one ``VEVENT`` per planned dose, at its local wall-clock time with a
  ``TZID``, titled with the dose's name ("loading dose 3 of 6"), and a
  ``VTIMEZONE`` for the course's zone that covers every exported event
  (``_vtimezone``).  Local schedules are never written as UTC ``Z`` times;
  only a dose *given* in the second occurrence of a repeated local hour,
  which no local time can name, is written in UTC;
- the review points, the window in which a transient worsening has been
  reported and, where the horizon policy stops showing an undecided phase's
  provisional doses, one "the plan continues" event, as informational
  all-day events (``_events``); each event says
  what it renders in ``X-B12COURSE-KIND`` (the :class:`~b12course.EventKind`
  value), and every description carries the not-medical-advice line;
- stable UIDs from the course's ``id`` and the event's place in the course
  (:func:`uid_of`, ``_uids``), so re-importing after the plan changed updates
  events instead of duplicating them.  Pass the earlier export as
  ``previous`` and ``SEQUENCE`` grows for every event whose content changed,
  and events dropped from the plan are sent as ``STATUS:CANCELLED``
  (``_updates``);
- optional ``VALARM`` reminders (``_alarms``) and, on request, compact
  recurring series (``_series``).

:func:`read_ical` reads the doses of such a calendar back (``_read``), with
the work bounded per file whatever the input.  User text only ever goes into
escaped TEXT values (``_text``), so it can never start a property.

:func:`split_objects`, :func:`read_object`, :func:`fingerprint` and
:func:`previous_export` (``_objects``) are the calendar-object work
:mod:`b12course.caldav` asks for.  This package is the only part of b12course
that imports ``icalendar``;
``import b12course`` does not load it until ``b12course.to_ical`` is first used.

>>> import datetime as dt, zoneinfo
>>> import b12course as b12
>>> london = zoneinfo.ZoneInfo("Europe/London")
>>> course = b12.Course.begin(
...     b12.regimens.get("bnf-hydroxocobalamin-non-neuro"),
...     first_dose=dt.datetime(2026, 12, 7, 9, tzinfo=london),
...     id="demo",
... )
>>> data = to_ical(course, until=dt.datetime(2026, 12, 12, tzinfo=london),
...                dtstamp=dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc))
>>> doses = read_ical(data)
>>> [(d.uid, d.when.isoformat()) for d in doses]  # doctest: +NORMALIZE_WHITESPACE
[('demo-p0-d1@b12course', '2026-12-07T09:00:00+00:00'),
 ('demo-p0-d2@b12course', '2026-12-09T09:00:00+00:00'),
 ('demo-p0-d3@b12course', '2026-12-11T09:00:00+00:00')]
"""

from __future__ import annotations

from b12course.ical._alarms import DEFAULT_ALARMS, Reminder, parse_alarm
from b12course.ical._export import DEFAULT_HORIZON, reminders, to_ical
from b12course.ical._format import PRODID, is_provisional
from b12course.ical._objects import (
    CalendarObject,
    Event,
    fingerprint,
    previous_export,
    read_object,
    replace_property,
    split_objects,
)
from b12course.ical._read import MAX_OCCURRENCES, MAX_PERIODS, CalendarDose, read_ical
from b12course.ical._uids import dose_uid, is_course_uid, series_uid, uid_of

__all__ = [
    "DEFAULT_ALARMS",
    "DEFAULT_HORIZON",
    "MAX_OCCURRENCES",
    "MAX_PERIODS",
    "PRODID",
    "CalendarDose",
    "CalendarObject",
    "Event",
    "Reminder",
    "dose_uid",
    "fingerprint",
    "is_course_uid",
    "is_provisional",
    "parse_alarm",
    "previous_export",
    "read_ical",
    "read_object",
    "reminders",
    "replace_property",
    "series_uid",
    "split_objects",
    "to_ical",
    "uid_of",
]
