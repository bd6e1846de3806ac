"""iCalendar (RFC 5545) export of a course's dosing plan, and read-back.

:func:`to_ical` writes a calendar that Google Calendar, Apple Calendar,
Outlook and Thunderbird import the same way:

- one ``VEVENT`` per dose, at its local wall-clock time with a ``TZID``, and a
  ``VTIMEZONE`` for the course's zone that covers every exported event, with
  yearly ``RRULE`` transitions where the zone follows a yearly rule (so it stays
  right past 2038 for lifelong maintenance).  Local schedules are never written
  as UTC ``Z`` times; only a dose *given* in the second occurrence of a repeated
  local hour, which no local time can name, is written in UTC;
- stable UIDs from the course's ``id`` and the dose's place in the course
  (``{id}-p{phase}-d{number in phase}@b12course``), so re-importing after the plan
  changed updates events instead of duplicating them.  Pass the earlier export as
  ``previous`` and ``SEQUENCE`` grows for every event whose content changed, and
  doses dropped from the plan are sent as ``STATUS:CANCELLED``;
- a summary and description a person understands (drug, amount, route, "dose 3
  of 6", phase, suggested injection site, given doses shown as done, overdue
  doses marked), and optional ``VALARM`` reminders with relative triggers.

Google Calendar and Outlook drop alarms from imported files (they apply the
calendar's own default notifications instead); :func:`reminders` gives the
reminder instants so an app can schedule them itself.

User text (notes, sites, lots, names) only ever goes into escaped TEXT values,
with control characters removed, so it can never start a property.

This is the only module that imports ``icalendar``; ``import b12course`` does not
load it until ``b12course.to_ical`` is first used.

>>> import datetime as dt, zoneinfo
>>> import b12course as b12
>>> london = zoneinfo.ZoneInfo("Europe/London")
>>> course = b12.Course.begin(
...     b12.regimens.get("nice-non-neuro"),
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

import calendar as _calendar
import datetime as dt
import functools
import hashlib
import itertools
import re
import zoneinfo
from collections.abc import Iterable, Sequence

import attrs
import icalendar
from dateutil import rrule

from b12course.__about__ import __version__
from b12course._course import Course
from b12course._regimen import Count, Route
from b12course._schedule import DoseStatus, PlannedDose
from b12course._time import UTC, get_zone, local, require_aware, resolve, utc
from b12course._units import Amount
from b12course.exceptions import AlarmError, CalendarFormatError

__all__ = [
    "DEFAULT_ALARMS",
    "CalendarDose",
    "Reminder",
    "parse_alarm",
    "read_ical",
    "reminders",
    "to_ical",
]

PRODID = "-//b12course//b12course {version}//EN"
DEFAULT_ALARMS: tuple[dt.timedelta, ...] = (dt.timedelta(minutes=30),)
"""Reminders by default: one, 30 minutes before each pending dose."""

_DOSE_LENGTH = dt.timedelta(minutes=15)
_REFRESH = dt.timedelta(days=1)  # also X-PUBLISHED-TTL:P1D for Outlook
_DISCLAIMER = "This calendar shows a plan; it is not medical advice."
# How far past the latest previously exported event a dose may have moved and
# still be recognised as the same event rather than cancelled.
_MOVE_MARGIN = dt.timedelta(days=366)
_INJECTED = frozenset({Route.IM, Route.DEEP_SC})
_X_KIND = "X-B12COURSE-KIND"
_X_STATUS = "X-B12COURSE-STATUS"
_X_DOSE = "X-B12COURSE-DOSE"
_X_DUE = "X-B12COURSE-DUE"
_X_DIGEST = "X-B12COURSE-DIGEST"
_X_COURSE = "X-B12COURSE-COURSE"
_X_PHASE = "X-B12COURSE-PHASE"
_X_FIRST = "X-B12COURSE-FIRST"
_SERIES_KIND = "dose-series"
_DOSE_KIND = "dose"
# RFC 5545 TEXT allows no control characters but HTAB; line breaks become "\n".
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# -- public values -------------------------------------------------------


@attrs.frozen(kw_only=True)
class CalendarDose:
    """A dosing event read back from a calendar b12course wrote.

    Attributes:
        uid: The event's UID (``{course id}-p{phase}-d{n}@b12course``).
        when: The event's instant: when the dose was given, or else when it is
            due (aware, in the calendar's zone).
        due: When the dose was due in the plan (aware, UTC).
        dose: The dose in words, e.g. ``"hydroxocobalamin 1 mg IM"``.
        amount: The amount, read from ``dose``.
        status: The dose's status when the calendar was written.
        cancelled: True when the event is ``STATUS:CANCELLED`` (a skipped
            dose, or one dropped from the plan).
        sequence: The event's ``SEQUENCE``.

    >>> import datetime as dt
    >>> CalendarDose(uid="x-p0-d1@b12course",
    ...     when=dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc),
    ...     due=dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc),
    ...     dose="hydroxocobalamin 1 mg IM", amount=Amount.parse("1 mg"),
    ...     status=DoseStatus.SCHEDULED).amount.micrograms
    1000
    """

    uid: str
    when: dt.datetime
    due: dt.datetime
    dose: str
    amount: Amount
    status: DoseStatus
    cancelled: bool = False
    sequence: int = 0


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


# -- alarms --------------------------------------------------------------

# RFC 5545 dur-value: P, then weeks, or days and/or T with hours/minutes/seconds.
_ISO_DURATION = re.compile(
    r"^[+-]?p(?:(?P<w>\d+)w|(?:(?P<d>\d+)d)?"
    r"(?:t(?=\d)(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?)?)$"
)
_ALARM_TEXT = re.compile(
    r"^(?:(?P<d>\d+)\s*d)?\s*(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*m(?:in)?)?$"
)


def parse_alarm(text: str) -> dt.timedelta:
    """Return how long before a dose a reminder fires, from text like ``"30m"``.

    Accepts days, hours and minutes (``"2d"``, ``"1h30m"``, ``"30m"``), a bare
    number of minutes (``"90"``) and an RFC 5545 duration (``"PT30M"``,
    ``"-PT30M"``: both mean 30 minutes before).  ``"0"`` fires at the dose.

    Raises:
        AlarmError: The text is not a duration, or it is longer than 28 days.

    >>> parse_alarm("1h30m")
    datetime.timedelta(seconds=5400)
    >>> parse_alarm("-PT15M")
    datetime.timedelta(seconds=900)
    """
    raw = text.strip().lower() if isinstance(text, str) else ""
    value: dt.timedelta | None = None
    if raw.isdigit():
        value = dt.timedelta(minutes=int(raw))
    elif (iso := _ISO_DURATION.match(raw)) and any(iso.groupdict().values()):
        parts = {k: int(v or 0) for k, v in iso.groupdict().items()}
        value = dt.timedelta(
            weeks=parts["w"],
            days=parts["d"],
            hours=parts["h"],
            minutes=parts["m"],
            seconds=parts["s"],
        )
    elif raw and (match := _ALARM_TEXT.match(raw)) and any(match.groupdict().values()):
        parts = {k: int(v or 0) for k, v in match.groupdict().items()}
        value = dt.timedelta(days=parts["d"], hours=parts["h"], minutes=parts["m"])
    if value is None:
        raise AlarmError(
            text, "write a reminder time like '30m', '1h', '1h30m', '2d' or 'PT30M'"
        )
    return _check_alarm(value)


def _check_alarm(value: object) -> dt.timedelta:
    if not isinstance(value, dt.timedelta):
        raise AlarmError(value, "a reminder time is a datetime.timedelta")
    if value < dt.timedelta(0) or value > dt.timedelta(days=28):
        raise AlarmError(
            value, "a reminder fires between 0 and 28 days before the dose"
        )
    return value


def _alarms(alarms: Iterable[dt.timedelta]) -> tuple[dt.timedelta, ...]:
    if isinstance(alarms, dt.timedelta):
        alarms = (alarms,)
    return tuple(sorted({_check_alarm(a) for a in alarms}, reverse=True))


def _reminded(dose: PlannedDose) -> bool:
    """Only doses still to come get reminders; a missed one needs no alarm."""
    return dose.status in {DoseStatus.SCHEDULED, DoseStatus.DUE}


def reminders(
    course: Course,
    *,
    until: dt.datetime,
    alarms: Iterable[dt.timedelta] = DEFAULT_ALARMS,
    now: dt.datetime | None = None,
) -> tuple[Reminder, ...]:
    """Return when each reminder :func:`to_ical` writes would fire, in time order.

    Calendar services that drop alarms from imported files (Google Calendar,
    Outlook) make this the way for an app to remind people itself.  Only
    doses still to come (scheduled or due) get reminders.

    Args:
        course: The course.
        until: The exclusive horizon, as for ``course.plan``.
        alarms: How long before each dose reminders fire.
        now: The present; with it, reminders for given, skipped and overdue
            doses are left out.

    Raises:
        AlarmError: An alarm is negative or longer than 28 days.
        NaiveDatetimeError: ``until`` or ``now`` is naive.
    """
    offsets = _alarms(alarms)
    zone = course.zone
    found = [
        Reminder(
            uid=_dose_uid(course, dose),
            due=dose.due,
            at=(utc(dose.due) - before).astimezone(zone),
            before=before,
        )
        for dose in course.plan(until=until, now=now)
        if _reminded(dose)
        for before in offsets
    ]
    return tuple(sorted(found, key=lambda r: (utc(r.at), r.uid)))


# -- text ----------------------------------------------------------------


def _clean(text: object) -> str:
    r"""Return user text fit for a TEXT value: no control characters, LF breaks.

    A literal ``\\N`` is a line break, as icalendar writes it (RFC 5545's escape).
    """
    return _CONTROL.sub("", _LINE_BREAK.sub("\n", str(text).replace("\\N", "\n")))


_ESCAPED = re.compile(r"\\([\\;,nN])")


def _unescape(text: str) -> str:
    """Undo TEXT escaping of an X- property, which icalendar leaves escaped."""
    return _ESCAPED.sub(lambda m: "\n" if m[1] in "nN" else m[1], text)


def _dose_uid(course: Course, dose: PlannedDose) -> str:
    return f"{_clean(course.id)}-p{dose.phase}-d{dose.number_in_phase}@b12course"


def _count_of(course: Course, dose: PlannedDose) -> str:
    end = course.regimen.phases[dose.phase].end
    if isinstance(end, Count):
        return f"dose {dose.number_in_phase} of {end.n}"
    return f"dose {dose.number_in_phase}"


def _suggested_site(course: Course) -> str:
    return _clean(course.suggest_site().value)


def _format_instant(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    shown = value.astimezone(zone)
    return f"{shown:%a %d %b %Y %H:%M} {shown.tzname()}"


def _summary(dose: PlannedDose, count: str) -> str:
    what = f"B12 {dose.dose} ({count})"
    prefix = {
        DoseStatus.GIVEN: "Given: ",
        DoseStatus.SKIPPED: "Skipped: ",
        DoseStatus.OVERDUE: "OVERDUE: ",
        DoseStatus.DUE: "Due now: ",
    }.get(dose.status, "")
    suffix = " (provisional)" if dose.provisional and dose.pending else ""
    return f"{prefix}{what}{suffix}"


def _description(
    course: Course, dose: PlannedDose, count: str, site: str | None
) -> str:
    zone = course.zone
    drug = dose.dose.drug.value
    route = dose.dose.route
    what = f"{drug.capitalize()} {dose.dose.amount}, {route.value}"
    lines = [
        f"{what} ({route.abbreviation}).",
        f"Phase: {_clean(dose.phase_name)}, {count}.",
    ]
    if dose.given is not None:
        given = dose.given
        lines.append(f"Done: given {_format_instant(given.at, zone)}.")
        if str(given.dose) != str(dose.dose):
            lines.append(f"Given as {given.dose}.")
        lines.extend(
            f"{label}: {_clean(value)}"
            for label, value in (
                ("Site", given.site),
                ("Lot", given.lot),
                ("Note", given.note),
            )
            if value
        )
    elif dose.skip is not None:
        reason = f": {_clean(dose.skip.reason)}" if dose.skip.reason else ""
        lines.append(f"Skipped{reason}.")
    else:
        if dose.status is DoseStatus.OVERDUE:
            lines.append(
                f"Overdue: it was due {_format_instant(dose.due, zone)}. "
                "Record it once given."
            )
        if site is not None:
            lines.append(f"Suggested site: {site}.")
        if dose.provisional:
            lines.append(
                "Provisional: the phase before it ends when a clinician decides."
            )
    lines.append(f"Regimen: {_clean(course.regimen.name)}.")
    lines.append(_DISCLAIMER)
    return "\n".join(lines)


# -- the time zone -------------------------------------------------------

_Key = tuple[dt.timedelta, bool, str]


def _key(instant: dt.datetime, zone: zoneinfo.ZoneInfo) -> _Key:
    here = instant.astimezone(zone)
    offset, dst = here.utcoffset(), here.dst()
    assert offset is not None  # noqa: S101 - a ZoneInfo always has an offset
    return offset, bool(dst), here.tzname() or str(offset)


@attrs.frozen
class _Transition:
    at: dt.datetime  # UTC
    before: _Key
    after: _Key

    @property
    def wall(self) -> dt.datetime:
        """The naive local time of the change, read with the old offset (RFC 5545)."""
        return (self.at + self.before[0]).replace(tzinfo=None)


@functools.lru_cache(maxsize=64)
def _transitions(
    zone: zoneinfo.ZoneInfo, start: dt.datetime, end: dt.datetime
) -> tuple[_Transition, ...]:
    """Return every offset or name change of ``zone`` in ``[start, end)``, by search."""
    # A day: no zone changes its offset twice within one day (and back).
    step = dt.timedelta(days=1)
    found: list[_Transition] = []
    at, key = start, _key(start, zone)
    while at < end:
        ahead = at + step
        new = _key(ahead, zone)
        if new != key:
            low, high = at, ahead
            while high - low > dt.timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if _key(middle, zone) == key:
                    low = middle
                else:
                    high = middle
            new = _key(high, zone)
            found.append(_Transition(high, key, new))
            ahead, key = high, new
        at = ahead
    return tuple(found)


# month, weekday, form, value, time, from, to: form 0 is the value-th weekday
# of the month, 1 the last, 2 the weekday on or after day `value` (POSIX rules
# with times past 24:00 or below 00:00 come out in that last form).
_Rule = tuple[int, int, int, int, dt.time, _Key, _Key]
_NTH, _LAST, _ON_OR_AFTER = 0, 1, 2
_SHORTEST_MONTH = 28
_FEBRUARY = 2
_RULE_YEARS = 12
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _rules_of(change: _Transition) -> set[_Rule]:
    """Return every yearly rule this change is an instance of."""
    wall = change.wall
    days = _calendar.monthrange(wall.year, wall.month)[1]
    base = (wall.month, wall.weekday())
    tail = (wall.time(), change.before, change.after)
    rules: set[_Rule] = set()
    if wall.day <= _SHORTEST_MONTH:
        rules.add((*base, _NTH, (wall.day - 1) // 7 + 1, *tail))
    if wall.day + 7 > days:
        rules.add((*base, _LAST, -1, *tail))
    # February is the one month whose length varies.
    longest_window_end = _SHORTEST_MONTH if wall.month == _FEBRUARY else days
    for start in range(max(1, wall.day - 6), wall.day + 1):
        if start + 6 <= longest_window_end:
            rules.add((*base, _ON_OR_AFTER, start, *tail))
    return rules


def _rrule(rule: _Rule) -> dict[str, object]:
    month, weekday, form, value = rule[:4]
    if form == _ON_OR_AFTER:
        return {
            "freq": "yearly",
            "bymonth": month,
            "byday": _WEEKDAYS[weekday],
            "bymonthday": list(range(value, value + 7)),
        }
    return {"freq": "yearly", "bymonth": month, "byday": f"{value}{_WEEKDAYS[weekday]}"}


def _yearly_rules(
    changes: Sequence[_Transition],
) -> tuple[int, list[set[_Rule]]] | None:
    """Find the yearly rule the zone's latest changes follow.

    Returns the index of the first change governed by the rule and, for each
    of the (two) changes a year, the rules consistent with every year since.
    """
    by_year: dict[int, list[_Transition]] = {}
    for change in changes:
        by_year.setdefault(change.wall.year, []).append(change)
    years = sorted(by_year)
    if not years or len(by_year[years[-1]]) != 2:  # noqa: PLR2004 - on and off
        return None
    rules = [_rules_of(c) for c in by_year[years[-1]]]
    first_year = years[-1]
    for year in reversed(years[:-1]):
        if year != first_year - 1 or len(by_year[year]) != 2:  # noqa: PLR2004
            break
        narrowed = [r & _rules_of(c) for r, c in zip(rules, by_year[year], strict=True)]
        if not all(narrowed):
            break
        rules, first_year = narrowed, year
    if first_year > years[-1] - _RULE_YEARS:
        return None
    index = next(i for i, c in enumerate(changes) if c.wall.year >= first_year)
    return index, rules


def _observance(
    key: _Key, before: dt.timedelta, start: dt.datetime
) -> icalendar.Component:
    component: icalendar.Component = (
        icalendar.TimezoneDaylight() if key[1] else icalendar.TimezoneStandard()
    )
    component.add("dtstart", start)
    component.add("tzoffsetfrom", before)
    component.add("tzoffsetto", key[0])
    component.add("tzname", key[2])
    return component


def _vtimezone(
    zone: zoneinfo.ZoneInfo, first: dt.date, last: dt.date
) -> icalendar.Timezone:
    """Return a VTIMEZONE for ``zone`` that is right from ``first`` through ``last``.

    The zone's changes are found by searching Python's own zone data, so the
    calendar and the plan agree.  Changes that follow a yearly rule up to two
    years past ``last`` are written as yearly ``RRULE`` observances without an
    end, so the VTIMEZONE stays right for later events too (icalendar's own
    generator stops at 2038 by default and lists every change one by one).
    """
    # Two days' margin: the local New Year is up to 26 hours from the UTC one.
    start = dt.datetime(first.year, 1, 1, tzinfo=UTC) - dt.timedelta(days=2)
    # Search well past the last event: a rule is trusted only once it has held
    # for _RULE_YEARS years, long enough for every weekday-of-month pattern.
    end = dt.datetime(last.year + _RULE_YEARS + 1, 1, 1, tzinfo=UTC)
    changes = _transitions(zone, start, end)
    found = _yearly_rules(changes)
    listed = changes if found is None else changes[: found[0]]
    tz = icalendar.Timezone()
    tz.add("tzid", zone.key)
    initial = _key(start, zone)
    tz.add_component(
        _observance(initial, initial[0], (start + initial[0]).replace(tzinfo=None))
    )
    groups: dict[tuple[_Key, _Key], list[dt.datetime]] = {}
    for change in listed:
        groups.setdefault((change.before, change.after), []).append(change.wall)
    for (before, after), walls in groups.items():
        component = _observance(after, before[0], walls[0])
        if len(walls) > 1:
            component.add("rdate", walls[1:])
        tz.add_component(component)
    if found is not None:
        index, rules = found
        for change, options in zip(changes[index : index + 2], rules, strict=True):
            rule = min(options)
            before, after = rule[5], rule[6]
            component = _observance(after, before[0], change.wall)
            component.add("rrule", _rrule(rule))
            tz.add_component(component)
    return tz


# -- events --------------------------------------------------------------


def _local_or_utc(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Return ``value`` in local time if a TZID local time names it, else in UTC."""
    shown = value.astimezone(zone)
    if utc(resolve(local(shown, zone), zone)) == utc(value):
        return shown.replace(fold=0)
    return utc(value)


def _digest(event: icalendar.Component) -> str:
    """Return a fingerprint of an event (taken before DTSTAMP and SEQUENCE are set)."""
    digest = hashlib.sha256()
    for name, value in event.property_items():
        encoded = value.to_ical() if hasattr(value, "to_ical") else value
        params = getattr(value, "params", None)
        digest.update(f"{name};{sorted(params.items()) if params else ''}:".encode())
        digest.update(encoded if isinstance(encoded, bytes) else str(encoded).encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


def _dose_event(
    course: Course,
    dose: PlannedDose,
    alarms: tuple[dt.timedelta, ...],
    site: str | None,
) -> icalendar.Component:
    zone = course.zone
    count = _count_of(course, dose)
    event = icalendar.Event()
    event.add("uid", _dose_uid(course, dose))
    event.add("dtstart", _local_or_utc(dose.when, zone))
    event.add("duration", _DOSE_LENGTH)
    event.add("summary", _summary(dose, count))
    event.add("description", _description(course, dose, count, site))
    event.add("categories", ["B12 dose"])
    cancelled = dose.status is DoseStatus.SKIPPED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE" if dose.pending else "TRANSPARENT")
    event.add(_X_KIND, _DOSE_KIND)
    event.add(_X_STATUS, dose.status.value)
    event.add(_X_DOSE, icalendar.vText(str(dose.dose)))
    event.add(_X_DUE, f"{utc(dose.due):%Y%m%dT%H%M%SZ}")
    if _reminded(dose):
        for before in alarms:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"B12 {dose.dose} ({count})")
            alarm.add("trigger", -before)
            event.add_component(alarm)
    return event


def _all_day(
    uid: str, first: dt.date, last: dt.date, summary: str, description: str
) -> icalendar.Component:
    """An informational all-day event over ``[first, last]`` (DTEND is exclusive)."""
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstart", first)
    event.add("dtend", last + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", f"{description}\n{_DISCLAIMER}")
    event.add("transp", "TRANSPARENT")
    event.add("status", "CONFIRMED")
    event.add("categories", ["B12 course"])
    return event


def _local_day_span(
    start: dt.datetime, end: dt.datetime, zone: zoneinfo.ZoneInfo
) -> tuple[dt.date, dt.date]:
    """Return the first and last local dates the half-open ``[start, end)`` touches."""
    first = start.astimezone(zone).date()
    closing = end.astimezone(zone)
    last = closing.date()
    if closing.time() == dt.time() and last > first:
        last -= dt.timedelta(days=1)
    return first, max(first, last)


def _flare_events(course: Course, until: dt.datetime) -> list[icalendar.Component]:
    window = course.flare_window()
    if window is None or utc(window.start) >= utc(until):
        return []
    first, last = _local_day_span(window.start, window.end, course.zone)
    return [
        _all_day(
            f"{_clean(course.id)}-flare@b12course",
            first,
            last,
            "B12: possible temporary flare of symptoms",
            "After B12 treatment starts, myoclonus and other involuntary "
            "movements can worsen for a while before they improve. This window "
            "shows when that is expected. Worsening outside it, or anything "
            "that worries you, is a reason to contact your clinician.",
        )
    ]


def _review_events(course: Course, until: dt.datetime) -> list[icalendar.Component]:
    events = []
    for review in course.reviews(until=until):
        kind = review.kind.name.lower()
        where = "" if review.phase is None else f"-p{review.phase}"
        day = review.at.astimezone(course.zone).date()
        what = (
            f"review of the {_clean(course.regimen.phases[review.phase].name)} phase"
            if review.phase is not None
            else "treatment review"
        )
        events.append(
            _all_day(
                f"{_clean(course.id)}-review-{kind.replace('_', '-')}{where}@b12course",
                day,
                day,
                f"B12: {what}",
                f"A {what} is due ({_clean(review.source)}).",
            )
        )
    return events


def _phase_events(course: Course, until: dt.datetime) -> list[icalendar.Component]:
    events = []
    for span in course.expand(until=until).phases:
        if span.index == 0:
            continue
        day = span.first.astimezone(course.zone).date()
        events.append(
            _all_day(
                f"{_clean(course.id)}-p{span.index}-start@b12course",
                day,
                day,
                f"B12: {_clean(span.phase.name)} phase begins",
                f"From today: {_clean(str(span.phase))}.",
            )
        )
    return events


# -- previous exports ----------------------------------------------------


@attrs.frozen
class _Previous:
    event: icalendar.Component
    sequence: int
    digest: str
    start: dt.date | dt.datetime


def _parse(data: object) -> icalendar.Calendar:
    """Return the calendar in ``data`` if b12course wrote it."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if not isinstance(data, (bytes, bytearray)):
        raise CalendarFormatError(
            f"iCalendar data is bytes or str, not {type(data).__name__}"
        )
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


def _start_of(event: icalendar.Component) -> dt.date | dt.datetime:
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


def _previous(data: object, course: Course) -> dict[str, _Previous]:
    calendar = _parse(data)
    owner = _unescape(str(calendar.get(_X_COURSE, "")))
    if owner != _clean(course.id):
        raise CalendarFormatError(
            f"the previous export is of course {owner!r}, not {course.id!r}"
        )
    try:
        found = {}
        for event in calendar.walk("VEVENT"):
            uid = str(event["UID"])
            found[uid] = _Previous(
                event=event,
                sequence=int(event.get("SEQUENCE", 0)),
                digest=str(event.get(_X_DIGEST, "")),
                start=_start_of(event),
            )
    except CalendarFormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - any defect of the old file
        raise CalendarFormatError(f"the previous export is malformed: {exc}") from None
    return found


def _instant(value: dt.date | dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return utc(value)
    return utc(resolve(dt.datetime.combine(value, dt.time()), zone))


_KEEP_WHEN_CANCELLED = (
    "UID",
    "RRULE",
    "DTSTART",
    "DTEND",
    "DURATION",
    "SUMMARY",
    "DESCRIPTION",
    "CATEGORIES",
    _X_KIND,
    _X_STATUS,
    _X_DOSE,
    _X_DUE,
    _X_PHASE,
    _X_FIRST,
)


def _cancelled(old: _Previous) -> icalendar.Component:
    """Return the event that tells a client to remove a dropped event."""
    event = icalendar.Event()
    for name in _KEEP_WHEN_CANCELLED:
        if name in old.event:
            event[name] = old.event[name]
    summary = str(old.event.get("SUMMARY", ""))
    if not summary.startswith("Cancelled: "):
        event["SUMMARY"] = icalendar.vText(f"Cancelled: {summary}")
    event.add("status", "CANCELLED")
    event.add("transp", "TRANSPARENT")
    return event


# -- the calendar --------------------------------------------------------


def to_ical(
    course: Course,
    *,
    until: dt.datetime,
    now: dt.datetime | None = None,
    alarms: Iterable[dt.timedelta] = DEFAULT_ALARMS,
    dtstamp: dt.datetime | None = None,
    previous: bytes | str | None = None,
    include_flare: bool = True,
    include_reviews: bool = True,
    include_phase_changes: bool = False,
    name: str | None = None,
    compact: bool = False,
) -> bytes:
    """Return the course's dosing calendar as RFC 5545 bytes (CRLF, folded lines).

    Args:
        course: The course.
        until: The exclusive horizon (aware): doses before it are exported.
            Lifelong maintenance needs one; a year or two ahead is typical.
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
        include_flare: Add the expected flare window as an all-day event.
        include_reviews: Add review points as all-day events.
        include_phase_changes: Add an all-day event where each later phase begins.
        name: The calendar's name; ``"B12: <regimen name>"`` by default.
        compact: Write each run of three or more scheduled doses of a phase as
            one recurring event (RRULE with UNTIL in UTC), where expanding the
            rule with dateutil gives exactly the planned instants and no
            occurrence falls in a skipped or repeated local hour; any other
            dose stays one event.  Clients agree on one event per dose (the
            default) more widely than on recurring series.

    Returns:
        The calendar, UTF-8 encoded.

    Raises:
        NaiveDatetimeError: ``until``, ``now`` or ``dtstamp`` is naive.
        AlarmError: An alarm is negative or longer than 28 days.
        CalendarFormatError: ``previous`` is malformed or of another course.
    """
    until = require_aware("until", until)
    if now is not None:
        now = require_aware("now", now)
    offsets = _alarms(alarms)
    stamp = _stamp(dtstamp, now)
    zone = course.zone
    old = _previous(previous, course) if previous is not None else {}
    events = _dose_events(
        course, until=until, now=now, alarms=offsets, old=old, compact=compact
    )
    if include_flare:
        events.extend(_flare_events(course, until))
    if include_reviews:
        events.extend(_review_events(course, until))
    if include_phase_changes:
        events.extend(_phase_events(course, until))
    present = {str(e["UID"]) for e in events}
    events.extend(_cancelled(p) for uid, p in old.items() if uid not in present)
    timed = sorted(
        ((_start_of(e), e) for e in events),
        key=lambda pair: (_instant(pair[0], zone), str(pair[1]["UID"])),
    )
    calendar = icalendar.Calendar()
    title = " ".join(
        _clean(name if name is not None else f"B12: {course.regimen.name}").split()
    )
    calendar.add("prodid", PRODID.format(version=__version__))
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # X- properties are not escaped by icalendar unless given as vText.
    calendar.add("name", icalendar.vText(title))
    calendar.add("x-wr-calname", icalendar.vText(title))
    calendar.add("x-wr-timezone", zone.key)
    calendar.add("refresh-interval", _REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "P1D")
    calendar.add(_X_COURSE, icalendar.vText(_clean(course.id)))
    days = [_day_of(start, zone) for start, _event in timed]
    first_day = min(days, default=course.first_dose.astimezone(zone).date())
    calendar.add_component(_vtimezone(zone, first_day, max(days, default=first_day)))
    for _start, event in timed:
        _stamp_event(event, stamp, old.get(str(event["UID"])))
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


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


def _stamp_event(
    event: icalendar.Component, stamp: dt.datetime, before: _Previous | None
) -> None:
    """Add DTSTAMP and SEQUENCE, one higher than before if what people see changed."""
    digest = _digest(event)
    sequence = 0
    if before is not None:
        sequence = before.sequence + (before.digest != digest)
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add(_X_DIGEST, digest)


def _dose_events(
    course: Course,
    *,
    until: dt.datetime,
    now: dt.datetime | None,
    alarms: tuple[dt.timedelta, ...],
    old: dict[str, _Previous],
    compact: bool = False,
) -> list[icalendar.Component]:
    """Return an event per dose before ``until``, and per dose exported before.

    With ``compact``, runs of scheduled doses that one RRULE reproduces exactly
    become one recurring event instead.
    """
    zone = course.zone
    horizon = until
    if old:
        latest = max(_instant(p.start, zone) for p in old.values())
        horizon = max(utc(until), latest + _MOVE_MARGIN)
    plan = course.expand(until=horizon, now=now)
    site = _suggested_site(course)
    events: list[icalendar.Component] = []
    run: list[PlannedDose] = []
    seen_pending = False
    for dose in plan.doses:
        # The suggestion is for the next injection; later ones rotate on from it.
        hint = (
            site
            if dose.pending and not seen_pending and dose.dose.route in _INJECTED
            else None
        )
        seen_pending = seen_pending or dose.pending
        uid = _dose_uid(course, dose)
        if utc(dose.when) >= utc(until) and uid not in old:
            continue
        if compact and hint is None and _joins(run, dose, old, course):
            run.append(dose)
            continue
        events.extend(_run_events(course, run, alarms))
        run = []
        if compact and hint is None and _joins(run, dose, old, course):
            run.append(dose)
        else:
            events.append(_dose_event(course, dose, alarms, hint))
    events.extend(_run_events(course, run, alarms))
    return events


# -- compact series --------------------------------------------------------

_MIN_SERIES = 3


def _joins(
    run: Sequence[PlannedDose],
    dose: PlannedDose,
    old: dict[str, _Previous],
    course: Course,
) -> bool:
    """Whether ``dose`` may extend ``run`` into one recurring series."""
    if dose.status is not DoseStatus.SCHEDULED or _dose_uid(course, dose) in old:
        return False
    if not run:
        return True
    last = run[-1]
    return (
        dose.phase == last.phase
        and dose.provisional == last.provisional
        and dose.number_in_phase == last.number_in_phase + 1
    )


def _recurrence(course: Course, run: Sequence[PlannedDose]) -> dict[str, object]:
    """Return the RRULE that reproduces ``run`` exactly, or an empty dict."""
    zone = course.zone
    cadence = course.regimen.phases[run[0].phase].cadence
    freq = {"days": "daily", "weeks": "weekly", "months": "monthly"}.get(
        cadence.unit.value, "weekly"
    )
    rule: dict[str, object] = {"freq": freq, "interval": cadence.every}
    if cadence.weekdays:
        rule["byday"] = [_WEEKDAYS[d] for d in cadence.weekdays]
    last = utc(run[-1].due)
    rule["until"] = last
    start = local(run[0].due, zone)
    walls = rrule.rrule(
        rrule.DAILY
        if freq == "daily"
        else rrule.WEEKLY
        if freq == "weekly"
        else rrule.MONTHLY,
        dtstart=start,
        interval=cadence.every,
        byweekday=[rrule.weekdays[d] for d in cadence.weekdays] or None,
        count=len(run) + 1,
    )
    expected = [utc(d.due) for d in run]
    found = []
    for wall in walls:
        instant = resolve(wall, zone)
        # Clients disagree on times in a gap or a repeated hour: no series there.
        if _shifting(wall, zone):
            return {}
        if utc(instant) > last:
            break
        found.append(utc(instant))
    return rule if found == expected else {}


def _shifting(wall: dt.datetime, zone: zoneinfo.ZoneInfo) -> bool:
    """Whether a local time is skipped or repeated by a daylight-saving change."""
    return (
        wall.replace(tzinfo=zone, fold=0).utcoffset()
        != wall.replace(tzinfo=zone, fold=1).utcoffset()
    )


def _series_uid(course: Course, first: PlannedDose) -> str:
    return (
        f"{_clean(course.id)}-p{first.phase}-d{first.number_in_phase}-series@b12course"
    )


def _run_events(
    course: Course, run: Sequence[PlannedDose], alarms: tuple[dt.timedelta, ...]
) -> list[icalendar.Component]:
    """Return one recurring event for ``run`` if a rule fits it, else one per dose."""
    rule = _recurrence(course, run) if len(run) >= _MIN_SERIES else {}
    if not rule:
        return [_dose_event(course, dose, alarms, None) for dose in run]
    first, last = run[0], run[-1]
    end = course.regimen.phases[first.phase].end
    total = f" of {end.n}" if isinstance(end, Count) else ""
    span = f"doses {first.number_in_phase}-{last.number_in_phase}{total}"
    event = icalendar.Event()
    event.add("uid", _series_uid(course, first))
    event.add("dtstart", first.due.astimezone(course.zone))
    event.add("duration", _DOSE_LENGTH)
    event.add("rrule", rule)
    event.add("summary", _summary(first, span))
    event.add("description", _description(course, first, span, None))
    event.add("categories", ["B12 dose"])
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add(_X_KIND, _SERIES_KIND)
    event.add(_X_STATUS, DoseStatus.SCHEDULED.value)
    event.add(_X_DOSE, icalendar.vText(str(first.dose)))
    event.add(_X_PHASE, str(first.phase))
    event.add(_X_FIRST, str(first.number_in_phase))
    for before in alarms:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"B12 {first.dose}")
        alarm.add("trigger", -before)
        event.add_component(alarm)
    return [event]


# -- read-back -----------------------------------------------------------

_AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:mg|mcg)\b")


def _read_dose(
    event: icalendar.Component, due: dt.datetime | None = None
) -> CalendarDose:
    start = _start_of(event)
    if not isinstance(start, dt.datetime):
        raise CalendarFormatError(f"dose event {event.get('UID')} is all-day")
    dose = _unescape(str(event[_X_DOSE]))
    amount = _AMOUNT.search(dose)
    if amount is None:
        raise CalendarFormatError(f"dose event {event.get('UID')} names no amount")
    if due is None:
        due = icalendar.vDatetime.from_ical(str(event[_X_DUE]))  # type: ignore[no-untyped-call]
    if not isinstance(due, dt.datetime) or due.tzinfo is None:
        raise CalendarFormatError(f"dose event {event.get('UID')} has no due instant")
    return CalendarDose(
        uid=str(event["UID"]),
        when=start,
        due=utc(due),
        dose=dose,
        amount=Amount.parse(amount.group()),
        status=DoseStatus(str(event[_X_STATUS])),
        cancelled=str(event.get("STATUS", "")).upper() == "CANCELLED",
        sequence=int(event.get("SEQUENCE", 0)),
    )


_MAX_OCCURRENCES = 100_000


def _read_series(event: icalendar.Component) -> list[CalendarDose]:
    """Expand a compact series into its doses, named as one event per dose would be."""
    start = _start_of(event)
    tzid = event["DTSTART"].params.get("TZID")
    if not isinstance(start, dt.datetime):
        raise CalendarFormatError(f"series {event.get('UID')} is all-day")
    # Expand in the IANA zone itself, as the plan was, even where icalendar
    # fell back on the VTIMEZONE (e.g. for "posix/UTC"); a UTC course has Z times.
    zone = get_zone(str(tzid) if tzid is not None else "UTC")
    start = start.astimezone(zone)
    uid = str(event["UID"])
    phase, first = int(str(event[_X_PHASE])), int(str(event[_X_FIRST]))
    suffix = f"-p{phase}-d{first}-series@b12course"
    if not uid.endswith(suffix):
        raise CalendarFormatError(f"series {uid} does not name its first dose")
    prefix = uid[: -len(suffix)]
    text = event["RRULE"].to_ical()
    rule = rrule.rrulestr(
        text.decode() if isinstance(text, bytes) else str(text), dtstart=start
    )
    template = _read_dose(event, due=start)
    doses = []
    for offset, occurrence in enumerate(itertools.islice(rule, _MAX_OCCURRENCES)):
        when = resolve(occurrence.replace(tzinfo=None), zone)
        doses.append(
            attrs.evolve(
                template,
                uid=f"{prefix}-p{phase}-d{first + offset}@b12course",
                when=when,
                due=utc(when),
            )
        )
    return doses


def read_ical(data: bytes | str) -> tuple[CalendarDose, ...]:
    """Return the dosing events of a calendar written by :func:`to_ical`, in time order.

    Informational events (flare window, reviews, phase changes) are left out.

    Raises:
        CalendarFormatError: ``data`` is not iCalendar, was not written by
            b12course, or a dosing event in it is malformed.  No other
            exception escapes, whatever the input.
    """
    try:
        calendar = _parse(data)
        doses = []
        for event in calendar.walk("VEVENT"):
            kind = str(event.get(_X_KIND, ""))
            if kind == _DOSE_KIND:
                doses.append(_read_dose(event))
            elif kind == _SERIES_KIND:
                doses.extend(_read_series(event))
    except CalendarFormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - any defect of foreign input
        raise CalendarFormatError(f"malformed b12course calendar: {exc!r}") from None
    return tuple(sorted(doses, key=lambda d: (utc(d.when), d.uid)))
