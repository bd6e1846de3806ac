import datetime as dt
import zoneinfo

import attrs
import pytest
from hypothesis import given

import b12course as b12
from b12course import (
    AssessmentCategory,
    Course,
    FlareModel,
    FlareStatus,
    FlareWindow,
    Symptom,
    SymptomEntry,
    regimens,
)
from b12course import strategies as b12st
from b12course._flare import assess, flare_report, flare_window_applies
from b12course._time import utc
from b12course.exceptions import InvalidRecordError, NaiveDatetimeError, SettingError

LONDON = zoneinfo.ZoneInfo("Europe/London")
SYDNEY = zoneinfo.ZoneInfo("Australia/Sydney")
LORD_HOWE = zoneinfo.ZoneInfo("Australia/Lord_Howe")
START = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(weeks=1)


def entry(at, severity, symptom=Symptom.MYOCLONUS, **kw):
    return SymptomEntry(at=at, symptom=symptom, severity=severity, **kw)


def course_with(log, *, start=START, give=True):
    course = Course.begin(
        regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=start, id="f"
    )
    if give:
        course = course.record_dose(start)
    for item in log:
        course = course.log_symptom(item)
    return course


def categories(report):
    return [a.category for a in report.assessments]


class TestFlareModel:
    def test_defaults_follow_the_infant_series(self):
        """The default window opens 48 h after the first dose and closes 6 weeks after it."""
        model = FlareModel()
        assert model.onset == dt.timedelta(hours=48)
        assert model.abates_within == dt.timedelta(weeks=6)
        assert model.meaningful_change == 2
        assert model.symptoms == {
            Symptom.MYOCLONUS,
            Symptom.TREMOR,
            Symptom.INVOLUNTARY_MOVEMENTS,
        }

    def test_window_is_elapsed_time_across_dst(self):
        """The window is measured in elapsed hours even when a DST change falls inside it."""
        first = dt.datetime(
            2026, 10, 3, 9, tzinfo=LORD_HOWE
        )  # DST starts 4 Oct (+30 min)
        window = FlareModel(onset=dt.timedelta(hours=48)).window(first)
        assert utc(window.start) - utc(first) == dt.timedelta(hours=48)
        assert window.start.tzinfo is LORD_HOWE
        assert window.start.replace(tzinfo=None) == dt.datetime(2026, 10, 5, 9, 30)

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"onset": dt.timedelta(days=7), "abates_within": dt.timedelta(days=7)},
            {"onset": dt.timedelta(hours=-1)},
            {"onset": 48},
            {"meaningful_change": 0},
            {"meaningful_change": True},
            {"meaningful_change": 11},
            {"symptoms": ["not a symptom"]},
            {"symptoms": 5},
            {"baseline_entries": 0},
        ],
    )
    def test_refuses_bad_settings(self, kwargs):
        """A model with an empty window or an out-of-range setting is refused."""
        with pytest.raises(SettingError):
            FlareModel(**kwargs)

    def test_symptoms_accept_a_single_name(self):
        """A single symptom, by member or by value, is read as a one-symptom set."""
        assert FlareModel(symptoms="tremor").symptoms == {Symptom.TREMOR}


class TestFlareWindow:
    def test_is_half_open(self):
        """The window holds its start but not its end."""
        window = FlareModel().window(START)
        assert window.contains(window.start)
        assert not window.contains(window.end)
        assert window.contains(window.end - dt.timedelta(microseconds=1))
        assert window.duration == dt.timedelta(weeks=6) - dt.timedelta(hours=48)

    def test_compares_instants_in_any_zone(self):
        """An instant given in another zone is placed by its UTC time."""
        window = FlareModel().window(START)
        assert window.contains(window.start.astimezone(SYDNEY))

    def test_refuses_an_empty_window(self):
        """A window that ends at or before its start is refused."""
        with pytest.raises(SettingError):
            FlareWindow(START, START)

    def test_refuses_naive_bounds_and_instants(self):
        """Naive datetimes are refused both as bounds and as instants to test."""
        with pytest.raises(NaiveDatetimeError):
            FlareWindow(START.replace(tzinfo=None), START + DAY)
        with pytest.raises(NaiveDatetimeError):
            FlareModel().window(START).contains(dt.datetime(2026, 12, 5))


