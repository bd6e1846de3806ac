"""Read-back: the doses of a calendar b12course wrote, without the course.

:func:`read_ical` reads every planned-dose event (and expands every compact
series) of a b12course calendar into :class:`CalendarDose` values; the
informational events (reviews, the flare window, phase changes) are left out.

Whatever the input, only :class:`~b12course.exceptions.CalendarFormatError`
escapes, and the work is bounded per *file*: at most
:data:`MAX_OCCURRENCES` doses in all, and series rules only of the form
b12course writes (``FREQ`` daily, weekly or monthly, an ``UNTIL`` in UTC, an
``INTERVAL`` and plain weekdays), whose periods are counted for every series
of the file before any is expanded, at most :data:`MAX_PERIODS` in all.  A
file over either allowance, or a series that yields no dose, is refused.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import attrs
import icalendar
from dateutil import rrule

from b12course import DoseStatus
from b12course._time import get_zone, resolve, utc
from b12course._timeline import EventKind
from b12course._units import Amount
from b12course.exceptions import CalendarFormatError
from b12course.ical._format import (
    LEGACY_DOSE,
    LEGACY_SERIES,
    X_DOSE,
    X_DUE,
    X_FIRST,
    X_KIND,
    X_PHASE,
    X_STATUS,
    parse,
    start_of,
)
from b12course.ical._text import unescape
from b12course.ical._uids import dose_place, dose_uid
from b12course.ical._vtimezone import WEEKDAYS

__all__ = ["MAX_OCCURRENCES", "MAX_PERIODS", "CalendarDose", "read_ical"]

MAX_OCCURRENCES = 50_000
"""The most doses one calendar may hold (events and series occurrences).

A century of daily doses fits; a series is charged the most doses it could
yield (its periods times its weekdays) before it is expanded.
"""
MAX_PERIODS = 100_000
"""The most rule periods (days, weeks, months) the series of one file may span."""

_AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:mg|mcg)\b")
_DAYS_PER = {"DAILY": 1, "WEEKLY": 7}
_DAYS_PER_MONTH = 28
_RULE_PART = re.compile(r"\A(?:FREQ|INTERVAL|BYDAY|UNTIL)\Z")


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


@attrs.define
class _Budget:
    """What is left of one file's allowance of doses and rule periods."""

    occurrences: int = MAX_OCCURRENCES
    periods: int = MAX_PERIODS

    def take(self, occurrences: int = 0, periods: int = 0) -> None:
        """Use up part of the allowance, refusing the file once it runs out."""
        self.occurrences -= occurrences
        self.periods -= periods
        if self.occurrences < 0:
            raise CalendarFormatError(
                f"the calendar holds more than {MAX_OCCURRENCES:,} doses"
            )
        if self.periods < 0:
            raise CalendarFormatError(
                f"the calendar's series span more than {MAX_PERIODS:,} periods"
            )


@attrs.frozen
class _Series:
    """A compact series, checked but not yet expanded."""

    event: icalendar.Component
    rule: str
    start: dt.datetime
    zone: zoneinfo.ZoneInfo
    course_id: str
    phase: int
    first: int


def _read_dose(
    event: icalendar.Component, due: dt.datetime | None = None
) -> CalendarDose:
    start = start_of(event)
    if not isinstance(start, dt.datetime):
        raise CalendarFormatError(f"dose event {event.get('UID')} is all-day")
    dose = unescape(str(event[X_DOSE]))
    amount = _AMOUNT.search(dose)
    if amount is None:
        raise CalendarFormatError(f"dose event {event.get('UID')} names no amount")
    if due is None:
        due = icalendar.vDatetime.from_ical(str(event[X_DUE]))  # type: ignore[no-untyped-call]
    if not isinstance(due, dt.datetime) or due.tzinfo is None:
        raise CalendarFormatError(f"dose event {event.get('UID')} has no due instant")
    return CalendarDose(
        uid=str(event["UID"]),
        when=start,
        due=utc(due),
        dose=dose,
        amount=Amount.parse(amount.group()),
        status=DoseStatus(str(event[X_STATUS])),
        cancelled=str(event.get("STATUS", "")).upper() == "CANCELLED",
        sequence=int(event.get("SEQUENCE", 0)),
    )


