"""Boundaries of b12course._schedule, pinned where mutation testing found them loose.

Each test pins one observable rule of the plan: the half-open horizon, the due
window's edges and grace, the inclusive review point, phase ends at a date or
an instant, the nearest slot on a grid, the first-dose tolerance, the names
a dose is read by, and the fields of the errors.  They call :func:`expand`
and :func:`locate` directly, so they are fast.  See docs/testing.md.
"""

import datetime as dt
import zoneinfo

import pytest

from b12course import (
    Anchoring,
    Cadence,
    Count,
    DoseSkip,
    DoseStatus,
    DueWindow,
    Lasting,
    PhaseDecision,
    PhaseEnding,
    UntilNoFurtherImprovement,
)
from b12course._schedule import (
    PhaseSpan,
    PlannedDose,
    check_grace,
    expand,
    locate,
)
from b12course.exceptions import DoseOrderError, SettingError
from support.schedules import (
    DAY,
    HOUR,
    IM,
    LONDON,
    MICRO,
    ORAL,
    UTC,
    gave,
    on,
    phase,
    regimen,
)


def plan(reg, first=None, until=None, **kw):
    return expand(reg, first or on(1), LONDON, until=until or on(31), **kw)


DAILY = regimen(phase())
LOADING_THEN_MAINTENANCE = regimen(
    phase("loading", Cadence.every_days(2), Count(3)),
    phase("maintenance", Cadence.every_weeks(1)),
)


class TestNames:
    def test_a_counted_dose_reads_its_number_of_the_phase_size(self):
        """A dose of a Count(n) phase reads "loading dose 2 of 3"."""
        doses = plan(LOADING_THEN_MAINTENANCE, until=on(20)).doses
        assert [d.name for d in doses[:4]] == [
            "loading dose 1 of 3",
            "loading dose 2 of 3",
            "loading dose 3 of 3",
            "maintenance dose 1",
        ]
        assert [d.phase_size for d in doses[:4]] == [3, 3, 3, None]
        assert [d.number for d in doses[:4]] == [1, 2, 3, 4]
        assert [d.number_in_phase for d in doses[:4]] == [1, 2, 3, 1]
        assert [d.phase for d in doses[:4]] == [0, 0, 0, 1]

    def test_str_reads_name_time_dose_status_and_provisional(self):
        """str(PlannedDose) is name, local time with zone, dose, status, provisional flag."""
        doses = plan(LOADING_THEN_MAINTENANCE, until=on(20)).doses
        assert str(doses[0]) == (
            f"loading dose 1 of 3, 2026-12-01 09:00 GMT, {IM}, scheduled"
        )
        provisional = PlannedDose(
            number=1,
            phase=0,
            phase_name="loading",
            number_in_phase=1,
            due=on(1),
            dose=IM,
            status=DoseStatus.DUE,
            provisional=True,
        )
        assert str(provisional) == (
            f"loading dose 1, 2026-12-01 09:00 GMT, {IM}, due, provisional"
        )

    def test_a_given_dose_is_placed_at_when_it_was_given(self):
        """A given slot's ``when`` is the administration, its ``due`` the planned time."""
        doses = plan(DAILY, given=gave(on(1, 11)), until=on(3)).doses
        assert doses[0].due == on(1)
        assert doses[0].when == on(1, 11)
        assert not doses[0].pending
        assert doses[1].pending
        assert doses[1].when == doses[1].due

    def test_span_words(self):
        """A span reads its phase, dates, dose count and ending ("open" when none)."""
        spans = plan(LOADING_THEN_MAINTENANCE, until=on(20)).phases
        assert (
            str(spans[0]) == "loading phase: 2026-12-01 to 2026-12-05, 3 doses, count"
        )
        assert str(spans[1]) == (
            "maintenance phase: 2026-12-12 to 2026-12-19, 2 doses, open"
        )
        assert (spans[0].slots, spans[1].slots) == (3, 2)
        assert spans[1].ending is None


class TestDueWindow:
    def test_without_grace_it_is_the_local_day(self):
        """The window is [local midnight, next local midnight), 25 h on the autumn change."""
        window = DueWindow.of(on(25, 9, month=10), LONDON)
        assert window.opens == dt.datetime(2026, 10, 24, 23, tzinfo=UTC)
        assert window.closes == dt.datetime(2026, 10, 26, 0, tzinfo=UTC)
        assert window.due == dt.datetime(2026, 10, 25, 9, tzinfo=UTC)
        assert window.due.tzinfo is UTC

    def test_the_local_day_is_the_zone_s_not_the_due_s(self):
        """The day is taken in the course zone, even for a due time given in another."""
        tokyo = on(1, 20).astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))  # 2 Dec there
        window = DueWindow.of(tokyo, LONDON)
        assert window.opens == dt.datetime(2026, 12, 1, tzinfo=UTC)

    def test_grace_closes_it_at_due_plus_grace(self):
        """With a grace the window closes exactly ``grace`` after the due instant."""
        window = DueWindow.of(on(1), LONDON, dt.timedelta(hours=2))
        assert window.closes == dt.datetime(2026, 12, 1, 11, tzinfo=UTC)
        assert window.opens == dt.datetime(2026, 12, 1, tzinfo=UTC)

    def test_status_edges_are_half_open(self):
        """Scheduled before the due instant, due from it, overdue from the close on."""
        window = DueWindow.of(on(1), LONDON, dt.timedelta(hours=2))
        assert window.status(None) is DoseStatus.SCHEDULED
        assert window.status(on(1) - MICRO) is DoseStatus.SCHEDULED
        assert window.status(on(1)) is DoseStatus.DUE
        assert window.status(on(1, 11) - MICRO) is DoseStatus.DUE
        assert window.status(on(1, 11)) is DoseStatus.OVERDUE

    def test_on_time_edges_are_half_open(self):
        """A dose given at the opening is on time; at the close it is not."""
        window = DueWindow.of(on(1), LONDON)
        assert window.on_time(on(1, 0))
        assert not window.on_time(on(1, 0) - MICRO)
        assert window.on_time(on(2, 0) - MICRO)
        assert not window.on_time(on(2, 0))

    def test_status_in_the_repeated_hour_compares_instants(self):
        """01:30 GMT (second pass) is after a 01:45 BST due time: the dose is due."""
        due = dt.datetime(2026, 10, 25, 1, 45, tzinfo=LONDON)  # first pass, 00:45 UTC
        now = dt.datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON)  # 01:30 UTC
        window = DueWindow.of(due, LONDON, dt.timedelta(minutes=30))
        assert window.status(now) is DoseStatus.OVERDUE


