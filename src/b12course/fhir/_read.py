"""Read a FHIR Bundle back into a course.

The bundle is read as parsed JSON, whichever FHIR version wrote it (R4B and
R5 differ only in a few names, e.g. ``effectiveDateTime`` and
``occurenceDateTime``).  Every field read is type-checked on the way: anything
that cannot be mapped raises :class:`~b12course.exceptions.FhirFormatError`
naming the resource and the field, and nothing else escapes (a model error
such as an implausible dose is re-raised as a ``FhirFormatError`` too).

What is read:

- ``MedicationRequest``, in entry order: the phases of the regimen.  Without
  b12course's extensions, a phase ends after ``count`` doses, at the end of
  its ``boundsPeriod``, or never; it is named "phase 1", "phase 2"...; the
  course's zone comes from the first dose's UTC offset (``Etc/GMT-1`` for
  +01:00), and whole hours are required.
- ``MedicationAdministration``: ``completed`` is a dose given, ``not-done``
  a planned dose skipped.
- ``Observation``: symptom entries and lab results.
- ``entered-in-error`` resources with b12course's correction extension, and
  that extension on a ``MedicationRequest`` (a voided phase decision), are the
  course's corrections (records voided or amended); ``entered-in-error``
  without it is ignored.
- ``Patient`` entries are skipped; any other resource is refused.

b12course's extensions are read under their canonical URLs and under the
``urn:b12course:fhir:*`` URLs that b12course 0.2 wrote.  Instants are read
only as FHIR dateTimes (``b12course.fhir._json.parse_datetime``).
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from decimal import Decimal
from typing import Any

import attrs

from b12course import _regimen
from b12course._corrections import Correction, Record, instant_of
from b12course._course import Course
from b12course._labs import Analyte, LabResult
from b12course._records import (
    AdministeredDose,
    DecisionBasis,
    DoseSkip,
    PhaseConfirmation,
    PhaseDecision,
)
from b12course._regimen import (
    Anchoring,
    Cadence,
    Count,
    Dose,
    Drug,
    Indefinite,
    Lasting,
    Phase,
    PhaseEnd,
    Regimen,
    Route,
    UntilNoFurtherImprovement,
)
from b12course._symptoms import Symptom, SymptomEntry, Trigger
from b12course._units import Amount
from b12course.fhir import _codes
from b12course.fhir._json import (
    Node,
    as_json,
    codes_of,
    extensions,
    instant,
    model_errors,
    parse_datetime,
    part,
    texts,
    zone_named,
    zone_of_offset,
)

__all__ = ["read_bundle"]

_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_PERIOD_UNITS = {
    "d": Cadence.every_days,
    "wk": Cadence.every_weeks,
    "mo": Cadence.every_months,
}
_MICROGRAMS = {"mg": 1000, "ug": 1, "mcg": 1, "µg": 1, "μg": 1}
_UCUM_LABS = {code: unit for unit, code in _codes.UCUM_UNITS.items()}


def _route_codes() -> dict[str, Route]:
    """SNOMED CT code -> route: the first route of the code table the model has."""
    known = {route.value: route for route in Route}
    found: dict[str, Route] = {}
    for value, code in _codes.ROUTES.items():
        if value in known:
            found.setdefault(code.code, known[value])
    return found


_ROUTE_CODES = _route_codes()


def _own_extension(url: str) -> tuple[str, str]:
    """Return an extension's URL and the ``urn:`` URL b12course 0.2 wrote for it."""
    return url, _codes.LEGACY_EXTENSIONS[url]


_HAS_BY = "by" in attrs.fields_dict(AdministeredDose)
_HAS_PREGNANCY = "pregnant_or_breastfeeding" in attrs.fields_dict(Course)
_HAS_CONDITION = "condition" in attrs.fields_dict(Phase)
_SKIP_HAS_SLOT = "number_in_phase" in attrs.fields_dict(DoseSkip)
# The end "until a lab result", where the model has it (a subclass of
# UntilNoFurtherImprovement that names the result).
_UNTIL_LAB_RESULT: Any = getattr(_regimen, "UntilLabResult", None)


# -- the model's values -----------------------------------------------------------


