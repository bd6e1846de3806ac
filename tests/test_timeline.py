"""The timeline: a sorted index of a course's events, queried by half-open ranges."""

import datetime as dt
import random
import zoneinfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from b12course import (
    AdministeredDose,
    Analyte,
    Course,
    DoseSkip,
    DoseStatus,
    EventKind,
    LabResult,
    Symptom,
    SymptomEntry,
    Timeline,
    TimelineEvent,
    regimens,
)
from b12course import strategies as b12st
from b12course._time import UTC, utc
from b12course.exceptions import (
    B12CourseError,
    InvalidRecordError,
    NaiveDatetimeError,
    NotADateError,
    NotADatetimeError,
    RangeError,
    ZoneError,
)

Z = zoneinfo.ZoneInfo
LONDON = Z("Europe/London")
ZONES = [
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "America/Santiago",
    "UTC",
]
INJECTIONS = [
    "bnf-hydroxocobalamin-neuro",
    "bnf-hydroxocobalamin-non-neuro",
    "nice-dietary-injection",
    "us-label-pernicious-anaemia",
    "us-high-dose",
    "nasal-weekly",
]
START = dt.datetime(2026, 12, 7, 9, tzinfo=LONDON)
ONE_US = dt.timedelta(microseconds=1)


def key(event):
    return (utc(event.start), list(EventKind).index(event.kind), utc(event.end))


def assert_sorted(events):
    keys = [key(e) for e in events]
    assert keys == sorted(keys)


def build_course(seed, preset, first):
    """Return a course with doses given (some late, some missed), a skip, symptoms and labs."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not crypto
    course = Course.begin(regimens.get(preset), first_dose=first, id=f"c{seed}")
    plan = course.plan(until=first + dt.timedelta(days=200))
    given = tuple(
        AdministeredDose(
            at=(d.due + dt.timedelta(minutes=rng.randint(-90, 600))).astimezone(
                Z(rng.choice(ZONES))
            ),
            dose=d.dose,
        )
        for d in plan
        if rng.random() < 0.8
    )
    symptoms = tuple(
        SymptomEntry(
            at=first + dt.timedelta(hours=rng.randint(-24 * 30, 24 * 300)),
            symptom=rng.choice([Symptom.MYOCLONUS, Symptom.FATIGUE]),
            severity=rng.randint(0, 10),
        )
        for _ in range(rng.randint(0, 12))
    )
    labs = tuple(
        LabResult(
            at=first + dt.timedelta(days=rng.randint(-20, 300)),
            analyte=Analyte.SERUM_B12,
            value=rng.randint(80, 900),
            unit="ng/L",
        )
        for _ in range(rng.randint(0, 3))
    )
    # The course refuses the same symptom or analyte twice at one instant.
    symptoms = tuple({(utc(e.at), e.symptom): e for e in symptoms}.values())
    labs = tuple({utc(r.at): r for r in labs}.values())
    given = tuple({utc(g.at): g for g in given}.values())
    course = attrs.evolve(course, given=given, symptoms=symptoms, labs=labs)
    pending = [
        d for d in course.plan(until=first + dt.timedelta(days=300)) if d.pending
    ]
    if pending and rng.random() < 0.5:
        course = attrs.evolve(course, skips=(DoseSkip(due=rng.choice(pending).due),))
    return course


@st.composite
def timelines(draw):
    """A course from the public strategies, or a busier local one, and its timeline."""
    if draw(st.booleans()):
        course = draw(b12st.courses(max_given=10))
    else:
        zone = Z(draw(st.sampled_from(ZONES)))
        first = dt.datetime(2020, 1, 1, tzinfo=UTC) + dt.timedelta(
            minutes=draw(st.integers(0, 10 * 365 * 24 * 60))
        )
        first = first.astimezone(zone).replace(second=0, microsecond=0)
        preset = draw(st.sampled_from(INJECTIONS))
        course = build_course(draw(st.integers(0, 2**32)), preset, first)
    now = course.first_dose + dt.timedelta(days=draw(st.integers(-5, 300)))
    tl = course.timeline(until=course.first_dose + dt.timedelta(days=365), now=now)
    return course, tl, now


def shown(tl, doses):
    """The doses the timeline's horizon policy shows (module doc of _horizon)."""
    return [
        d
        for d in doses
        if not (d.provisional and d.pending)
        or tl.horizon.shows(d.due, provisional=True)
    ]


