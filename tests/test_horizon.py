"""The one horizon policy (b12course._horizon): how far every output shows a course."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import b12course as b12
from b12course import strategies

LONDON = zoneinfo.ZoneInfo("Europe/London")
FIRST = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
WEEK = dt.timedelta(weeks=1)


class TestHorizonFor:
    def test_a_preview_runs_from_the_first_dose(self):
        """Without now: firm 366 days, provisional 12 weeks past the first dose."""
        h = b12.horizon_for(FIRST)
        assert h.firm == FIRST + dt.timedelta(days=366)
        assert h.provisional == FIRST + 12 * WEEK
        assert "past the first dose" in h.reason

    def test_a_later_now_moves_both(self):
        """A now after the first dose is where both spans start."""
        now = FIRST + dt.timedelta(days=40)
        h = b12.horizon_for(FIRST, now=now)
        assert (h.firm, h.provisional) == (
            now + dt.timedelta(days=366),
            now + 12 * WEEK,
        )
        assert "past now" in h.reason
        early = b12.horizon_for(FIRST, now=FIRST - dt.timedelta(days=9))
        assert early == b12.horizon_for(FIRST)

    def test_until_and_provisional_horizon(self):
        """Until replaces the firm horizon; the provisional one never passes it."""
        until = FIRST + 4 * WEEK
        h = b12.horizon_for(FIRST, until=until)
        assert (h.firm, h.provisional) == (until, until)
        assert "as asked" in h.reason
        h = b12.horizon_for(FIRST, provisional_horizon=3 * WEEK)
        assert h.provisional == FIRST + 3 * WEEK
        assert h.shows(FIRST + 2 * WEEK, provisional=True)
        assert not h.shows(FIRST + 3 * WEEK, provisional=True)
        assert h.shows(FIRST + 3 * WEEK, provisional=False)

    @pytest.mark.parametrize("bad", [dt.timedelta(0), -WEEK, 12, "12 weeks"])
    def test_a_bad_provisional_horizon_is_refused(self, bad):
        """provisional_horizon is a positive timedelta or None."""
        with pytest.raises(b12.exceptions.SettingError):
            b12.horizon_for(FIRST, provisional_horizon=bad)
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=FIRST
        )
        with pytest.raises(b12.exceptions.SettingError):
            course.timeline(provisional_horizon=bad)

    def test_a_naive_now_is_refused(self):
        """Every instant is aware."""
        with pytest.raises(b12.exceptions.NaiveDatetimeError):
            b12.horizon_for(FIRST, now=dt.datetime(2026, 12, 1))


class TestTheViewCutsProvisionalDoses:
    def test_an_ended_phase_shows_no_plan_continues_event(self):
        """Once a clinician ends the undecided phase, its doses are firm: nothing is cut."""
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=FIRST
        )
        assert course.timeline().plan_continues is not None
        ended = course.record_dose(FIRST).end_phase(
            FIRST + dt.timedelta(days=20), reason="no further improvement"
        )
        view = ended.timeline(now=FIRST + dt.timedelta(days=21))
        assert view.plan_continues is None
        assert not any(d.provisional for d in view.planned_doses if d.pending)
        assert view.decisions == ended.decisions

    @given(
        course=strategies.courses(max_given=5),
        weeks=st.integers(1, 60),
        days=st.integers(-10, 300),
    )
    def test_never_a_gap_before_the_provisional_horizon(self, course, weeks, days):
        """The view's pending provisional doses are exactly the plan's before the provisional horizon: a cut tail, never a gap."""
        now = course.first_dose + dt.timedelta(days=days)
        span = dt.timedelta(weeks=weeks)
        view = course.timeline(now=now, provisional_horizon=span)
        horizon = view.horizon
        assert horizon == b12.horizon_for(
            course.first_dose, now=now, provisional_horizon=span
        )
        plan = course.plan(until=horizon.firm, now=now)
        before = [
            d
            for d in plan
            if not (d.provisional and d.pending)
            or horizon.shows(d.due, provisional=True)
        ]
        assert list(view.planned_doses) == before


class TestWaitingForAConfirmation:
    def test_an_unconfirmed_us_label_course_says_it_waits_for_a_confirmation(self):
        """The US label's provisional doses wait for a clinician's confirmation, and the plan-continues event says so."""
        ny = zoneinfo.ZoneInfo("America/New_York")
        first = dt.datetime(2026, 12, 1, 9, tzinfo=ny)
        course = b12.Course.begin(
            b12.regimens.get("us-label-pernicious-anaemia"), first_dose=first
        )
        (event,) = course.timeline(now=first).of_kind(b12.EventKind.PLAN_CONTINUES)
        assert "confirms the condition of the alternate days phase" in str(
            event.payload
        )
        assert "ends this phase" not in str(event.payload)
        confirmed = course.record_dose(first).confirm_phase(
            first + 6 * dt.timedelta(days=1), "reticulocytes rose", by="clinician"
        )
        view = confirmed.timeline(now=first + 7 * dt.timedelta(days=1))
        assert not view.of_kind(b12.EventKind.PLAN_CONTINUES)


def test_a_present_at_the_end_of_the_calendar_is_a_typed_error():
    """A view asked at a moment too near year 9999 for its horizon raises OutOfBoundsError, not OverflowError."""
    course = b12.Course.begin(
        b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=FIRST
    )
    late = dt.datetime(9999, 12, 1, tzinfo=dt.timezone.utc)
    with pytest.raises(b12.exceptions.OutOfBoundsError, match="end of the calendar"):
        course.timeline(now=late)
    with pytest.raises(b12.exceptions.OutOfBoundsError, match="now"):
        b12.horizon_for(FIRST, now=late)