def _rule_parts(text: str, uid: str) -> dict[str, str]:
    """Return the parts of a series rule, refusing any b12course never writes."""
    parts: dict[str, str] = {}
    for part in text.upper().split(";"):
        name, _, value = part.partition("=")
        if not _RULE_PART.match(name) or name in parts:
            raise CalendarFormatError(f"series {uid} has a rule part {part!r}")
        parts[name] = value
    if parts.get("FREQ") not in {"DAILY", "WEEKLY", "MONTHLY"} or "UNTIL" not in parts:
        raise CalendarFormatError(
            f"series {uid} has the rule {text!r}: b12course writes a daily, "
            "weekly or monthly rule with an UNTIL"
        )
    days = parts.get("BYDAY", "")
    if days and not set(days.split(",")) <= set(WEEKDAYS):
        raise CalendarFormatError(f"series {uid} has the weekdays {days!r}")
    interval = parts.get("INTERVAL", "1")
    if not (interval.isascii() and interval.isdigit()) or not 0 < len(interval) < 5:  # noqa: PLR2004
        raise CalendarFormatError(f"series {uid} has the interval {interval!r}")
    return parts


def _periods(parts: dict[str, str], start: dt.datetime, until: dt.datetime) -> int:
    """Count the rule's periods from ``start`` to ``until``: the work to expand it."""
    days = max(0, (until - utc(start)).days + 1)
    per = _DAYS_PER.get(parts["FREQ"], _DAYS_PER_MONTH) * int(
        parts.get("INTERVAL", "1")
    )
    return days // per + 1


def _series(event: icalendar.Component, budget: _Budget) -> _Series:
    """Check a compact series and charge its cost, before anything is expanded.

    Its periods (days, weeks or months from DTSTART to UNTIL) bound the work
    of expanding it, and periods times weekdays bound its doses.
    """
    start = start_of(event)
    uid = str(event["UID"])
    if not isinstance(start, dt.datetime):
        raise CalendarFormatError(f"series {uid} is all-day")
    tzid = event["DTSTART"].params.get("TZID")
    # Expand in the IANA zone itself, as the plan was, even where icalendar
    # fell back on the VTIMEZONE (e.g. for "posix/UTC"); a UTC course has Z times.
    zone = get_zone(str(tzid) if tzid is not None else "UTC")
    phase, first = int(str(event[X_PHASE])), int(str(event[X_FIRST]))
    place = dose_place(uid)
    if place is None or place[1:] != (phase, first, True):
        raise CalendarFormatError(f"series {uid} does not name its first dose")
    raw = event["RRULE"].to_ical()
    rule = raw.decode() if isinstance(raw, bytes) else str(raw)
    parts = _rule_parts(rule, uid)
    try:
        until = dt.datetime.strptime(parts["UNTIL"] + "+0000", "%Y%m%dT%H%M%SZ%z")
    except ValueError:
        raise CalendarFormatError(f"series {uid} has an UNTIL not in UTC") from None
    periods = _periods(parts, start, until)
    weekdays = len(parts["BYDAY"].split(",")) if parts.get("BYDAY") else 1
    budget.take(occurrences=periods * weekdays, periods=periods)
    return _Series(event, rule, start.astimezone(zone), zone, place[0], phase, first)


def _expand(series: _Series) -> list[CalendarDose]:
    """Expand a checked series into its doses, named as one event per dose would be."""
    zone = series.zone
    template = _read_dose(series.event, due=series.start)
    doses = []
    for offset, occurrence in enumerate(
        rrule.rrulestr(series.rule, dtstart=series.start)
    ):
        when = resolve(occurrence.replace(tzinfo=None), zone)
        doses.append(
            attrs.evolve(
                template,
                uid=dose_uid(series.course_id, series.phase, series.first + offset),
                when=when,
                due=utc(when),
            )
        )
    if not doses:
        raise CalendarFormatError(f"series {series.event['UID']} yields no dose")
    return doses


def read_ical(data: bytes | str) -> tuple[CalendarDose, ...]:
    """Return the dosing events of a calendar written by :func:`to_ical`, in time order.

    Informational events (flare window, reviews, phase changes) are left out.

    Raises:
        CalendarFormatError: ``data`` is not iCalendar, was not written by
            b12course, a dosing event in it is malformed, or it holds more
            than the per-file allowance of doses or series periods.  No other
            exception escapes, whatever the input.
    """
    budget = _Budget()
    try:
        calendar = parse(data)
        doses = []
        series = []
        for event in calendar.walk("VEVENT"):
            kind = str(event.get(X_KIND, ""))
            is_dose = kind in {EventKind.PLANNED_DOSE.value, LEGACY_DOSE}
            if kind == LEGACY_SERIES or (is_dose and "RRULE" in event):
                series.append(_series(event, budget))
            elif is_dose:
                budget.take(occurrences=1)
                doses.append(_read_dose(event))
        # Every series was charged before any is expanded: the file's whole
        # cost is known, and refused, before the work is done.
        for checked in series:
            doses.extend(_expand(checked))
    except CalendarFormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - any defect of foreign input
        raise CalendarFormatError(f"malformed b12course calendar: {exc!r}") from None
    return tuple(sorted(doses, key=lambda d: (utc(d.when), d.uid)))
