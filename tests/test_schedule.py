"""The derived plan: rules of time, re-anchoring, phases and statuses."""

import datetime as dt
import itertools
import zoneinfo

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from b12course import (
    AdministeredDose,
    Anchoring,
    Cadence,
    Count,
    Course,
    DecisionBasis,
    DoseSkip,
    DoseStatus,
    DueWindow,
    Lasting,
    PhaseDecision,
    PhaseEnding,
    UntilNoFurtherImprovement,
    regimens,
)
from b12course import strategies as b12st
from b12course._schedule import expand
from b12course._time import resolve
from b12course.exceptions import (
    DoseOrderError,
    InvalidRecordError,
    OutOfBoundsError,
    SettingError,
)
from support.profiles import scaled
from support.schedules import ZONES, single, two_phase

Z = zoneinfo.ZoneInfo
LONDON = Z("Europe/London")
NEW_YORK = Z("America/New_York")

zones = st.sampled_from(ZONES).map(Z) | b12st.zones()
cadences = st.one_of(
    st.integers(1, 10).map(Cadence.every_days),
    st.integers(1, 4).map(Cadence.every_weeks),
    st.integers(1, 6).map(Cadence.every_months),
    st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True).map(
        lambda days: Cadence.on_weekdays(*days)
    ),
)
walls = st.datetimes(
    min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2060, 1, 1)
).map(lambda d: d.replace(second=0, microsecond=0))


class TestWallClock:
    def test_london_keeps_nine_across_spring_forward(self):
        """A London course from 2026-03-20 09:00 keeps 09:00 local across 29 March."""
        course = Course.begin(
            single(Cadence.daily()),
            first_dose=dt.datetime(2026, 3, 20, 9, tzinfo=LONDON),
        )
        plan = course.plan(until=dt.datetime(2026, 4, 5, tzinfo=LONDON))
        assert {d.due.time() for d in plan} == {dt.time(9)}
        offsets = {d.due.date(): d.due.utcoffset() for d in plan}
        assert offsets[dt.date(2026, 3, 28)] == dt.timedelta(0)
        assert offsets[dt.date(2026, 3, 29)] == dt.timedelta(hours=1)
        # 24 h apart except across the change, where the day is 23 h long.
        utc = [d.due.astimezone(dt.timezone.utc) for d in plan]
        gaps = {b - a for a, b in itertools.pairwise(utc)}
        assert gaps == {dt.timedelta(hours=24), dt.timedelta(hours=23)}

    def test_monthly_anchored_on_31_january(self):
        """A monthly phase from 31 January gives 28/29 Feb, 31 Mar, 30 Apr, 31 May."""
        for year, february in ((2027, 28), (2028, 29)):
            course = Course.begin(
                single(Cadence.every_months(1)),
                first_dose=dt.datetime(year, 1, 31, 10, tzinfo=LONDON),
            )
            plan = course.plan(until=dt.datetime(year, 6, 1, tzinfo=LONDON))
            assert [d.due.date() for d in plan] == [
                dt.date(year, 1, 31),
                dt.date(year, 2, february),
                dt.date(year, 3, 31),
                dt.date(year, 4, 30),
                dt.date(year, 5, 31),
            ]

    def test_nonexistent_time_uses_offset_before_gap(self):
        """02:30 on New York's spring-forward day is 03:30 EDT (RFC 5545 §3.3.5)."""
        course = Course.begin(
            single(Cadence.daily()),
            first_dose=dt.datetime(2026, 3, 7, 2, 30, tzinfo=NEW_YORK),
        )
        plan = course.plan(until=dt.datetime(2026, 3, 10, tzinfo=NEW_YORK))
        assert [d.due.isoformat() for d in plan] == [
            "2026-03-07T02:30:00-05:00",
            "2026-03-08T03:30:00-04:00",
            "2026-03-09T02:30:00-04:00",
        ]
        assert plan[1].due.astimezone(dt.timezone.utc).time() == dt.time(7, 30)

    def test_repeated_time_is_the_first_occurrence(self):
        """01:30 on New York's fall-back day is the first 01:30 (EDT)."""
        course = Course.begin(
            single(Cadence.daily()),
            first_dose=dt.datetime(2026, 10, 31, 1, 30, tzinfo=NEW_YORK),
        )
        plan = course.plan(until=dt.datetime(2026, 11, 3, tzinfo=NEW_YORK))
        assert plan[1].due.isoformat() == "2026-11-01T01:30:00-04:00"
        assert plan[1].due.fold == 0

    def test_lord_howe_half_hour_shift(self):
        """Lord Howe's 30-minute DST shift keeps the 09:00 wall clock."""
        lhi = Z("Australia/Lord_Howe")
        course = Course.begin(
            single(Cadence.every_weeks(1)),
            first_dose=dt.datetime(2026, 9, 20, 9, tzinfo=lhi),
        )
        plan = course.plan(until=dt.datetime(2026, 10, 20, tzinfo=lhi))
        assert {d.due.time() for d in plan} == {dt.time(9)}
        assert {d.due.utcoffset() for d in plan} == {
            dt.timedelta(hours=10, minutes=30),
            dt.timedelta(hours=11),
        }

    @given(zone=zones, wall=walls, cadence=cadences)
    def test_local_time_of_day_is_kept(self, zone, wall, cadence):
        """Every dose falls at the first dose's wall-clock time, resolved per RFC 5545."""
        first = resolve(wall, zone)
        course = Course.begin(single(cadence), first_dose=first)
        anchor = first.astimezone(zone).replace(tzinfo=None)
        for k, dose in enumerate(course.plan(until=first + dt.timedelta(days=400))):
            wall_k = cadence.occurrence(anchor, k)
            assert dose.due == resolve(wall_k, zone)
            assert dose.due.astimezone(zone).date() == wall_k.date() or (
                # a time in a gap just before midnight can roll to the next day
                dose.due.astimezone(zone).date() == wall_k.date() + dt.timedelta(days=1)
            )

    @given(zone=zones, wall=walls, every=st.integers(1, 12))
    def test_month_intervals_never_drift(self, zone, wall, every):
        """Monthly dose k is on the anchor's day of month, clamped, whatever came before."""
        first = resolve(wall, zone)
        anchor_day = first.astimezone(zone).day
        course = Course.begin(single(Cadence.every_months(every)), first_dose=first)
        for dose in course.plan(until=first + dt.timedelta(days=366 * 5)):
            local_day = resolve(
                dose.due.astimezone(zone).replace(tzinfo=None), zone
            ).astimezone(zone)
            assert dose.due.astimezone(zone).day in {anchor_day, local_day.day} or (
                dose.due.astimezone(zone).day < anchor_day
            )
            if dose.due.astimezone(zone).day < anchor_day:
                # clamped: it must be the last day of its month, or a gap moved it
                nxt = (dose.due.astimezone(zone) + dt.timedelta(days=1)).day
                assert nxt == 1 or dose.due.astimezone(zone).hour != wall.hour


