"""Boundaries of b12course._flare, pinned where mutation testing found them loose.

Each test pins one observable rule: the window's half-open edges, the
meaningful-change and severe thresholds (inclusive), which first phases start
replacement, the words a report prints, and the fields of its errors.  See
docs/testing.md.
"""

import datetime as dt
import zoneinfo

import attrs
import pytest

import b12course as b12
from b12course import (
    AssessmentCategory,
    Cadence,
    FlareModel,
    FlareStatus,
    FlareWindow,
    Symptom,
    SymptomEntry,
    regimens,
)
from b12course._flare import assess, flare_report, flare_window_applies
from b12course._time import utc
from b12course.exceptions import InvalidRecordError, NaiveDatetimeError, SettingError

LONDON = zoneinfo.ZoneInfo("Europe/London")
START = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
DAY = dt.timedelta(days=1)
MICRO = dt.timedelta(microseconds=1)
WINDOW = FlareModel().window(START)  # 3 December 09:00 to 12 January 09:00


def entry(at, severity, symptom=Symptom.MYOCLONUS, **kw):
    return SymptomEntry(at=at, symptom=symptom, severity=severity, **kw)


def category(at, severity, log=(), **kw):
    return assess(entry(at, severity), log, first_dose=START, **kw).category


class TestModelSettings:
    def test_the_edges_of_the_ranges_are_accepted(self):
        """An onset of 0, one point of change, a threshold of 10 and one baseline entry are valid."""
        model = FlareModel(
            onset=dt.timedelta(0),
            abates_within=MICRO,
            meaningful_change=1,
            severe=10,
            baseline_entries=1,
        )
        assert (model.meaningful_change, model.severe, model.baseline_entries) == (
            1,
            10,
            1,
        )
        assert FlareModel(meaningful_change=10, severe=1).severe == 1

    @pytest.mark.parametrize(
        ("kwargs", "words"),
        [
            ({"onset": -MICRO}, "onset must be a timedelta >= 0, not "),
            ({"abates_within": 3}, "abates_within must be a timedelta >= 0, not 3"),
            (
                {"meaningful_change": 11},
                (
                    "meaningful_change must be a whole number of points from 1 to 10, "
                    "not 11"
                ),
            ),
            ({"severe": 0}, "severe must be a whole number of points from 1 to 10"),
            ({"severe": 2.0}, "severe must be a whole number of points"),
            ({"baseline_entries": 0}, "baseline_entries must be a whole number >= 1"),
            ({"baseline_entries": True}, "baseline_entries must be a whole number"),
            ({"baseline_entries": 1.0}, "baseline_entries must be a whole number"),
        ],
    )
    def test_a_bad_setting_is_named_in_the_error(self, kwargs, words):
        """Each refused setting is named, with the value given, in the message."""
        with pytest.raises(SettingError) as info:
            FlareModel(**kwargs)
        assert words in str(info.value)

    def test_an_empty_window_names_both_spans(self):
        """abates_within equal to onset is an empty window; the message gives both."""
        with pytest.raises(SettingError) as info:
            FlareModel(onset=DAY, abates_within=DAY)
        assert str(info.value) == (
            "abates_within (1 day, 0:00:00) must be longer than onset "
            "(1 day, 0:00:00), or the window is empty"
        )

    def test_a_bad_symptom_lists_the_symptoms(self):
        """An unknown symptom is refused with the list of valid symptoms."""
        with pytest.raises(SettingError) as info:
            FlareModel(symptoms=["hiccups"])
        names = ", ".join(s.value for s in Symptom)
        assert f"symptoms must be Symptom members ({names}), not ['hiccups']" in str(
            info.value
        )

    def test_symptoms_accept_a_member_or_several_names(self):
        """A single member, or several names, are read as a set of symptoms."""
        assert FlareModel(symptoms=Symptom.TREMOR).symptoms == {Symptom.TREMOR}
        assert FlareModel(symptoms=["tremor", "myoclonus"]).symptoms == {
            Symptom.TREMOR,
            Symptom.MYOCLONUS,
        }

    def test_window_is_onset_to_abates_within_in_the_first_dose_zone(self):
        """The window runs from first dose + onset to first dose + abates_within."""
        model = FlareModel(
            onset=dt.timedelta(hours=5), abates_within=dt.timedelta(days=3)
        )
        first = START.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
        window = model.window(first)
        assert utc(window.start) == utc(START) + dt.timedelta(hours=5)
        assert utc(window.end) == utc(START) + dt.timedelta(days=3)
        assert window.start.tzinfo is first.tzinfo
        assert window.end.tzinfo is first.tzinfo

    def test_window_of_a_naive_first_dose_names_it(self):
        """A naive first dose is refused under the name first_dose."""
        with pytest.raises(NaiveDatetimeError) as info:
            FlareModel().window(dt.datetime(2026, 12, 1, 9))
        assert info.value.name == "first_dose"


