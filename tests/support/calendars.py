"""Courses, exports and events for the calendar tests (test_ical_*)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import icalendar

import b12course as b12
from b12course import regimens
from b12course import strategies as b12st

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


def course(
    preset: str = "bnf-hydroxocobalamin-non-neuro",
    zone: str = "Europe/London",
    start: dt.datetime | None = None,
    course_id: str = "c1",
) -> b12.Course:
    """A course of ``preset`` begun at ``start`` (naive, read in ``zone``)."""
    tz = zoneinfo.ZoneInfo(zone)
    first = (start or dt.datetime(2026, 12, 7, 9)).replace(tzinfo=tz)
    return b12.Course.begin(regimens.get(preset), first_dose=first, id=course_id)


def export(course: b12.Course, until: dt.datetime, **kwargs: Any) -> bytes:
    """``to_ical`` with a fixed DTSTAMP unless told otherwise."""
    kwargs.setdefault("dtstamp", STAMP)
    return b12.to_ical(course, until=until, **kwargs)


def events(data: bytes) -> list[icalendar.Component]:
    """The VEVENTs of a calendar."""
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def dose_events(data: bytes) -> dict[str, icalendar.Component]:
    """The single (non-recurring) planned-dose events of a calendar, by UID."""
    return {
        str(e["UID"]): e
        for e in events(data)
        if str(e.get("X-B12COURSE-KIND")) == "planned_dose" and "RRULE" not in e
    }


def expected(
    course: b12.Course, until: dt.datetime, now: dt.datetime | None = None
) -> list[tuple[str, dt.datetime]]:
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
