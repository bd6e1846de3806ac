"""Pure expansion: regimen + first dose + zone + what happened -> planned doses.

:func:`expand` is the one place the plan is derived.  It walks the regimen's
phases slot by slot in local wall-clock time:

- The first phase's first slot is the course's first dose.  Every later phase
  starts one of its own intervals after the last dose of the phase before.
- A slot is named by its phase and its number in the phase; a skip records
  that identity, so it marks exactly the slot it was recorded against, however
  later records move that slot's due time.
- A recorded dose fulfils the pending slot it matches.  With
  :attr:`Anchoring.GIVEN` (the default) that is the earliest pending slot of the
  phase, and the rest of the phase re-anchors on when the dose was actually
  given (next due = given + interval).  With :attr:`Anchoring.GRID` it is the
  nearest pending slot on the fixed grid (a skipped slot is never the nearer
  one: the next slot compared is the next one not skipped), and missed slots
  stay overdue.
- A skipped slot is marked skipped; it does not count towards a ``Count(n)``.
  A skip whose slot is no longer in the plan (a decision recorded later ends
  the phase before it) marks nothing: that dose is no longer planned.
- ``Count(n)`` ends after ``n`` slots that were not skipped, so a late dose never
  drops a dose.  ``Lasting`` ends at a local date.  A :class:`PhaseDecision`
  ends any phase at an instant.
- An undecided ``UntilNoFurtherImprovement`` phase (or any subclass of it) never
  ends by itself: a plan never shows a gap that would tell a patient to stop.
  Its doses go on at the phase's interval up to the horizon, and those due at
  or after its review point are *provisional*.  The review point is kept on
  :attr:`PhaseSpan.review` (a review event), not as an end.  A recorded
  decision ends the phase and the next phase follows as usual.  A decision
  only suggested by the symptom log (the ``end_on_plateau`` opt-in, passed as
  ``suggested_decisions``) ends it too, and every slot after it is provisional.
- A phase whose source makes it conditional (:attr:`Phase.condition`, the FDA
  label's alternate-day doses "If there is clinical improvement and if a
  reticulocyte response is observed") is planned as if the condition is met,
  but its slots are *provisional* until a clinician confirms the condition
  (``confirmed`` holds the phases confirmed), and so is every slot after it,
  since those are timed on it.
- A local time that resolves to the same instant as the occurrence before it
  on the same anchor falls on a calendar day the zone skipped (Pacific/Apia
  skipped 30 December 2011); it is passed over, so no two planned doses share
  an instant.
- Expansion is lazy: it stops at ``until`` (half-open: a slot is in the plan
  when its time is before ``until``), so lifelong maintenance costs only what
  is asked for.  ``plan(until=a)`` is always a prefix of ``plan(until=b)``.

Recording a dose asks only where it lands (:func:`locate`): the same walk,
run forward over the doses already given in runs (by bisection) and stopped
just after the new dose's slot, so one record costs about the doses of the
phase it lands in, not the whole history.  :meth:`Placement.check` holds the
rule for a dose that would put the plan out of time order.

Worklists ask only for the pending slots (:func:`pending`).  Where every phase
re-anchors on the doses given and every skip names its slot (every preset),
they are found from the records rather than by the walk: a dose given fulfils
the earliest pending slot whatever its due time, so runs of doses are taken by
bisection and a ``Count(n)`` phase that the next ``n`` doses fill is passed at
once; only the slots no dose fulfils are timed in the zone.  The cost is about
the phases and the pending slots, not the history; tests hold the result equal
to the full plan's pending slots.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import itertools
import math
import zoneinfo
from collections.abc import Iterable, Sequence

import attrs

from b12course._records import AdministeredDose, DoseSkip, PhaseDecision
from b12course._regimen import (
    Anchoring,
    Cadence,
    Count,
    Dose,
    Lasting,
    Phase,
    Regimen,
    UntilNoFurtherImprovement,
)
from b12course._time import UTC, local, resolve, utc
from b12course.exceptions import DoseOrderError, SettingError

__all__ = [
    "DoseStatus",
    "DueWindow",
    "PhaseEnding",
    "PhaseSpan",
    "Placement",
    "Plan",
    "PlannedDose",
    "check_grace",
    "confirmed_phases",
    "expand",
    "locate",
    "pending",
    "window_closes",
    "with_status",
]


class DoseStatus(enum.Enum):
    """Where a planned dose stands.

    ``SCHEDULED``: in the future (or no ``now`` was given).  ``DUE``: its time
    has come and its due window is open.  ``OVERDUE``: the due window closed
    without a dose.  ``GIVEN`` and ``SKIPPED``: as recorded.
    """

    SCHEDULED = "scheduled"
    DUE = "due"
    OVERDUE = "overdue"
    GIVEN = "given"
    SKIPPED = "skipped"


@attrs.frozen(kw_only=True)
class PlannedDose:
    """One slot of the plan.

    Attributes:
        number: 1-based position in the whole plan.
        phase: Index of the phase in the regimen.
        phase_name: The phase's name.
        number_in_phase: 1-based position within the phase (skipped slots count).
        due: When the slot was due (aware, in the course zone).  For a given
            slot this is when it was due before it was given.
        dose: The planned dose.
        status: Scheduled, due, overdue, given or skipped.
        provisional: True when the slot is due at or after the review point
            of an "until no further improvement" phase that no decision has
            ended yet, belongs to (or follows) a conditional phase whose
            condition no clinician has confirmed, or follows a phase ended
            only by a suggested (plateau) decision.
        given: The administration that fulfilled the slot, if any.
        skip: The skip decision for the slot, if any.
        phase_size: How many doses the phase counts (``Count(n)``), or ``None``
            when the phase has no fixed number of doses.
    """

    number: int
    phase: int
    phase_name: str
    number_in_phase: int
    due: dt.datetime
    dose: Dose
    status: DoseStatus
    provisional: bool = False
    given: AdministeredDose | None = None
    skip: DoseSkip | None = None
    phase_size: int | None = None

    @property
    def name(self) -> str:
        """The dose as a person reads it in every rendering.

        "loading dose 3 of 6" for a phase with a fixed count, else
        "maintenance dose 2"; the global :attr:`number` is for tables.
        """
        of = f" of {self.phase_size}" if self.phase_size is not None else ""
        return f"{self.phase_name} dose {self.number_in_phase}{of}"

    def __str__(self) -> str:
        """Read as "loading dose 3 of 6, 2026-12-05 09:00 GMT, 1 mg IM, scheduled"."""
        when = self.when.strftime("%Y-%m-%d %H:%M %Z")
        flag = ", provisional" if self.provisional else ""
        return f"{self.name}, {when}, {self.dose}, {self.status.value}{flag}"

    @property
    def when(self) -> dt.datetime:
        """When the dose was given, or else when it is due; plans sort on this."""
        return self.given.at if self.given is not None else self.due

    @property
    def pending(self) -> bool:
        """True when the slot is neither given nor skipped."""
        return self.given is None and self.skip is None


def with_status(dose: PlannedDose, status: DoseStatus) -> PlannedDose:
    """Return ``dose`` with ``status``: ``attrs.evolve(dose, status=status)``, faster.

    Worklists give each pending slot its status at ``now``; ``attrs.evolve``
    reads the fields by name and checks them again, at three times the cost.
    """
    return PlannedDose(
        number=dose.number,
        phase=dose.phase,
        phase_name=dose.phase_name,
        number_in_phase=dose.number_in_phase,
        due=dose.due,
        dose=dose.dose,
        status=status,
        provisional=dose.provisional,
        given=dose.given,
        skip=dose.skip,
        phase_size=dose.phase_size,
    )


class PhaseEnding(enum.Enum):
    """Why a phase ended.

    ``PROJECTED`` is no longer produced: an undecided "until no further
    improvement" phase goes on to the horizon (its span's ``ending`` is None).
    The member stays so that code comparing with it keeps working.
    """

    COUNT = "count"
    LASTING = "lasting"
    DECISION = "decision"
    PROJECTED = "projected"


@attrs.frozen(kw_only=True)
class PhaseSpan:
    """What the plan made of one phase.

    Attributes:
        index: Index of the phase in the regimen.
        phase: The phase.
        first: The time (given or due) of its first slot.
        last: The time of its last slot expanded so far.
        ending: Why it ended, or None while it is open at the horizon (an
            undecided "until no further improvement" phase always is).
        decision: The decision that ended it, for ``PhaseEnding.DECISION``.
        review: The review point of an "until no further improvement" phase:
            a review event, never an end.
        slots: How many slots of the phase the plan holds.
    """

    index: int
    phase: Phase
    first: dt.datetime
    last: dt.datetime
    ending: PhaseEnding | None
    decision: PhaseDecision | None = None
    review: dt.datetime | None = None
    slots: int = 0

    def __str__(self) -> str:
        """Read as "loading phase: 2026-12-01 to 2026-12-13, 7 doses, count"."""
        ending = self.ending.value if self.ending is not None else "open"
        return (
            f"{self.phase.name} phase: {self.first:%Y-%m-%d} to "
            f"{self.last:%Y-%m-%d}, {self.slots} doses, {ending}"
        )


@attrs.frozen
class Plan:
    """The planned doses and phase spans up to a horizon."""

    doses: tuple[PlannedDose, ...]
    phases: tuple[PhaseSpan, ...]


def _given_at(record: AdministeredDose) -> dt.datetime:
    return record.at


_MIDNIGHT = dt.time()
_ONE_DAY = dt.timedelta(days=1)
_ONE_WEEK = dt.timedelta(weeks=1)
_TWO_DAYS = dt.timedelta(days=2)


@attrs.frozen
class DueWindow:
    """The half-open span ``[opens, closes)`` in which a planned dose is due.

    It opens at the start of the dose's local due day and closes at ``due +
    grace`` or, with no grace, at the end of that local day (23 or 25 hours
    long on daylight-saving days).  A pending dose is *scheduled* before its due
    instant, *due* from then until the window closes, and *overdue* after; a
    dose given inside the window was given on time.  This is the one place the
    rule is written: the plan, the timeline, worklists and adherence use it.

    >>> import datetime as dt, zoneinfo
    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> w = DueWindow.of(dt.datetime(2026, 12, 1, 9, tzinfo=london), london)
    >>> w.opens.isoformat(), w.closes.isoformat()
    ('2026-12-01T00:00:00+00:00', '2026-12-02T00:00:00+00:00')
    """

    due: dt.datetime
    opens: dt.datetime
    closes: dt.datetime

    @classmethod
    def of(
        cls,
        due: dt.datetime,
        zone: zoneinfo.ZoneInfo,
        grace: dt.timedelta | None = None,
    ) -> DueWindow:
        """Return the due window of a dose due at ``due``, in UTC.

        Raises:
            SettingError: ``grace`` is negative or not a timedelta.
        """
        grace = check_grace(grace)
        local_day = due.astimezone(zone).date()
        opens = resolve(dt.datetime.combine(local_day, _MIDNIGHT), zone).astimezone(UTC)
        return cls(due=utc(due), opens=opens, closes=window_closes(due, zone, grace))

    def status(self, now: dt.datetime | None) -> DoseStatus:
        """Return the status of a pending dose at ``now`` (scheduled without one)."""
        # Compare in UTC: Python compares two datetimes that share a tzinfo by
        # their wall-clock fields, which is wrong across a repeated hour.
        if now is None or utc(now) < self.due:
            return DoseStatus.SCHEDULED
        return DoseStatus.DUE if utc(now) < self.closes else DoseStatus.OVERDUE

    def on_time(self, given_at: dt.datetime) -> bool:
        """True when a dose given at ``given_at`` was given inside the window."""
        return self.opens <= utc(given_at) < self.closes


def window_closes(
    due: dt.datetime, zone: zoneinfo.ZoneInfo, grace: dt.timedelta | None = None
) -> dt.datetime:
    """Return when the due window of a dose due at ``due`` closes, in UTC.

    ``DueWindow.of(due, zone, grace).closes``, without the rest of the window
    (a status needs only this); ``grace`` is trusted.
    """
    if grace is not None:
        return utc(due) + grace
    next_day = due.astimezone(zone).date() + _ONE_DAY
    return resolve(dt.datetime.combine(next_day, _MIDNIGHT), zone).astimezone(UTC)


def check_grace(grace: object) -> dt.timedelta | None:
    """Return ``grace`` if it is None or a timedelta of zero or more.

    Raises:
        SettingError: ``grace`` is negative or not a timedelta (a number of
            seconds is refused: say ``timedelta(hours=2)``).

    >>> check_grace(dt.timedelta(hours=2))
    datetime.timedelta(seconds=7200)
    >>> try:
    ...     check_grace(dt.timedelta(hours=-1))
    ... except SettingError as error:
    ...     print(type(error).__name__)
    SettingError
    """
    if grace is None:
        return None
    if not isinstance(grace, dt.timedelta):
        raise SettingError(
            f"grace must be a datetime.timedelta (e.g. timedelta(hours=2)) or "
            f"None, not {grace!r}"
        )
    if grace < dt.timedelta(0):
        raise SettingError(
            f"grace must not be negative, not {grace}: a dose cannot be overdue "
            "before it is due"
        )
    return grace


# A slot's identity: its phase index and its 1-based number in the phase.
_SlotId = tuple[int, int]


class _Skips:
    """The skips of a course, looked up by the identity of the slot they mark.

    A skip from a document written before skips carried their slot has only
    its due instant: it marks the first slot due at that instant, once.
    """

    def __init__(self, skips: Sequence[DoseSkip]) -> None:
        self.by_slot: dict[_SlotId, DoseSkip] = {}
        self.by_due: dict[dt.datetime, DoseSkip] = {}
        for skip in skips:
            if skip.slot is None:
                self.by_due.setdefault(utc(skip.due), skip)
            else:
                self.by_slot.setdefault(skip.slot, skip)
        self.numbers: dict[int, list[int]] = {}
        for phase, number in sorted(self.by_slot):
            self.numbers.setdefault(phase, []).append(number)

    def marks(self, slot: _SlotId, due_utc: dt.datetime) -> bool:
        """True when the slot is skipped (without using up a skip by due)."""
        return slot in self.by_slot or due_utc in self.by_due

    def take(self, slot: _SlotId, due_utc: dt.datetime) -> DoseSkip | None:
        """Return the skip that marks the slot, using up a skip by due."""
        skip = self.by_slot.get(slot)
        if skip is None and self.by_due:
            skip = self.by_due.pop(due_utc, None)
        return skip

    def unskipped_after(self, phase: int, number: int) -> int | None:
        """How many slots after ``number`` of ``phase`` are not skipped; None: all."""
        numbers = self.numbers.get(phase)
        if not numbers:
            return None
        i = bisect.bisect_right(numbers, number)
        return None if i == len(numbers) else numbers[i] - number - 1


_NO_SKIPS = _Skips(())
_NO_DECISIONS: dict[int, PhaseDecision] = {}  # shared, never written


class _Keep(enum.Enum):
    """Which slots a walk keeps."""

    ALL = "all"  # the plan
    PENDING = "pending"  # worklists: the slots neither given nor skipped
    AROUND = "around"  # recording: the slot of one dose and its neighbours


@attrs.define
class _PhaseState:
    """One phase as the walk goes through it; private to :class:`_Walk`."""

    index: int
    phase: Phase
    decision: PhaseDecision | None
    decided: dt.datetime | None  # the decision's instant, UTC
    limit: int | None  # the n of a Count(n) end
    fast: bool  # may runs of doses given be taken by bisection?
    counted: int = 0  # slots that were not skipped
    number: int = 0  # slots walked, skipped or not
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    end_date: dt.date | None = None  # a Lasting end, as a local date
    review: dt.datetime | None = None  # UTC
    ending: PhaseEnding | None = None
    unconfirmed: bool = False  # a conditional phase no clinician has confirmed

    def count_reached(self) -> bool:
        return self.limit is not None and self.counted >= self.limit

    def provisional_at(self, due_utc: dt.datetime) -> bool:
        """Is a slot due at ``due_utc`` past the review point of an undecided phase?"""
        return (
            self.decision is None
            and self.review is not None
            and (due_utc >= self.review)
        )


class _Walk:
    """The state of one expansion; a helper of :func:`expand`, never exposed."""

    def __init__(
        self,
        regimen: Regimen,
        first_dose: dt.datetime,
        zone: zoneinfo.ZoneInfo,
        *,
        given: Sequence[AdministeredDose],
        skips: Sequence[DoseSkip],
        decisions: Sequence[PhaseDecision],
        suggested: Sequence[PhaseDecision],
        until: dt.datetime,
        now: dt.datetime | None,
        grace: dt.timedelta | None,
        keep: _Keep,
        given_sorted: bool,
        confirmed: frozenset[int] = frozenset(),
    ) -> None:
        self.regimen = regimen
        self.confirmed = confirmed
        self.keep = keep
        self.now_utc = utc(now) if now is not None else None
        self.grace = grace
        self.zone = zone
        # Every comparison below is between UTC instants (see DueWindow.status).
        self.given: Sequence[AdministeredDose] = (
            given if given_sorted else sorted(given, key=lambda g: utc(g.at))
        )
        self.next_given = 0
        self.skips = _Skips(skips)
        self.decisions: dict[int, PhaseDecision] = {}
        for decision in sorted((*decisions, *suggested), key=lambda d: utc(d.at)):
            self.decisions.setdefault(decision.phase, decision)
        self.suggested = {id(decision) for decision in suggested}
        self.until = utc(until)
        self.anchor = local(first_dose, zone)
        self.first_due = first_dose.astimezone(zone)
        self.k = 0
        self.cadence: Cadence = regimen.phases[0].cadence
        # The due instant (UTC) of the slot before on the same anchor, for
        # passing over a calendar day the zone skipped.
        self.previous_due: dt.datetime | None = None
        self.slots: list[PlannedDose] = []
        self.count = 0  # slots walked, kept or not
        self.spans: list[PhaseSpan] = []
        self.provisional = False
        self.stopped = False
        # For _Keep.AROUND: the dose whose slot is sought, and what was found.
        self.record: AdministeredDose | None = None
        self.record_index: int | None = None
        self.before: PlannedDose | None = None
        self.found: PlannedDose | None = None
        self.later: list[PlannedDose] = []

    def run(self) -> None:
        for index, phase in enumerate(self.regimen.phases):
            self.walk_phase(index, phase)
            if self.stopped:
                return

    def walk_phase(self, index: int, phase: Phase) -> None:
        """Walk one phase slot by slot until it ends or the walk stops."""
        state = self.enter_phase(index, phase)
        while not self.stopped:
            if state.count_reached():
                state.ending = PhaseEnding.COUNT
                break
            if self.take_run_of_given(state):
                continue
            due = self.next_due()
            if due is None:  # past the end of the calendar
                self.stopped = True
                break
            due_utc = utc(due)
            state.ending = self.ending_before(state, due, due_utc)
            if state.ending is not None:
                break
            self.place_slot(state, due, due_utc)
        self.leave_phase(state)

    # -- the steps of walk_phase ---------------------------------------------

    def enter_phase(self, index: int, phase: Phase) -> _PhaseState:
        decision = self.decisions.get(index)
        end = phase.end
        self.cadence = phase.cadence
        return _PhaseState(
            index=index,
            phase=phase,
            decision=decision,
            decided=utc(decision.at) if decision is not None else None,
            limit=end.n if isinstance(end, Count) else None,
            # Runs of doses given are taken by bisection only where each dose
            # surely fulfils the next slot: the phase re-anchors on doses
            # given, its end does not hang on each slot's date (Lasting), and
            # every skip names its slot.
            fast=self.keep is not _Keep.ALL
            and phase.anchoring is Anchoring.GIVEN
            and not isinstance(end, Lasting)
            and not self.skips.by_due,
            unconfirmed=phase.condition is not None and index not in self.confirmed,
        )

    def next_due(self) -> dt.datetime | None:
        """Return the due time of the next occurrence that is a later instant.

        None when the calendar ends first (year 9999).
        """
        while True:
            try:
                due = self.occurrence_due(self.k)
            except (OverflowError, ValueError):
                return None
            if self.previous_due is None or utc(due) > self.previous_due:
                return due
            self.k += 1  # a local day the zone skipped: no dose falls on it

    def occurrence_due(self, k: int) -> dt.datetime:
        # Occurrence 0 is the course's first dose itself: keep its instant,
        # even when it names the second pass of a repeated local hour.
        if k == 0:
            return self.first_due
        return resolve(self.cadence.occurrence(self.anchor, k), self.zone)

    def ending_before(
        self, state: _PhaseState, due: dt.datetime, due_utc: dt.datetime
    ) -> PhaseEnding | None:
        """Does the phase end before a slot due at ``due``?"""
        candidate = self.pending_given()
        if (
            state.decided is not None
            and due_utc >= state.decided
            and (candidate is None or utc(candidate.at) >= state.decided)
        ):
            return PhaseEnding.DECISION
        if state.end_date is not None and due.astimezone(self.zone).date() >= (
            state.end_date
        ):
            # The phase has no slot left: a dose given now, even before the
            # end date, is the next phase's.
            return PhaseEnding.LASTING
        return None

    def place_slot(
        self, state: _PhaseState, due: dt.datetime, due_utc: dt.datetime
    ) -> None:
        """Mark the slot due at ``due`` given, skipped or pending, and keep it."""
        skip = self.skips.take((state.index, state.number + 1), due_utc)
        fulfil = None if skip is not None else self.fulfilment(state, due)
        when = fulfil.at if fulfil is not None else due
        if (due_utc if fulfil is None else utc(when)) >= self.until:
            self.stopped = True
            return
        self.count_slot(state, due_utc, when, fulfil, skip)
        self.keep_slot(state, due, due_utc, fulfil, skip)

    def count_slot(
        self,
        state: _PhaseState,
        due_utc: dt.datetime,
        when: dt.datetime,
        fulfil: AdministeredDose | None,
        skip: DoseSkip | None,
    ) -> None:
        """Advance the phase and the anchor past one slot."""
        self.count += 1
        state.number += 1
        if skip is None:
            state.counted += 1
        if state.first is None:
            state.first = when
            state.end_date, state.review = self.phase_marks(state.phase.end, when)
        state.last = when
        if fulfil is not None:
            self.next_given += 1
            if state.phase.anchoring is Anchoring.GIVEN:
                self.reanchor(fulfil.at)
                return
        self.k += 1
        self.previous_due = due_utc

    def keep_slot(
        self,
        state: _PhaseState,
        due: dt.datetime,
        due_utc: dt.datetime,
        fulfil: AdministeredDose | None,
        skip: DoseSkip | None,
    ) -> None:
        if self.keep is _Keep.PENDING and (fulfil is not None or skip is not None):
            return
        planned = PlannedDose(
            number=self.count,
            phase=state.index,
            phase_name=state.phase.name,
            number_in_phase=state.number,
            due=due,
            dose=state.phase.dose,
            status=DoseStatus.GIVEN
            if fulfil is not None
            else DoseStatus.SKIPPED
            if skip is not None
            else self.status(due, due_utc),
            provisional=self.provisional
            or state.unconfirmed
            or state.provisional_at(due_utc),
            given=fulfil,
            skip=skip,
            phase_size=state.limit,
        )
        if self.keep is _Keep.AROUND:
            self.keep_around(planned)
        else:
            self.slots.append(planned)

    def keep_around(self, planned: PlannedDose) -> None:
        """Keep the recorded dose's slot, the slot before and the slots it moves.

        A dose recorded before others (a backfill) moves every later dose
        given to the next slot, so the walk goes on, slot by slot, to the
        slot after the last dose given; a dose recorded last stops it at the
        slot after its own.
        """
        if self.found is not None:
            self.later.append(planned)
            self.stopped = planned.given is None and self.next_given >= len(self.given)
        elif self.record is not None and planned.given is self.record:
            self.found = planned
        else:
            self.before = planned

    def leave_phase(self, state: _PhaseState) -> None:
        if state.first is not None and state.last is not None:
            if self.keep is _Keep.ALL:  # worklists and recording need no spans
                self.spans.append(
                    PhaseSpan(
                        index=state.index,
                        phase=state.phase,
                        first=state.first,
                        last=state.last,
                        ending=None if self.stopped else state.ending,
                        decision=state.decision
                        if state.ending is PhaseEnding.DECISION
                        else None,
                        review=state.review.astimezone(self.zone)
                        if state.review
                        else None,
                        slots=state.number,
                    )
                )
            # The next phase starts one of its own intervals after this one's last dose.
            self.reanchor(state.last)
        if state.ending is PhaseEnding.DECISION and id(state.decision) in (
            self.suggested
        ):
            # Ended by a suggestion from the log, not by a clinician.
            self.provisional = True
        if state.unconfirmed and state.first is not None:
            # The phases after an unconfirmed one are timed on its doses.
            self.provisional = True

    # -- helpers ---------------------------------------------------------------

    def status(self, due: dt.datetime, due_utc: dt.datetime) -> DoseStatus:
        """The status of a pending slot at the walk's ``now``."""
        if self.now_utc is None or self.now_utc < due_utc:  # most slots
            return DoseStatus.SCHEDULED
        return DueWindow.of(due, self.zone, self.grace).status(self.now_utc)

    def pending_given(self) -> AdministeredDose | None:
        if self.next_given < len(self.given):
            return self.given[self.next_given]
        return None

    def reanchor(self, at: dt.datetime) -> None:
        self.anchor = local(at, self.zone)
        self.k = 1
        self.previous_due = None

    def phase_marks(
        self, end: object, first: dt.datetime
    ) -> tuple[dt.date | None, dt.datetime | None]:
        """Return a phase's end date (``Lasting``) and review point (UTC)."""
        if isinstance(end, Lasting):
            return end.end_date(first.astimezone(self.zone).date()), None
        if isinstance(end, UntilNoFurtherImprovement):
            return None, _review_point(end, first, self.zone)
        return None, None

    def fulfilment(
        self, state: _PhaseState, due: dt.datetime
    ) -> AdministeredDose | None:
        """Return the dose given that fulfils the (unskipped) slot due at ``due``."""
        candidate = self.pending_given()
        if candidate is None or not self.belongs(state, candidate):
            return None
        if state.phase.anchoring is Anchoring.GIVEN or self.nearest(
            state, candidate, due
        ):
            return candidate
        return None

    def belongs(self, state: _PhaseState, candidate: AdministeredDose) -> bool:
        if state.decided is not None and utc(candidate.at) >= state.decided:
            return False
        return state.end_date is None or (
            candidate.at.astimezone(self.zone).date() < state.end_date
        )

    def nearest(
        self, state: _PhaseState, candidate: AdministeredDose, due: dt.datetime
    ) -> bool:
        """On a fixed grid: is this slot at least as near the dose as the next one?

        The next one is the next slot of the phase that is not skipped (a
        skipped slot takes no dose); when there is none, this slot is the
        phase's last and takes the dose.  On the phase's first slot the
        phase's end is not marked yet: it is the end the phase would have if
        this slot took the dose (a phase lasts from its first dose).
        """
        end_date = state.end_date
        if state.first is None:
            end_date = self.phase_marks(state.phase.end, candidate.at)[0]
        after = self.next_open_due(state, utc(due), end_date)
        if after is None:
            return True
        at = utc(candidate.at)
        return abs(at - utc(due)) <= abs(at - after)

    def next_open_due(
        self, state: _PhaseState, due_utc: dt.datetime, end_date: dt.date | None
    ) -> dt.datetime | None:
        """Return the UTC due of the next unskipped slot of the phase after this one."""
        if state.limit is not None and state.counted + 1 >= state.limit:
            return None
        k, number, previous = self.k + 1, state.number + 2, due_utc
        while True:
            try:
                due = resolve(self.cadence.occurrence(self.anchor, k), self.zone)
            except (OverflowError, ValueError):
                return None
            at = utc(due)
            k += 1
            if at <= previous:
                continue  # a local day the zone skipped
            if (
                end_date is not None and due.astimezone(self.zone).date() >= end_date
            ) or (state.decided is not None and at >= state.decided):
                return None
            if not self.skips.marks((state.index, number), at):
                return at
            previous, number = at, number + 1

    def take_run_of_given(self, state: _PhaseState) -> bool:
        """Take at once the run of slots that the next doses given fulfil.

        In a fast phase, after its first slot, each dose given fulfils the
        next slot while it is before the horizon and the phase's decision,
        the phase's count is not reached and the slot is not skipped: the
        slot-by-slot walk would check exactly that.  The doses are in time
        order, so the end of the run is found by bisection.  Only for walks
        that do not keep those slots; when recording, the run stops before
        the recorded dose.
        """
        if not state.fast or state.first is None or self.found is not None:
            return False
        j = self.next_given
        stop = len(self.given)
        if self.record_index is not None:
            stop = min(stop, self.record_index)
        for room in (
            None if state.limit is None else state.limit - state.counted,
            self.skips.unskipped_after(state.index, state.number),
        ):
            if room is not None:
                stop = min(stop, j + room)
        if stop <= j:
            return False
        # An aware datetime compares with a UTC one as an instant.
        stop = bisect.bisect_left(self.given, self.until, j, stop, key=_given_at)
        if state.decided is not None:
            stop = bisect.bisect_left(self.given, state.decided, j, stop, key=_given_at)
        if stop <= j:
            return False
        taken = stop - j
        self.count += taken
        state.number += taken
        state.counted += taken
        self.next_given = stop
        state.last = self.given[stop - 1].at
        self.reanchor(state.last)
        self.before = None  # the slot before the next is fulfilled, in order
        return True