def instants_near(first, zones=ZONES):
    """Instants from a month before to 13 months after ``first``, in any zone."""
    return st.builds(
        lambda minutes, key: (first + dt.timedelta(minutes=minutes)).astimezone(Z(key)),
        st.integers(-31 * 24 * 60, 400 * 24 * 60),
        st.sampled_from(zones),
    )


@pytest.fixture
def course():
    return Course.begin(
        regimens.get("bnf-hydroxocobalamin-non-neuro"), first_dose=START, id="c1"
    )


def interval_timeline():
    """A hand-made timeline: a flare-like interval [10th, 20th) and instants around it."""
    a = dt.datetime(2026, 12, 10, tzinfo=LONDON)
    b = dt.datetime(2026, 12, 20, tzinfo=LONDON)
    window = TimelineEvent(start=a, end=b, kind=EventKind.FLARE_WINDOW, payload="flare")
    instants = [
        TimelineEvent.instant(
            dt.datetime(2026, 12, day, 9, tzinfo=LONDON), EventKind.SYMPTOM, day
        )
        for day in (5, 10, 15, 20, 25)
    ]
    return window, instants, Timeline([*instants, window], zone=LONDON)


@pytest.mark.slow
class TestTimelineProperties:
    @given(data=st.data(), made=timelines())
    def test_between_is_additive(self, data, made):
        """between(a, b) followed by between(b, c) is between(a, c)."""
        course, tl, _ = made
        a, b, c = sorted(
            (data.draw(instants_near(course.first_dose)) for _ in range(3)), key=utc
        )
        assert tl.between(a, b) + tl.between(b, c) == tl.between(a, c)

    @given(data=st.data(), made=timelines())
    def test_between_equals_a_brute_force_filter(self, data, made):
        """between(a, b) returns exactly the events with a <= start < b, in order."""
        course, tl, _ = made
        a, b = sorted(
            (data.draw(instants_near(course.first_dose)) for _ in range(2)), key=utc
        )
        expected = tuple(e for e in tl if utc(a) <= utc(e.start) < utc(b))
        assert tl.between(a, b) == expected
        assert_sorted(tl.between(a, b))

    @given(data=st.data(), made=timelines())
    def test_overlapping_and_at_equal_brute_force(self, data, made):
        """The overlapping and at queries return exactly the events the half-open rules name."""
        course, tl, _ = made
        a, b = sorted(
            (data.draw(instants_near(course.first_dose)) for _ in range(2)), key=utc
        )

        def overlaps(e):
            if e.is_instant:
                return utc(a) <= utc(e.start) < utc(b)
            return utc(e.start) < utc(b) and utc(e.end) > utc(a)

        def contains(e):
            if e.is_instant:
                return utc(e.start) == utc(a)
            return utc(e.start) <= utc(a) < utc(e.end)

        assert tl.overlapping(a, b) == tuple(e for e in tl if overlaps(e))
        assert tl.at(a) == tuple(e for e in tl if contains(e))
        assert_sorted(tl.overlapping(a, b))

    @given(made=timelines())
    def test_every_event_overlaps_its_own_span(self, made):
        """Each event is found by overlapping over its own span, and at its start."""
        _, tl, _ = made
        for event in tl:
            # Add in UTC: wall-clock arithmetic would drop fold=1 in a repeated hour.
            end = event.end if not event.is_instant else utc(event.start) + ONE_US
            assert event in tl.overlapping(event.start, end)
            assert event in tl.at(event.start)
        assert_sorted(tl)

    @given(made=timelines())
    def test_holds_every_record_and_slot_before_the_horizon(self, made):
        """The timeline holds every plan slot and every record before its horizon."""
        course, tl, now = made
        until = course.first_dose + dt.timedelta(days=365)
        kinds = {kind: [e.payload for e in tl.of_kind(kind)] for kind in EventKind}
        # Planned doses sort by due time (a plan sorts by when given, or due).
        plan = course.plan(until=until, now=now)
        # The horizon policy: provisional doses still pending show to its
        # provisional horizon, every other slot to the firm one.
        doses = shown(tl, plan)
        assert kinds[EventKind.PLANNED_DOSE] == sorted(doses, key=lambda d: utc(d.due))
        assert len(kinds[EventKind.PLAN_CONTINUES]) == (len(doses) < len(plan))
        assert kinds[EventKind.DOSE_GIVEN] == [
            g for g in course.given if utc(g.at) < utc(until)
        ]
        assert kinds[EventKind.SYMPTOM] == [
            s for s in course.symptoms if utc(s.at) < utc(until)
        ]
        assert kinds[EventKind.LAB_RESULT] == [
            r for r in course.labs if utc(r.at) < utc(until)
        ]
        assert len(tl) == sum(len(v) for v in kinds.values())
        assert all(e.start.tzinfo is course.zone for e in tl)
        assert all(e.end.tzinfo is course.zone for e in tl)

    @given(data=st.data(), made=timelines())
    def test_on_a_day_is_between_local_midnights(self, data, made):
        """on(day) is between(local midnight, next local midnight) in the asked zone."""
        course, tl, _ = made
        zone = Z(data.draw(st.sampled_from(ZONES)))
        day = (
            course.first_dose + dt.timedelta(days=data.draw(st.integers(-3, 370)))
        ).date()
        start = dt.datetime(day.year, day.month, day.day, tzinfo=zone)
        nxt = day + dt.timedelta(days=1)
        end = dt.datetime(nxt.year, nxt.month, nxt.day, tzinfo=zone)
        assert tl.on(day, zone) == tl.between(start, end)
        assert tl.on(day, zone.key) == tl.on(day, zone)

    @given(data=st.data(), made=timelines())
    def test_overdue_matches_the_plan_statuses(self, data, made):
        """overdue(now) returns the doses the plan calls overdue at that now."""
        course, tl, _ = made
        now = data.draw(instants_near(course.first_dose))
        until = course.first_dose + dt.timedelta(days=365)
        expected = tuple(
            d
            for d in shown(tl, course.plan(until=until, now=now))
            if d.status is DoseStatus.OVERDUE
        )
        assert tl.overdue(now=now) == tuple(sorted(expected, key=lambda d: utc(d.due)))

    @given(data=st.data(), made=timelines())
    def test_overdue_asked_again_at_other_nows_matches_the_plan(self, data, made):
        """One timeline asked overdue() at several nows, in any order, agrees with the plan each time."""
        course, tl, _ = made
        until = course.first_dose + dt.timedelta(days=365)
        for now in data.draw(st.lists(instants_near(course.first_dose), max_size=4)):
            expected = tuple(
                d
                for d in shown(tl, course.plan(until=until, now=now))
                if d.status is DoseStatus.OVERDUE
            )
            assert tl.overdue(now=now) == tuple(
                sorted(expected, key=lambda d: utc(d.due))
            )

    @given(data=st.data(), made=timelines())
    def test_next_dose_is_the_first_pending_dose_at_or_after(self, data, made):
        """next_dose(after=t) is the earliest pending planned dose due at or after t."""
        course, tl, _ = made
        t = data.draw(instants_near(course.first_dose))
        plan = course.plan(until=course.first_dose + dt.timedelta(days=365))
        pending = [d for d in shown(tl, plan) if d.pending and utc(d.due) >= utc(t)]
        found = tl.next_dose(after=t)
        if not pending:
            assert found is None
        else:
            expected = min(pending, key=lambda d: utc(d.due))
            assert found is not None
            assert (found.number, found.due) == (expected.number, expected.due)

    @given(data=st.data(), made=timelines())
    def test_last_is_the_latest_event_of_its_kind_before(self, data, made):
        """last(kind, before=t) is the latest event of that kind starting before t."""
        course, tl, _ = made
        t = data.draw(instants_near(course.first_dose))
        kind = data.draw(st.sampled_from(list(EventKind)))
        earlier = [e for e in tl if e.kind is kind and utc(e.start) < utc(t)]
        assert tl.last(kind, before=t) == (earlier[-1] if earlier else None)