class TestPlanProperties:
    @given(
        zone=zones,
        wall=walls,
        cadence=cadences,
        offsets=st.lists(st.floats(-0.4, 3.0), max_size=12),
        preset=st.sampled_from(regimens.available()),
        use_preset=st.booleans(),
    )
    def test_plans_strictly_increase_and_keep_every_given_dose(
        self, zone, wall, cadence, offsets, preset, use_preset
    ):
        """Doses given late or early fulfil one slot each, and the plan stays in order."""
        regimen = regimens.get(preset) if use_preset else single(cadence)
        first = resolve(wall, zone)
        course = Course.begin(regimen, first_dose=first)
        horizon = first + dt.timedelta(days=900)
        for offset in offsets:
            pending = [d for d in course.plan(until=horizon) if d.pending]
            assume(pending)
            interval = dt.timedelta(days=regimen.phases[0].cadence.approximate_days)
            at = pending[0].due + offset * interval
            assume(all(g.at != at for g in course.given))
            course = course.record_dose(at, allow_close=True, allow_renumber=True)
        plan = course.plan(until=horizon)
        whens = [d.when for d in plan]
        assert whens == sorted(whens)
        assert len(set(whens)) == len(whens)
        fulfilled = [d.given for d in plan if d.given is not None]
        in_range = [g for g in course.given if g.at < horizon]
        assert sorted(fulfilled, key=lambda g: g.at) == list(in_range)
        assert [d.number for d in plan] == list(range(1, len(plan) + 1))

    # Two fifths of the profile's examples (60 under ci): each plans a preset in
    # any zone for years.
    @scaled(0.4)
    @given(
        zone=zones,
        wall=walls,
        preset=st.sampled_from(regimens.available()),
        days=st.tuples(st.integers(0, 2000), st.integers(0, 2000)),
        late=st.lists(st.integers(0, 5), max_size=6),
    )
    def test_plan_until_a_is_a_prefix_of_plan_until_b(
        self, zone, wall, preset, days, late
    ):
        """Expanding further only appends: plan(until=a) is a prefix of plan(until=b)."""
        first = resolve(wall, zone)
        course = Course.begin(regimens.get(preset), first_dose=first)
        for n in late:
            pending = [
                d
                for d in course.plan(until=first + dt.timedelta(days=4000))
                if d.pending
            ]
            course = course.record_dose(pending[0].due + dt.timedelta(days=n, hours=1))
        a, b = sorted(first + dt.timedelta(days=d) for d in days)
        short, long = course.plan(until=a), course.plan(until=b)
        assert long[: len(short)] == short
        assert all(d.when < a for d in short)
        assert all(d.when >= a for d in long[len(short) :])

    @given(
        zone=zones,
        wall=walls,
        n=st.integers(1, 8),
        lateness=st.lists(st.integers(0, 10), min_size=0, max_size=8),
        anchoring=st.sampled_from(Anchoring),
    )
    def test_count_phase_never_loses_a_dose(self, zone, wall, n, lateness, anchoring):
        """A Count(n) phase has exactly n slots however late its doses are given."""
        first = resolve(wall, zone)
        regimen = two_phase(Count(n), anchoring=anchoring)
        course = Course.begin(regimen, first_dose=first)
        for days_late in lateness[:n]:
            loading = [
                d
                for d in course.plan(until=first + dt.timedelta(days=400))
                if d.phase == 0 and d.pending
            ]
            assume(loading)
            at = loading[0].due + dt.timedelta(days=days_late)
            assume(all(g.at != at for g in course.given))
            course = course.record_dose(at, allow_close=True, allow_renumber=True)
        plan = course.plan(until=first + dt.timedelta(days=800))
        loading = [d for d in plan if d.phase == 0]
        assert len(loading) == n
        recorded = [d.given for d in plan if d.given is not None]
        assert sorted(recorded, key=lambda g: g.at) == list(course.given)
        if anchoring is Anchoring.GIVEN:
            # each dose fulfils the earliest pending slot, so none leaves the phase
            assert sum(d.given is not None for d in loading) == len(course.given)