def _drug(concept: Node, key: str) -> Drug:
    for text in texts(concept):
        for drug in Drug:
            if drug.value in text.casefold():
                return drug
    raise concept.error(
        key,
        "not a form of vitamin B12 b12course knows (hydroxocobalamin, "
        "cyanocobalamin or methylcobalamin)",
    )


def _route(node: Node, key: str) -> Route:
    concept = node.need_node(key)
    text = concept.get("text", str)
    if text is not None:
        with model_errors(concept, "text"):
            return Route.parse(text)
    for code in codes_of(concept, _codes.SNOMED):
        if code in _ROUTE_CODES:
            return _ROUTE_CODES[code]
    raise concept.error("coding", "no route b12course knows")


def _amount(node: Node, key: str) -> Amount:
    quantity = node.need_node(key)
    value = quantity.number("value")
    if value is None:
        raise quantity.error("value", "is missing")
    unit = quantity.get("code", str) or quantity.get("unit", str) or ""
    if unit not in _MICROGRAMS:
        raise quantity.error("code", f"{unit!r} is not mg or ug")
    micrograms = Decimal(repr(value)) * _MICROGRAMS[unit]
    if micrograms != micrograms.to_integral_value():
        raise quantity.error("value", "doses are whole micrograms")
    with model_errors(quantity, "value"):
        return Amount(int(micrograms))


def _dose(drug: Drug, quantity: Node, key: str, route: Node) -> Dose:
    """Return the dose whose amount is at ``quantity[key]`` and route at ``route``."""
    amount = _amount(quantity, key)
    how = _route(route, "route")
    with model_errors(quantity, key):
        return Dose(drug, amount, how)


def _note(node: Node) -> str | None:
    notes = [n.need("text", str) for n in node.nodes("note")]
    return "\n".join(notes) if notes else None


def _label(resource: Node, index: int) -> str:
    kind = resource.get("resourceType", str) or "resource"
    ident = resource.get("id", str)
    return f"{kind}/{ident}" if ident else f"{kind} (entry {index + 1})"


# -- the bundle -------------------------------------------------------------------


