"""Worklists over many courses, and the pending-only plan expansion they use."""

import datetime as dt
import itertools
import zoneinfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from b12course import (
    Course,
    DoseStatus,
    PlateauRule,
    Worklist,
    WorklistRow,
    merge_worklists,
    regimens,
    worklist,
)
from b12course import json as b12json
from b12course import strategies as b12st
from b12course._time import utc
from b12course._worklist import pending_slots
from b12course.exceptions import (
    NaiveDatetimeError,
    NotACourseError,
    RangeError,
    SettingError,
)
from support.profiles import scaled
from support.schedules import lean_plan

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


@pytest.fixture
def clinic():
    """Three courses in three zones, one with doses given, one with a dose missed."""
    ann = Course.begin(
        regimens.get("bnf-hydroxocobalamin-non-neuro"),
        first_dose=dt.datetime(2026, 11, 30, 9, tzinfo=LONDON),
        id="ann",
    )
    for day in (30, 2, 4):
        month = 11 if day == 30 else 12
        ann = ann.record_dose(dt.datetime(2026, month, day, 9, 10, tzinfo=LONDON))
    bob = Course.begin(
        regimens.get("bnf-hydroxocobalamin-neuro"),
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
    @pytest.mark.slow
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
        assert lean_plan(course, until, now, grace).doses == tuple(
            d for d in full if d.pending
        )

    @pytest.mark.slow
    @given(course=b12st.courses(max_given=12, skips=False, late=True))
    def test_equals_the_full_plan_without_skips(self, course):
        """Without skips (the fast-forward case) the pending slots still match."""
        until = course.first_dose + dt.timedelta(days=400)
        assert lean_plan(course, until).doses == pending(course, until)
        assert lean_plan(course, until).phases == ()

    def test_fast_forward_stops_at_a_phase_decision(self):
        """Doses given after a loading phase ended belong to the next phase."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"),
            first_dose=dt.datetime(2026, 1, 5, 9, tzinfo=LONDON),
        )
        for day in (5, 7, 9):
            course = course.record_dose(dt.datetime(2026, 1, day, 9, tzinfo=LONDON))
        course = course.end_phase(dt.datetime(2026, 1, 10, tzinfo=LONDON))
        course = course.record_dose(dt.datetime(2026, 3, 9, 9, tzinfo=LONDON))
        until = dt.datetime(2026, 8, 1, tzinfo=LONDON)
        assert lean_plan(course, until).doses == pending(course, until)
        assert [d.phase_name for d in lean_plan(course, until).doses] == [
            "maintenance"
        ] * 2


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
            Course.begin(
                regimens.get("bnf-hydroxocobalamin-non-neuro"),
                first_dose=first,
                id=name,
            )
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

    @pytest.mark.slow
    @scaled(0.4)  # up to four courses planned twice per example
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


def naive_rows(courses, start, end, now=None, grace=None):
    """The plain derivation the kept slots skip: every plan to ``end``, filtered, sorted."""
    rows = [
        (c.id, d)
        for c in courses
        for d in c.plan(until=end, now=now, grace=grace)
        if d.pending and (utc(d.due) >= utc(start) or d.status is DoseStatus.OVERDUE)
    ]
    rows.sort(key=lambda row: utc(row[1].due))
    return rows


def pairs(wl):
    return [(r.course_id, r.dose) for r in wl]


# Zones with daylight saving (and Lord Howe's half hour, Apia's skipped day),
# and the instants their clocks change around 2026.
DST_ZONES = (
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "Pacific/Apia",
)
CHANGES = tuple(
    dt.datetime(*fields, tzinfo=dt.timezone.utc)
    for fields in (
        (2026, 3, 29, 1),  # London springs forward
        (2026, 10, 25, 1),  # London falls back
        (2026, 3, 8, 7),  # New York springs forward
        (2026, 11, 1, 6),  # New York falls back
        (2026, 4, 4, 16),  # Sydney falls back
        (2026, 10, 3, 16),  # Sydney springs forward
        (2011, 12, 30, 10),  # Apia skips a day
    )
)


@st.composite
def dst_courses(draw):
    """A course whose doses fall at wall-clock times near the clocks changing."""
    zone = Z(draw(st.sampled_from(DST_ZONES)))
    change = draw(st.sampled_from(CHANGES))
    days = draw(st.integers(-60, 10))
    wall = dt.datetime.combine(
        (change + dt.timedelta(days=days)).astimezone(zone).date(),
        dt.time(
            draw(st.sampled_from([0, 1, 2, 3, 9, 23])), draw(st.sampled_from([0, 30]))
        ),
    )
    first = wall.replace(tzinfo=zone, fold=draw(st.integers(0, 1)))
    return draw(b12st.courses(first_doses=st.just(first), max_given=10)), change


class TestKeptSlots:
    """The pending slots a course keeps for worklists equal the plain derivation."""

    @pytest.mark.slow
    @scaled(0.5)  # up to four courses across DST changes per example
    @given(
        drawn=st.lists(dst_courses(), min_size=1, max_size=4),
        offsets=st.lists(st.integers(-72, 72), min_size=1, max_size=3),
        width=st.sampled_from([1, 24, 25, 24 * 7]),
        now_hours=st.none() | st.integers(-48, 48),
        grace_hours=st.none() | st.integers(0, 30),
    )
    def test_equals_the_naive_derivation_across_dst(
        self, drawn, offsets, width, now_hours, grace_hours
    ):
        """Worklists read from kept slots equal the plans filtered, around DST folds and gaps."""
        courses = [course for course, _ in drawn]
        change = drawn[0][1]
        grace = None if grace_hours is None else dt.timedelta(hours=grace_hours)
        # Several windows on the same course objects: the first fills the
        # memo, the others read it, extend it or fall inside it.
        for offset in offsets:
            start = (change + dt.timedelta(hours=offset)).astimezone(courses[0].zone)
            end = start + dt.timedelta(hours=width)
            now = None if now_hours is None else start + dt.timedelta(hours=now_hours)
            wl = worklist(courses, start, end, now=now, grace=grace)
            assert pairs(wl) == naive_rows(courses, start, end, now, grace)

    @pytest.mark.slow
    @given(
        drawn=st.lists(dst_courses(), min_size=1, max_size=3),
        picks=st.lists(
            st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=1, max_size=3
        ),
        nudge=st.sampled_from([dt.timedelta(0), dt.timedelta(microseconds=1)]),
        now_hours=st.none() | st.integers(-30, 30),
    )
    def test_windows_that_start_and_end_on_due_instants(
        self, drawn, picks, nudge, now_hours
    ):
        """A dose due exactly at start is on the list; one due exactly at end is not."""
        courses = [course for course, _ in drawn]
        horizon = courses[0].first_dose + dt.timedelta(days=400)
        dues = [d.due for d in courses[0].plan(until=horizon)]
        for a, b in picks:
            start = dues[min(a, b) % len(dues)] + nudge
            end = dues[max(a, b) % len(dues)]
            if utc(end) < utc(start):
                end = start
            now = None if now_hours is None else start + dt.timedelta(hours=now_hours)
            wl = worklist(courses, start, end, now=now)
            assert pairs(wl) == naive_rows(courses, start, end, now)

    def test_a_dose_due_at_the_start_is_listed(self, clinic):
        """The range is half-open: a dose due at start is listed, one due at end is not."""
        bob = clinic[1]
        dues = [d.due for d in bob.plan(until=MONDAY + WEEK)]
        start, end = dues[2], dues[4]
        wl = worklist([bob], start, end, now=start)
        assert [r.due for r in wl.due] == dues[2:4]
        assert wl.due[0].status is DoseStatus.DUE
        assert [r.due for r in wl.overdue] == dues[:2]

    @pytest.mark.slow
    @scaled(0.5)  # up to five courses, each planned in full up to three times
    @given(
        courses=st.lists(b12st.courses(max_given=10), max_size=5),
        days=st.lists(st.integers(-20, 900), min_size=1, max_size=3),
    )
    def test_equals_the_naive_derivation_for_any_courses(self, courses, days):
        """For any courses and any sequence of weeks, the kept slots give the plain rows."""
        for day in days:
            start = dt.datetime(2020, 1, 1, tzinfo=SYDNEY) + dt.timedelta(days=day * 7)
            now = start + dt.timedelta(days=1, hours=3)
            end = start + WEEK
            assert pairs(worklist(courses, start, end, now=now)) == naive_rows(
                courses, start, end, now
            )

    @pytest.mark.slow
    @given(course=b12st.courses(max_given=8), days=st.integers(0, 400))
    def test_equal_to_pending_doses(self, course, days):
        """The kept slots cut at a horizon are exactly pending_doses up to it."""
        until = utc(course.first_dose + dt.timedelta(days=days))
        kept = pending_slots(course, until)
        assert kept.horizon >= until
        cut = tuple(d for d in kept.doses if utc(d.due) < until)
        assert cut == course.pending_doses(until=until)
        assert list(kept.dues) == sorted(kept.dues)

    def test_the_memo_is_invisible(self, clinic):
        """Keeping slots changes no equality, hash, repr, evolve, copy, pickle or JSON."""
        import copy
        import pickle

        before = [(c, hash(c), repr(c), b12json.dumps(c)) for c in clinic]
        worklist(clinic, MONDAY, MONDAY + WEEK, now=MONDAY)
        for course, (same, digest, text, document) in zip(clinic, before, strict=True):
            assert course == same
            assert (hash(course), repr(course), b12json.dumps(course)) == (
                digest,
                text,
                document,
            )
            assert b12json.loads(b12json.dumps(course)) == course
            assert [f.name for f in attrs.fields(Course)] == [
                "regimen",
                "first_dose",
                "id",
                "given",
                "skips",
                "decisions",
                "symptoms",
                "labs",
                "pregnant_or_breastfeeding",
                "corrections",
                "confirmations",
            ]
            for other in (
                attrs.evolve(course),
                copy.copy(course),
                pickle.loads(pickle.dumps(course)),  # noqa: S301 - our own bytes
            ):
                assert other == course
                assert "_pending" not in dir(other) or not _has_memo(other)

    def test_a_changed_course_never_sees_a_stale_memo(self, clinic):
        """Recording a dose, skipping one or ending a phase gives rows of the new record."""
        ann = clinic[0]
        now = MONDAY + dt.timedelta(hours=10)
        week = (MONDAY, MONDAY + WEEK)
        first = worklist([ann], *week, now=now)
        assert first.rows[0].due == dt.datetime(2026, 12, 7, 9, 10, tzinfo=LONDON)
        given = ann.record_dose(dt.datetime(2026, 12, 7, 9, 30, tzinfo=LONDON))
        skipped = ann.skip_dose(first.rows[0].due, reason="away")
        ended = ann.end_phase(dt.datetime(2026, 12, 6, tzinfo=LONDON))
        evolved = attrs.evolve(ann, given=ann.given[:1])
        for changed in (given, skipped, ended, evolved):
            assert pairs(worklist([changed], *week, now=now)) == naive_rows(
                [changed], *week, now
            )
            assert pairs(worklist([changed], *week, now=now)) != pairs(first)
        # The original course keeps its own rows.
        assert worklist([ann], *week, now=now) == first

    def test_later_and_earlier_weeks_on_the_same_objects(self, clinic):
        """Weeks after the kept horizon extend it; weeks inside it read it; rows stay exact."""
        for weeks in (0, 1, 5, 2, 0, 60, 3):
            start = MONDAY + weeks * WEEK
            now = start + dt.timedelta(days=2, hours=13)
            for grace in (None, dt.timedelta(hours=2)):
                wl = worklist(clinic, start, start + WEEK, now=now, grace=grace)
                assert pairs(wl) == naive_rows(clinic, start, start + WEEK, now, grace)

    def test_a_generator_of_courses(self, clinic):
        """Any iterable of courses will do, a generator read once included."""
        week = (MONDAY, MONDAY + WEEK)
        assert worklist((c for c in clinic), *week) == worklist(clinic, *week)

    def test_end_on_plateau_derives_afresh(self, clinic):
        """With end_on_plateau the rows still equal the plans that honour it."""
        wl = worklist(clinic, MONDAY, MONDAY + WEEK, end_on_plateau=True)
        assert pairs(wl) == pairs(worklist(clinic, MONDAY, MONDAY + WEEK))
        assert wl.end_on_plateau is True
        with pytest.raises(SettingError):
            worklist(clinic, MONDAY, MONDAY + WEEK, end_on_plateau=0)
        with pytest.raises(NotACourseError):
            worklist(["x"], MONDAY, MONDAY + WEEK, end_on_plateau=PlateauRule())

    def test_refuses_a_reversed_range_and_bad_grace(self, clinic):
        """A range that ends before it starts, or a negative grace, is refused."""
        with pytest.raises(RangeError):
            worklist(clinic, MONDAY + WEEK, MONDAY)
        with pytest.raises(SettingError):
            worklist(clinic, MONDAY, MONDAY + WEEK, grace=dt.timedelta(hours=-1))

    def test_the_end_of_the_calendar(self):
        """A worklist reaching the last representable week still expands to its end."""
        course = Course.begin(
            regimens.get("nice-dietary-injection"),
            first_dose=dt.datetime(8999, 12, 1, 9, tzinfo=LONDON),
        )
        end = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
        start = end - WEEK
        assert pairs(worklist([course], start, end)) == naive_rows([course], start, end)


def _has_memo(course):
    try:
        object.__getattribute__(course, "_pending")
    except AttributeError:
        return False
    return True


class TestMergeWorklists:
    """Partial worklists of consecutive partitions merge into the single worklist."""

    @pytest.mark.slow
    @scaled(0.5)  # up to six courses, their worklist made once whole and once in parts
    @given(
        courses=st.lists(b12st.courses(max_given=6), max_size=6),
        cuts=st.lists(st.integers(0, 6), max_size=4),
        days=st.integers(-10, 400),
    )
    def test_any_partition_merges_into_the_single_worklist(self, courses, cuts, days):
        """Whatever the partition, the merge has the single worklist's rows, ties included."""
        start = dt.datetime(2020, 1, 1, tzinfo=NEW_YORK) + dt.timedelta(days=days * 3)
        end = start + WEEK
        now = start + dt.timedelta(days=3)
        bounds = [0, *sorted(min(c, len(courses)) for c in cuts), len(courses)]
        parts = [
            worklist(courses[a:b], start, end, now=now)
            for a, b in itertools.pairwise(bounds)
        ]
        assert merge_worklists(*parts) == worklist(courses, start, end, now=now)

    def test_ties_keep_the_order_of_the_partitions(self):
        """Rows due at one instant come partition by partition, as courses do."""
        first = dt.datetime(2026, 12, 7, 9, tzinfo=LONDON)
        courses = [
            Course.begin(
                regimens.get("bnf-hydroxocobalamin-non-neuro"),
                first_dose=first,
                id=name,
            )
            for name in ("zed", "amy", "kim", "bea")
        ]
        day = (MONDAY, MONDAY + dt.timedelta(days=1))
        parts = [
            worklist(courses[:1], *day),
            worklist(courses[1:3], *day),
            worklist(courses[3:], *day),
        ]
        merged = merge_worklists(*parts)
        assert [r.course_id for r in merged] == ["zed", "amy", "kim", "bea"]
        assert merged == worklist(courses, *day)
        assert merge_worklists(parts[0]) == parts[0]

    def test_partials_in_other_zones_merge(self, clinic):
        """The same range given in another zone is the same query."""
        parts = [
            worklist(clinic[:1], MONDAY, MONDAY + WEEK, now=MONDAY),
            worklist(
                clinic[1:],
                MONDAY.astimezone(SYDNEY),
                (MONDAY + WEEK).astimezone(NEW_YORK),
                now=MONDAY.astimezone(dt.timezone.utc),
            ),
        ]
        merged = merge_worklists(*parts)
        assert merged == worklist(clinic, MONDAY, MONDAY + WEEK, now=MONDAY)
        assert merged.start is parts[0].start

    def test_refuses_partials_of_different_queries(self, clinic):
        """No partial, a partial that is not a worklist, or different queries, are refused."""
        week = (MONDAY, MONDAY + WEEK)
        base = worklist(clinic, *week, now=MONDAY)
        with pytest.raises(SettingError, match="at least one"):
            merge_worklists()
        with pytest.raises(SettingError, match="Worklist"):
            merge_worklists(base, [base])  # type: ignore[arg-type]
        others = {
            "start": worklist(clinic, MONDAY - WEEK, MONDAY + WEEK, now=MONDAY),
            "end": worklist(clinic, MONDAY, MONDAY + 2 * WEEK, now=MONDAY),
            "now": worklist(clinic, *week),
            "grace": worklist(clinic, *week, now=MONDAY, grace=dt.timedelta(hours=1)),
            "end_on_plateau": worklist(clinic, *week, now=MONDAY, end_on_plateau=True),
        }
        for name, other in others.items():
            differ = name if name in {"start", "end", "now"} else "grace and end_"
            with pytest.raises(SettingError, match=f"differ in {differ}") as caught:
                merge_worklists(base, other)
            assert caught.value.value is other