class TestReanchoring:
    start = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)

    def test_late_dose_moves_the_rest_of_the_phase(self):
        """A dose given a day late fulfils the slot and the next is due one interval later."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=self.start
        )
        course = course.record_dose(self.start)
        course = course.record_dose(dt.datetime(2026, 12, 4, 14, 30, tzinfo=LONDON))
        plan = course.plan(until=dt.datetime(2026, 12, 12, tzinfo=LONDON))
        assert plan[1].due == dt.datetime(2026, 12, 3, 9, tzinfo=LONDON)
        assert plan[1].status is DoseStatus.GIVEN
        assert plan[2].due == dt.datetime(2026, 12, 6, 14, 30, tzinfo=LONDON)
        assert [d.due.day for d in plan[2:]] == [6, 8, 10]

    def test_grid_keeps_the_original_times(self):
        """With Anchoring.GRID a late dose fulfils its slot and the grid does not move."""
        regimen = single(Cadence.every_days(2), Count(4), Anchoring.GRID)
        course = Course.begin(regimen, first_dose=self.start)
        course = course.record_dose(dt.datetime(2026, 12, 1, 11, tzinfo=LONDON))
        course = course.record_dose(dt.datetime(2026, 12, 3, 20, tzinfo=LONDON))
        plan = course.plan(until=dt.datetime(2027, 1, 1, tzinfo=LONDON))
        assert [d.due.day for d in plan] == [1, 3, 5, 7]
        assert [d.status for d in plan] == [DoseStatus.GIVEN] * 2 + [
            DoseStatus.SCHEDULED
        ] * 2

    def test_grid_missed_slot_stays_overdue(self):
        """On a grid, a dose nearer the next slot leaves the missed one overdue."""
        regimen = single(Cadence.every_weeks(1), Count(3), Anchoring.GRID)
        course = Course.begin(regimen, first_dose=self.start)
        course = course.record_dose(dt.datetime(2026, 12, 8, 9, tzinfo=LONDON))
        plan = course.plan(
            until=dt.datetime(2027, 1, 1, tzinfo=LONDON),
            now=dt.datetime(2026, 12, 9, tzinfo=LONDON),
        )
        assert [d.status for d in plan] == [
            DoseStatus.OVERDUE,
            DoseStatus.GIVEN,
            DoseStatus.SCHEDULED,
        ]

    def test_early_dose_fulfils_the_next_slot(self):
        """A dose given early fulfils the next pending slot and re-anchors."""
        course = Course.begin(single(Cadence.every_months(1)), first_dose=self.start)
        course = course.record_dose(self.start)
        course = course.record_dose(dt.datetime(2026, 12, 20, 9, tzinfo=LONDON))
        plan = course.plan(until=dt.datetime(2027, 3, 1, tzinfo=LONDON))
        assert plan[1].due.date() == dt.date(2027, 1, 1)
        assert plan[1].given is not None
        assert [d.due.date() for d in plan[2:]] == [
            dt.date(2027, 1, 20),
            dt.date(2027, 2, 20),
        ]

    def test_backfilled_doses_in_any_order(self):
        """Recording past doses out of order gives the same plan as in order."""
        times = [self.start + dt.timedelta(days=2 * k, hours=k) for k in range(4)]
        base = Course.begin(
            regimens.get("bnf-hydroxocobalamin-non-neuro"),
            first_dose=self.start,
            id="x",
        )
        in_order = base
        for t in times:
            in_order = in_order.record_dose(t, allow_renumber=True)
        reverse = base
        for t in reversed(times):
            reverse = reverse.record_dose(t, allow_renumber=True)
        until = dt.datetime(2027, 6, 1, tzinfo=LONDON)
        assert in_order.plan(until=until) == reverse.plan(until=until)

    def test_skip_keeps_the_slot_and_count(self):
        """A skipped slot is shown as skipped and a Count phase still needs n given doses."""
        regimen = two_phase(Count(3))
        course = Course.begin(regimen, first_dose=self.start)
        course = course.record_dose(self.start)
        course = course.skip_dose(
            dt.datetime(2026, 12, 3, 9, tzinfo=LONDON), reason="away"
        )
        plan = course.plan(until=dt.datetime(2027, 3, 1, tzinfo=LONDON))
        loading = [d for d in plan if d.phase == 0]
        assert [d.status for d in loading] == [
            DoseStatus.GIVEN,
            DoseStatus.SKIPPED,
            DoseStatus.SCHEDULED,
            DoseStatus.SCHEDULED,
        ]
        assert loading[1].skip is not None
        assert loading[1].skip.reason == "away"
        assert [d.due.day for d in loading] == [1, 3, 5, 7]


class TestPhases:
    start = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)

    def test_next_phase_starts_one_interval_after_the_last_dose(self):
        """Maintenance starts one of its own intervals after the last loading dose."""
        course = Course.begin(two_phase(Count(3)), first_dose=self.start)
        spans = course.expand(until=dt.datetime(2027, 6, 1, tzinfo=LONDON)).phases
        assert spans[0].ending is PhaseEnding.COUNT
        assert spans[0].last.date() == dt.date(2026, 12, 5)
        assert spans[1].first.date() == dt.date(2027, 2, 5)
        assert spans[1].ending is None

    def test_undecided_loading_goes_on_provisional_after_the_review_point(self):
        """With no decision, loading goes on every other day to the horizon, never a gap."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=self.start
        )
        result = course.expand(until=dt.datetime(2027, 6, 1, tzinfo=LONDON))
        assert result.phases[0].ending is None
        assert result.phases[0].review == dt.datetime(2026, 12, 15, 9, tzinfo=LONDON)
        assert len(result.phases) == 1
        # 1 Dec to 30 May every other day: 91 doses, all loading, none stops.
        assert {d.phase for d in result.doses} == {0}
        assert len(result.doses) == 91
        assert result.doses[-1].due == dt.datetime(2027, 5, 30, 9, tzinfo=LONDON)
        # 1, 3, ..., 13 Dec are before the review point; from 15 Dec provisional.
        assert [d.provisional for d in result.doses] == [False] * 7 + [True] * 84

    def test_doses_given_past_the_review_stay_in_the_open_phase(self):
        """A loading dose given after the review point without a decision stays loading."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=self.start
        )
        for k in range(10):
            course = course.record_dose(self.start + dt.timedelta(days=2 * k))
        plan = course.plan(until=dt.datetime(2027, 6, 1, tzinfo=LONDON))
        assert {d.phase for d in plan} == {0}
        assert plan[10].due == dt.datetime(2026, 12, 21, 9, tzinfo=LONDON)
        assert plan[10].name == "loading dose 11"
        assert plan[10].provisional

    def test_end_phase_ends_loading_and_removes_provisional(self):
        """A clinician's decision ends the loading phase; maintenance follows, not provisional."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=self.start
        )
        for k in range(12):
            course = course.record_dose(self.start + dt.timedelta(days=2 * k))
        decided = dt.datetime(2026, 12, 24, 10, tzinfo=LONDON)
        course = course.end_phase(decided, reason="no further improvement")
        result = course.expand(until=dt.datetime(2027, 6, 1, tzinfo=LONDON))
        assert result.phases[0].ending is PhaseEnding.DECISION
        assert result.phases[0].decision is not None
        assert result.phases[0].decision.reason == "no further improvement"
        loading = [d for d in result.doses if d.phase == 0]
        assert len(loading) == 12
        maintenance = [d for d in result.doses if d.phase == 1]
        assert [d.due.date() for d in maintenance] == [
            dt.date(2027, 2, 23),
            dt.date(2027, 4, 23),
        ]
        assert not any(d.provisional for d in result.doses)

    def test_decision_before_planned_slots_cuts_the_phase(self):
        """Slots due after the decision leave the phase; earlier missed ones stay overdue."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=self.start
        )
        course = course.record_dose(self.start)
        course = course.end_phase(dt.datetime(2026, 12, 6, tzinfo=LONDON))
        plan = course.plan(
            until=dt.datetime(2027, 3, 1, tzinfo=LONDON),
            now=dt.datetime(2026, 12, 10, tzinfo=LONDON),
        )
        assert [(d.phase, d.due.date(), d.status) for d in plan] == [
            (0, dt.date(2026, 12, 1), DoseStatus.GIVEN),
            (0, dt.date(2026, 12, 3), DoseStatus.OVERDUE),
            (0, dt.date(2026, 12, 5), DoseStatus.OVERDUE),
            (1, dt.date(2027, 2, 5), DoseStatus.SCHEDULED),
        ]

    def test_lasting_phase_ends_at_its_date(self):
        """A Lasting phase holds the doses whose local date is before start + span."""
        regimen = two_phase(
            Lasting(days=7), first=Cadence.every_days(3), then=Cadence.every_weeks(1)
        )
        course = Course.begin(regimen, first_dose=self.start)
        result = course.expand(until=dt.datetime(2027, 1, 1, tzinfo=LONDON))
        assert [d.due.day for d in result.doses if d.phase == 0] == [1, 4, 7]
        assert result.phases[0].ending is PhaseEnding.LASTING
        assert [d.due.day for d in result.doses if d.phase == 1] == [14, 21, 28]

    def test_dose_given_after_a_lasting_phase_belongs_to_the_next(self):
        """A dose given after a Lasting phase ended fulfils the next phase's first slot."""
        regimen = two_phase(
            Lasting(days=7), first=Cadence.every_days(3), then=Cadence.every_weeks(1)
        )
        course = Course.begin(regimen, first_dose=self.start)
        course = course.record_dose(self.start)
        course = course.record_dose(dt.datetime(2026, 12, 9, 9, tzinfo=LONDON))
        plan = course.plan(until=dt.datetime(2027, 1, 1, tzinfo=LONDON))
        assert [(d.phase, d.due.day, d.given is not None) for d in plan[:5]] == [
            (0, 1, True),
            (0, 4, False),
            (0, 7, False),
            (1, 14, True),
            (1, 16, False),
        ]

    def test_end_phase_on_the_last_phase_ends_the_course(self):
        """Ending the last phase stops the plan."""
        course = Course.begin(regimens.get("oral-high-dose"), first_dose=self.start)
        course = course.end_phase(
            dt.datetime(2026, 12, 4, 12, tzinfo=LONDON), "switched"
        )
        plan = course.plan(until=dt.datetime(2027, 12, 1, tzinfo=LONDON))
        assert [d.due.day for d in plan] == [1, 2, 3, 4]


