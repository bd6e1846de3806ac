"""Worklists over many courses, and the pending-only plan expansion they use."""

import datetime as dt
import zoneinfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b12course import (
    Course,
    DoseStatus,
    Worklist,
    WorklistRow,
    regimens,
    worklist,
)
from b12course import strategies as b12st
from b12course._schedule import expand
from b12course._time import utc
from b12course.exceptions import NaiveDatetimeError, NotACourseError

Z = zoneinfo.ZoneInfo
LONDON = Z("Europe/London")
NEW_YORK = Z("America/New_York")
SYDNEY = Z("Australia/Sydney")
MONDAY = dt.datetime(2026, 12, 7, tzinfo=LONDON)
WEEK = dt.timedelta(days=7)


def pending(course, until, now=None):
    return tuple(
        d
        for d in course.plan(until=until, now=now)
        if d.given is None and d.skip is None
    )


def lean(course, until, now=None, grace=None):
    return expand(
        course.regimen,
        course.first_dose,
        course.zone,
        until=until,
        given=course.given,
        skips=course.skips,
        decisions=course.decisions,
        now=now,
        grace=grace,
        pending_only=True,
    )


@pytest.fixture
def clinic():
    """Three courses in three zones, one with doses given, one with a dose missed."""
    ann = Course.begin(
        regimens.get("nice-non-neuro"),
        first_dose=dt.datetime(2026, 11, 30, 9, tzinfo=LONDON),
        id="ann",
    )
    for day in (30, 2, 4):
        month = 11 if day == 30 else 12
        ann = ann.record_dose(dt.datetime(2026, month, day, 9, 10, tzinfo=LONDON))
    bob = Course.begin(
        regimens.get("nice-neuro"),
        first_dose=dt.datetime(2026, 12, 3, 8, tzinfo=NEW_YORK),
        id="bob",
    )
    cat = Course.begin(
        regimens.get("nice-dietary-injection"),
        first_dose=dt.datetime(2026, 12, 10, 9, tzinfo=SYDNEY),
        id="cat",
    )
    return [ann, bob, cat]


class TestPendingOnly:
    @given(
        course=b12st.courses(max_given=12),
        days=st.integers(0, 800),
        now_days=st.integers(-10, 800),
        grace_hours=st.none() | st.integers(0, 72),
    )
    def test_equals_the_pending_slots_of_the_full_plan(
        self, course, days, now_days, grace_hours
    ):
        """A pending-only expansion yields exactly the full plan's pending slots."""
        until = course.first_dose + dt.timedelta(days=days)
        now = course.first_dose + dt.timedelta(days=now_days)
        grace = None if grace_hours is None else dt.timedelta(hours=grace_hours)
        full = course.expand(until=until, now=now, grace=grace).doses
        assert lean(course, until, now, grace).doses == tuple(
            d for d in full if d.pending
        )

    @given(course=b12st.courses(max_given=12, skips=False, late=True))
    def test_equals_the_full_plan_without_skips(self, course):
        """Without skips (the fast-forward case) the pending slots still match."""
        until = course.first_dose + dt.timedelta(days=400)
        assert lean(course, until).doses == pending(course, until)
        assert lean(course, until).phases == ()

    def test_fast_forward_stops_at_a_phase_decision(self):
        """Doses given after a loading phase ended belong to the next phase."""
        course = Course.begin(
            regimens.get("nice-neuro"),
            first_dose=dt.datetime(2026, 1, 5, 9, tzinfo=LONDON),
        )
        for day in (5, 7, 9):
            course = course.record_dose(dt.datetime(2026, 1, day, 9, tzinfo=LONDON))
        course = course.end_phase(dt.datetime(2026, 1, 10, tzinfo=LONDON))
        course = course.record_dose(dt.datetime(2026, 3, 9, 9, tzinfo=LONDON))
        until = dt.datetime(2026, 8, 1, tzinfo=LONDON)
        assert lean(course, until).doses == pending(course, until)
        assert [d.phase_name for d in lean(course, until).doses] == ["maintenance"] * 2