class _Reader:
    """Reads one bundle's resources into the parts of a course."""

    def __init__(self, root: Node) -> None:
        self.root = root
        self.requests: list[Node] = []
        self.administrations: list[Node] = []
        self.observations: list[Node] = []
        for index, entry in enumerate(root.nodes("entry")):
            raw = entry.need_node("resource")
            resource = Node(raw.data, _label(raw, index), "")
            kind = resource.need("resourceType", str)
            if kind == "MedicationRequest":
                self.requests.append(resource)
            elif kind == "MedicationAdministration":
                self.administrations.append(resource)
            elif kind == "Observation":
                self.observations.append(resource)
            elif kind != "Patient":
                raise resource.error(
                    "resourceType",
                    f"b12course reads MedicationRequest, MedicationAdministration, "
                    f"Observation and Patient, not {kind}",
                )
        if not self.requests:
            raise root.error(
                "entry", "no MedicationRequest: a course needs at least one phase"
            )
        self.voided: list[tuple[int, Record, Node]] = []
        self.course_extension = next(
            (
                e
                for r in self.requests
                for e in extensions(r, *_own_extension(_codes.EXT_COURSE))
            ),
            None,
        )

    def course(self) -> Course:
        first_request = self.requests[0]
        repeat = self._repeat(first_request)
        bounds = repeat.need_node("boundsPeriod")
        start = parse_datetime(bounds, "start", bounds.need("start", str))
        zone = self._zone(bounds, start)
        first_dose = instant(bounds, "start", zone)
        phases: list[Phase] = []
        decisions: list[PhaseDecision] = []
        confirmations: list[PhaseConfirmation] = []
        for index, request in enumerate(self.requests):
            phases.append(self._phase(index, request, zone))
            decisions += self._decisions(index, request, zone)
            self._voided_decisions(index, request, zone)
            confirmations += self._confirmations(index, request, zone)
        given: list[AdministeredDose] = []
        skips: list[DoseSkip] = []
        for resource in self.administrations:
            if not self._voided(resource, zone):
                self._administration(resource, zone, given, skips)
        symptoms: list[SymptomEntry] = []
        labs: list[LabResult] = []
        for resource in self.observations:
            if not self._voided(resource, zone):
                self._observation(resource, zone, symptoms, labs)
        regimen = self._regimen(tuple(phases))
        flags: dict[str, Any] = {}
        if self.voided:
            in_force: tuple[Record, ...] = (*given, *skips, *decisions, *symptoms)
            in_force += tuple(labs)
            flags["corrections"] = self._corrections(zone, in_force)
        if _HAS_PREGNANCY and self.course_extension is not None:
            pregnant = part(
                self.course_extension, "pregnant-or-breastfeeding", "valueBoolean", bool
            )
            flags["pregnant_or_breastfeeding"] = bool(pregnant)
        if confirmations:
            flags["confirmations"] = confirmations
        with model_errors(first_request, "extension"):
            return Course(
                regimen=regimen,
                first_dose=first_dose,
                id=self._id(),
                given=given,
                skips=skips,
                decisions=decisions,
                symptoms=symptoms,
                labs=labs,
                **flags,
            )

    def _id(self) -> str:
        identifier = self.root.node("identifier")
        if identifier is not None and (value := identifier.get("value", str)):
            return value
        for request in self.requests:
            group = request.node("groupIdentifier")
            if group is not None and (value := group.get("value", str)):
                return value
        return uuid.uuid4().hex

    def _zone(self, bounds: Node, start: dt.datetime) -> zoneinfo.ZoneInfo:
        if self.course_extension is not None:
            key = part(self.course_extension, "zone", "valueCode", str)
            if key is not None:
                return zone_named(self.course_extension, "extension", key)
        return zone_of_offset(bounds, "start", start)

    def _regimen(self, phases: tuple[Phase, ...]) -> Regimen:
        ext = self.course_extension
        parts = {
            "id": "fhir",
            "name": "",
            "source": "",
            "notes": "",
            "maintainer-notes": "",
        }
        if ext is not None:
            for name in parts:
                value = part(ext, f"regimen-{name}", "valueString", str)
                if value is not None:
                    parts[name] = value
        maintainer_notes = parts.pop("maintainer-notes")
        with model_errors(ext or self.requests[0], "extension"):
            return Regimen(phases=phases, maintainer_notes=maintainer_notes, **parts)

    # -- phases ---------------------------------------------------------------

    @staticmethod
    def _dosage(request: Node) -> Node:
        dosage = request.first("dosageInstruction")
        if dosage is None:
            raise request.error("dosageInstruction", "is missing")
        return dosage

    def _repeat(self, request: Node) -> Node:
        return self._dosage(request).need_node("timing").need_node("repeat")

    def _phase(self, index: int, request: Node, zone: zoneinfo.ZoneInfo) -> Phase:
        dosage = self._dosage(request)
        repeat = self._repeat(request)
        extension = next(
            iter(extensions(request, *_own_extension(_codes.EXT_PHASE))), None
        )
        drug = _drug(_medication(request, "MedicationRequest"), "medication")
        dose_and_rate = dosage.first("doseAndRate")
        if dose_and_rate is None:
            raise dosage.error("doseAndRate", "is missing")
        dose = _dose(drug, dose_and_rate, "doseQuantity", dosage)
        name = f"phase {index + 1}"
        anchoring = Anchoring.GIVEN
        end = self._end(repeat, zone, extension)
        if extension is not None:
            name = part(extension, "name", "valueString", str) or name
            code = part(extension, "anchoring", "valueCode", str)
            if code is not None:
                try:
                    anchoring = Anchoring(code)
                except ValueError as exc:
                    raise extension.error(
                        "extension", f"unknown anchoring {code!r}; use given or grid"
                    ) from exc
        extra = {}
        if _HAS_CONDITION:
            extra["condition"] = (
                None
                if extension is None
                else part(extension, "condition", "valueString", str)
            )
        with model_errors(request, "dosageInstruction"):
            return Phase(
                name=name,
                dose=dose,
                cadence=_cadence(repeat),
                end=end,
                anchoring=anchoring,
                **extra,
            )

    @staticmethod
    def _end(repeat: Node, zone: zoneinfo.ZoneInfo, extension: Node | None) -> PhaseEnd:
        kind = None if extension is None else part(extension, "end", "valueCode", str)
        count = repeat.get("count", int)
        with model_errors(repeat, "count"):
            if kind is None:
                return _end_from_timing(repeat, zone, count)
            assert extension is not None  # noqa: S101 - kind comes from it
            if kind == "count":
                if count is None:
                    raise repeat.error("count", "is missing")
                return Count(count)
            if kind == "lasting":
                return Lasting(**_span(extension, "lasting"))
            if kind == "until-no-further-improvement":
                return UntilNoFurtherImprovement(
                    review_after=Lasting(**_span(extension, "review-after"))
                )
            if kind == "until-lab-result" and _UNTIL_LAB_RESULT is not None:
                return _UNTIL_LAB_RESULT(  # type: ignore[no-any-return]
                    review_after=Lasting(**_span(extension, "review-after")),
                    result=part(extension, "result", "valueString", str) or "",
                )
            if kind == "indefinite":
                wording = part(extension, "end-wording", "valueString", str)
                return Indefinite() if wording is None else Indefinite(wording)
        raise extension.error("extension", f"unknown phase end {kind!r}")

    @staticmethod
    def _decisions(
        index: int, request: Node, zone: zoneinfo.ZoneInfo
    ) -> list[PhaseDecision]:
        found = []
        for extension in extensions(request, *_own_extension(_codes.EXT_DECISION)):
            at = next(iter(extensions(extension, "at")), None)
            if at is None:
                raise extension.error("extension", "a decision needs its time (at)")
            basis = part(extension, "basis", "valueCode", str) or "clinician"
            try:
                chosen = DecisionBasis(basis)
            except ValueError as exc:
                raise extension.error("extension", f"unknown basis {basis!r}") from exc
            when = instant(at, "valueDateTime", zone)
            reason = part(extension, "reason", "valueString", str) or ""
            by = part(extension, "by", "valueCode", str)
            with model_errors(extension, "extension"):
                found.append(
                    PhaseDecision(
                        phase=index, at=when, reason=reason, basis=chosen, by=by
                    )
                )
        return found

    @staticmethod
    def _confirmations(
        index: int, request: Node, zone: zoneinfo.ZoneInfo
    ) -> list[PhaseConfirmation]:
        found = []
        for extension in extensions(request, _codes.EXT_CONFIRMATION):
            at = next(iter(extensions(extension, "at")), None)
            if at is None:
                raise extension.error("extension", "a confirmation needs its time (at)")
            when = instant(at, "valueDateTime", zone)
            reason = part(extension, "reason", "valueString", str) or ""
            by = part(extension, "by", "valueCode", str)
            with model_errors(extension, "extension"):
                found.append(
                    PhaseConfirmation(phase=index, at=when, reason=reason, by=by)
                )
        return found

    # -- corrections: entered-in-error ------------------------------------------

    def _voided(self, resource: Node, zone: zoneinfo.ZoneInfo) -> bool:
        """Keep a voided record (``entered-in-error`` with a correction); say if so."""
        found = extensions(resource, _codes.EXT_CORRECTION)
        if resource.get("status", str) != "entered-in-error" or not found:
            return False
        kind = part(found[0], "kind", "valueCode", str)
        if resource.need("resourceType", str) == "Observation":
            status = "final"
        else:
            status = "not-done" if kind == "skip" else "completed"
        data = {**resource.data, "status": status}
        data["extension"] = [
            e
            for e in resource.data.get("extension", [])
            if not (isinstance(e, dict) and e.get("url") == _codes.EXT_CORRECTION)
        ]
        copy = Node(data, resource.resource, resource.path)
        given: list[AdministeredDose] = []
        skips: list[DoseSkip] = []
        symptoms: list[SymptomEntry] = []
        labs: list[LabResult] = []
        if status == "final":
            self._observation(copy, zone, symptoms, labs)
        else:
            self._administration(copy, zone, given, skips)
        records: list[Record] = [*given, *skips, *symptoms, *labs]
        self._keep(found[0], records[0])
        return True

    def _voided_decisions(
        self, index: int, request: Node, zone: zoneinfo.ZoneInfo
    ) -> None:
        for extension in extensions(request, _codes.EXT_CORRECTION):
            parts = [
                {**e, "url": e["url"].removeprefix("decision-")}
                for e in extension.data.get("extension", [])
                if isinstance(e, dict) and str(e.get("url", "")).startswith("decision-")
            ]
            alone = {"extension": [{"url": _codes.EXT_DECISION, "extension": parts}]}
            decisions = self._decisions(
                index, Node(alone, request.resource, request.path), zone
            )
            self._keep(extension, decisions[0])

    def _keep(self, extension: Node, record: Record) -> None:
        order = part(extension, "order", "valueInteger", int)
        self.voided.append(
            (len(self.voided) if order is None else order, record, extension)
        )

    def _corrections(
        self, zone: zoneinfo.ZoneInfo, in_force: tuple[Record, ...]
    ) -> list[Correction]:
        voided = sorted(self.voided, key=lambda v: v[0])
        pool = (*in_force, *(record for _, record, _ in voided))
        corrections = []
        for _, record, extension in voided:
            at = next(iter(extensions(extension, "at")), None)
            if at is None:
                raise extension.error("extension", "a correction needs its time (at)")
            replacement = None
            replaced = next(iter(extensions(extension, "replaced-by")), None)
            if replaced is not None:
                when = instant(replaced, "valueDateTime", zone)
                name = part(extension, "replaced-by-name", "valueString", str)
                again = part(extension, "replaced-by-order", "valueInteger", int)
                # A replacement voided in turn is named by its correction's
                # order; one in force is the only record in force of its
                # kind, instant and name.
                candidates = (
                    [r for o, r, _ in voided if o == again]
                    if again is not None
                    else [*in_force, *pool]
                )
                replacement = next(
                    (r for r in candidates if _same(r, record, when, name)), None
                )
                if replacement is None:
                    raise replaced.error("valueDateTime", "no record replaced it then")
            with model_errors(extension, "extension"):
                corrections.append(
                    Correction(
                        record=record,
                        reason=part(extension, "reason", "valueString", str) or "",
                        at=instant(at, "valueDateTime", zone),
                        by=part(extension, "by", "valueString", str),
                        replacement=replacement,
                    )
                )
        return corrections

    # -- administrations --------------------------------------------------------

    @staticmethod
    def _administration(
        resource: Node,
        zone: zoneinfo.ZoneInfo,
        given: list[AdministeredDose],
        skips: list[DoseSkip],
    ) -> None:
        status = resource.need("status", str)
        if status == "entered-in-error":
            return
        key = (
            "occurenceDateTime"
            if "occurenceDateTime" in resource.data
            else "effectiveDateTime"
        )
        at = instant(resource, key, zone)
        if status == "not-done":
            reason = resource.first("statusReason")
            text = "" if reason is None else " ".join(texts(reason)[:1])
            with model_errors(resource, "extension"):
                skips.append(DoseSkip(due=at, reason=text, **_skipped_slot(resource)))
            return
        if status != "completed":
            raise resource.error(
                "status", f"b12course reads completed or not-done, not {status!r}"
            )
        medication = _medication(resource, "MedicationAdministration")
        drug = _drug(medication, "medication")
        dosage = resource.need_node("dosage")
        site_concept = dosage.node("site")
        site = None
        if site_concept is not None:
            names = texts(site_concept)
            site = names[0] if names else None
        # Who gave the dose, where the model records it (AdministeredDose.by).
        performer = {"by": _performer(resource)} if _HAS_BY else {}
        with model_errors(resource, "dosage"):
            given.append(
                AdministeredDose(
                    at=at,
                    dose=_dose(drug, dosage, "dose", dosage),
                    site=site,
                    lot=_lot(resource, medication),
                    note=_note(resource),
                    **performer,
                )
            )

    # -- observations -----------------------------------------------------------

    def _observation(
        self,
        resource: Node,
        zone: zoneinfo.ZoneInfo,
        symptoms: list[SymptomEntry],
        labs: list[LabResult],
    ) -> None:
        if resource.get("status", str) == "entered-in-error":
            return
        code = resource.need_node("code")
        at = instant(resource, "effectiveDateTime", zone)
        symptom = codes_of(code, _codes.SYMPTOM_SYSTEM)
        if symptom:
            symptoms.append(_symptom(resource, code, symptom[0], at))
            return
        analyte = _analyte(code)
        if analyte is None:
            raise code.error("coding", "not a symptom or a lab result b12course knows")
        labs.append(_lab(resource, analyte, at))


