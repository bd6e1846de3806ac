"""The timeline's fast paths answer exactly as a plain filter over UTC instants.

``between``, ``overlapping``, ``at`` and ``on`` bisect the events' instants in
the form the query comes in: as UTC instants for a UTC query, as wall-clock
times of the query's zone otherwise (when the timeline is wall-safe there).
Each property here holds them equal to the derivation they skip, a filter over
every event comparing UTC instants, for queries in the timeline's zone, in UTC
(``datetime.timezone.utc`` and ``ZoneInfo("UTC")``), in other zones and at
fixed offsets, with queries and events inside DST folds and gaps.
"""

import datetime as dt
import functools
import zoneinfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from b12course import EventKind, Timeline, TimelineEvent
from b12course import strategies as b12st
from b12course._time import UTC, utc
from b12course.exceptions import (
    NaiveDatetimeError,
    NotADatetimeError,
    OutOfBoundsError,
    RangeError,
)
from support.profiles import scaled

Z = zoneinfo.ZoneInfo
ZONE_KEYS = (
    "Europe/London",
    "America/New_York",
    "Australia/Lord_Howe",  # a 30-minute DST
    "Pacific/Apia",  # skipped 30 December 2011
    "America/Sao_Paulo",  # DST until 2019, changing at midnight
    "Asia/Kolkata",  # no DST
    "Europe/Dublin",  # "negative DST": winter time is the daylight-saving one
)
ZONES = tuple(Z(key) for key in ZONE_KEYS)
# The forms a query comes in besides the timeline's own zone.
OTHER_FORMS: tuple[dt.tzinfo, ...] = (
    UTC,
    Z("UTC"),
    dt.timezone(dt.timedelta(hours=5, minutes=30)),
    *ZONES,
)
FIRST_YEAR, LAST_YEAR = 2010, 2030
ONE_US = dt.timedelta(microseconds=1)
KINDS = (EventKind.SYMPTOM, EventKind.PLANNED_DOSE, EventKind.REVIEW)
# Each example draws a timeline and several queries: half the profile's examples.
CAPPED = scaled(0.5)


@functools.cache
def changes(
    zone: dt.tzinfo,
) -> tuple[tuple[dt.datetime, dt.timedelta, dt.timedelta], ...]:
    """Every change of UTC offset of ``zone`` from 2010 to 2030, found by probing.

    Each comes as (the UTC instant of the change, the offset before it, the
    offset after it).  The offset is probed at every UTC midnight and each
    change is bisected to the minute; this is independent of the library's
    own search.
    """
    found = []
    day = dt.datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    offset = day.astimezone(zone).utcoffset()
    while day.year <= LAST_YEAR:
        nxt = day + dt.timedelta(days=1)
        after = nxt.astimezone(zone).utcoffset()
        if after != offset:
            lo, hi = 0, 24 * 60
            while hi - lo > 1:
                mid = (lo + hi) // 2
                at = day + dt.timedelta(minutes=mid)
                if at.astimezone(zone).utcoffset() == after:
                    hi = mid
                else:
                    lo = mid
            found.append((day + dt.timedelta(minutes=hi), offset, after))
        day, offset = nxt, after
    return tuple(found)


def changes_near(zone: dt.tzinfo, events: tuple[TimelineEvent, ...]):
    """The changes of ``zone`` within a few days of the events (or all of them)."""
    if not events:
        return changes(zone)
    first = min(utc(e.start) for e in events) - dt.timedelta(days=3)
    last = max(utc(e.end) for e in events) + dt.timedelta(days=3)
    return tuple(c for c in changes(zone) if first <= c[0] <= last) or changes(zone)


