"""The rules of time shared by every module.

- Every instant is an aware :class:`datetime.datetime`; naive ones are refused.
- A course's zone is an IANA :class:`zoneinfo.ZoneInfo`, never a fixed offset.
- Wall-clock times are resolved to instants the way RFC 5545 §3.3.5 says, so the
  library and every calendar client agree: a local time inside a spring-forward
  gap is read with the UTC offset from *before* the gap (02:30 becomes 03:30),
  and a repeated local time in the autumn is the *first* occurrence.  Python's
  ``fold=0`` has exactly these semantics (PEP 495).
- Intervals are half-open, ``[start, end)``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING

from b12course.exceptions import (
    NaiveDatetimeError,
    NotADatetimeError,
    OutOfBoundsError,
    SettingError,
    ZoneError,
)

if TYPE_CHECKING:
    import attrs

__all__ = [
    "EARLIEST",
    "LATEST",
    "UTC",
    "aware",
    "bounded_utc",
    "day_bounds",
    "get_zone",
    "local",
    "out_of_bounds",
    "require_aware",
    "require_bounded",
    "require_grace",
    "resolve",
    "utc",
    "zone_of",
]

UTC = dt.timezone.utc

#: The earliest instant a course record may hold (UTC).
EARLIEST = dt.datetime(1000, 1, 1, tzinfo=UTC)
#: The instant every course record must precede (UTC).  Far from the year
#: 9999 on purpose: plans run past the last record, by up to two cadences or
#: spans of 100 years, the longest the regimen model accepts.
LATEST = dt.datetime(9000, 1, 1, tzinfo=UTC)


def utc(value: dt.datetime) -> dt.datetime:
    """Return the same instant in UTC.

    Compare and subtract instants in UTC: Python compares and subtracts two
    datetimes that share a tzinfo by their wall-clock fields, which is wrong
    across daylight-saving changes.
    """
    return value.astimezone(UTC)


def require_aware(name: str, value: object) -> dt.datetime:
    """Return ``value`` if it is an aware datetime.

    Raises:
        NotADatetimeError: ``value`` is not a datetime (a ``date`` is not one).
        NaiveDatetimeError: ``value`` has no UTC offset.
    """
    if not isinstance(value, dt.datetime):
        raise NotADatetimeError(name, value)
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(name, value)
    return value


def aware(
    _instance: object, attribute: attrs.Attribute[dt.datetime], value: object
) -> None:
    """An attrs validator: :func:`require_aware` under the field's own name."""
    require_aware(attribute.name, value)


def require_bounded(name: str, value: object) -> dt.datetime:
    """Return ``value`` if it is an aware datetime in ``[EARLIEST, LATEST)``.

    Raises:
        NotADatetimeError, NaiveDatetimeError: As :func:`require_aware`.
        OutOfBoundsError: It lies outside the years courses plan in.
    """
    instant = require_aware(name, value)
    if bounded_utc(instant) is None:
        raise out_of_bounds(name, instant)
    return instant


def bounded_utc(value: dt.datetime) -> dt.datetime | None:
    """Return an aware datetime in UTC, or None when it is out of bounds.

    The cheap check for values already known to be aware (a record checks
    its own instants): one conversion and two comparisons between UTC values.
    """
    try:
        instant = value.astimezone(UTC)
    except OverflowError:  # its UTC offset takes it past year 1 or 9999
        return None
    return instant if EARLIEST <= instant < LATEST else None


def out_of_bounds(name: str, value: dt.datetime) -> OutOfBoundsError:
    """Return the error for an instant outside the years courses plan in."""
    return OutOfBoundsError(
        name,
        value,
        f"{value.isoformat()} is outside the years 1000 to 8999 that b12course "
        "plans in",
    )


