import contextlib
import datetime as dt
import zoneinfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import b12course as b12
from b12course import (
    Administrator,
    Analyte,
    Cadence,
    Course,
    DecisionBasis,
    Dose,
    DoseStatus,
    Drug,
    Indefinite,
    LabResult,
    Phase,
    Regimen,
    ReviewKind,
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
    OffLabelRouteWarning,
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
        """An explicit dose and route are kept (an off-label route with a warning)."""
        dose = Dose(Drug.HYDROXOCOBALAMIN, "500 mcg", Route.IM)
        with pytest.warns(OffLabelRouteWarning):
            after = course.record_dose(START, dose=dose, route="deep SC")
        assert after.given[0].dose == Dose(
            Drug.HYDROXOCOBALAMIN, "500 mcg", Route.DEEP_SC
        )

    @pytest.mark.parametrize("route", ["SC", "oral", "intranasal"])
    def test_hydroxocobalamin_given_off_label_is_recorded_with_a_warning_naming_the_label(
        self, course, route
    ):
        """Hydroxocobalamin SC, oral or intranasal is recorded, warned of by its label (L2)."""
        amount = "500 mcg" if route == "intranasal" else "1 mg"
        dose = Dose(Drug.HYDROXOCOBALAMIN, amount, route)
        with pytest.warns(OffLabelRouteWarning, match="emc 31182") as caught:
            after = course.record_dose(START, dose=dose)
        assert after.given[0].dose == dose
        warning = caught[0].message
        assert isinstance(warning, OffLabelRouteWarning)
        assert warning.drug == "hydroxocobalamin"
        assert "US hydroxocobalamin label" in str(warning)
        assert caught[0].filename == __file__

    def test_a_regimen_giving_hydroxocobalamin_sc_begins_with_a_warning(self):
        """A course of hydroxocobalamin SC begins (accepted) and warns once per phase."""
        phase = Phase(
            name="maintenance",
            dose=Dose(Drug.HYDROXOCOBALAMIN, "1 mg", Route.SC),
            cadence=Cadence.every_months(2),
            end=Indefinite(),
        )
        regimen = Regimen(id="sc", name="SC", phases=(phase,))
        with pytest.warns(OffLabelRouteWarning, match="outside its label"):
            course = Course.begin(regimen, first_dose=START)
        assert course.regimen.phases[0].dose.route is Route.SC

    def test_labelled_routes_record_without_a_warning(self, course):
        """Hydroxocobalamin IM and cyanocobalamin SC or oral are not warned of."""
        for dose in (
            Dose(Drug.HYDROXOCOBALAMIN, "1 mg", Route.IM),
            Dose(Drug.CYANOCOBALAMIN, "1 mg", Route.SC),
            Dose(Drug.CYANOCOBALAMIN, "1 mg", Route.ORAL),
        ):
            course.record_dose(START, dose=dose)  # warnings are errors here

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


NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
US_START = dt.datetime(2026, 12, 1, 9, tzinfo=NEW_YORK)
US_UNTIL = dt.datetime(2027, 3, 1, tzinfo=NEW_YORK)


def us_label_course() -> Course:
    return Course.begin(
        regimens.get("us-label-pernicious-anaemia"), first_dose=US_START, id="us"
    )


class TestConditionalPhases:
    def test_us_label_alternate_day_doses_are_provisional_until_a_reticulocyte_response_is_confirmed(
        self,
    ):
        """Before a clinician confirms the response, the doses after the daily ones are provisional."""
        plan = us_label_course().plan(until=US_UNTIL)
        daily = [d for d in plan if d.phase == 0]
        later = [d for d in plan if d.phase > 0]
        assert len(daily) == 7
        assert not any(d.provisional for d in daily)
        assert later
        assert all(d.provisional for d in later)

    def test_a_clinician_checks_the_response_at_the_end_of_the_daily_phase(self):
        """A condition review falls at the last daily dose, before alternate-day doses."""
        reviews = us_label_course().reviews(until=US_UNTIL)
        condition = [r for r in reviews if r.kind is ReviewKind.CONDITION]
        assert len(condition) == 1  # one review: both phases share the condition
        review = condition[0]
        assert review.at == US_START + dt.timedelta(days=6)
        assert review.phase == 1
        assert "a clinician checks the response" in review.description
        assert "reticulocyte response" in review.description
        assert "alternate days" in review.description

    def test_confirming_the_reticulocyte_response_makes_the_us_label_plan_firm(self):
        """A clinician's confirmation covers both conditional phases and what follows."""
        course = us_label_course()
        at = US_START + dt.timedelta(days=5, hours=3)
        confirmed = course.confirm_phase(at, "reticulocytes rose", by="clinician")
        assert confirmed.confirmations[0].by is Administrator.CLINICIAN
        assert confirmed.confirmed_phases == frozenset({1, 2})
        plan = confirmed.plan(until=US_UNTIL)
        assert not any(d.provisional for d in plan)
        assert [d.due for d in plan] == [d.due for d in course.plan(until=US_UNTIL)]
        kinds = {r.kind for r in confirmed.reviews(until=US_UNTIL)}
        assert ReviewKind.CONDITION not in kinds  # confirmed before its point
        assert course.confirmations == ()  # the old course is untouched

    def test_a_late_confirmation_keeps_the_condition_review_in_the_record(self):
        """A confirmation after the review point leaves the review where it was."""
        at = US_START + dt.timedelta(days=8)
        course = us_label_course().confirm_phase(at, "seen at clinic")
        kinds = [r.kind for r in course.reviews(until=US_UNTIL)]
        assert ReviewKind.CONDITION in kinds

    def test_confirming_twice_or_a_phase_without_a_condition_is_refused(self):
        """Nothing is left to confirm once confirmed; a plain phase has no condition."""
        course = us_label_course().confirm_phase(US_START)
        with pytest.raises(PhaseDecisionError, match="nothing to confirm"):
            course.confirm_phase(US_START + dt.timedelta(days=1))
        with pytest.raises(PhaseDecisionError, match="already confirmed"):
            course.confirm_phase(US_START, phase=2)
        with pytest.raises(PhaseDecisionError, match="no condition"):
            us_label_course().confirm_phase(US_START, phase=0)
        with pytest.raises(PhaseDecisionError, match="no phase 9"):
            us_label_course().confirm_phase(US_START, phase=9)
        with pytest.raises(NaiveDatetimeError):
            us_label_course().confirm_phase(dt.datetime(2026, 12, 7))

    def test_a_course_without_conditional_phases_has_nothing_to_confirm(self, course):
        """A BNF course has no condition review and refuses a confirmation."""
        kinds = {r.kind for r in course.reviews(until=START + dt.timedelta(days=200))}
        assert ReviewKind.CONDITION not in kinds
        with pytest.raises(PhaseDecisionError):
            course.confirm_phase(START)

    def test_a_confirmation_of_an_unconditional_phase_is_refused_at_construction(self):
        """A course built directly cannot hold a confirmation of a plain phase."""
        confirmation = b12.PhaseConfirmation(phase=0, at=US_START)
        with pytest.raises(PhaseDecisionError) as info:
            attrs.evolve(us_label_course(), confirmations=(confirmation,))
        assert info.value.where == "confirmations[0].phase"

    def test_the_us_label_timeline_shows_the_condition_review(self):
        """The timeline carries the condition review as a review event."""
        timeline = us_label_course().timeline(until=US_UNTIL)
        reviews = [e.payload for e in timeline.of_kind(b12.EventKind.REVIEW)]
        assert ReviewKind.CONDITION in {r.kind for r in reviews}


class TestWhoDecided:
    def test_a_self_injecting_patient_ending_the_phase_is_recorded_as_self(
        self, course
    ):
        """end_phase(by="self") keeps who decided; the default records no one."""
        at = START + dt.timedelta(days=3)
        ended = course.record_dose(START).end_phase(at, "no better", by="self")
        assert ended.decisions[0].by is Administrator.SELF
        plain = course.record_dose(START).end_phase(at, "no better")
        assert plain.decisions[0].by is None
        with pytest.raises(InvalidRecordError):
            course.record_dose(START).end_phase(at, by="neighbour")


class TestUntilBloodCountNormal:
    def test_the_cyanocobalamin_weekly_phase_review_names_the_blood_count_not_nhs_lothian(
        self,
    ):
        """The SmPC weekly phase's review carries its own wording and source (M6)."""
        course = Course.begin(
            regimens.get("uk-smpc-cyanocobalamin-non-neuro"), first_dose=START
        )
        reviews = course.reviews(until=START + dt.timedelta(days=120))
        weekly = next(r for r in reviews if r.phase == 1)
        assert "blood count is normal" in weekly.description
        assert "blood count returns to normal" in weekly.source
        assert "Lothian" not in weekly.source
        assert "no further improvement" not in weekly.source