@st.composite
def near_a_change(draw, zone: dt.tzinfo, among=None) -> dt.datetime:
    """A wall-clock time in ``zone`` in or next to the wall times a change skips or repeats.

    The wall time is built field by field, so it may lie inside a gap (a time
    no clock shows) or in a repeated hour, with fold 0 or 1.  ``among`` names
    the changes to draw from (all of the zone's by default).
    """
    found = changes(zone) if among is None else among
    if not found:
        return draw(anywhere(zone))
    at, before, after = draw(st.sampled_from(found))
    spread = abs(after - before) // dt.timedelta(minutes=1) + 60
    wall = (at + min(before, after)).replace(tzinfo=None) + dt.timedelta(
        minutes=draw(st.integers(-60, spread))
    )
    return wall.replace(tzinfo=zone, fold=draw(st.integers(0, 1)))


def anywhere(zone: dt.tzinfo) -> st.SearchStrategy[dt.datetime]:
    """A wall-clock time in ``zone`` between 2010 and 2030, any fold."""
    return st.builds(
        lambda wall, fold: wall.replace(tzinfo=zone, fold=fold),
        st.datetimes(
            min_value=dt.datetime(FIRST_YEAR, 1, 1),
            max_value=dt.datetime(LAST_YEAR, 12, 31),
        ),
        st.integers(0, 1),
    )


@st.composite
def instants(draw, zone: dt.tzinfo, events: tuple[TimelineEvent, ...]) -> dt.datetime:
    """An instant near a change of ``zone``, near an event, or anywhere, in ``zone``."""
    how = draw(st.sampled_from(["change", "change", "event", "event", "anywhere"]))
    if how == "change":
        return draw(near_a_change(zone, changes_near(zone, events)))
    if how == "event" and events:
        event = draw(st.sampled_from(events))
        shift = dt.timedelta(minutes=draw(st.sampled_from([0, 0, -1, 1, -60, 90])))
        edge = draw(st.sampled_from([event.start, event.end]))
        if draw(st.booleans()):
            return edge + shift  # wall-clock arithmetic, in the event's own zone
        return (utc(edge) + shift).astimezone(zone)
    return draw(anywhere(zone))


@st.composite
def hand_made(draw) -> Timeline:
    """A timeline whose events sit inside folds and gaps of its zone on purpose."""
    zone = draw(st.sampled_from(ZONES))
    # Most events around one or two changes, so that queries meet them there.
    focus = changes(zone) and tuple(
        draw(st.lists(st.sampled_from(changes(zone)), min_size=1, max_size=2))
    )
    starts = draw(
        st.lists(
            st.one_of(near_a_change(zone, focus), anywhere(zone)),
            min_size=0,
            max_size=12,
        )
    )
    events = []
    for n, start in enumerate(starts):
        kind = draw(st.sampled_from(KINDS))
        if draw(st.integers(0, 4)) == 0:  # now and then an interval
            hours = draw(st.integers(0, 30 * 24))
            end = (utc(start) + dt.timedelta(hours=hours, minutes=1)).astimezone(zone)
            events.append(
                TimelineEvent(
                    start=start, end=end, kind=EventKind.FLARE_WINDOW, payload=n
                )
            )
        else:
            events.append(TimelineEvent.instant(start, kind, n))
    return Timeline.from_events(events, zone=zone)


@st.composite
def of_courses(draw) -> Timeline:
    """The timeline of a course from the public strategies, in one of the zones."""
    first = b12st.aware_datetimes(
        min_value=dt.datetime(FIRST_YEAR, 1, 1),
        max_value=dt.datetime(LAST_YEAR - 2, 12, 31),
        timezones=st.sampled_from(ZONES),
    ).map(lambda t: t.replace(second=0, microsecond=0))
    course = draw(b12st.courses(first_doses=first, max_given=8))
    return course.timeline(until=course.first_dose + dt.timedelta(days=400))


timelines = st.one_of(hand_made(), of_courses())


@st.composite
def queries(draw, tl: Timeline) -> tuple[dt.datetime, dt.datetime]:
    """Two instants in one form: the timeline's zone, UTC, or another zone."""
    form = draw(st.sampled_from((tl.zone, tl.zone, *OTHER_FORMS)))
    a = draw(instants(form, tl.events))
    if draw(st.booleans()):
        b = draw(instants(form, tl.events))
    else:  # a range of a plausible length, in wall-clock arithmetic
        b = a + dt.timedelta(
            minutes=draw(st.sampled_from([0, 1, 30, 60, 23 * 60, 25 * 60, 7 * 1440]))
        )
    return a, b