def _review_point(
    end: UntilNoFurtherImprovement, first: dt.datetime, zone: zoneinfo.ZoneInfo
) -> dt.datetime:
    """The review point (UTC) of an open phase whose first slot is at ``first``."""
    start = first.astimezone(zone)
    review_day = end.review_after.end_date(start.date())
    wall = dt.datetime.combine(review_day, start.time())
    return resolve(wall, zone).astimezone(UTC)


# The cadences whose occurrences are whole steps from the anchor (their
# units, compared by identity: an enum's value and hash are slow to read).
_DAYS = Cadence.daily().unit
_WEEKS = Cadence.every_weeks(1).unit
_GIVEN = Anchoring.GIVEN
# A wall time's instant is at most this much before the wall time read as
# UTC: UTC offsets reach +14 hours, and a spring-forward gap only moves a
# wall time later.  (26 hours: room for any offset the tz database holds.)
_LEEWAY = dt.timedelta(hours=26)


def _wall(at: dt.datetime) -> dt.datetime:
    """Return ``at``'s wall time, naive, built from the fields (``replace`` is slow)."""
    return dt.datetime(  # noqa: DTZ001 - a wall time
        at.year, at.month, at.day, at.hour, at.minute, at.second, at.microsecond
    )


def _in_zone(wall: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Return the wall time's fields in ``zone``, fold 0 (``replace`` is slow)."""
    return dt.datetime(
        wall.year,
        wall.month,
        wall.day,
        wall.hour,
        wall.minute,
        wall.second,
        wall.microsecond,
        zone,
    )


def _occurrence_wall(
    cadence: Cadence, anchor: dt.datetime, k: int, step: dt.timedelta | None
) -> dt.datetime:
    """Return ``cadence.occurrence(anchor, k)``; by ``step`` when it is one."""
    if step is not None:
        return anchor + step * k
    return cadence.occurrence(anchor, k)


def _reach(cadence: Cadence) -> dt.timedelta:
    """The most local days from an anchor's date to the due date of its next slot.

    The cadence's longest step (a month of 31 days, a week for weekdays),
    plus two days: resolving a wall time in a spring-forward gap moves it
    later by the gap, at most 26 hours (UTC offsets lie within -12 and +14).
    """
    unit = cadence.unit.value
    days = (
        cadence.every
        if unit == "days"
        else 7 * cadence.every
        if unit in {"weeks", "weekdays"}
        else 31 * cadence.every
    )
    return dt.timedelta(days=days + 2)


def _resumable(regimen: Regimen, skips: Sequence[DoseSkip]) -> bool:
    """May :func:`_pending_from_records` find the pending slots (else the walk)?

    Every phase must re-anchor on the doses given (a fixed grid keeps missed
    slots pending all through the history, and takes each dose by its
    nearest slot), and every skip must name its slot.
    """
    for phase in regimen.phases:
        if phase.anchoring is not _GIVEN:
            return False
    if skips:
        for skip in skips:
            if skip.slot is None:
                return False
    return True


def _pending_from_records(  # noqa: C901, PLR0912, PLR0915 - one walk, kept whole for speed
    regimen: Regimen,
    first_dose: dt.datetime,
    zone: zoneinfo.ZoneInfo,
    *,
    until: dt.datetime,
    given: Sequence[AdministeredDose],
    skips: Sequence[DoseSkip],
    decisions: Sequence[PhaseDecision],
    now: dt.datetime | None,
    grace: dt.timedelta | None,
    confirmed: frozenset[int],
) -> list[PlannedDose]:
    """Return the pending slots of a plan, found from the course's records.

    The same rules as :class:`_Walk` with ``_Keep.PENDING``, for regimens
    whose phases all re-anchor on the doses given (:func:`_resumable`); every
    instant is UTC (``until``, ``now``) and ``given`` is in time order.  In
    such a phase a dose given fulfils the earliest pending slot whatever its
    due time, so while the next dose given is before the horizon and before
    the phase's decision, the slot is not skipped and the phase's count not
    reached, the slot is that dose's and its due time decides nothing: the
    run of such slots is found by bisecting the doses given, and a
    ``Count(n)`` phase that the next ``n`` doses fill is passed at once,
    without timing a single slot.  Only the slots no dose fulfils (skipped,
    pending, or where a decision or a ``Lasting`` end may fall) are timed in
    the zone, so the cost is about the phases and the pending slots, not the
    history.

    A slot's time is skipped only where the walk would take the dose
    anyway and could not stop at the end of the calendar first: when the
    slot is timed from a record (the first dose or a dose given), which is
    before year 9000, so at most 100 years more never overflow.
    """
    n_given = len(given)
    # How many doses were given before the horizon (usually all: one
    # comparison, where bisecting compares aware instants, slow ones).
    before_until = (
        n_given
        if not given or given[-1].at < until
        else bisect.bisect_left(given, until, key=_given_at)
    )
    marked = _Skips(skips) if skips else _NO_SKIPS
    by_slot, skipped_phases = marked.by_slot, marked.numbers
    any_skips = bool(by_slot)
    decided_by: dict[int, PhaseDecision] = _NO_DECISIONS
    if decisions:
        decided_by = {}
        for recorded in sorted(decisions, key=lambda d: utc(d.at)):
            decided_by.setdefault(recorded.phase, recorded)
    slots: list[PlannedDose] = []
    # Where the next slot is timed from: occurrence k of the cadence after
    # the anchor (occurrence 0 is the first dose itself), and whether the
    # anchor is a record (the first dose or a dose given).
    anchor_at, k, previous_due, on_record = first_dose, 0, None, True
    j = count = 0  # the next dose given; slots walked
    provisional = stopped = False
    until_wall: dt.datetime | None = None  # ``until`` read as a wall time
    for index, phase in enumerate(regimen.phases):
        end = phase.end
        decision = decided_by.get(index) if decided_by else None
        if (
            decision is None
            and isinstance(end, Count)
            and on_record
            and j + end.n <= before_until
            and index not in skipped_phases
        ):
            # Each of its n slots takes the next dose given: pass it at once.
            j += end.n
            count += end.n
            anchor_at, k, previous_due = given[j - 1].at, 1, None
            if phase.condition is not None and index not in confirmed:
                provisional = True  # the phases after are timed on its doses
            continue
        decided = None
        # The doses given before this index are before the horizon and
        # before the phase's decision: the doses a slot surely takes.
        cap = before_until
        if decision is not None:
            decided = utc(decision.at)
            cap = min(cap, bisect.bisect_left(given, decided, key=_given_at))
        limit = end.n if isinstance(end, Count) else None
        lasting = end if isinstance(end, Lasting) else None
        cadence = phase.cadence
        reach = _reach(cadence) if lasting is not None else _ONE_DAY
        # Occurrence k of a cadence in days or weeks is k steps from its
        # anchor (Cadence.occurrence without reading the unit each time).
        unit = cadence.unit
        step = (
            _ONE_DAY * cadence.every
            if unit is _DAYS
            else _ONE_WEEK * cadence.every
            if unit is _WEEKS
            else None
        )
        anchor: dt.datetime | None = None  # the anchor's wall time, once needed
        counted = number = 0
        first: dt.datetime | None = None
        last = anchor_at
        last_on_record = on_record
        end_date: dt.date | None = None
        review: dt.datetime | None = None
        review_known = False
        while limit is None or counted < limit:
            skipped = any_skips and (index, number + 1) in by_slot
            if (
                end_date is not None
                and step is not None
                and on_record
                and k == 1
                and previous_due is None
            ):
                # A Lasting phase, its slot timed from a dose given: the
                # slot's wall date is the dose's plus a step, and its due date
                # that or up to two days later (a spring-forward gap only
                # moves a wall time later): at or past the end date, the
                # phase surely ends here (by its date or its decision alike).
                wall_date = anchor_at.astimezone(zone).date() + step
                if wall_date >= end_date:
                    break
                surely_before = wall_date + _TWO_DAYS < end_date
            else:
                surely_before = False
            if (
                j < cap
                and on_record
                and not skipped
                and (
                    lasting is None
                    or end_date is None
                    or (
                        # The slot surely falls before the end date (see
                        # _reach), and so does the dose.
                        k == 1
                        and previous_due is None
                        and (
                            surely_before
                            or anchor_at.astimezone(zone).date() + reach < end_date
                        )
                        and given[j].at.astimezone(zone).date() < end_date
                    )
                )
            ):
                # The slot is the next dose's, and so are the slots after it
                # while the doses are candidates, within the count and before
                # the next skip (in a Lasting phase, one slot at a time).
                stop = cap if lasting is None else j + 1
                if limit is not None and j + limit - counted < stop:
                    stop = j + limit - counted
                if any_skips:
                    room = marked.unskipped_after(index, number)
                    if room is not None and j + room < stop:
                        stop = j + room
                if first is None:
                    first = given[j].at
                    if lasting is not None:
                        end_date = lasting.end_date(first.astimezone(zone).date())
                taken = stop - j
                count += taken
                number += taken
                counted += taken
                j = stop
                last = anchor_at = given[stop - 1].at
                anchor, k, previous_due = None, 1, None
                on_record = last_on_record = True
                continue
            # A slot timed in the zone, passing over a day the zone skipped.
            candidate = given[j] if j < n_given else None
            if anchor is None:
                # The anchor's wall time (local(), without the slow replace;
                # its fold does not matter: _in_zone reads the fields).
                anchor = _wall(anchor_at.astimezone(zone))
            if (
                candidate is None
                and decided is None
                and lasting is None
                and not (any_skips and index in skipped_phases)
            ):
                # The tail: no dose left to fulfil a slot, and no decision,
                # end date or skip in the phase: every slot to the horizon
                # (or to the phase's count) is pending.  The same steps as
                # below, without the checks that cannot apply.
                if until_wall is None:
                    until_wall = _wall(until)  # UTC's wall
                unconfirmed = phase.condition is not None and index not in confirmed
                while limit is None or counted < limit:
                    if k == 0:
                        due = first_dose.astimezone(zone)
                        due_utc = due.astimezone(UTC)
                    else:
                        try:
                            wall = _occurrence_wall(cadence, anchor, k, step)
                            if wall - _LEEWAY >= until_wall:
                                stopped = True  # surely at or after the horizon
                                break
                            aware = _in_zone(wall, zone)
                        except (OverflowError, ValueError):  # the end of the calendar
                            stopped = True
                            break
                        # resolve()'s value, and the instant with it: the wall
                        # time's instant (fold 0) read back in the zone.
                        due_utc = aware.astimezone(UTC)
                        due = due_utc.astimezone(zone)
                    if previous_due is not None and due_utc <= previous_due:
                        k += 1  # a local day the zone skipped
                        continue
                    if due_utc >= until:
                        stopped = True
                        break
                    count += 1
                    number += 1
                    counted += 1
                    if first is None:
                        first = due
                    last = due
                    last_on_record = False
                    k += 1
                    previous_due = due_utc
                    if not review_known:
                        review_known = True
                        if isinstance(end, UntilNoFurtherImprovement):
                            review = _review_point(end, first, zone)
                    slots.append(
                        PlannedDose(
                            number=count,
                            phase=index,
                            phase_name=phase.name,
                            number_in_phase=number,
                            due=due,
                            dose=phase.dose,
                            status=DoseStatus.SCHEDULED
                            if now is None or now < due_utc
                            else DueWindow.of(due, zone, grace).status(now),
                            provisional=provisional
                            or unconfirmed
                            or (review is not None and due_utc >= review),
                            phase_size=limit,
                        )
                    )
                break
            while True:
                if k == 0:
                    due = first_dose.astimezone(zone)
                    due_utc = due.astimezone(UTC)
                else:
                    try:
                        wall = _occurrence_wall(cadence, anchor, k, step)
                        if (
                            decided is None
                            and end_date is None
                            and (skipped or j >= before_until)
                        ):
                            if until_wall is None:
                                until_wall = _wall(until)  # UTC's wall
                            if wall - _LEEWAY >= until_wall:
                                # Surely at or after the horizon, the phase
                                # cannot end first and no dose given before
                                # the horizon can take the slot: the walk
                                # stops here whatever the zone makes of it.
                                stopped = True
                                break
                        aware = _in_zone(wall, zone)
                    except (OverflowError, ValueError):  # the end of the calendar
                        stopped = True
                        break
                    # As in the tail above: resolve()'s value and its instant.
                    due_utc = aware.astimezone(UTC)
                    due = due_utc.astimezone(zone)
                if previous_due is None or due_utc > previous_due:
                    break
                k += 1
            if stopped:
                break
            if (
                decided is not None
                and due_utc >= decided
                and (candidate is None or candidate.at >= decided)
            ):
                break  # ended by the decision
            if end_date is not None and due.astimezone(zone).date() >= end_date:
                break  # ended at its Lasting end
            fulfil = (
                candidate
                if candidate is not None
                and not skipped
                and (decided is None or candidate.at < decided)
                and (
                    end_date is None or candidate.at.astimezone(zone).date() < end_date
                )
                else None
            )
            when = due if fulfil is None else fulfil.at
            if (due_utc if fulfil is None else when) >= until:
                stopped = True
                break
            count += 1
            number += 1
            if not skipped:
                counted += 1
            if first is None:
                first = when
                if lasting is not None:
                    end_date = lasting.end_date(first.astimezone(zone).date())
            last = when
            if fulfil is not None:
                j += 1
                anchor_at = when
                anchor, k, previous_due = None, 1, None
                on_record = last_on_record = True
                continue
            last_on_record = False
            k += 1
            previous_due = due_utc
            if skipped:
                continue
            if not review_known:
                review_known = True
                if decision is None and isinstance(end, UntilNoFurtherImprovement):
                    review = _review_point(end, first, zone)
            slots.append(
                PlannedDose(
                    number=count,
                    phase=index,
                    phase_name=phase.name,
                    number_in_phase=number,
                    due=due,
                    dose=phase.dose,
                    status=DoseStatus.SCHEDULED
                    if now is None or now < due_utc
                    else DueWindow.of(due, zone, grace).status(now),
                    provisional=provisional
                    or (phase.condition is not None and index not in confirmed)
                    or (review is not None and due_utc >= review),
                    phase_size=limit,
                )
            )
        if stopped:
            break
        if first is not None:
            # The next phase starts one of its own intervals after this one's
            # last slot.
            anchor_at, k, previous_due = last, 1, None
            on_record = last_on_record
            if phase.condition is not None and index not in confirmed:
                provisional = True  # the phases after are timed on its doses
    return slots


def expand(
    regimen: Regimen,
    first_dose: dt.datetime,
    zone: zoneinfo.ZoneInfo,
    *,
    until: dt.datetime,
    given: Sequence[AdministeredDose] = (),
    skips: Sequence[DoseSkip] = (),
    decisions: Sequence[PhaseDecision] = (),
    suggested_decisions: Sequence[PhaseDecision] = (),
    now: dt.datetime | None = None,
    grace: dt.timedelta | None = None,
    pending_only: bool = False,
    given_sorted: bool = False,
    confirmed: frozenset[int] = frozenset(),
) -> Plan:
    """Derive the plan of doses whose time is before ``until``.

    Args:
        regimen: The regimen.
        first_dose: When the first dose is (or was) planned; aware.
        zone: The course's zone; wall-clock times are kept in it.
        until: The exclusive horizon.
        given: Doses actually given, in any order.
        skips: Slots decided not to be given.
        decisions: Recorded phase-ending decisions (the earliest per phase
            counts).
        suggested_decisions: Phase ends suggested by the symptom log (an
            improvement plateau, opted into): they end a phase like a
            decision, and every slot after them is provisional.
        now: The present, for statuses; None leaves pending slots scheduled.
        grace: How long after its time a dose stays due; None means until the
            end of its local day.
        pending_only: Keep only the slots neither given nor skipped (for
            worklists); they are exactly the pending slots of the full plan,
            numbered the same, found without building the others.  Such a
            plan has no phase spans.
        given_sorted: ``given`` is already in time order (a Course keeps it so).
        confirmed: The conditional phases whose condition a clinician has
            confirmed (:func:`confirmed_phases`); the slots of the others,
            and every slot after them, are provisional.

    Returns:
        The plan.  Callers validate their records; this function trusts them.

    Raises:
        SettingError: ``grace`` is negative or not a timedelta.
    """
    grace = check_grace(grace)
    if pending_only and not suggested_decisions:
        found = pending(
            regimen,
            first_dose,
            zone,
            until=until,
            given=given,
            skips=skips,
            decisions=decisions,
            now=now,
            grace=grace,
            given_sorted=given_sorted,
            confirmed=confirmed,
        )
        return Plan(found, ())
    walk = _Walk(
        regimen,
        first_dose,
        zone,
        given=given,
        skips=skips,
        decisions=decisions,
        suggested=suggested_decisions,
        until=until,
        now=now,
        grace=grace,
        keep=_Keep.PENDING if pending_only else _Keep.ALL,
        given_sorted=given_sorted,
        confirmed=confirmed,
    )
    walk.run()
    return Plan(tuple(walk.slots), tuple(walk.spans))


def pending(
    regimen: Regimen,
    first_dose: dt.datetime,
    zone: zoneinfo.ZoneInfo,
    *,
    until: dt.datetime,
    given: Sequence[AdministeredDose] = (),
    skips: Sequence[DoseSkip] = (),
    decisions: Sequence[PhaseDecision] = (),
    now: dt.datetime | None = None,
    grace: dt.timedelta | None = None,
    given_sorted: bool = False,
    confirmed: frozenset[int] = frozenset(),
) -> tuple[PlannedDose, ...]:
    """Return the pending slots (neither given nor skipped) due before ``until``.

    Exactly ``expand(..., pending_only=True).doses`` with the same arguments
    (no suggested decisions), without the plan around them: worklists call
    this.  Found from the records (:func:`_pending_from_records`) when every
    phase re-anchors on the doses given and every skip names its slot, else
    by the pending-only walk.  ``grace`` must be checked by the caller.
    """
    if _resumable(regimen, skips):
        return tuple(
            _pending_from_records(
                regimen,
                first_dose,
                zone,
                until=utc(until),
                given=given if given_sorted else sorted(given, key=lambda g: utc(g.at)),
                skips=skips,
                decisions=decisions,
                now=utc(now) if now is not None else None,
                grace=grace,
                confirmed=confirmed,
            )
        )
    walk = _Walk(
        regimen,
        first_dose,
        zone,
        given=given,
        skips=skips,
        decisions=decisions,
        suggested=(),
        until=until,
        now=now,
        grace=grace,
        keep=_Keep.PENDING,
        given_sorted=given_sorted,
        confirmed=confirmed,
    )
    walk.run()
    return tuple(walk.slots)


def confirmed_phases(regimen: Regimen, phases: Iterable[int]) -> frozenset[int]:
    """Return the conditional phases that confirmations of ``phases`` cover.

    A confirmation of phase *p* covers *p* and the phases right after it that
    carry the same condition (the FDA label's every-3-4-days doses continue
    its alternate-day ones "under the same condition").
    """
    covered: set[int] = set()
    regimen_phases = regimen.phases
    for start in phases:
        if not 0 <= start < len(regimen_phases):
            continue
        condition = regimen_phases[start].condition
        index = start
        while (
            condition is not None
            and index < len(regimen_phases)
            and regimen_phases[index].condition == condition
        ):
            covered.add(index)
            index += 1
    return frozenset(covered)


@attrs.frozen(kw_only=True)
class Placement:
    """Where a dose lands in the plan once recorded: its slot and its neighbours.

    Attributes:
        slot: The slot the dose fulfils, or None when it is given after the
            regimen ended.
        before: The slot just before it, or None when there is none or an
            earlier dose given fulfils it (it is then earlier, in order).
        after: The slot just after it, if any.
        earliest_first: The earliest a dose can be given and still be the
            course's first dose (see :meth:`check`).
    """

    slot: PlannedDose | None
    before: PlannedDose | None
    later: tuple[PlannedDose, ...]
    earliest_first: dt.datetime

    @property
    def after(self) -> PlannedDose | None:
        """The slot just after the dose's, if any."""
        return self.later[0] if self.later else None

    def check(self) -> None:
        """Refuse a dose that would put the plan out of time order.

        The rule: a plan is always in time order, slot 1 first, with no two
        doses at one instant.  So a dose is refused when it would fulfil the
        course's first slot but was given more than one interval of the first
        phase before the day the first dose is planned (a wrong year, say:
        begin the course at the date it really started instead), and when it
        would fulfil a slot but was given at or before the time of a slot
        before it that it cannot fulfil (a skipped slot due later), or would
        move later doses given onto slots out of time order.

        Raises:
            DoseOrderError: Naming the slot it collides with and their times.
        """
        slot = self.slot
        if slot is None or slot.given is None:
            return
        at = slot.given.at
        if slot.number == 1 and utc(at) < utc(self.earliest_first):
            raise DoseOrderError(
                at,
                slot,
                f"a dose given at {at.isoformat()} is too early to be the first "
                f"dose ({slot.name}, planned for {slot.due.isoformat()}): it is "
                "more than one interval before that day; check the date, or "
                "begin the course when it really started",
            )
        before = self.before
        if before is not None and utc(before.when) >= utc(at):
            raise DoseOrderError(at, before, _order_message(at, before, slot))
        for first, second in itertools.pairwise((slot, *self.later)):
            if utc(second.when) <= utc(first.when):
                raise DoseOrderError(at, second, _order_message(at, first, second))


def _order_message(at: dt.datetime, first: PlannedDose, second: PlannedDose) -> str:
    return (
        f"a dose given at {at.isoformat()} would put {first.name} "
        f"({first.status.value}, {first.when.isoformat()}) at or after "
        f"{second.name} ({second.status.value}, {second.when.isoformat()}): "
        "the plan would be out of time order; check the time of the dose and "
        "of the skipped dose"
    )


def _earliest_first(
    regimen: Regimen, first_dose: dt.datetime, zone: zoneinfo.ZoneInfo
) -> dt.datetime:
    """The start of the first dose's local day, less one interval of the first phase."""
    days = math.ceil(regimen.phases[0].cadence.approximate_days)
    opens = DueWindow.of(first_dose, zone).opens
    return opens - dt.timedelta(days=days)


def locate(
    regimen: Regimen,
    first_dose: dt.datetime,
    zone: zoneinfo.ZoneInfo,
    *,
    given: Sequence[AdministeredDose],
    index: int,
    skips: Sequence[DoseSkip] = (),
    decisions: Sequence[PhaseDecision] = (),
    confirmed: frozenset[int] = frozenset(),
) -> Placement:
    """Find the slot that ``given[index]`` fulfils, without expanding the plan.

    Equal to finding the dose in :func:`expand` with the same records (a
    property test holds them equal), but the walk takes the runs of earlier
    doses by bisection and stops just after the dose's slot (or, for a
    backfill, after the slot of the last dose given, since it moves them all),
    so it costs about the slots of the phase the dose lands in.  Phases on a
    fixed grid or ending at a date, and skips from old documents that name no
    slot, are walked slot by slot.

    >>> import zoneinfo
    >>> from b12course import AdministeredDose, regimens
    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> first = dt.datetime(2026, 12, 1, 9, tzinfo=london)
    >>> regimen = regimens.get("bnf-hydroxocobalamin-non-neuro")
    >>> dose = regimen.phases[0].dose
    >>> given = [
    ...     AdministeredDose(at=first + dt.timedelta(days=k), dose=dose)
    ...     for k in (0, 2, 5)
    ... ]
    >>> placement = locate(regimen, first, london, given=given, index=2)
    >>> placement.slot.name, placement.after.due.date()
    ('loading dose 3 of 6', datetime.date(2026, 12, 7))

    Args:
        regimen: The regimen.
        first_dose: The course's planned first dose.
        zone: The course's zone.
        given: Every dose given, the new one included, in time order.
        index: Where the new dose is in ``given``.
        skips: The course's skips.
        decisions: The course's recorded decisions.
        confirmed: The conditional phases a clinician has confirmed, as for
            :func:`expand`.
    """
    walk = _Walk(
        regimen,
        first_dose,
        zone,
        given=given,
        skips=skips,
        decisions=decisions,
        suggested=(),
        until=dt.datetime.max.replace(tzinfo=dt.timezone.utc),
        now=None,
        grace=None,
        keep=_Keep.AROUND,
        given_sorted=True,
        confirmed=confirmed,
    )
    walk.record = given[index]
    walk.record_index = index
    walk.run()
    return Placement(
        slot=walk.found,
        before=walk.before if walk.found is not None else None,
        later=tuple(walk.later),
        earliest_first=_earliest_first(regimen, first_dose, zone),
    )
