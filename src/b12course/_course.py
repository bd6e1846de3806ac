"""The course: one person's treatment, as recorded.

A :class:`Course` holds what is known (the regimen, when the first dose was
planned, the doses given and skipped, phase decisions, symptom entries and lab
results) and derives everything else on demand: the plan, the timeline, the
flare report.  It is an immutable value: every ``record_*``, ``skip_*``,
``end_*`` and ``log_*`` method returns a new Course and leaves the old one
untouched, and invalid input raises before anything is built, so a course is
never half-changed.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections.abc import Iterable

import attrs

from b12course._labs import LabResult
from b12course._records import AdministeredDose, DecisionBasis, DoseSkip, PhaseDecision
from b12course._regimen import Dose, Regimen, Route
from b12course._schedule import PhaseEnding, Plan, PlannedDose, expand
from b12course._symptoms import SymptomEntry
from b12course._time import require_aware, utc, zone_of
from b12course.exceptions import (
    DuplicateRecordError,
    InvalidRecordError,
    NoSuchDoseError,
    PhaseDecisionError,
    RegimenError,
)

__all__ = ["Course"]


def _first_dose(
    _instance: object, attribute: attrs.Attribute[dt.datetime], value: object
) -> None:
    zone_of(attribute.name, value)


def _regimen(
    _instance: object, _attribute: attrs.Attribute[Regimen], value: object
) -> None:
    if not isinstance(value, Regimen):
        raise RegimenError(f"a course needs a Regimen, not {value!r}")


def _by_time(items: Iterable[AdministeredDose]) -> tuple[AdministeredDose, ...]:
    return tuple(sorted(items, key=lambda item: utc(item.at)))


def _entries_by_time(items: Iterable[SymptomEntry]) -> tuple[SymptomEntry, ...]:
    return tuple(sorted(items, key=lambda item: utc(item.at)))


def _labs_by_time(items: Iterable[LabResult]) -> tuple[LabResult, ...]:
    return tuple(sorted(items, key=lambda item: utc(item.at)))


def _skips(items: Iterable[DoseSkip]) -> tuple[DoseSkip, ...]:
    return tuple(items)


def _decisions(items: Iterable[PhaseDecision]) -> tuple[PhaseDecision, ...]:
    return tuple(items)


def _new_id() -> str:
    return uuid.uuid4().hex


@attrs.frozen(kw_only=True)
class Course:
    """One person's course of B12 treatment.

    Build one with :meth:`begin`; record what happens with the ``record_*``,
    ``skip_dose``, ``end_phase`` and ``log_symptom`` methods, each of which
    returns a new Course.

    Attributes:
        regimen: The regimen followed.
        first_dose: When the first dose is or was planned; its ``ZoneInfo`` is
            the course's zone, in which every dose keeps its wall-clock time.
        id: A stable identity (calendar UIDs derive from it).
        given: Doses given, in time order.
        skips: Planned doses decided not to be given.
        decisions: Phase-ending decisions.
        symptoms: Symptom entries, in time order (earlier ones are the baseline).
        labs: Lab results, in time order.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import regimens
    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> course = Course.begin(
    ...     regimens.get("nice-non-neuro"),
    ...     first_dose=dt.datetime(2026, 12, 7, 9, tzinfo=london),
    ... )
    >>> plan = course.plan(until=dt.datetime(2026, 12, 19, tzinfo=london))
    >>> [d.due.strftime("%a %d %b") for d in plan]
    ['Mon 07 Dec', 'Wed 09 Dec', 'Fri 11 Dec', 'Mon 14 Dec', 'Wed 16 Dec', 'Fri 18 Dec']
    """

    regimen: Regimen = attrs.field(validator=_regimen)
    first_dose: dt.datetime = attrs.field(validator=_first_dose)
    id: str = attrs.field(factory=_new_id, validator=attrs.validators.instance_of(str))
    given: tuple[AdministeredDose, ...] = attrs.field(default=(), converter=_by_time)
    skips: tuple[DoseSkip, ...] = attrs.field(default=(), converter=_skips)
    decisions: tuple[PhaseDecision, ...] = attrs.field(default=(), converter=_decisions)
    symptoms: tuple[SymptomEntry, ...] = attrs.field(
        default=(), converter=_entries_by_time
    )
    labs: tuple[LabResult, ...] = attrs.field(default=(), converter=_labs_by_time)

    @classmethod
    def begin(
        cls,
        regimen: Regimen,
        *,
        first_dose: dt.datetime,
        id: str | None = None,  # noqa: A002
    ) -> Course:
        """Start a course of ``regimen`` whose first dose is at ``first_dose``.

        Args:
            regimen: The regimen, e.g. ``b12course.regimens.get("nice-neuro")``.
            first_dose: An aware datetime whose tzinfo is a ``zoneinfo.ZoneInfo``;
                its zone becomes the course's zone.
            id: A stable identity; a random one is made when omitted.

        Raises:
            NaiveDatetimeError: ``first_dose`` is naive.
            ZoneError: Its tzinfo is not an IANA ``ZoneInfo`` (e.g. a fixed offset).
        """
        if id is None:
            return cls(regimen=regimen, first_dose=first_dose)
        return cls(regimen=regimen, first_dose=first_dose, id=id)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The course's IANA zone."""
        return zone_of("first_dose", self.first_dose)

    # -- the plan ---------------------------------------------------------

    def expand(
        self,
        *,
        until: dt.datetime,
        now: dt.datetime | None = None,
        grace: dt.timedelta | None = None,
        extra_decisions: tuple[PhaseDecision, ...] = (),
    ) -> Plan:
        """Return the plan and the phase spans up to ``until`` (exclusive).

        See :meth:`plan` for the arguments; ``extra_decisions`` adds decisions
        that are derived rather than recorded (an improvement plateau).
        """
        until = require_aware("until", until)
        if now is not None:
            now = require_aware("now", now)
        return expand(
            self.regimen,
            self.first_dose,
            self.zone,
            until=until,
            given=self.given,
            skips=self.skips,
            decisions=self.decisions + extra_decisions,
            now=now,
            grace=grace,
        )

    def plan(
        self,
        *,
        until: dt.datetime,
        now: dt.datetime | None = None,
        grace: dt.timedelta | None = None,
    ) -> tuple[PlannedDose, ...]:
        """Return the planned doses whose time is before ``until``, in order.

        Args:
            until: The exclusive horizon (aware).  Lifelong maintenance is
                expanded only this far.
            now: The present, for statuses (due, overdue).  Domain code never
                reads the clock: pass ``datetime.now(course.zone)`` yourself.
                When omitted, every pending dose is ``SCHEDULED``.
            grace: How long after its time a dose stays ``DUE`` before it is
                ``OVERDUE``; by default until the end of its local day.

        Raises:
            NaiveDatetimeError: ``until`` or ``now`` is naive.
        """
        return self.expand(until=until, now=now, grace=grace).doses

    # -- recording --------------------------------------------------------

    def _planned_dose_for(self, record: AdministeredDose) -> Dose:
        """Return the planned dose of the slot ``record`` fulfils once recorded."""
        trial = attrs.evolve(self, given=(*self.given, record))
        for slot in trial.plan(until=record.at + dt.timedelta(microseconds=1)):
            if slot.given is record:
                return slot.dose
        # Past the end of the last phase: the course's last dose is the best guess.
        return self.regimen.phases[-1].dose

    def record_dose(
        self,
        given_at: dt.datetime,
        *,
        dose: Dose | None = None,
        route: Route | str | None = None,
        site: str | None = None,
        lot: str | None = None,
        note: str | None = None,
    ) -> Course:
        """Return a new Course with a dose given at ``given_at``.

        The dose fulfils the pending planned dose it matches and, by default,
        the rest of the phase re-anchors on when it was actually given.  Past
        doses can be recorded in any order (backfilling).

        Args:
            given_at: When it was given (aware, any zone).
            dose: What was given; by default the planned dose of the slot it
                fulfils.
            route: Overrides the route of ``dose``.
            site: The injection site (a ``b12course.Site`` value or free text).
            lot: The lot or batch number.
            note: Free text.

        Raises:
            NaiveDatetimeError: ``given_at`` is naive.
            DuplicateRecordError: A dose is already recorded at that instant.
            ImplausibleDoseError: The dose is implausible for its route.
        """
        given_at = require_aware("given_at", given_at)
        if any(utc(g.at) == utc(given_at) for g in self.given):
            raise DuplicateRecordError(
                given_at,
                f"a dose is already recorded at {given_at.isoformat()}; a dose "
                "cannot be given twice at one instant",
            )
        record = AdministeredDose(
            at=given_at,
            dose=dose if dose is not None else self.regimen.phases[0].dose,
            site=site,
            lot=lot,
            note=note,
        )
        if dose is None:
            record = attrs.evolve(record, dose=self._planned_dose_for(record))
        if route is not None:
            chosen = record.dose
            record = attrs.evolve(
                record, dose=Dose(chosen.drug, chosen.amount, Route.parse(route))
            )
        return attrs.evolve(self, given=(*self.given, record))

    def skip_dose(
        self,
        due: dt.datetime | None = None,
        *,
        number: int | None = None,
        reason: str = "",
        until: dt.datetime | None = None,
    ) -> Course:
        """Return a new Course in which a pending planned dose is skipped.

        Name the dose by its ``due`` instant or by its plan ``number``.  With the
        default anchoring, the next dose follows the skipped one's due time.

        Args:
            due: The due instant of the planned dose.
            number: Its number in :meth:`plan`.
            reason: Why, in free text.
            until: How far to look for it; five years past the first dose
                or ``due`` by default.

        Raises:
            NoSuchDoseError: No pending planned dose has that due time or number.
        """
        if (due is None) == (number is None):
            raise NoSuchDoseError(
                (due, number), "name the dose by due or by number, not both"
            )
        if due is not None:
            due = require_aware("due", due)
        horizon = until or max(due or self.first_dose, self.first_dose) + dt.timedelta(
            days=5 * 366
        )
        for slot in self.plan(until=require_aware("until", horizon)):
            if slot.pending and (
                slot.number == number or (due is not None and utc(slot.due) == utc(due))
            ):
                return attrs.evolve(
                    self, skips=(*self.skips, DoseSkip(due=slot.due, reason=reason))
                )
        what = f"due {due.isoformat()}" if due is not None else f"number {number}"
        raise NoSuchDoseError(
            due if due is not None else number,
            f"no pending planned dose {what}; pick one from course.plan(...)",
        )

    def end_phase(
        self,
        at: dt.datetime,
        reason: str = "",
        *,
        basis: DecisionBasis = DecisionBasis.CLINICIAN,
    ) -> Course:
        """Return a new Course in which the phase in progress at ``at`` ends at ``at``.

        This is how a clinician ends an "until no further improvement" loading
        phase; it also stops any other phase early (ending the last phase ends
        the course).  Doses from ``at`` on belong to the next phase, which
        starts one of its own intervals after the last dose of this one.

        Raises:
            NaiveDatetimeError: ``at`` is naive.
            PhaseDecisionError: No phase is in progress at ``at``, or the phase
                has had no dose yet, or it already ended.
        """
        at = require_aware("at", at)
        spans = self.expand(until=at).phases
        # The phase in progress is the first one still open at `at`; an
        # undecided "until no further improvement" phase is open even though
        # the plan projects its end.
        open_spans = [s for s in spans if s.ending in {None, PhaseEnding.PROJECTED}]
        if not open_spans or utc(open_spans[0].first) >= utc(at):
            raise PhaseDecisionError(
                f"no phase is in progress at {at.isoformat()}: a phase can be "
                "ended only after its first dose"
            )
        span = open_spans[0]
        if any(d.phase == span.index for d in self.decisions):
            raise PhaseDecisionError(
                f"phase {span.index} ({span.phase.name!r}) already has an end decision"
            )
        decision = PhaseDecision(phase=span.index, at=at, reason=reason, basis=basis)
        return attrs.evolve(self, decisions=(*self.decisions, decision))

    def log_symptom(self, entry: SymptomEntry) -> Course:
        """Return a new Course with a symptom entry added.

        Raises:
            InvalidRecordError: ``entry`` is not a SymptomEntry.
            DuplicateRecordError: The same symptom is already logged at that instant.
        """
        if not isinstance(entry, SymptomEntry):
            raise InvalidRecordError(
                entry, f"log_symptom takes a SymptomEntry, not {entry!r}"
            )
        if any(
            utc(e.at) == utc(entry.at) and e.label == entry.label for e in self.symptoms
        ):
            raise DuplicateRecordError(
                entry, f"{entry.label} is already logged at {entry.at.isoformat()}"
            )
        return attrs.evolve(self, symptoms=(*self.symptoms, entry))

    def record_lab(self, result: LabResult) -> Course:
        """Return a new Course with a lab result added.

        Raises:
            InvalidRecordError: ``result`` is not a LabResult.
            DuplicateRecordError: The same analyte is already recorded at that instant.
        """
        if not isinstance(result, LabResult):
            raise InvalidRecordError(
                result, f"record_lab takes a LabResult, not {result!r}"
            )
        if any(
            utc(r.at) == utc(result.at) and r.analyte is result.analyte
            for r in self.labs
        ):
            raise DuplicateRecordError(
                result,
                f"{result.analyte.value} is already recorded at "
                f"{result.at.isoformat()}",
            )
        return attrs.evolve(self, labs=(*self.labs, result))
