"""Write a course as a FHIR Bundle: a rendering of the course's timeline.

The bundle is built as plain JSON-shaped dicts from the events of
``Course.timeline`` (the one derivation, computed once and its events grouped
by kind once) and the regimen's phases; ``to_fhir`` validates them by
constructing the ``fhir.resources`` Bundle of the chosen version, and
``to_fhir_json`` writes them as JSON text with the standard ``json`` module
(:func:`bundle_json`; a plain symptom entry, thousands on a long record, is
written from one encoded head per symptom, byte for byte the same text):

- one ``MedicationRequest`` per phase of the regimen: the dose, route and
  ``Timing`` of the phase, the phase's first planned dose as the start of its
  ``boundsPeriod``, ``priorPrescription`` pointing at the phase before;
- one ``MedicationAdministration`` per dose given (``completed``) and per
  planned dose skipped (``not-done``, with the reason as ``statusReason``);
- one ``Observation`` per symptom entry and per lab result;
- each record voided or amended (``Course.corrections``) as its resource with
  status ``entered-in-error`` and b12course's correction extension: the
  order, reason, time, who, and for an amendment the instant (and name) of the
  record that replaced it (a voided phase decision: the correction extension
  alone, on its phase's request, with the decision's parts as ``decision-*``).

What FHIR has no element for (the course's IANA zone and id, the regimen's
name and sources, each phase's name, end and anchoring, the phase decisions)
travels in b12course's own extensions, so :func:`b12course.fhir.from_fhir`
reads back exactly what was written.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Literal

from b12course._corrections import Correction, instant_of
from b12course._course import Course
from b12course._labs import LabResult, canonical_unit, default_reference
from b12course._records import (
    AdministeredDose,
    DecisionBasis,
    DoseSkip,
    PhaseConfirmation,
    PhaseDecision,
)
from b12course._regimen import (
    Cadence,
    Count,
    Dose,
    Lasting,
    Phase,
    UntilNoFurtherImprovement,
)
from b12course._schedule import PhaseEnding, PhaseSpan, PlannedDose
from b12course._symptoms import SymptomEntry
from b12course._time import require_aware, utc
from b12course._timeline import EventKind, Timeline, TimelineEvent
from b12course._units import Amount
from b12course.exceptions import ExportError, NotACourseError, SettingError
from b12course.fhir import _codes
from b12course.fhir._json import fhir_offset
from b12course.fhir._strings import SUSPECT_IN_JSON, fhir_strings_in

__all__ = ["Json", "build_bundle", "bundle_json", "default_horizon", "fhir_datetime"]

Json = dict[str, Any]
Version = Literal["R4B", "R5"]
BundleType = Literal["collection", "transaction"]

_VERSIONS = ("R4B", "R5")
_BUNDLE_TYPES = ("collection", "transaction")
# Deterministic entry ids: the same course always gives the same bundle.
_NAMESPACE = uuid.UUID("5b7d2c1e-8f2a-4c3e-9a41-0d6f4b2e7c10")
# The RFC 4122 variant (binary 10xx) set on a uuid's 17th hex digit.
_VARIANT = {f"{n:x}": f"{n & 0x3 | 0x8:x}" for n in range(16)}
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PERIOD_UNITS = {"days": "d", "weeks": "wk", "months": "mo"}
# A relative reference to a Patient: the FHIR id grammar, [A-Za-z0-9\-\.]{1,64}.
_PATIENT = re.compile(r"Patient/[A-Za-z0-9\-.]{1,64}")


def fhir_datetime(value: dt.datetime) -> str:
    """Return ``value`` as a FHIR dateTime: at its own offset, or in UTC.

    FHIR offsets are whole minutes within +-14:00; an instant at another
    offset (UTC+15:00, or a historic offset in seconds such as Amsterdam's
    +00:19:32 in 1900) is written in UTC, the same instant.

    Raises:
        ExportError: The instant is at the edge of the calendar, where UTC
            falls outside years 1 to 9999.
    """
    if _carried_offset(value.utcoffset()):
        return _zulu(value.isoformat())
    try:
        return _zulu(value.astimezone(dt.timezone.utc).isoformat())
    except OverflowError as exc:
        raise ExportError.fhir_datetime(value) from exc


# The few offsets a course's instants have, each judged once.
_carried_offset = functools.lru_cache(maxsize=256)(fhir_offset)


def _zulu(text: str) -> str:
    """UTC written as ``Z``, as ``fhir.resources`` writes it (the same instant)."""
    return text[:-6] + "Z" if text.endswith(("+00:00", "-00:00")) else text


def default_horizon(course: Course) -> dt.datetime:
    """Return an instant a day after the course's last record (or first dose).

    A bundle written up to it holds every record of the course.
    """
    instants = [utc(course.first_dose)]
    instants += [utc(g.at) for g in course.given]
    instants += [utc(s.due) for s in course.skips]
    instants += [utc(d.at) for d in course.decisions]
    instants += [utc(c.at) for c in getattr(course, "confirmations", ())]
    instants += [utc(e.at) for e in course.symptoms]
    instants += [utc(r.at) for r in course.labs]
    return max(instants) + dt.timedelta(days=1)


def _check(
    course: object, version: object, bundle_type: object, patient: object
) -> Course:
    """Return ``course`` once it and the options are known to be good."""
    if not isinstance(course, Course):
        raise NotACourseError(course)
    if version not in _VERSIONS:
        raise SettingError(f"version must be 'R4B' or 'R5', not {version!r}")
    if bundle_type not in _BUNDLE_TYPES:
        raise SettingError(
            f"bundle_type must be 'collection' or 'transaction', not {bundle_type!r}"
        )
    if patient is not None and not (
        isinstance(patient, str)
        and _PATIENT.fullmatch(patient) is not None
        and patient not in {"Patient/.", "Patient/.."}
    ):
        raise SettingError.patient_reference(patient)
    return course


def _concept(text: str, *codes: _codes.Code | None) -> Json:
    concept: Json = {"text": text}
    codings = [c.coding() for c in codes if c is not None]
    if codings:
        concept["coding"] = codings
    return concept


def _own(system: str, code: str, text: str) -> Json:
    return {"coding": [{"system": system, "code": code}], "text": text}


def _amount(amount: Amount) -> Json:
    if amount.micrograms % 1000 == 0:
        value, unit = Decimal(amount.micrograms // 1000), "mg"
    else:
        value, unit = Decimal(amount.micrograms), "ug"
    return {"value": value, "unit": unit, "system": _codes.UCUM, "code": unit}


def _number(value: float) -> Decimal:
    # repr() is the shortest text that reads back as the same float.
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _span_extension(name: str, span: Lasting) -> list[Json]:
    parts = [("months", span.months), ("weeks", span.weeks), ("days", span.days)]
    return [{"url": f"{name}-{unit}", "valueInteger": n} for unit, n in parts if n]


def _phase_extension(phase: Phase) -> Json:
    parts: list[Json] = [
        {"url": "name", "valueString": phase.name},
        {"url": "anchoring", "valueCode": phase.anchoring.value},
    ]
    end = phase.end
    if isinstance(end, Count):
        parts.append({"url": "end", "valueCode": "count"})
    elif isinstance(end, Lasting):
        parts.append({"url": "end", "valueCode": "lasting"})
        parts += _span_extension("lasting", end)
    elif isinstance(end, UntilNoFurtherImprovement):
        # UntilLabResult (a subclass, where the model has it) names its result.
        result = getattr(end, "result", None)
        if result is None:
            parts.append({"url": "end", "valueCode": "until-no-further-improvement"})
        else:
            parts.append({"url": "end", "valueCode": "until-lab-result"})
            parts.append({"url": "result", "valueString": result})
        parts += _span_extension("review-after", end.review_after)
    else:
        parts.append({"url": "end", "valueCode": "indefinite"})
        wording = getattr(end, "wording", "for life")
        if wording != "for life":
            parts.append({"url": "end-wording", "valueString": wording})
    condition = getattr(phase, "condition", None)
    if condition:
        parts.append({"url": "condition", "valueString": condition})
    return {"url": _codes.EXT_PHASE, "extension": parts}


def _decision_extension(decision: PhaseDecision) -> Json:
    parts: list[Json] = [
        {"url": "at", "valueDateTime": fhir_datetime(decision.at)},
        {"url": "basis", "valueCode": decision.basis.value},
    ]
    if decision.reason:
        parts.append({"url": "reason", "valueString": decision.reason})
    by = getattr(decision, "by", None)
    if by is not None:
        parts.append({"url": "by", "valueCode": by.value})
    return {"url": _codes.EXT_DECISION, "extension": parts}


def _confirmation_extension(confirmation: PhaseConfirmation) -> Json:
    parts: list[Json] = [{"url": "at", "valueDateTime": fhir_datetime(confirmation.at)}]
    if confirmation.reason:
        parts.append({"url": "reason", "valueString": confirmation.reason})
    if confirmation.by is not None:
        parts.append({"url": "by", "valueCode": confirmation.by.value})
    return {"url": _codes.EXT_CONFIRMATION, "extension": parts}


def _condition_words(course: Course, index: int) -> str:
    """Say whether a conditional phase's condition is confirmed, and by whom."""
    found = [c for c in course.confirmations if c.phase == index]
    if found:
        c = found[0]
        who = _WHO.get(str(c.by), "someone not recorded")
        return f"; condition confirmed by {who} on {c.at.date().isoformat()}"
    if index in course.confirmed_phases:
        return "; condition confirmed with the phase before"
    return "; condition not yet confirmed by a clinician, so its doses are provisional"


