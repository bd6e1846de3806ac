import datetime as dt
import zoneinfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from b12course._time import (
    day_bounds,
    get_zone,
    local,
    require_aware,
    resolve,
    utc,
    zone_of,
)
from b12course.exceptions import NaiveDatetimeError, NotADatetimeError, ZoneError

Z = zoneinfo.ZoneInfo
UTC = dt.timezone.utc


class TestRequireAware:
    def test_accepts_aware(self):
        """An aware datetime is returned unchanged."""
        value = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
        assert require_aware("x", value) is value

    def test_refuses_naive(self):
        """A naive datetime raises NaiveDatetimeError naming the argument."""
        with pytest.raises(NaiveDatetimeError, match="first_dose=") as info:
            require_aware("first_dose", dt.datetime(2026, 1, 1))
        assert info.value.name == "first_dose"
        assert isinstance(info.value, ValueError)

    @pytest.mark.parametrize(
        "value", [dt.date(2026, 1, 1), "2026-01-01T09:00Z", 0, None]
    )
    def test_refuses_non_datetimes(self, value):
        """Dates, strings and numbers are not instants."""
        with pytest.raises(NotADatetimeError):
            require_aware("at", value)


class TestZoneOf:
    def test_returns_the_zoneinfo(self):
        """The zone of a ZoneInfo-aware datetime is that ZoneInfo."""
        zone = Z("Asia/Kolkata")
        assert zone_of("x", dt.datetime(2026, 1, 1, tzinfo=zone)) is zone

    @pytest.mark.parametrize(
        "tz", [dt.timezone.utc, dt.timezone(dt.timedelta(hours=5, minutes=30))]
    )
    def test_refuses_fixed_offsets(self, tz):
        """Fixed offsets are refused: they cannot keep wall-clock times across DST."""
        with pytest.raises(ZoneError, match="IANA"):
            zone_of("first_dose", dt.datetime(2026, 1, 1, tzinfo=tz))

    def test_get_zone(self):
        """Zones are looked up by IANA key; unknown keys raise ZoneError."""
        assert get_zone("Europe/London") == Z("Europe/London")
        zone = Z("UTC")
        assert get_zone(zone) is zone
        for bad in ("Mars/Olympus", "", None, "../etc/passwd"):
            with pytest.raises(ZoneError):
                get_zone(bad)


class TestResolve:
    def test_gap_uses_offset_before(self):
        """A local time in a spring-forward gap resolves with the offset before the gap."""
        got = resolve(dt.datetime(2026, 3, 29, 1, 30), Z("Europe/London"))
        assert got.isoformat() == "2026-03-29T02:30:00+01:00"
        assert utc(got).time() == dt.time(1, 30)

    def test_repeated_time_is_first(self):
        """A repeated local time resolves to its first occurrence."""
        got = resolve(dt.datetime(2026, 10, 25, 1, 30), Z("Europe/London"))
        assert got.utcoffset() == dt.timedelta(hours=1)

    @given(
        st.datetimes(
            min_value=dt.datetime(1970, 1, 2), max_value=dt.datetime(2100, 1, 1)
        ),
        st.timezones().filter(lambda z: isinstance(z, zoneinfo.ZoneInfo)),
    )
    def test_resolution_is_a_real_instant_near_the_wall_time(self, wall, zone):
        """Resolved times are normal (local of the instant round-trips) and within 3 h."""
        got = resolve(wall, zone)
        assert resolve(local(got, zone), zone) == got
        assert abs(local(got, zone) - wall) <= dt.timedelta(hours=3)


def plain_resolve(wall: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """RFC 5545's rule written the plain way: the definition resolve() is held to."""
    provisional = wall.replace(tzinfo=zone, fold=0)
    if provisional.utcoffset() == provisional.replace(fold=1).utcoffset():
        return provisional
    return provisional.astimezone(UTC).astimezone(zone)


class TestResolveIsThePlainDefinition:
    """resolve() builds the datetime from its fields (fast); it is the plain rule, field for field."""

    @given(
        wall=st.datetimes(
            min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)
        ),
        zone=st.sampled_from(
            [
                Z(key)
                for key in (
                    "UTC",
                    "Europe/London",
                    "America/New_York",
                    "Australia/Lord_Howe",
                    "Pacific/Chatham",
                    "America/Santiago",
                    "Pacific/Apia",
                    "Asia/Tehran",
                    "Asia/Kolkata",
                )
            ]
        ),
        fold=st.sampled_from([0, 1]),
    )
    @example(wall=dt.datetime(2026, 3, 29, 1, 30), zone=Z("Europe/London"), fold=0)
    @example(wall=dt.datetime(2026, 10, 25, 1, 30), zone=Z("Europe/London"), fold=0)
    @example(wall=dt.datetime(2026, 10, 25, 1, 30), zone=Z("Europe/London"), fold=1)
    @example(
        wall=dt.datetime(2026, 10, 4, 2, 15), zone=Z("Australia/Lord_Howe"), fold=0
    )
    @example(wall=dt.datetime(2011, 12, 30, 10), zone=Z("Pacific/Apia"), fold=0)
    @example(wall=dt.datetime(2026, 9, 27, 2, 50), zone=Z("Pacific/Chatham"), fold=0)
    @example(wall=dt.datetime(2026, 9, 6, 0, 30), zone=Z("America/Santiago"), fold=0)
    @example(wall=dt.datetime(2026, 4, 4, 23, 30), zone=Z("America/Santiago"), fold=1)
    def test_field_for_field(self, wall, zone, fold):
        """In gaps, folds and plain hours alike: the value, the wall fields, the fold and the zone."""
        wall = wall.replace(fold=fold)
        expected = plain_resolve(wall, zone)
        # The UTC round trip of the fields in the zone is the same value too
        # (the pending-slot search uses it, keeping the instant).
        round_trip = wall.replace(tzinfo=zone, fold=0).astimezone(UTC).astimezone(zone)
        for found in (resolve(wall, zone), round_trip):
            assert found == expected
            assert (found.replace(tzinfo=None), found.fold, found.tzinfo) == (
                expected.replace(tzinfo=None),
                expected.fold,
                expected.tzinfo,
            )


class TestDayBounds:
    @pytest.mark.parametrize(
        ("zone", "day", "hours"),
        [
            ("Europe/London", dt.date(2026, 3, 29), 23),
            ("Europe/London", dt.date(2026, 10, 25), 25),
            ("Australia/Lord_Howe", dt.date(2026, 10, 4), 23.5),
            ("Asia/Kolkata", dt.date(2026, 3, 29), 24),
            ("America/Santiago", dt.date(2026, 9, 6), 23),
        ],
    )
    def test_length_of_local_days(self, zone, day, hours):
        """Local days are 23, 23.5, 24 or 25 hours long as the zone says."""
        start, end = day_bounds(day, Z(zone))
        assert (utc(end) - utc(start)) == dt.timedelta(hours=hours)


class TestLeapSecondZones:
    def test_right_zones_are_refused(self):
        """A leap-second 'right/' zone is refused by zone_of and get_zone."""
        import importlib.resources

        data = importlib.resources.files("tzdata.zoneinfo") / "Europe" / "London"
        with data.open("rb") as file:
            zone = zoneinfo.ZoneInfo.from_file(file, key="right/Europe/London")
        with pytest.raises(ZoneError, match="leap-second"):
            zone_of("first_dose", dt.datetime(2026, 1, 1, tzinfo=zone))
        with pytest.raises(ZoneError):
            get_zone(zone)
