"""Tests of compact recurring series in the calendar (b12course.ical._series)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import attrs
import icalendar
import pytest
import recurring_ical_events
from hypothesis import given
from ical.calendar_stream import IcsCalendarStream

import b12course as b12
from b12course import ical as b12ical
from b12course import regimens
from b12course import strategies as b12st
from b12course.exceptions import CalendarFormatError

UTC = dt.timezone.utc
STAMP = dt.datetime(2026, 11, 1, 12, tzinfo=UTC)
# Zones named by the issue, each with a local wall time inside its 2027 DST
# transitions (gap or repeated hour) where it has them, and the date a few days
# before its first 2027 transition.
ZONE_CASES = {
    "Europe/London": (dt.date(2027, 3, 24), dt.time(1, 30)),
    "America/New_York": (dt.date(2027, 3, 10), dt.time(2, 30)),
    "Australia/Sydney": (dt.date(2027, 4, 1), dt.time(2, 30)),
    "Australia/Lord_Howe": (dt.date(2027, 4, 1), dt.time(1, 45)),
    "America/Sao_Paulo": (dt.date(2027, 3, 10), dt.time(0, 30)),
    "Asia/Kolkata": (dt.date(2027, 3, 10), dt.time(9, 0)),
}

HORIZON = dt.timedelta(days=60)
# Civil zones only: the system database's "right/" zones count leap seconds, so
# their offsets are not whole minutes and no calendar client reads them alike.
COURSES = b12st.courses(
    max_given=5,
    max_symptoms=0,
    max_labs=0,
    first_doses=b12st.aware_datetimes(
        min_value=dt.datetime(2020, 1, 1),
        max_value=dt.datetime(2035, 12, 31, 23, 59),
        timezones=b12st.zones().filter(lambda z: not z.key.startswith("right/")),
    ),
)


def _course(
    preset: str = "nice-non-neuro",
    zone: str = "Europe/London",
    start: dt.datetime | None = None,
    course_id: str = "c1",
) -> b12.Course:
    tz = zoneinfo.ZoneInfo(zone)
    first = (start or dt.datetime(2026, 12, 7, 9)).replace(tzinfo=tz)
    return b12.Course.begin(regimens.get(preset), first_dose=first, id=course_id)


def _export(course: b12.Course, until: dt.datetime, **kwargs) -> bytes:
    kwargs.setdefault("dtstamp", STAMP)
    return b12.to_ical(course, until=until, **kwargs)


def _events(data: bytes) -> list[icalendar.Component]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def _dose_events(data: bytes) -> dict[str, icalendar.Component]:
    return {
        str(e["UID"]): e
        for e in _events(data)
        if str(e.get("X-B12COURSE-KIND")) == "planned_dose" and "RRULE" not in e
    }


def _expected(course: b12.Course, until: dt.datetime, now=None):
    """The view's (uid, UTC instant) pairs, skipped doses left out.

    The view is the plan up to the one horizon policy: provisional doses to
    12 weeks past the first dose (or now).
    """
    return sorted(
        (
            f"{course.id}-p{d.phase}-d{d.number_in_phase}@b12course",
            d.when.astimezone(UTC),
        )
        for d in course.timeline(until=until, now=now).planned_doses
        if d.status is not b12.DoseStatus.SKIPPED
    )


def _seconds(value: dt.datetime) -> dt.datetime:
    return value.astimezone(UTC).replace(microsecond=0)


def _instants_by_ical_timeline(data: bytes):
    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return sorted(
        e.dtstart.astimezone(UTC)
        for e in calendar.timeline
        if e.categories == ["B12 dose"]
        and (e.status is None or e.status.value != "CANCELLED")
    )


class TestCompact:
    @pytest.mark.parametrize("zone", sorted(ZONE_CASES))
    @pytest.mark.parametrize(
        "preset",
        ["us-label-cyanocobalamin", "nice-neuro", "nice-non-neuro", "nasal-weekly"],
    )
    def test_compact_series_expand_to_the_plan_in_both_readers(self, preset, zone):
        """Recurring series, expanded by recurring-ical-events and by ical's timeline, give exactly the planned instants."""
        day, time = ZONE_CASES[zone]
        course = _course(preset, zone, dt.datetime.combine(day, time))
        until = course.first_dose + dt.timedelta(days=230)
        data = _export(course, until, compact=True)
        expected = _expected(course, until)
        instants = sorted(t for _uid, t in expected)
        found = icalendar.Calendar.from_ical(data)
        expanded = recurring_ical_events.of(found).between(
            course.first_dose - dt.timedelta(days=1), until + dt.timedelta(days=1)
        )
        assert (
            sorted(
                e["DTSTART"].dt.astimezone(UTC)
                for e in expanded
                if str(e.get("CATEGORIES").to_ical(), "utf-8") == "B12 dose"
            )
            == instants
        )
        assert _instants_by_ical_timeline(data) == instants
        assert [
            (d.uid, d.when.astimezone(UTC)) for d in b12ical.read_ical(data)
        ] == sorted(expected, key=lambda pair: (pair[1], pair[0]))

    def test_a_regular_run_becomes_one_series_with_until_in_utc(self):
        """Scheduled doses after the first become one RRULE event whose UNTIL is UTC."""
        course = _course("us-label-cyanocobalamin", "America/New_York")
        data = _export(course, dt.datetime(2026, 12, 14, 12, tzinfo=UTC), compact=True)
        assert data.count(b"BEGIN:VEVENT") == 2 + 1  # first dose, series, review
        (rule,) = [
            line for line in data.split(b"\r\n") if line.startswith(b"RRULE:FREQ=DAILY")
        ]
        assert re.search(rb"UNTIL=\d{8}T\d{6}Z", rule)
        assert b"(daily doses 2-7 of 7)" in data

    def test_no_series_across_a_skipped_hour(self):
        """Doses at a local time a DST change skips stay one event each."""
        course = _course(
            "us-label-cyanocobalamin", "Europe/London", dt.datetime(2027, 3, 25, 1, 30)
        )
        until = dt.datetime(2027, 4, 1, tzinfo=UTC)
        data = _export(
            course, until, compact=True, include_reviews=False, include_flare=False
        )
        assert b"RRULE:FREQ=DAILY" not in data
        assert len(_dose_events(data)) == len(course.plan(until=until))

    def test_no_series_where_months_clamp(self):
        """Monthly doses anchored on the 31st, which RRULE would skip, stay one event each."""
        course = _course("nice-dietary-injection", start=dt.datetime(2027, 1, 31, 9))
        monthly = attrs.evolve(
            course.regimen,
            phases=(
                attrs.evolve(
                    course.regimen.phases[0], cadence=b12.Cadence.every_months(1)
                ),
            ),
        )
        course = b12.Course.begin(monthly, first_dose=course.first_dose, id="c1")
        until = dt.datetime(2027, 8, 1, tzinfo=UTC)
        data = _export(
            course, until, compact=True, include_reviews=False, include_flare=False
        )
        assert b"RRULE:FREQ=MONTHLY" not in data
        assert len(_dose_events(data)) == len(course.plan(until=until))

    def test_given_doses_split_the_series_and_keep_their_uids(self):
        """After a dose is given, it is its own event and the series restarts after it."""
        course = _course("us-label-cyanocobalamin")
        until = dt.datetime(2026, 12, 14, 12, tzinfo=UTC)
        first = _export(course, until, compact=True)
        course = course.record_dose(course.first_dose)
        second = _export(course, until, compact=True, previous=first)
        read = {d.uid: d for d in b12ical.read_ical(second)}
        assert read["c1-p0-d1@b12course"].status is b12.DoseStatus.GIVEN
        assert b"c1-p0-d3-series@b12course" in second
        assert "c1-p0-d2-series@b12course" in {str(e["UID"]) for e in _events(second)}
        cancelled = [
            e for e in _events(second) if str(e["UID"]) == "c1-p0-d2-series@b12course"
        ]
        assert str(cancelled[0]["STATUS"]) == "CANCELLED"

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            (b"X-B12COURSE-FIRST:2", b"X-B12COURSE-FIRST:3"),
            (b"X-B12COURSE-FIRST:2", b"X-B12COURSE-FIRST:two"),
            (
                b"DTSTART;TZID=America/New_York:20261208T090000",
                b"DTSTART;VALUE=DATE:20261208",
            ),
            (b"DTSTART;TZID=America/New_York:", b"DTSTART;TZID=Mars/Olympus:"),
        ],
    )
    def test_damaged_series_raises_calendar_format_error(self, old, new):
        """A series event with a damaged field raises CalendarFormatError."""
        course = _course("us-label-cyanocobalamin", "America/New_York")
        data = _export(course, dt.datetime(2026, 12, 14, 12, tzinfo=UTC), compact=True)
        assert b"-series@b12course" in data
        assert old in data
        with pytest.raises(CalendarFormatError):
            b12ical.read_ical(data.replace(old, new))

    @given(COURSES)
    def test_compact_round_trip_keeps_every_dose(self, course):
        """In compact mode, read_ical still gives back every dose's uid and instant."""
        until = course.first_dose + HORIZON
        data = _export(course, until, compact=True)
        read = b12ical.read_ical(data)
        assert sorted((d.uid, _seconds(d.when)) for d in read) == sorted(
            (f"{course.id}-p{d.phase}-d{d.number_in_phase}@b12course", _seconds(d.when))
            for d in course.plan(until=until)
        )
