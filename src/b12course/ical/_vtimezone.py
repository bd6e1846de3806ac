"""VTIMEZONE synthesis: the course's IANA zone written so every reader agrees.

Calendars name local times by ``TZID``; a reader that does not know the IANA
zone (or knows an older version of it) builds the zone from the file's
``VTIMEZONE``.  :func:`vtimezone` writes one from Python's own zone data, so
the calendar and the plan agree: every offset or name change over the
exported range is found by search, and where the zone follows a yearly rule
(two changes a year, the same weekday-of-month pattern for at least
``_RULE_YEARS`` years) the rule is written as yearly ``RRULE`` observances
without an end, so the zone stays right past 2038 for lifelong maintenance.
Zones without a current rule (Casablanca) list each change.

:func:`shifting` says whether a local wall time is skipped or repeated by a
change, where clients disagree on what a time means.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import functools
import zoneinfo
from collections.abc import Sequence

import attrs
import icalendar

from b12course._time import UTC

__all__ = ["WEEKDAYS", "shifting", "vtimezone"]

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
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


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
            "byday": WEEKDAYS[weekday],
            "bymonthday": list(range(value, value + 7)),
        }
    return {"freq": "yearly", "bymonth": month, "byday": f"{value}{WEEKDAYS[weekday]}"}


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


def vtimezone(
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


def shifting(wall: dt.datetime, zone: zoneinfo.ZoneInfo) -> bool:
    """Whether a local time is skipped or repeated by a daylight-saving change."""
    return (
        wall.replace(tzinfo=zone, fold=0).utcoffset()
        != wall.replace(tzinfo=zone, fold=1).utcoffset()
    )