class TestFlareReport:
    def test_flare_on_day_3_back_at_baseline_by_week_4(self):
        """Worse from day 3 and back at baseline by week 4: in the window, then resolved; 8/10 is flagged."""
        log = [
            entry(START - 2 * DAY, 3),
            entry(START - DAY, 3),
            entry(START + 3 * DAY, 7),
            entry(START + WEEK, 8),
            entry(START + 2 * WEEK, 6),
            entry(START + 4 * WEEK, 3),
            entry(START + 8 * WEEK, 2),
        ]
        course = course_with(log)
        report = course.flare(now=START + 9 * WEEK)
        assert report.status is FlareStatus.RESOLVED
        assert categories(report) == [
            AssessmentCategory.BASELINE,
            AssessmentCategory.BASELINE,
            AssessmentCategory.WORSE_IN_WINDOW,
            AssessmentCategory.SEVERE_IN_WINDOW,
            AssessmentCategory.WORSE_IN_WINDOW,
            AssessmentCategory.NO_WORSENING,
            AssessmentCategory.NO_WORSENING,
        ]
        assert report.peak_severity == 8
        assert report.review_advised
        assert [a.entry.severity for a in report.attention] == [8]
        assert report.peak_at == START + WEEK
        assert report.resolved_at == START + 4 * WEEK
        assert report.time_to_resolution == 4 * WEEK
        assert report.resolution == report.resolved_at
        assert report.first_dose_given

    def test_flare_still_worse_at_week_10_is_prolonged(self):
        """A flare still worse than baseline at week 10 is prolonged, and review is advised."""
        log = [
            entry(START - DAY, 2),
            entry(START + 3 * DAY, 6),
            entry(START + 4 * WEEK, 6),
            entry(START + 10 * WEEK, 6),
        ]
        report = course_with(log).flare(now=START + 10 * WEEK + DAY)
        assert report.status is FlareStatus.PROLONGED
        assert categories(report)[-1] is AssessmentCategory.UNEXPECTED_WORSENING
        assert categories(report)[1:3] == [AssessmentCategory.EXPECTED_FLARE] * 2
        assert report.resolved_at is None
        assert report.time_to_resolution is None
        assert report.review_advised

    def test_no_flare(self):
        """Movements that only improve after treatment show no flare."""
        log = [
            entry(START - DAY, 6, Symptom.TREMOR),
            entry(START + 3 * DAY, 6, Symptom.TREMOR),
            entry(START + 2 * WEEK, 4, Symptom.TREMOR),
            entry(START + 7 * WEEK, 1, Symptom.TREMOR),
        ]
        report = course_with(log).flare(now=START + 8 * WEEK)
        assert report.status is FlareStatus.NO_FLARE
        assert categories(report) == [
            AssessmentCategory.BASELINE,
            AssessmentCategory.NO_WORSENING,
            AssessmentCategory.IMPROVING,
            AssessmentCategory.IMPROVING,
        ]
        assert report.peak is None
        assert report.peak_severity is None
        assert report.peak_at is None
        assert report.resolved_at is None
        assert not report.review_advised

    @pytest.mark.parametrize(
        ("now", "status"),
        [
            (START - DAY, FlareStatus.NOT_STARTED),
            (START + DAY, FlareStatus.NOT_STARTED),
            (START + 2 * DAY, FlareStatus.WINDOW_OPEN),
            (START + 6 * WEEK - dt.timedelta(seconds=1), FlareStatus.WINDOW_OPEN),
            (START + 6 * WEEK, FlareStatus.NO_FLARE),
        ],
    )
    def test_status_follows_the_window(self, now, status):
        """The status is not started before the window, open inside it, and settled after it."""
        assert course_with([]).flare(now=now).status is status

    def test_window_follows_the_first_dose_actually_given(self):
        """When the first dose is given a day late, the window moves with it."""
        planned = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START
        )
        late = planned.record_dose(START + DAY)
        assert planned.flare().window is None  # no dose given: no window
        assert not planned.flare().first_dose_given
        assert late.flare().window.start == START + 3 * DAY
        assert late.flare_window() == late.flare().window
        assert late.treatment_start == START + DAY

    def test_window_is_in_the_course_zone(self):
        """A first dose recorded in UTC still gives a window shown in the course's zone."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START
        ).record_dose(START.astimezone(dt.timezone.utc))
        window = course.flare_window()
        assert window.start.tzinfo is LONDON
        assert course.treatment_start.tzinfo is LONDON
        assert window.start == START + 2 * DAY

    def test_without_now_describes_the_latest_entry(self):
        """With no ``now`` the report is as of the latest entry, or the first dose when none exists."""
        course = course_with([entry(START - DAY, 2), entry(START + 3 * DAY, 7)])
        report = course.flare()
        assert report.as_of == START + 3 * DAY
        assert report.status is FlareStatus.WINDOW_OPEN
        assert course_with([]).flare().as_of == START

    def test_entries_after_now_are_left_out(self):
        """Entries logged after ``now`` do not change the report."""
        course = course_with([entry(START - DAY, 2), entry(START + 3 * DAY, 7)])
        later = course.log_symptom(entry(START + 9 * WEEK, 9))
        now = START + 8 * WEEK
        assert later.flare(now=now) == course.flare(now=now)

    def test_only_model_symptoms_are_reported(self):
        """The report assesses only the model's symptoms."""
        log = [
            entry(START - DAY, 2),
            entry(START + 3 * DAY, 2, Symptom.PARESTHESIA),
            entry(START + 4 * DAY, 2, Symptom.TREMOR),
        ]
        report = course_with(log).flare(model=FlareModel(symptoms={Symptom.TREMOR}))
        assert [a.entry.symptom for a in report.assessments] == [Symptom.TREMOR]

    def test_refuses_a_model_of_the_wrong_kind(self):
        """A model that is not a FlareModel is refused."""
        with pytest.raises(SettingError):
            course_with([]).flare(model="default")  # type: ignore[arg-type]

    def test_refuses_naive_now(self):
        """A naive ``now`` is refused."""
        with pytest.raises(NaiveDatetimeError):
            course_with([]).flare(now=dt.datetime(2026, 12, 5))

    def test_two_symptoms_resolve_when_the_later_one_does(self):
        """With two flared symptoms, resolution is when the second is back within baseline."""
        log = [
            entry(START - DAY, 1),
            entry(START - DAY, 1, Symptom.TREMOR),
            entry(START + 3 * DAY, 5),
            entry(START + 3 * DAY, 5, Symptom.TREMOR),
            entry(START + 2 * WEEK, 1),
            entry(START + 3 * WEEK, 2, Symptom.TREMOR),
        ]
        report = course_with(log).flare(now=START + 7 * WEEK)
        assert report.status is FlareStatus.RESOLVED
        assert report.resolved_at == START + 3 * WEEK