def _same(candidate: Record, record: Record, at: dt.datetime, name: str | None) -> bool:
    """True when ``candidate`` is of ``record``'s kind, at ``at``, named ``name``."""
    if type(candidate) is not type(record) or candidate is record:
        return False
    if instant_of(candidate) != at:
        return False
    if name is None:
        return True
    label = getattr(candidate, "label", None)
    analyte = getattr(getattr(candidate, "analyte", None), "value", None)
    return name in {label, analyte}


def _medication(resource: Node, kind: str) -> Node:
    """Return the medication's CodeableConcept, following a contained reference."""
    concept = resource.node("medicationCodeableConcept")
    reference = resource.node("medicationReference")
    r5 = resource.node("medication")
    if r5 is not None:
        concept = r5.node("concept")
        reference = r5.node("reference")
    if concept is not None:
        return concept
    if reference is not None:
        target = reference.get("reference", str) or ""
        for contained in resource.nodes("contained"):
            if target == f"#{contained.get('id', str)}":
                return contained.need_node("code")
        raise reference.error("reference", f"{target!r} is not a contained Medication")
    raise resource.error("medication", f"a {kind} needs its medication")


_ACTOR_TYPES = {"RelatedPerson": "carer", "Practitioner": "clinician"}


def _skipped_slot(resource: Node) -> dict[str, Any]:
    """Return the slot a skip names (phase, number in phase), where the model has it."""
    if not _SKIP_HAS_SLOT:
        return {}
    for extension in extensions(resource, *_own_extension(_codes.EXT_SKIPPED_SLOT)):
        return {
            "phase": part(extension, "phase", "valueInteger", int),
            "number_in_phase": part(extension, "number-in-phase", "valueInteger", int),
        }
    return {}