class TestStatus:
    start = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)

    def plan(self, now, grace=None):
        """Plan a non-neuro course whose first dose was given, at `now`."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-non-neuro"), first_dose=self.start
        )
        course = course.record_dose(self.start + dt.timedelta(minutes=5))
        return course.plan(
            until=dt.datetime(2026, 12, 12, tzinfo=LONDON), now=now, grace=grace
        )

    def test_without_now_pending_doses_are_scheduled(self):
        """With no present given, pending doses are scheduled."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-non-neuro"), first_dose=self.start
        )
        plan = course.plan(until=dt.datetime(2026, 12, 12, tzinfo=LONDON))
        assert {d.status for d in plan} == {DoseStatus.SCHEDULED}

    def test_due_until_the_end_of_the_local_day_then_overdue(self):
        """A dose is due from its time to the end of its local day, then overdue."""
        wed = self.plan(dt.datetime(2026, 12, 2, 23, 59, tzinfo=LONDON))
        assert [d.status for d in wed[:3]] == [
            DoseStatus.GIVEN,
            DoseStatus.DUE,
            DoseStatus.SCHEDULED,
        ]
        thu = self.plan(dt.datetime(2026, 12, 3, 0, 0, tzinfo=LONDON))
        assert thu[1].status is DoseStatus.OVERDUE
        before = self.plan(dt.datetime(2026, 12, 2, 8, 59, tzinfo=LONDON))
        assert before[1].status is DoseStatus.SCHEDULED

    def test_grace_sets_the_due_window(self):
        """A grace period replaces the end-of-day rule."""
        plan = self.plan(
            dt.datetime(2026, 12, 2, 12, tzinfo=LONDON), grace=dt.timedelta(hours=2)
        )
        assert plan[1].status is DoseStatus.OVERDUE
        plan = self.plan(
            dt.datetime(2026, 12, 3, 8, tzinfo=LONDON), grace=dt.timedelta(days=2)
        )
        assert plan[1].status is DoseStatus.DUE

    def test_now_in_another_zone_means_the_same_instant(self):
        """Statuses compare instants, whatever zone `now` is in."""
        now = dt.datetime(2026, 12, 2, 9, 30, tzinfo=LONDON)
        assert self.plan(now) == self.plan(now.astimezone(Z("Asia/Kolkata")))