class TestGraceErrors:
    def test_not_a_timedelta_says_how_to_write_it(self):
        """A number of seconds is refused with the way to write a grace."""
        with pytest.raises(SettingError) as info:
            check_grace(3600)
        assert str(info.value) == (
            "grace must be a datetime.timedelta (e.g. timedelta(hours=2)) or "
            "None, not 3600"
        )

    def test_negative_says_why(self):
        """A negative grace is refused: a dose cannot be overdue before it is due."""
        with pytest.raises(SettingError) as info:
            check_grace(-HOUR)
        assert str(info.value) == (
            "grace must not be negative, not -1 day, 23:00:00: a dose cannot be "
            "overdue before it is due"
        )

    def test_zero_and_none_are_returned(self):
        """A zero grace and no grace come back as they are."""
        zero = dt.timedelta(0)
        assert check_grace(zero) is zero
        assert check_grace(None) is None
        assert expand(DAILY, on(1), LONDON, until=on(3), grace=zero).doses

    def test_expand_checks_grace(self):
        """expand() refuses a bad grace even when no status needs it."""
        with pytest.raises(SettingError):
            expand(DAILY, on(1), LONDON, until=on(3), grace=-HOUR)


class TestHorizon:
    def test_a_slot_due_at_the_horizon_is_left_out(self):
        """The horizon is exclusive: a slot due exactly at ``until`` is not planned."""
        assert [d.due for d in plan(DAILY, until=on(3)).doses] == [on(1), on(2)]
        assert [d.due for d in plan(DAILY, until=on(3) + MICRO).doses][-1] == on(3)

    def test_a_dose_given_at_the_horizon_is_left_out(self):
        """A slot given exactly at ``until`` is left out; given before it, kept."""
        doses = plan(DAILY, given=gave(on(1), on(2, 8)), until=on(2, 8)).doses
        assert [d.due for d in doses] == [on(1)]
        doses = plan(DAILY, given=gave(on(1), on(2, 8)), until=on(2, 9)).doses
        assert [d.when for d in doses] == [on(1), on(2, 8)]

    def test_a_dose_given_before_the_horizon_for_a_slot_due_after_is_kept(self):
        """A slot due after the horizon but given before it is in the plan."""
        doses = plan(DAILY, given=gave(on(1), on(2, 8)), until=on(2, 8, 30)).doses
        assert doses[-1].status is DoseStatus.GIVEN
        assert doses[-1].due == on(2)

    def test_an_empty_horizon_plans_nothing(self):
        """``until`` at the first dose plans nothing and no span."""
        result = plan(DAILY, until=on(1))
        assert result.doses == ()
        assert result.phases == ()


class TestStatusesInAPlan:
    def test_status_at_now_uses_the_due_window(self):
        """A pending slot is due from its instant and overdue after its local day."""
        doses = plan(DAILY, until=on(4), now=on(2)).doses
        assert [d.status for d in doses] == [
            DoseStatus.OVERDUE,
            DoseStatus.DUE,
            DoseStatus.SCHEDULED,
        ]
        doses = plan(DAILY, until=on(4), now=on(2, 0) - MICRO).doses
        assert [d.status for d in doses] == [
            DoseStatus.DUE,
            DoseStatus.SCHEDULED,
            DoseStatus.SCHEDULED,
        ]

    def test_grace_in_a_plan(self):
        """With a two-hour grace, a dose is overdue two hours after it is due."""
        grace = dt.timedelta(hours=2)
        doses = plan(DAILY, until=on(2), now=on(1, 11) - MICRO, grace=grace).doses
        assert doses[0].status is DoseStatus.DUE
        doses = plan(DAILY, until=on(2), now=on(1, 11), grace=grace).doses
        assert doses[0].status is DoseStatus.OVERDUE

    def test_given_and_skipped_slots_keep_their_status_whatever_now(self):
        """A given or skipped slot is not due or overdue."""
        skip = DoseSkip(due=on(2), phase=0, number_in_phase=2)
        doses = plan(
            DAILY, given=gave(on(1)), skips=(skip,), until=on(4), now=on(5)
        ).doses
        assert [d.status for d in doses] == [
            DoseStatus.GIVEN,
            DoseStatus.SKIPPED,
            DoseStatus.OVERDUE,
        ]
        assert doses[1].skip is skip


