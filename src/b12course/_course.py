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

import bisect
import datetime as dt
import uuid
import zoneinfo
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

import attrs

from b12course._flare import (
    Assessment,
    FlareModel,
    FlareReport,
    FlareWindow,
    _check_model,
    assess,
    flare_report,
    flare_window_applies,
)
from b12course._labs import LabResult
from b12course._records import AdministeredDose, DecisionBasis, DoseSkip, PhaseDecision
from b12course._regimen import Dose, Regimen, Route, UntilNoFurtherImprovement
from b12course._response import (
    LOADING_REVIEW_SOURCE,
    PlateauRule,
    Review,
    ReviewKind,
    find_plateau,
    treatment_review,
)
from b12course._schedule import PhaseEnding, Plan, PlannedDose, expand, locate
from b12course._sites import Site, least_recently_used, sites_for
from b12course._symptoms import (
    MEANINGFUL_CHANGE,
    Baseline,
    Symptom,
    SymptomEntry,
    Trend,
    baseline,
    trend,
)
from b12course._time import require_aware, utc, zone_of
from b12course.exceptions import (
    DuplicateRecordError,
    InvalidRecordError,
    NoSuchDoseError,
    PhaseDecisionError,
    RegimenError,
    SettingError,
)

if TYPE_CHECKING:
    from b12course._timeline import Timeline

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


class _InTimeOrder(tuple[AdministeredDose, ...]):
    """Doses given that record_dose already put in time order (no re-sort)."""

    __slots__ = ()


def _utc_at(item: AdministeredDose) -> dt.datetime:
    return utc(item.at)


def _by_time(items: Iterable[AdministeredDose]) -> tuple[AdministeredDose, ...]:
    if type(items) is _InTimeOrder:
        return tuple(items)  # record_dose inserted in order: O(n) in C
    return tuple(sorted(items, key=_utc_at))


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


_S = TypeVar("_S", bound=str)