class TestAssess:
    def test_worsening_before_the_window_is_unexpected(self):
        """Worse than baseline on day 1, before the expected onset, is outside the window."""
        course = course_with([entry(START - DAY, 2)])
        assessment = course.assess(entry(START + DAY, 6))
        assert assessment.category is AssessmentCategory.UNEXPECTED_WORSENING
        assert assessment.category.review_advised
        assert assessment.category.worse

    def test_same_day_onset_is_expected_with_a_zero_onset_model(self):
        """A caller may widen the window to include a same-day onset."""
        course = course_with([entry(START - DAY, 2)])
        model = FlareModel(onset=dt.timedelta(0))
        assert (
            course.assess(entry(START + dt.timedelta(hours=6), 6), model).category
            is AssessmentCategory.EXPECTED_FLARE
        )

    def test_non_movement_worsening_is_never_a_worsening_in_the_window(self):
        """Paraesthesia worse than baseline inside the window: the window does not apply to it."""
        course = course_with([entry(START - DAY, 2, Symptom.PARESTHESIA)])
        assessment = course.assess(entry(START + 5 * DAY, 6, Symptom.PARESTHESIA))
        assert assessment.category is AssessmentCategory.WORSE_NOT_MOVEMENT
        assert not assessment.category.in_window
        assert assessment.review_advised

    def test_without_baseline_the_reference_is_none(self):
        """With nothing logged before treatment, the reference is 0 and new jerks are new onset."""
        course = course_with([])
        assessment = course.assess(entry(START + 3 * DAY, 4))
        assert assessment.baseline is None
        assert assessment.change == 4
        assert assessment.category is AssessmentCategory.NEW_ONSET_IN_WINDOW
        assert assessment.category.review_advised

    def test_a_change_below_two_points_is_no_worsening(self):
        """A one-point rise is within the meaningful change: no worsening."""
        course = course_with([entry(START - DAY, 4)])
        for severity, category in (
            (5, AssessmentCategory.NO_WORSENING),
            (3, AssessmentCategory.NO_WORSENING),
            (2, AssessmentCategory.IMPROVING),
            (6, AssessmentCategory.EXPECTED_FLARE),
        ):
            got = course.assess(entry(START + 3 * DAY, severity)).category
            assert got is category

    def test_an_entry_at_the_first_dose_is_not_baseline(self):
        """The baseline is strictly before treatment starts."""
        course = course_with([entry(START, 5)])
        assert course.baseline(Symptom.MYOCLONUS) is None
        assert course.assess(course.symptoms[0]).category is not (
            AssessmentCategory.BASELINE
        )

    def test_other_symptoms_are_matched_by_name(self):
        """Named other symptoms take their baseline from entries of the same name."""
        log = [
            entry(START - DAY, 5, Symptom.OTHER, name="cramps"),
            entry(START - DAY, 0, Symptom.OTHER, name="tinnitus"),
        ]
        course = course_with(log)
        later = entry(START + 9 * WEEK, 2, Symptom.OTHER, name="cramps")
        assert course.assess(later).category is AssessmentCategory.IMPROVING

    def test_refuses_what_is_not_an_entry(self):
        """Assessing something that is not a SymptomEntry raises InvalidRecordError."""
        with pytest.raises(InvalidRecordError):
            course_with([]).assess("myoclonus 7")  # type: ignore[arg-type]
        with pytest.raises(InvalidRecordError):
            assess(entry(START, 1), ["not an entry"], first_dose=START)  # type: ignore[list-item]


