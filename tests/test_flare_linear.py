"""The one-pass assessment equals the plain one, entry by entry (issue 27).

``assess_all`` reads a log once (sorted once, each symptom's baseline found
once); the reference here reads it the plain way: for each entry, its
symptom's baseline from the whole log, its place against the window, and the
entries before it.  Generated logs (``b12course.strategies``) cluster around
the first dose, so baselines, window edges and repeated symptoms all occur.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from hypothesis import given
from hypothesis import strategies as st

from b12course import (
    Assessment,
    AssessmentCategory,
    Attention,
    Baseline,
    FlareModel,
    PlateauRule,
    Symptom,
    SymptomEntry,
)
from b12course import strategies as b12st
from b12course._flare import assess, assess_all, flare_report
from b12course._response import find_plateau
from b12course._symptoms import baseline
from b12course._time import utc

HOUR = dt.timedelta(hours=1)


@st.composite
def logs(draw: st.DrawFn) -> tuple[dt.datetime, list[SymptomEntry]]:
    """A first dose and a log of entries from 10 days before it to 60 days after."""
    first = draw(b12st.aware_datetimes())
    zone = first.tzinfo
    offsets = st.integers(-240, 60 * 24).map(
        lambda h: (first + h * HOUR).astimezone(zone)
    )
    entries = draw(
        st.lists(b12st.symptom_entries(times=offsets, max_severity=10), max_size=40)
    )
    return first, entries


models = st.builds(
    FlareModel,
    onset=st.integers(0, 5 * 24).map(lambda h: h * HOUR),
    abates_within=st.integers(6 * 24, 50 * 24).map(lambda h: h * HOUR),
    meaningful_change=st.integers(1, 4),
    severe=st.integers(5, 10),
    baseline_entries=st.integers(1, 4),
    late_onset=st.integers(0, 20 * 24).map(lambda h: h * HOUR),
)


IMPLIED = {
    AssessmentCategory.SEVERE_IN_WINDOW: Attention.SEVERE,
    AssessmentCategory.NEW_ONSET_IN_WINDOW: Attention.NEW_ONSET,
    AssessmentCategory.WORSE_OUTSIDE_WINDOW: Attention.WORSE_OUTSIDE_WINDOW,
    AssessmentCategory.WORSE_NO_DOSE_GIVEN: Attention.NO_DOSE_GIVEN,
    AssessmentCategory.WORSE_NOT_MOVEMENT: Attention.NOT_A_MOVEMENT,
}


def plain_category(
    entry: SymptomEntry,
    log: list[SymptomEntry],
    first: dt.datetime,
    model: FlareModel,
    applies: bool,
    given: bool,
) -> tuple[AssessmentCategory, Baseline | None, float]:
    """One entry's category, baseline and change, read from the whole log."""
    base = baseline(log, entry.key, before=first, last=model.baseline_entries)
    change = entry.severity - (base.severity if base is not None else 0.0)
    at = utc(entry.at)
    movement = entry.symptom in model.symptoms
    window = model.window(first) if applies and given else None
    inside = (
        movement and window is not None and utc(window.start) <= at < utc(window.end)
    )
    earlier = [e for e in log if e.key == entry.key and utc(e.at) < at]
    step = model.meaningful_change
    if at < utc(first):
        category = AssessmentCategory.BASELINE
    elif inside and entry.severity >= model.severe:
        category = AssessmentCategory.SEVERE_IN_WINDOW
    elif inside and base is None and entry.severity > 0 and not earlier:
        category = AssessmentCategory.NEW_ONSET_IN_WINDOW
    elif change >= step and not movement:
        category = AssessmentCategory.WORSE_NOT_MOVEMENT
    elif change >= step and applies and not given:
        category = AssessmentCategory.WORSE_NO_DOSE_GIVEN
    elif change >= step:
        category = (
            AssessmentCategory.WORSE_IN_WINDOW
            if inside
            else AssessmentCategory.WORSE_OUTSIDE_WINDOW
        )
    elif change <= -step:
        category = AssessmentCategory.BETTER_THAN_BASELINE
    else:
        category = AssessmentCategory.NO_WORSENING
    return category, base, change


