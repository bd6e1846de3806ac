"""Boundaries of the rules of time, pinned where mutation testing found them loose.

Each test pins one observable rule of ``b12course._time``: an inclusive or
exclusive bound, the normal form of a resolved wall time, or the fields of an
error (what it names and the value it carries).  See docs/testing.md.
"""

import datetime as dt
import importlib.resources
import zoneinfo

import attrs
import pytest

from b12course._time import (
    EARLIEST,
    LATEST,
    UTC,
    aware,
    bounded_utc,
    day_bounds,
    get_zone,
    local,
    out_of_bounds,
    require_aware,
    require_bounded,
    require_grace,
    resolve,
    utc,
    zone_of,
)
from b12course.exceptions import (
    NaiveDatetimeError,
    NotADatetimeError,
    OutOfBoundsError,
    SettingError,
    ZoneError,
)

Z = zoneinfo.ZoneInfo
LONDON = Z("Europe/London")
TOKYO = Z("Asia/Tokyo")
MICRO = dt.timedelta(microseconds=1)


class _NoOffset(dt.tzinfo):
    """A tzinfo that knows no offset: such a datetime is naive (Python docs)."""

    def utcoffset(self, _when):
        return None

    def dst(self, _when):
        return None

    def tzname(self, _when):
        return None


class TestUtc:
    def test_is_the_same_instant_labelled_utc(self):
        """utc() keeps the instant and labels it with the UTC tzinfo."""
        value = dt.datetime(2026, 7, 1, 10, tzinfo=LONDON)
        got = utc(value)
        assert got == value
        assert got.tzinfo is UTC
        assert (got.hour, got.minute) == (9, 0)


class TestRequireAwareFields:
    def test_not_a_datetime_names_the_argument_and_carries_the_value(self):
        """NotADatetimeError carries the argument's name and the value given."""
        day = dt.date(2026, 1, 1)
        with pytest.raises(NotADatetimeError) as info:
            require_aware("given_at", day)
        assert (info.value.name, info.value.value) == ("given_at", day)

    def test_naive_carries_the_value(self):
        """NaiveDatetimeError carries the naive value itself."""
        naive = dt.datetime(2026, 1, 1, 9)
        with pytest.raises(NaiveDatetimeError) as info:
            require_aware("at", naive)
        assert info.value.value is naive

    def test_a_tzinfo_without_an_offset_is_naive(self):
        """A tzinfo whose utcoffset() is None does not make a datetime aware."""
        value = dt.datetime(2026, 1, 1, 9, tzinfo=_NoOffset())
        with pytest.raises(NaiveDatetimeError) as info:
            require_aware("at", value)
        assert info.value.name == "at"

    def test_the_attrs_validator_uses_the_field_name(self):
        """The ``aware`` validator names the attrs field it guards."""

        @attrs.frozen
        class Stamp:
            taken_at: dt.datetime = attrs.field(validator=aware)

        with pytest.raises(NaiveDatetimeError) as info:
            Stamp(dt.datetime(2026, 1, 1))
        assert info.value.name == "taken_at"
        stamp = Stamp(dt.datetime(2026, 1, 1, tzinfo=LONDON))
        assert stamp.taken_at.tzinfo is LONDON