def _course_extension(course: Course) -> Json:
    regimen = course.regimen
    parts: list[Json] = [
        {"url": "zone", "valueCode": course.zone.key},
        {"url": "regimen-id", "valueString": regimen.id},
    ]
    if getattr(course, "pregnant_or_breastfeeding", False):
        parts.append({"url": "pregnant-or-breastfeeding", "valueBoolean": True})
    for name, value in (
        ("regimen-name", regimen.name),
        ("regimen-source", regimen.source),
        ("regimen-notes", regimen.notes),
        ("regimen-maintainer-notes", getattr(regimen, "maintainer_notes", "")),
    ):
        if value:
            parts.append({"url": name, "valueString": value})
    return {"url": _codes.EXT_COURSE, "extension": parts}


def _correction_extension(
    order: int, correction: Correction, later: tuple[Correction, ...] = ()
) -> Json:
    parts: list[Json] = [
        {"url": "kind", "valueCode": correction.kind.value},
        {"url": "order", "valueInteger": order},
        {"url": "reason", "valueString": correction.reason},
        {"url": "at", "valueDateTime": _zulu(correction.at.isoformat())},
    ]
    if correction.by:
        parts.append({"url": "by", "valueString": correction.by})
    replacement = correction.replacement
    if replacement is not None:
        at = _zulu(instant_of(replacement).isoformat())
        parts.append({"url": "replaced-by", "valueDateTime": at})
        name = getattr(replacement, "label", None) or getattr(
            getattr(replacement, "analyte", None), "value", None
        )
        if name:
            parts.append({"url": "replaced-by-name", "valueString": name})
        # A replacement voided in turn shares its kind, instant and name with
        # the record that replaced it: name it by its correction's order.
        voided_again = next(
            (
                order + 1 + k
                for k, c in enumerate(later)
                if c.record is replacement or c.record == replacement
            ),
            None,
        )
        if voided_again is not None:
            parts.append({"url": "replaced-by-order", "valueInteger": voided_again})
    return {"url": _codes.EXT_CORRECTION, "extension": parts}