class TestWindowEdges:
    def test_contains_names_a_naive_instant_at(self):
        """A naive instant given to contains() is refused under the name 'at'."""
        with pytest.raises(NaiveDatetimeError) as info:
            WINDOW.contains(dt.datetime(2026, 12, 5))
        assert info.value.name == "at"

    def test_a_window_a_microsecond_long_is_valid(self):
        """Any window that ends after it starts is valid, however short."""
        window = FlareWindow(START, START + MICRO)
        assert window.duration == MICRO
        assert window.contains(START)
        assert not window.contains(START + MICRO)
        assert not window.contains(START - MICRO)

    def test_a_window_ending_before_it_starts_gives_both_times(self):
        """The error for a reversed window gives both of its times."""
        with pytest.raises(SettingError) as info:
            FlareWindow(START, START - DAY)
        assert str(info.value) == (
            "a flare window must end after it starts: 2026-12-01T09:00:00+00:00 "
            "to 2026-11-30T09:00:00+00:00"
        )

    def test_window_words(self):
        """A window prints its words and both local times."""
        assert str(WINDOW) == (
            "window in which a transient worsening has been reported: "
            "2026-12-03 09:00 to 2027-01-12 09:00"
        )

    def test_an_entry_at_the_opening_is_inside_and_at_the_close_is_not(self):
        """An entry logged exactly at the window's start is in it; one at its end is not."""
        log = [entry(START - DAY, 2)]
        assert category(WINDOW.start, 5, log) is AssessmentCategory.WORSE_IN_WINDOW
        assert (
            category(WINDOW.start - MICRO, 5, log)
            is AssessmentCategory.WORSE_OUTSIDE_WINDOW
        )
        assert (
            category(WINDOW.end - MICRO, 5, log) is AssessmentCategory.WORSE_IN_WINDOW
        )
        assert category(WINDOW.end, 5, log) is AssessmentCategory.WORSE_OUTSIDE_WINDOW


class TestThresholds:
    LOG = (entry(START - DAY, 4),)
    AT = START + 3 * DAY

    @pytest.mark.parametrize(
        ("severity", "expected"),
        [
            (6, AssessmentCategory.WORSE_IN_WINDOW),
            (5, AssessmentCategory.NO_WORSENING),
            (3, AssessmentCategory.NO_WORSENING),
            (2, AssessmentCategory.BETTER_THAN_BASELINE),
        ],
    )
    def test_exactly_the_meaningful_change_counts(self, severity, expected):
        """A change of exactly 2 points is worse (or better); 1 point is no change."""
        assert category(self.AT, severity, self.LOG) is expected

    def test_the_severe_threshold_is_inclusive(self):
        """An entry at the threshold is severe; one point under it is only worse."""
        model = FlareModel(severe=6)
        assert (
            category(self.AT, 6, self.LOG, model=model)
            is AssessmentCategory.SEVERE_IN_WINDOW
        )
        assert (
            category(self.AT, 5, self.LOG, model=model)
            is AssessmentCategory.NO_WORSENING
        )

    def test_a_model_meaningful_change_is_used(self):
        """With a 3-point meaningful change, +2 is no change and +3 is worse."""
        model = FlareModel(meaningful_change=3)
        assert (
            category(self.AT, 6, self.LOG, model=model)
            is AssessmentCategory.NO_WORSENING
        )
        assert (
            category(self.AT, 7, self.LOG, model=model)
            is AssessmentCategory.WORSE_IN_WINDOW
        )
        assert (
            category(self.AT, 1, self.LOG, model=model)
            is AssessmentCategory.BETTER_THAN_BASELINE
        )

    def test_the_model_baseline_entries_set_the_baseline(self):
        """The baseline is the mean of the model's number of latest pre-treatment entries."""
        log = [entry(START - k * DAY, s) for k, s in ((4, 1), (3, 1), (2, 1), (1, 7))]
        later = entry(self.AT, 7)
        default = assess(later, log, first_dose=START)
        assert default.baseline.severity == 3
        latest_only = assess(
            later, log, first_dose=START, model=FlareModel(baseline_entries=1)
        )
        assert latest_only.baseline.severity == 7
        assert latest_only.category is AssessmentCategory.NO_WORSENING

    def test_a_symptom_outside_the_model_is_worse_but_not_in_the_window(self):
        """Worsening of a symptom the model does not list reads "the window does not apply" (issue 22)."""
        log = [entry(START - DAY, 1, Symptom.FATIGUE)]
        got = assess(entry(self.AT, 5, Symptom.FATIGUE), log, first_dose=START)
        assert got.category is AssessmentCategory.WORSE_NOT_MOVEMENT
        assert got.attention == {b12.Attention.NOT_A_MOVEMENT}
        severe = assess(entry(self.AT, 10, Symptom.FATIGUE), log, first_dose=START)
        assert severe.category is AssessmentCategory.WORSE_NOT_MOVEMENT

    def test_assess_has_a_window_unless_told_otherwise(self):
        """assess() places entries in the window by default, and not with applies=False."""
        assert category(self.AT, 7, self.LOG) is AssessmentCategory.WORSE_IN_WINDOW
        assert (
            category(self.AT, 7, self.LOG, applies=False)
            is AssessmentCategory.WORSE_OUTSIDE_WINDOW
        )

    def test_assess_refuses_a_model_of_the_wrong_kind_and_a_naive_start(self):
        """assess() refuses a non-model and a naive first dose, naming what was wrong."""
        with pytest.raises(SettingError, match="expected a FlareModel, not '48h'"):
            assess(entry(self.AT, 7), self.LOG, first_dose=START, model="48h")
        with pytest.raises(NaiveDatetimeError) as info:
            assess(entry(self.AT, 7), self.LOG, first_dose=dt.datetime(2026, 12, 1))
        assert info.value.name == "first_dose"
        with pytest.raises(InvalidRecordError) as bad:
            assess("entry", self.LOG, first_dose=START)
        assert bad.value.value == "entry"
        assert "expected a SymptomEntry, not 'entry'" in str(bad.value)