# -- the plain derivations ----------------------------------------------------


def plain_between(tl, a, b):
    if utc(b) < utc(a):
        raise RangeError(a, b)
    return tuple(e for e in tl.events if utc(a) <= utc(e.start) < utc(b))


def plain_overlapping(tl, a, b):
    running = tuple(
        e for e in tl.events if not e.is_instant and utc(e.start) < utc(a) < utc(e.end)
    )
    return running + plain_between(tl, a, b)


def plain_at(tl, t):
    running = tuple(
        e for e in tl.events if not e.is_instant and utc(e.start) < utc(t) < utc(e.end)
    )
    return running + tuple(e for e in tl.events if utc(e.start) == utc(t))


def plain_on(tl, day, zone):
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return plain_between(tl, start, end)


def outcome(query, *args):
    """The answer of a query, or the type of the error it raised."""
    try:
        return query(*args)
    except RangeError:
        return RangeError


# -- the properties -------------------------------------------------------------


@pytest.mark.slow
class TestFastPathsEqualThePlainFilter:
    @CAPPED
    @given(data=st.data(), tl=timelines)
    def test_between(self, data, tl):
        """between(a, b) in any form is the events with a <= start < b, as instants."""
        for _ in range(8):
            a, b = data.draw(queries(tl))
            assert outcome(tl.between, a, b) == outcome(plain_between, tl, a, b)

    @CAPPED
    @given(data=st.data(), tl=timelines)
    def test_overlapping(self, data, tl):
        """overlapping(a, b) in any form is the running intervals, then the events in range."""
        for _ in range(8):
            a, b = data.draw(queries(tl))
            expected = outcome(plain_overlapping, tl, a, b)
            assert outcome(tl.overlapping, a, b) == expected

    @CAPPED
    @given(data=st.data(), tl=timelines)
    def test_at(self, data, tl):
        """at(t) in any form is the intervals containing t, then the events starting at t."""
        for _ in range(8):
            t, _ = data.draw(queries(tl))
            assert tl.at(t) == plain_at(tl, t)

    @CAPPED
    @given(data=st.data(), tl=timelines)
    def test_on(self, data, tl):
        """on(day, zone) is the events from one local midnight (fold 0) to the next."""
        for _ in range(6):
            zone = data.draw(st.sampled_from((None, *ZONES, Z("UTC"))))
            t = data.draw(instants(zone or tl.zone, tl.events))
            day = t.date()
            assert tl.on(day, zone) == plain_on(tl, day, zone or tl.zone)


