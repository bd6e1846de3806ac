"""Pure expansion: regimen + first dose + zone + what happened -> planned doses.

:func:`expand` is the one place the plan is derived.  It walks the regimen's
phases slot by slot in local wall-clock time:

- The first phase's first slot is the course's first dose.  Every later phase
  starts one of its own intervals after the last dose of the phase before.
- A recorded dose fulfils the pending slot it matches.  With
  :attr:`Anchoring.GIVEN` (the default) that is the earliest pending slot of the
  phase, and the rest of the phase re-anchors on when the dose was actually
  given (next due = given + interval).  With :attr:`Anchoring.GRID` it is the
  nearest pending slot on the fixed grid, and missed slots stay overdue.
- A skipped slot is marked skipped; it does not count towards a ``Count(n)``.
- ``Count(n)`` ends after ``n`` slots that were not skipped, so a late dose never
  drops a dose.  ``Lasting`` ends at a local date.  A :class:`PhaseDecision`
  ends any phase at an instant.  An undecided ``UntilNoFurtherImprovement``
  phase keeps every dose given while it is open and is projected to end at its
  review point; every dose after that projection is *provisional*.
- Expansion is lazy: it stops at ``until`` (half-open: a slot is in the plan
  when its time is before ``until``), so lifelong maintenance costs only what
  is asked for.  ``plan(until=a)`` is always a prefix of ``plan(until=b)``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import zoneinfo
from collections.abc import Sequence

import attrs

from b12course._records import AdministeredDose, DoseSkip, PhaseDecision
from b12course._regimen import (
    Anchoring,
    Count,
    Dose,
    Lasting,
    Phase,
    Regimen,
    UntilNoFurtherImprovement,
)
from b12course._time import local, resolve, utc

__all__ = [
    "DoseStatus",
    "DueWindow",
    "PhaseEnding",
    "PhaseSpan",
    "Plan",
    "PlannedDose",
    "expand",
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
        provisional: True when the slot lies past the projected end of an open
            "until no further improvement" phase.
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


class PhaseEnding(enum.Enum):
    """Why a phase ended (or is expected to)."""

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
        ending: Why it ended, or None while it is open at the horizon.
        decision: The decision that ended it, for ``PhaseEnding.DECISION``.
        review: The review point of an "until no further improvement" phase.
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
        """Return the due window of a dose due at ``due``, in UTC."""
        local_day = due.astimezone(zone).date()
        opens = utc(resolve(dt.datetime.combine(local_day, dt.time()), zone))
        if grace is None:
            next_day = local_day + dt.timedelta(days=1)
            closes = utc(resolve(dt.datetime.combine(next_day, dt.time()), zone))
        else:
            closes = utc(due) + grace
        return cls(due=utc(due), opens=opens, closes=closes)

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


def _status(
    due: dt.datetime,
    zone: zoneinfo.ZoneInfo,
    now: dt.datetime | None,
    grace: dt.timedelta | None,
) -> DoseStatus:
    if now is None or utc(now) < utc(due):  # the fast path of most plan slots
        return DoseStatus.SCHEDULED
    return DueWindow.of(due, zone, grace).status(now)


class _Walk:
    """The state of one expansion; a helper of :func:`expand`, never exposed."""

    def __init__(  # noqa: PLR0917 - private; called once by expand()
        self,
        regimen: Regimen,
        first_dose: dt.datetime,
        zone: zoneinfo.ZoneInfo,
        given: Sequence[AdministeredDose],
        skips: Sequence[DoseSkip],
        decisions: Sequence[PhaseDecision],
        until: dt.datetime,
        now: dt.datetime | None,
        grace: dt.timedelta | None,
        pending_only: bool = False,
        given_sorted: bool = False,
    ) -> None:
        self.regimen = regimen
        self.pending_only = pending_only
        self.now = now
        self.grace = grace
        self.zone = zone
        # Every comparison below is between UTC instants (see _status).
        self.given: Sequence[AdministeredDose] = (
            given if given_sorted else sorted(given, key=lambda g: utc(g.at))
        )
        self.next_given = 0
        self.skips = {utc(skip.due): skip for skip in skips}
        self.decisions: dict[int, PhaseDecision] = {}
        for decision in sorted(decisions, key=lambda d: utc(d.at)):
            self.decisions.setdefault(decision.phase, decision)
        self.until = utc(until)
        self.anchor = local(first_dose, zone)
        self.first_due = first_dose.astimezone(zone)
        self.k = 0
        self.slots: list[PlannedDose] = []
        self.count = 0  # slots walked, kept or not (== len(slots) unless pending_only)
        self.spans: list[PhaseSpan] = []
        self.provisional = False
        self.horizon_reached = False

    def pending_given(self) -> AdministeredDose | None:
        if self.next_given < len(self.given):
            return self.given[self.next_given]
        return None

    def run(self) -> None:
        for index, phase in enumerate(self.regimen.phases):
            self.walk_phase(index, phase)
            if self.horizon_reached:
                return

    def walk_phase(self, index: int, phase: Phase) -> None:  # noqa: C901, PLR0912, PLR0915
        end = phase.end
        decision = self.decisions.get(index)
        counted = 0  # slots that were not skipped
        in_phase = 0
        first: dt.datetime | None = None
        last: dt.datetime | None = None
        end_date: dt.date | None = None
        review: dt.datetime | None = None
        ending: PhaseEnding | None = None
        cadence = phase.cadence
        limit = end.n if isinstance(end, Count) else None
        # Fast-forwarding (see _fast_forward) is exact only with no skips to
        # look up and when doses given re-anchor the phase.
        # A Lasting phase is walked slot by slot: whether a dose belongs to it
        # depends on each slot's due date.
        fast = (
            self.pending_only
            and not self.skips
            and phase.anchoring is Anchoring.GIVEN
            and not isinstance(end, Lasting)
        )
        decided = utc(decision.at) if decision is not None else None
        while True:
            # Does the phase end before this slot?  (A count needs no due time.)
            if limit is not None and counted >= limit:
                ending = PhaseEnding.COUNT
                break
            if fast:
                opened = first is None and self._fulfils_first(decided)
                if opened:
                    # The first slot, fulfilled by the next dose given, exactly
                    # as the loop below would do it (re-anchored just below).
                    first = self.given[self.next_given].at
                    end_date, review = self._phase_marks(end, first)
                    self.count += 1
                    self.next_given += 1
                    counted += 1
                    in_phase += 1
                taken = (
                    self._fast_forward(
                        limit=None if limit is None else limit - counted,
                        decided=decided,
                    )
                    if first is not None
                    else 0
                )
                if opened and not taken:
                    self._take(0)
                if opened or taken:
                    counted += taken
                    in_phase += taken
                    last = self.given[self.next_given - 1].at
                    continue
            wall = cadence.occurrence(self.anchor, self.k)
            # Occurrence 0 is the course's first dose itself: keep its instant,
            # even when it names the second pass of a repeated local hour.
            due = self.first_due if self.k == 0 else resolve(wall, self.zone)
            due_utc = utc(due)
            candidate = self.pending_given()
            given_utc = utc(candidate.at) if candidate is not None else None
            if (
                decided is not None
                and due_utc >= decided
                and (given_utc is None or given_utc >= decided)
            ):
                ending = PhaseEnding.DECISION
                break
            if end_date is not None and due.astimezone(self.zone).date() >= end_date:
                # The phase has no slot left: a dose given now, even before
                # the end date, is the next phase's.
                ending = PhaseEnding.LASTING
                break
            if (
                decision is None
                and review is not None
                and candidate is None
                and due_utc >= review
            ):
                ending = PhaseEnding.PROJECTED
                break
            # Which recorded dose, if any, fulfils it?
            skip = self.skips.get(due_utc)
            fulfil: AdministeredDose | None = None
            if (
                skip is None
                and candidate is not None
                and self._belongs(candidate, decision, end_date)
                and (
                    phase.anchoring is Anchoring.GIVEN
                    or self._nearest(
                        candidate,
                        due,
                        cadence.occurrence(self.anchor, self.k + 1),
                        last_of_count=limit is not None and counted + 1 >= limit,
                        end_date=end_date,
                        decided=decided,
                    )
                )
            ):
                fulfil = candidate
            when = fulfil.at if fulfil is not None else due
            if (due_utc if fulfil is None else utc(fulfil.at)) >= self.until:
                self.horizon_reached = True
                break
            if fulfil is not None:
                self.next_given += 1
            in_phase += 1
            if skip is None:
                counted += 1
            if first is None:
                first = when
                end_date, review = self._phase_marks(end, when)
            last = when
            self.count += 1
            if fulfil is not None and phase.anchoring is Anchoring.GIVEN:
                self.anchor = local(fulfil.at, self.zone)
                self.k = 1
            else:
                self.k += 1
            if self.pending_only and (fulfil is not None or skip is not None):
                continue
            planned = PlannedDose(
                number=self.count,
                phase=index,
                phase_name=phase.name,
                number_in_phase=in_phase,
                due=due,
                dose=phase.dose,
                status=DoseStatus.GIVEN
                if fulfil is not None
                else DoseStatus.SKIPPED
                if skip is not None
                else _status(due, self.zone, self.now, self.grace),
                provisional=self.provisional,
                given=fulfil,
                skip=skip,
                phase_size=limit,
            )
            self.slots.append(planned)
        if first is not None and last is not None:
            if not self.pending_only:  # a worklist needs no phase spans
                self.spans.append(
                    PhaseSpan(
                        index=index,
                        phase=phase,
                        first=first,
                        last=last,
                        ending=None if self.horizon_reached else ending,
                        decision=decision if ending is PhaseEnding.DECISION else None,
                        review=review.astimezone(self.zone) if review else None,
                        slots=in_phase,
                    )
                )
            # The next phase starts one of its own intervals after this one's last dose.
            self.anchor = local(last, self.zone)
            self.k = 1
        if ending is PhaseEnding.PROJECTED:
            self.provisional = True

    def _phase_marks(
        self, end: object, first: dt.datetime
    ) -> tuple[dt.date | None, dt.datetime | None]:
        """Return a phase's end date (``Lasting``) and review point (UTC)."""
        if isinstance(end, Lasting):
            return end.end_date(first.astimezone(self.zone).date()), None
        if isinstance(end, UntilNoFurtherImprovement):
            start = local(first, self.zone)
            review_day = end.review_after.end_date(start.date())
            review_wall = dt.datetime.combine(review_day, start.time())
            return None, utc(resolve(review_wall, self.zone))
        return None, None

    def _fulfils_first(self, decided: dt.datetime | None) -> bool:
        """In a fast walk: does the next dose given fulfil the phase's first slot?

        With no skips and no end date or review point yet, the loop fulfils the
        first slot with the next dose given when it is before the horizon and
        before the phase's decision.
        """
        j = self.next_given
        if j >= len(self.given):
            return False
        # An aware datetime compares with a UTC one as instants (via utcoffset).
        at = self.given[j].at
        return at < self.until and (decided is None or at < decided)

    def _take(self, n: int) -> None:
        """Count ``n`` more slots fulfilled by doses given; re-anchor on the last."""
        self.count += n
        self.next_given += n
        zone = self.zone
        self.anchor = (
            self.given[self.next_given - 1].at.astimezone(zone).replace(tzinfo=None)
        )
        self.k = 1

    def _fast_forward(
        self,
        *,
        limit: int | None,
        decided: dt.datetime | None,
    ) -> int:
        """Walk the slots that the next doses given fulfil one by one; return how many.

        In a phase anchored on doses given, with no skips, each dose given
        fulfils the next slot while it is before the horizon, belongs to the
        phase (before its decision) and the phase's count is not
        reached: the full loop would check exactly that, slot by slot.  Only
        called for ``pending_only`` walks, which do not keep those slots.
        """
        j = self.next_given
        given = self.given
        stop = len(given) if limit is None else min(len(given), j + limit)
        if j >= stop:
            return 0
        # Doses given are in time order, so the first one at or after the
        # horizon (or the decision) is found by bisection.  An aware datetime
        # compares with a UTC one as an instant (via utcoffset).
        stop = bisect.bisect_left(given, self.until, j, stop, key=_given_at)
        if decided is not None:
            stop = bisect.bisect_left(given, decided, j, stop, key=_given_at)
        if stop > j:
            self._take(stop - j)
        return stop - j

    def _belongs(
        self,
        candidate: AdministeredDose,
        decision: PhaseDecision | None,
        end_date: dt.date | None,
    ) -> bool:
        if decision is not None and utc(candidate.at) >= utc(decision.at):
            return False
        return end_date is None or candidate.at.astimezone(self.zone).date() < end_date

    def _nearest(
        self,
        candidate: AdministeredDose,
        due: dt.datetime,
        next_wall: dt.datetime,
        *,
        last_of_count: bool,
        end_date: dt.date | None,
        decided: dt.datetime | None,
    ) -> bool:
        """On a fixed grid: is this slot at least as near the dose as the next one?

        When the next grid slot would fall outside the phase, this slot is the
        phase's last and takes the dose.
        """
        next_due = resolve(next_wall, self.zone)
        if (
            last_of_count
            or (
                end_date is not None
                and next_due.astimezone(self.zone).date() >= end_date
            )
            or (decided is not None and utc(next_due) >= decided)
        ):
            return True
        at = utc(candidate.at)
        return abs(at - utc(due)) <= abs(at - utc(next_due))


def expand(
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
    pending_only: bool = False,
    given_sorted: bool = False,
) -> Plan:
    """Derive the plan of doses whose time is before ``until``.

    Args:
        regimen: The regimen.
        first_dose: When the first dose is (or was) planned; aware.
        zone: The course's zone; wall-clock times are kept in it.
        until: The exclusive horizon.
        given: Doses actually given, in any order.
        skips: Slots decided not to be given.
        decisions: Phase-ending decisions (the earliest per phase counts).
        now: The present, for statuses; None leaves pending slots scheduled.
        grace: How long after its time a dose stays due; None means until the
            end of its local day.
        pending_only: Keep only the slots neither given nor skipped (for
            worklists); they are exactly the pending slots of the full plan,
            numbered the same, found without building the others.  Such a
            plan has no phase spans.
        given_sorted: ``given`` is already in time order (a Course keeps it so).

    Returns:
        The plan.  Callers validate their inputs; this function trusts them.
    """
    walk = _Walk(
        regimen,
        first_dose,
        zone,
        given,
        skips,
        decisions,
        until,
        now,
        grace,
        pending_only=pending_only,
        given_sorted=given_sorted,
    )
    walk.run()
    return Plan(tuple(walk.slots), tuple(walk.spans))