class TestNewOnset:
    def test_new_onset_needs_the_entry_to_be_the_first_of_its_symptom(self):
        """A movement symptom first logged in the window is new onset; a later entry is not."""
        first = entry(START + 3 * DAY, 2)
        second = entry(START + 4 * DAY, 2)
        log = [first, second]
        assert (
            assess(first, log, first_dose=START).category
            is AssessmentCategory.NEW_ONSET_IN_WINDOW
        )
        assert (
            assess(second, log, first_dose=START).category
            is AssessmentCategory.WORSE_IN_WINDOW
        )

    def test_an_entry_not_in_the_log_before_its_first_is_new_onset(self):
        """An entry assessed before the log's first entry of its symptom is new onset."""
        log = [entry(START + 5 * DAY, 2)]
        got = assess(entry(START + 3 * DAY, 1), log, first_dose=START)
        assert got.category is AssessmentCategory.NEW_ONSET_IN_WINDOW

    def test_new_onset_is_only_inside_the_window(self):
        """A first movement entry after the window closes is only worse than none."""
        got = assess(entry(WINDOW.end, 3), [], first_dose=START)
        assert got.category is AssessmentCategory.WORSE_OUTSIDE_WINDOW


class TestAssessmentWords:
    def test_without_a_baseline_the_reference_reads_none(self):
        """An entry with no baseline prints 'baseline none' and its change from 0."""
        got = assess(entry(START + 3 * DAY, 5), [], first_dose=START)
        assert got.baseline is None
        assert got.change == 5
        assert str(got) == (
            "2026-12-04 09:00 myoclonus 5/10 (baseline none, +5): "
            f"{AssessmentCategory.NEW_ONSET_IN_WINDOW}"
        )

    def test_a_fractional_baseline_prints_as_is(self):
        """A mean baseline prints without trailing zeros (3.5, -0.5)."""
        log = [entry(START - 2 * DAY, 3), entry(START - DAY, 4)]
        got = assess(entry(START + 3 * DAY, 3), log, first_dose=START)
        assert "(baseline 3.5, -0.5)" in str(got)


def phase_regimen(cadence, dose):
    base = regimens.get("oral-high-dose")
    phase = attrs.evolve(base.phases[0], cadence=cadence, dose=dose)
    return attrs.evolve(base, phases=(phase,))


