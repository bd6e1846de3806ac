"""The pending slots found from a course's records, held to the full derivation.

Worklists (and ``Course.pending_doses``) find a course's pending slots from its
records: runs of doses given are taken by bisection and only the slots no dose
fulfils are timed in the zone.  These tests hold that search equal to the full
plan's pending slots, for every preset and made-up regimens, across DST.
"""

import datetime as dt
import zoneinfo

import attrs
from hypothesis import given
from hypothesis import strategies as st

from b12course import (
    AdministeredDose,
    Cadence,
    Count,
    Course,
    DoseStatus,
    Indefinite,
    Lasting,
    Phase,
    PhaseDecision,
    Regimen,
    regimens,
    worklist,
)
from b12course import strategies as b12st
from b12course._schedule import (
    DueWindow,
    window_closes,
    with_status,
)
from b12course._worklist import pending_slots
from support.profiles import scaled
from support.schedules import lean_plan

UTC = dt.timezone.utc
LONDON = zoneinfo.ZoneInfo("Europe/London")
# DST in both hemispheres, half-hour and 45-minute offsets, Lord Howe's
# half-hour shift, Santiago's changes at midnight, Apia's skipped day.
ZONE_KEYS = (
    "UTC",
    "Europe/London",
    "America/New_York",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Santiago",
    "Pacific/Apia",
    "Asia/Tehran",
    "Asia/Kolkata",
)
zones = b12st.zones(keys=ZONE_KEYS)
first_doses = b12st.aware_datetimes(
    min_value=dt.datetime(2010, 1, 1),
    max_value=dt.datetime(2030, 12, 31),
    timezones=zones,
).map(lambda d: d.replace(second=0, microsecond=0))
presets = st.sampled_from([regimens.get(key) for key in regimens.available()])
any_regimen = st.one_of(presets, b12st.regimens(presets=False))
courses = b12st.courses(
    regimens=any_regimen,
    first_doses=first_doses,
    max_given=30,
    max_symptoms=0,
    max_labs=0,
)
# Made-up regimens of several short phases, lived through at length: phase
# ends, missed doses and decisions meet there.
phased_courses = b12st.courses(
    regimens=b12st.regimens(presets=False, min_phases=2, max_phases=4),
    first_doses=first_doses,
    max_given=40,
    max_symptoms=0,
    max_labs=0,
)
# Minutes from the first dose: before it, inside the history, or far past it.
offsets = st.integers(-3 * 24 * 60, 800 * 24 * 60)
# Minutes around a record: the slots a horizon cuts there are the edge cases.
near = st.integers(-3 * 24 * 60, 3 * 24 * 60)
graces = st.one_of(st.none(), st.timedeltas(dt.timedelta(0), dt.timedelta(days=3)))


def utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(UTC)


def full_pending(
    course: Course,
    until: dt.datetime,
    now: dt.datetime | None = None,
    grace: dt.timedelta | None = None,
) -> tuple:
    """The pending slots of the whole plan, every slot walked."""
    plan = course.plan(until=until, now=now, grace=grace)
    return tuple(d for d in plan if d.pending)


def fast_pending(course: Course, until: dt.datetime) -> tuple:
    """The pending slots as worklists find them (``expand(pending_only=True)``)."""
    return lean_plan(course, until).doses


