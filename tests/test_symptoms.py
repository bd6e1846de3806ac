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
)

SAO_PAULO = zoneinfo.ZoneInfo("America/Sao_Paulo")
LONDON = zoneinfo.ZoneInfo("Europe/London")
START = dt.datetime(2026, 12, 1, 9, tzinfo=SAO_PAULO)
DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(weeks=1)


def entry(at, severity, symptom=Symptom.MYOCLONUS, **kw):
    return SymptomEntry(at=at, symptom=symptom, severity=severity, **kw)


def course_with(log, *, give=True):
    course = Course.begin(regimens.get("nice-neuro"), first_dose=START, id="s")
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