class TestPhaseEnds:
    def test_a_lasting_phase_has_no_slot_on_its_end_date(self):
        """Lasting(days=3) from 1 December: slots on 1-3, none on the 4th."""
        reg = regimen(
            phase("loading", end=Lasting(days=3)),
            phase("maintenance", Cadence.every_weeks(1)),
        )
        result = plan(reg, until=on(12))
        assert [(d.phase, d.due.day) for d in result.doses] == [
            (0, 1),
            (0, 2),
            (0, 3),
            (1, 10),
        ]
        assert result.phases[0].ending is PhaseEnding.LASTING
        assert result.phases[0].decision is None

    def test_a_dose_given_on_the_end_date_is_the_next_phase_s(self):
        """A dose given on a Lasting phase's end date fulfils the next phase."""
        reg = regimen(
            phase("loading", end=Lasting(days=3)),
            phase("maintenance", Cadence.every_weeks(1)),
        )
        given = gave(on(1), on(2), on(3), on(4, 0, 30))
        doses = plan(reg, given=given, until=on(12)).doses
        assert [(d.phase, d.status) for d in doses] == [
            (0, DoseStatus.GIVEN),
            (0, DoseStatus.GIVEN),
            (0, DoseStatus.GIVEN),
            (1, DoseStatus.GIVEN),
            (1, DoseStatus.SCHEDULED),
        ]
        assert doses[3].due == on(10)
        assert doses[4].due == on(11, 0, 30)

    def test_a_slot_due_at_the_decision_is_not_in_the_phase(self):
        """A decision at a slot's due instant ends the phase before that slot."""
        decision = PhaseDecision(phase=0, at=on(3), reason="r")
        result = plan(DAILY, decisions=(decision,), until=on(10))
        assert [d.due for d in result.doses] == [on(1), on(2)]
        span = result.phases[0]
        assert span.ending is PhaseEnding.DECISION
        assert span.decision is decision
        assert (span.first, span.last, span.slots) == (on(1), on(2), 2)

    def test_a_slot_due_a_moment_before_the_decision_stays(self):
        """A decision a microsecond after a slot's due instant keeps that slot."""
        decision = PhaseDecision(phase=0, at=on(3) + MICRO, reason="r")
        result = plan(DAILY, decisions=(decision,), until=on(10))
        assert [d.due for d in result.doses] == [on(1), on(2), on(3)]

    def test_a_dose_given_before_the_decision_fulfils_a_slot_due_after_it(self):
        """A dose given before the decision takes the next slot even if it was due after."""
        decision = PhaseDecision(phase=0, at=on(2, 12), reason="r")
        reg = regimen(
            phase("loading", end=Count(10)),
            phase("maintenance", Cadence.every_weeks(1)),
        )
        result = plan(
            reg, given=gave(on(1), on(2, 11)), decisions=(decision,), until=on(10)
        )
        assert [(d.phase, d.when) for d in result.doses] == [
            (0, on(1)),
            (0, on(2, 11)),
            (1, on(9, 11)),
        ]

    def test_a_dose_given_at_the_decision_is_the_next_phase_s(self):
        """A dose given exactly at the decision's instant belongs to the next phase."""
        decision = PhaseDecision(phase=0, at=on(2, 12), reason="r")
        reg = regimen(
            phase("loading", end=Count(10)),
            phase("maintenance", Cadence.every_weeks(1)),
        )
        result = plan(
            reg, given=gave(on(1), on(2, 12)), decisions=(decision,), until=on(10)
        )
        assert [(d.phase, d.status) for d in result.doses] == [
            (0, DoseStatus.GIVEN),
            (0, DoseStatus.SCHEDULED),
            (1, DoseStatus.GIVEN),
            (1, DoseStatus.SCHEDULED),
        ]
        assert result.doses[3].due == on(9, 12)

    def test_a_decision_after_the_horizon_is_not_on_the_span(self):
        """A phase open at the horizon has no ending and no decision, even one recorded later."""
        decision = PhaseDecision(phase=0, at=on(10), reason="r")
        span = plan(DAILY, decisions=(decision,), until=on(5)).phases[0]
        assert span.ending is None
        assert span.decision is None

    def test_the_earliest_decision_of_a_phase_counts(self):
        """Of two decisions for one phase, the earlier one ends it."""
        late = PhaseDecision(phase=0, at=on(5), reason="late")
        early = PhaseDecision(phase=0, at=on(3), reason="early")
        result = plan(DAILY, decisions=(late, early), until=on(10))
        assert result.phases[0].decision is early
        assert len(result.doses) == 2

    def test_count_ends_after_n_unskipped_slots(self):
        """A skipped slot does not count: Count(3) with one skip has four slots."""
        skip = DoseSkip(due=on(3), phase=0, number_in_phase=2)
        result = plan(LOADING_THEN_MAINTENANCE, skips=(skip,), until=on(12))
        loading = [d for d in result.doses if d.phase == 0]
        assert [d.status for d in loading] == [
            DoseStatus.SCHEDULED,
            DoseStatus.SKIPPED,
            DoseStatus.SCHEDULED,
            DoseStatus.SCHEDULED,
        ]
        assert result.phases[0].slots == 4
        assert result.phases[0].ending is PhaseEnding.COUNT


class TestReviewPoint:
    REG = regimen(
        phase(
            "loading",
            Cadence.every_days(2),
            UntilNoFurtherImprovement(review_after=Lasting(days=4)),
        ),
        phase("maintenance", Cadence.every_weeks(1)),
    )

    def test_a_slot_due_at_the_review_point_is_provisional(self):
        """Review after 4 days from 1 December 09:00: the slot due on 5 December 09:00 is provisional."""
        result = plan(self.REG, until=on(10))
        assert [(d.due.day, d.provisional) for d in result.doses] == [
            (1, False),
            (3, False),
            (5, True),
            (7, True),
            (9, True),
        ]
        assert result.phases[0].review == on(5)
        assert result.phases[0].review.tzinfo is LONDON
        assert result.phases[0].ending is None

    def test_the_review_is_at_the_first_dose_s_wall_time(self):
        """The review keeps the local time of the first dose given, across a DST change."""
        first = dt.datetime(2026, 3, 27, 9, 30, tzinfo=LONDON)
        result = expand(
            self.REG, first, LONDON, until=dt.datetime(2026, 4, 5, tzinfo=LONDON)
        )
        assert result.phases[0].review == dt.datetime(2026, 3, 31, 9, 30, tzinfo=LONDON)

    def test_the_review_is_a_day_and_time_of_the_course_zone(self):
        """New York, first dose 20:00 (01:00 UTC the next day): the review is 20:00 New York time."""
        ny = zoneinfo.ZoneInfo("America/New_York")
        first = dt.datetime(2026, 12, 1, 20, tzinfo=ny)
        result = expand(self.REG, first, ny, until=dt.datetime(2026, 12, 12, tzinfo=ny))
        assert result.phases[0].review == dt.datetime(2026, 12, 5, 20, tzinfo=ny)

    def test_a_decision_removes_provisional(self):
        """Once decided, the phase's slots after the review point are not provisional."""
        decision = PhaseDecision(phase=0, at=on(8), reason="r")
        result = plan(self.REG, decisions=(decision,), until=on(20))
        assert not any(d.provisional for d in result.doses)
        assert [d.phase for d in result.doses] == [0, 0, 0, 0, 1]


