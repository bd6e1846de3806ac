import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b12course import (
    Course,
    Symptom,
    SymptomEntry,
    TrendDirection,
    Trigger,
    regimens,
)
from b12course import strategies as b12st
from b12course._symptoms import baseline, change_from_baseline, trend
from b12course._time import utc
from b12course.exceptions import (
    B12CourseError,
    DuplicateRecordError,
    InvalidRecordError,
    NaiveDatetimeError,
    SettingError,
    SeverityError,
    TextError,
)

SAO_PAULO = zoneinfo.ZoneInfo("America/Sao_Paulo")
LONDON = zoneinfo.ZoneInfo("Europe/London")
START = dt.datetime(2026, 12, 1, 9, tzinfo=SAO_PAULO)
DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(weeks=1)


def entry(at, severity, symptom=Symptom.MYOCLONUS, **kw):
    return SymptomEntry(at=at, symptom=symptom, severity=severity, **kw)


def course_with(log, *, give=True):
    course = Course.begin(
        regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START, id="s"
    )
    if give:
        course = course.record_dose(START)
    for item in log:
        course = course.log_symptom(item)
    return course


class TestSymptom:
    def test_movement_symptoms(self):
        """Myoclonus, tremor and other involuntary movements are the movement symptoms."""
        assert {s for s in Symptom if s.is_movement} == {
            Symptom.MYOCLONUS,
            Symptom.TREMOR,
            Symptom.INVOLUNTARY_MOVEMENTS,
        }

    def test_neurological_symptoms(self):
        """Every named symptom but fatigue is neurological."""
        assert {s for s in Symptom if not s.is_neurological} == {
            Symptom.FATIGUE,
            Symptom.OTHER,
        }


class TestSymptomEntry:
    @pytest.mark.parametrize("severity", [-1, 11, 2.5, "5", True, None])
    def test_refuses_severity_outside_the_scale(self, severity):
        """A severity that is not a whole number from 0 to 10 raises SeverityError."""
        with pytest.raises(SeverityError) as info:
            entry(START, severity)
        assert isinstance(info.value, ValueError)
        assert info.value.value == severity

    def test_refuses_naive_time(self):
        """An entry with a naive time raises NaiveDatetimeError."""
        with pytest.raises(NaiveDatetimeError):
            entry(dt.datetime(2026, 12, 1, 9), 3)

    def test_other_needs_a_name(self):
        """A named other symptom needs its name; the label shows it."""
        with pytest.raises(B12CourseError):
            entry(START, 3, Symptom.OTHER)
        assert entry(START, 3, Symptom.OTHER, name="cramps").label == "cramps"
        assert entry(START, 3).label == "myoclonus"

    def test_flags_are_kept(self):
        """The optional flags that tell jerks apart are kept as given."""
        item = entry(
            START,
            4,
            during_sleep=True,
            multifocal=False,
            body_sites="hands",
            triggers=["caffeine", Trigger.STRESS],
            note="worse after coffee",
        )
        assert item.body_sites == ("hands",)
        assert item.triggers == (Trigger.CAFFEINE, Trigger.STRESS)
        assert item.during_sleep is True
        assert item.multifocal is False
        assert entry(START, 1, triggers="poor sleep").triggers == (Trigger.POOR_SLEEP,)


class TestLogging:
    def test_bad_input_leaves_the_course_unchanged(self):
        """A duplicate or a non-entry is refused and the course keeps its log."""
        course = course_with([entry(START + DAY, 3)])
        before = course.symptoms
        with pytest.raises(DuplicateRecordError):
            course.log_symptom(entry((START + DAY).astimezone(LONDON), 5))
        with pytest.raises(InvalidRecordError):
            course.log_symptom("myoclonus 5")  # type: ignore[arg-type]
        assert course.symptoms == before

    def test_different_symptoms_may_share_an_instant(self):
        """Two different symptoms may be logged at the same instant."""
        course = course_with(
            [entry(START + DAY, 3), entry(START + DAY, 3, Symptom.TREMOR)]
        )
        assert len(course.symptoms) == 2