def _plateau_rule(value: object) -> PlateauRule | None:
    """Read ``end_on_plateau``: False (off), True (the default rule) or a rule."""
    if value is False:
        return None
    if value is True:
        return PlateauRule()
    if isinstance(value, PlateauRule):
        return value
    raise SettingError(
        f"end_on_plateau takes True, False or a PlateauRule, not {value!r}"
    )


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
        end_on_plateau: PlateauRule | bool = False,
    ) -> Plan:
        """Return the plan and the phase spans up to ``until`` (exclusive).

        See :meth:`plan` for the arguments; ``extra_decisions`` adds decisions
        that are derived rather than recorded (an improvement plateau).
        """
        until = require_aware("until", until)
        if now is not None:
            now = require_aware("now", now)
        rule = _plateau_rule(end_on_plateau)
        if rule is not None:
            extra_decisions += self.plateau_decisions(
                until=until, rule=rule, extra_decisions=extra_decisions
            )
        return expand(
            self.regimen,
            self.first_dose,
            self.zone,
            until=until,
            given=self.given,
            skips=self.skips,
            decisions=self.decisions,
            suggested_decisions=extra_decisions,
            now=now,
            grace=grace,
        )

    def plan(
        self,
        *,
        until: dt.datetime,
        now: dt.datetime | None = None,
        grace: dt.timedelta | None = None,
        end_on_plateau: PlateauRule | bool = False,
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
            end_on_plateau: Opt in to ending an undecided "until no further
                improvement" phase where the symptom log shows a plateau
                (:meth:`plateau_decisions`): True for the default
                :class:`~b12course.PlateauRule`, or a rule.  Off by default:
                the end of that phase is a clinician's decision.

        Raises:
            NaiveDatetimeError: ``until`` or ``now`` is naive.
            SettingError: ``end_on_plateau`` is neither a bool nor a PlateauRule.
        """
        return self.expand(
            until=until, now=now, grace=grace, end_on_plateau=end_on_plateau
        ).doses

    def timeline(
        self,
        *,
        until: dt.datetime,
        now: dt.datetime | None = None,
        grace: dt.timedelta | None = None,
    ) -> Timeline:
        """Return the timeline of every event of the course before ``until``.

        Planned doses (with their status at ``now``), doses given and skipped,
        symptom entries, lab results, phase changes, review points and the
        expected flare window, sorted once and queried in ``O(log n + k)``.
        See :class:`b12course.Timeline`.

        Args:
            until: The exclusive horizon (aware), as for :meth:`plan`.
            now: The present, for the planned doses' statuses.
            grace: As for :meth:`plan`; also used by ``Timeline.overdue``.

        Raises:
            NaiveDatetimeError: ``until`` or ``now`` is naive.
        """
        from b12course._timeline import build_timeline  # noqa: PLC0415 - course -> timeline

        return build_timeline(self, until=until, now=now, grace=grace)

    # -- recording --------------------------------------------------------

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
        doses can be recorded in any order (backfilling).  The plan stays in
        time order, first dose first: a dose that would break that is refused
        (see ``Placement.check``).  Recording costs about the doses of the
        phase the dose lands in, not the whole history.

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
            DoseOrderError: The dose is more than one interval before the
                first planned dose, or before a skipped dose it would follow.
            ImplausibleDoseError: The dose is implausible for its route.
        """
        given_at = require_aware("given_at", given_at)
        index = bisect.bisect_left(self.given, utc(given_at), key=_utc_at)
        if index < len(self.given) and utc(self.given[index].at) == utc(given_at):
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
        given = (*self.given[:index], record, *self.given[index:])
        placement = locate(
            self.regimen,
            self.first_dose,
            self.zone,
            given=given,
            index=index,
            skips=self.skips,
            decisions=self.decisions,
        )
        placement.check()
        if dose is None:
            # Past the end of the last phase: the course's last dose is the best guess.
            planned = placement.slot.dose if placement.slot else None
            record = attrs.evolve(record, dose=planned or self.regimen.phases[-1].dose)
        if route is not None:
            chosen = record.dose
            record = attrs.evolve(
                record, dose=Dose(chosen.drug, chosen.amount, Route.parse(route))
            )
        in_order = _InTimeOrder((*self.given[:index], record, *self.given[index:]))
        return attrs.evolve(self, given=in_order)

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
        if until is None and due is not None:
            # The slot is due at `due`: the plan need go no further.
            until = due + dt.timedelta(microseconds=1)
        horizon = until or self.first_dose + dt.timedelta(days=5 * 366)
        pending = expand(
            self.regimen,
            self.first_dose,
            self.zone,
            until=require_aware("until", horizon),
            given=self.given,
            skips=self.skips,
            decisions=self.decisions,
            pending_only=True,
            given_sorted=True,
        ).doses
        for slot in pending:
            if slot.number == number or (due is not None and utc(slot.due) == utc(due)):
                skip = DoseSkip(
                    due=slot.due,
                    reason=reason,
                    phase=slot.phase,
                    number_in_phase=slot.number_in_phase,
                )
                return attrs.evolve(self, skips=(*self.skips, skip))
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

    # -- the clinical record ----------------------------------------------

    @property
    def treatment_start(self) -> dt.datetime:
        """When treatment started: the first dose given, else the planned first dose.

        Symptom baselines and the flare window are measured from it.  It is
        shown in the course's zone, whatever zone the dose was recorded in.
        """
        start = self.given[0].at if self.given else self.first_dose
        return start.astimezone(self.zone)

    def baseline(self, symptom: Symptom | str, *, last: int = 3) -> Baseline | None:
        """Return the pre-treatment baseline of ``symptom``, if one was logged.

        The baseline is the mean severity of the ``last`` (default 3) latest
        entries of the symptom before :attr:`treatment_start`.

        Args:
            symptom: A :class:`~b12course.Symptom`, or the label of an
                ``OTHER`` symptom.
            last: How many of the latest pre-treatment entries to average.

        Raises:
            InvalidRecordError: ``symptom`` names no symptom.
            SettingError: ``last`` is below 1.
        """
        return baseline(self.symptoms, symptom, before=self.treatment_start, last=last)

    def symptom_trend(
        self,
        symptom: Symptom | str,
        *,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        min_change: float = MEANINGFUL_CHANGE,
    ) -> Trend:
        """Return how ``symptom`` moved over ``[start, end)`` (see :func:`trend`).

        Raises:
            NaiveDatetimeError: ``start`` or ``end`` is naive.
        """
        return trend(
            self.symptoms, symptom, start=start, end=end, min_change=min_change
        )

    def flare_window(self, model: FlareModel | None = None) -> FlareWindow | None:
        """Return the window in which a transient worsening has been reported.

        None when the course starts with maintenance only and no ``model`` is
        given (:func:`~b12course.flare_window_applies`).

        Raises:
            SettingError: ``model`` is not a FlareModel.
        """
        if model is None and not flare_window_applies(self.regimen):
            return None
        return _check_model(model).window(self.treatment_start)

    def flare(
        self, model: FlareModel | None = None, *, now: dt.datetime | None = None
    ) -> FlareReport:
        """Describe the post-treatment flare as the symptom log shows it.

        The window is measured from the first dose actually given (the planned
        first dose until one is given).  The report describes; it never
        diagnoses.

        Args:
            model: The flare model; :class:`~b12course.FlareModel` defaults.
            now: The moment described; by default the latest symptom entry.

        Raises:
            NaiveDatetimeError: ``now`` is naive.
            SettingError: ``model`` is not a FlareModel.
        """
        return flare_report(
            self.symptoms,
            first_dose=self.treatment_start,
            first_dose_given=bool(self.given),
            model=model,
            now=now,
            applies=model is not None or flare_window_applies(self.regimen),
        )

    def assess(
        self, entry: SymptomEntry, model: FlareModel | None = None
    ) -> Assessment:
        """Assess one symptom entry against this course's baseline and flare window.

        Raises:
            InvalidRecordError: ``entry`` is not a SymptomEntry.
            SettingError: ``model`` is not a FlareModel.
        """
        return assess(
            entry,
            self.symptoms,
            first_dose=self.treatment_start,
            model=model,
            applies=model is not None or flare_window_applies(self.regimen),
        )

    def plateau_decisions(
        self,
        *,
        until: dt.datetime,
        rule: PlateauRule | None = None,
        extra_decisions: tuple[PhaseDecision, ...] = (),
    ) -> tuple[PhaseDecision, ...]:
        """Return the phase ends an improvement plateau implies (never recorded).

        For each "until no further improvement" phase that has begun before
        ``until`` and has no recorded decision, the symptom log is searched for
        a plateau (:class:`~b12course.PlateauRule`) after the phase's first
        dose and before its review point: after the review point, the plan
        already projects the phase's end, and only a clinician's decision
        changes it.  A plateau never ends a phase before its first dose.

        Args:
            until: The plan horizon, as for :meth:`plan`.
            rule: The plateau rule; the defaults when None.
            extra_decisions: Derived decisions already in force.

        Returns:
            One ``PhaseDecision(basis=DecisionBasis.PLATEAU)`` per phase ended.

        Raises:
            NaiveDatetimeError: ``until`` is naive.
            SettingError: ``rule`` is not a PlateauRule.
        """
        until = require_aware("until", until)
        derived: list[PhaseDecision] = []
        decided = {d.phase for d in (*self.decisions, *extra_decisions)}
        for index, phase in enumerate(self.regimen.phases):
            if not isinstance(phase.end, UntilNoFurtherImprovement) or index in decided:
                continue
            spans = self.expand(
                until=until, extra_decisions=(*extra_decisions, *derived)
            ).phases
            span = next((s for s in spans if s.index == index), None)
            if span is None or span.review is None:
                break
            at = find_plateau(
                self.symptoms,
                since=span.first,
                first_dose=self.treatment_start,
                zone=self.zone,
                rule=rule,
            )
            if at is not None and utc(at) < utc(span.review):
                derived.append(
                    PhaseDecision(
                        phase=index,
                        at=at.astimezone(self.zone),
                        reason="improvement plateau in the symptom log",
                        basis=DecisionBasis.PLATEAU,
                    )
                )
        return tuple(derived)

    def reviews(
        self,
        *,
        until: dt.datetime,
        end_on_plateau: PlateauRule | bool = False,
        pregnant_or_breastfeeding: bool = False,
    ) -> tuple[Review, ...]:
        """Return the review points before ``until``, in time order.

        - The review point of each "until no further improvement" phase,
          unless the phase was ended (by a decision, or a plateau when
          ``end_on_plateau`` asks for it) before that point.
        - The treatment review of NICE NG239: 3 calendar months after
          :attr:`treatment_start`, or 1 month when
          ``pregnant_or_breastfeeding``.

        Raises:
            NaiveDatetimeError: ``until`` is naive.
        """
        until = require_aware("until", until)
        found: list[Review] = []
        for span in self.expand(until=until, end_on_plateau=end_on_plateau).phases:
            if span.review is None or (
                span.decision is not None and utc(span.decision.at) <= utc(span.review)
            ):
                continue
            found.append(
                Review(
                    at=span.review,
                    kind=ReviewKind.LOADING_PHASE,
                    source=LOADING_REVIEW_SOURCE,
                    phase=span.index,
                )
            )
        found.append(
            treatment_review(
                self.treatment_start,
                self.zone,
                pregnant_or_breastfeeding=pregnant_or_breastfeeding,
            )
        )
        return tuple(
            sorted(
                (r for r in found if utc(r.at) < utc(until)), key=lambda r: utc(r.at)
            )
        )

    def suggest_site(
        self, sites: Sequence[_S] | None = None, *, route: Route | str = Route.IM
    ) -> _S | Site:
        """Return the injection site used least recently.

        Sites never used come first, in the order given; ties go to the
        earlier site in ``sites``.  Recorded site names are compared without
        regard to case or spaces.

        Args:
            sites: The sites to rotate through; by default the sites of
                ``route`` (:func:`~b12course._sites.sites_for`).
            route: The route of the dose to be given (default IM): IM doses
                rotate through IM sites, SC and deep SC ones through SC sites.

        Raises:
            InvalidRecordError: ``sites`` is a string, empty or not a sequence
                of names, or ``route`` has no injection site.
            RegimenError: ``route`` names no route.
        """
        if sites is None:
            return least_recently_used(self.given, sites_for(route))
        return least_recently_used(self.given, sites)
