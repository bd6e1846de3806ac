"""A course as HL7 FHIR resources, and back (the ``b12course[fhir]`` extra).

:func:`to_fhir` renders the events of ``Course.timeline`` as a FHIR
``Bundle`` built with `fhir.resources <https://pypi.org/project/fhir.resources/>`_
(R4B by default, what EHRs run; R5 on request), and :func:`from_fhir` reads
such a bundle back into a :class:`~b12course.Course`:

- a ``MedicationRequest`` per phase of the regimen (``Dosage`` with
  ``Timing.repeat``: ``frequency``/``period``/``periodUnit``, ``dayOfWeek``
  for weekday cadences, ``timeOfDay``, ``count`` for ``Count(n)``,
  ``boundsPeriod`` from the phase's first planned dose, its end for
  ``Lasting``), linked to the phase before by ``priorPrescription``;
- a ``MedicationAdministration`` per dose given (``completed``) or skipped
  (``not-done`` with ``statusReason``); the lot number is the ``batch`` of a
  contained ``Medication``;
- an ``Observation`` per symptom entry (severity 0-10 as ``valueInteger``,
  components for multifocal, during sleep, triggers and body sites) and per
  lab result (value in UCUM units, interpretation and reference ranges).

Codes are used only where verified (see ``b12course.fhir._codes``): LOINC
for the labs in the unit they are written in, and HL7's
``ObservationInterpretation`` beside the NG239 band's wording.  The patient
is a reference you give (``"Patient/123"``, a FHIR id of at most 64
characters), or else a ``Patient`` entry whose only content is an identifier,
the course's id (``urn:b12course:fhir:course-patient``): no personal data is
ever invented, and a transaction creates that patient only if none has the
identifier yet (``ifNoneExist``), so posting a bundle twice makes no second
patient.

Instants are written at their own UTC offset where FHIR can carry it (whole
minutes within +-14:00), and in UTC otherwise (UTC+15:00, or a historic
offset in seconds such as Amsterdam's +00:19:32 in 1900); :func:`from_fhir`
reads only FHIR dateTimes.

What FHIR cannot carry, :func:`from_fhir` cannot give back: an empty text
(a note, site or lot of ``""``; FHIR strings cannot be empty) reads back as
absent, and records at or after ``until`` are not written.  :func:`carried`
returns the part of a course a bundle carries, so that
``from_fhir(to_fhir(course)) == carried(course)``.  The course's IANA zone,
the regimen's name and sources and each phase's name, end and anchoring have
no FHIR element: they travel in b12course's own extensions, each defined by a
StructureDefinition at its canonical URL under
``https://b12course.readthedocs.io/fhir/StructureDefinition/`` and shipped in
the package (:func:`structure_definitions`); other systems may ignore them.
:func:`from_fhir` also reads the ``urn:b12course:fhir:*`` extension URLs that
b12course 0.2 wrote.

A ``Timing`` describes a regular grid from the phase's first planned dose; the
plan's own rules go further than FHIR can say: doses re-anchored on when they
were actually given, and monthly doses anchored on the 29th to 31st ("the
30th, or the month's last day").  The exact times are the plan's, and the
doses given are the administrations.

``fhir.resources`` is imported only when :func:`to_fhir` runs; ``import b12course``
never imports this module.  :func:`to_fhir_json` writes the same bundle's JSON
text without it: the fast path for files and the wire (``b12course fhir``
uses it), many times faster on a record of years.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from b12course import SymptomEntry
from b12course._corrections import Record
from b12course._course import Course
from b12course._records import AdministeredDose
from b12course._regimen import Phase
from b12course.exceptions import NotACourseError
from b12course.fhir._strings import carried_strings

if TYPE_CHECKING:
    from fhir.resources.bundle import Bundle as BundleR5
    from fhir.resources.R4B.bundle import Bundle as BundleR4B

__all__ = [
    "carried",
    "course_from_fhir_file",
    "from_fhir",
    "structure_definitions",
    "to_fhir",
    "to_fhir_json",
]


def to_fhir(
    course: Course,
    *,
    until: dt.datetime | None = None,
    now: dt.datetime | None = None,
    patient: str | None = None,
    version: Literal["R4B", "R5"] = "R4B",
    bundle_type: Literal["collection", "transaction"] = "collection",
) -> BundleR4B | BundleR5:
    """Return ``course`` as a FHIR Bundle (a ``fhir.resources`` model).

    Args:
        course: The course.
        until: The exclusive horizon of the timeline rendered; records at or
            after it are left out.  By default a day after the last record.
        now: The present: the bundle's ``timestamp``, and the statuses of the
            planned doses the requests are read from.
        patient: A reference to the patient (``"Patient/"`` and a FHIR id:
            1 to 64 letters, digits, ``-`` or ``.``); by default the bundle
            holds a ``Patient`` identified by the course's id alone, which
            every resource refers to.
        version: ``"R4B"`` (the default) or ``"R5"``.
        bundle_type: ``"collection"``, or ``"transaction"`` for entries with
            a ``POST`` request each.

    Returns:
        The validated Bundle; ``bundle.model_dump_json()`` is the wire form,
        which :func:`to_fhir_json` gives without building the model.

    Raises:
        NotACourseError: ``course`` is not a Course.
        NaiveDatetimeError: ``until`` or ``now`` is naive.
        SettingError: ``version``, ``bundle_type`` or ``patient`` is not one
            of the accepted values.
        ExportError: An instant cannot be written as a FHIR dateTime even in
            UTC (its UTC falls outside years 1 to 9999).

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens
    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> course = Course.begin(
    ...     regimens.get("bnf-hydroxocobalamin-non-neuro"),
    ...     first_dose=dt.datetime(2026, 12, 7, 9, tzinfo=london),
    ...     id="demo",
    ... )
    >>> bundle = to_fhir(course, patient="Patient/123")
    >>> [e.resource.get_resource_type() for e in bundle.entry]
    ['MedicationRequest', 'MedicationRequest']
    >>> from_fhir(bundle) == course
    True
    """
    from b12course.fhir._write import build_bundle  # noqa: PLC0415 - on first use

    data = build_bundle(
        course,
        until=until,
        now=now,
        patient=patient,
        version=version,
        bundle_type=bundle_type,
    )
    if version == "R5":
        from fhir.resources.bundle import Bundle as Bundle5  # noqa: PLC0415

        return Bundle5.model_validate(data)
    from fhir.resources.R4B.bundle import Bundle as Bundle4  # noqa: PLC0415

    return Bundle4.model_validate(data)


def to_fhir_json(
    course: Course,
    *,
    until: dt.datetime | None = None,
    now: dt.datetime | None = None,
    patient: str | None = None,
    version: Literal["R4B", "R5"] = "R4B",
    bundle_type: Literal["collection", "transaction"] = "collection",
    indent: int | None = None,
) -> str:
    """Return the JSON text of the FHIR Bundle of ``course``.

    The same bundle as :func:`to_fhir` (the same arguments), as the JSON
    ``to_fhir(...).model_dump_json()`` holds: the same values, decimals as
    JSON numbers, written with the standard ``json`` module instead of
    building and validating the ``fhir.resources`` model, so many times
    faster on a long record, and without the ``fhir`` extra.  The tests hold
    it equal to the model's JSON and valid against HL7's JSON schema.

    Args:
        course: The course.
        until: As for :func:`to_fhir`.
        now: As for :func:`to_fhir`.
        patient: As for :func:`to_fhir`.
        version: As for :func:`to_fhir`.
        bundle_type: As for :func:`to_fhir`.
        indent: Indent each level by this many spaces; by default the text is
            compact, on one line.

    Returns:
        The JSON text (UTF-8 when encoded; non-ASCII characters are written
        as themselves); :func:`from_fhir` reads it back.

    Raises:
        NotACourseError: ``course`` is not a Course.
        NaiveDatetimeError: ``until`` or ``now`` is naive.
        SettingError: ``version``, ``bundle_type`` or ``patient`` is not one
            of the accepted values, or ``indent`` is not None or a whole
            number from 0.
        ExportError: An instant cannot be written as a FHIR dateTime even in
            UTC (its UTC falls outside years 1 to 9999).

    >>> import datetime as dt, json, zoneinfo
    >>> from b12course import Course, regimens
    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> course = Course.begin(
    ...     regimens.get("bnf-hydroxocobalamin-non-neuro"),
    ...     first_dose=dt.datetime(2026, 12, 7, 9, tzinfo=london),
    ...     id="demo",
    ... )
    >>> text = to_fhir_json(course, patient="Patient/123")
    >>> [e["resource"]["resourceType"] for e in json.loads(text)["entry"]]
    ['MedicationRequest', 'MedicationRequest']
    >>> from_fhir(text) == course
    True
    """
    from b12course.fhir._write import bundle_json  # noqa: PLC0415 - on first use

    return bundle_json(
        course,
        until=until,
        now=now,
        patient=patient,
        version=version,
        bundle_type=bundle_type,
        indent=indent,
    )


def from_fhir(bundle: object) -> Course:
    """Return the course a FHIR Bundle describes.

    Reads what :func:`to_fhir` writes (R4B or R5) and, from other systems,
    ``MedicationRequest``, ``MedicationAdministration`` and ``Observation``
    resources that map onto a course: a request per phase with a regular
    ``Timing``, administrations of a form of B12 with a dose in mg or
    micrograms, symptom and lab observations b12course knows.

    Args:
        bundle: A ``fhir.resources`` Bundle (R4B or R5), its JSON text
            (``str`` or ``bytes``) or the parsed JSON (a ``dict``).

    Raises:
        FhirFormatError: Anything that cannot be mapped, naming the resource
            and field.
    """
    from b12course.fhir._read import read_bundle  # noqa: PLC0415 - on first use

    return read_bundle(bundle)


def course_from_fhir_file(path: str | Path) -> Course:
    """Return the course of the FHIR Bundle (JSON) in the file at ``path``.

    Raises:
        OSError: The file cannot be read.
        FhirFormatError: It is not a bundle :func:`from_fhir` can read.
    """
    return from_fhir(Path(path).read_bytes())


def structure_definitions() -> dict[str, dict[str, Any]]:
    """Return the StructureDefinition (parsed JSON) of each b12course extension.

    Keyed by the extension's name; each definition's ``url`` is the URL the
    extension is written with.

    >>> sorted(structure_definitions())  # doctest: +NORMALIZE_WHITESPACE
    ['correction', 'course', 'phase', 'phase-confirmation', 'phase-decision',
     'skipped-slot']
    """
    folder = importlib.resources.files(__name__) / "structuredefinitions"
    found: dict[str, dict[str, Any]] = {}
    for item in folder.iterdir():
        if item.name.endswith(".json"):
            found[item.name.removesuffix(".json")] = json.loads(
                item.read_text(encoding="utf-8")
            )
    return found


def _blank_is_none(value: str | None) -> str | None:
    return value or None


def _without_blank_condition(phase: Phase) -> Phase:
    """Return ``phase`` with an empty condition (where phases have one) as None."""
    if getattr(phase, "condition", None) != "":
        return phase
    # Phase.condition is newer than some models this module runs with.
    absent: dict[str, Any] = {"condition": None}
    return attrs.evolve(phase, **absent)


def carried(course: Course) -> Course:
    """Return the part of ``course`` a FHIR bundle carries.

    Empty texts (notes, sites and lots of ``""``, empty body sites, an empty
    phase condition) become absent, as FHIR has no empty string; whitespace
    a FHIR string cannot hold (a no-break space, a line separator) becomes a
    space; everything else is kept.

    Raises:
        NotACourseError: ``course`` is not a Course.
    """
    if not isinstance(course, Course):
        raise NotACourseError(course)
    given = tuple(
        attrs.evolve(
            g,
            note=_blank_is_none(g.note),
            site=_blank_is_none(g.site),
            lot=_blank_is_none(g.lot),
        )
        for g in course.given
    )
    regimen = course.regimen
    if any(getattr(p, "condition", None) == "" for p in regimen.phases):
        phases = tuple(_without_blank_condition(p) for p in regimen.phases)
        regimen = attrs.evolve(regimen, phases=phases)
    symptoms = tuple(
        attrs.evolve(
            e,
            note=_blank_is_none(e.note),
            body_sites=tuple(s for s in e.body_sites if s),
        )
        for e in course.symptoms
    )
    corrections = tuple(
        attrs.evolve(
            c,
            record=_carried_record(c.record),
            replacement=None
            if c.replacement is None
            else _carried_record(c.replacement),
        )
        for c in course.corrections
    )
    kept = attrs.evolve(
        course,
        regimen=regimen,
        given=given,
        symptoms=symptoms,
        corrections=corrections,
    )
    return carried_strings(kept)


def _carried_record(record: Record) -> Record:
    """A voided record as FHIR carries it (empty texts absent)."""
    if isinstance(record, AdministeredDose):
        return attrs.evolve(
            record,
            note=_blank_is_none(record.note),
            site=_blank_is_none(record.site),
            lot=_blank_is_none(record.lot),
        )
    if isinstance(record, SymptomEntry):
        return attrs.evolve(
            record,
            note=_blank_is_none(record.note),
            body_sites=tuple(s for s in record.body_sites if s),
        )
    return record