@pytest.mark.parametrize("zone", ZONES)
def test_every_preset_in_every_zone_is_ordered_and_wall_clock(zone):
    """Every preset, started at 08:15 local in each zone, plans at 08:15 or a gap shift."""
    tz = Z(zone)
    start = dt.datetime(2026, 3, 1, 8, 15, tzinfo=tz)
    for preset in regimens.available():
        course = Course.begin(regimens.get(preset), first_dose=start)
        plan = course.plan(until=start + dt.timedelta(days=800))
        assert plan
        dues = [d.due for d in plan]
        assert dues == sorted(dues)
        assert all(d.astimezone(tz).time() == dt.time(8, 15) for d in dues)


class TestFoundByStrategies:
    def test_dose_on_time_for_the_next_phase_is_not_taken_by_a_lasting_phase(self):
        """A Lasting phase with no slot left before its end leaves the next dose to the next phase."""
        utc_zone = Z("UTC")
        regimen = two_phase(
            Lasting(weeks=1), first=Cadence.every_weeks(1), then=Cadence.daily()
        )
        start = dt.datetime(2020, 1, 1, tzinfo=utc_zone)
        course = Course.begin(regimen, first_dose=start).record_dose(start)
        before = course.plan(until=start + dt.timedelta(days=5))
        assert [(d.phase, d.due.day) for d in before] == [
            (0, 1),
            (1, 2),
            (1, 3),
            (1, 4),
            (1, 5),
        ]
        after = course.record_dose(dt.datetime(2020, 1, 2, tzinfo=utc_zone))
        plan = after.plan(until=start + dt.timedelta(days=5))
        assert [(d.phase, d.due.day, d.given is not None) for d in plan] == [
            (0, 1, True),
            (1, 2, True),
            (1, 3, False),
            (1, 4, False),
            (1, 5, False),
        ]

    def test_first_dose_in_the_second_pass_of_a_repeated_hour_is_kept(self):
        """Slot 1 is the first dose's own instant, even at fold=1; later days use the wall time."""
        start = dt.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK)
        course = Course.begin(single(Cadence.daily()), first_dose=start)
        plan = course.plan(until=start + dt.timedelta(days=3))
        assert plan[0].due.astimezone(dt.timezone.utc) == start.astimezone(
            dt.timezone.utc
        )
        assert plan[0].due.utcoffset() == dt.timedelta(hours=-5)
        assert plan[1].due.isoformat() == "2026-11-02T01:30:00-05:00"