class TestWindowApplies:
    def test_weekly_injections_start_replacement_but_fortnightly_do_not(self):
        """A first phase of weekly injections has a window; every 8 days has none."""
        im = b12.Dose("hydroxocobalamin", "1 mg", "IM")
        assert flare_window_applies(phase_regimen(Cadence.every_weeks(1), im))
        assert flare_window_applies(phase_regimen(Cadence.every_days(7), im))
        assert not flare_window_applies(phase_regimen(Cadence.every_days(8), im))

    @pytest.mark.parametrize(
        ("amount", "route", "applies"),
        [
            ("1000 mcg", "oral", True),
            ("999 mcg", "oral", False),
            ("1 mg", "sublingual", True),
            ("999 mcg", "sublingual", False),
            ("500 mcg", "intranasal", False),
            ("50 mcg", "SC", True),
            ("50 mcg", "deep SC", True),
        ],
    )
    def test_oral_from_1_mg_and_any_injection_start_replacement(
        self, amount, route, applies
    ):
        """Oral or sublingual from 1 mg and any injection start replacement; intranasal never."""
        dose = b12.Dose("cyanocobalamin", amount, route)
        regimen = phase_regimen(Cadence.every_weeks(1), dose)
        assert flare_window_applies(regimen) is applies

    def test_refusal_names_the_value(self):
        """A non-regimen is refused with its value in the message."""
        with pytest.raises(
            SettingError, match="expected a Regimen, not 'nasal-weekly'"
        ):
            flare_window_applies("nasal-weekly")