def _repeat(cadence: Cadence) -> Json:
    if cadence.weekdays:
        return {
            "frequency": 1,
            "period": 1,
            "periodUnit": "d",
            "dayOfWeek": [_WEEKDAYS[d] for d in cadence.weekdays],
        }
    return {
        "frequency": 1,
        "period": cadence.every,
        "periodUnit": _PERIOD_UNITS[cadence.unit.value],
    }


# Who decided, as the dosage text reads it (a decision records no one by default).
_WHO = {"self": "the person themselves", "carer": "a carer", "clinician": "a clinician"}


def _decision_words(span: PhaseSpan | None, decisions: list[PhaseDecision]) -> str:
    if decisions:
        decision = decisions[0]
        by = getattr(decision, "by", None)
        who = (
            "a plateau"
            if decision.basis is not DecisionBasis.CLINICIAN
            else _WHO.get(str(by), "a clinician")
        )
        why = f" ({decision.reason})" if decision.reason else ""
        return f"; ended by {who} on {decision.at.date().isoformat()}{why}"
    if span is not None and span.review is not None:
        return (
            f"; no decision to end it yet (review point "
            f"{span.review.date().isoformat()}; later doses are provisional)"
        )
    return "; no decision to end it yet"


class _Writer:
    """Builds the entries of one bundle; one instance per call."""

    def __init__(
        self,
        course: Course,
        timeline: Timeline,
        *,
        until: dt.datetime,
        version: Version,
        patient: str | None,
        bundle_type: BundleType,
        encoded: bool = False,
    ) -> None:
        self.course = course
        self.timeline = timeline
        # Whether plain symptom entries may be written as JSON text already
        # (for bundle_json: thousands of them, each the same but for its
        # instant and severity).
        self.encoded = encoded
        self.symptom_heads: dict[tuple[str, str], str] = {}
        self.until = until
        self.r5 = version == "R5"
        self.transaction = bundle_type == "transaction"
        self.entries: list[Json | Encoded] = []
        self.counter = 0
        self.zone = course.zone
        self.by_kind: dict[EventKind, list[TimelineEvent]] = {}
        for event in timeline.events:
            self.by_kind.setdefault(event.kind, []).append(event)
        self._hashed_id = self._hash_id(course.id)
        if patient is None:
            self.patient_url = self._url("patient")
            self._add_patient()
            self.subject: Json = {"reference": self.patient_url}
        else:
            self.subject = {"reference": patient}
        self.requests: list[str] = [
            self._url(f"phase/{i}") for i in range(len(course.regimen.phases))
        ]

    def _events(self, *kinds: EventKind) -> list[TimelineEvent]:
        """The timeline's events of ``kinds``, in its order.

        Filtered from the one timeline: ``Timeline.of_kind`` would build and
        index a new timeline for each question.
        """
        if len(kinds) == 1:
            return self.by_kind.get(kinds[0], [])
        return [e for e in self.timeline.events if e.kind in kinds]

    @staticmethod
    def _hash_id(course_id: str) -> hashlib._Hash:
        """The SHA-1 (uuid5's hash) of the namespace and ``course_id/``."""
        return hashlib.sha1(
            _NAMESPACE.bytes + f"{course_id}/".encode(), usedforsecurity=False
        )

    def _url(self, key: str) -> str:
        """``urn:uuid:`` and ``uuid5(_NAMESPACE, f"{course id}/{key}")``.

        The SHA-1 of the namespace and the course's id is taken once, and the
        version and variant set on the hex digits: thousands of entries.
        """
        digest = self._hashed_id.copy()
        digest.update(key.encode())
        x = digest.hexdigest()
        return (
            f"urn:uuid:{x[:8]}-{x[8:12]}-5{x[13:16]}-"
            f"{_VARIANT[x[16]]}{x[17:20]}-{x[20:32]}"
        )

    def _add_patient(self) -> None:
        """Add the Patient the resources refer to when no patient is given.

        It names no one: its one identifier is the course's id, so that a
        transaction creates it once (``ifNoneExist``) and posting the bundle
        again finds it instead of creating another.
        """
        identifier = {"system": _codes.PATIENT_SYSTEM, "value": self.course.id}
        entry: Json = {
            "fullUrl": self.patient_url,
            "resource": {"resourceType": "Patient", "identifier": [identifier]},
        }
        if self.transaction:
            entry["request"] = {
                "method": "POST",
                "url": "Patient",
                "ifNoneExist": f"identifier={_codes.PATIENT_SYSTEM}|{self.course.id}",
            }
        self.entries.append(entry)

    def _add(self, url: str, resource: Json) -> None:
        entry: Json = {"fullUrl": url, "resource": resource}
        if self.transaction:
            entry["request"] = {"method": "POST", "url": resource["resourceType"]}
        self.entries.append(entry)

    def _medication(self, resource: Json, concept: Json, *, reference: bool) -> None:
        """Set the medication of a resource, as the FHIR version spells it."""
        if self.r5:
            resource["medication"] = {"reference" if reference else "concept": concept}
        elif reference:
            resource["medicationReference"] = concept
        else:
            resource["medicationCodeableConcept"] = concept

    # -- MedicationRequest per phase ----------------------------------------

    def requests_for_phases(self) -> None:
        spans = {
            e.payload.index: e.payload for e in self._events(EventKind.PHASE_CHANGE)
        }
        firsts: dict[int, PlannedDose] = {}
        pending: dict[int, int] = {}
        for event in self._events(EventKind.PLANNED_DOSE):
            slot: PlannedDose = event.payload
            firsts.setdefault(slot.phase, slot)
            pending[slot.phase] = pending.get(slot.phase, 0) + slot.pending
        for index, phase in enumerate(self.course.regimen.phases):
            decisions = [
                d
                for d in self.course.decisions
                if d.phase == index and utc(d.at) < utc(self.until)
            ]
            self._add(
                self.requests[index],
                self._request(
                    index,
                    phase,
                    spans.get(index),
                    firsts.get(index),
                    decisions,
                    pending=pending.get(index, 0),
                ),
            )

    def _request(
        self,
        index: int,
        phase: Phase,
        span: PhaseSpan | None,
        first: PlannedDose | None,
        decisions: list[PhaseDecision],
        *,
        pending: int,
    ) -> Json:
        ended = span is not None and (
            span.ending is PhaseEnding.DECISION
            or (span.ending in {PhaseEnding.COUNT, PhaseEnding.LASTING} and not pending)
        )
        resource: Json = {
            "resourceType": "MedicationRequest",
            "extension": [
                *([_course_extension(self.course)] if index == 0 else []),
                _phase_extension(phase),
                *(_decision_extension(d) for d in decisions),
                *(
                    _confirmation_extension(c)
                    for c in getattr(self.course, "confirmations", ())
                    if c.phase == index and utc(c.at) < utc(self.until)
                ),
            ],
            "status": "completed" if ended else "active",
            "intent": "order",
            "groupIdentifier": {
                "system": _codes.COURSE_SYSTEM,
                "value": self.course.id,
            },
            "subject": self.subject,
            "dosageInstruction": [self._dosage(index, phase, span, first, decisions)],
        }
        self._medication(resource, _concept(phase.dose.drug.value), reference=False)
        if index > 0:
            resource["priorPrescription"] = {"reference": self.requests[index - 1]}
        return resource

    def _dosage(
        self,
        index: int,
        phase: Phase,
        span: PhaseSpan | None,
        first: PlannedDose | None,
        decisions: list[PhaseDecision],
    ) -> Json:
        repeat = _repeat(phase.cadence)
        start = self.course.first_dose if index == 0 else None
        if start is None and first is not None:
            start = first.due
        if start is not None:
            local = start.astimezone(self.zone)
            repeat["timeOfDay"] = [local.time().replace(tzinfo=None).isoformat()]
            bounds: Json = {"start": fhir_datetime(start)}
            if isinstance(phase.end, Lasting):
                last = phase.end.end_date(local.date()) - dt.timedelta(days=1)
                bounds["end"] = last.isoformat()
            repeat["boundsPeriod"] = bounds
        if isinstance(phase.end, Count):
            repeat["count"] = phase.end.n
        text = str(phase)
        if isinstance(phase.end, UntilNoFurtherImprovement) or decisions:
            text += _decision_words(span, decisions)
        if getattr(phase, "condition", None):
            text += _condition_words(self.course, index)
        return {
            "text": text,
            "timing": {"repeat": repeat},
            "route": self._route(phase.dose),
            "doseAndRate": [{"doseQuantity": _amount(phase.dose.amount)}],
        }

    @staticmethod
    def _route(dose: Dose) -> Json:
        return _concept(dose.route.value, _codes.ROUTES.get(dose.route.value))

    # -- MedicationAdministration per dose given or skipped ------------------

    def administrations(self) -> None:
        fulfilled: dict[int, int] = {}
        planned: dict[int, PlannedDose] = {}
        for event in self._events(EventKind.PLANNED_DOSE):
            slot: PlannedDose = event.payload
            if slot.given is not None:
                fulfilled[id(slot.given)] = slot.phase
            if slot.skip is not None:
                planned[id(slot.skip)] = slot
        for event in self._events(EventKind.DOSE_GIVEN, EventKind.DOSE_SKIPPED):
            self.counter += 1
            url = self._url(f"administration/{self.counter}")
            if event.kind is EventKind.DOSE_GIVEN:
                record: AdministeredDose = event.payload
                self._add(url, self._given(record, fulfilled.get(id(record))))
            else:
                skip: DoseSkip = event.payload
                self._add(url, self._skipped(skip, planned.get(id(skip))))

    def _administration(self, at: dt.datetime, phase: int | None) -> Json:
        resource: Json = {"resourceType": "MedicationAdministration"}
        resource["occurenceDateTime" if self.r5 else "effectiveDateTime"] = (
            fhir_datetime(at)
        )
        resource["subject"] = self.subject
        if phase is not None:
            resource["request"] = {"reference": self.requests[phase]}
        return resource

    def _given(self, record: AdministeredDose, phase: int | None) -> Json:
        resource = self._administration(record.at, phase)
        resource["status"] = "completed"
        drug = _concept(record.dose.drug.value)
        if record.lot:
            resource["contained"] = [
                {
                    "resourceType": "Medication",
                    "id": "lot",
                    "code": drug,
                    "batch": {"lotNumber": record.lot},
                }
            ]
            self._medication(resource, {"reference": "#lot"}, reference=True)
        else:
            self._medication(resource, drug, reference=False)
        by = getattr(record, "by", None)
        if by is not None:
            actor = self._actor(str(by))
            resource["performer"] = [
                {"actor": {"reference": actor} if self.r5 else actor}
            ]
        dosage: Json = {"route": self._route(record.dose)}
        if record.site:
            dosage["site"] = _concept(record.site, _codes.SITES.get(record.site))
        dosage["dose"] = _amount(record.dose.amount)
        resource["dosage"] = dosage
        if record.note:
            resource["note"] = [{"text": record.note}]
        return resource

    def _actor(self, by: str) -> Json:
        """Who gave a dose: the patient themselves, a carer or a clinician.

        No person is named (the record names none): the reference points at
        the patient for "self", and says only the kind of person otherwise.
        """
        if by == "self":
            return {**self.subject, "display": by}
        kinds = {"carer": "RelatedPerson", "clinician": "Practitioner"}
        if by in kinds:
            return {"type": kinds[by], "display": by}
        return {"display": by}

    def _skipped(self, skip: DoseSkip, slot: PlannedDose | None) -> Json:
        resource = self._administration(
            skip.due, slot.phase if slot is not None else None
        )
        resource["status"] = "not-done"
        slot_named = getattr(skip, "slot", None)  # (phase, number in phase)
        if slot_named is not None:
            resource["extension"] = [
                {
                    "url": _codes.EXT_SKIPPED_SLOT,
                    "extension": [
                        {"url": "phase", "valueInteger": slot_named[0]},
                        {"url": "number-in-phase", "valueInteger": slot_named[1]},
                    ],
                }
            ]
        if skip.reason:
            resource["statusReason"] = [{"text": skip.reason}]
        dose = slot.dose if slot is not None else self.course.regimen.phases[0].dose
        self._medication(resource, _concept(dose.drug.value), reference=False)
        return resource

    # -- records voided or amended: entered-in-error --------------------------

    def corrections(self) -> None:
        requests = {
            e["fullUrl"]: e["resource"] for e in self.entries if isinstance(e, dict)
        }
        for order, correction in enumerate(self.course.corrections):
            record = correction.record
            later = self.course.corrections[order + 1 :]
            extension = _correction_extension(order, correction, later)
            if isinstance(record, PhaseDecision):
                # The decision's own parts, prefixed, in the correction itself.
                for decided in _decision_extension(record)["extension"]:
                    value = {k: v for k, v in decided.items() if k != "url"}
                    extension["extension"].append(
                        {"url": "decision-" + decided["url"], **value}
                    )
                request = requests[self.requests[record.phase]]
                request.setdefault("extension", []).append(extension)
                continue
            if isinstance(record, AdministeredDose):
                resource = self._given(record, None)
            elif isinstance(record, DoseSkip):
                resource = self._skipped(record, None)
            elif isinstance(record, SymptomEntry):
                resource = self._symptom(record)
            else:
                resource = self._lab(record)
            resource["status"] = "entered-in-error"
            resource.setdefault("extension", []).append(extension)
            self._add(self._url(f"correction/{order}"), resource)

    # -- Observation per symptom entry and lab result ------------------------

    def observations(self) -> None:
        for event in self._events(EventKind.SYMPTOM, EventKind.LAB_RESULT):
            self.counter += 1
            url = self._url(f"observation/{self.counter}")
            if event.kind is not EventKind.SYMPTOM:
                self._add(url, self._lab(event.payload))
            elif self.encoded and _plain(event.payload):
                self.entries.append(self._plain_symptom(url, event.payload))
            else:
                self._add(url, self._symptom(event.payload))

    def _plain_symptom(self, url: str, entry: SymptomEntry) -> Encoded:
        """The entry of a plain symptom entry, as the JSON text of its dicts.

        Exactly ``_dumps`` of what :meth:`_add` and :meth:`_symptom` build
        (the tests hold the two equal): the text up to the instant is the
        same for every entry of a symptom, so it is encoded once.
        """
        key = (entry.symptom.value, entry.label)
        head = self.symptom_heads.get(key)
        if head is None:
            resource = self._observation(entry.at, _own(_codes.SYMPTOM_SYSTEM, *key))
            del resource["effectiveDateTime"]
            head = _dumps(resource, None)[:-1] + ',"effectiveDateTime":"'
            self.symptom_heads[key] = head
        tail = (
            ',"request":{"method":"POST","url":"Observation"}}'
            if self.transaction
            else "}"
        )
        return Encoded(
            f'{{"fullUrl":"{url}","resource":{head}{fhir_datetime(entry.at)}",'
            f'"valueInteger":{entry.severity}}}{tail}'
        )

    def _observation(self, at: dt.datetime, code: Json) -> Json:
        return {
            "resourceType": "Observation",
            "status": "final",
            "code": code,
            "subject": self.subject,
            "effectiveDateTime": fhir_datetime(at),
        }

    def _symptom(self, entry: SymptomEntry) -> Json:
        resource = self._observation(
            entry.at, _own(_codes.SYMPTOM_SYSTEM, entry.symptom.value, entry.label)
        )
        resource["valueInteger"] = entry.severity
        if (
            entry.multifocal is not None
            or entry.during_sleep is not None
            or entry.triggers
            or entry.body_sites
        ):
            components = list(self._symptom_components(entry))
            if components:
                resource["component"] = components
        if entry.note:
            resource["note"] = [{"text": entry.note}]
        return resource

    @staticmethod
    def _symptom_components(entry: SymptomEntry) -> Iterable[Json]:
        def part(code: str) -> Json:
            return _own(_codes.COMPONENT_SYSTEM, code, code.replace("-", " "))

        if entry.multifocal is not None:
            yield {"code": part("multifocal"), "valueBoolean": entry.multifocal}
        if entry.during_sleep is not None:
            yield {"code": part("during-sleep"), "valueBoolean": entry.during_sleep}
        for trigger in entry.triggers:
            yield {
                "code": part("trigger"),
                "valueCodeableConcept": _own(
                    _codes.TRIGGER_SYSTEM, trigger.value, trigger.value
                ),
            }
        for site in entry.body_sites:
            if site:
                yield {"code": part("body-site"), "valueString": site}

    def _lab(self, result: LabResult) -> Json:
        unit = canonical_unit(result.analyte, result.unit)
        code = _concept(result.analyte.value, _codes.lab_code(result.analyte, unit))
        code.setdefault("coding", []).append(
            {"system": _codes.ANALYTE_SYSTEM, "code": result.analyte.value}
        )
        resource = self._observation(result.at, code)
        resource["category"] = [_concept("Laboratory", _codes.LABORATORY)]
        resource["valueQuantity"] = {
            "value": _number(result.value),
            "unit": result.unit,
            "system": _codes.UCUM,
            "code": _codes.UCUM_UNITS[unit],
        }
        band = result.interpret()
        if band is not None:
            resource["interpretation"] = [
                _concept(band.label, _codes.interpretation_code(band.label))
            ]
        reference = _reference_ranges(result)
        if reference:
            resource["referenceRange"] = reference
        return resource