class TestDstDays:
    @pytest.mark.parametrize(
        ("zone", "day", "hours"),
        [
            ("Europe/London", dt.date(2026, 3, 29), 23),
            ("Europe/London", dt.date(2026, 10, 25), 25),
            ("America/New_York", dt.date(2026, 3, 8), 23),
            ("America/New_York", dt.date(2026, 11, 1), 25),
            ("Australia/Sydney", dt.date(2026, 10, 4), 23),
            ("Australia/Sydney", dt.date(2026, 4, 5), 25),
            ("Australia/Lord_Howe", dt.date(2026, 10, 4), 23.5),
            ("Australia/Lord_Howe", dt.date(2026, 4, 5), 24.5),
            ("America/Santiago", dt.date(2026, 4, 4), 25),
            ("America/Santiago", dt.date(2026, 9, 6), 23),
            ("America/Sao_Paulo", dt.date(2019, 2, 16), 25),
            ("America/Sao_Paulo", dt.date(2018, 11, 4), 23),
        ],
    )
    def test_on_a_dst_day_covers_the_whole_local_day(self, zone, day, hours):
        """on(day) of a 23 h or 25 h day holds events from its first to its last local hour."""
        tz = Z(zone)
        course = Course.begin(
            regimens.get("oral-high-dose"),
            first_dose=dt.datetime.combine(
                day - dt.timedelta(days=3), dt.time(9), tzinfo=tz
            ),
        )
        # A symptom every 30 minutes of elapsed time around the day.
        begin = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(12), tzinfo=tz)
        for n in range(48 * 3):
            at = (begin.astimezone(UTC) + dt.timedelta(minutes=30 * n)).astimezone(tz)
            course = attrs.evolve(
                course,
                symptoms=(
                    *course.symptoms,
                    SymptomEntry(at=at, symptom=Symptom.FATIGUE, severity=n % 11),
                ),
            )
        tl = course.timeline(until=begin + dt.timedelta(days=4))
        symptoms = [e for e in tl.on(day) if e.kind is EventKind.SYMPTOM]
        assert len(symptoms) == hours * 2
        assert all(e.start.astimezone(tz).date() == day for e in symptoms)
        dose = [e for e in tl.on(day) if e.kind is EventKind.PLANNED_DOSE]
        assert [e.start.astimezone(tz).hour for e in dose] == [9]


