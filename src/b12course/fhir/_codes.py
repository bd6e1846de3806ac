"""The one code table of the FHIR mapping: every external code, its display and source.

A wrong code in a medical record is worse than none, so a concept gets a code
here only when the code and its display were read on a published page of the
code system or of an HL7 / national value set that lists it (the ``source``
of each entry).  Everything else is written as ``text`` alone:

- Medications: no RxNorm or dm+d code could be verified for hydroxocobalamin,
  cyanocobalamin or methylcobalamin, so the medication is ``text`` only.
- Routes: SNOMED CT, from the FHIR "SNOMED CT Route Codes" value set.  Deep
  subcutaneous is coded as the subcutaneous route (it is one), with the text
  "deep subcutaneous".
- Body sites: SNOMED CT for the left and right thigh, listed alike by the
  NHS Digital and IL-Core immunisation-site value sets.  The deltoid is coded
  differently by the two (shoulder region, upper arm) and the ventrogluteal
  site is not the buttock those sets list, so those sites are ``text`` only.
- Labs: LOINC, for the unit a result is written in (a LOINC code names the
  property measured, mass or moles per volume): total B12 by mass (2132-9)
  and by moles (14685-2), holotranscobalamin (active B12) by moles (72160-5),
  homocysteine, haemoglobin, MCV, and serum folate by mass and by moles
  (keyed by the analyte's value, so they apply once the model has the
  analyte).  No code was verified for methylmalonic acid (the code seen in
  laboratory catalogues was not found with its name in a terminology source)
  or for active B12 by mass: those are ``text`` only (:data:`TEXT_ONLY_LABS`).
- Lab results are in the ``laboratory`` observation category.
- Interpretations: HL7 v3 ``ObservationInterpretation`` codes for the NG239
  bands (``L``, ``IND``, ``N``), beside the band's own wording.

Concepts of b12course itself (which symptom, which analyte) use b12course's
own code systems, named by ``urn:b12course:fhir:*`` URIs, so they can never
be mistaken for a published terminology.  The parts of a course that FHIR has
no element for travel in b12course's extensions, each defined by a
StructureDefinition under :data:`EXTENSION_BASE` (shipped in this package's
``structuredefinitions`` folder); the 0.2 ``urn:b12course:fhir:*`` extension
URLs are still read (:data:`LEGACY_EXTENSIONS`).
"""

from __future__ import annotations

import attrs

from b12course._labs import ABOVE, BELOW, Analyte
from b12course._sites import Site

__all__ = [
    "ALL_CODES",
    "ANALYTE_SYSTEM",
    "COMPONENT_SYSTEM",
    "COURSE_SYSTEM",
    "EXTENSION_BASE",
    "EXTENSION_NAMES",
    "EXT_CONFIRMATION",
    "EXT_CORRECTION",
    "EXT_COURSE",
    "EXT_DECISION",
    "EXT_PHASE",
    "EXT_SKIPPED_SLOT",
    "INTERPRETATION",
    "INTERPRETATIONS",
    "LABORATORY",
    "LEGACY_EXTENSIONS",
    "LOINC",
    "LOINC_ANALYTES",
    "PATIENT_SYSTEM",
    "ROUTES",
    "SITES",
    "SNOMED",
    "SYMPTOM_SYSTEM",
    "TEXT_ONLY_LABS",
    "TRIGGER_SYSTEM",
    "UCUM",
    "UCUM_UNITS",
    "Code",
    "interpretation_code",
    "lab_code",
]

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"

_ROUTE_SOURCE = "http://hl7.org/fhir/stu3/valueset-route-codes.html"
_NHS_SITES = "https://fhir.nhs.uk/STU3/ValueSet/DCH-ImmunisationSite-1"
_IL_SITES = "http://fhir.health.gov.il/ValueSet/immunization-body-site"