class Encoded(str):
    """An entry already written as compact JSON text (see ``_plain_symptom``)."""

    __slots__ = ()


def _plain(entry: SymptomEntry) -> bool:
    """Whether a symptom entry's Observation has no components and no note."""
    return (
        type(entry.severity) is int
        and entry.multifocal is None
        and entry.during_sleep is None
        and not entry.triggers
        and not entry.body_sites
        and not entry.note
    )


def _reference_ranges(result: LabResult) -> list[Json]:
    chosen = default_reference(result.analyte)
    if chosen is None:
        return []
    unit = canonical_unit(chosen.analyte, chosen.unit)

    def quantity(value: float) -> Json:
        return {
            "value": _number(value),
            "unit": chosen.unit,
            "system": _codes.UCUM,
            "code": _codes.UCUM_UNITS[unit],
        }

    ranges: list[Json] = []
    for band in chosen.bands:
        item: Json = {"text": band.label}
        if band.low is not None:
            item["low"] = quantity(band.low)
        if band.high is not None:
            item["high"] = quantity(band.high)
        ranges.append(item)
    return ranges


def build_bundle(
    course: object,
    *,
    until: dt.datetime | None,
    now: dt.datetime | None,
    patient: str | None,
    version: str,
    bundle_type: str,
) -> Json:
    """Return the bundle of ``course`` as JSON-shaped dicts (see ``to_fhir``)."""
    writing = _Writing(
        course,
        until=until,
        now=now,
        patient=patient,
        version=version,
        bundle_type=bundle_type,
    )
    return fhir_strings_in(writing.bundle())  # type: ignore[no-any-return]


