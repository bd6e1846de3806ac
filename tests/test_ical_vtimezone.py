"""Tests of the VTIMEZONE b12course writes (b12course.ical._vtimezone)."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
from dateutil import tz as dateutil_tz

from b12course._time import local, resolve
from b12course.ical._vtimezone import vtimezone
from support.calendars import ZONE_CASES

UTC = dt.timezone.utc

VTIMEZONE_ZONES = [
    *ZONE_CASES,
    "Europe/Dublin",
    "America/Santiago",
    "Pacific/Chatham",
    "America/Nuuk",
    "America/Havana",
    "Asia/Tehran",
]


def _around_changes(zone: zoneinfo.ZoneInfo, first_year: int, last_year: int):
    """Local times every 10 minutes over the two days around each offset change, and each noon."""
    day = dt.date(first_year, 1, 1)
    offset = dt.datetime.combine(day, dt.time(12), zone).utcoffset()
    while day.year <= last_year:
        noon = dt.datetime.combine(day, dt.time(12))
        yield noon
        changed = noon.replace(tzinfo=zone).utcoffset()
        if changed != offset:
            offset = changed
            yield from _wall_times(
                noon - dt.timedelta(days=1), noon, dt.timedelta(minutes=10)
            )
        day += dt.timedelta(days=1)


def _wall_times(first: dt.datetime, last: dt.datetime, step: dt.timedelta):
    wall = first
    while wall < last:
        yield wall
        wall += step


class TestVtimezone:
    @pytest.mark.slow
    @pytest.mark.parametrize("key", VTIMEZONE_ZONES)
    def test_file_zone_resolves_wall_times_like_the_plan_decades_ahead(self, key):
        """Readers that trust the VTIMEZONE resolve every local time as the course does, through 2060, from a 2026 export."""
        zone = zoneinfo.ZoneInfo(key)
        found = vtimezone(zone, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        text = f"BEGIN:VCALENDAR\r\n{found.to_ical().decode()}END:VCALENDAR\r\n"
        from_dateutil = dateutil_tz.tzical(io.StringIO(text)).get(key)
        from_icalendar = found.to_tz(lookup_tzid=False)
        for wall in _around_changes(zone, 2026, 2060):
            instant = resolve(wall, zone)
            if local(instant, zone) != wall:
                continue  # a time in a spring-forward gap is never written
            for reader in (from_dateutil, from_icalendar):
                got = wall.replace(tzinfo=reader).astimezone(UTC)
                assert got == instant.astimezone(UTC), (wall, reader)

    @pytest.mark.parametrize("key", ["Europe/London", "Australia/Lord_Howe"])
    def test_zones_with_a_current_rule_get_yearly_rrule_observances(self, key):
        """A zone that follows a yearly rule is written with RRULE observances and no end."""
        zone = zoneinfo.ZoneInfo(key)
        text = vtimezone(zone, dt.date(2030, 5, 1), dt.date(2031, 5, 1)).to_ical()
        assert text.count(b"RRULE:FREQ=YEARLY") == 2
        assert b"UNTIL" not in text

    def test_zone_without_daylight_saving_has_one_observance(self):
        """Kolkata gets a single standard observance at +0530."""
        zone = zoneinfo.ZoneInfo("Asia/Kolkata")
        text = vtimezone(zone, dt.date(2030, 5, 1), dt.date(2031, 5, 1)).to_ical()
        assert text.count(b"BEGIN:STANDARD") == 1
        assert b"DAYLIGHT" not in text
        assert b"TZOFFSETTO:+0530" in text

    def test_irregular_zone_lists_its_changes_over_the_range(self):
        """A zone with no yearly rule (Casablanca) lists each change, right through the range."""
        key = "Africa/Casablanca"
        zone = zoneinfo.ZoneInfo(key)
        found = vtimezone(zone, dt.date(2027, 1, 1), dt.date(2028, 12, 31))
        assert b"RRULE" not in found.to_ical()
        reader = found.to_tz(lookup_tzid=False)
        for wall in _wall_times(
            dt.datetime(2027, 1, 1, 0, 5),
            dt.datetime(2029, 1, 1),
            dt.timedelta(hours=3, minutes=10),
        ):
            instant = resolve(wall, zone)
            if local(instant, zone) == wall:
                assert wall.replace(tzinfo=reader).astimezone(
                    UTC
                ) == instant.astimezone(UTC)