class TestWorklist:
    def test_rows_merge_in_time_order_and_name_their_course(self, clinic):
        """Rows of all courses come in due order, each naming the course it is from."""
        wl = worklist(clinic, MONDAY, MONDAY + WEEK)
        dues = [utc(r.due) for r in wl]
        assert dues == sorted(dues)
        by_id = {c.id: c for c in clinic}
        for row in wl:
            assert row.dose in by_id[row.course_id].plan(until=MONDAY + WEEK)
        assert len({r.course_id for r in wl}) == 3

    def test_matches_a_naive_scan_of_every_plan(self, clinic):
        """The worklist equals filtering every full plan and sorting by due time."""
        now = MONDAY + dt.timedelta(days=3, hours=12)
        wl = worklist(clinic, MONDAY, MONDAY + WEEK, now=now)
        expected = sorted(
            (
                (c.id, d)
                for c in clinic
                for d in c.plan(until=MONDAY + WEEK, now=now)
                if d.pending
                and (utc(d.due) >= utc(MONDAY) or d.status is DoseStatus.OVERDUE)
            ),
            key=lambda row: utc(row[1].due),
        )
        assert [(r.course_id, r.dose) for r in wl] == expected
        assert len(wl) == len(expected) > 3
        assert {r.course_id for r in wl} == {"ann", "bob", "cat"}

    def test_a_pinned_week(self, clinic):
        """A known week: Ann's Monday and Wednesday doses, Bob's alternate days, Cat's first."""
        wl = worklist(clinic, MONDAY, MONDAY + dt.timedelta(days=3))
        assert [(r.course_id, r.due) for r in wl] == [
            ("ann", dt.datetime(2026, 12, 7, 9, 10, tzinfo=LONDON)),
            ("bob", dt.datetime(2026, 12, 7, 8, tzinfo=NEW_YORK)),
            ("ann", dt.datetime(2026, 12, 9, 9, 10, tzinfo=LONDON)),
            ("bob", dt.datetime(2026, 12, 9, 8, tzinfo=NEW_YORK)),
            ("cat", dt.datetime(2026, 12, 10, 9, tzinfo=SYDNEY)),
        ]
        assert wl.course_ids() == ("ann", "bob", "cat")

    def test_overdue_doses_are_listed_before_the_range(self, clinic):
        """Doses missed before the range are listed as overdue at now, first."""
        now = MONDAY + dt.timedelta(days=14)
        wl = worklist(clinic, now, now + WEEK, now=now)
        overdue = wl.overdue
        assert overdue
        assert all(r.status is DoseStatus.OVERDUE for r in overdue)
        assert all(utc(r.due) < utc(now) for r in overdue)
        assert wl.rows[: len(overdue)] == overdue
        assert all(utc(r.due) >= utc(now) for r in wl.due)
        assert len(wl.due) + len(overdue) == len(wl)

    def test_without_now_nothing_is_overdue(self, clinic):
        """Without now, only the range is listed and every row is scheduled."""
        wl = worklist(clinic, MONDAY + WEEK, MONDAY + 2 * WEEK)
        assert wl.overdue == ()
        assert {r.status for r in wl} == {DoseStatus.SCHEDULED}
        assert wl.now is None

    def test_ties_keep_the_order_of_the_courses(self):
        """Doses due at the same instant keep the order the courses were given in."""
        first = dt.datetime(2026, 12, 7, 9, tzinfo=LONDON)
        courses = [
            Course.begin(regimens.get("nice-non-neuro"), first_dose=first, id=name)
            for name in ("zed", "amy", "kim")
        ]
        wl = worklist(courses, MONDAY, MONDAY + dt.timedelta(days=1))
        assert [r.course_id for r in wl] == ["zed", "amy", "kim"]
        wl = worklist(reversed(courses), MONDAY, MONDAY + dt.timedelta(days=1))
        assert [r.course_id for r in wl] == ["kim", "amy", "zed"]

    def test_grace_makes_doses_overdue_sooner(self, clinic):
        """With a grace period, a dose is overdue that long after its time."""
        now = dt.datetime(2026, 12, 7, 12, tzinfo=LONDON)
        strict = worklist(clinic, now, now + WEEK, now=now, grace=dt.timedelta(hours=1))
        lenient = worklist(clinic, now, now + WEEK, now=now)
        assert [r.course_id for r in lenient.overdue] == ["bob", "bob"]
        assert [r.course_id for r in strict.overdue] == ["bob", "bob", "ann"]
        assert strict.overdue[-1].due == dt.datetime(2026, 12, 7, 9, 10, tzinfo=LONDON)
        # Without grace that dose is still due on its day, and before the range.
        assert lenient.rows == strict.rows[:2] + strict.rows[3:]

    def test_rows_and_worklist_are_values(self, clinic):
        """Rows and worklists are frozen values with the dose's due time and status."""
        wl = worklist(clinic, MONDAY, MONDAY + WEEK)
        row = wl.rows[0]
        assert isinstance(row, WorklistRow)
        assert isinstance(wl, Worklist)
        assert row == WorklistRow(row.course_id, row.dose)
        assert (row.due, row.status) == (row.dose.due, row.dose.status)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            row.course_id = "x"  # type: ignore[misc]
        assert worklist([], MONDAY, MONDAY + WEEK).rows == ()

    def test_refuses_bad_input(self, clinic):
        """Naive instants and things that are not courses are refused."""
        with pytest.raises(NaiveDatetimeError):
            worklist(clinic, dt.datetime(2026, 12, 7), MONDAY + WEEK)
        with pytest.raises(NaiveDatetimeError):
            worklist(clinic, MONDAY, dt.datetime(2026, 12, 14))
        with pytest.raises(NaiveDatetimeError):
            worklist(clinic, MONDAY, MONDAY + WEEK, now=dt.datetime(2026, 12, 9))
        with pytest.raises(NotACourseError, match="worklist"):
            worklist([*clinic, "dave"], MONDAY, MONDAY + WEEK)

    @settings(max_examples=60)
    @given(
        courses=st.lists(b12st.courses(max_given=6), max_size=4),
        days=st.integers(-30, 400),
    )
    def test_equals_the_naive_scan_for_any_courses(self, courses, days):
        """For any courses, the worklist equals a naive scan of every full plan."""
        start = dt.datetime(2020, 1, 1, tzinfo=LONDON) + dt.timedelta(days=days * 15)
        end = start + WEEK
        now = start + dt.timedelta(days=2)
        expected = sorted(
            (
                (c.id, d)
                for c in courses
                for d in c.plan(until=end, now=now)
                if d.pending
                and (utc(d.due) >= utc(start) or d.status is DoseStatus.OVERDUE)
            ),
            key=lambda row: utc(row[1].due),
        )
        wl = worklist(courses, start, end, now=now)
        assert [(r.course_id, r.dose) for r in wl] == expected