class TestGridNearest:
    GRID = regimen(phase(cadence=Cadence.every_days(2), anchoring=Anchoring.GRID))

    def test_a_dose_exactly_between_two_slots_fulfils_the_earlier(self):
        """On an alternate-day grid a dose at the midpoint fulfils the earlier slot."""
        doses = plan(self.GRID, given=gave(on(2)), until=on(6)).doses
        assert [(d.due.day, d.status) for d in doses] == [
            (1, DoseStatus.GIVEN),
            (3, DoseStatus.SCHEDULED),
            (5, DoseStatus.SCHEDULED),
        ]

    def test_a_dose_just_past_the_midpoint_fulfils_the_later(self):
        """A microsecond past the midpoint, the later slot is the nearer one."""
        doses = plan(self.GRID, given=gave(on(2) + MICRO), until=on(6)).doses
        assert [(d.due.day, d.status) for d in doses] == [
            (1, DoseStatus.SCHEDULED),
            (3, DoseStatus.GIVEN),
            (5, DoseStatus.SCHEDULED),
        ]

    def test_the_grid_keeps_its_times_after_a_late_dose(self):
        """A late dose on a grid does not move the later slots."""
        doses = plan(self.GRID, given=gave(on(1, 20)), until=on(6)).doses
        assert [d.due for d in doses] == [on(1), on(3), on(5)]

    def test_the_last_slot_of_a_counted_grid_phase_takes_the_dose(self):
        """The last slot of a Count phase takes a late dose: there is no next slot."""
        reg = regimen(
            phase("loading", Cadence.every_days(2), Count(2), Anchoring.GRID),
            phase("maintenance", Cadence.every_weeks(1)),
        )
        doses = plan(reg, given=gave(on(1), on(5)), until=on(20)).doses
        assert [(d.phase, d.due.day, d.status) for d in doses[:3]] == [
            (0, 1, DoseStatus.GIVEN),
            (0, 3, DoseStatus.GIVEN),
            (1, 12, DoseStatus.SCHEDULED),
        ]

    def test_a_grid_phase_before_a_lasting_end_takes_a_late_dose_on_its_last_slot(self):
        """On a Lasting grid phase, a dose late for the last slot still fulfils it."""
        reg = regimen(
            phase("loading", Cadence.every_days(2), Lasting(days=4), Anchoring.GRID),
            phase("maintenance", Cadence.every_weeks(1)),
        )
        doses = plan(reg, given=gave(on(1), on(4, 8)), until=on(20)).doses
        assert [(d.phase, d.due.day, d.status) for d in doses[:3]] == [
            (0, 1, DoseStatus.GIVEN),
            (0, 3, DoseStatus.GIVEN),
            (1, 11, DoseStatus.SCHEDULED),
        ]

    def test_the_only_slot_of_a_one_day_grid_phase_takes_a_late_dose(self):
        """A dose late on the one day of a Lasting(days=1) grid phase fulfils its only slot."""
        reg = regimen(
            phase("loading", Cadence.daily(), Lasting(days=1), Anchoring.GRID),
            phase("maintenance", Cadence.every_weeks(1)),
        )
        doses = plan(reg, first=on(7), given=gave(on(7, 22)), until=on(31)).doses
        assert [(d.phase, d.due, d.status) for d in doses[:2]] == [
            (0, on(7), DoseStatus.GIVEN),
            (1, on(14, 22), DoseStatus.SCHEDULED),
        ]

    def test_the_first_slot_of_a_lasting_grid_phase_still_passes_a_dose_on(self):
        """On a longer Lasting grid phase, a dose nearer the second slot fulfils that one."""
        reg = regimen(
            phase("loading", Cadence.daily(), Lasting(days=3), Anchoring.GRID),
            phase("maintenance", Cadence.every_weeks(1)),
        )
        doses = plan(reg, first=on(7), given=gave(on(7, 22)), until=on(31)).doses
        assert [(d.phase, d.due.day, d.status) for d in doses[:3]] == [
            (0, 7, DoseStatus.SCHEDULED),
            (0, 8, DoseStatus.GIVEN),
            (0, 9, DoseStatus.SCHEDULED),
        ]