class TestQueries:
    def test_a_week_of_doses(self, course):
        """A one-week between query returns the week's planned doses, in time order."""
        tl = course.timeline(until=dt.datetime(2027, 1, 1, tzinfo=LONDON))
        tl = tl.of_kind(EventKind.PHASE_CHANGE, EventKind.PLANNED_DOSE)
        week = tl.between(
            dt.datetime(2026, 12, 7, tzinfo=LONDON),
            dt.datetime(2026, 12, 14, tzinfo=LONDON),
        )
        assert [(e.kind, e.start.day) for e in week] == [
            (EventKind.PHASE_CHANGE, 7),
            (EventKind.PLANNED_DOSE, 7),
            (EventKind.PLANNED_DOSE, 9),
            (EventKind.PLANNED_DOSE, 11),
        ]

    def test_instants_are_half_open(self, course):
        """An event at the end of a range is outside it and inside the next one."""
        tl = course.timeline(until=dt.datetime(2027, 1, 1, tzinfo=LONDON))
        tl = tl.of_kind(EventKind.PLANNED_DOSE)
        due = dt.datetime(2026, 12, 9, 9, tzinfo=LONDON)
        assert tl.between(due - dt.timedelta(hours=1), due) == ()
        assert [e.start for e in tl.between(due, due + ONE_US)] == [due]

    def test_queries_compare_instants_in_any_zone(self, course):
        """A range given in another zone selects the same instants."""
        tl = course.timeline(until=dt.datetime(2027, 1, 1, tzinfo=LONDON))
        a = dt.datetime(2026, 12, 9, tzinfo=LONDON)
        b = dt.datetime(2026, 12, 12, tzinfo=LONDON)
        tokyo = Z("Asia/Tokyo")
        assert tl.between(a, b) == tl.between(a.astimezone(tokyo), b.astimezone(UTC))
        assert len(tl.of_kind(EventKind.PLANNED_DOSE).between(a, b)) == 2
        in_utc = (a.astimezone(UTC), b.astimezone(UTC))
        assert tl.overlapping(*in_utc) == tl.overlapping(a, b)
        assert tl.at(in_utc[0]) == tl.at(a)

    def test_next_dose_skips_given_and_skipped(self, course):
        """next_dose ignores doses given or skipped and looks at or after the instant."""
        course = course.record_dose(START)
        course = course.skip_dose(dt.datetime(2026, 12, 9, 9, tzinfo=LONDON))
        tl = course.timeline(until=dt.datetime(2027, 1, 1, tzinfo=LONDON))
        nxt = tl.next_dose(after=START)
        assert nxt is not None
        assert nxt.due == dt.datetime(2026, 12, 11, 9, tzinfo=LONDON)
        assert tl.next_dose(after=nxt.due) == nxt
        assert tl.next_dose(after=dt.datetime(2027, 1, 1, tzinfo=LONDON)) is None
        skipped = tl.of_kind(EventKind.DOSE_SKIPPED)
        assert [e.start for e in skipped] == [
            dt.datetime(2026, 12, 9, 9, tzinfo=LONDON)
        ]

    def test_overdue_after_the_due_day(self, course):
        """A missed dose is overdue from the end of its local due day, with status OVERDUE."""
        tl = course.timeline(until=dt.datetime(2027, 1, 1, tzinfo=LONDON))
        assert tl.overdue(now=dt.datetime(2026, 12, 7, 23, 59, tzinfo=LONDON)) == ()
        late = tl.overdue(now=dt.datetime(2026, 12, 8, tzinfo=LONDON))
        assert [(d.number, d.status) for d in late] == [(1, DoseStatus.OVERDUE)]
        graced = course.timeline(
            until=dt.datetime(2027, 1, 1, tzinfo=LONDON),
            grace=dt.timedelta(hours=2),
        )
        assert [
            d.number for d in graced.overdue(now=START + dt.timedelta(hours=2))
        ] == [1]

    def test_last_symptom_before(self, course):
        """last(kind, before=t) is the latest entry strictly before t."""
        entries = [
            SymptomEntry(
                at=START + dt.timedelta(days=n), symptom=Symptom.MYOCLONUS, severity=n
            )
            for n in (1, 3, 5)
        ]
        for entry in entries:
            course = course.log_symptom(entry)
        tl = course.timeline(until=dt.datetime(2027, 1, 1, tzinfo=LONDON))
        assert tl.last(EventKind.SYMPTOM, before=entries[2].at).payload == entries[1]
        assert tl.last(EventKind.SYMPTOM, before=entries[0].at) is None
        assert tl.last(EventKind.LAB_RESULT, before=entries[2].at) is None

    def test_records_show_in_the_course_zone(self, course):
        """Doses given in another zone are shown at the same instant in the course zone."""
        at = dt.datetime(2026, 12, 7, 4, tzinfo=Z("America/New_York"))
        tl = course.record_dose(at).timeline(
            until=dt.datetime(2027, 1, 1, tzinfo=LONDON)
        )
        (event,) = tl.of_kind(EventKind.DOSE_GIVEN)
        assert event.start == at
        assert event.start.tzinfo is LONDON
        assert event.payload.at is at

    def test_ties_sort_by_kind(self):
        """Events at one instant sort by kind order whatever order they were given in."""
        at = START
        events = [TimelineEvent.instant(at, kind, kind.value) for kind in EventKind]
        forward = Timeline(events, zone=LONDON)
        backward = Timeline(reversed(events), zone=LONDON)
        assert list(forward) == list(backward) == events

    def test_equal_events_keep_their_given_order(self):
        """Events equal in start, kind and end keep the order they were given in."""
        events = [TimelineEvent.instant(START, EventKind.SYMPTOM, n) for n in range(5)]
        assert [e.payload for e in Timeline(events, zone=LONDON)] == [0, 1, 2, 3, 4]

    def test_reviews_and_flare_window_come_from_the_clinical_record(self):
        """REVIEW events are course.reviews() and the FLARE_WINDOW is course.flare_window()."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START
        )
        course = course.record_dose(START + dt.timedelta(hours=1))
        until = dt.datetime(2027, 6, 1, tzinfo=LONDON)
        tl = course.timeline(until=until)
        reviews = course.reviews(until=until)
        assert [e.payload for e in tl.of_kind(EventKind.REVIEW)] == list(reviews)
        assert [e.start for e in tl.of_kind(EventKind.REVIEW)] == [
            r.at for r in reviews
        ]
        assert len(reviews) == 2
        (flare,) = tl.of_kind(EventKind.FLARE_WINDOW)
        window = course.flare_window()
        assert (flare.start, flare.end, flare.payload) == (
            window.start,
            window.end,
            window,
        )
        inside = window.start + (window.end - window.start) / 2
        assert flare in tl.at(inside)
        assert flare not in tl.between(inside, until)
        assert flare in tl.overlapping(inside, until)

    def test_no_flare_window_past_the_horizon(self):
        """A flare window opening at or after the horizon is left out."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START
        )
        course = course.record_dose(START)
        window = course.flare_window()
        assert (
            course.timeline(until=window.start).of_kind(EventKind.FLARE_WINDOW).events
            == ()
        )
        assert (
            len(
                course.timeline(until=window.start + ONE_US).of_kind(
                    EventKind.FLARE_WINDOW
                )
            )
            == 1
        )