def _performer(resource: Node) -> str | None:
    """Return who gave the dose (R4B ``actor``, R5 ``actor.reference``).

    The actor's display when it has one; else "self" for the patient the
    resource is about, "carer" for a RelatedPerson, "clinician" for a
    Practitioner.
    """
    performer = resource.first("performer")
    actor = None if performer is None else performer.node("actor")
    if actor is None:
        return None
    if isinstance(actor.data.get("reference"), dict):  # R5: a CodeableReference
        actor = actor.need_node("reference")
    display = actor.get("display", str)
    if display is not None:
        return display
    subject = resource.node("subject")
    reference = actor.get("reference", str)
    if reference is not None and (
        subject is not None and reference == subject.get("reference", str)
    ):
        return "self"
    return _ACTOR_TYPES.get(actor.get("type", str) or "")


def _lot(resource: Node, medication: Node) -> str | None:
    for contained in resource.nodes("contained"):
        if contained.data.get("code") is medication.data:
            batch = contained.node("batch")
            return None if batch is None else batch.get("lotNumber", str)
    return None


def _cadence(repeat: Node) -> Cadence:
    for key in ("frequencyMax", "periodMax", "when"):
        if key in repeat.data:
            raise repeat.error(key, "b12course cannot map it")
    frequency = repeat.number("frequency")
    period = repeat.number("period")
    unit = repeat.get("periodUnit", str)
    days = repeat.get("dayOfWeek", list)
    with model_errors(repeat, "period"):
        if days:
            weekdays = [_WEEKDAYS.get(d) if isinstance(d, str) else None for d in days]
            regular = (
                frequency in {None, 1} and period in {None, 1} and unit in {None, "d"}
            ) or (unit == "wk" and period == 1 and frequency == len(set(days)))
            if None in weekdays or not regular:
                raise repeat.error("dayOfWeek", "not a weekly pattern b12course maps")
            return Cadence.on_weekdays(*(d for d in weekdays if d is not None))
        if frequency not in {None, 1}:
            raise repeat.error("frequency", "b12course maps one dose per period")
        if unit not in _PERIOD_UNITS:
            raise repeat.error("periodUnit", f"{unit!r} is not d, wk or mo")
        if period is None or period != int(period) or period < 1:
            raise repeat.error("period", f"{period!r} is not a whole number >= 1")
        return _PERIOD_UNITS[unit](int(period))