def bundle_json(
    course: object,
    *,
    until: dt.datetime | None,
    now: dt.datetime | None,
    patient: str | None,
    version: str,
    bundle_type: str,
    indent: int | None,
) -> str:
    """Return the bundle of ``course`` as JSON text (see ``to_fhir_json``).

    The text of :func:`build_bundle`'s dicts: the strings are made FHIR
    strings only when the text shows a character FHIR refuses (rarely), so
    thousands of resources are not walked for nothing.
    """
    if indent is not None and (
        isinstance(indent, bool) or not isinstance(indent, int) or indent < 0
    ):
        raise SettingError.wrong_kind("indent", indent, "None or a whole number from 0")
    writing = _Writing(
        course,
        until=until,
        now=now,
        patient=patient,
        version=version,
        bundle_type=bundle_type,
    )
    if indent is None:
        text = _joined(writing.bundle(encoded=True))
        if not _suspect(text):
            return text
    bundle = writing.bundle()  # from the same timeline
    text = _dumps(bundle, indent)
    if _suspect(text):
        text = _dumps(fhir_strings_in(bundle), indent)
    return text


def _joined(bundle: Json) -> str:
    """The compact text of a bundle some of whose entries are written already."""
    head = {k: v for k, v in bundle.items() if k != "entry"}
    entries = ",".join(
        e if isinstance(e, Encoded) else _dumps(e, None) for e in bundle["entry"]
    )
    # "entry" is the bundle's last member, as _bundle builds it.
    return f'{_dumps(head, None)[:-1]},"entry":[{entries}]}}'