class TestIntervals:
    def test_at_finds_intervals_containing_the_instant(self):
        """at(t) returns an interval [s, e) iff s <= t < e, plus the instants at t."""
        window, instants, tl = interval_timeline()
        assert tl.at(window.start) == (window,)
        assert tl.at(instants[1].start) == (window, instants[1])
        assert tl.at(window.end - ONE_US) == (window,)
        assert tl.at(window.end) == ()
        assert tl.at(instants[0].start) == (instants[0],)

    def test_between_takes_intervals_by_start(self):
        """A between query returns an interval only if it starts in the range."""
        window, instants, tl = interval_timeline()
        a = dt.datetime(2026, 12, 12, tzinfo=LONDON)
        b = dt.datetime(2026, 12, 22, tzinfo=LONDON)
        assert tl.between(a, b) == (instants[2], instants[3])
        assert tl.overlapping(a, b) == (window, instants[2], instants[3])
        assert tl.overlapping(window.end, b) == (instants[3],)
        with pytest.raises(RangeError):
            tl.overlapping(b, a)

    def test_on_versus_on_date(self):
        """on(day) lists what starts that day; on_date (ical) also lists what is running."""
        window, instants, tl = interval_timeline()
        day = dt.date(2026, 12, 15)
        assert tl.on(day) == (instants[2],)
        assert tl.on_date(day) == (window, instants[2])
        assert tl.on_date(dt.date(2026, 12, 10)) == (window, instants[1])

    def test_ical_vocabulary(self):
        """included, start_after and at_instant follow allenporter/ical's meanings."""
        window, instants, tl = interval_timeline()
        a = dt.datetime(2026, 12, 1, tzinfo=LONDON)
        assert tl.included(a, dt.datetime(2026, 12, 19, tzinfo=LONDON)) == (
            instants[0],
            instants[1],
            instants[2],
        )
        assert tl.included(a, window.end) == (
            instants[0],
            window,
            instants[1],
            instants[2],
        )
        assert tl.start_after(instants[3].start) == (instants[4],)
        assert tl.start_after(window.start) == tuple(instants[1:])
        assert tl.at_instant(instants[2].start) == tl.at(instants[2].start)

    def test_an_hour_in_the_repeated_hour_is_an_interval(self):
        """An interval from 01:00 BST to 01:00 GMT (same wall time, fold 0 and 1) lasts an hour."""
        start = dt.datetime(2026, 10, 25, 1, tzinfo=LONDON)
        event = TimelineEvent(
            start=start,
            end=start.replace(fold=1),
            kind=EventKind.FLARE_WINDOW,
            payload=None,
        )
        assert not event.is_instant
        assert event.duration == dt.timedelta(hours=1)
        tl = Timeline([event], zone=LONDON)
        assert tl.at(start + dt.timedelta(minutes=30)) == (event,)

    def test_event_metrics(self):
        """An event knows whether it is an instant and how long it lasts."""
        window, instants, _ = interval_timeline()
        assert window.duration == dt.timedelta(days=10)
        assert not window.is_instant
        assert instants[0].is_instant
        assert instants[0].duration == dt.timedelta(0)