class TestBaseline:
    def test_is_the_mean_of_the_latest_three_before_the_first_dose_given(self):
        """The baseline averages the three latest entries before the first dose actually given."""
        log = [entry(START - d * DAY, s) for d, s in ((10, 9), (3, 4), (2, 5), (1, 6))]
        course = course_with([*log, entry(START + DAY, 1)])
        base = course.baseline(Symptom.MYOCLONUS)
        assert base is not None
        assert base.severity == 5.0
        assert [e.severity for e in base.entries] == [4, 5, 6]
        assert base.before == START
        assert course.baseline(Symptom.MYOCLONUS, last=1).severity == 6.0

    def test_uses_the_planned_first_dose_until_one_is_given(self):
        """Before any dose is given, entries before the planned first dose are the baseline."""
        log = [entry(START - DAY, 4), entry(START + DAY, 8)]
        planned = course_with(log, give=False)
        assert planned.baseline(Symptom.MYOCLONUS).severity == 4.0
        late = planned.record_dose(START + 2 * DAY)
        assert late.baseline(Symptom.MYOCLONUS).severity == 6.0

    def test_none_without_pre_treatment_entries(self):
        """A symptom never logged before treatment has no baseline."""
        course = course_with([entry(START + DAY, 4)])
        assert course.baseline(Symptom.MYOCLONUS) is None
        assert course.baseline(Symptom.TREMOR) is None

    def test_named_other_symptoms_by_label(self):
        """An other symptom's baseline is found by its name, case-insensitively."""
        course = course_with(
            [
                entry(START - DAY, 6, Symptom.OTHER, name="Cramps"),
                entry(START - DAY, 1, Symptom.OTHER, name="tinnitus"),
            ]
        )
        assert course.baseline(" cramps ").severity == 6.0
        assert course.baseline("paresthesia") is None

    def test_change_from_baseline(self):
        """The change is severity minus baseline, or minus 0 with no baseline."""
        course = course_with([entry(START - DAY, 4)])
        later = entry(START + WEEK, 1)
        assert change_from_baseline(later, course.baseline(Symptom.MYOCLONUS)) == -3
        assert change_from_baseline(later, None) == 1

    @pytest.mark.parametrize("last", [0, -1, 1.5, True])
    def test_refuses_a_bad_count(self, last):
        """The number of entries to average must be a whole number >= 1."""
        with pytest.raises(SettingError):
            course_with([]).baseline(Symptom.MYOCLONUS, last=last)

    def test_refuses_bad_arguments(self):
        """A non-symptom, a non-entry and a naive bound are refused with B12CourseError."""
        with pytest.raises(InvalidRecordError):
            baseline([], 42, before=START)  # type: ignore[arg-type]
        with pytest.raises(InvalidRecordError):
            baseline([], "  ", before=START)
        with pytest.raises(InvalidRecordError):
            baseline(["x"], Symptom.MYOCLONUS, before=START)  # type: ignore[list-item]
        with pytest.raises(NaiveDatetimeError):
            baseline([], Symptom.MYOCLONUS, before=dt.datetime(2026, 1, 1))