@pytest.mark.slow
@given(b12st.courses(max_symptoms=8, max_given=6))
def test_assessment_is_total(course):
    """Every entry of any course gets exactly one category, and BASELINE exactly when it precedes treatment."""
    start = utc(course.treatment_start)
    for item in course.symptoms:
        category = course.assess(item).category
        assert isinstance(category, AssessmentCategory)
        assert (category is AssessmentCategory.BASELINE) == (utc(item.at) < start)
        if category.in_window:
            window = course.flare_window()
            assert window is not None
            assert window.contains(item.at)
        if category in {
            AssessmentCategory.WORSE_IN_WINDOW,
            AssessmentCategory.NEW_ONSET_IN_WINDOW,
        }:
            assert item.symptom.is_movement


@pytest.mark.slow
@given(b12st.courses(max_symptoms=8, max_given=6), b12st.aware_datetimes())
def test_report_is_consistent(course, now):
    """The report's assessments, status and resolution agree with each other."""
    report = course.flare(now=now)
    expected = [
        e
        for e in course.symptoms
        if e.symptom.is_movement and utc(e.at) <= utc(report.as_of)
    ]
    assert [a.entry for a in report.assessments] == expected
    assert [a.category for a in report.assessments] == [
        course.assess(e).category for e in expected
    ]
    if report.status is FlareStatus.RESOLVED:
        assert report.resolved_at is not None
    if report.status is FlareStatus.WORSE_AFTER_WINDOW:
        assert report.review_advised
    if report.peak is not None:
        assert report.peak.category.in_window
    assert (report.window is None) == (
        report.status in {FlareStatus.NOT_APPLICABLE, FlareStatus.NO_DOSE_GIVEN}
    )
    assert (report.status is FlareStatus.NO_DOSE_GIVEN) == (
        not course.given and flare_window_applies(course.regimen)
    )


def test_flare_report_function_matches_the_course_method():
    """The module function gives the course method's report."""
    course = course_with([entry(START - DAY, 2), entry(START + 3 * DAY, 7)])
    report = flare_report(
        course.symptoms, first_dose=START, first_dose_given=True, now=START + WEEK
    )
    assert report == course.flare(now=START + WEEK)