class TestTimelineValue:
    def test_is_immutable(self, course):
        """A timeline cannot be changed after it is built."""
        tl = course.timeline(until=dt.datetime(2027, 1, 1, tzinfo=LONDON))
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            tl.events = ()  # type: ignore[misc]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            del tl.events

    def test_collection_protocol(self, course):
        """A timeline has a length, iterates, indexes and slices in sorted order."""
        tl = course.timeline(until=dt.datetime(2027, 1, 1, tzinfo=LONDON))
        assert len(tl) == len(list(tl)) == len(tl.events)
        assert tl[0] == tl.events[0]
        assert tl[1:3] == tl.events[1:3]
        assert repr(tl) == f"<Timeline of {len(tl)} events in Europe/London>"
        assert tl.zone is LONDON

    def test_of_kind(self, course):
        """of_kind keeps only the named kinds, in order, with working queries."""
        course = course.log_symptom(
            SymptomEntry(at=START, symptom=Symptom.FATIGUE, severity=3)
        )
        tl = course.timeline(until=dt.datetime(2027, 1, 1, tzinfo=LONDON))
        doses = tl.of_kind(EventKind.PLANNED_DOSE)
        assert {e.kind for e in doses} == {EventKind.PLANNED_DOSE}
        assert [e.kind for e in doses.at(START)] == [EventKind.PLANNED_DOSE]
        both = tl.of_kind(EventKind.PLANNED_DOSE, EventKind.SYMPTOM)
        assert list(both) == [
            e for e in tl if e.kind in {EventKind.PLANNED_DOSE, EventKind.SYMPTOM}
        ]
        assert both.next_dose(after=START) == tl.next_dose(after=START)
        assert len(tl.of_kind(EventKind.LAB_RESULT)) == 0
        assert tl.of_kind().events == ()

    @pytest.mark.parametrize(
        "query",
        [
            lambda tl, t: tl.between(t, t),
            lambda tl, t: tl.overlapping(t, t),
            lambda tl, t: tl.at(t),
            lambda tl, t: tl.next_dose(after=t),
            lambda tl, t: tl.last(EventKind.SYMPTOM, before=t),
            lambda tl, t: tl.overdue(now=t),
            lambda tl, t: tl.included(t, t),
            lambda tl, t: tl.start_after(t),
        ],
    )
    def test_refuses_naive_datetimes(self, course, query):
        """Every query refuses a naive datetime with NaiveDatetimeError."""
        tl = course.timeline(until=dt.datetime(2027, 1, 1, tzinfo=LONDON))
        with pytest.raises(NaiveDatetimeError):
            query(tl, dt.datetime(2026, 12, 9))

    def test_refuses_bad_days_and_zones(self, course):
        """The on query refuses a datetime or text for the day, and unknown zones."""
        tl = course.timeline(until=dt.datetime(2027, 1, 1, tzinfo=LONDON))
        with pytest.raises(NotADateError, match=r"datetime\.date"):
            tl.on(START)  # type: ignore[arg-type]
        with pytest.raises(NotADateError):
            tl.on_date("2026-12-09")  # type: ignore[arg-type]
        with pytest.raises(ZoneError):
            tl.on(dt.date(2026, 12, 9), "Mars/Olympus")
        with pytest.raises(NotADatetimeError):
            tl.between(dt.date(2026, 12, 9), START)  # type: ignore[arg-type]
        assert issubclass(NotADateError, B12CourseError)
        assert issubclass(NotADateError, TypeError)

    def test_refuses_bad_events(self):
        """A timeline holds only events, and an event cannot end before it starts."""
        with pytest.raises(InvalidRecordError):
            Timeline([START], zone=LONDON)  # type: ignore[list-item]
        with pytest.raises(InvalidRecordError, match="before it starts"):
            TimelineEvent(
                start=START,
                end=START - ONE_US,
                kind=EventKind.FLARE_WINDOW,
                payload=None,
            )
        with pytest.raises(NaiveDatetimeError):
            TimelineEvent.instant(dt.datetime(2026, 1, 1), EventKind.SYMPTOM, None)
        with pytest.raises(NaiveDatetimeError):
            Course.begin(
                regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START
            ).timeline(until=dt.datetime(2027, 1, 1))

    def test_timeline_uses_the_given_now(self, course):
        """Planned doses carry their status at the now the timeline was built with."""
        tl = course.timeline(
            until=dt.datetime(2027, 1, 1, tzinfo=LONDON),
            now=dt.datetime(2026, 12, 9, 12, tzinfo=LONDON),
        )
        statuses = [e.payload.status for e in tl.of_kind(EventKind.PLANNED_DOSE)][:3]
        assert statuses == [DoseStatus.OVERDUE, DoseStatus.DUE, DoseStatus.SCHEDULED]


def test_unknown_event_kind_is_a_library_error():
    """An unknown kind in last() or of_kind() raises SettingError naming the kinds."""
    import zoneinfo

    import b12course as b12
    from b12course.exceptions import SettingError

    london = zoneinfo.ZoneInfo("Europe/London")
    start = dt.datetime(2026, 12, 1, 9, tzinfo=london)
    course = b12.Course.begin(
        b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=start
    )
    tl = course.timeline(until=start + dt.timedelta(days=30))
    with pytest.raises(SettingError, match="unknown event kind"):
        tl.last("nope", before=start)  # type: ignore[arg-type]
    with pytest.raises(SettingError):
        tl.of_kind("nope")  # type: ignore[arg-type]