# b12course's own code systems (not published terminologies).
_OWN = "urn:b12course:fhir:"
COURSE_SYSTEM = _OWN + "course"
#: The identifier system of the Patient a bundle holds when no patient is
#: given: the person whose course it is, identified by the course's id.
PATIENT_SYSTEM = _OWN + "course-patient"
SYMPTOM_SYSTEM = _OWN + "symptom"
TRIGGER_SYSTEM = _OWN + "trigger"
ANALYTE_SYSTEM = _OWN + "analyte"
COMPONENT_SYSTEM = _OWN + "observation-component"

#: The canonical base of b12course's extensions: the documentation site, where
#: each StructureDefinition is published under its name.
EXTENSION_BASE = "https://b12course.readthedocs.io/fhir/StructureDefinition/"
#: The names of the extensions (each a StructureDefinition of that name).
EXTENSION_NAMES = (
    "course",
    "phase",
    "phase-decision",
    "phase-confirmation",
    "skipped-slot",
    "correction",
)
EXT_COURSE = EXTENSION_BASE + "course"
EXT_PHASE = EXTENSION_BASE + "phase"
EXT_DECISION = EXTENSION_BASE + "phase-decision"
EXT_CONFIRMATION = EXTENSION_BASE + "phase-confirmation"
EXT_SKIPPED_SLOT = EXTENSION_BASE + "skipped-slot"
EXT_CORRECTION = EXTENSION_BASE + "correction"
#: Each extension's URL -> the URL b12course 0.2 wrote for it (still read).
LEGACY_EXTENSIONS: dict[str, str] = {
    EXTENSION_BASE + name: _OWN + name for name in EXTENSION_NAMES
}


@attrs.frozen
class Code:
    """One verified code: its system, code, display text and where it was read.

    >>> ROUTES["intramuscular"].coding()["display"]
    'Intramuscular route'
    """

    system: str
    code: str
    display: str
    source: str

    def coding(self) -> dict[str, str]:
        """Return the FHIR ``Coding`` of this code."""
        return {"system": self.system, "code": self.code, "display": self.display}


_SUBCUTANEOUS = Code(SNOMED, "34206005", "Subcutaneous route", _ROUTE_SOURCE)

#: Route value -> code.  Keyed by the route's text, so a route the model adds
#: later (plain subcutaneous beside deep subcutaneous) finds its code here.
#: Both subcutaneous routes are the SNOMED CT subcutaneous route, the text
#: saying which; a reader takes the code as plain subcutaneous where the model
#: has that route.
ROUTES: dict[str, Code] = {
    "intramuscular": Code(SNOMED, "78421000", "Intramuscular route", _ROUTE_SOURCE),
    "subcutaneous": _SUBCUTANEOUS,
    "deep subcutaneous": _SUBCUTANEOUS,
    "oral": Code(SNOMED, "26643006", "Oral route", _ROUTE_SOURCE),
    "intranasal": Code(SNOMED, "46713006", "Nasal route", _ROUTE_SOURCE),
    "sublingual": Code(SNOMED, "37839007", "Sublingual route", _ROUTE_SOURCE),
}

SITES: dict[str, Code] = {
    Site.LEFT_THIGH.value: Code(
        SNOMED, "61396006", "Structure of left thigh", f"{_NHS_SITES}; {_IL_SITES}"
    ),
    Site.RIGHT_THIGH.value: Code(
        SNOMED, "11207009", "Structure of right thigh", f"{_NHS_SITES}; {_IL_SITES}"
    ),
}

_LOINC_PAGE = "https://loinc.org/{}/"
# The Swiss national value set of laboratory observations (eHealth Suisse,
# eHealth Connector enum org.ehealth_connector.cda.ch.lab.lrqc.enums.LabObsList),
# which lists each code with its LOINC long name.
_EHEALTH_SUISSE = (
    "eHealth Suisse LabObsList value set (eHealth Connector, "
    "org.ehealth_connector.cda.ch.lab.lrqc.enums.LabObsList)"
)
# The LOINC table (loinc_num, long name, short name, class) as distributed.
_LOINC_TABLE = "LOINC table row (LOINC_NUM, LONG_COMMON_NAME, SHORTNAME, CLASS)"