MON = dt.datetime(2026, 12, 7, 9, tzinfo=LONDON)  # a Monday


def on(day, hour=9):
    """December 2026 in London, at ``hour``."""
    return dt.datetime(2026, 12, day, hour, tzinfo=LONDON)


class TestUndecidedPhaseNeverStops:
    def test_nice_neuro_from_1_december_goes_on_every_other_day(self):
        """No decision: alternate-day doses to the horizon, none stops on 13 Dec."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=on(1)
        )
        plan = course.plan(until=dt.datetime(2027, 3, 1, tzinfo=LONDON))
        dues = [d.due for d in plan]
        assert dues[:8] == [on(day) for day in (1, 3, 5, 7, 9, 11, 13, 15)]
        assert all(b - a == dt.timedelta(days=2) for a, b in itertools.pairwise(dues))
        assert dues[-1] == dt.datetime(2027, 2, 27, 9, tzinfo=LONDON)
        assert {d.phase_name for d in plan} == {"loading"}
        assert not any(d.provisional for d in plan if d.due < on(15))
        assert all(d.provisional for d in plan if d.due >= on(15))

    def test_review_point_is_kept_as_a_review_not_an_end(self):
        """The span keeps its review point and no ending while the phase is undecided."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=on(1)
        )
        (span,) = course.expand(until=dt.datetime(2027, 3, 1, tzinfo=LONDON)).phases
        assert span.review == on(15)
        assert span.ending is None
        reviews = course.reviews(until=dt.datetime(2027, 3, 1, tzinfo=LONDON))
        assert on(15) in [r.at for r in reviews]

    def test_decision_ends_loading_and_maintenance_follows_one_interval_after(self):
        """After a recorded decision, maintenance starts 2 months after the last loading dose."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=on(1)
        )
        for day in (1, 3, 5, 7, 9, 11, 13, 15, 17):
            course = course.record_dose(on(day))
        course = course.end_phase(on(18), reason="no further improvement")
        result = course.expand(until=dt.datetime(2027, 6, 1, tzinfo=LONDON))
        assert result.phases[0].ending is PhaseEnding.DECISION
        maintenance = [d for d in result.doses if d.phase == 1]
        assert maintenance[0].due == dt.datetime(2027, 2, 17, 9, tzinfo=LONDON)
        assert not any(d.provisional for d in result.doses)

    def test_a_suggested_plateau_end_makes_what_follows_provisional(self):
        """A phase ended by a plateau suggestion (opt-in) leaves the next phase provisional."""
        regimen = two_phase(UntilNoFurtherImprovement())
        suggested = PhaseDecision(
            phase=0, at=on(6), reason="plateau", basis=DecisionBasis.PLATEAU
        )
        plan = expand(
            regimen,
            on(1),
            LONDON,
            until=dt.datetime(2027, 6, 1, tzinfo=LONDON),
            suggested_decisions=(suggested,),
        )
        assert plan.phases[0].ending is PhaseEnding.DECISION
        assert [d.provisional for d in plan.doses if d.phase == 0] == [False] * 3
        maintenance = [d for d in plan.doses if d.phase == 1]
        assert maintenance
        assert all(d.provisional for d in maintenance)
        recorded = expand(
            regimen,
            on(1),
            LONDON,
            until=dt.datetime(2027, 6, 1, tzinfo=LONDON),
            decisions=(suggested,),
        )
        assert not any(d.provisional for d in recorded.doses)

    def test_a_subclass_of_until_no_further_improvement_is_open_too(self):
        """A phase end derived from UntilNoFurtherImprovement also goes on, provisional."""

        @attrs.frozen(kw_only=True)
        class UntilBloodCountNormal(UntilNoFurtherImprovement):
            """250 mcg weekly until the blood count is normal (test double)."""

        regimen = two_phase(
            UntilBloodCountNormal(review_after=Lasting(weeks=4)),
            first=Cadence.every_weeks(1),
        )
        course = Course.begin(regimen, first_dose=on(1))
        result = course.expand(until=dt.datetime(2027, 6, 1, tzinfo=LONDON))
        assert {d.phase for d in result.doses} == {0}
        assert result.phases[0].review == on(29)
        assert [d.provisional for d in result.doses[:6]] == [False] * 4 + [True] * 2


class TestFirstDoseRule:
    def test_dose_a_year_before_the_first_planned_dose_is_refused(self):
        """A dose in the wrong year is refused with the first dose and its date."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=on(1)
        )
        with pytest.raises(DoseOrderError) as caught:
            course.record_dose(dt.datetime(2025, 12, 1, 9, tzinfo=LONDON))
        message = str(caught.value)
        assert "loading dose 1" in message
        assert "2026-12-01T09:00:00+00:00" in message
        assert caught.value.slot.number == 1
        assert caught.value.given_at == dt.datetime(2025, 12, 1, 9, tzinfo=LONDON)
        assert course.given == ()

    def test_dose_within_one_interval_before_is_the_first_dose(self):
        """A first dose given the day before it was planned starts the course then."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=on(3)
        )
        course = course.record_dose(on(1, 10))
        plan = course.plan(until=on(8))
        assert plan[0].given is not None
        assert plan[0].when == on(1, 10)
        assert [d.due for d in plan[1:]] == [on(3, 10), on(5, 10), on(7, 10)]

    def test_dose_two_intervals_early_is_refused(self):
        """Just past the tolerance (one interval before the planned day) is refused."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=on(5)
        )
        course.record_dose(on(3, 0))  # the tolerance's first instant
        with pytest.raises(DoseOrderError):
            course.record_dose(on(2, 23))

    def test_a_backfilled_earlier_dose_takes_slot_1_and_keeps_order(self):
        """Recording an earlier dose after a later one keeps the plan in time order."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=on(1)
        )
        course = course.record_dose(on(3)).record_dose(on(1), allow_renumber=True)
        plan = course.plan(until=on(10))
        whens = [d.when for d in plan]
        assert whens == sorted(whens)
        assert plan[0].when == on(1)


class TestSkipIdentity:
    def test_dose_before_a_skipped_first_dose_is_refused(self):
        """Mon/Wed/Fri from Monday: skip dose 1, a Sunday dose would precede it: refused."""
        course = Course.begin(single(Cadence.three_times_weekly()), first_dose=MON)
        course = course.skip_dose(number=1)
        with pytest.raises(DoseOrderError) as caught:
            course.record_dose(MON - dt.timedelta(days=1))
        assert caught.value.slot.skip is not None
        assert "only dose 1 (skipped" in str(caught.value)

    def test_skip_marks_its_slot_when_a_backfill_moves_it(self):
        """A dose backfilled early moves the skipped slot; the skip follows it, not its old time."""
        course = Course.begin(single(Cadence.three_times_weekly()), first_dose=MON)
        course = course.record_dose(MON)
        old_due = on(11)  # dose 3, Friday
        course = course.skip_dose(old_due)
        assert course.skips[0].slot == (0, 3)
        # Dose 2 given on Tuesday: dose 3 moves to Wednesday, dose 4 to Friday.
        course = course.record_dose(on(8))
        plan = course.plan(until=on(19))
        assert [(d.number, d.due, d.status) for d in plan[:4]] == [
            (1, MON, DoseStatus.GIVEN),
            (2, on(9), DoseStatus.GIVEN),
            (3, on(9), DoseStatus.SKIPPED),
            (4, old_due, DoseStatus.SCHEDULED),
        ]
        assert sum(d.skip is not None for d in plan) == 1

    def test_a_skip_without_a_slot_marks_the_first_slot_due_then(self):
        """A skip from an older document (no slot) marks one slot: the first due then."""
        course = Course.begin(single(Cadence.daily()), first_dose=MON)
        legacy = DoseSkip(due=on(8), reason="old file")
        assert legacy.slot is None
        course = attrs.evolve(course, skips=(legacy,))
        plan = course.plan(until=on(11))
        assert [d.status for d in plan] == [
            DoseStatus.SCHEDULED,
            DoseStatus.SKIPPED,
            DoseStatus.SCHEDULED,
            DoseStatus.SCHEDULED,
        ]

    def test_a_slot_is_named_by_phase_and_number_or_by_neither(self):
        """DoseSkip refuses half a slot identity and numbers that are not whole."""
        with pytest.raises(InvalidRecordError):
            DoseSkip(due=MON, phase=0)
        with pytest.raises(InvalidRecordError):
            DoseSkip(due=MON, phase=True, number_in_phase=1)
        with pytest.raises(InvalidRecordError):
            DoseSkip(due=MON, phase=0, number_in_phase=0)
        assert DoseSkip(due=MON, phase=1, number_in_phase=2).slot == (1, 2)

    def test_skip_identity_survives_json(self):
        """A skip's slot is saved and loaded; a document without it still loads."""
        from b12course import json as b12json

        course = Course.begin(single(Cadence.daily()), first_dose=MON, id="c")
        course = course.skip_dose(number=2)
        text = b12json.dumps(course)
        assert b12json.loads(text) == course
        old = text.replace('"phase": 0, ', "").replace(', "number_in_phase": 2', "")
        old = old.replace('"number_in_phase": 2, ', "")
        loaded = b12json.loads(old)
        assert loaded.skips[0].slot is None
        assert loaded.plan(until=on(10))[1].status is DoseStatus.SKIPPED


