import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import b12course as b12
from b12course import strategies as b12st
from b12course.exceptions import NaiveDatetimeError, NotACourseError

LONDON = zoneinfo.ZoneInfo("Europe/London")
DAY = dt.timedelta(days=1)
FIRST = dt.datetime(2026, 3, 2, 9, tzinfo=LONDON)


def neuro() -> b12.Course:
    return b12.Course.begin(
        b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=FIRST
    )


class TestAdherence:
    def test_on_time_late_early_overdue_and_due_now(self):
        """Each planned dose due before now counts once: on time, late, early, skipped or due now."""
        course = neuro().record_dose(FIRST + dt.timedelta(minutes=30))
        course = course.record_dose(FIRST + 3 * DAY)  # due day 2: a day late
        course = course.skip_dose(number=3)
        course = course.record_dose(
            FIRST + 6 * DAY + dt.timedelta(hours=1)
        )  # a day early
        now = FIRST + 8 * DAY + dt.timedelta(hours=2)
        a = b12.adherence(course, now=now)
        assert (a.due, a.given, a.on_time, a.late, a.early, a.skipped) == (
            5, 3, 1, 1, 1, 1,
        )  # fmt: skip
        assert (a.overdue, a.due_now, a.counted, a.not_given) == (0, 1, 4, 1)
        assert a.share == 0.25
        assert str(a) == (
            "1 of 4 planned doses given on time (25 %); 1 late, 1 early; 1 not given"
        )

    def test_early_dose(self):
        """A dose given the day before its due day was given early, not on time."""
        course = neuro().record_dose(FIRST).record_dose(FIRST + DAY)
        a = b12.adherence(course, now=FIRST + 3 * DAY)
        assert (a.on_time, a.early, a.late) == (1, 1, 0)

    def test_grace_closes_the_window_early(self):
        """With a grace period a dose given after due + grace is late."""
        course = neuro().record_dose(FIRST + dt.timedelta(hours=3))
        now = FIRST + DAY
        assert b12.adherence(course, now=now).on_time == 1
        late = b12.adherence(course, now=now, grace=dt.timedelta(hours=2))
        assert (late.on_time, late.late) == (0, 1)

    def test_nothing_due_yet(self):
        """Before the first dose nothing is counted and the share is None."""
        a = b12.adherence(neuro(), now=FIRST - DAY)
        assert a.due == 0
        assert a.share is None
        assert str(a) == "no planned dose was due yet"

    def test_from_a_timeline(self):
        """A timeline built once gives the same adherence as its course."""
        course = neuro().record_dose(FIRST)
        now = FIRST + 5 * DAY
        timeline = course.timeline(until=now + 30 * DAY, now=now)
        assert b12.adherence(timeline, now=now) == b12.adherence(course, now=now)

    def test_bad_arguments(self):
        """A naive now or a source that is neither a course nor a timeline is refused."""
        with pytest.raises(NaiveDatetimeError):
            b12.adherence(neuro(), now=dt.datetime(2026, 3, 5))
        with pytest.raises(NotACourseError):
            b12.adherence("course.json", now=FIRST)

    @pytest.mark.slow
    @given(course=b12st.courses(), days=st.integers(min_value=-5, max_value=300))
    def test_counts_add_up(self, course, days):
        """Given, skipped, overdue and due-now doses add up to the doses due, and on time, late and early to the given."""
        now = course.first_dose + days * DAY
        a = b12.adherence(course, now=now)
        assert a.given + a.skipped + a.overdue + a.due_now == a.due
        assert a.on_time + a.late + a.early == a.given
        plan = course.plan(until=now, now=now)
        assert a.due == sum(1 for d in plan if d.due < now)
        assert a.overdue == sum(1 for d in plan if d.status is b12.DoseStatus.OVERDUE)
