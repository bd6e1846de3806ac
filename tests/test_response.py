import datetime as dt
import zoneinfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from b12course import (
    Course,
    DecisionBasis,
    FlareModel,
    PhaseEnding,
    PlateauRule,
    Review,
    ReviewKind,
    Symptom,
    SymptomEntry,
    UntilNoFurtherImprovement,
    regimens,
)
from b12course import strategies as b12st
from b12course._response import find_plateau, treatment_review
from b12course._time import utc
from b12course.exceptions import NaiveDatetimeError, SettingError

LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")
START = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
DAY = dt.timedelta(days=1)
UNTIL = dt.datetime(2027, 12, 1, tzinfo=LONDON)


def entry(at, severity, symptom=Symptom.PARESTHESIA):
    return SymptomEntry(at=at, symptom=symptom, severity=severity)


def neuro(start=START, doses=(0, 2, 4, 6, 8), log=()):
    course = Course.begin(
        regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=start, id="r"
    )
    for day in doses:
        course = course.record_dose(start + day * DAY)
    for item in log:
        course = course.log_symptom(item)
    return course


# Paraesthesia improves by 2 points in the first days, then holds at 4.
PLATEAU_LOG = [
    entry(START - DAY, 6),
    entry(START + DAY + dt.timedelta(hours=2), 6),
    entry(START + 3 * DAY + dt.timedelta(hours=2), 4),
    entry(START + 5 * DAY + dt.timedelta(hours=2), 4),
    entry(START + 7 * DAY + dt.timedelta(hours=2), 4),
    entry(START + 10 * DAY + dt.timedelta(hours=2), 4),
]
PLATEAU_AT = START + 10 * DAY + dt.timedelta(hours=2)


class TestPlateauRule:
    def test_defaults(self):
        """By default the rule tracks the neurological symptoms with a 2-point change over 3 assessments and 7 days."""
        rule = PlateauRule()
        assert rule.min_change == 2
        assert rule.assessments == 3
        assert rule.days == 7
        assert Symptom.FATIGUE not in rule.symptoms
        assert Symptom.OTHER not in rule.symptoms
        assert {Symptom.MYOCLONUS, Symptom.PARESTHESIA, Symptom.ATAXIA} <= rule.symptoms

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"assessments": 1},
            {"min_change": 0},
            {"days": -1},
            {"days": 1.5},
            {"symptoms": ()},
            {"symptoms": ("nonsense",)},
            {"flare": "default"},
        ],
    )
    def test_refuses_bad_settings(self, kwargs):
        """A rule with an out-of-range setting is refused."""
        with pytest.raises(SettingError):
            PlateauRule(**kwargs)


class TestPlateauRuleSymptoms:
    def test_symptoms_accept_a_single_name(self):
        """A single symptom, by member or by value, is read as a one-symptom set."""
        assert PlateauRule(symptoms="paresthesia").symptoms == {Symptom.PARESTHESIA}