class TestEqualToTheFullDerivation:
    @given(course=courses, minutes=offsets)
    def test_pending_slots_equal_the_plans(self, course, minutes):
        """The pending slots found from the records are the full plan's pending slots."""
        until = course.first_dose + dt.timedelta(minutes=minutes)
        assert fast_pending(course, until) == full_pending(course, until)

    @given(course=courses, pick=st.integers(0, 1000), minutes=near)
    def test_horizons_near_the_records(self, course, pick, minutes):
        """Horizons just before or after a dose given or a skip agree too."""
        times = [course.first_dose, *(g.at for g in course.given)]
        times += [s.due for s in course.skips]
        until = times[pick % len(times)] + dt.timedelta(minutes=minutes)
        assert fast_pending(course, until) == full_pending(course, until)

    @given(course=phased_courses, pick=st.integers(0, 1000), minutes=near)
    def test_many_phases_near_the_records(self, course, pick, minutes):
        """Courses through several short phases agree at horizons near their records."""
        times = [course.first_dose, *(g.at for g in course.given)]
        until = times[pick % len(times)] + dt.timedelta(minutes=minutes)
        assert fast_pending(course, until) == full_pending(course, until)

    @given(course=courses, minutes=offsets, ahead=offsets, grace=graces)
    def test_statuses_equal_the_plans(self, course, minutes, ahead, grace):
        """With now and grace, each pending slot has the plan's status and flags."""
        until = course.first_dose + dt.timedelta(minutes=minutes)
        now = course.first_dose + dt.timedelta(minutes=ahead)
        found = course.pending_doses(until=until, now=now, grace=grace)
        assert found == full_pending(course, until, now, grace)

    @given(course=courses, minutes=offsets)
    def test_the_kept_slots_of_a_worklist_equal_the_plans(self, course, minutes):
        """A worklist's kept slots, cut at a horizon, are the plan's pending slots."""
        until = utc(course.first_dose + dt.timedelta(minutes=minutes))
        kept = pending_slots(course, until)
        assert kept.dues == tuple(utc(d.due) for d in kept.doses)
        cut = tuple(d for d in kept.doses if utc(d.due) < until)
        assert cut == full_pending(course, until)

    @given(course=courses, minutes=offsets)
    def test_skips_without_slots_take_the_walk_and_agree(self, course, minutes):
        """Skips from old documents (no slot, only a due) give the plan's slots too."""
        old = attrs.evolve(
            course,
            skips=tuple(
                attrs.evolve(s, phase=None, number_in_phase=None) for s in course.skips
            ),
        )
        until = old.first_dose + dt.timedelta(minutes=minutes)
        assert fast_pending(old, until) == full_pending(old, until)


class TestFasterPieces:
    @given(due=first_doses, grace=graces)
    def test_closing_is_the_windows_close(self, due, grace):
        """window_closes is when DueWindow.of's window closes."""
        zone = due.tzinfo
        assert window_closes(due, zone, grace) == DueWindow.of(due, zone, grace).closes

    @scaled(0.3)  # one small piece; each example derives a whole plan to draw from
    @given(course=courses, minutes=offsets)
    def test_with_status_is_evolve(self, course, minutes):
        """A slot given a status equals attrs.evolve of it, every field kept."""
        until = course.first_dose + dt.timedelta(minutes=minutes)
        for dose in course.plan(until=until):
            for status in DoseStatus:
                assert with_status(dose, status) == attrs.evolve(dose, status=status)


NEURO = regimens.get("bnf-hydroxocobalamin-neuro")


def given_on(course: Course, *days: int) -> Course:
    """``course`` with a dose given at 09:30 local time ``days`` after it began."""
    start = course.first_dose
    doses = tuple(
        AdministeredDose(
            at=dt.datetime.combine(
                start.date() + dt.timedelta(days=d), dt.time(9, 30), tzinfo=start.tzinfo
            ),
            dose=course.regimen.phases[0].dose,
        )
        for d in days
    )
    return attrs.evolve(course, given=doses)