class TestTrend:
    def test_improving_stable_worsening_and_unknown(self):
        """The fitted change over the window gives the direction, judged by 2 points."""
        improving = [entry(START + d * WEEK, s) for d, s in ((0, 8), (1, 6), (2, 4))]
        stable = [entry(START + d * WEEK, s) for d, s in ((0, 5), (1, 6), (2, 5))]
        worsening = [entry(START + d * WEEK, s) for d, s in ((0, 2), (1, 3), (2, 4))]
        assert trend(improving, Symptom.MYOCLONUS).direction is TrendDirection.IMPROVING
        assert trend(stable, Symptom.MYOCLONUS).direction is TrendDirection.STABLE
        assert trend(worsening, Symptom.MYOCLONUS).direction is TrendDirection.WORSENING
        one = trend(improving[:1], Symptom.MYOCLONUS)
        assert one.direction is TrendDirection.UNKNOWN
        assert one.slope_per_week is None
        assert one.change is None

    def test_window_is_half_open(self):
        """Entries at the start are in the window; entries at the end are not."""
        log = [entry(START + d * WEEK, s) for d, s in ((0, 8), (1, 6), (2, 4), (3, 9))]
        course = course_with(log, give=False)
        found = course.symptom_trend(
            Symptom.MYOCLONUS, start=START, end=START + 3 * WEEK
        )
        assert [e.severity for e in found.entries] == [8, 6, 4]
        assert found.slope_per_week == pytest.approx(-2.0)
        assert found.change == pytest.approx(-4.0)
        assert found.start == START
        assert found.end == START + 3 * WEEK

    def test_min_change_is_configurable(self):
        """A smaller meaningful change turns a stable trend into a direction."""
        log = [entry(START + d * WEEK, s) for d, s in ((0, 5), (1, 5), (2, 4))]
        assert trend(log, Symptom.MYOCLONUS).direction is TrendDirection.STABLE
        assert (
            trend(log, Symptom.MYOCLONUS, min_change=0.5).direction
            is TrendDirection.IMPROVING
        )

    def test_entries_at_one_instant_have_no_slope(self):
        """Entries that share one instant give no fit."""
        log = [entry(START, 3), entry(START.astimezone(LONDON), 7)]
        assert trend(log, Symptom.MYOCLONUS).direction is TrendDirection.UNKNOWN

    def test_refuses_naive_bounds(self):
        """Naive window bounds are refused."""
        with pytest.raises(NaiveDatetimeError):
            trend([], Symptom.MYOCLONUS, start=dt.datetime(2026, 1, 1))
        with pytest.raises(NaiveDatetimeError):
            trend([], Symptom.MYOCLONUS, end=dt.datetime(2026, 1, 1))


@pytest.mark.slow
@given(st.lists(b12st.symptom_entries(symptoms=st.just(Symptom.TREMOR)), max_size=10))
def test_baseline_lies_within_its_entries(entries):
    """A baseline is between the lowest and highest of the entries it averages, all before treatment."""
    base = baseline(entries, Symptom.TREMOR, before=START)
    prior = [e for e in entries if utc(e.at) < utc(START)]
    assert (base is None) == (not prior)
    if base is not None:
        severities = [e.severity for e in base.entries]
        assert min(severities) <= base.severity <= max(severities)
        assert all(utc(e.at) < utc(START) for e in base.entries)
        assert len(base.entries) == min(3, len(prior))


@pytest.mark.slow
@given(st.lists(b12st.symptom_entries(symptoms=st.just(Symptom.NUMBNESS)), max_size=10))
def test_trend_direction_agrees_with_change(entries):
    """The direction is improving, worsening or stable exactly as the fitted change says."""
    found = trend(entries, Symptom.NUMBNESS)
    if found.change is None:
        assert found.direction is TrendDirection.UNKNOWN
    elif found.change <= -2:
        assert found.direction is TrendDirection.IMPROVING
    elif found.change >= 2:
        assert found.direction is TrendDirection.WORSENING
    else:
        assert found.direction is TrendDirection.STABLE
    assert list(found.entries) == sorted(found.entries, key=lambda e: utc(e.at))