def _end_from_timing(
    repeat: Node, zone: zoneinfo.ZoneInfo, count: int | None
) -> PhaseEnd:
    if count is not None:
        return Count(count)
    bounds = repeat.node("boundsPeriod")
    end = None if bounds is None else bounds.get("end", str)
    if bounds is None or end is None:
        return Indefinite()
    start = instant(bounds, "start", zone)
    try:
        last = dt.date.fromisoformat(end[:10])
    except ValueError as exc:
        raise bounds.error("end", f"{end[:40]!r} is not a date") from exc
    return Lasting(days=(last - start.date()).days + 1)


def _span(extension: Node, name: str) -> dict[str, int]:
    span = {}
    for unit in ("months", "weeks", "days"):
        value = part(extension, f"{name}-{unit}", "valueInteger", int)
        if value is not None:
            span[unit] = value
    return span


def _symptom(resource: Node, code: Node, value: str, at: dt.datetime) -> SymptomEntry:
    try:
        symptom = Symptom(value)
    except ValueError as exc:
        raise code.error("coding", f"unknown symptom {value!r}") from exc
    facts: dict[str, Any] = {"triggers": [], "body_sites": []}
    for component in resource.nodes("component"):
        part = codes_of(component.need_node("code"), _codes.COMPONENT_SYSTEM)
        name = part[0] if part else ""
        if name in {"multifocal", "during-sleep"}:
            facts[name.replace("-", "_")] = component.need("valueBoolean", bool)
        elif name == "trigger":
            concept = component.need_node("valueCodeableConcept")
            codes = codes_of(concept, _codes.TRIGGER_SYSTEM)
            try:
                facts["triggers"].append(Trigger(codes[0] if codes else ""))
            except ValueError as exc:
                raise concept.error("coding", "unknown trigger") from exc
        elif name == "body-site":
            facts["body_sites"].append(component.need("valueString", str))
        else:
            raise component.error("code", "not a component b12course knows")
    with model_errors(resource, "valueInteger"):
        return SymptomEntry(
            at=at,
            symptom=symptom,
            severity=resource.need("valueInteger", int),
            name=code.get("text", str) if symptom is Symptom.OTHER else None,
            note=_note(resource),
            **facts,
        )