class TestPendingOnly:
    def test_pending_only_keeps_the_pending_slots_numbered_as_in_the_plan(self):
        """pending_only gives exactly the pending slots of the full plan, no spans."""
        skip = DoseSkip(due=on(26, 10), phase=1, number_in_phase=3)
        kw = {
            "given": gave(on(1), on(3, 10), on(5, 10), on(12, 10), on(19, 10)),
            "skips": (skip,),
            "until": dt.datetime(2027, 1, 20, tzinfo=LONDON),
            "now": on(27),
        }
        full = plan(LOADING_THEN_MAINTENANCE, **kw)
        pending = plan(LOADING_THEN_MAINTENANCE, pending_only=True, **kw)
        assert pending.doses == tuple(d for d in full.doses if d.pending)
        assert pending.phases == ()
        assert [d.number for d in pending.doses] == [7, 8, 9]
        assert [d.number_in_phase for d in pending.doses] == [4, 5, 6]
        assert pending.doses[0].due == dt.datetime(2027, 1, 2, 10, tzinfo=LONDON)

    def test_pending_only_stops_at_a_decision(self):
        """pending_only ends a phase at its decision, as the full plan does."""
        decision = PhaseDecision(phase=1, at=on(20), reason="r")
        kw = {
            "given": gave(on(1), on(3, 10), on(5, 10), on(12, 10), on(19, 10)),
            "decisions": (decision,),
            "until": dt.datetime(2027, 1, 20, tzinfo=LONDON),
        }
        assert plan(LOADING_THEN_MAINTENANCE, pending_only=True, **kw).doses == ()
        assert len(plan(LOADING_THEN_MAINTENANCE, **kw).doses) == 5

    def test_pending_only_stops_at_the_horizon(self):
        """pending_only takes no dose given at or after the horizon."""
        kw = {
            "given": gave(on(1), on(2), on(3), on(4)),
            "until": on(3),
        }
        assert plan(DAILY, pending_only=True, **kw).doses == ()
        assert [d.number for d in plan(DAILY, **kw).doses] == [1, 2]


class TestFirstDoseTolerance:
    def test_one_interval_before_the_planned_day_is_the_limit(self):
        """Daily from 5 December: a dose at 4 December 00:00 is accepted, a microsecond earlier is not."""
        first = on(5)
        ok = locate(DAILY, first, LONDON, given=gave(on(4, 0)), index=0)
        ok.check()
        assert ok.earliest_first == on(4, 0)
        early = locate(DAILY, first, LONDON, given=gave(on(4, 0) - MICRO), index=0)
        with pytest.raises(DoseOrderError) as info:
            early.check()
        assert info.value.slot.number == 1
        assert str(info.value) == (
            "a dose given at 2026-12-03T23:59:59.999999+00:00 is too early to be "
            "the first dose (only dose 1, planned for 2026-12-05T09:00:00+00:00): "
            "it is more than one interval before that day; check the date, or "
            "begin the course when it really started"
        )

    def test_the_tolerance_starts_at_the_course_zone_s_midnight(self):
        """New York, daily from 5 December 09:00: the tolerance opens at 4 December 00:00 there."""
        ny = zoneinfo.ZoneInfo("America/New_York")
        first = dt.datetime(2026, 12, 5, 9, tzinfo=ny)
        placement = locate(DAILY, first, ny, given=gave(first), index=0)
        assert placement.earliest_first == dt.datetime(2026, 12, 4, tzinfo=ny)

    def test_a_monthly_interval_rounds_up_to_31_days(self):
        """A monthly first phase tolerates 31 days (30.44 rounded up)."""
        reg = regimen(phase(cadence=Cadence.every_months(1)))
        placement = locate(reg, on(31), LONDON, given=gave(on(31)), index=0)
        assert placement.earliest_first == on(31, 0) - 31 * DAY

    def test_the_second_slot_is_not_held_to_the_tolerance(self):
        """Only slot 1 is held to the tolerance: dose 2 may be given any time after dose 1."""
        placement = locate(DAILY, on(5), LONDON, given=gave(on(5), on(5, 10)), index=1)
        placement.check()
        assert placement.slot.number == 2
        assert placement.before.number == 1


class TestPlacement:
    def test_locate_finds_the_slot_the_before_and_the_after(self):
        """A dose recorded last: its slot, the slot after it, and no earlier pending slot."""
        given = gave(on(1), on(3, 10))
        placement = locate(
            LOADING_THEN_MAINTENANCE, on(1), LONDON, given=given, index=1
        )
        assert placement.slot.name == "loading dose 2 of 3"
        assert placement.slot.given is given[1]
        assert placement.before.given is given[0]
        assert placement.after.name == "loading dose 3 of 3"
        assert placement.after.due == on(5, 10)
        assert placement.later == (placement.after,)

    def test_locate_after_a_run_of_doses_has_no_slot_before(self):
        """After a run of doses given, the slot before is fulfilled, in order: None."""
        given = gave(on(1), on(2), on(3), on(4))
        placement = locate(DAILY, on(1), LONDON, given=given, index=3)
        assert placement.slot.number == 4
        assert placement.slot.given is given[3]
        assert placement.before is None
        assert [d.number for d in placement.later] == [5]
        assert placement.after.due == on(5)

    def test_locate_a_backfill_walks_to_the_last_dose_given(self):
        """A backfilled dose moves later doses: the walk goes on past the last one given."""
        given = gave(on(1), on(2), on(5))
        placement = locate(DAILY, on(1), LONDON, given=given, index=1)
        assert placement.slot.number == 2
        assert [d.number for d in placement.later] == [3, 4]
        assert [d.given is not None for d in placement.later] == [True, False]

    def test_a_dose_at_the_time_of_a_skipped_slot_before_it_is_refused(self):
        """A dose that would fulfil a slot at or before a skipped earlier slot is refused."""
        reg = regimen(phase(anchoring=Anchoring.GRID))
        skip = DoseSkip(due=on(2), phase=0, number_in_phase=2)
        placement = locate(
            reg, on(1), LONDON, given=gave(on(1), on(2, 9)), index=1, skips=(skip,)
        )
        assert placement.before is not None
        assert placement.before.skip is skip
        with pytest.raises(DoseOrderError) as info:
            placement.check()
        assert info.value.slot is placement.before
        assert info.value.given_at == on(2, 9)
        assert str(info.value) == (
            "a dose given at 2026-12-02T09:00:00+00:00 would put only dose 2 "
            "(skipped, 2026-12-02T09:00:00+00:00) at or after only dose 3 "
            "(given, 2026-12-02T09:00:00+00:00): the plan would be out of time "
            "order; check the time of the dose and of the skipped dose"
        )

    def test_a_dose_that_moves_a_later_dose_before_a_skipped_slot_is_refused(self):
        """A first dose recorded after a later one would put dose 3 before skipped dose 2."""
        given = gave(on(1), on(1, 15))
        placement = locate(
            DAILY, on(1), LONDON, given=given, index=0, skips=(skip(2, 2),)
        )
        with pytest.raises(DoseOrderError) as info:
            placement.check()
        assert info.value.given_at == on(1)
        assert info.value.slot is placement.later[1]
        assert info.value.slot.number == 3
        assert str(info.value) == (
            "a dose given at 2026-12-01T09:00:00+00:00 would put only dose 2 "
            "(skipped, 2026-12-02T09:00:00+00:00) at or after only dose 3 "
            "(given, 2026-12-01T15:00:00+00:00): the plan would be out of time "
            "order; check the time of the dose and of the skipped dose"
        )

    def test_a_placement_without_a_given_slot_is_accepted(self):
        """A dose after the regimen ended fulfils no slot and is not refused."""
        decision = PhaseDecision(phase=0, at=on(2, 12), reason="r")
        placement = locate(
            DAILY,
            on(1),
            LONDON,
            given=gave(on(1), on(3)),
            index=1,
            decisions=(decision,),
        )
        assert placement.slot is None
        assert placement.before is None
        placement.check()