def require_grace(value: object) -> dt.timedelta | None:
    """Return ``value`` if it is None or a ``timedelta`` of zero or more.

    ``grace`` is how long after its due time a dose stays due before it is
    overdue (None: until the end of its local day).

    Raises:
        SettingError: It is negative, or not a timedelta (``3600`` is not one).
    """
    if value is None:
        return None
    if not isinstance(value, dt.timedelta) or value < dt.timedelta(0):
        raise SettingError.grace(value)
    return value


def zone_of(name: str, value: object) -> zoneinfo.ZoneInfo:
    """Return the IANA zone of an aware datetime.

    Raises:
        NotADatetimeError, NaiveDatetimeError: As :func:`require_aware`.
        ZoneError: The tzinfo is not a ``zoneinfo.ZoneInfo`` with an IANA key
            (e.g. ``datetime.timezone.utc`` or a fixed offset), or is a
            leap-second ``right/`` zone.
    """
    aware = require_aware(name, value)
    tz = aware.tzinfo
    if not isinstance(tz, zoneinfo.ZoneInfo) or not tz.key:
        raise ZoneError(tz, f"{name} must carry a zoneinfo.ZoneInfo")
    return _civil(tz)


def _civil(zone: zoneinfo.ZoneInfo) -> zoneinfo.ZoneInfo:
    """Refuse the leap-second ("right/") zones some systems install.

    Their clocks differ from civil time by the leap seconds (changes fall at
    02:00:27), and calendar clients read them an hour off.
    """
    if zone.key.startswith("right/"):
        raise ZoneError(
            zone.key, "leap-second 'right/' zones are not civil time; drop 'right/'"
        )
    return zone


def get_zone(key: object) -> zoneinfo.ZoneInfo:
    """Return the IANA zone named ``key``.

    Raises:
        ZoneError: No such zone.
    """
    if isinstance(key, zoneinfo.ZoneInfo):
        return _civil(key)
    if not isinstance(key, str) or not key:
        raise ZoneError(key)
    try:
        zone = zoneinfo.ZoneInfo(key)
    # OSError: a key naming a directory of the tz database ("Europe").
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ZoneError(key, "unknown zone") from exc
    return _civil(zone)


def resolve(wall: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Return the instant of a naive local wall-clock time, as RFC 5545 §3.3.5 says.

    The result is normalised, so a time in a spring-forward gap shows the wall
    time a clock would actually read (02:30 in the gap reads 03:30).  It is
    ``wall.replace(tzinfo=zone, fold=0)`` where that and ``fold=1`` agree (the
    first of a repeated hour), else the UTC round trip of it; built from the
    fields, since ``datetime.replace`` is slow in CPython and plans resolve
    every slot.
    """
    y, mo, d = wall.year, wall.month, wall.day
    h, mi, s, us = wall.hour, wall.minute, wall.second, wall.microsecond
    aware = dt.datetime(y, mo, d, h, mi, s, us, zone)
    if aware.utcoffset() == zone.utcoffset(
        dt.datetime(y, mo, d, h, mi, s, us, fold=1)  # noqa: DTZ001 - a wall time
    ):
        return aware  # neither in a gap nor repeated: already normal
    return aware.astimezone(UTC).astimezone(zone)


def local(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Return the naive local wall-clock time of an instant in ``zone``."""
    return value.astimezone(zone).replace(tzinfo=None)


def day_bounds(
    day: dt.date, zone: zoneinfo.ZoneInfo
) -> tuple[dt.datetime, dt.datetime]:
    """Return the half-open span ``[start, end)`` of a local calendar day in ``zone``.

    The span is 23 or 25 hours long on daylight-saving days.  A midnight that
    does not exist (zones that change at 00:00) resolves as RFC 5545 says.

    Raises:
        OutOfBoundsError: the day is the first or last one Python's calendar
            holds, so its bounds cannot be written in every zone.
    """
    try:
        start = resolve(dt.datetime.combine(day, dt.time()), zone)
        end = resolve(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()), zone)
        utc(start), utc(end)
    except OverflowError:
        raise OutOfBoundsError(
            "day", day, f"{day.isoformat()} is too close to the end of the calendar"
        ) from None
    return start, end