class TestExamples:
    def test_pending_slots_across_the_spring_change(self):
        """Alternate-day slots after the last dose keep 09:30 local across 29 March."""
        course = Course.begin(
            NEURO, first_dose=dt.datetime(2026, 3, 17, 9, 30, tzinfo=LONDON)
        )
        course = given_on(course, 0, 2, 4, 6)  # the last on 23 March
        until = dt.datetime(2026, 4, 4, tzinfo=LONDON)
        found = course.pending_doses(until=until)
        assert found == full_pending(course, until)
        assert [(d.due.day, d.due.hour, d.due.minute) for d in found] == [
            (25, 9, 30),
            (27, 9, 30),
            (29, 9, 30),
            (31, 9, 30),
            (2, 9, 30),
        ]
        assert [d.due.utcoffset() for d in found] == [
            dt.timedelta(0),
            dt.timedelta(0),
            dt.timedelta(hours=1),
            dt.timedelta(hours=1),
            dt.timedelta(hours=1),
        ]
        assert [d.number_in_phase for d in found] == [5, 6, 7, 8, 9]
        # Provisional from the review point, two weeks after the first dose.
        assert [d.provisional for d in found] == [False, False, False, True, True]

    def test_a_slot_in_the_spring_gap_reads_as_the_clock_does(self):
        """A slot whose wall time falls in the gap is due at 02:30 BST, as the clock reads 01:30."""
        daily = Regimen(
            id="custom",
            name="Daily at 01:30",
            phases=(
                Phase(
                    name="daily",
                    dose=NEURO.phases[0].dose,
                    cadence=Cadence.daily(),
                    end=Indefinite(),
                ),
            ),
        )
        # Given at 01:30 on the Saturday: the Sunday slot is in the gap.
        course = Course.begin(
            daily, first_dose=dt.datetime(2026, 3, 28, 1, 30, tzinfo=LONDON)
        )
        course = attrs.evolve(
            course,
            given=(AdministeredDose(at=course.first_dose, dose=daily.phases[0].dose),),
        )
        until = dt.datetime(2026, 3, 31, tzinfo=LONDON)
        found = course.pending_doses(until=until)
        assert found == full_pending(course, until)
        assert [d.due.isoformat() for d in found] == [
            "2026-03-29T02:30:00+01:00",
            "2026-03-30T01:30:00+01:00",
        ]

    def test_a_day_the_zone_skipped_is_passed_over(self):
        """Apia skipped 30 December 2011: no slot falls on it, as in the plan."""
        apia = zoneinfo.ZoneInfo("Pacific/Apia")
        daily = attrs.evolve(
            NEURO,
            id="custom",
            phases=(attrs.evolve(NEURO.phases[1], cadence=Cadence.daily()),),
        )
        course = Course.begin(
            daily, first_dose=dt.datetime(2011, 12, 28, 9, tzinfo=apia)
        )
        course = attrs.evolve(
            course,
            given=(AdministeredDose(at=course.first_dose, dose=daily.phases[0].dose),),
        )
        until = dt.datetime(2012, 1, 2, tzinfo=apia)
        found = course.pending_doses(until=until)
        assert found == full_pending(course, until)
        assert [d.due.day for d in found] == [29, 31, 1]
        assert [d.number for d in found] == [2, 3, 4]

    def test_a_dose_after_a_missed_end_of_phase_is_the_next_phases(self):
        """A slot timed far past the horizon still takes a dose given before it.

        The weekly phase ends (two weeks) with its second slot missed; the dose
        given on day 20 is the monthly phase's, whose first slot is timed a
        month after the missed one, and the daily phase after it runs from
        that dose to the horizon.
        """
        dose = NEURO.phases[0].dose
        regimen = Regimen(
            id="custom",
            name="Weekly, one monthly, then daily",
            phases=(
                Phase(
                    name="weekly",
                    dose=dose,
                    cadence=Cadence.every_weeks(1),
                    end=Lasting(weeks=2),
                ),
                Phase(
                    name="monthly",
                    dose=dose,
                    cadence=Cadence.every_months(1),
                    end=Count(1),
                ),
                Phase(
                    name="daily", dose=dose, cadence=Cadence.daily(), end=Indefinite()
                ),
            ),
        )
        first = dt.datetime(2026, 1, 5, 9, tzinfo=LONDON)
        course = Course.begin(regimen, first_dose=first)
        course = attrs.evolve(
            course,
            given=(
                AdministeredDose(at=first, dose=dose),
                AdministeredDose(at=first + dt.timedelta(days=20), dose=dose),
            ),
        )
        until = first + dt.timedelta(days=24)
        found = course.pending_doses(until=until)
        assert found == full_pending(course, until)
        assert [(d.phase_name, d.due.day) for d in found] == [
            ("weekly", 12),
            ("daily", 26),
            ("daily", 27),
            ("daily", 28),
        ]

    def test_passing_a_conditional_phase_makes_what_follows_provisional(self):
        """Phases passed at once keep the plan's flags: provisional until confirmed."""
        ny = zoneinfo.ZoneInfo("America/New_York")
        start = dt.datetime(2026, 3, 1, 9, tzinfo=ny)  # DST begins on 8 March
        course = Course.begin(
            regimens.get("us-label-pernicious-anaemia"), first_dose=start
        )
        plan = course.plan(until=start + dt.timedelta(days=90))
        doses = tuple(
            AdministeredDose(at=d.due + dt.timedelta(minutes=15), dose=d.dose)
            for d in plan[:16]  # 7 daily, 7 alternate days, 2 every 3 days
        )
        course = attrs.evolve(course, given=doses)
        until = start + dt.timedelta(days=120)
        found = course.pending_doses(until=until)
        assert found == full_pending(course, until)
        assert found[0].number == 17
        assert all(d.provisional for d in found)
        confirmed = course.confirm_phase(start + dt.timedelta(days=7), "reticulocytes")
        found = confirmed.pending_doses(until=until)
        assert found == full_pending(confirmed, until)
        assert not any(d.provisional for d in found)

    def test_a_five_year_history(self):
        """Five years of doses: the pending slots are the plan's, numbered as in it."""
        first = dt.datetime(2021, 11, 1, 10, tzinfo=LONDON)
        course = Course.begin(NEURO, first_dose=first)
        decision = PhaseDecision(
            phase=0, at=first + dt.timedelta(weeks=6), reason="no further improvement"
        )
        course = attrs.evolve(course, decisions=(decision,))
        now = dt.datetime(2026, 11, 23, 8, tzinfo=UTC)
        doses = tuple(
            AdministeredDose(at=d.due + dt.timedelta(minutes=20), dose=d.dose)
            for i, d in enumerate(course.plan(until=now))
            if i % 9 != 4  # every ninth dose missed
        )
        course = attrs.evolve(course, given=doses)
        assert len(course.given) > 40
        until = now + dt.timedelta(days=120)
        found = course.pending_doses(until=until, now=now)
        assert found == full_pending(course, until, now)
        assert found[0].phase_name == "maintenance"
        assert found[0].number == len(course.given) + 1
        rows = worklist([course], now, until, now=now)
        assert [row.dose for row in rows] == [
            d for d in found if utc(d.due) >= now or d.status.value == "overdue"
        ]

    def test_the_end_of_the_calendar(self):
        """A plan asked to the year 9999 stops where the calendar does, as the plan does."""
        centennial = Regimen(
            id="custom",
            name="Every 100 years",
            phases=(
                Phase(
                    name="rare",
                    dose=NEURO.phases[0].dose,
                    cadence=Cadence.every_months(1200),
                    end=Indefinite(),
                ),
            ),
        )
        first = dt.datetime(8950, 6, 1, 9, tzinfo=LONDON)
        course = Course.begin(centennial, first_dose=first)
        course = attrs.evolve(
            course,
            given=(AdministeredDose(at=first, dose=centennial.phases[0].dose),),
        )
        until = dt.datetime.max.replace(tzinfo=UTC)
        found = course.pending_doses(until=until)
        assert found == full_pending(course, until)
        assert [d.due.year for d in found] == list(range(9050, 10_000, 100))