class TestSkipsByDue:
    def test_two_legacy_skips_at_one_due_mark_one_slot(self):
        """Skips without a slot, at the same due instant, mark the first slot due then, once."""
        skips = (DoseSkip(due=on(2)), DoseSkip(due=on(2), reason="again"))
        doses = plan(DAILY, skips=skips, until=on(5)).doses
        assert [d.status for d in doses] == [
            DoseStatus.SCHEDULED,
            DoseStatus.SKIPPED,
            DoseStatus.SCHEDULED,
            DoseStatus.SCHEDULED,
        ]
        assert doses[1].skip is skips[0]

    def test_a_legacy_skip_matches_the_due_instant_in_any_zone(self):
        """A skip's due given in another zone marks the slot due at that instant."""
        skip = DoseSkip(due=on(2).astimezone(zoneinfo.ZoneInfo("Asia/Tokyo")))
        doses = plan(DAILY, skips=(skip,), until=on(4)).doses
        assert [d.status for d in doses] == [
            DoseStatus.SCHEDULED,
            DoseStatus.SKIPPED,
            DoseStatus.SCHEDULED,
        ]

    def test_a_skip_by_slot_and_one_by_due_each_mark_their_slot(self):
        """A skip naming its slot and an old one naming only its due mark two slots."""
        skips = (skip(2, 2), DoseSkip(due=on(4)))
        doses = plan(DAILY, skips=skips, until=on(5)).doses
        assert [d.status for d in doses] == [P, S, P, S]
        assert [d.skip for d in doses] == [None, skips[0], None, skips[1]]

    def test_the_first_of_two_skips_of_one_slot_is_kept(self):
        """Two skips naming one slot: the first recorded is the slot's skip."""
        first = DoseSkip(due=on(2), phase=0, number_in_phase=2, reason="first")
        second = DoseSkip(due=on(2), phase=0, number_in_phase=2, reason="second")
        doses = plan(DAILY, skips=(first, second), until=on(4)).doses
        assert doses[1].skip is first


class TestOralDoseOfThePhase:
    def test_each_slot_carries_its_phase_s_dose(self):
        """A slot's dose is its own phase's dose."""
        reg = regimen(
            phase("loading", end=Count(1)),
            phase("maintenance", Cadence.every_weeks(1), dose=ORAL),
        )
        doses = plan(reg, until=on(10)).doses
        assert [d.dose for d in doses] == [IM, ORAL]
        assert doses[1].due == on(8)
        assert [s.phase.name for s in plan(reg, until=on(10)).phases] == [
            "loading",
            "maintenance",
        ]
        assert isinstance(plan(reg, until=on(10)).phases[0], PhaseSpan)


def grid(end=None, cadence=None):
    return regimen(
        phase("loading", cadence or Cadence.daily(), end or Count(20), Anchoring.GRID),
        phase("maintenance", Cadence.every_weeks(1)),
    )


def skip(day, number, phase_index=0):
    return DoseSkip(due=on(day), phase=phase_index, number_in_phase=number)


def statuses(doses, count=None):
    return [(d.due.day, d.status) for d in doses[:count]]


G, S, P = DoseStatus.GIVEN, DoseStatus.SKIPPED, DoseStatus.SCHEDULED


