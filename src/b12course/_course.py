"""The course: one person's treatment, as recorded.

A :class:`Course` holds what is known (the regimen, when the first dose was
planned, the doses given and skipped, phase decisions, symptom entries and lab
results) and derives everything else on demand: the plan, the timeline, the
flare report.  It is an immutable value: every ``record_*``, ``skip_*``,
``end_*`` and ``log_*`` method returns a new Course and leaves the old one
untouched, and invalid input raises before anything is built, so a course is
never half-changed.

The course keeps its own invariants (attrs validators), so a Course built by
``Course(...)``, ``attrs.evolve`` or :func:`b12course.json.loads` can never
hold what the methods refuse: two doses at one instant, a decision for a phase
the regimen does not have or a second decision for one phase, the same
symptom (or analyte) twice at one instant, a record outside the years courses
plan in.

:meth:`Course.timeline` is the one derivation of a course state's events:
every rendering reads it (see :mod:`b12course._timeline`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from copy import copy as copy_of
from operator import itemgetter
from typing import Any, TypeVar, cast

import attrs

from b12course._corrections import (
    Correction,
    Record,
    RecordKind,
    describe,
    instant_of,
    kind_of,
    minimum_interval,
)
from b12course._flare import (
    Assessment,
    FlareModel,
    FlareReport,
    FlareWindow,
    flare_window_applies,
)
from b12course._horizon import Horizon, PlanContinues, horizon_for
from b12course._labs import LabResult
from b12course._records import (
    AdministeredDose,
    Administrator,
    DecisionBasis,
    DoseSkip,
    PhaseConfirmation,
    PhaseDecision,
)
from b12course._regimen import (
    Dose,
    Phase,
    Regimen,
    Route,
    UntilLabResult,
    UntilNoFurtherImprovement,
    off_label,
)
from b12course._response import (
    CONDITION_REVIEW_SOURCE,
    LAB_RESULT_REVIEW_SOURCE,
    LOADING_REVIEW_SOURCE,
    PLATEAU_SUGGESTION_SOURCE,
    PlateauRule,
    Review,
    ReviewKind,
    find_plateau,
    treatment_review,
)
from b12course._schedule import (
    PhaseEnding,
    PhaseSpan,
    Plan,
    PlannedDose,
    confirmed_phases,
    expand,
    locate,
)
from b12course._sites import Site, least_recently_used, sites_for
from b12course._symptoms import (
    MEANINGFUL_CHANGE,
    Baseline,
    Symptom,
    SymptomEntry,
    SymptomLog,
    Trend,
    trend,
)
from b12course._text import text_validator
from b12course._time import (
    bounded_utc,
    out_of_bounds,
    require_aware,
    require_bounded,
    require_grace,
    utc,
    zone_of,
)
from b12course._timeline import EventKind, Timeline, TimelineEvent
from b12course._view import Clinical
from b12course.exceptions import (
    B12CourseError,
    CorrectionError,
    DuplicateRecordError,
    ImplausibleEntryError,
    InvalidRecordError,
    NoSuchDoseError,
    NotACourseError,
    PhaseDecisionError,
    RegimenError,
    SettingError,
)

__all__ = ["Course", "InOrder", "require_course"]


class InOrder(tuple[object, ...]):
    """Records a reader already checked as a course would: trusted, not re-checked.

    Each is of its field's kind, and their instants are within bounds and
    strictly increasing, so sorting them and looking for duplicates would
    change nothing.  Only ``b12course.json`` builds one, from records it has
    just read; a course stores them as a plain tuple.
    """

    __slots__ = ()


def _first_dose(
    _instance: object, attribute: attrs.Attribute[dt.datetime], value: object
) -> None:
    zone_of(attribute.name, value)
    require_bounded(attribute.name, value)


def _regimen(
    _instance: object, _attribute: attrs.Attribute[Regimen], value: object
) -> None:
    # Cadences and spans longer than 100 years, which would overflow plans,
    # are refused by the regimen model itself.
    if not isinstance(value, Regimen):
        raise RegimenError(f"a course needs a Regimen, not {value!r}")


_R = TypeVar("_R")


def _checked(  # noqa: PLR0917 - private; one call per kind of record below
    items: Iterable[object],
    kind: type[_R],
    name: str,
    instant: str,
    in_time_order: bool = True,
    identity: Callable[[Any], object] | None = None,
    duplicate: Callable[[Any], B12CourseError] | None = None,
) -> tuple[_R, ...]:
    """Check each record's kind and instant, sort by time, refuse duplicates.

    One pass, one UTC conversion per record: a course is rebuilt on every
    record_* call.  Skips and decisions keep the order they were recorded in
    (``in_time_order=False``); the plan reads them by instant anyway.  Two
    records are duplicates when their instants (and ``identity``) are equal.
    """
    if type(items) is InOrder:
        return tuple(items)  # type: ignore[arg-type]
    keyed: list[tuple[dt.datetime, _R]] = []
    for index, record in enumerate(items):
        if not isinstance(record, kind):
            raise InvalidRecordError(
                record, f"{name} holds {kind.__name__} values, not {record!r}"
            ).at_field(f"{name}[{index}]")
        value = getattr(record, instant)
        at = bounded_utc(value)
        if at is None:
            raise out_of_bounds(instant, value).at_field(f"{name}[{index}].{instant}")
        keyed.append((at, record))
    if in_time_order:
        keyed.sort(key=itemgetter(0))
    if duplicate is not None:
        seen: set[object] = set()
        for index, (at, record) in enumerate(keyed):
            key = at if identity is None else (at, identity(record))
            if key in seen:
                raise duplicate(record).at_field(f"{name}[{index}].{instant}")
            seen.add(key)
    return tuple(record for _, record in keyed)


_RECORDS: dict[str, Callable[[Iterable[object]], tuple[object, ...]]] = {}


def _utc_at(record: AdministeredDose | SymptomEntry | LabResult) -> dt.datetime:
    return utc(record.at)


def _given(items: Iterable[object]) -> tuple[AdministeredDose, ...]:
    return _checked(
        items, AdministeredDose, "given", "at", duplicate=_duplicate_dose_of
    )


def _skips(items: Iterable[object]) -> tuple[DoseSkip, ...]:
    return _checked(items, DoseSkip, "skips", "due", in_time_order=False)


def _decided(items: Iterable[object]) -> tuple[PhaseDecision, ...]:
    return _checked(items, PhaseDecision, "decisions", "at", in_time_order=False)


def _confirmed(items: Iterable[object]) -> tuple[PhaseConfirmation, ...]:
    return _checked(
        items, PhaseConfirmation, "confirmations", "at", in_time_order=False
    )


def _symptoms(items: Iterable[object]) -> tuple[SymptomEntry, ...]:
    return _checked(
        items,
        SymptomEntry,
        "symptoms",
        "at",
        identity=_label,
        duplicate=_duplicate_entry,
    )


def _labs(items: Iterable[object]) -> tuple[LabResult, ...]:
    return _checked(
        items, LabResult, "labs", "at", identity=_analyte, duplicate=_duplicate_lab
    )


_RECORDS.update(given=_given, symptoms=_symptoms, labs=_labs)


def _corrections(items: Iterable[object]) -> tuple[Correction, ...]:
    corrections: list[Correction] = []
    for index, correction in enumerate(items):
        if not isinstance(correction, Correction):
            raise InvalidRecordError(
                correction,
                f"corrections holds Correction values, not {correction!r:.80}",
            ).at_field(f"corrections[{index}]")
        corrections.append(correction)
    return tuple(corrections)


def _corrected_phases(
    instance: Course,
    _attribute: attrs.Attribute[tuple[Correction, ...]],
    value: tuple[Correction, ...],
) -> None:
    """Refuse a corrected decision for a phase the regimen does not have."""
    phases = len(instance.regimen.phases)
    for index, correction in enumerate(value):
        for name, record in (
            ("record", correction.record),
            ("replacement", correction.replacement),
        ):
            if isinstance(record, PhaseDecision) and record.phase >= phases:
                raise PhaseDecisionError.no_such_phase(record.phase, phases).at_field(
                    f"corrections[{index}].{name}.phase"
                )


# Where a course keeps each kind of record in force.
_FIELDS: dict[RecordKind, str] = {
    RecordKind.DOSE: "given",
    RecordKind.SKIP: "skips",
    RecordKind.DECISION: "decisions",
    RecordKind.SYMPTOM: "symptoms",
    RecordKind.LAB: "labs",
}


def _label(entry: SymptomEntry) -> str:
    return entry.label


def _analyte(result: LabResult) -> object:
    return result.analyte


def _duplicate_dose(at: dt.datetime) -> DuplicateRecordError:
    return DuplicateRecordError(
        at,
        f"a dose is already recorded at {at.isoformat()}; a dose cannot be "
        "given twice at one instant",
    )


def _duplicate_dose_of(record: AdministeredDose) -> DuplicateRecordError:
    return _duplicate_dose(record.at)


def _duplicate_entry(entry: SymptomEntry) -> DuplicateRecordError:
    return DuplicateRecordError(
        entry, f"{entry.label} is already logged at {entry.at.isoformat()}"
    )


def _duplicate_lab(result: LabResult) -> DuplicateRecordError:
    return DuplicateRecordError(
        result,
        f"{result.analyte.value} is already recorded at {result.at.isoformat()}",
    )


def _decisions(
    instance: Course | None,
    _attribute: attrs.Attribute[tuple[PhaseDecision, ...]],
    value: tuple[PhaseDecision, ...],
) -> None:
    """Refuse decisions for phases that do not exist, and two for one phase."""
    decided: set[int] = set()
    for index, decision in enumerate(value):
        where = f"decisions[{index}].phase"
        if instance is not None:
            phases = instance.regimen.phases
            if decision.phase >= len(phases):
                raise PhaseDecisionError.no_such_phase(
                    decision.phase, len(phases)
                ).at_field(where)
            if decision.phase in decided:
                name = phases[decision.phase].name
                raise PhaseDecisionError.already_decided(decision.phase, name).at_field(
                    where
                )
        decided.add(decision.phase)


def _not_future(
    what: str, at: dt.datetime, now: dt.datetime | None, allow_future: bool
) -> None:
    """Refuse a record later than ``now`` unless acknowledged."""
    if now is None:
        return
    now = require_aware("now", now)
    if not allow_future and utc(require_aware("at", at)) > utc(now):
        raise ImplausibleEntryError.future(what, at, now)


def _record_kind(kind: object) -> RecordKind:
    if isinstance(kind, RecordKind):
        return kind
    for member in RecordKind:
        if isinstance(kind, str) and kind.strip().casefold() == member.value:
            return member
    choices = ", ".join(m.value for m in RecordKind)
    raise CorrectionError(kind, f"a record's kind is one of {choices}, not {kind!r}")


def _matches(
    record: Record, at: dt.datetime | None, name: str | None, course: Course
) -> bool:
    """True when ``record`` is at ``at`` (if given) and named ``name`` (if given)."""
    if at is not None and utc(instant_of(record)) != utc(at):
        return False
    if name is None:
        return True
    wanted = name.strip().casefold()
    if isinstance(record, SymptomEntry):
        return record.label.casefold() == wanted or record.symptom.value == wanted
    if isinstance(record, LabResult):
        return record.analyte.value == wanted
    if isinstance(record, PhaseDecision):
        phases = course.regimen.phases
        return (
            record.phase < len(phases)
            and phases[record.phase].name.casefold() == wanted
        )
    return False


def _corrected(course: Course, correction: Correction) -> Course:
    """Return a copy of ``course`` with ``correction`` added to its corrections."""
    copy = copy_of(course)
    object.__setattr__(copy, "corrections", (*course.corrections, correction))
    return copy


def _confirmations(
    instance: Course | None,
    _attribute: attrs.Attribute[tuple[PhaseConfirmation, ...]],
    value: tuple[PhaseConfirmation, ...],
) -> None:
    """Refuse confirmations of phases that do not exist or carry no condition."""
    confirmed: set[int] = set()
    for index, confirmation in enumerate(value):
        where = f"confirmations[{index}].phase"
        if instance is not None:
            phases = instance.regimen.phases
            if confirmation.phase >= len(phases):
                raise PhaseDecisionError.no_such_phase(
                    confirmation.phase, len(phases)
                ).at_field(where)
            phase = phases[confirmation.phase]
            if phase.condition is None:
                raise PhaseDecisionError.not_conditional(
                    confirmation.phase, phase.name
                ).at_field(where)
            if confirmation.phase in confirmed:
                raise PhaseDecisionError.already_confirmed(
                    confirmation.phase, phase.name
                ).at_field(where)
        confirmed.add(confirmation.phase)


def _warn_off_label(dose: Dose, stacklevel: int = 3) -> None:
    """Warn when ``dose`` gives its drug by a route outside the label."""
    warning = off_label(dose)
    if warning is not None:
        import warnings  # noqa: PLC0415 - only an off-label entry needs it

        warnings.warn(warning, stacklevel=stacklevel)


def _at(at: dt.datetime, kind: EventKind, payload: object) -> TimelineEvent:
    return TimelineEvent.instant(at, kind, payload)


_END_OF_TIME = dt.datetime.max.replace(tzinfo=dt.timezone.utc)


def _flare_model(model: object) -> FlareModel | None:
    if model is not None and not isinstance(model, FlareModel):
        raise SettingError.wrong_kind("flare_model", model, "a FlareModel or None")
    return model


def _within(
    doses: tuple[PlannedDose, ...],
    horizon: Horizon,
    waiting: Phase | None = None,
) -> tuple[tuple[PlannedDose, ...], PlanContinues | None]:
    """Return the doses the horizon shows, and where the plan continues past it.

    A pending provisional dose due at or after the provisional horizon is
    not shown (provisional doses follow the firm ones, so this cuts a tail);
    the first one not shown names the phase that goes on.  ``waiting`` is a
    conditional phase no clinician has confirmed yet: the doses then wait for
    that confirmation, not for a phase to be ended, and the event says so.
    """
    cut = utc(horizon.provisional)
    for i, dose in enumerate(doses):
        if dose.provisional and dose.pending and utc(dose.due) >= cut:
            shown = doses[:i] + tuple(
                d for d in doses[i:] if not (d.provisional and d.pending)
            )
            if waiting is not None and waiting.condition is not None:
                return shown, PlanContinues(
                    at=horizon.provisional,
                    phase_name=dose.phase_name,
                    text=(
                        "the plan continues provisionally until a clinician "
                        f"confirms the condition of the {waiting.name} phase: "
                        "sync or export again to see more"
                    ),
                )
            return shown, PlanContinues(
                at=horizon.provisional, phase_name=dose.phase_name
            )
    return doses, None


def _begun(
    spans: tuple[PhaseSpan, ...], doses: tuple[PlannedDose, ...], horizon: Horizon
) -> tuple[PhaseSpan, ...]:
    """Return the spans begun before the provisional horizon or with doses shown."""
    shown = {d.phase for d in doses}
    cut = utc(horizon.provisional)
    return tuple(s for s in spans if s.index in shown or utc(s.first) < cut)


def require_course(value: object, what: str = "course") -> Course:
    """Return ``value`` if it is a Course; every rendering checks its input so.

    Args:
        value: The value given to a rendering, the JSON writer or a worklist.
        what: What the value was for, in the message (``"course"``).

    Raises:
        NotACourseError: ``value`` is not a Course.

    >>> require_course(None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    b12course.exceptions.NotACourseError: expected a b12course Course as the course...
    """
    if not isinstance(value, Course):
        raise NotACourseError(value, what)
    return value


def _new_id() -> str:
    import uuid  # noqa: PLC0415 - only a new course needs it; keeps start-up short

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
    raise SettingError.wrong_kind(
        "end_on_plateau", value, "True, False or a PlateauRule"
    )


@attrs.frozen(kw_only=True)
class Course:
    """One person's course of B12 treatment.

    Build one with :meth:`begin`; record what happens with the ``record_*``,
    ``skip_dose``, ``end_phase``, ``confirm_phase`` and ``log_symptom``
    methods, each of which returns a new Course.

    Attributes:
        regimen: The regimen followed.
        first_dose: When the first dose is or was planned; its ``ZoneInfo`` is
            the course's zone, in which every dose keeps its wall-clock time.
        id: A stable identity (calendar UIDs derive from it).
        given: Doses given, in time order.
        skips: Planned doses decided not to be given.
        decisions: Phase-ending decisions.
        confirmations: Confirmations that the condition of a conditional
            phase is met (:meth:`confirm_phase`); until then its doses are
            provisional.
        symptoms: Symptom entries, in time order (earlier ones are the baseline).
        labs: Lab results, in time order.
        pregnant_or_breastfeeding: The person is pregnant or breastfeeding:
            the NICE NG239 treatment review is then after 1 month, not 3
            (set it with :meth:`with_pregnancy`).
        corrections: Records voided as entered in error or amended, in the
            order corrected (:meth:`void`, :meth:`amend`).  They stay in the
            course, with who, when and why, and take no part in the plan.

    Raises:
        DuplicateRecordError: Two doses at one instant, or the same symptom
            (or analyte) twice at one instant.
        PhaseDecisionError: A decision for a phase the regimen does not have,
            or two decisions for one phase.
        OutOfBoundsError: A record outside the years 1000 to 8999.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import regimens
    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> course = Course.begin(
    ...     regimens.get("bnf-hydroxocobalamin-non-neuro"),
    ...     first_dose=dt.datetime(2026, 12, 7, 9, tzinfo=london),
    ... )
    >>> plan = course.plan(until=dt.datetime(2026, 12, 19, tzinfo=london))
    >>> [d.due.strftime("%a %d %b") for d in plan]
    ['Mon 07 Dec', 'Wed 09 Dec', 'Fri 11 Dec', 'Mon 14 Dec', 'Wed 16 Dec', 'Fri 18 Dec']
    """

    regimen: Regimen = attrs.field(validator=_regimen)
    first_dose: dt.datetime = attrs.field(validator=_first_dose)
    id: str = attrs.field(factory=_new_id, validator=text_validator)
    given: tuple[AdministeredDose, ...] = attrs.field(
        default=(),
        converter=_given,
    )
    skips: tuple[DoseSkip, ...] = attrs.field(default=(), converter=_skips)
    decisions: tuple[PhaseDecision, ...] = attrs.field(
        default=(), converter=_decided, validator=_decisions
    )
    symptoms: tuple[SymptomEntry, ...] = attrs.field(
        default=(),
        converter=_symptoms,
    )
    labs: tuple[LabResult, ...] = attrs.field(
        default=(),
        converter=_labs,
    )
    pregnant_or_breastfeeding: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool)
    )
    corrections: tuple[Correction, ...] = attrs.field(
        default=(), converter=_corrections, validator=_corrected_phases
    )
    confirmations: tuple[PhaseConfirmation, ...] = attrs.field(
        default=(), converter=_confirmed, validator=_confirmations
    )

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
            regimen: The regimen, e.g.
                ``b12course.regimens.get("bnf-hydroxocobalamin-neuro")``.
            first_dose: An aware datetime whose tzinfo is a ``zoneinfo.ZoneInfo``;
                its zone becomes the course's zone.
            id: A stable identity; a random one is made when omitted.

        Raises:
            NaiveDatetimeError: ``first_dose`` is naive.
            ZoneError: Its tzinfo is not an IANA ``ZoneInfo`` (e.g. a fixed offset).
            TextError: ``id`` is not text.
            OutOfBoundsError: ``first_dose`` is outside the years 1000 to 8999.

        Warns:
            OffLabelRouteWarning: A phase gives a drug by a route outside its
                label (hydroxocobalamin other than IM); it is accepted.
        """
        course = (
            cls(regimen=regimen, first_dose=first_dose)
            if id is None
            else cls(regimen=regimen, first_dose=first_dose, id=id)
        )
        for phase in regimen.phases:
            _warn_off_label(phase.dose)
        return course

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The course's IANA zone."""
        # The first dose's zone was checked when the course was made (an
        # IANA ZoneInfo, not a leap-second zone): read it, do not check again.
        return cast("zoneinfo.ZoneInfo", self.first_dose.tzinfo)

    @property
    def confirmed_phases(self) -> frozenset[int]:
        """The conditional phases whose condition a clinician has confirmed.

        A confirmation covers its phase and the phases right after it that
        carry the same condition.
        """
        if not self.confirmations:
            return frozenset()
        return confirmed_phases(self.regimen, (c.phase for c in self.confirmations))

    @property
    def _waiting_phase(self) -> Phase | None:
        """The first conditional phase whose condition no clinician confirmed."""
        confirmed = self.confirmed_phases
        return next(
            (
                p
                for i, p in enumerate(self.regimen.phases)
                if p.condition is not None and i not in confirmed
            ),
            None,
        )

    @functools.cached_property
    def _symptom_log(self) -> SymptomLog:
        # The symptom log grouped by symptom, built once per course object
        # (baselines and trends of every symptom then cost O(n) in all).
        # Not an attrs field, so equality, hash, repr, attrs.evolve, copies,
        # pickles and JSON never see it.
        return SymptomLog(self.symptoms)

    @functools.cached_property
    def _plateaus(self) -> dict[tuple[dt.datetime, PlateauRule | None], Any]:
        # find_plateau's answers for this course object, by (since, rule):
        # the plan (end_on_plateau) and the reviews ask the same question.
        return {}

    def _plateau(
        self, since: dt.datetime, rule: PlateauRule | None
    ) -> dt.datetime | None:
        """Return :func:`find_plateau` over the log, found once per question."""
        key = (utc(since), rule)
        found = self._plateaus
        if key not in found:
            found[key] = find_plateau(
                self.symptoms,
                since=since,
                first_dose=self.treatment_start,
                first_dose_given=bool(self.given),
                zone=self.zone,
                rule=rule,
            )
        answer: dt.datetime | None = found[key]
        return answer

    def with_pregnancy(self, pregnant_or_breastfeeding: bool = True) -> Course:
        """Return a new Course for a person pregnant or breastfeeding (or no longer).

        NICE NG239 then reviews treatment after 1 month instead of 3; the
        review moves in :meth:`reviews`, the timeline and every rendering.

        Raises:
            InvalidRecordError: The value is not a bool.
        """
        if not isinstance(pregnant_or_breastfeeding, bool):
            raise InvalidRecordError(
                pregnant_or_breastfeeding,
                "pregnant_or_breastfeeding is True or False, not "
                f"{pregnant_or_breastfeeding!r}",
            )
        return attrs.evolve(self, pregnant_or_breastfeeding=pregnant_or_breastfeeding)

    def _adding(
        self, name: str, record: AdministeredDose | SymptomEntry | LabResult
    ) -> Course:
        """Return a copy with ``record`` inserted into ``name`` in time order.

        The fast path of the ``record_*`` methods: it skips re-checking the
        records this course already holds (they were checked when it was
        built) and checks only the new one, in ``O(log n)`` comparisons plus
        one tuple copy, where ``attrs.evolve`` would check all ``n`` again.
        The result equals what ``attrs.evolve`` would build.
        """
        records: tuple[Any, ...] = getattr(self, name)
        at = bounded_utc(record.at)
        if at is None:
            where = f"{name}[{len(records)}].at"
            raise out_of_bounds("at", record.at).at_field(where)
        first = bisect.bisect_left(records, at, key=_utc_at)
        i = bisect.bisect_right(records, at, lo=first, key=_utc_at)
        # The new record, beside those at the same instant: kind and duplicates.
        _RECORDS[name]((*records[first:i], record))
        copy = copy_of(self)  # every field as it is: already checked
        # The newest record (the usual case) is one copy of the tuple;
        # concatenation copies faster than unpacking into a new tuple.
        added = (
            records + (record,)  # noqa: RUF005
            if i == len(records)
            else records[:i] + (record,) + records[i:]  # noqa: RUF005
        )
        object.__setattr__(copy, name, added)
        return copy

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
        grace = require_grace(grace)
        rule = _plateau_rule(end_on_plateau)
        if rule is not None:
            extra_decisions += self.plateau_decisions(
                until=until, rule=rule, extra_decisions=extra_decisions
            )
        return self._derive(until, now=now, grace=grace, suggested=extra_decisions)

    def _derive(
        self,
        until: dt.datetime,
        *,
        now: dt.datetime | None = None,
        grace: dt.timedelta | None = None,
        suggested: tuple[PhaseDecision, ...] = (),
        derived: tuple[PhaseDecision, ...] = (),
        pending_only: bool = False,
    ) -> Plan:
        """The one door into :func:`~b12course._schedule.expand` for this record.

        ``suggested`` decisions end their phase and make what follows
        provisional; ``derived`` ones count as recorded (``pending_doses``
        with ``end_on_plateau``).  Arguments are checked by the callers.
        """
        return expand(
            self.regimen,
            self.first_dose,
            self.zone,
            until=until,
            given=self.given,
            skips=self.skips,
            decisions=self.decisions + derived,
            suggested_decisions=suggested,
            now=now,
            grace=grace,
            pending_only=pending_only,
            given_sorted=True,  # a Course keeps its doses in time order
            confirmed=self.confirmed_phases,
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
            SettingError: ``end_on_plateau`` is neither a bool nor a PlateauRule,
                or ``grace`` is negative or not a timedelta.
        """
        return self.expand(
            until=until, now=now, grace=grace, end_on_plateau=end_on_plateau
        ).doses

    def pending_doses(
        self,
        *,
        until: dt.datetime,
        now: dt.datetime | None = None,
        grace: dt.timedelta | None = None,
        end_on_plateau: PlateauRule | bool = False,
    ) -> tuple[PlannedDose, ...]:
        """Return the pending planned doses (not given, not skipped) before ``until``.

        They are exactly the pending doses of :meth:`plan`, numbered the same,
        found without building the slots already given (worklists over many
        courses use this).  Arguments and errors as for :meth:`plan`.
        """
        until = require_aware("until", until)
        if now is not None:
            now = require_aware("now", now)
        grace = require_grace(grace)
        rule = _plateau_rule(end_on_plateau)
        derived = () if rule is None else self.plateau_decisions(until=until, rule=rule)
        return self._derive(
            until, now=now, grace=grace, derived=derived, pending_only=True
        ).doses

    def timeline(
        self,
        *,
        until: dt.datetime | None = None,
        now: dt.datetime | None = None,
        grace: dt.timedelta | None = None,
        end_on_plateau: PlateauRule | bool = False,
        flare_model: FlareModel | None = None,
        provisional_horizon: dt.timedelta | None = None,
    ) -> Timeline:
        """Return the view of the course at ``now``: every event before the horizon.

        This is the one derivation every rendering reads: planned doses (with
        their status at ``now``), doses given and skipped, symptom entries,
        lab results, phase changes, review points and the flare window,
        derived once, sorted once and queried in ``O(log n + k)``.  The
        timeline also carries what a person reads beyond the events: the
        assessment of each symptom entry, the flare report, baselines and
        trends, adherence, the phase decisions, the next dose and the site
        suggested for it, and the horizon; see :class:`b12course.Timeline`.

        The horizon follows the one policy (:func:`b12course.horizon_for`):
        firm doses to ``until`` (by default 366 days past ``now``, or past
        the first dose for a preview); provisional doses to
        ``provisional_horizon`` (12 weeks) past ``now`` (or the first dose),
        then one ``PLAN_CONTINUES`` event where the plan goes on.

        Args:
            until: The exclusive horizon (aware), as for :meth:`plan`; the
                policy's firm horizon when None.
            now: The present, for the planned doses' statuses.
            grace: As for :meth:`plan`; also used by ``Timeline.overdue``.
            end_on_plateau: As for :meth:`plan`.
            flare_model: The flare model of the window; the defaults when None.
            provisional_horizon: How far past ``now`` (or the first dose)
                provisional doses show; 12 weeks when None.

        Raises:
            NaiveDatetimeError: ``until`` or ``now`` is naive.
            SettingError: ``grace``, ``end_on_plateau``, ``flare_model`` or
                ``provisional_horizon`` is not well formed.
        """
        if now is not None:
            now = require_aware("now", now)
        horizon = horizon_for(
            self.first_dose,
            now=now,
            until=until,
            provisional_horizon=provisional_horizon,
        )
        until = horizon.firm
        plan = self.expand(
            until=until, now=now, grace=grace, end_on_plateau=end_on_plateau
        )
        doses, continues = _within(plan.doses, horizon, self._waiting_phase)
        spans = _begun(plan.phases, doses, horizon)
        window = self.flare_window(flare_model)
        events = [
            *self._plan_events(spans, doses),
            *self._record_events(utc(until)),
            *(_at(r.at, EventKind.REVIEW, r) for r in self._reviews(plan, until)),
        ]
        if continues is not None:
            events.append(
                _at(
                    continues.at.astimezone(self.zone),
                    EventKind.PLAN_CONTINUES,
                    continues,
                )
            )
        if window is not None and utc(window.start) < utc(until):
            zone = self.zone
            events.append(
                TimelineEvent(
                    start=window.start.astimezone(zone),
                    end=window.end.astimezone(zone),
                    kind=EventKind.FLARE_WINDOW,
                    payload=window,
                )
            )
        return Timeline.from_events(
            events,
            zone=self.zone,
            grace=grace,
            until=until,
            now=now,
            flare_window=window,
            suggested_site=self._suggested_site(doses),
            horizon=horizon,
            decisions=tuple(s.decision for s in plan.phases if s.decision is not None),
            clinical=self._clinical(flare_model, until=until, now=now),
            regimen=self.regimen,
            course_id=self.id,
            first_dose=self.first_dose,
            pregnant_or_breastfeeding=self.pregnant_or_breastfeeding,
            confirmations=self.confirmations,
            corrections=self.corrections,
        )

    def _clinical(
        self,
        model: FlareModel | None,
        *,
        until: dt.datetime = _END_OF_TIME,
        now: dt.datetime | None = None,
    ) -> Clinical:
        """The symptom log read at ``now``: what the view carries, and flare() reads."""
        return Clinical(
            entries=self.symptoms,
            until=until,
            treatment_start=self.treatment_start,
            first_dose_given=bool(self.given),
            model=_flare_model(model),
            applies=model is not None or flare_window_applies(self.regimen),
            now=now,
        )

    def _suggested_site(self, doses: Sequence[PlannedDose]) -> str | None:
        """Return the site for the next dose (``Timeline.next_pending``), by its route.

        None when that dose's route has no injection site (oral, nasal).
        """
        pending = next((d for d in doses if d.pending), None)
        dose = pending.dose if pending is not None else self.regimen.phases[-1].dose
        try:
            return self.suggest_site(route=dose.route)
        except InvalidRecordError:  # a route with no injection site
            return None

    def _plan_events(
        self, spans: Iterable[PhaseSpan], doses: Iterable[PlannedDose]
    ) -> Iterator[TimelineEvent]:
        """Yield the phase changes and the planned doses shown."""
        zone = self.zone
        for span in spans:
            yield _at(span.first.astimezone(zone), EventKind.PHASE_CHANGE, span)
        for dose in doses:
            yield _at(dose.due, EventKind.PLANNED_DOSE, dose)

    def _record_events(self, horizon: dt.datetime) -> Iterator[TimelineEvent]:
        """Yield the records (given, skipped, symptoms, labs) before ``horizon``."""
        zone = self.zone
        records: tuple[tuple[EventKind, tuple[Any, ...], str], ...] = (
            (EventKind.DOSE_GIVEN, self.given, "at"),
            (EventKind.DOSE_SKIPPED, self.skips, "due"),
            (EventKind.SYMPTOM, self.symptoms, "at"),
            (EventKind.LAB_RESULT, self.labs, "at"),
        )
        for kind, items, attribute in records:
            for record in items:
                at = getattr(record, attribute)
                if utc(at) < horizon:
                    yield _at(at.astimezone(zone), kind, record)

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
        by: Administrator | str | None = None,
        now: dt.datetime | None = None,
        allow_future: bool = False,
        allow_close: bool = False,
        allow_renumber: bool = False,
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
            by: Who gave it: an :class:`~b12course.Administrator` or its value
                (``"self"``, ``"carer"``, ``"clinician"``).
            now: The present: a dose later than it is refused unless
                ``allow_future`` (domain code never reads the clock; without
                ``now`` the check is not made).
            allow_future: Accept a dose later than ``now``.
            allow_close: Accept a dose within its route's minimum interval
                (12 hours for injections) of another dose given.
            allow_renumber: Accept a dose given before doses already
                recorded, which moves them to later numbers.

        Raises:
            NaiveDatetimeError: ``given_at`` is naive.
            OutOfBoundsError: ``given_at`` is outside the years 1000 to 8999.
            DuplicateRecordError: A dose is already recorded at that instant.
            DoseOrderError: The dose is more than one interval before the
                first planned dose, or before a skipped dose it would follow.
            ImplausibleDoseError: The dose is implausible for its route.
            ImplausibleEntryError: The dose is later than ``now``, within
                the minimum interval of another dose given, or would renumber
                doses already recorded, and that was not acknowledged.
            InvalidRecordError: ``by`` names no administrator.
            TextError: ``site``, ``lot`` or ``note`` is not text.

        Warns:
            OffLabelRouteWarning: The dose's drug is given by a route outside
                its label (hydroxocobalamin other than IM); it is recorded.
        """
        given_at = require_bounded("given_at", given_at)
        record = AdministeredDose(
            at=given_at,
            dose=dose if dose is not None else self.regimen.phases[0].dose,
            site=site,
            lot=lot,
            note=note,
            by=by,
        )
        return self._record_given(
            record,
            planned=dose is None,
            route=route,
            now=now,
            allow_future=allow_future,
            allow_close=allow_close,
            allow_renumber=allow_renumber,
        )

    def _record_given(
        self,
        record: AdministeredDose,
        *,
        planned: bool,
        route: Route | str | None,
        now: dt.datetime | None,
        allow_future: bool,
        allow_close: bool,
        allow_renumber: bool,
        keep_index: int | None = None,
    ) -> Course:
        """Add ``record`` to the doses given, after every check of record_dose.

        ``keep_index`` is where the dose goes without renumbering any other
        (an amended dose's old place; the end for a new one).
        """
        given_at = require_bounded("given_at", record.at)
        if now is not None:
            now = require_aware("now", now)
            if not allow_future and utc(given_at) > utc(now):
                raise ImplausibleEntryError.future("a dose", given_at, now)
        index = bisect.bisect_left(self.given, utc(given_at), key=_utc_at)
        if index < len(self.given) and utc(self.given[index].at) == utc(given_at):
            raise _duplicate_dose(given_at)
        given = (*self.given[:index], record, *self.given[index:])
        placement = locate(
            self.regimen,
            self.first_dose,
            self.zone,
            given=given,
            index=index,
            skips=self.skips,
            decisions=self.decisions,
            confirmed=self.confirmed_phases,
        )
        placement.check()
        if planned:
            # Past the end of the last phase: the course's last dose is the best guess.
            slot_dose = placement.slot.dose if placement.slot else None
            record = attrs.evolve(
                record, dose=slot_dose or self.regimen.phases[-1].dose
            )
        if route is not None:
            chosen = record.dose
            record = attrs.evolve(
                record, dose=Dose(chosen.drug, chosen.amount, Route.parse(route))
            )
        if not allow_close:
            self._check_close(record, index)
        if keep_index is None:
            keep_index = len(self.given)
        if not allow_renumber and index != keep_index:
            moved = self.given[min(index, keep_index)]
            raise ImplausibleEntryError.renumbers(
                given_at, moved.at, self._number_of(moved)
            )
        if not planned or route is not None:  # the planned dose was warned of
            _warn_off_label(record.dose, stacklevel=4)
        return self._adding("given", record)

    def _number_of(self, record: AdministeredDose) -> int | None:
        """The number in the plan of the dose given ``record`` (None past the plan)."""
        until = utc(record.at) + dt.timedelta(microseconds=1)
        for slot in self.plan(until=until):
            if slot.given == record:
                return slot.number
        return None

    def _check_close(self, record: AdministeredDose, index: int) -> None:
        """Refuse a dose within its route's minimum interval of a dose given."""
        minimum = minimum_interval(record.dose.route)
        if minimum is None:
            return
        at = utc(record.at)
        for other in self.given[max(index - 1, 0) : index + 1]:
            if abs(utc(other.at) - at) < minimum:
                raise ImplausibleEntryError.too_close(
                    record.at, other.at, minimum, record.dose.route.abbreviation
                )

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
            NoSuchDoseError: No pending planned dose has that due time or
                number, or ``number`` is not a whole number (``True`` is not one).
            OutOfBoundsError: ``due`` is outside the years 1000 to 8999.
        """
        if number is not None and (
            isinstance(number, bool) or not isinstance(number, int)
        ):
            raise NoSuchDoseError(
                number, f"number is a dose's whole number in the plan, not {number!r}"
            )
        if (due is None) == (number is None):
            raise NoSuchDoseError(
                (due, number), "name the dose by due or by number, not both"
            )
        if due is not None:
            due = require_bounded("due", due)  # a plan ends before the year 9000
        if until is None and due is not None:
            # The slot is due at `due`: the plan need go no further.
            until = due + dt.timedelta(microseconds=1)
        horizon = until or self.first_dose + dt.timedelta(days=5 * 366)
        pending = self._derive(require_aware("until", horizon), pending_only=True).doses
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
        by: Administrator | str | None = None,
    ) -> Course:
        """Return a new Course in which the phase in progress at ``at`` ends at ``at``.

        This is how a clinician ends an "until no further improvement" loading
        phase; it also stops any other phase early (ending the last phase ends
        the course).  Doses from ``at`` on belong to the next phase, which
        starts one of its own intervals after the last dose of this one.

        Args:
            at: When the phase ends (aware).
            reason: Why, in free text.
            basis: A clinician's decision (default) or a plateau.
            by: Who decided: an :class:`~b12course.Administrator` or its value
                (``"self"``, ``"carer"``, ``"clinician"``), shown in the
                summary and FHIR.

        Raises:
            NaiveDatetimeError: ``at`` is naive.
            InvalidRecordError: ``by`` names no one b12course knows.
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
            raise PhaseDecisionError.nothing_in_progress(at)
        span = open_spans[0]
        if any(d.phase == span.index for d in self.decisions):
            raise PhaseDecisionError.already_decided(span.index, span.phase.name)
        decision = PhaseDecision(
            phase=span.index, at=at, reason=reason, basis=basis, by=by
        )
        return attrs.evolve(self, decisions=(*self.decisions, decision))

    def confirm_phase(
        self,
        at: dt.datetime,
        reason: str = "",
        *,
        by: Administrator | str | None = None,
        phase: int | None = None,
    ) -> Course:
        """Return a new Course in which a clinician confirms a phase's condition.

        A conditional phase (the FDA label's alternate-day doses, given only
        "If there is clinical improvement and if a reticulocyte response is
        observed") has provisional doses until its condition is confirmed;
        the confirmation covers the phases right after it that carry the same
        condition.  By default the first conditional phase not yet confirmed
        is confirmed.

        >>> import datetime as dt, zoneinfo
        >>> from b12course import regimens
        >>> ny = zoneinfo.ZoneInfo("America/New_York")
        >>> start = dt.datetime(2026, 12, 1, 9, tzinfo=ny)
        >>> course = Course.begin(
        ...     regimens.get("us-label-pernicious-anaemia"), first_dose=start
        ... )
        >>> until = dt.datetime(2026, 12, 12, tzinfo=ny)
        >>> [d.provisional for d in course.plan(until=until)][6:]
        [False, True, True]
        >>> confirmed = course.confirm_phase(
        ...     start + dt.timedelta(days=6), "reticulocytes rose", by="clinician"
        ... )
        >>> [d.provisional for d in confirmed.plan(until=until)][6:]
        [False, False, False]

        Args:
            at: When the condition was confirmed (aware).
            reason: What was seen, in free text.
            by: Who confirmed it (usually ``"clinician"``).
            phase: The index of the conditional phase, when not the first
                unconfirmed one.

        Raises:
            NaiveDatetimeError: ``at`` is naive.
            OutOfBoundsError: ``at`` is outside the years 1000 to 8999.
            PhaseDecisionError: No phase is left to confirm, or ``phase``
                carries no condition, does not exist or is already confirmed.
            InvalidRecordError: ``by`` names no one b12course knows.
        """
        at = require_bounded("at", at)
        covered = self.confirmed_phases
        phases = self.regimen.phases
        if phase is None:
            phase = next(
                (
                    i
                    for i, p in enumerate(phases)
                    if p.condition is not None and i not in covered
                ),
                None,
            )
            if phase is None:
                raise PhaseDecisionError.nothing_to_confirm()
        elif isinstance(phase, bool) or not isinstance(phase, int) or phase < 0:
            raise PhaseDecisionError.no_such_phase(phase, len(phases))
        elif phase in covered:
            raise PhaseDecisionError.already_confirmed(phase, phases[phase].name)
        confirmation = PhaseConfirmation(phase=phase, at=at, reason=reason, by=by)
        return attrs.evolve(self, confirmations=(*self.confirmations, confirmation))

    def log_symptom(
        self,
        entry: SymptomEntry,
        *,
        now: dt.datetime | None = None,
        allow_future: bool = False,
    ) -> Course:
        """Return a new Course with a symptom entry added.

        Args:
            entry: The entry.
            now: The present: an entry later than it is refused unless
                ``allow_future`` (without ``now`` the check is not made).
            allow_future: Accept an entry later than ``now``.

        Raises:
            InvalidRecordError: ``entry`` is not a SymptomEntry.
            DuplicateRecordError: The same symptom is already logged at that instant.
            ImplausibleEntryError: The entry is later than ``now``.
        """
        if not isinstance(entry, SymptomEntry):
            raise InvalidRecordError(
                entry, f"log_symptom takes a SymptomEntry, not {entry!r}"
            )
        _not_future(f"a {entry.label} entry", entry.at, now, allow_future)
        # _adding refuses the same label at the same instant by bisection:
        # a call costs the same whatever the log's length.
        return self._adding("symptoms", entry)

    def record_lab(
        self,
        result: LabResult,
        *,
        now: dt.datetime | None = None,
        allow_future: bool = False,
    ) -> Course:
        """Return a new Course with a lab result added.

        Args:
            result: The result.
            now: The present: a result later than it is refused unless
                ``allow_future`` (without ``now`` the check is not made).
            allow_future: Accept a result later than ``now``.

        Raises:
            InvalidRecordError: ``result`` is not a LabResult.
            DuplicateRecordError: The same analyte is already recorded at that instant.
            ImplausibleEntryError: The result is later than ``now``.
        """
        if not isinstance(result, LabResult):
            raise InvalidRecordError(
                result, f"record_lab takes a LabResult, not {result!r}"
            )
        _not_future(f"a {result.analyte.value} result", result.at, now, allow_future)
        # _adding refuses the same analyte at the same instant by bisection.
        return self._adding("labs", result)

    # -- corrections ------------------------------------------------------

    def find(
        self,
        kind: RecordKind | str,
        *,
        at: dt.datetime | None = None,
        number: int | None = None,
        name: str | None = None,
    ) -> Record:
        """Return the record in force of ``kind`` named by its instant (or number).

        The stable reference to a record is its kind and instant (see
        :mod:`b12course._corrections`): ``at`` is when a dose was given, a
        symptom felt, a lab sample taken or a decision made, or the due time
        of a skipped dose.  ``name`` tells apart two symptom entries (label)
        or lab results (analyte value) at one instant, and names a decision by
        its phase's name.  ``number`` names a dose given or skipped by its
        number in the plan as it stands.

        Args:
            kind: ``RecordKind`` or its value (``"dose"``, ``"skip"``,
                ``"decision"``, ``"symptom"``, ``"lab"``).
            at: The record's instant (aware).
            number: A dose's number in the plan (doses and skips only).
            name: A symptom's label, an analyte's value or a phase's name.

        Raises:
            CorrectionError: No record in force matches (or the one that does
                was voided), or more than one does.
            NaiveDatetimeError: ``at`` is naive.
        """
        kind = _record_kind(kind)
        if at is not None:
            at = require_aware("at", at)
        if number is not None:
            found = self._numbered(kind, number)
            what = f"{kind} numbered {number}"
            matches = [] if found is None else [found]
        else:
            matches, what = self._matching(kind, at, name)
        if len(matches) == 1:
            return matches[0]
        reference = (kind, at, number, name)
        if matches:
            zone = self.zone
            names = tuple(p.name for p in self.regimen.phases)
            choices = "; ".join(describe(m, zone, names) for m in matches)
            raise CorrectionError.ambiguous(reference, what, choices)
        if number is None and any(
            c.kind is kind and _matches(c.record, at, name, self)
            for c in self.corrections
        ):
            raise CorrectionError.already_voided(reference, what)
        raise CorrectionError.no_such_record(reference, what)

    def _matching(
        self, kind: RecordKind, at: dt.datetime | None, name: str | None
    ) -> tuple[list[Record], str]:
        """Return the records in force of ``kind`` at ``at`` named ``name``."""
        records: tuple[Record, ...] = getattr(self, _FIELDS[kind])
        found = [r for r in records if _matches(r, at, name, self)]
        parts = [str(kind)]
        if name is not None:
            parts.append(repr(name))
        if at is not None:
            parts.append(f"at {at.isoformat()}")
        return found, " ".join(parts)

    def _numbered(self, kind: RecordKind, number: int) -> Record | None:
        """Return the dose given (or skip) numbered ``number`` in the plan."""
        if kind not in {RecordKind.DOSE, RecordKind.SKIP}:
            raise CorrectionError.no_such_record(
                number, f"{kind} numbered {number} (only doses and skips have numbers)"
            )
        records: tuple[Record, ...] = (*self.given, *self.skips)
        if not records:
            return None
        last = max(utc(instant_of(r)) for r in records)
        for dose in self.plan(until=last + dt.timedelta(microseconds=1)):
            if dose.number == number:
                return dose.given if kind is RecordKind.DOSE else dose.skip
        return None

    def latest_record(self) -> Record | None:
        """Return the record in force with the latest instant (None when none).

        This is what ``b12course undo`` voids.  Ties go to the kind recorded
        more often: a dose given, then a symptom entry, a lab result, a skip,
        a decision.
        """
        order = (
            RecordKind.DECISION,
            RecordKind.SKIP,
            RecordKind.LAB,
            RecordKind.SYMPTOM,
            RecordKind.DOSE,
        )
        best: tuple[dt.datetime, int] | None = None
        latest: Record | None = None
        for rank, kind in enumerate(order):
            records: tuple[Record, ...] = getattr(self, _FIELDS[kind])
            for record in records:
                key = (utc(instant_of(record)), rank)
                if best is None or key >= best:
                    best, latest = key, record
        return latest

    def void(
        self,
        record: Record,
        reason: str,
        *,
        at: dt.datetime,
        by: str | None = None,
    ) -> Course:
        """Return a new Course in which ``record`` is voided as entered in error.

        Nothing is erased: the record moves to :attr:`corrections` with who
        voided it, when and why, and takes no part in the plan, the flare,
        trends, adherence or any rendering but the list of corrections.
        Voiding the record just added gives back the plan from before it.

        >>> import datetime as dt, zoneinfo
        >>> from b12course import regimens
        >>> london = zoneinfo.ZoneInfo("Europe/London")
        >>> start = dt.datetime(2026, 12, 7, 9, tzinfo=london)
        >>> regimen = regimens.get("bnf-hydroxocobalamin-non-neuro")
        >>> course = Course.begin(regimen, first_dose=start)
        >>> typo = course.record_dose(start.replace(year=2027))
        >>> fixed = typo.void(typo.given[0], "wrong year", at=start, by="AB")
        >>> fixed.given
        ()
        >>> print(fixed.corrections[0])
        voided dose given at 2027-12-07 09:00: wrong year; by AB; on 2026-12-07 09:00

        Args:
            record: A record in force (a dose given, a skip, a phase decision,
                a symptom entry or a lab result), e.g. from :meth:`find` or
                ``course.given[-1]``.
            reason: Why, in free text (required).
            at: When the correction is made (aware).
            by: Who made it, in free text.

        Raises:
            CorrectionError: ``record`` is not in force in this course (never
                recorded, or voided already).
            TextError: ``reason`` is empty, or ``by`` is not text.
            NaiveDatetimeError: ``at`` is naive.
        """
        correction = Correction(record=record, reason=reason, at=at, by=by)
        return _corrected(self._without(record), correction)

    def amend(
        self,
        record: Record,
        replacement: Record | Mapping[str, Any],
        *,
        reason: str,
        at: dt.datetime,
        by: str | None = None,
        now: dt.datetime | None = None,
        allow_future: bool = False,
        allow_close: bool = False,
        allow_renumber: bool = False,
    ) -> Course:
        """Return a new Course in which ``record`` is replaced by a corrected copy.

        The old record is voided (kept in :attr:`corrections`, with the
        replacement beside it) and the replacement is recorded through the
        same checks as a new record of its kind.

        Args:
            record: A record in force, as for :meth:`void`.
            replacement: The corrected record (of the same kind), or the
                fields to change, e.g. ``{"at": ..., "site": "left thigh"}``.
            reason: Why, in free text (required).
            at: When the correction is made (aware).
            by: Who made it, in free text.
            now: As for :meth:`record_dose` (also for symptom entries and
                lab results).
            allow_future: As for :meth:`record_dose` (also for symptom
                entries and lab results).
            allow_close: As for :meth:`record_dose`.
            allow_renumber: As for :meth:`record_dose`.

        Raises:
            CorrectionError: ``record`` is not in force, or ``replacement``
                is a record of another kind.
            ImplausibleEntryError: As for :meth:`record_dose`.
            B12CourseError: Whatever recording the replacement refuses.
        """
        if isinstance(replacement, Mapping):
            try:
                replacement = attrs.evolve(record, **replacement)
            except TypeError as exc:
                raise InvalidRecordError(
                    replacement, f"cannot amend {type(record).__name__}: {exc}"
                ) from None
        correction = Correction(
            record=record, reason=reason, at=at, by=by, replacement=replacement
        )
        without = self._without(record)
        if isinstance(replacement, AdministeredDose):
            added = without._record_given(  # noqa: SLF001 - this class's own
                replacement,
                keep_index=self.given.index(record),
                planned=False,
                route=None,
                now=now,
                allow_future=allow_future,
                allow_close=allow_close,
                allow_renumber=allow_renumber,
            )
        elif isinstance(replacement, SymptomEntry):
            added = without.log_symptom(replacement, now=now, allow_future=allow_future)
        elif isinstance(replacement, LabResult):
            added = without.record_lab(replacement, now=now, allow_future=allow_future)
        elif isinstance(replacement, DoseSkip):
            added = attrs.evolve(without, skips=(*without.skips, replacement))
        else:
            added = attrs.evolve(without, decisions=(*without.decisions, replacement))
        return _corrected(added, correction)

    def _without(self, record: Record) -> Course:
        """Return a copy without ``record`` in force (refused if it is not)."""
        kind = kind_of(record)
        if kind is None:
            raise InvalidRecordError(
                record,
                "void and amend take a dose given, a skip, a phase decision, a "
                f"symptom entry or a lab result, not {record!r:.80}",
            )
        name = _FIELDS[kind]
        records: tuple[Record, ...] = getattr(self, name)
        for index, held in enumerate(records):
            if held == record:
                copy = copy_of(self)
                kept = (*records[:index], *records[index + 1 :])
                object.__setattr__(copy, name, kept)
                return copy
        what = describe(record, self.zone, tuple(p.name for p in self.regimen.phases))
        if any(c.record == record for c in self.corrections):
            raise CorrectionError.already_voided(record, what)
        raise CorrectionError.no_such_record(record, what)

    # -- the clinical record ----------------------------------------------

    @property
    def treatment_start(self) -> dt.datetime:
        """When treatment started (the first dose given, else the planned first dose).

        Symptom baselines are the entries before it, and the flare window is
        measured from it once a dose is given (there is none before).  It is
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
        return self._clinical(None).baseline(symptom, last=last)

    def symptom_trend(
        self,
        symptom: Symptom | str,
        *,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        min_change: float = MEANINGFUL_CHANGE,
    ) -> Trend:
        """Return how ``symptom`` moved over ``[start, end)`` (see :func:`trend`).

        A reversed range is an empty window (no entries, no trend).

        Raises:
            NaiveDatetimeError: ``start`` or ``end`` is naive.
        """
        return trend(
            self._symptom_log.of(symptom),
            symptom,
            start=start,
            end=end,
            min_change=min_change,
        )

    def flare_window(self, model: FlareModel | None = None) -> FlareWindow | None:
        """Return the window in which a transient worsening has been reported.

        It is measured from the first dose actually given: None while no dose
        has been given (the planned first dose is not treatment), and None
        when the course starts with maintenance only and no ``model`` is given
        (:func:`~b12course.flare_window_applies`).

        Raises:
            SettingError: ``model`` is not a FlareModel.
        """
        if model is None and not flare_window_applies(self.regimen):
            return None
        if model is None:
            model = FlareModel()
        if not isinstance(model, FlareModel):
            raise SettingError.wrong_kind("model", model, "a FlareModel or None")
        if not self.given:
            return None
        return model.window(self.treatment_start)

    def flare(
        self, model: FlareModel | None = None, *, now: dt.datetime | None = None
    ) -> FlareReport:
        """Describe the post-treatment flare as the symptom log shows it.

        The window is measured from the first dose actually given; until one
        is given there is none (status "not open: no dose given yet") and a
        worsening is read against its baseline (the entries before the planned
        first dose) only, for a clinician's attention.  The report describes;
        it never diagnoses.

        Args:
            model: The flare model; :class:`~b12course.FlareModel` defaults.
            now: The moment described; by default the latest symptom entry.

        Raises:
            NaiveDatetimeError: ``now`` is naive.
            SettingError: ``model`` is not a FlareModel.
        """
        if now is not None:
            now = require_aware("now", now)
        # The report the view carries (Timeline.flare_report), without its plan.
        return self._clinical(model, now=now).flare_report

    def assess(
        self, entry: SymptomEntry, model: FlareModel | None = None
    ) -> Assessment:
        """Assess one symptom entry against this course's baseline and flare window.

        Raises:
            InvalidRecordError: ``entry`` is not a SymptomEntry.
            SettingError: ``model`` is not a FlareModel.
        """
        return self._clinical(model).assess(entry)

    def assessments(self, model: FlareModel | None = None) -> tuple[Assessment, ...]:
        """Assess every symptom entry, in one pass over the log (timeline order).

        Each item equals :meth:`assess` of its entry; the log is read once
        (``O(n log n)``), where assessing entry by entry reads it once per
        entry.  The timeline's view carries the same (``Timeline.assessments``).

        Raises:
            SettingError: ``model`` is not a FlareModel.
        """
        return self._clinical(model).assessments

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
            at = self._plateau(span.first, rule)
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
        pregnant_or_breastfeeding: bool | None = None,
    ) -> tuple[Review, ...]:
        """Return the review points before ``until``, in time order.

        - The review point of each "until no further improvement" phase
          ("loading review: a clinician decides whether to continue"), unless
          the phase was ended (by a decision, or a plateau when
          ``end_on_plateau`` asks for it) before that point.
        - Where the symptom log of such a phase, still undecided, shows a
          plateau: a suggestion (kind ``PLATEAU_SUGGESTED``) for a clinician;
          it never ends the phase by itself.
        - Before each conditional phase (the FDA label's alternate-day
          doses), at the last dose of the phase before, a condition review
          (kind ``CONDITION``: "a clinician checks the response"), unless
          the condition was confirmed before that point.
        - The treatment review of NICE NG239: 3 calendar months after
          :attr:`treatment_start`, or 1 month for a course
          :attr:`pregnant_or_breastfeeding`.

        Args:
            until: The exclusive horizon (aware).
            end_on_plateau: As for :meth:`plan`.
            pregnant_or_breastfeeding: Overrides the course's own field.

        Raises:
            NaiveDatetimeError: ``until`` is naive.
        """
        until = require_aware("until", until)
        plan = self.expand(until=until, end_on_plateau=end_on_plateau)
        return self._reviews(plan, until, pregnant_or_breastfeeding)

    def _reviews(
        self,
        plan: Plan,
        until: dt.datetime,
        pregnant_or_breastfeeding: bool | None = None,
    ) -> tuple[Review, ...]:
        """Return the review points of ``plan``'s phases and the treatment review."""
        if pregnant_or_breastfeeding is None:
            pregnant_or_breastfeeding = self.pregnant_or_breastfeeding
        found = [r for span in plan.phases for r in self._phase_reviews(span)]
        found += self._condition_reviews(plan)
        found.append(
            treatment_review(
                self.treatment_start,
                self.zone,
                pregnant_or_breastfeeding=pregnant_or_breastfeeding,
            )
        )
        horizon = utc(until)
        return tuple(
            sorted((r for r in found if utc(r.at) < horizon), key=lambda r: utc(r.at))
        )

    def _condition_reviews(self, plan: Plan) -> Iterator[Review]:
        """Yield the review before each conditional phase of ``plan``.

        It falls at the last dose of the phase before (when that phase has
        ended in the plan): a clinician checks the response before the
        conditional doses.  A confirmation recorded before that point makes
        the review moot; one recorded later leaves it in the record.
        """
        phases = self.regimen.phases
        confirmed_at = {c.phase: utc(c.at) for c in self.confirmations}
        covered = self.confirmed_phases
        spans = {span.index: span for span in plan.phases}
        for index, phase in enumerate(phases):
            condition = phase.condition
            if condition is None or (
                index > 0 and phases[index - 1].condition == condition
            ):
                continue  # not conditional, or the same condition goes on
            before = spans.get(index - 1)
            if index == 0:
                at = self.first_dose
            elif before is not None and before.ending is not None:
                at = before.last
            else:
                continue
            if index in covered and confirmed_at.get(index, at) <= utc(at):
                continue
            yield Review(
                at=at.astimezone(self.zone),
                kind=ReviewKind.CONDITION,
                source=CONDITION_REVIEW_SOURCE,
                phase=index,
                phase_name=phase.name,
                condition=condition,
            )

    def _phase_reviews(self, span: PhaseSpan) -> Iterator[Review]:
        """Yield a phase's review point and any plateau the log suggests in it."""
        if span.review is None:
            return
        zone = self.zone
        name = span.phase.name
        if span.decision is None or utc(span.decision.at) > utc(span.review):
            end = span.phase.end
            # A phase that runs until a lab result has its own end condition
            # and review point (the cyanocobalamin SmPC's weekly phase), not
            # the "no further improvement" one of NHS Lothian.
            by_result = isinstance(end, UntilLabResult)
            yield Review(
                at=span.review.astimezone(zone),
                kind=ReviewKind.LOADING_PHASE,
                source=LAB_RESULT_REVIEW_SOURCE if by_result else LOADING_REVIEW_SOURCE,
                phase=span.index,
                phase_name=name,
                wording=end.review_wording if isinstance(end, UntilLabResult) else None,
            )
        if span.decision is None and self.symptoms:
            at = self._plateau(span.first, None)
            if at is not None:
                yield Review(
                    at=at.astimezone(zone),
                    kind=ReviewKind.PLATEAU_SUGGESTED,
                    source=PLATEAU_SUGGESTION_SOURCE,
                    phase=span.index,
                    phase_name=name,
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