def plain_all(
    log: list[SymptomEntry],
    first: dt.datetime,
    model: FlareModel,
    applies: bool,
    given: bool,
) -> list[Assessment]:
    """Assess each entry the straightforward way: re-read the whole log for it."""
    ordered = sorted(log, key=lambda e: utc(e.at))
    found = []
    for index, entry in enumerate(ordered):
        category, base, change = plain_category(
            entry, log, first, model, applies, given
        )
        attention = {IMPLIED[category]} if category in IMPLIED else set()
        treated = category is not AssessmentCategory.BASELINE
        if given and entry.symptom in model.symptoms and treated and category.worse:
            # This symptom's entries since the first dose, up to this one:
            # which were worse, where this run of worse entries began, and
            # how many runs there were (a run after the first follows a
            # return to baseline).
            mine = [
                e
                for e in ordered[:index]
                if e.key == entry.key and utc(e.at) >= utc(first)
            ]
            mine.append(entry)
            worse = [
                plain_category(e, log, first, model, applies, given)[0].worse
                for e in mine
            ]
            starts = [
                k for k, w in enumerate(worse) if w and (k == 0 or not worse[k - 1])
            ]
            if len(starts) > 1:
                attention.add(Attention.AFTER_RETURN)
            elif utc(mine[starts[0]].at) >= utc(first) + model.late_onset:
                attention.add(Attention.LATE_ONSET)
        found.append(
            Assessment(
                entry=entry,
                category=category,
                baseline=base,
                change=change,
                attention=frozenset(attention),
            )
        )
    return found


@given(logs(), models, st.booleans(), st.booleans())
def test_the_one_pass_assessment_equals_the_plain_one(drawn, model, applies, given):
    """Every entry reads the same (category, baseline, change, flags) both ways, in time order."""
    first, log = drawn
    fast = assess_all(
        log, first_dose=first, first_dose_given=given, model=model, applies=applies
    )
    in_order = sorted(log, key=lambda e: utc(e.at))
    assert [a.entry for a in fast] == in_order
    assert list(fast) == plain_all(log, first, model, applies, given)


@given(logs(), models)
def test_assessing_one_entry_equals_its_place_in_the_whole(drawn, model):
    """``assess(e, log)`` is the assessment ``assess_all(log)`` gives ``e``."""
    first, log = drawn
    fast = assess_all(log, first_dose=first, model=model)
    for entry, assessed in zip(sorted(log, key=lambda e: utc(e.at)), fast, strict=True):
        assert assess(entry, log, first_dose=first, model=model) == assessed


@given(logs(), models)
def test_the_report_lists_the_movement_entries_of_the_one_pass(drawn, model):
    """The report's assessments are the one-pass assessments of the model's symptoms."""
    first, log = drawn
    report = flare_report(log, first_dose=first, first_dose_given=True, model=model)
    fast = assess_all(log, first_dose=first, model=model)
    assert report.assessments == tuple(
        a for a in fast if a.entry.symptom in model.symptoms
    )


def plain_plateau(
    log: list[SymptomEntry],
    *,
    since: dt.datetime,
    first: dt.datetime,
    zone: zoneinfo.ZoneInfo,
    rule: PlateauRule,
) -> dt.datetime | None:
    """The plateau search the straightforward way (as 0.2 did it, one entry at a time)."""

    def plateaued(mine: list[SymptomEntry]) -> bool:
        last_day = mine[-1].at.astimezone(zone).date()
        cover = last_day - dt.timedelta(days=rule.days)
        old = [i for i, e in enumerate(mine) if e.at.astimezone(zone).date() <= cover]
        if not old or len(mine) < rule.assessments:
            return False
        window = mine[min(old[-1], len(mine) - rule.assessments) :]
        return (
            window[0].severity - min(e.severity for e in window[1:]) < rule.min_change
        )

    def flared(entry: SymptomEntry) -> bool:
        return assess(entry, log, first_dose=first, model=rule.flare).category.in_window

    relevant = sorted(
        (
            e
            for e in log
            if e.symptom in rule.symptoms and utc(e.at) >= utc(since) and not flared(e)
        ),
        key=lambda e: utc(e.at),
    )
    logs: dict[object, list[SymptomEntry]] = {}
    for entry in relevant:
        logs.setdefault(entry.symptom, []).append(entry)
        if utc(entry.at) > utc(since) and all(plateaued(m) for m in logs.values()):
            return entry.at
    return None


rules = st.builds(
    PlateauRule,
    symptoms=st.sets(
        st.sampled_from([Symptom.MYOCLONUS, Symptom.PARESTHESIA]), min_size=1
    ),
    min_change=st.integers(1, 3),
    assessments=st.integers(2, 4),
    days=st.integers(0, 5),
)


@given(logs(), rules, st.integers(0, 10 * 24))
def test_the_running_plateau_search_equals_the_plain_one(drawn, rule, hours):
    """find_plateau, reading each entry once, finds the instant the plain search finds."""
    first, log = drawn
    zone = first.tzinfo
    since = first + hours * HOUR
    assert find_plateau(
        log, since=since, first_dose=first, zone=zone, rule=rule
    ) == plain_plateau(log, since=since, first=first, zone=zone, rule=rule)


@given(b12st.courses(max_symptoms=12, max_given=4))
def test_a_courses_assessments_are_its_entries_assessed_one_by_one(course):
    """Course.assessments() equals Course.assess() of each entry, in time order."""
    assert course.assessments() == tuple(course.assess(e) for e in course.symptoms)