class TestGridSkipsAndZones:
    def test_grid_nearest_slot_ignores_a_skipped_slot(self):
        """On a daily grid, a dose at Monday 23:00 fulfils Monday (14 h), not Wednesday (34 h)."""
        regimen = single(Cadence.daily(), anchoring=Anchoring.GRID)
        course = Course.begin(regimen, first_dose=MON)
        course = course.skip_dose(number=2)  # Tuesday
        course = course.record_dose(on(7, 23))
        plan = course.plan(until=on(11))
        assert [(d.due.day, d.status) for d in plan] == [
            (7, DoseStatus.GIVEN),
            (8, DoseStatus.SKIPPED),
            (9, DoseStatus.SCHEDULED),
            (10, DoseStatus.SCHEDULED),
        ]

    def test_grid_dose_at_a_skipped_slots_time_is_refused(self):
        """A grid dose exactly between two slots around a skipped one would share its instant."""
        regimen = single(Cadence.daily(), anchoring=Anchoring.GRID)
        course = Course.begin(regimen, first_dose=MON).skip_dose(number=2)
        with pytest.raises(DoseOrderError):
            course.record_dose(on(8))

    def test_apia_skipped_day_never_plans_two_doses_at_one_instant(self):
        """Pacific/Apia skipped 30 Dec 2011: daily doses go 29, 31 Dec, one a day."""
        apia = Z("Pacific/Apia")
        for anchoring in Anchoring:
            regimen = single(Cadence.daily(), anchoring=anchoring)
            start = dt.datetime(2011, 12, 27, 9, tzinfo=apia)
            course = Course.begin(regimen, first_dose=start)
            plan = course.plan(until=dt.datetime(2012, 1, 3, tzinfo=apia))
            instants = [d.due.astimezone(dt.timezone.utc) for d in plan]
            assert len(set(instants)) == len(instants)
            assert [d.due.astimezone(apia).day for d in plan] == [27, 28, 29, 31, 1, 2]

    def test_apia_grid_dose_compares_with_the_next_real_day(self):
        """On a grid across Apia's skipped day, the next slot compared is the next real one."""
        apia = Z("Pacific/Apia")
        regimen = single(Cadence.daily(), anchoring=Anchoring.GRID)
        start = dt.datetime(2011, 12, 29, 9, tzinfo=apia)
        course = Course.begin(regimen, first_dose=start)
        course = course.record_dose(dt.datetime(2011, 12, 31, 8, tzinfo=apia))
        plan = course.plan(until=dt.datetime(2012, 1, 2, tzinfo=apia))
        assert [(d.due.day, d.status) for d in plan] == [
            (29, DoseStatus.SCHEDULED),
            (31, DoseStatus.GIVEN),
            (1, DoseStatus.SCHEDULED),
        ]