def _loinc(code: str, display: str, *sources: str) -> Code:
    return Code(LOINC, code, display, "; ".join(sources))


_B12_MASS = _loinc(
    "2132-9",
    "Cobalamin (Vitamin B12) [Mass/volume] in Serum or Plasma",
    _LOINC_PAGE.format("2132-9"),
    _EHEALTH_SUISSE,
)
# Not 16695-9, which some applications use for pmol/L: in LOINC's table it
# is cobalamin by mass in blood (MCnc, Bld), not by moles in serum or plasma.
_B12_MOLAR = _loinc(
    "14685-2",
    "Cobalamin (Vitamin B12) [Moles/volume] in Serum or Plasma",
    _EHEALTH_SUISSE,
    f"{_LOINC_TABLE}: short name 'Vit B12 SerPl-sCnc', class CHEM",
    "b12course issue 28 (long and short name, the molar twin of 2132-9)",
)
_HOLOTC_MOLAR = _loinc(
    "72160-5",
    "Holo-transcobalamin II [Moles/volume] in Serum",
    "https://www.healthassure.in/codes/loinc-72160-5-holo-transcobalamin-ii-s-molesvol"
    " (LOINC long name, status ACTIVE, component Holo-transcobalamin II, "
    "synonyms 'Active B12', 'Holotranscobalamin')",
)
_HOMOCYSTEINE = _loinc(
    "13965-9",
    "Homocysteine [Moles/volume] in Serum or Plasma",
    _LOINC_PAGE.format("13965-9"),
)
_HAEMOGLOBIN = _loinc(
    "718-7", "Hemoglobin [Mass/volume] in Blood", _LOINC_PAGE.format("718-7")
)
_MCV = _loinc(
    "30428-7",
    "MCV [Entitic mean volume] in Red Blood Cells",
    _LOINC_PAGE.format("30428-7"),
)
_FOLATE_MASS = _loinc(
    "2284-8",
    "Folate [Mass/volume] in Serum or Plasma",
    _EHEALTH_SUISSE,
)
_FOLATE_MOLAR = _loinc(
    "14732-2",
    "Folate [Moles/volume] in Serum or Plasma",
    _EHEALTH_SUISSE,
    f"{_LOINC_TABLE}: short name 'Folate SerPl-sCnc', class CHEM",
)

#: The value of the serum folate analyte, once the model has it.
SERUM_FOLATE = "serum folate"

# (analyte value, canonical unit) -> LOINC code; a LOINC code names the
# property measured (mass or moles per volume), so the unit picks the code.
# Keyed by the analyte's value, so an analyte the model adds later (serum
# folate) finds its codes here.
_LABS: dict[tuple[str, str], Code] = {
    (Analyte.SERUM_B12.value, "ng/L"): _B12_MASS,
    (Analyte.SERUM_B12.value, "pg/mL"): _B12_MASS,
    (Analyte.SERUM_B12.value, "pmol/L"): _B12_MOLAR,
    (Analyte.ACTIVE_B12.value, "pmol/L"): _HOLOTC_MOLAR,
    (Analyte.HOMOCYSTEINE.value, "µmol/L"): _HOMOCYSTEINE,
    (Analyte.HOMOCYSTEINE.value, "nmol/L"): _HOMOCYSTEINE,
    (Analyte.HAEMOGLOBIN.value, "g/L"): _HAEMOGLOBIN,
    (Analyte.HAEMOGLOBIN.value, "g/dL"): _HAEMOGLOBIN,
    (Analyte.MCV.value, "fL"): _MCV,
    (SERUM_FOLATE, "µg/L"): _FOLATE_MASS,
    (SERUM_FOLATE, "ug/L"): _FOLATE_MASS,
    (SERUM_FOLATE, "ng/mL"): _FOLATE_MASS,
    (SERUM_FOLATE, "nmol/L"): _FOLATE_MOLAR,
}

