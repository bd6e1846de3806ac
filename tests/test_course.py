import contextlib
import datetime as dt
import zoneinfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import b12course as b12
from b12course import (
    Analyte,
    Course,
    DecisionBasis,
    Dose,
    DoseStatus,
    Drug,
    LabResult,
    Route,
    Symptom,
    SymptomEntry,
    regimens,
)
from b12course.exceptions import (
    B12CourseError,
    DuplicateRecordError,
    ImplausibleDoseError,
    InvalidRecordError,
    NaiveDatetimeError,
    NoSuchDoseError,
    PhaseDecisionError,
    RegimenError,
    ZoneError,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")
START = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
UNTIL = dt.datetime(2027, 6, 1, tzinfo=LONDON)


@pytest.fixture
def course():
    return Course.begin(
        regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START, id="c1"
    )


class TestBegin:
    def test_zone_comes_from_first_dose(self, course):
        """The course zone is the first dose's ZoneInfo."""
        assert course.zone is LONDON
        assert course.id == "c1"

    def test_ids_are_unique_by_default(self):
        """Each new course gets its own id."""
        regimen = regimens.get("bnf-hydroxocobalamin-neuro")
        assert (
            Course.begin(regimen, first_dose=START).id
            != Course.begin(regimen, first_dose=START).id
        )

    def test_refuses_naive_first_dose(self):
        """A naive first dose is refused."""
        with pytest.raises(NaiveDatetimeError):
            Course.begin(
                regimens.get("bnf-hydroxocobalamin-neuro"),
                first_dose=dt.datetime(2026, 12, 1, 9),
            )

    def test_refuses_fixed_offset(self):
        """A fixed-offset tzinfo without an IANA key is refused."""
        with pytest.raises(ZoneError):
            Course.begin(
                regimens.get("bnf-hydroxocobalamin-neuro"),
                first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=dt.timezone.utc),
            )

    def test_refuses_non_regimen(self):
        """The regimen must be a Regimen."""
        with pytest.raises(RegimenError):
            Course.begin("nice-neuro", first_dose=START)  # type: ignore[arg-type]