class TestFindPlateau:
    def test_finds_the_entry_that_completes_the_plateau(self):
        """The plateau is at the entry whose window first shows no meaningful improvement."""
        course = neuro(log=PLATEAU_LOG)
        assert course.plateau_decisions(until=UNTIL)[0].at == PLATEAU_AT

    def test_improvement_inside_the_window_is_no_plateau(self):
        """A symptom still improving by 2 points over the window has not plateaued."""
        log = [entry(START + d * DAY, s) for d, s in ((1, 8), (4, 7), (8, 6), (12, 5))]
        assert neuro(log=log).plateau_decisions(until=UNTIL) == ()

    def test_every_tracked_symptom_must_plateau(self):
        """One symptom still improving keeps the phase open."""
        log = [
            *PLATEAU_LOG,
            *(
                entry(START + d * DAY, s, Symptom.ATAXIA)
                for d, s in ((2, 9), (6, 7), (11, 5))
            ),
        ]
        assert neuro(log=log).plateau_decisions(until=UNTIL) == ()
        only = PlateauRule(symptoms={Symptom.PARESTHESIA})
        assert (
            neuro(log=log).plateau_decisions(until=UNTIL, rule=only)[0].at == PLATEAU_AT
        )

    def test_expected_flare_entries_do_not_count_as_no_improvement(self):
        """Myoclonus held high inside the window of a reported transient worsening is no plateau."""
        log = [entry(START - DAY, 3, Symptom.MYOCLONUS)] + [
            entry(START + d * DAY, 7, Symptom.MYOCLONUS) for d in (3, 5, 8, 11)
        ]
        assert neuro(log=log).plateau_decisions(until=UNTIL) == ()
        no_flare = PlateauRule(flare=FlareModel(symptoms=()))
        (decision,) = neuro(log=log).plateau_decisions(until=UNTIL, rule=no_flare)
        assert decision.at == START + 11 * DAY

    def test_entries_before_the_phase_do_not_count(self):
        """Pre-treatment entries never belong to a plateau window."""
        log = [entry(START - d * DAY, 5) for d in (20, 10, 1)]
        assert neuro(log=log).plateau_decisions(until=UNTIL) == ()

    def test_days_are_calendar_days_in_the_course_zone(self):
        """Seven calendar days are counted on local dates, not 24-hour steps."""
        start = dt.datetime(2026, 12, 1, 23, 30, tzinfo=KOLKATA)
        log = [
            SymptomEntry(
                at=start + dt.timedelta(minutes=10), symptom="numbness", severity=5
            ),
            SymptomEntry(at=start + 3 * DAY, symptom="numbness", severity=5),
            # 6 days 23 h 50 min after the first entry, but on the 7th calendar day.
            SymptomEntry(
                at=dt.datetime(2026, 12, 8, 23, 50, tzinfo=KOLKATA)
                - dt.timedelta(minutes=10),
                symptom="numbness",
                severity=5,
            ),
        ]
        course = neuro(start=start, log=log)
        (decision,) = course.plateau_decisions(until=start + 400 * DAY)
        assert decision.at == log[-1].at

    def test_refuses_a_rule_of_the_wrong_kind(self):
        """find_plateau refuses a rule that is not a PlateauRule."""
        with pytest.raises(SettingError):
            find_plateau([], since=START, first_dose=START, zone=LONDON, rule="x")  # type: ignore[arg-type]


class TestEndOnPlateau:
    def test_plateau_ends_the_loading_phase(self):
        """With the opt-in, the plateau ends loading; maintenance starts one interval after the last loading dose, provisional until a clinician decides."""
        course = neuro(log=PLATEAU_LOG)
        before = course.plan(until=UNTIL)
        after = course.plan(until=UNTIL, end_on_plateau=True)
        assert any(d.provisional for d in before)
        loading = [d for d in after if d.phase == 0]
        maintenance = [d for d in after if d.phase == 1]
        assert maintenance
        assert all(d.provisional for d in maintenance)
        assert all(utc(d.when) < utc(PLATEAU_AT) for d in loading)
        last = loading[-1].when
        assert last == START + 10 * DAY  # the alternate-day dose before the plateau
        assert maintenance[0].due == dt.datetime(2027, 2, 11, 9, tzinfo=LONDON)
        spans = course.expand(until=UNTIL, end_on_plateau=True).phases
        assert spans[0].ending is PhaseEnding.DECISION
        assert spans[0].decision is not None
        assert spans[0].decision.basis is DecisionBasis.PLATEAU

    def test_is_off_by_default(self):
        """Without the opt-in, logging symptoms never changes the plan."""
        course = neuro(log=PLATEAU_LOG)
        assert course.plan(until=UNTIL) == neuro().plan(until=UNTIL)
        assert course.plan(until=UNTIL, end_on_plateau=False) == neuro().plan(
            until=UNTIL
        )

    def test_a_custom_rule_can_be_passed(self):
        """A rule passed to end_on_plateau is used instead of the default."""
        course = neuro(log=PLATEAU_LOG)
        strict = PlateauRule(days=30)
        assert course.plan(until=UNTIL, end_on_plateau=strict) == course.plan(
            until=UNTIL
        )

    def test_a_recorded_decision_wins(self):
        """A phase already ended by a clinician is not ended again by a plateau."""
        course = neuro(log=PLATEAU_LOG).end_phase(START + 5 * DAY, "clinician")
        assert course.plateau_decisions(until=UNTIL) == ()
        spans = course.expand(until=UNTIL, end_on_plateau=True).phases
        assert spans[0].decision is not None
        assert spans[0].decision.basis is DecisionBasis.CLINICIAN

    def test_a_plateau_after_the_review_point_is_ignored(self):
        """After the review point only a clinician's decision changes the plan."""
        log = [entry(START + d * DAY, 4) for d in (9, 12, 16, 20)]
        course = neuro(log=log)
        assert course.plateau_decisions(until=UNTIL) == ()

    def test_a_horizon_before_the_phase_finds_nothing(self):
        """A phase not reached before the horizon gets no decision."""
        assert neuro(log=PLATEAU_LOG).plateau_decisions(until=START - DAY) == ()

    def test_refuses_a_bad_opt_in(self):
        """end_on_plateau takes a bool or a PlateauRule."""
        with pytest.raises(SettingError):
            neuro().plan(until=UNTIL, end_on_plateau="yes")  # type: ignore[arg-type]

    def test_refuses_naive_until(self):
        """A naive horizon is refused."""
        with pytest.raises(NaiveDatetimeError):
            neuro().plateau_decisions(until=dt.datetime(2027, 1, 1))