class TestBounds:
    def test_earliest_is_in_and_a_microsecond_before_is_out(self):
        """The bounds are half-open: EARLIEST is accepted, one microsecond earlier is not."""
        assert require_bounded("at", EARLIEST) is EARLIEST
        assert bounded_utc(EARLIEST) == EARLIEST
        assert bounded_utc(EARLIEST - MICRO) is None

    def test_latest_is_out_and_a_microsecond_before_is_in(self):
        """LATEST is excluded, the microsecond before it is accepted."""
        assert bounded_utc(LATEST) is None
        assert bounded_utc(LATEST - MICRO) == LATEST - MICRO
        with pytest.raises(OutOfBoundsError):
            require_bounded("at", LATEST)

    def test_bounds_compare_instants_not_wall_clocks(self):
        """09:00 on 1 January 9000 in Tokyo is 00:00 UTC: out; 08:59 in Tokyo is in."""
        assert bounded_utc(dt.datetime(9000, 1, 1, 9, tzinfo=TOKYO)) is None
        inside = dt.datetime(9000, 1, 1, 8, 59, tzinfo=TOKYO)
        assert bounded_utc(inside) == inside
        assert bounded_utc(inside).tzinfo is UTC

    def test_an_offset_past_the_calendar_is_out_of_bounds(self):
        """An instant whose UTC conversion overflows Python's calendar is out of bounds."""
        value = dt.datetime(1, 1, 1, 1, tzinfo=TOKYO)
        assert bounded_utc(value) is None
        with pytest.raises(OutOfBoundsError) as info:
            require_bounded("first_dose", value)
        assert (info.value.name, info.value.value) == ("first_dose", value)

    def test_out_of_bounds_names_the_field_the_value_and_the_years(self):
        """The error says which field, which value and which years are allowed."""
        value = dt.datetime(9500, 1, 1, tzinfo=UTC)
        with pytest.raises(OutOfBoundsError) as info:
            require_bounded("given_at", value)
        assert info.value.name == "given_at"
        assert info.value.value is value
        assert str(info.value) == (
            "given_at: 9500-01-01T00:00:00+00:00 is outside the years 1000 to 8999 "
            "that b12course plans in"
        )
        assert str(out_of_bounds("until", value)) == str(info.value).replace(
            "given_at", "until"
        )

    def test_require_bounded_refuses_naive_first(self):
        """A naive instant is reported as naive, not as out of bounds."""
        with pytest.raises(NaiveDatetimeError) as info:
            require_bounded("given_at", dt.datetime(9500, 1, 1))
        assert info.value.name == "given_at"


class TestGrace:
    def test_none_and_zero_are_accepted(self):
        """No grace and a zero grace are both valid; the value comes back."""
        assert require_grace(None) is None
        zero = dt.timedelta(0)
        assert require_grace(zero) is zero

    @pytest.mark.parametrize("bad", [-MICRO, 3600, 0, "PT1H"])
    def test_negative_or_not_a_timedelta_is_refused_with_its_value(self, bad):
        """A negative grace or a number is refused, and the error carries it."""
        with pytest.raises(SettingError, match="grace must be None") as info:
            require_grace(bad)
        assert info.value.value == bad


class TestZoneFields:
    def test_a_fixed_offset_is_refused_naming_the_field(self):
        """zone_of's ZoneError carries the tzinfo and names the field."""
        with pytest.raises(ZoneError) as info:
            zone_of("first_dose", dt.datetime(2026, 1, 1, tzinfo=UTC))
        assert info.value.value is UTC
        assert "first_dose must carry a zoneinfo.ZoneInfo" in str(info.value)

    def test_a_zoneinfo_without_a_key_is_refused(self):
        """A ZoneInfo read from a file without a key has no IANA name: refused."""
        data = importlib.resources.files("tzdata.zoneinfo") / "Europe" / "London"
        with data.open("rb") as file:
            keyless = zoneinfo.ZoneInfo.from_file(file)
        with pytest.raises(ZoneError) as info:
            zone_of("at", dt.datetime(2026, 1, 1, tzinfo=keyless))
        assert info.value.value is keyless

    def test_zone_of_a_naive_datetime_is_naive(self):
        """zone_of refuses a naive datetime as naive, under the field's name."""
        with pytest.raises(NaiveDatetimeError) as info:
            zone_of("first_dose", dt.datetime(2026, 1, 1))
        assert info.value.name == "first_dose"

    def test_right_zone_error_names_the_key_and_the_fix(self):
        """The leap-second refusal carries the zone key and says to drop 'right/'."""
        data = importlib.resources.files("tzdata.zoneinfo") / "Europe" / "London"
        with data.open("rb") as file:
            zone = zoneinfo.ZoneInfo.from_file(file, key="right/Europe/London")
        with pytest.raises(ZoneError) as info:
            get_zone(zone)
        assert info.value.value == "right/Europe/London"
        assert (
            "time zone: leap-second 'right/' zones are not civil time; drop 'right/'. "
            in str(info.value)
        )

    def test_unknown_key_carries_the_key_and_says_unknown(self):
        """An unknown or directory key is an 'unknown zone' carrying the key."""
        for key in ("Mars/Olympus", "Europe"):
            with pytest.raises(ZoneError) as info:
                get_zone(key)
            assert info.value.value == key
            assert f"{key!r} is not an IANA time zone: unknown zone." in str(info.value)
            assert info.value.__cause__ is not None

    @pytest.mark.parametrize("key", ["", 5, None, b"UTC"])
    def test_a_key_that_is_not_a_name_is_refused_before_lookup(self, key):
        """An empty key or a non-string is refused as such, not looked up."""
        with pytest.raises(ZoneError) as info:
            get_zone(key)
        assert info.value.value == key
        assert "unknown zone" not in str(info.value)
        assert info.value.__cause__ is None

    def test_a_known_key_gives_that_zone(self):
        """get_zone returns the zone with the key asked for."""
        assert get_zone("Asia/Tokyo").key == "Asia/Tokyo"