class TestGrace:
    @pytest.mark.parametrize("grace", [dt.timedelta(hours=-1), 3600, "2h", 1.5])
    def test_bad_grace_is_refused(self, grace):
        """A negative or non-timedelta grace raises SettingError everywhere it is taken."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=MON
        )
        with pytest.raises(SettingError):
            course.plan(until=on(20), now=on(9), grace=grace)
        with pytest.raises(SettingError):
            DueWindow.of(MON, LONDON, grace)
        with pytest.raises(SettingError):
            course.timeline(until=on(20), grace=grace)

    def test_zero_grace_is_accepted(self):
        """A grace of zero makes a dose overdue from its due instant on."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=MON
        )
        plan = course.plan(until=on(8), now=on(7, 10), grace=dt.timedelta(0))
        assert plan[0].status is DoseStatus.OVERDUE


class TestRecordingEdges:
    def test_dose_after_the_regimen_ended_takes_the_last_phase_dose(self):
        """A dose given after the last phase ended fulfils nothing and keeps the last dose."""
        course = Course.begin(regimens.get("oral-high-dose"), first_dose=MON)
        course = course.end_phase(on(8, 12), "switched")
        course = course.record_dose(on(10))
        assert course.given[0].dose == course.regimen.phases[-1].dose
        assert all(d.given is None for d in course.plan(until=on(12)))

    def test_recording_near_the_end_of_the_calendar(self):
        """A slot that would pass year 9999 ends the walk quietly; a course cannot start so late."""
        start = dt.datetime(9990, 1, 1, 9, tzinfo=LONDON)
        for anchoring in Anchoring:
            regimen = single(Cadence.every_months(1200), anchoring=anchoring)
            with pytest.raises(OutOfBoundsError):
                Course.begin(regimen, first_dose=start)
            given = (AdministeredDose(at=start, dose=regimen.phases[0].dose),)
            plan = expand(
                regimen,
                start,
                LONDON,
                until=dt.datetime(9999, 12, 1, tzinfo=LONDON),
                given=given,
            )
            assert [d.status for d in plan.doses] == [DoseStatus.GIVEN]

    def test_recording_on_a_grid_phase_after_runs_of_doses(self):
        """A grid phase after a re-anchored one is walked slot by slot, and agrees."""
        regimen = two_phase(Count(3), then=Cadence.every_days(3))
        regimen = attrs.evolve(
            regimen,
            phases=(
                regimen.phases[0],
                attrs.evolve(regimen.phases[1], anchoring=Anchoring.GRID),
            ),
        )
        course = Course.begin(regimen, first_dose=on(1))
        for day in (1, 3, 5, 8, 11):
            course = course.record_dose(on(day, 10))
        plan = course.plan(until=on(20))
        assert [(d.phase, d.given is not None) for d in plan] == [
            (0, True),
            (0, True),
            (0, True),
            (1, True),
            (1, True),
            (1, False),
            (1, False),
        ]
        assert [d.due.day for d in plan if d.phase == 1] == [8, 11, 14, 17]

    def test_a_skip_of_a_dose_a_decision_removed_marks_nothing(self):
        """Skipping next week's dose, then ending the phase today: no slot is skipped."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=on(1)
        )
        course = course.record_dose(on(1)).skip_dose(on(5))
        course = course.end_phase(on(2), reason="no further improvement")
        plan = course.plan(until=dt.datetime(2027, 3, 1, tzinfo=LONDON))
        assert not any(d.skip is not None for d in plan)
        assert [(d.phase, d.due.date()) for d in plan] == [
            (0, dt.date(2026, 12, 1)),
            (1, dt.date(2027, 2, 1)),
        ]