#: (analyte value, unit) written as text only, and why.
TEXT_ONLY_LABS: dict[tuple[str, str], str] = {
    (Analyte.ACTIVE_B12.value, "pg/mL"): (
        "LOINC's holotranscobalamin code is by moles; no mass code was verified"
    ),
    (Analyte.ACTIVE_B12.value, "ng/L"): (
        "LOINC's holotranscobalamin code is by moles; no mass code was verified"
    ),
    (Analyte.MMA.value, "µmol/L"): (
        "the code laboratory catalogues use was not found with its name in a "
        "terminology source"
    ),
    (Analyte.MMA.value, "nmol/L"): (
        "the code laboratory catalogues use was not found with its name in a "
        "terminology source"
    ),
}

#: LOINC code -> analyte, for reading Observations from other systems.
LOINC_ANALYTES: dict[str, Analyte] = {
    code.code: analyte
    for analyte in Analyte
    for (value, _unit), code in _LABS.items()
    if value == analyte.value
}

_THO = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
#: The HL7 v3 ObservationInterpretation code system.
INTERPRETATION = _THO
_THO_SOURCE = (
    "https://terminology.hl7.org/CodeSystem-v3-ObservationInterpretation.html "
    "(the code system of the FHIR R4B/R5 observation-interpretation value set; "
    "IND 'Indeterminate' as HL7's genomics-reporting IG lists it)"
)

#: NG239 band label -> its ObservationInterpretation code.  Below the threshold
#: is Low; indeterminate is Indeterminate; above it (NG239: deficiency
#: unlikely) is Normal, not High: it is not above an upper reference limit.
INTERPRETATIONS: dict[str, Code] = {
    BELOW: Code(_THO, "L", "Low", _THO_SOURCE),
    "indeterminate": Code(_THO, "IND", "Indeterminate", _THO_SOURCE),
    ABOVE: Code(_THO, "N", "Normal", _THO_SOURCE),
}


#: The category of a lab result's Observation, so a receiving system files it
#: with the laboratory results.
LABORATORY = Code(
    "http://terminology.hl7.org/CodeSystem/observation-category",
    "laboratory",
    "Laboratory",
    "hl7.fhir.r4b.core 4.3.0 and hl7.fhir.r5.core 5.0.0 packages, "
    "CodeSystem-observation-category.json",
)


def interpretation_code(label: str) -> Code | None:
    """Return the ObservationInterpretation code of a band ``label``, if any.

    >>> interpretation_code("indeterminate").code
    'IND'
    """
    return INTERPRETATIONS.get(label)


#: Every external code in use, for the test that checks them against their displays.
ALL_CODES: tuple[Code, ...] = (
    *dict.fromkeys(ROUTES.values()),
    *SITES.values(),
    *dict.fromkeys(_LABS.values()),
    *INTERPRETATIONS.values(),
    LABORATORY,
)


def lab_code(analyte: Analyte, unit: str) -> Code | None:
    """Return the verified LOINC code of ``analyte`` in (canonical) ``unit``, if any.

    >>> lab_code(Analyte.SERUM_B12, "pmol/L").code
    '14685-2'
    """
    return _LABS.get((analyte.value, unit))


#: A lab's canonical unit -> its UCUM code (UCUM writes micro as "u").
UCUM_UNITS: dict[str, str] = {
    "pmol/L": "pmol/L",
    "pg/mL": "pg/mL",
    "ng/L": "ng/L",
    "µmol/L": "umol/L",
    "nmol/L": "nmol/L",
    "g/L": "g/L",
    "g/dL": "g/dL",
    "fL": "fL",
    # Serum folate (once the model has it): mass and molar units.
    "µg/L": "ug/L",
    "ug/L": "ug/L",
    "ng/mL": "ng/mL",
}