class TestGridNextOpenSlot:
    """The slot a grid dose is compared with is the next one not skipped, in the phase."""

    def test_the_next_slot_compared_is_after_the_skipped_one(self):
        """Skip Tuesday; a dose on Tuesday 12:00 is nearer Wednesday than Monday: Wednesday's."""
        doses = plan(grid(), given=gave(on(8, 12)), skips=(skip(8, 2),), first=on(7))
        assert statuses(doses.doses, 4) == [(7, P), (8, S), (9, G), (10, P)]

    def test_two_skipped_slots_in_a_row_are_both_passed_over(self):
        """Skip Tuesday and Wednesday; Tuesday 15:00 is nearer Monday than Thursday."""
        doses = plan(
            grid(),
            given=gave(on(8, 15)),
            skips=(skip(8, 2), skip(9, 3)),
            first=on(7),
        ).doses
        assert statuses(doses, 5) == [(7, G), (8, S), (9, S), (10, P), (11, P)]

    def test_a_skip_from_an_old_document_is_passed_over_too(self):
        """A skip without a slot (matched by due) is passed over like one with a slot."""
        doses = plan(
            grid(), given=gave(on(7, 23)), skips=(DoseSkip(due=on(8)),), first=on(7)
        ).doses
        assert statuses(doses, 3) == [(7, G), (8, S), (9, P)]

    def test_a_decision_before_the_next_slot_leaves_the_last_slot_the_dose(self):
        """A decision at 23:00 ends the phase: a dose at 22:00 is Monday's, not Tuesday's."""
        decision = PhaseDecision(phase=0, at=on(7, 23), reason="r")
        doses = plan(
            grid(), given=gave(on(7, 22)), decisions=(decision,), first=on(7)
        ).doses
        assert [(d.phase, d.due.day, d.status) for d in doses[:2]] == [
            (0, 7, G),
            (1, 14, P),
        ]

    def test_a_decision_at_the_next_slot_s_time_leaves_the_last_slot_the_dose(self):
        """A decision exactly at Tuesday 09:00 ends the phase before Tuesday's slot."""
        decision = PhaseDecision(phase=0, at=on(8), reason="r")
        doses = plan(
            grid(), given=gave(on(7, 22)), decisions=(decision,), first=on(7)
        ).doses
        assert [(d.phase, d.due.day, d.status) for d in doses[:2]] == [
            (0, 7, G),
            (1, 14, P),
        ]

    def test_a_lasting_end_leaves_the_last_slot_the_dose(self):
        """Lasting two days: a dose on Tuesday 22:00, nearer Wednesday 09:00, is Tuesday's."""
        doses = plan(
            grid(Lasting(days=2)), given=gave(on(7), on(8, 22)), first=on(7)
        ).doses
        assert [(d.phase, d.due.day, d.status) for d in doses[:3]] == [
            (0, 7, G),
            (0, 8, G),
            (1, 15, P),
        ]

    def test_a_lasting_end_on_alternate_days_leaves_the_last_slot_the_dose(self):
        """Lasting 4 days on alternate days: slots 1 and 3; a dose on the 4th at 12:00 is the 3rd's."""
        reg = grid(Lasting(days=4), Cadence.every_days(2))
        doses = plan(reg, given=gave(on(1), on(4, 12)), until=on(20)).doses
        assert [(d.phase, d.due.day, d.status) for d in doses[:3]] == [
            (0, 1, G),
            (0, 3, G),
            (1, 11, P),
        ]

    def test_the_next_slot_is_read_in_the_course_zone(self):
        """New York daily at 09:00: 20:59 is nearer today's dose, 21:01 tomorrow's."""
        ny = zoneinfo.ZoneInfo("America/New_York")
        first = dt.datetime(2026, 12, 7, 9, tzinfo=ny)
        for minute, taken in ((59, 0), (61, 1)):
            at = dt.datetime(2026, 12, 7, 20, tzinfo=ny) + dt.timedelta(minutes=minute)
            doses = expand(
                grid(),
                first,
                ny,
                until=dt.datetime(2026, 12, 10, tzinfo=ny),
                given=gave(at),
            ).doses
            assert [d.status is G for d in doses] == [k == taken for k in range(3)]

    def test_a_lasting_end_is_a_date_in_the_course_zone(self):
        """Tokyo, Lasting 2 days from 1 December 08:00: the phase ends at midnight Tokyo time."""
        tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
        first = dt.datetime(2026, 12, 1, 8, tzinfo=tokyo)
        late = dt.datetime(2026, 12, 2, 23, tzinfo=tokyo)  # 14:00 UTC
        doses = expand(
            grid(Lasting(days=2)),
            first,
            tokyo,
            until=dt.datetime(2026, 12, 20, tzinfo=tokyo),
            given=gave(first, late),
        ).doses
        assert [(d.phase, d.due.day, d.status) for d in doses[:3]] == [
            (0, 1, G),
            (0, 2, G),
            (1, 9, P),
        ]

    def test_apia_skipped_day_and_a_skipped_slot(self):
        """Apia, daily grid from 29 Dec 2011, slot 2 (31 Dec) skipped: the next compared is 1 Jan."""
        apia = zoneinfo.ZoneInfo("Pacific/Apia")
        first = dt.datetime(2011, 12, 29, 9, tzinfo=apia)
        at = dt.datetime(2011, 12, 30, 12, tzinfo=UTC)  # 31 Dec 02:00 in Apia
        slot_2 = DoseSkip(
            due=dt.datetime(2011, 12, 31, 9, tzinfo=apia), phase=0, number_in_phase=2
        )
        doses = expand(
            grid(),
            first,
            apia,
            until=dt.datetime(2012, 1, 2, tzinfo=apia),
            given=gave(at),
            skips=(slot_2,),
        ).doses
        assert [(d.due.day, d.status) for d in doses] == [(29, G), (31, S), (1, P)]

    def test_apia_a_dose_nearer_the_next_real_day_is_its(self):
        """Apia, slot 2 skipped: a dose on 31 Dec 20:00 is nearer 1 Jan than 29 Dec: 1 Jan's."""
        apia = zoneinfo.ZoneInfo("Pacific/Apia")
        first = dt.datetime(2011, 12, 29, 9, tzinfo=apia)
        slot_2 = DoseSkip(
            due=dt.datetime(2011, 12, 31, 9, tzinfo=apia), phase=0, number_in_phase=2
        )
        doses = expand(
            grid(),
            first,
            apia,
            until=dt.datetime(2012, 1, 3, tzinfo=apia),
            given=gave(dt.datetime(2011, 12, 31, 20, tzinfo=apia)),
            skips=(slot_2,),
        ).doses
        assert [(d.due.day, d.status) for d in doses] == [
            (29, P),
            (31, S),
            (1, G),
            (2, P),
        ]