class TestReport:
    LOG = (entry(START - DAY, 2),)

    def test_the_report_keeps_the_model_and_the_first_dose(self):
        """A report carries the model it used and its reference instant."""
        model = FlareModel(severe=9)
        report = flare_report(
            self.LOG, first_dose=START, first_dose_given=True, model=model, now=START
        )
        assert report.model is model
        assert report.first_dose is START
        assert report.first_dose_given is True
        default = flare_report(self.LOG, first_dose=START, first_dose_given=False)
        assert default.model == FlareModel()
        assert default.first_dose_given is False

    def test_a_naive_now_is_named_now(self):
        """A naive ``now`` is refused under the name now."""
        with pytest.raises(NaiveDatetimeError) as info:
            flare_report(
                self.LOG,
                first_dose=START,
                first_dose_given=True,
                now=dt.datetime(2026, 12, 5),
            )
        assert info.value.name == "now"

    def test_without_entries_or_now_it_describes_the_first_dose(self):
        """With no log and no now, the report is as of the first dose: not started.

        Before a dose is given there is no window at all (issue 22).
        """
        report = flare_report([], first_dose=START, first_dose_given=True)
        assert report.as_of is START
        assert report.status is FlareStatus.NOT_STARTED
        planned = flare_report([], first_dose=START, first_dose_given=False)
        assert planned.as_of is START
        assert planned.status is FlareStatus.NO_DOSE_GIVEN
        assert planned.window is None
        assert report.assessments == ()
        assert report.peak is None
        assert report.resolved_at is None

    @pytest.mark.parametrize(
        ("now", "status"),
        [
            (WINDOW.start - MICRO, FlareStatus.NOT_STARTED),
            (WINDOW.start, FlareStatus.WINDOW_OPEN),
            (WINDOW.end - MICRO, FlareStatus.WINDOW_OPEN),
            (WINDOW.end, FlareStatus.NO_WORSENING_RECORDED),
        ],
    )
    def test_status_changes_exactly_at_the_window_edges(self, now, status):
        """The status changes at the window's start and end instants, half-open."""
        report = flare_report(
            self.LOG, first_dose=START, first_dose_given=True, now=now
        )
        assert report.status is status

    def test_an_entry_at_now_is_included(self):
        """An entry logged exactly at ``now`` is part of the report; one after is not."""
        at = START + 3 * DAY
        log = [*self.LOG, entry(at, 6), entry(at + MICRO, 9)]
        report = flare_report(log, first_dose=START, first_dose_given=True, now=at)
        assert [a.entry.severity for a in report.assessments] == [2, 6]
        assert report.peak.entry.severity == 6

    def test_the_peak_is_the_worst_and_the_earliest_of_equals(self):
        """The peak is the highest severity in the window, the earliest of equals."""
        log = [
            *self.LOG,
            entry(START + 3 * DAY, 5),
            entry(START + 4 * DAY, 7),
            entry(START + 5 * DAY, 7),
            entry(START + 6 * DAY, 4),
        ]
        report = flare_report(
            log, first_dose=START, first_dose_given=True, now=START + 7 * DAY
        )
        assert report.peak_severity == 7
        assert report.peak_at == START + 4 * DAY

    def test_a_report_after_the_window_reads_still_worse(self):
        """Still worse after the window: the status says so and is for attention."""
        log = [*self.LOG, entry(START + 3 * DAY, 6), entry(WINDOW.end + DAY, 6)]
        report = flare_report(
            log, first_dose=START, first_dose_given=True, now=WINDOW.end + 2 * DAY
        )
        assert report.status is FlareStatus.WORSE_AFTER_WINDOW
        assert report.resolved_at is None
        assert report.time_to_resolution is None
        assert report.review_advised

    def test_resolution_is_the_first_entry_back_after_the_last_worse_one(self):
        """Resolved at the first entry back within baseline after the last worse entry."""
        back = START + 20 * DAY
        log = [
            *self.LOG,
            entry(START + 3 * DAY, 6),
            entry(START + 10 * DAY, 3),
            entry(START + 12 * DAY, 6),
            entry(back, 3),
            entry(START + 25 * DAY, 2),
        ]
        report = flare_report(
            log, first_dose=START, first_dose_given=True, now=WINDOW.end + DAY
        )
        assert report.status is FlareStatus.RESOLVED
        assert report.resolved_at == back
        assert report.resolution == back
        assert report.time_to_resolution == 20 * DAY
        # The worsening on day 12 follows a return to baseline on day 10: it
        # is for a clinician's attention (issue 22), the first one is not.
        assert [a.entry.at for a in report.attention] == [START + 12 * DAY]
        assert report.attention[0].attention == {b12.Attention.AFTER_RETURN}

    def test_resolution_of_two_symptoms_is_the_later_instant_across_a_fold(self):
        """Two symptoms back at baseline inside London's repeated hour: the later instant wins.

        01:45 BST (first pass) is 00:45 UTC, 01:30 GMT (second pass) is 01:30 UTC:
        a wall-clock comparison would pick 01:45.
        """
        first = dt.datetime(2026, 10, 1, 9, tzinfo=LONDON)
        early = dt.datetime(2026, 10, 25, 1, 45, tzinfo=LONDON)  # fold 0: BST
        late = dt.datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON)  # GMT
        log = [
            entry(first - DAY, 2, Symptom.MYOCLONUS),
            entry(first - DAY, 2, Symptom.TREMOR),
            entry(first + 3 * DAY, 6, Symptom.MYOCLONUS),
            entry(first + 3 * DAY, 6, Symptom.TREMOR),
            entry(early, 2, Symptom.MYOCLONUS),
            entry(late, 2, Symptom.TREMOR),
        ]
        report = flare_report(
            log, first_dose=first, first_dose_given=True, now=first + 60 * DAY
        )
        assert utc(report.resolved_at) == dt.datetime(
            2026, 10, 25, 1, 30, tzinfo=dt.timezone.utc
        )

    def test_words_of_a_report_with_two_entries_for_attention(self):
        """A report prints its parts joined by '; ' and counts 'entries' in the plural."""
        log = [*self.LOG, entry(START + 3 * DAY, 9), entry(START + 4 * DAY, 8)]
        report = flare_report(
            log, first_dose=START, first_dose_given=True, now=START + 5 * DAY
        )
        assert str(report) == (
            f"{FlareStatus.WINDOW_OPEN} (as of 2026-12-06 09:00; "
            "window 2026-12-03 09:00 to 2027-01-12 09:00; "
            "peak myoclonus 9/10 on 2026-12-04; "
            "2 entries for a clinician's attention)"
        )

    def test_words_of_a_report_with_one_entry_for_attention(self):
        """One entry for attention is counted as 'entry'."""
        log = [*self.LOG, entry(START + 3 * DAY, 9)]
        report = flare_report(
            log, first_dose=START, first_dose_given=True, now=START + 5 * DAY
        )
        assert str(report).endswith("; 1 entry for a clinician's attention)")
        assert len(report.attention) == 1

    def test_without_a_window_the_report_prints_no_window(self):
        """A course without a window prints neither a window nor a peak."""
        report = flare_report(
            self.LOG,
            first_dose=START,
            first_dose_given=True,
            now=START + DAY,
            applies=False,
        )
        assert report.window is None
        assert str(report) == (f"{FlareStatus.NOT_APPLICABLE} (as of 2026-12-02 09:00)")