class TestResolveAndLocal:
    def test_an_ordinary_time_keeps_its_wall_clock_and_zone(self):
        """Outside gaps and folds the wall time is kept, in the zone, fold 0."""
        got = resolve(dt.datetime(2026, 7, 1, 9, 15), LONDON)
        assert got.tzinfo is LONDON
        assert (got.hour, got.minute, got.fold) == (9, 15, 0)
        assert utc(got) == dt.datetime(2026, 7, 1, 8, 15, tzinfo=UTC)

    def test_gap_time_reads_as_the_clock_after_the_change(self):
        """01:30 in London's spring gap resolves to 02:30 BST on the same day, in London."""
        got = resolve(dt.datetime(2026, 3, 29, 1, 30), LONDON)
        assert got.tzinfo is LONDON
        assert got.replace(tzinfo=None) == dt.datetime(2026, 3, 29, 2, 30)

    def test_repeated_time_is_the_first_pass(self):
        """01:30 on London's autumn change is the BST (first) pass, 00:30 UTC."""
        got = resolve(dt.datetime(2026, 10, 25, 1, 30), LONDON)
        assert utc(got) == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
        assert got.replace(tzinfo=None) == dt.datetime(2026, 10, 25, 1, 30)
        assert got.fold == 0

    def test_a_wall_time_given_with_fold_1_is_still_the_first_pass(self):
        """A fold on the wall time is ignored on the wall time: the first pass is the rule."""
        wall = dt.datetime(2026, 10, 25, 1, 30, fold=1)
        assert utc(resolve(wall, LONDON)) == dt.datetime(
            2026, 10, 25, 0, 30, tzinfo=UTC
        )

    def test_local_is_the_naive_wall_clock_in_the_zone(self):
        """local() gives the naive wall-clock time of an instant in a zone."""
        instant = dt.datetime(2026, 7, 1, 8, 15, tzinfo=UTC)
        got = local(instant, LONDON)
        assert got.tzinfo is None
        assert got == dt.datetime(2026, 7, 1, 9, 15)


class TestDayBoundsEdges:
    def test_bounds_are_local_midnights_in_the_zone(self):
        """A day's span runs from its local midnight to the next one."""
        start, end = day_bounds(dt.date(2026, 7, 1), LONDON)
        assert start == dt.datetime(2026, 7, 1, tzinfo=LONDON)
        assert end == dt.datetime(2026, 7, 2, tzinfo=LONDON)
        assert start.tzinfo is LONDON
        assert end.tzinfo is LONDON

    def test_a_missing_midnight_starts_the_day_at_the_clock_after_it(self):
        """Santiago's clocks skip 00:00 on 6 September 2026: the day starts at 01:00."""
        zone = Z("America/Santiago")
        start, end = day_bounds(dt.date(2026, 9, 6), zone)
        assert start.replace(tzinfo=None) == dt.datetime(2026, 9, 6, 1)
        assert end.replace(tzinfo=None) == dt.datetime(2026, 9, 7)

    @pytest.mark.parametrize(
        ("day", "zone"), [(dt.date.max, TOKYO), (dt.date(1, 1, 1), TOKYO)]
    )
    def test_the_ends_of_the_calendar_are_out_of_bounds(self, day, zone):
        """The first and last days Python holds cannot be bounded: OutOfBoundsError."""
        with pytest.raises(OutOfBoundsError) as info:
            day_bounds(day, zone)
        assert (info.value.name, info.value.value) == ("day", day)
        assert str(info.value) == (
            f"day: {day.isoformat()} is too close to the end of the calendar"
        )
        assert info.value.__cause__ is None
