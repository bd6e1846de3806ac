"""Properties of every plan, and the recording fast path held to the plain walk."""

import datetime as dt
import itertools
import math

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from b12course import (
    AdministeredDose,
    Cadence,
    Course,
    PlannedDose,
    Regimen,
    UntilNoFurtherImprovement,
    regimens,
)
from b12course import strategies as b12st
from b12course._schedule import expand, locate
from b12course.exceptions import DoseOrderError

UTC = dt.timezone.utc
# Zones whose rules make good counterexamples: DST in both hemispheres, Lord
# Howe's half-hour shift, Apia's skipped day, Tehran's midnight changes.
ZONE_KEYS = (
    "Europe/London",
    "America/New_York",
    "Australia/Lord_Howe",
    "Pacific/Apia",
    "Asia/Tehran",
)
zones = b12st.zones(keys=ZONE_KEYS)
# First doses from 2010 to 2030: Apia skipped 30 December 2011, Tehran kept
# DST until 2022, so these years hold folds and gaps in every zone above.
first_doses = b12st.aware_datetimes(
    min_value=dt.datetime(2010, 1, 1),
    max_value=dt.datetime(2030, 12, 31),
    timezones=zones,
).map(lambda d: d.replace(second=0, microsecond=0))


def has_open_phase(regimen: Regimen) -> bool:
    return any(isinstance(p.end, UntilNoFurtherImprovement) for p in regimen.phases)


open_ended = st.one_of(
    st.sampled_from(
        [
            regimens.get(key)
            for key in regimens.available()
            if has_open_phase(regimens.get(key))
        ]
    ),
    b12st.regimens(presets=False).filter(has_open_phase),
)
courses = b12st.courses(first_doses=first_doses, max_symptoms=0, max_labs=0)
horizon_days = st.integers(30, 400)


def horizon(course: Course, days: int) -> dt.datetime:
    """A horizon ``days`` after the last record (or the first dose)."""
    times = [utc(course.first_dose)] + [utc(g.at) for g in course.given]
    times += [utc(s.due) for s in course.skips] + [utc(d.at) for d in course.decisions]
    return max(times) + dt.timedelta(days=days)


def utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(UTC)


def longest_gap(cadence: Cadence) -> dt.timedelta:
    """The longest wall-clock gap between two occurrences of a cadence."""
    days = cadence.approximate_days
    if cadence.weekdays:
        listed = sorted(cadence.weekdays)
        gaps = [b - a for a, b in itertools.pairwise([*listed, listed[0] + 7])]
        return dt.timedelta(days=max(gaps))
    if cadence.unit.value == "months":  # a month is at most 31 days
        return dt.timedelta(days=31 * cadence.every)
    return dt.timedelta(days=math.ceil(days))


class TestPlanShape:
    @given(course=courses, days=horizon_days)
    def test_plans_are_in_time_order_with_slot_1_first(self, course, days):
        """Every plan is strictly increasing by `when`: slot 1 first, no shared instant."""
        plan = course.plan(until=horizon(course, days))
        whens = [utc(d.when) for d in plan]
        assert all(a < b for a, b in itertools.pairwise(whens))
        assert [d.number for d in plan] == list(range(1, len(plan) + 1))
        if plan:
            assert (plan[0].phase, plan[0].number_in_phase) == (0, 1)

    @given(course=courses, days=horizon_days)
    def test_each_skip_marks_exactly_one_slot(self, course, days):
        """A skip marks exactly the slot it was recorded against, and only that one."""
        plan = course.plan(until=horizon(course, days))
        for skip in course.skips:
            marked = [d for d in plan if d.skip is skip]
            assert len(marked) == 1
            assert (marked[0].phase, marked[0].number_in_phase) == skip.slot
        assert sum(d.skip is not None for d in plan) == len(course.skips)

    @given(
        course=courses,
        backfills=st.lists(st.integers(-3 * 24 * 60, 30 * 24 * 60), max_size=4),
    )
    def test_skips_keep_their_slots_through_backfills(self, course, backfills):
        """Doses backfilled among skips leave each skip on exactly the slot it named."""
        start = utc(course.first_dose)
        for minutes in backfills:
            at = (start + dt.timedelta(minutes=minutes)).astimezone(course.zone)
            if any(utc(g.at) == utc(at) for g in course.given):
                continue
            try:
                course = course.record_dose(at, allow_close=True, allow_renumber=True)
            except DoseOrderError:
                continue
        plan = course.plan(until=horizon(course, 400))
        whens = [utc(d.when) for d in plan]
        assert all(a < b for a, b in itertools.pairwise(whens))
        for skip in course.skips:
            marked = [d for d in plan if d.skip is skip]
            assert [(d.phase, d.number_in_phase) for d in marked] == [skip.slot]

    @given(course=courses, days=horizon_days)
    def test_worklist_walk_equals_the_pending_slots_of_the_plan(self, course, days):
        """The pending-only walk (fast path) finds exactly the plan's pending slots."""
        until = horizon(course, days)
        plan = course.plan(until=until)
        pending = expand(
            course.regimen,
            course.first_dose,
            course.zone,
            until=until,
            given=course.given,
            skips=course.skips,
            decisions=course.decisions,
            pending_only=True,
            given_sorted=True,
            confirmed=course.confirmed_phases,
        ).doses
        assert pending == tuple(d for d in plan if d.pending)