class TestRunsOfDosesGiven:
    """Worklists and recording take runs of doses given at once; the result is the plan's."""

    def test_a_skip_inside_a_run_of_doses_keeps_its_slot(self):
        """Daily doses 1-5 given, slot 3 skipped: pending_only numbers as the full plan."""
        kw = {
            "given": gave(on(1), on(2), on(3, 10), on(4, 10), on(5, 10)),
            "skips": (skip(3, 3),),
            "until": on(9),
        }
        full = plan(DAILY, **kw).doses
        assert [d.status for d in full] == [G, G, S, G, G, G, P, P, P]
        pending = plan(DAILY, pending_only=True, **kw).doses
        assert pending == tuple(d for d in full if d.pending)
        assert [d.number for d in pending] == [7, 8, 9]

    def test_a_run_stops_at_the_count_before_a_later_decision(self):
        """A decision after the count is reached does not let a run take more doses."""
        decision = PhaseDecision(phase=0, at=on(10), reason="r")
        kw = {
            "given": gave(on(1), on(3), on(5), on(6), on(7)),
            "decisions": (decision,),
            "until": on(20),
        }
        full = plan(LOADING_THEN_MAINTENANCE, **kw).doses
        assert [d.phase for d in full if d.given is not None] == [0, 0, 0, 1, 1]
        pending = plan(LOADING_THEN_MAINTENANCE, pending_only=True, **kw).doses
        assert pending == tuple(d for d in full if d.pending)
        placement = locate(
            LOADING_THEN_MAINTENANCE,
            on(1),
            LONDON,
            given=kw["given"],
            index=4,
            decisions=(decision,),
        )
        assert placement.slot.name == "maintenance dose 2"

    def test_a_skip_inside_a_run_when_recording(self):
        """Recording the last of daily doses around a skipped slot finds the plan's slot."""
        given = gave(on(1), on(2), on(3, 10), on(4, 10), on(5, 10))
        placement = locate(
            DAILY, on(1), LONDON, given=given, index=4, skips=(skip(3, 3),)
        )
        assert placement.slot.number == 6
        assert placement.slot.number_in_phase == 6
        assert placement.after.due == on(6, 10)

    def test_a_run_stops_at_the_count(self):
        """A run of doses given stops at the phase's count; the rest are the next phase's."""
        given = gave(on(1), on(3), on(5), on(6), on(7))
        full = plan(LOADING_THEN_MAINTENANCE, given=given, until=on(20)).doses
        pending = plan(
            LOADING_THEN_MAINTENANCE, given=given, until=on(20), pending_only=True
        ).doses
        assert pending == tuple(d for d in full if d.pending)
        assert [(d.phase, d.status) for d in full] == [
            (0, G),
            (0, G),
            (0, G),
            (1, G),
            (1, G),
            (1, P),
        ]
        assert [d.due for d in pending] == [on(14)]


NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


class TestLocalDaysAreTheCourseZone:
    """Every local day of the plan is a day of the course zone, never of UTC."""

    def test_the_due_window_is_the_course_zone_s_day(self):
        """A dose due 20:00 in New York (01:00 UTC the next day) is due until New York's midnight."""
        window = DueWindow.of(dt.datetime(2026, 12, 1, 20, tzinfo=NEW_YORK), NEW_YORK)
        assert window.opens == dt.datetime(2026, 12, 1, 5, tzinfo=UTC)
        assert window.closes == dt.datetime(2026, 12, 2, 5, tzinfo=UTC)

    def test_plan_statuses_use_the_course_zone_s_day(self):
        """At 01:00 New York time, yesterday's 20:00 dose is overdue, though UTC's day has not ended."""
        first = dt.datetime(2026, 12, 1, 20, tzinfo=NEW_YORK)
        until = dt.datetime(2026, 12, 2, 12, tzinfo=NEW_YORK)
        for hour, status in ((23, DoseStatus.DUE), (25, DoseStatus.OVERDUE)):
            now = dt.datetime(2026, 12, 1, tzinfo=NEW_YORK) + dt.timedelta(hours=hour)
            doses = expand(DAILY, first, NEW_YORK, until=until, now=now).doses
            assert doses[0].status is status

    def test_a_dose_on_the_end_date_in_the_course_zone_is_the_next_phase_s(self):
        """Tokyo, Lasting 2 days: a dose at 07:00 on the end date (22:00 UTC before) is not the phase's."""
        reg = regimen(
            phase("loading", end=Lasting(days=2)),
            phase("maintenance", Cadence.every_weeks(1)),
        )
        first = dt.datetime(2026, 12, 1, 8, tzinfo=TOKYO)
        on_end_date = dt.datetime(2026, 12, 3, 7, tzinfo=TOKYO)
        doses = expand(
            reg,
            first,
            TOKYO,
            until=dt.datetime(2026, 12, 12, tzinfo=TOKYO),
            given=gave(first, on_end_date),
        ).doses
        assert [(d.phase, d.status) for d in doses] == [
            (0, G),
            (0, P),
            (1, G),
            (1, P),
        ]
        assert doses[2].when == on_end_date


class TestGivenInAnyOrder:
    def test_expand_sorts_the_doses_given_unless_told_they_are_sorted(self):
        """Doses given in reverse order make the same plan as in time order."""
        given = gave(on(1), on(2, 12), on(3, 8))
        forward = plan(DAILY, given=given, until=on(6))
        assert plan(DAILY, given=given[::-1], until=on(6)) == forward
        assert [d.when for d in forward.doses[:3]] == [on(1), on(2, 12), on(3, 8)]
