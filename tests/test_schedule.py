"""The derived plan: rules of time, re-anchoring, phases and statuses."""

import datetime as dt
import itertools
import zoneinfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from b12course import (
    Anchoring,
    Cadence,
    Count,
    Course,
    Dose,
    DoseStatus,
    Drug,
    Indefinite,
    Lasting,
    Phase,
    PhaseEnding,
    Regimen,
    Route,
    regimens,
)
from b12course import strategies as b12st
from b12course._time import resolve

Z = zoneinfo.ZoneInfo
LONDON = Z("Europe/London")
NEW_YORK = Z("America/New_York")
ZONES = [
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Pacific/Apia",
    "America/Santiago",
    "Africa/Casablanca",
    "Pacific/Chatham",
    "UTC",
]
IM = Dose(Drug.HYDROXOCOBALAMIN, "1 mg", Route.IM)


def single(cadence, end=None, anchoring=Anchoring.GIVEN):
    return Regimen(
        id="t",
        name="t",
        phases=(
            Phase(
                name="only",
                dose=IM,
                cadence=cadence,
                end=end or Indefinite(),
                anchoring=anchoring,
            ),
        ),
    )


def two_phase(first_end, first=None, then=None, anchoring=Anchoring.GIVEN):
    return Regimen(
        id="t2",
        name="t2",
        phases=(
            Phase(
                name="loading",
                dose=IM,
                cadence=first or Cadence.every_days(2),
                end=first_end,
                anchoring=anchoring,
            ),
            Phase(
                name="maintenance",
                dose=IM,
                cadence=then or Cadence.every_months(2),
                end=Indefinite(),
            ),
        ),
    )


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
            course = course.record_dose(at)
        plan = course.plan(until=horizon)
        whens = [d.when for d in plan]
        assert whens == sorted(whens)
        assert len(set(whens)) == len(whens)
        fulfilled = [d.given for d in plan if d.given is not None]
        in_range = [g for g in course.given if g.at < horizon]
        assert sorted(fulfilled, key=lambda g: g.at) == list(in_range)
        assert [d.number for d in plan] == list(range(1, len(plan) + 1))

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
            course = course.record_dose(at)
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
        course = Course.begin(regimens.get("nice-neuro"), first_dose=self.start)
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
            regimens.get("nice-non-neuro"), first_dose=self.start, id="x"
        )
        in_order = base
        for t in times:
            in_order = in_order.record_dose(t)
        reverse = base
        for t in reversed(times):
            reverse = reverse.record_dose(t)
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
        course = Course.begin(regimens.get("nice-neuro"), first_dose=self.start)
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
        course = Course.begin(regimens.get("nice-neuro"), first_dose=self.start)
        for k in range(10):
            course = course.record_dose(self.start + dt.timedelta(days=2 * k))
        plan = course.plan(until=dt.datetime(2027, 6, 1, tzinfo=LONDON))
        assert {d.phase for d in plan} == {0}
        assert plan[10].due == dt.datetime(2026, 12, 21, 9, tzinfo=LONDON)
        assert plan[10].name == "loading dose 11"
        assert plan[10].provisional

    def test_end_phase_ends_loading_and_removes_provisional(self):
        """A clinician's decision ends the loading phase; maintenance follows, not provisional."""
        course = Course.begin(regimens.get("nice-neuro"), first_dose=self.start)
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
        course = Course.begin(regimens.get("nice-neuro"), first_dose=self.start)
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
        course = Course.begin(regimens.get("nice-non-neuro"), first_dose=self.start)
        course = course.record_dose(self.start + dt.timedelta(minutes=5))
        return course.plan(
            until=dt.datetime(2026, 12, 12, tzinfo=LONDON), now=now, grace=grace
        )

    def test_without_now_pending_doses_are_scheduled(self):
        """With no present given, pending doses are scheduled."""
        course = Course.begin(regimens.get("nice-non-neuro"), first_dose=self.start)
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