class TestReviews:
    def test_neurological_course_has_both_reviews(self):
        """A nice-neuro course shows the 2-week loading review and the 3-month NG239 review."""
        reviews = neuro().reviews(until=UNTIL)
        assert [(r.kind, r.at) for r in reviews] == [
            (ReviewKind.LOADING_PHASE, START + 14 * DAY),
            (ReviewKind.TREATMENT, dt.datetime(2027, 3, 1, 9, tzinfo=LONDON)),
        ]
        assert reviews[0].phase == 0
        assert reviews[1].phase is None
        assert "NG239" in reviews[1].source

    def test_pregnancy_brings_the_treatment_review_to_one_month(self):
        """In pregnancy or breastfeeding NG239 reviews after one month."""
        (loading, treatment) = neuro().reviews(
            until=UNTIL, pregnant_or_breastfeeding=True
        )
        assert treatment.at == dt.datetime(2027, 1, 1, 9, tzinfo=LONDON)
        assert loading.kind is ReviewKind.LOADING_PHASE

    def test_a_phase_ended_before_its_review_drops_the_loading_review(self):
        """Once loading ends before its review point, only the treatment review remains."""
        course = neuro().end_phase(START + 9 * DAY, "no further improvement")
        assert [r.kind for r in course.reviews(until=UNTIL)] == [ReviewKind.TREATMENT]
        plateau = neuro(log=PLATEAU_LOG)
        # Without the opt-in, the plateau is only a suggestion beside the review.
        assert [r.kind for r in plateau.reviews(until=UNTIL)] == [
            ReviewKind.PLATEAU_SUGGESTED,
            ReviewKind.LOADING_PHASE,
            ReviewKind.TREATMENT,
        ]
        assert [r.kind for r in plateau.reviews(until=UNTIL, end_on_plateau=True)] == [
            ReviewKind.TREATMENT
        ]

    def test_the_horizon_is_exclusive(self):
        """A review at the horizon is left out."""
        assert [r.kind for r in neuro().reviews(until=START + 14 * DAY)] == []
        assert (
            len(neuro().reviews(until=START + 14 * DAY + dt.timedelta(seconds=1))) == 1
        )

    def test_count_regimens_have_only_the_treatment_review(self):
        """A regimen without an open-ended loading phase has only the NG239 review."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-non-neuro"), first_dose=START
        )
        assert [r.kind for r in course.reviews(until=UNTIL)] == [ReviewKind.TREATMENT]

    def test_treatment_review_keeps_wall_time_across_dst_and_clamps(self):
        """Three months after 30 Nov 09:00 in New York is 28 Feb 09:00 local, DST notwithstanding."""
        start = dt.datetime(2026, 11, 30, 9, tzinfo=NEW_YORK)
        review = treatment_review(start, NEW_YORK)
        assert review.at == dt.datetime(2027, 2, 28, 9, tzinfo=NEW_YORK)
        summer = treatment_review(
            dt.datetime(2027, 1, 10, 9, tzinfo=NEW_YORK), NEW_YORK
        )
        assert summer.at.replace(tzinfo=None) == dt.datetime(2027, 4, 10, 9)
        assert summer.at.utcoffset() == dt.timedelta(hours=-4)

    def test_treatment_review_follows_the_first_dose_given(self):
        """The NG239 review counts from the first dose actually given."""
        late = Course.begin(
            regimens.get("bnf-hydroxocobalamin-non-neuro"), first_dose=START
        ).record_dose(START + 3 * DAY)
        (review,) = late.reviews(until=UNTIL)
        assert review == Review(
            at=dt.datetime(2027, 3, 4, 9, tzinfo=LONDON),
            kind=ReviewKind.TREATMENT,
            source=review.source,
            months=3,
        )


_UNFI_REGIMENS = st.sampled_from(
    [
        r
        for r in (regimens.get(i) for i in regimens.available())
        if any(isinstance(p.end, UntilNoFurtherImprovement) for p in r.phases)
    ]
)
_COUNT_REGIMENS = st.sampled_from(
    [
        r
        for r in (regimens.get(i) for i in regimens.available())
        if not any(isinstance(p.end, UntilNoFurtherImprovement) for p in r.phases)
    ]
)


@st.composite
def _logged_loading(draw):
    """A course of an open-ended loading regimen with a dense log of its first weeks."""
    course = draw(
        b12st.courses(regimens=_UNFI_REGIMENS, max_symptoms=0, decisions=False)
    )
    first = course.first_dose
    times = st.integers(-24 * 60, 15 * 24 * 60).map(
        lambda m: (first + dt.timedelta(minutes=m)).astimezone(course.zone)
    )
    entries = b12st.symptom_entries(
        times=times,
        symptoms=st.sampled_from(
            draw(
                st.sampled_from(
                    [[Symptom.PARESTHESIA], [Symptom.PARESTHESIA, Symptom.MYOCLONUS]]
                )
            )
        ),
        min_severity=3,
        max_severity=6,
    )
    for item in draw(st.lists(entries, min_size=3, max_size=12)):
        if not any(
            utc(e.at) == utc(item.at) and e.label == item.label for e in course.symptoms
        ):
            course = course.log_symptom(item)
    return course


_RULES = st.builds(
    PlateauRule,
    min_change=st.integers(1, 4),
    assessments=st.integers(2, 4),
    days=st.integers(0, 10),
)


@pytest.mark.slow
@given(_logged_loading(), _RULES)
def test_plateau_never_ends_a_phase_before_its_first_dose(course, rule):
    """Every derived decision falls strictly after the first dose of the phase it ends."""
    until = course.first_dose + dt.timedelta(days=400)
    plan = course.expand(until=until, end_on_plateau=rule)
    for span in plan.phases:
        if span.decision is not None and span.decision.basis is DecisionBasis.PLATEAU:
            assert utc(span.decision.at) > utc(span.first)
            assert span.review is not None
            assert utc(span.decision.at) < utc(span.review)


@pytest.mark.slow
@given(_logged_loading(), _RULES, st.integers(1, 400))
def test_plateau_plans_are_prefixes(course, rule, days):
    """A shorter horizon gives a prefix of the longer plan, with the plateau opt-in too."""
    short = course.first_dose + dt.timedelta(days=days)
    long = course.first_dose + dt.timedelta(days=500)
    shorter = course.plan(until=short, end_on_plateau=rule)
    assert shorter == course.plan(until=long, end_on_plateau=rule)[: len(shorter)]


@pytest.mark.slow
@given(
    b12st.courses(regimens=_COUNT_REGIMENS, max_symptoms=0),
    st.lists(b12st.symptom_entries(), max_size=8),
)
def test_logging_never_changes_the_plan_of_a_count_phase(course, entries):
    """Symptom entries never move a dose of a regimen without an open-ended phase, even with the opt-in."""
    until = course.first_dose + dt.timedelta(days=400)
    logged = course
    for item in entries:
        if not any(
            utc(e.at) == utc(item.at) and e.label == item.label for e in logged.symptoms
        ):
            logged = logged.log_symptom(item)
    assert logged.plan(until=until, end_on_plateau=True) == course.plan(until=until)
    assert attrs.evolve(logged, symptoms=()) == course