class TestRecordDose:
    def test_returns_a_new_course(self, course):
        """Recording returns a new course and leaves the old one unchanged."""
        after = course.record_dose(START, site="left deltoid", lot="AB12", note="ok")
        assert course.given == ()
        assert len(after.given) == 1
        given = after.given[0]
        assert (given.site, given.lot, given.note) == ("left deltoid", "AB12", "ok")
        assert given.dose == regimens.get("bnf-hydroxocobalamin-neuro").phases[0].dose

    def test_default_dose_is_the_planned_dose_of_its_phase(self):
        """A dose given in the maintenance phase defaults to the maintenance dose."""
        course = Course.begin(
            regimens.get("us-label-pernicious-anaemia"), first_dose=START
        )
        for k in range(7):
            course = course.record_dose(START + dt.timedelta(days=k))
        course = course.record_dose(START + dt.timedelta(days=7, hours=1))
        assert (
            course.given[-1].dose
            == regimens.get("us-label-pernicious-anaemia").phases[1].dose
        )

    def test_past_the_end_of_the_course_uses_the_last_phase_dose(self):
        """A dose after a course was ended keeps the last phase's dose and is recorded."""
        course = Course.begin(regimens.get("oral-high-dose"), first_dose=START)
        course = course.end_phase(START + dt.timedelta(hours=1))
        course = course.record_dose(START + dt.timedelta(days=3))
        assert course.given[-1].dose == regimens.get("oral-high-dose").phases[0].dose

    def test_route_and_dose_overrides(self, course):
        """An explicit dose and route are kept."""
        dose = Dose(Drug.HYDROXOCOBALAMIN, "500 mcg", Route.IM)
        after = course.record_dose(START, dose=dose, route="deep SC")
        assert after.given[0].dose == Dose(
            Drug.HYDROXOCOBALAMIN, "500 mcg", Route.DEEP_SC
        )

    def test_refuses_duplicate_instant_in_any_zone(self, course):
        """The same instant twice is refused, even written in another zone."""
        after = course.record_dose(START)
        with pytest.raises(DuplicateRecordError):
            after.record_dose(START.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo")))

    def test_refuses_naive_and_iv(self, course):
        """Naive times and an IV route are refused before anything changes."""
        with pytest.raises(NaiveDatetimeError):
            course.record_dose(dt.datetime(2026, 12, 1, 9))
        with pytest.raises(ImplausibleDoseError):
            course.record_dose(START, route="IV")


class TestSkipDose:
    def test_skip_by_due_and_by_number(self, course):
        """A pending dose can be skipped by its due time or by its number."""
        by_due = course.skip_dose(
            dt.datetime(2026, 12, 3, 9, tzinfo=LONDON), reason="ill"
        )
        by_number = course.skip_dose(number=2, reason="ill")
        assert by_due.skips == by_number.skips
        plan = by_due.plan(until=UNTIL)
        assert plan[1].status is DoseStatus.SKIPPED

    def test_skip_errors(self, course):
        """Skipping a dose that is not pending, or naming it twice over, is refused."""
        with pytest.raises(NoSuchDoseError):
            course.skip_dose(dt.datetime(2026, 12, 2, 9, tzinfo=LONDON))
        with pytest.raises(NoSuchDoseError):
            course.skip_dose(number=999)
        with pytest.raises(NoSuchDoseError):
            course.skip_dose()
        with pytest.raises(NoSuchDoseError):
            course.skip_dose(START, number=1)
        given = course.record_dose(START)
        with pytest.raises(NoSuchDoseError, match="number 1"):
            given.skip_dose(number=1)


class TestEndPhase:
    def test_records_a_clinician_decision(self, course):
        """end_phase records which phase ended, when and why."""
        after = course.record_dose(START).end_phase(
            START + dt.timedelta(days=1), "plateau"
        )
        (decision,) = after.decisions
        assert decision.phase == 0
        assert decision.reason == "plateau"
        assert decision.basis is DecisionBasis.CLINICIAN

    def test_refuses_before_the_first_dose(self, course):
        """A phase cannot end before its first dose."""
        with pytest.raises(PhaseDecisionError):
            course.end_phase(START - dt.timedelta(days=1))
        with pytest.raises(PhaseDecisionError):
            course.end_phase(START)

    def test_refuses_a_second_decision(self, course):
        """A phase that already has a decision cannot be ended again."""
        after = course.end_phase(START + dt.timedelta(days=1))
        with pytest.raises(PhaseDecisionError):
            after.end_phase(START + dt.timedelta(days=2))

    def test_refuses_an_earlier_second_decision(self, course):
        """A phase decided at day 3 cannot be ended again at day 1."""
        after = course.end_phase(START + dt.timedelta(days=3))
        with pytest.raises(PhaseDecisionError, match="already has an end decision"):
            after.end_phase(START + dt.timedelta(days=1))

    def test_ends_the_next_phase_after_the_first(self, course):
        """After loading ends, the phase in progress is maintenance."""
        after = course.end_phase(START + dt.timedelta(days=1))
        later = after.end_phase(dt.datetime(2027, 3, 1, tzinfo=LONDON), "stopped")
        assert [d.phase for d in later.decisions] == [0, 1]
        assert later.plan(until=dt.datetime(2030, 1, 1, tzinfo=LONDON))[-1].phase == 1


class TestLogsAndLabs:
    def test_log_symptom_keeps_entries_in_time_order(self, course):
        """Entries are kept sorted by time, whatever order they were logged in."""
        late = SymptomEntry(
            at=START + dt.timedelta(days=3), symptom=Symptom.MYOCLONUS, severity=7
        )
        early = SymptomEntry(
            at=START - dt.timedelta(days=3), symptom="myoclonus", severity=4
        )
        after = course.log_symptom(late).log_symptom(early)
        assert after.symptoms == (early, late)
        assert course.symptoms == ()

    def test_log_symptom_refuses_duplicates_and_non_entries(self, course):
        """The same symptom at the same instant, or a non-entry, is refused."""
        entry = SymptomEntry(at=START, symptom=Symptom.TREMOR, severity=2)
        after = course.log_symptom(entry)
        with pytest.raises(DuplicateRecordError):
            after.log_symptom(attrs.evolve(entry, severity=5))
        assert after.log_symptom(attrs.evolve(entry, symptom=Symptom.NUMBNESS)).symptoms
        with pytest.raises(InvalidRecordError):
            course.log_symptom("tremor 2")  # type: ignore[arg-type]

    def test_record_lab(self, course):
        """Lab results are kept in time order; duplicates and non-results are refused."""
        result = LabResult(at=START, analyte=Analyte.SERUM_B12, value=150, unit="ng/L")
        after = course.record_lab(result)
        assert after.labs == (result,)
        with pytest.raises(DuplicateRecordError):
            after.record_lab(result)
        with pytest.raises(InvalidRecordError):
            course.record_lab({"value": 150})  # type: ignore[arg-type]


class TestImmutability:
    def test_courses_are_frozen_values(self, course):
        """Courses cannot be mutated and compare by value."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            course.id = "other"  # type: ignore[misc]
        assert course == Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START, id="c1"
        )

    @given(
        st.one_of(
            st.none(),
            st.integers(),
            st.text(max_size=5),
            st.datetimes(),
            st.datetimes(timezones=st.timezones()),
            st.dates(),
        )
    )
    def test_bad_input_only_raises_library_errors(self, value):
        """Whatever is passed as a time, only B12CourseError subclasses are raised."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-non-neuro"), first_dose=START
        )
        before = course
        for call in (
            lambda: course.record_dose(value),
            lambda: course.skip_dose(value),
            lambda: course.end_phase(value),
            lambda: course.plan(until=value),
            lambda: Course.begin(
                regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=value
            ),
        ):
            with contextlib.suppress(B12CourseError):
                call()
        assert course == before


def test_public_names_are_sorted_and_importable():
    """The package's __all__ is sorted and every name in it exists."""
    assert list(b12.__all__) == sorted(b12.__all__)
    for name in b12.__all__:
        assert getattr(b12, name) is not None