class TestNeverStops:
    @pytest.mark.slow
    @given(
        course=b12st.courses(
            regimens=open_ended,
            first_doses=first_doses,
            late=False,
            max_symptoms=0,
            max_labs=0,
        ),
        days=horizon_days,
    )
    def test_an_undecided_open_phase_leaves_no_gap_to_the_horizon(self, course, days):
        """No two consecutive planned doses, nor the last and the horizon, are further apart than the longest interval."""
        decided = {d.phase for d in course.decisions}
        assume(
            any(
                isinstance(p.end, UntilNoFurtherImprovement) and i not in decided
                for i, p in enumerate(course.regimen.phases)
            )
        )
        until = horizon(course, days)
        plan = course.plan(until=until)
        # Doses are given on time (at most 90 minutes late); days may be 25 h.
        slack = dt.timedelta(hours=3)
        longest = max(longest_gap(p.cadence) for p in course.regimen.phases) + slack
        whens = [utc(course.first_dose)] + [utc(d.when) for d in plan] + [utc(until)]
        assert all(b - a <= longest for a, b in itertools.pairwise(whens))


def plain_slot(
    course: Course, record: AdministeredDose, until: dt.datetime
) -> tuple[PlannedDose | None, PlannedDose | None, PlannedDose | None, list]:
    """Find the record's slot and its neighbours in the plain expansion."""
    plan = list(
        expand(
            course.regimen,
            course.first_dose,
            course.zone,
            until=until,
            given=(*course.given, record),
            skips=course.skips,
            decisions=course.decisions,
            confirmed=course.confirmed_phases,
        ).doses
    )
    for i, slot in enumerate(plan):
        if slot.given is record:
            before = plan[i - 1] if i else None
            after = plan[i + 1] if i + 1 < len(plan) else None
            return before, slot, after, plan
    return None, None, None, plan


class TestRecordingFastPath:
    @given(
        course=courses,
        pick=st.integers(0, 10_000),
        minutes=st.integers(-4 * 24 * 60, 6 * 24 * 60),
    )
    def test_locate_equals_the_plain_expansion(self, course, pick, minutes):
        """The recording walk finds the same slot and neighbours as the full plan."""
        plan = course.plan(until=horizon(course, 60))
        assume(plan)
        at = utc(plan[pick % len(plan)].due) + dt.timedelta(minutes=minutes)
        at = at.astimezone(course.zone)
        assume(all(utc(g.at) != at for g in course.given))
        record = AdministeredDose(at=at, dose=course.regimen.phases[0].dose)
        given = sorted((*course.given, record), key=lambda g: utc(g.at))
        placement = locate(
            course.regimen,
            course.first_dose,
            course.zone,
            given=given,
            index=given.index(record),
            skips=course.skips,
            decisions=course.decisions,
            confirmed=course.confirmed_phases,
        )
        # Far enough for the slot after the record's, and after the last dose
        # given, which a backfill moves (intervals <= 6 months).
        until = max([utc(at), *(utc(g.at) for g in course.given)]) + dt.timedelta(
            days=800
        )
        before, slot, after, full = plain_slot(course, record, until)
        assert placement.slot == slot
        if slot is not None:
            assert placement.after == after
            i = full.index(slot)
            assert list(placement.later) == full[i + 1 : i + 1 + len(placement.later)]
            if placement.before is None:
                # Taken in a run: fulfilled by an earlier dose, so in order.
                assert before is None or before.given is not None
            else:
                assert placement.before == before

    @given(
        course=courses,
        pick=st.integers(0, 10_000),
        minutes=st.integers(-4 * 24 * 60, 6 * 24 * 60),
    )
    def test_record_dose_is_refused_exactly_when_the_plan_would_be_disordered(
        self, course, pick, minutes
    ):
        """record_dose accepts a dose iff the plain plan with it stays in time order."""
        plan = course.plan(until=horizon(course, 60))
        assume(plan)
        at = utc(plan[pick % len(plan)].due) + dt.timedelta(minutes=minutes)
        at = at.astimezone(course.zone)
        assume(all(utc(g.at) != at for g in course.given))
        record = AdministeredDose(at=at, dose=course.regimen.phases[0].dose)
        until = utc(at) + dt.timedelta(days=800)
        _, slot, _, full = plain_slot(course, record, until)
        whens = [utc(d.when) for d in full]
        ordered = all(a < b for a, b in itertools.pairwise(whens))
        refused: DoseOrderError | None = None
        try:
            recorded = course.record_dose(at, allow_close=True, allow_renumber=True)
        except DoseOrderError as error:
            refused = error
        if refused is not None:
            # Either the plan would be out of order, or the dose is too early
            # to be the first (the error then names the first slot itself).
            first_too_early = slot is not None and slot.number == 1
            assert not ordered or (first_too_early and refused.slot == slot)
            return
        assert ordered
        new_plan = recorded.plan(until=until)
        mine = [d for d in new_plan if d.given is not None and d.given.at == at]
        if slot is None:
            # Given after the regimen ended: no slot, the last phase's dose.
            assert not mine
            stored = next(g for g in recorded.given if g.at == at)
            assert stored.dose == course.regimen.phases[-1].dose
        else:
            assert [d.given.dose for d in mine] == [slot.dose]
        assert [attrs.evolve(d, given=None) for d in new_plan] == [
            attrs.evolve(d, given=None) for d in full
        ]


class TestConditionalPhases:
    @given(
        course=b12st.courses(
            regimens=st.just(regimens.get("us-label-pernicious-anaemia")),
            max_symptoms=0,
            max_labs=0,
        ),
        days=horizon_days,
    )
    def test_doses_are_provisional_exactly_while_a_conditional_phase_is_unconfirmed(
        self, course, days
    ):
        """Slots from the first unconfirmed conditional phase on are provisional; others not."""
        plan = course.plan(until=horizon(course, days))
        confirmed = course.confirmed_phases
        unconfirmed = [
            i
            for i, p in enumerate(course.regimen.phases)
            if p.condition is not None and i not in confirmed
        ]
        first = min(unconfirmed, default=None)
        for dose in plan:
            assert dose.provisional == (first is not None and dose.phase >= first)