class TestWallSafety:
    def test_a_course_at_nine_is_bisected_in_its_own_zone(self):
        """A timeline with no event near a change keeps a wall-clock index of its zone."""
        london = Z("Europe/London")
        events = [
            TimelineEvent.instant(
                dt.datetime(2026, 1, 5, 9, tzinfo=london) + dt.timedelta(weeks=n),
                EventKind.PLANNED_DOSE,
                n,
            )
            for n in range(104)
        ]
        tl = Timeline.from_events(events, zone=london)
        week = (
            dt.datetime(2026, 3, 23, tzinfo=london),
            dt.datetime(2026, 3, 30, tzinfo=london),
        )
        assert [e.payload for e in tl.between(*week)] == [11]
        assert tl._local(london) is not None
        assert tl._local(Z("UTC")) is not None

    def test_an_event_in_the_repeated_hour_falls_back_to_utc(self):
        """An event inside a fold makes the zone's wall times unsafe: queries convert."""
        london = Z("Europe/London")
        first = dt.datetime(2026, 10, 25, 1, 30, tzinfo=london)  # 00:30 UTC
        second = first.replace(fold=1)  # 01:30 UTC
        tl = Timeline.from_events(
            [
                TimelineEvent.instant(first, EventKind.SYMPTOM, "first"),
                TimelineEvent.instant(second, EventKind.SYMPTOM, "second"),
            ],
            zone=london,
        )
        # Wall times alone would call both events "at 01:30" and both queries equal.
        a = dt.datetime(2026, 10, 25, 1, 45, tzinfo=london)  # 00:45 UTC
        b = dt.datetime(2026, 10, 25, 1, 15, fold=1, tzinfo=london)  # 01:15 UTC
        assert [e.payload for e in tl.between(a, b)] == []
        assert [e.payload for e in tl.at(second)] == ["second"]
        assert [e.payload for e in tl.between(first, b)] == ["first"]
        assert tl._local(london) is None
        assert tl._local(Z("Asia/Kolkata")) is not None

    def test_a_range_reversed_only_in_the_repeated_hour_is_refused(self):
        """A range whose wall times are in order but whose instants are not raises RangeError."""
        london = Z("Europe/London")
        tl = Timeline.from_events(
            [
                TimelineEvent.instant(
                    dt.datetime(2026, 10, 20, 9, tzinfo=london), EventKind.SYMPTOM, 1
                )
            ],
            zone=london,
        )
        assert tl._local(london) is not None
        start = dt.datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=london)  # 01:30 UTC
        end = dt.datetime(2026, 10, 25, 1, 45, tzinfo=london)  # 00:45 UTC
        for query in (tl.between, tl.overlapping):
            with pytest.raises(RangeError):
                query(start, end)
        # In order as instants, reversed as wall times: an empty answer.
        assert tl.between(end, start) == ()
        assert tl.overlapping(end, start) == ()

    def test_changes_four_days_apart_fall_back_to_utc(self):
        """Freetown changed its offset twice in four days in 1939: no wall-clock index."""
        freetown = Z("Africa/Freetown")
        # Two days from each change: each alone would be far enough.
        at = dt.datetime(1939, 9, 3, tzinfo=freetown)
        tl = Timeline.from_events(
            [TimelineEvent.instant(at, EventKind.SYMPTOM, 1)], zone=freetown
        )
        assert tl._local(freetown) is None
        assert tl.between(at, at + dt.timedelta(days=1)) == tl.events

    def test_other_tzinfos_and_subclasses_are_converted(self):
        """A tzinfo without an index, or a datetime subclass, gives the same answer."""

        class Stamp(dt.datetime):
            pass

        class Offset(dt.tzinfo):
            __hash__ = None  # type: ignore[assignment] - unhashable on purpose

            def utcoffset(self, _):
                return dt.timedelta(hours=2)

            def dst(self, _):
                return dt.timedelta(0)

        london = Z("Europe/London")
        at = dt.datetime(2026, 5, 1, 9, tzinfo=london)
        tl = Timeline.from_events(
            [TimelineEvent.instant(at, EventKind.SYMPTOM, 1)], zone=london
        )
        two = Offset()
        start = dt.datetime(2026, 5, 1, 10, tzinfo=two)  # 08:00 UTC
        end = dt.datetime(2026, 5, 1, 12, tzinfo=two)
        assert tl.between(start, end) == tl.events
        assert tl.overlapping(start, end) == tl.events
        assert tl.at(start) == tl.events
        stamp = Stamp(2026, 5, 1, 8, tzinfo=UTC)
        assert tl.between(stamp, stamp + dt.timedelta(hours=1)) == tl.events
        assert tl.at(stamp) == tl.events
        assert tl.between(start, end.astimezone(london)) == tl.events

    def test_only_a_few_zones_are_kept(self):
        """Past the first eight zones queried, queries convert to UTC and still answer."""
        london = Z("Europe/London")
        at = dt.datetime(2026, 5, 1, 9, tzinfo=london)
        tl = Timeline.from_events(
            [TimelineEvent.instant(at, EventKind.SYMPTOM, 1)], zone=london
        )
        keys = sorted(zoneinfo.available_timezones())[:20]
        for key in keys:
            zone = Z(key)
            t = at.astimezone(zone)
            assert tl.at(t) == tl.events
            assert tl.between(t, t + ONE_US) == tl.events
        assert len(tl._zones) == 9  # UTC's and eight others

    def test_events_at_the_ends_of_the_calendar(self):
        """Events within days of year 1 or 9999 get no index; queries still answer."""
        london = Z("Europe/London")
        first = dt.datetime(1, 1, 2, tzinfo=UTC)
        last = dt.datetime(9999, 12, 30, tzinfo=UTC)
        tl = Timeline.from_events(
            [
                TimelineEvent(
                    start=first, end=last, kind=EventKind.FLARE_WINDOW, payload=0
                ),
                TimelineEvent.instant(last, EventKind.SYMPTOM, 1),
            ],
            zone=london,
        )
        assert tl._local(london) is None
        assert len(tl.at(dt.datetime(5000, 1, 1, tzinfo=london))) == 1
        lowest = dt.datetime.min.replace(tzinfo=UTC)
        highest = dt.datetime.max.replace(tzinfo=UTC)
        assert tl.at(lowest) == ()
        assert tl.overlapping(lowest, lowest) == ()
        assert tl.at(highest) == ()
        assert len(tl.overlapping(lowest, highest)) == 2
        with pytest.raises(OutOfBoundsError):
            tl.on(dt.date.max)
        with pytest.raises(OutOfBoundsError):
            tl.on(dt.date.min, "Asia/Kolkata")

    def test_a_long_interval_near_year_one_in_a_zone(self):
        """A zoned query whose scan bound would fall before year 1 scans from the start."""
        utc_zone = Z("UTC")
        tl = Timeline.from_events(
            [
                TimelineEvent(
                    start=dt.datetime(1, 2, 1, tzinfo=utc_zone),
                    end=dt.datetime(3, 1, 1, tzinfo=utc_zone),
                    kind=EventKind.FLARE_WINDOW,
                    payload=0,
                )
            ],
            zone=utc_zone,
        )
        assert tl._local(utc_zone) is not None
        assert len(tl.at(dt.datetime(2, 1, 1, tzinfo=utc_zone))) == 1
        assert len(tl.at(dt.datetime(1, 1, 1, 12, tzinfo=utc_zone))) == 0

    def test_naive_and_mixed_queries_keep_their_errors(self):
        """The fast paths refuse naive datetimes and dates with the existing errors."""
        london = Z("Europe/London")
        at = dt.datetime(2026, 5, 1, 9, tzinfo=london)
        tl = Timeline.from_events(
            [TimelineEvent.instant(at, EventKind.SYMPTOM, 1)], zone=london
        )
        naive = dt.datetime(2026, 5, 1)
        for query in (tl.between, tl.overlapping):
            with pytest.raises(NaiveDatetimeError):
                query(naive, naive)
            with pytest.raises(NaiveDatetimeError):
                query(at, naive)
            with pytest.raises(NotADatetimeError):
                query(dt.date(2026, 5, 1), at)
            with pytest.raises(NotADatetimeError):  # in a zone not indexed yet
                query(at.astimezone(Z("Asia/Tokyo")), dt.date(2026, 5, 1))
            with pytest.raises(RangeError):
                query(at, at - dt.timedelta(days=3))
        with pytest.raises(NaiveDatetimeError):
            tl.at(naive)

    def test_a_timeline_keeps_its_value_semantics(self):
        """Indexes built by queries change neither equality, hash nor repr."""
        london = Z("Europe/London")
        at = dt.datetime(2026, 5, 1, 9, tzinfo=london)
        events = [TimelineEvent.instant(at, EventKind.SYMPTOM, 1)]
        queried = Timeline.from_events(events, zone=london)
        fresh = Timeline.from_events(events, zone=london)
        queried.at(at)
        queried.at(at.astimezone(Z("Asia/Kolkata")))
        assert queried == fresh
        assert hash(queried) == hash(fresh)
        assert repr(queried) == repr(fresh)
        assert attrs.evolve(queried, suggested_site="left arm") != fresh
