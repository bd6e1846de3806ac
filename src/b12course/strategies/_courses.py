"""The course simulator: courses lived through the public API, event by event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import hypothesis.strategies as st

from b12course._course import Course
from b12course._records import DecisionBasis
from b12course._regimen import Anchoring, Regimen, UntilNoFurtherImprovement
from b12course._schedule import PlannedDose
from b12course._time import UTC, utc
from b12course.exceptions import DoseOrderError, PhaseDecisionError
from b12course.strategies._checks import (
    SITES,
    check_bool,
    check_int,
    check_order,
    check_strategy,
    free_text,
)
from b12course.strategies._values import (
    administrators,
    any_regimens,
    aware_datetimes,
    lab_results,
    symptom_entries,
)

__all__ = ["courses"]

# -- courses -----------------------------------------------------------------

_SEARCH_DAYS = (14, 60, 240, 960, 3840)


def _next_pending(course: Course, after: dt.datetime) -> PlannedDose | None:
    """Return the first pending slot due after ``after``; None once the course ends."""
    after_utc = utc(after)
    for days in _SEARCH_DAYS:
        plan = course.plan(until=after_utc + dt.timedelta(days=days))
        for slot in plan:
            if slot.pending and utc(slot.due) > after_utc:
                return slot
    return None


def _on_the_minute(value: dt.datetime) -> dt.datetime:
    # Zone changes fall on whole minutes, so the wall time stays a real one.
    return value.replace(second=0, microsecond=0)


def _record_time(draw: st.DrawFn, due: dt.datetime, late: bool) -> dt.datetime:
    """Draw when a dose due at ``due`` was actually given."""
    timing = draw(
        st.sampled_from(("on time", "late", "early") if late else ("on time",))
    )
    if timing == "on time":
        minutes = draw(st.integers(-30, 90))
    elif timing == "late":
        minutes = draw(st.integers(2 * 60, 6 * 24 * 60))
    else:
        minutes = -draw(st.integers(60, 36 * 60))
    return utc(due) + dt.timedelta(minutes=minutes)


class _History:
    """A course lived through event by event, keeping only events that stick.

    Each dose is given against a planned slot and each skip names one.  An
    event sticks when, in the plan that follows, every dose still fulfils the
    slot it was given for and every skip still marks its slot: a dose given
    for the first slot of the next phase can otherwise be taken by an open
    phase, or a late dose on a fixed grid by a later slot, which is valid but
    is not the history the strategy meant to draw.  An event that does not
    stick is undone.
    """

    def __init__(self, course: Course) -> None:
        self.course = course
        # In UTC: wall-clock arithmetic on an aware datetime would put "one
        # second before 03:00" inside a spring-forward gap, i.e. after 03:00.
        # A day back, because the plan's first slot can precede the first
        # dose: a repeated local time (fold=1) is planned at its first
        # occurrence, as RFC 5545 says.
        self.cursor = utc(course.first_dose) - dt.timedelta(days=1)
        self.last_given: dt.datetime | None = None
        self.intents: dict[dt.datetime, dt.datetime] = {}  # given (UTC) -> due

    def sticks(self, course: Course, until: dt.datetime) -> bool:
        plan = course.plan(until=utc(until) + dt.timedelta(days=1))
        fulfilled = {utc(s.given.at): utc(s.due) for s in plan if s.given is not None}
        skipped = {utc(s.due) for s in plan if s.skip is not None}
        return all(fulfilled.get(at) == due for at, due in self.intents.items()) and (
            all(utc(skip.due) in skipped for skip in course.skips)
        )

    def skip(self, draw: st.DrawFn, slot: PlannedDose) -> None:
        course = self.course.skip_dose(
            slot.due,
            reason=draw(free_text()),
            until=utc(slot.due) + dt.timedelta(days=1),
        )
        # Defensive: no skip is known that changes what the doses fulfil.
        if self.sticks(course, slot.due):  # pragma: no branch
            self.course = course
        self.cursor = slot.due

    def give(self, draw: st.DrawFn, slot: PlannedDose, late: bool) -> bool:
        at = _record_time(draw, slot.due, late)
        if self.last_given is not None:
            at = max(at, utc(self.last_given) + dt.timedelta(hours=1))
        # Now and then a dose is recorded in UTC, as a server would store it.
        zone = self.course.zone
        at = at.astimezone(UTC if draw(st.integers(0, 7)) == 7 else zone)  # noqa: PLR2004
        try:
            course = self.course.record_dose(
                at,
                site=draw(st.one_of(st.none(), st.sampled_from(SITES))),
                lot=draw(st.one_of(st.none(), st.sampled_from(("A1234", "LOT-77")))),
                note=draw(st.one_of(st.none(), free_text())),
                by=draw(administrators()),
                # Doses an hour apart are drawn on purpose (the plan's edge
                # cases); a person would acknowledge them so.
                allow_close=True,
            )
        except DoseOrderError:
            return False  # an early dose before a skipped one: refused, so not drawn
        self.intents[utc(at)] = utc(slot.due)
        if not self.sticks(course, max(at, slot.due, key=utc)):
            del self.intents[utc(at)]
            return False
        self.course = course
        self.last_given = at
        self.cursor = max(at, slot.due, key=utc)
        return True

    def decide(self, draw: st.DrawFn, after: dt.datetime) -> None:
        decided = utc(after) + dt.timedelta(minutes=draw(st.integers(1, 12 * 60)))
        try:
            course = self.course.end_phase(
                decided.astimezone(self.course.zone),
                reason=draw(free_text()),
                basis=draw(st.sampled_from(DecisionBasis)),
                by=draw(administrators()),
            )
        except PhaseDecisionError:
            return  # that phase already ended: there is nothing to decide
        # Defensive: no decision is known that changes what earlier doses fulfil.
        if self.sticks(course, decided):  # pragma: no branch
            self.course = course
            self.cursor = max(self.cursor, decided, key=utc)

    def confirm(self, draw: st.DrawFn, after: dt.datetime) -> None:
        """Confirm the next conditional phase's condition (a clinician's check)."""
        at = utc(after) + dt.timedelta(minutes=draw(st.integers(1, 12 * 60)))
        try:
            self.course = self.course.confirm_phase(
                at.astimezone(self.course.zone),
                reason=draw(free_text()),
                by=draw(administrators()),
            )
        except PhaseDecisionError:
            return  # nothing left to confirm
        # A confirmation changes which doses are provisional, never the slots.
        self.cursor = max(self.cursor, at, key=utc)


def _live_through(
    draw: st.DrawFn,
    course: Course,
    *,
    events: int,
    actions: Sequence[str],
    late: bool,
    decisions: bool,
) -> tuple[Course, dt.datetime]:
    """Give, skip or miss the next ``events`` planned doses, in time order.

    Returns the course and the time of its last event.
    """
    history = _History(course)
    for _ in range(events):
        slot = _next_pending(history.course, history.cursor)
        if slot is None:
            break  # the regimen has ended
        action = draw(st.sampled_from(actions))
        phase = history.course.regimen.phases[slot.phase]
        if action == "miss" and phase.anchoring is Anchoring.GIVEN:
            # A later dose would fulfil the missed slot (as a late dose), and the
            # plan would re-anchor on it; only a fixed grid leaves a slot missed.
            action = "give"
        if action == "skip":
            history.skip(draw, slot)
        elif action == "miss":
            history.cursor = slot.due
        elif history.give(draw, slot, late) and decisions:
            # Loading phases "until no further improvement" end by decision;
            # any other phase now and then ends early.
            odds = 2 if isinstance(phase.end, UntilNoFurtherImprovement) else 19
            if draw(st.integers(0, odds)) == odds:
                history.decide(draw, history.cursor)
            # A conditional phase ahead (the FDA label's) is now and then
            # confirmed by a clinician.
            conditional = any(
                p.condition is not None for p in history.course.regimen.phases
            )
            if conditional and draw(st.integers(0, 3)) == 3:  # noqa: PLR2004
                history.confirm(draw, history.cursor)
    return history.course, history.cursor


def _log_around(
    draw: st.DrawFn,
    course: Course,
    cursor: dt.datetime,
    *,
    max_symptoms: int,
    max_labs: int,
) -> Course:
    """Log symptoms and labs from a month before the first dose to a month after."""
    first = utc(course.first_dose)
    zone = course.zone
    span_end = max(utc(cursor), first) + dt.timedelta(days=30)
    window = st.integers(
        -30 * 24 * 60, int((span_end - first).total_seconds() // 60)
    ).map(lambda m: (first + dt.timedelta(minutes=m)).astimezone(zone))
    for entry in draw(st.lists(symptom_entries(times=window), max_size=max_symptoms)):
        if not any(
            utc(e.at) == utc(entry.at) and e.label == entry.label
            for e in course.symptoms
        ):
            course = course.log_symptom(entry)
    for result in draw(st.lists(lab_results(times=window), max_size=max_labs)):
        if not any(
            utc(r.at) == utc(result.at) and r.analyte is result.analyte
            for r in course.labs
        ):
            course = course.record_lab(result)
    return course


def courses(
    *,
    regimens: st.SearchStrategy[Regimen] | None = None,
    first_doses: st.SearchStrategy[dt.datetime] | None = None,
    ids: st.SearchStrategy[str] | None = None,
    min_given: int = 0,
    max_given: int = 8,
    late: bool = True,
    missed: bool = True,
    skips: bool = True,
    decisions: bool = True,
    max_symptoms: int = 6,
    max_labs: int = 3,
    pregnancy: bool = True,
) -> st.SearchStrategy[Course]:
    """Return a strategy for courses with a realistic record.

    A course is begun from a drawn regimen and first dose, then lived through
    the public API: each planned dose in turn is given (on time, or with
    ``late=True`` sometimes hours or days late or a little early), skipped,
    or missed; a phase may be ended by a clinician's decision; symptom entries
    (some before the first dose, as the baseline) and lab results are logged
    around the doses.  Doses are recorded in the course's zone or, now and
    then, in UTC, as a server would store them.

    Args:
        regimens: The regimens; :func:`regimens` by default.
        first_doses: The first doses (aware, in an IANA zone); by default
            :func:`aware_datetimes` between 2020 and 2035 in :func:`zones`, on
            a whole minute (every later record is then on a whole minute too).
        ids: The course ids; random-looking hex ids by default.
        min_given: The fewest record events (doses given, skipped or missed)
            to attempt; fewer happen when the regimen ends first.
        max_given: The most record events.
        late: Whether doses may be given late or early rather than on time.
        missed: Whether planned doses may be missed (left unrecorded).
        skips: Whether planned doses may be skipped by decision.
        decisions: Whether a clinician may end a phase.
        max_symptoms: The most symptom entries (0 for none).
        max_labs: The most lab results (0 for none).
        pregnancy: Whether the person may be pregnant or breastfeeding
            (:meth:`~b12course.Course.with_pregnancy`), now and then.

    Examples shrink towards a fresh course of ``bnf-hydroxocobalamin-neuro`` starting at
    midnight UTC on 2020-01-01 with nothing recorded.

    Raises:
        InvalidArgument: An argument is not a strategy, a flag is not a bool,
            or a count is negative or out of order.
    """
    if regimens is None:
        regimens = any_regimens()
    if first_doses is None:
        # Clinics plan doses to the minute; so do calendars (no seconds).
        first_doses = aware_datetimes(
            min_value=dt.datetime(2020, 1, 1),  # noqa: DTZ001 - wall-clock bound
            max_value=dt.datetime(2035, 12, 31, 23, 59),  # noqa: DTZ001 - as above
        ).map(_on_the_minute)
    if ids is None:
        ids = st.uuids(version=4).map(lambda u: u.hex)
    for name, value in (
        ("regimens", regimens),
        ("first_doses", first_doses),
        ("ids", ids),
    ):
        check_strategy(name, value)
    for name, flag in (
        ("late", late),
        ("missed", missed),
        ("skips", skips),
        ("decisions", decisions),
        ("pregnancy", pregnancy),
    ):
        check_bool(name, flag)
    check_int("min_given", min_given)
    check_int("max_given", max_given)
    check_order("min_given", min_given, "max_given", max_given)
    check_int("max_symptoms", max_symptoms)
    check_int("max_labs", max_labs)
    # Most planned doses are given; weight the draw so courses have a history.
    actions: Sequence[str] = (
        *(("give",) * 5),
        *(("skip",) if skips else ()),
        *(("miss",) if missed else ()),
    )

    @st.composite
    def draw_course(draw: st.DrawFn) -> Course:
        course = Course.begin(
            draw(regimens), first_dose=draw(first_doses), id=draw(ids)
        )
        course, cursor = _live_through(
            draw,
            course,
            events=draw(st.integers(min_given, max_given)),
            actions=actions,
            late=late,
            decisions=decisions,
        )
        course = _log_around(
            draw, course, cursor, max_symptoms=max_symptoms, max_labs=max_labs
        )
        if pregnancy and draw(st.integers(0, 4)) == 4:  # noqa: PLR2004 - 1 in 5
            course = course.with_pregnancy()
        return course

    return draw_course()