def _analyte(code: Node) -> Analyte | None:
    own = codes_of(code, _codes.ANALYTE_SYSTEM)
    if own:
        try:
            return Analyte(own[0])
        except ValueError as exc:
            raise code.error("coding", f"unknown analyte {own[0]!r}") from exc
    for value in codes_of(code, _codes.LOINC):
        if value in _codes.LOINC_ANALYTES:
            return _codes.LOINC_ANALYTES[value]
    return None


def _lab(resource: Node, analyte: Analyte, at: dt.datetime) -> LabResult:
    quantity = resource.need_node("valueQuantity")
    value = quantity.number("value")
    if value is None:
        raise quantity.error("value", "is missing")
    unit = quantity.get("unit", str)
    if unit is None:
        code = quantity.get("code", str) or ""
        unit = _UCUM_LABS.get(code, code)
    try:
        number = float(value) if isinstance(value, float) else value
        float(number)
    except OverflowError as exc:
        raise quantity.error("value", "is out of range") from exc
    with model_errors(resource, "valueQuantity"):
        return LabResult(at=at, analyte=analyte, value=number, unit=unit)


def read_bundle(bundle: object) -> Course:
    """Return the course of ``bundle`` (see ``b12course.fhir.from_fhir``)."""
    root = Node(as_json(bundle), "Bundle", "")
    kind = root.get("resourceType", str)
    if kind != "Bundle":
        raise root.error("resourceType", f"expected a Bundle, not {kind!r}")
    return _Reader(root).course()