class TestEntryErrors:
    def test_unknown_symptom_lists_the_valid_ones(self):
        """An unknown symptom is refused with a library error naming every symptom."""
        with pytest.raises(InvalidRecordError) as info:
            entry(START, 3, "bogus")
        message = str(info.value)
        for symptom in Symptom:
            assert symptom.value in message

    @pytest.mark.parametrize("value", [5, None, 2.5])
    def test_symptom_of_the_wrong_kind(self, value):
        """A symptom that is not text or a Symptom is refused the same way."""
        with pytest.raises(InvalidRecordError, match="myoclonus, tremor"):
            entry(START, 3, value)

    def test_symptom_names_are_case_insensitive(self):
        """'Tremor' and 'TREMOR' name Symptom.TREMOR."""
        assert entry(START, 3, "TREMOR").symptom is Symptom.TREMOR

    @pytest.mark.parametrize("triggers", ["bogus", ["stress", "bogus"], [7]])
    def test_unknown_trigger_lists_the_valid_ones(self, triggers):
        """An unknown trigger is refused, naming every trigger."""
        with pytest.raises(InvalidRecordError, match="caffeine, stress") as info:
            entry(START, 3, triggers=triggers)
        assert "poor sleep" in str(info.value)

    def test_triggers_read_from_names(self):
        """Triggers may be given by name, alone or in a list."""
        got = entry(START, 3, triggers=["Stress", Trigger.CAFFEINE]).triggers
        assert got == (Trigger.STRESS, Trigger.CAFFEINE)
        assert entry(START, 3, triggers="poor sleep").triggers == (Trigger.POOR_SLEEP,)

    @pytest.mark.parametrize("sites", [5, b"hands", {"a": 1}])
    def test_body_sites_must_be_a_sequence(self, sites):
        """body_sites=5 is refused with a library error, not a TypeError leak."""
        with pytest.raises(B12CourseError):
            entry(START, 3, body_sites=sites)

    @pytest.mark.parametrize("sites", [["hands", 3], ["\ud800"]])
    def test_body_sites_must_be_text(self, sites):
        """Every body site is text every file can store."""
        with pytest.raises(TextError):
            entry(START, 3, body_sites=sites)

    @pytest.mark.parametrize("field", ["note", "name"])
    def test_text_fields_refuse_surrogates_and_non_text(self, field):
        """Notes and names go through the shared text check."""
        with pytest.raises(TextError):
            entry(START, 3, Symptom.OTHER, **({"name": "x"} | {field: "\ud800"}))
        with pytest.raises(TextError):
            entry(START, 3, Symptom.OTHER, **({"name": "x"} | {field: 5}))

    @pytest.mark.parametrize("field", ["during_sleep", "multifocal"])
    def test_flags_are_booleans(self, field):
        """during_sleep and multifocal are True, False or None."""
        with pytest.raises(InvalidRecordError):
            entry(START, 3, **{field: "yes"})
        assert getattr(entry(START, 3, **{field: True}), field) is True


class TestKey:
    def test_key_is_the_symptom_or_the_other_name(self):
        """Key groups entries: a Symptom, or the name of an OTHER symptom."""
        assert entry(START, 2).key is Symptom.MYOCLONUS
        cramps = entry(START, 2, Symptom.OTHER, name="cramps")
        assert cramps.key == "cramps"
        assert cramps.key == cramps.label

    def test_enums_print_their_value(self):
        """Symptoms, triggers and trend directions print their value."""
        for member in [*Symptom, *Trigger, *TrendDirection]:
            assert str(member) == member.value


class TestTrendArithmetic:
    @pytest.mark.parametrize("hours", range(0, 24 * 199, 24))
    def test_a_fall_of_exactly_the_threshold_is_improving(self, hours):
        """6 then 4 any whole number of days apart is improving, never stable."""
        later = START + dt.timedelta(days=1) + dt.timedelta(hours=hours)
        got = trend([entry(START, 6), entry(later, 4)], Symptom.MYOCLONUS)
        assert got.direction is TrendDirection.IMPROVING
        assert got.change == -2.0

    def test_the_issue_12_repro(self):
        """Twelve days apart, the fitted change is exactly -2 and improving."""
        got = trend([entry(START, 6), entry(START + 12 * DAY, 4)], Symptom.MYOCLONUS)
        assert got.change == -2.0
        assert got.direction is TrendDirection.IMPROVING

    def test_a_rise_of_exactly_the_threshold_is_worsening(self):
        """4 then 6 is worsening."""
        got = trend([entry(START, 4), entry(START + 12 * DAY, 6)], Symptom.MYOCLONUS)
        assert got.direction is TrendDirection.WORSENING

    @pytest.mark.parametrize("value", [0, -1, float("nan"), 11, "2", True])
    def test_refuses_a_bad_min_change(self, value):
        """min_change is a number of points in (0, 10]."""
        with pytest.raises(SettingError):
            trend([entry(START, 4)], Symptom.MYOCLONUS, min_change=value)