def _suspect(text: str) -> bool:
    """Whether JSON ``text`` may hold a character FHIR refuses (see SUSPECT_IN_JSON)."""
    if text.isascii():  # the usual case, and a flag of the string: no scan
        return "\\" in text and ("\\f" in text or "\\u00" in text)
    return SUSPECT_IN_JSON.search(text) is not None


def _dumps(bundle: Json, indent: int | None) -> str:
    # Compact as fhir.resources' model_dump_json() is, unless indented; the
    # dicts are a tree built here (no cycles to look for).
    return json.dumps(
        bundle,
        ensure_ascii=False,
        check_circular=False,
        indent=indent,
        separators=(",", ":") if indent is None else (",", ": "),
        default=_json_number,
    )


def _json_number(value: object) -> int | float:
    """A Decimal as the JSON number fhir.resources writes: ``1``, ``150.0``."""
    if not isinstance(value, Decimal):
        msg = f"{type(value).__name__} is not JSON"
        raise TypeError(msg)
    return int(value) if value.as_tuple().exponent >= 0 else float(value)  # type: ignore[operator]


class _Writing:
    """One call's checked options and its timeline, computed once."""

    def __init__(
        self,
        course: object,
        *,
        until: dt.datetime | None,
        now: dt.datetime | None,
        patient: str | None,
        version: str,
        bundle_type: str,
    ) -> None:
        self.course = _check(course, version, bundle_type, patient)
        if until is None:
            until = default_horizon(self.course)
        self.until = require_aware("until", until)
        self.timeline = self.course.timeline(until=self.until, now=now)
        self.now = None if now is None else require_aware("now", now)
        self.patient = patient
        self.version: Version = "R5" if version == "R5" else "R4B"
        self.bundle_type: BundleType = (
            "transaction" if bundle_type == "transaction" else "collection"
        )

    def bundle(self, *, encoded: bool = False) -> Json:
        """The bundle as dicts, its strings as the course has them.

        With ``encoded``, plain symptom entries are :class:`Encoded` text.
        """
        writer = _Writer(
            self.course,
            self.timeline,
            until=self.until,
            version=self.version,
            patient=self.patient,
            bundle_type=self.bundle_type,
            encoded=encoded,
        )
        writer.requests_for_phases()
        writer.administrations()
        writer.observations()
        writer.corrections()
        bundle: Json = {
            "resourceType": "Bundle",
            "identifier": {"system": _codes.COURSE_SYSTEM, "value": self.course.id},
            "type": self.bundle_type,
        }
        if self.now is not None:
            bundle["timestamp"] = fhir_datetime(self.now)
        bundle["entry"] = writer.entries
        return bundle