def test_flare_window_refuses_a_non_model():
    """course.flare_window() refuses anything but a FlareModel, like course.flare()."""
    import datetime as dt
    import zoneinfo

    import pytest

    from b12course import Course, regimens
    from b12course.exceptions import SettingError

    start = dt.datetime(2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    course = Course.begin(regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=start)
    with pytest.raises(SettingError):
        course.flare_window("48h")  # type: ignore[arg-type]


class TestAttentionInsideTheWindow:
    def test_severe_threshold_is_a_model_field(self):
        """The default severe threshold is 8/10; a model may set another."""
        assert FlareModel().severe == 8
        course = course_with([entry(START - DAY, 5)])
        seven = entry(START + 3 * DAY, 7)
        assert course.assess(seven).category is AssessmentCategory.WORSE_IN_WINDOW
        stricter = FlareModel(severe=7)
        assert (
            course.assess(seven, stricter).category
            is AssessmentCategory.SEVERE_IN_WINDOW
        )

    @pytest.mark.parametrize("severe", [0, 11, True, 7.5])
    def test_refuses_a_bad_threshold(self, severe):
        """The threshold is a whole number of points from 1 to 10."""
        with pytest.raises(SettingError):
            FlareModel(severe=severe)

    def test_severe_even_without_a_change(self):
        """An 8/10 entry inside the window is flagged even when the baseline was 8."""
        course = course_with([entry(START - DAY, 8)])
        got = course.assess(entry(START + 4 * DAY, 8))
        assert got.category is AssessmentCategory.SEVERE_IN_WINDOW
        assert got.change == 0

    def test_severe_outside_the_window_is_not_flagged_by_itself(self):
        """After the window, an 8/10 at its baseline is no worsening."""
        course = course_with([entry(START - DAY, 8)])
        got = course.assess(entry(START + 8 * WEEK, 8))
        assert got.category is AssessmentCategory.NO_WORSENING

    def test_new_onset_only_for_the_first_entry(self):
        """Only the first entry of a movement symptom with no baseline is new onset."""
        log = [entry(START + 3 * DAY, 1), entry(START + 4 * DAY, 1)]
        report = course_with(log).flare(now=START + 5 * DAY)
        assert categories(report) == [
            AssessmentCategory.NEW_ONSET_IN_WINDOW,
            AssessmentCategory.NO_WORSENING,
        ]

    def test_new_onset_needs_a_movement_symptom_and_a_severity(self):
        """A 0/10 entry or a non-movement symptom is not new onset."""
        course = course_with([])
        assert (
            course.assess(entry(START + 3 * DAY, 0)).category
            is AssessmentCategory.NO_WORSENING
        )
        numb = course.assess(entry(START + 3 * DAY, 1, Symptom.NUMBNESS))
        assert numb.category is AssessmentCategory.NO_WORSENING


class TestWindowApplies:
    @pytest.mark.parametrize(
        ("preset", "applies"),
        [
            ("bnf-hydroxocobalamin-neuro", True),
            ("bnf-hydroxocobalamin-non-neuro", True),
            ("nice-dietary-oral", True),
            ("nice-dietary-injection", True),
            ("bnf-prophylaxis-gastrectomy", False),
            ("uk-smpc-cyanocobalamin-non-neuro", True),
            ("uk-smpc-cyanocobalamin-neuro", True),
            ("us-label-pernicious-anaemia", True),
            ("us-high-dose", True),
            ("oral-high-dose", True),
            ("nasal-weekly", False),
        ],
    )
    def test_decided_by_the_first_phase(self, preset, applies):
        """Courses that start replacement have a window; maintenance-only ones do not."""
        assert flare_window_applies(regimens.get(preset)) is applies

    def test_low_dose_oral_is_maintenance(self):
        """A first phase of 100 mcg oral daily is maintenance only."""
        oral = attrs.evolve(
            regimens.get("oral-high-dose").phases[0],
            dose=b12.Dose("cyanocobalamin", "100 mcg", "oral"),
        )
        regimen = attrs.evolve(regimens.get("oral-high-dose"), phases=(oral,))
        assert not flare_window_applies(regimen)

    def test_refuses_a_non_regimen(self):
        """Anything but a Regimen is refused with SettingError."""
        with pytest.raises(SettingError):
            flare_window_applies("nasal-weekly")  # type: ignore[arg-type]

    def test_a_maintenance_course_has_no_window_by_default(self):
        """A nasal course: no window, status not applicable, worsening flagged."""
        course = Course.begin(regimens.get("nasal-weekly"), first_dose=START)
        course = course.log_symptom(entry(START - DAY, 2))
        course = course.log_symptom(entry(START + 3 * DAY, 6))
        assert course.flare_window() is None
        report = course.flare(now=START + 4 * DAY)
        assert report.window is None
        assert report.status is FlareStatus.NOT_APPLICABLE
        assert categories(report)[-1] is AssessmentCategory.WORSE_OUTSIDE_WINDOW
        assert report.review_advised
        assert "no window" in str(report)

    def test_an_explicit_model_gives_a_window(self):
        """A FlareModel given explicitly gives a maintenance course a window."""
        course = Course.begin(regimens.get("nasal-weekly"), first_dose=START)
        assert course.flare_window(FlareModel()) is None  # no dose given yet
        course = course.record_dose(START)
        window = course.flare_window(FlareModel())
        assert window == FlareModel().window(START)
        report = course.flare(FlareModel(), now=START + 3 * DAY)
        assert report.status is FlareStatus.WINDOW_OPEN


class TestWords:
    def test_old_member_names_are_aliases(self):
        """The 0.x member names still work, for one release."""
        assert AssessmentCategory.EXPECTED_FLARE is AssessmentCategory.WORSE_IN_WINDOW
        assert AssessmentCategory.IMPROVING is AssessmentCategory.BETTER_THAN_BASELINE
        assert (
            AssessmentCategory.UNEXPECTED_WORSENING
            is AssessmentCategory.WORSE_OUTSIDE_WINDOW
        )
        assert FlareStatus.PROLONGED is FlareStatus.WORSE_AFTER_WINDOW
        assert FlareStatus.NO_FLARE is FlareStatus.NO_WORSENING_RECORDED

    def test_aliases_are_not_listed(self):
        """Iterating an enum lists each category once."""
        assert len(list(AssessmentCategory)) == 9
        assert len(list(FlareStatus)) == 7

    def test_enums_print_their_value(self):
        """str() of a category or a status is its words."""
        for member in [*AssessmentCategory, *FlareStatus]:
            assert str(member) == member.value

    def test_window_words(self):
        """The window reads as what has been reported, never what is expected."""
        text = str(FlareModel().window(START))
        assert text.startswith(
            "window in which a transient worsening has been reported: 2026-12-03 09:00"
        )

    def test_report_and_assessment_read_shortly(self):
        """str() of a report and an assessment is one short line, not a repr."""
        log = [entry(START - DAY, 3), entry(START + 3 * DAY, 9)]
        report = course_with(log).flare(now=START + 4 * DAY)
        text = str(report)
        assert text.startswith(str(FlareStatus.WINDOW_OPEN))
        assert "peak myoclonus 9/10 on 2026-12-04" in text
        assert "1 entry for a clinician's attention" in text
        assert len(text) < 300
        line = str(report.assessments[-1])
        assert line.startswith("2026-12-04 09:00 myoclonus 9/10 (baseline 3, +6)")
        assert "\n" not in line


class TestClinicalCases:
    """Issue 22 items 2-4, each a clinical scenario (clinical.md 0b, M2 and section 3)."""

    def test_a_myoclonus_rising_4_to_7_before_any_dose_is_given_is_flagged_against_baseline(
        self,
    ):
        """No dose given: no window, and 4 -> 7 reads against baseline only, for attention."""
        course = course_with(
            [entry(START - 2 * DAY, 4), entry(START + 3 * DAY, 7)], give=False
        )
        report = course.flare(now=START + 4 * DAY)
        assert course.flare_window() is None
        assert report.window is None
        assert report.status is FlareStatus.NO_DOSE_GIVEN
        assert str(report.status) == "not open: no dose given yet"
        (worse,) = report.attention
        assert worse.category is AssessmentCategory.WORSE_NO_DOSE_GIVEN
        assert worse.baseline.severity == 4
        assert worse.attention == {b12.Attention.NO_DOSE_GIVEN}
        assert "within the window" not in str(worse)
        timeline = course.timeline(until=START + 60 * DAY)
        assert timeline.flare_window is None
        assert not timeline.shows_flare_window

    def test_the_window_opens_from_the_first_dose_once_it_is_given(self):
        """The same log, the dose given late on day 2: the window runs from that dose."""
        course = course_with(
            [entry(START - 2 * DAY, 4), entry(START + 5 * DAY, 7)], give=False
        ).record_dose(START + 2 * DAY)
        assert course.flare_window().start == START + 4 * DAY
        (_, later) = course.flare(now=START + 6 * DAY).assessments
        assert later.category is AssessmentCategory.WORSE_IN_WINDOW
        assert not later.review_advised

    def test_a_worsening_on_day_4_inside_the_window_is_not_flagged(self):
        """A first worsening on day 4 is within the reported onset (48 h to day 5)."""
        course = course_with([entry(START - DAY, 3), entry(START + 4 * DAY, 6)])
        assessment = course.assess(course.symptoms[-1])
        assert assessment.category is AssessmentCategory.WORSE_IN_WINDOW
        assert assessment.attention == frozenset()

    def test_a_first_worsening_at_day_30_inside_the_window_is_flagged_as_a_late_onset(
        self,
    ):
        """Myoclonus at baseline through day 20, first worse on day 30: for attention, with the reason."""
        course = course_with(
            [
                entry(START - DAY, 3),
                entry(START + 4 * DAY, 3),
                entry(START + 20 * DAY, 4),
                entry(START + 30 * DAY, 7),
                entry(START + 31 * DAY, 6),
            ]
        )
        report = course.flare(now=START + 32 * DAY)
        assert report.status is FlareStatus.WINDOW_OPEN
        day30, day31 = report.assessments[-2:]
        assert day30.category is AssessmentCategory.WORSE_IN_WINDOW  # inside it
        assert day30.attention == {b12.Attention.LATE_ONSET}
        assert day31.attention == {b12.Attention.LATE_ONSET}  # the same worsening
        assert report.attention == (day30, day31)
        assert "later than the onset reported" in str(day30)
        assert "for a clinician's attention" in str(day30)

    def test_the_late_onset_starts_at_day_7_by_default_and_is_a_setting(self):
        """Day 7 exactly is late (the default); a model with 10 days does not flag it."""
        log = [entry(START - DAY, 3), entry(START + 7 * DAY, 6)]
        assert FlareModel().late_onset == 7 * DAY
        assert assess(log[1], log, first_dose=START).attention == {
            b12.Attention.LATE_ONSET
        }
        just_before = [log[0], entry(START + 7 * DAY - dt.timedelta(seconds=1), 6)]
        assert not assess(just_before[1], just_before, first_dose=START).attention
        later = FlareModel(late_onset=10 * DAY)
        assert not assess(log[1], log, first_dose=START, model=later).attention

    def test_a_worsening_after_a_return_to_baseline_is_flagged_inside_the_window(self):
        """Tremor worse on day 3, back on day 8, worse again on day 15: the second is for attention."""
        log = [
            entry(START - DAY, 2, Symptom.TREMOR),
            entry(START + 3 * DAY, 6, Symptom.TREMOR),
            entry(START + 8 * DAY, 2, Symptom.TREMOR),
            entry(START + 15 * DAY, 6, Symptom.TREMOR),
        ]
        course = course_with(log)
        first, back, again = course.flare(now=START + 16 * DAY).assessments[1:]
        assert first.attention == frozenset()
        assert back.category is AssessmentCategory.NO_WORSENING
        assert again.category is AssessmentCategory.WORSE_IN_WINDOW
        assert again.attention == {b12.Attention.AFTER_RETURN}
        assert course.assess(log[-1]) == again

    def test_a_paresthesia_worse_inside_the_window_is_not_read_against_the_window(self):
        """Paraesthesia 2 -> 6 on day 5 is worse than baseline; the window does not apply to it."""
        course = course_with(
            [
                entry(START - DAY, 2, Symptom.PARESTHESIA),
                entry(START + 5 * DAY, 6, Symptom.PARESTHESIA),
            ]
        )
        assessment = course.assess(course.symptoms[-1])
        assert assessment.category is AssessmentCategory.WORSE_NOT_MOVEMENT
        assert str(assessment.category).startswith(
            "worse than baseline; the window concerns involuntary movements, so it "
            "does not apply"
        )
        assert assessment.attention == {b12.Attention.NOT_A_MOVEMENT}
        assert course.flare(now=START + 6 * DAY).attention == ()  # not a movement
