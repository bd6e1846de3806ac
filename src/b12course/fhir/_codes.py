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
- Labs: LOINC for total B12 by mass (ng/L, pg/mL), homocysteine, haemoglobin
  and MCV.  The sources disagree on the code for total B12 in pmol/L, and no
  code was verified for holotranscobalamin (active B12) or for methylmalonic
  acid in molar units, or for serum folate: those are ``text`` only.

Concepts of b12course itself (which symptom, which analyte, the parts of a
course that FHIR has no element for) use b12course's own code systems and
extensions, named by ``urn:b12course:fhir:*`` URIs, so they can never be
mistaken for a published terminology.
"""

from __future__ import annotations

import attrs

from b12course._labs import Analyte
from b12course._sites import Site

__all__ = [
    "ALL_CODES",
    "ANALYTE_SYSTEM",
    "COMPONENT_SYSTEM",
    "COURSE_SYSTEM",
    "EXT_CONFIRMATION",
    "EXT_COURSE",
    "EXT_DECISION",
    "EXT_PHASE",
    "EXT_SKIPPED_SLOT",
    "LOINC",
    "LOINC_ANALYTES",
    "ROUTES",
    "SITES",
    "SNOMED",
    "SYMPTOM_SYSTEM",
    "TRIGGER_SYSTEM",
    "UCUM",
    "UCUM_UNITS",
    "Code",
    "lab_code",
]

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"

_ROUTE_SOURCE = "http://hl7.org/fhir/stu3/valueset-route-codes.html"
_NHS_SITES = "https://fhir.nhs.uk/STU3/ValueSet/DCH-ImmunisationSite-1"
_IL_SITES = "http://fhir.health.gov.il/ValueSet/immunization-body-site"

# b12course's own code systems and extensions (not published terminologies).
_OWN = "urn:b12course:fhir:"
COURSE_SYSTEM = _OWN + "course"
SYMPTOM_SYSTEM = _OWN + "symptom"
TRIGGER_SYSTEM = _OWN + "trigger"
ANALYTE_SYSTEM = _OWN + "analyte"
COMPONENT_SYSTEM = _OWN + "observation-component"
EXT_COURSE = _OWN + "course"
EXT_PHASE = _OWN + "phase"
EXT_DECISION = _OWN + "phase-decision"
EXT_CONFIRMATION = _OWN + "phase-confirmation"
EXT_SKIPPED_SLOT = _OWN + "skipped-slot"


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

_B12_MASS = Code(
    LOINC,
    "2132-9",
    "Cobalamin (Vitamin B12) [Mass/volume] in Serum or Plasma",
    "https://loinc.org/2132-9/",
)
_HOMOCYSTEINE = Code(
    LOINC,
    "13965-9",
    "Homocysteine [Moles/volume] in Serum or Plasma",
    "https://loinc.org/13965-9/",
)
_HAEMOGLOBIN = Code(
    LOINC, "718-7", "Hemoglobin [Mass/volume] in Blood", "https://loinc.org/718-7/"
)
_MCV = Code(
    LOINC,
    "30428-7",
    "MCV [Entitic mean volume] in Red Blood Cells",
    "https://loinc.org/30428-7/",
)

# (analyte, canonical unit) -> LOINC code; a LOINC code names the property
# measured (mass or moles per volume), so the unit picks the code.
_LABS: dict[tuple[Analyte, str], Code] = {
    (Analyte.SERUM_B12, "ng/L"): _B12_MASS,
    (Analyte.SERUM_B12, "pg/mL"): _B12_MASS,
    (Analyte.HOMOCYSTEINE, "µmol/L"): _HOMOCYSTEINE,
    (Analyte.HOMOCYSTEINE, "nmol/L"): _HOMOCYSTEINE,
    (Analyte.HAEMOGLOBIN, "g/L"): _HAEMOGLOBIN,
    (Analyte.HAEMOGLOBIN, "g/dL"): _HAEMOGLOBIN,
    (Analyte.MCV, "fL"): _MCV,
}

#: LOINC code -> analyte, for reading Observations from other systems.
LOINC_ANALYTES: dict[str, Analyte] = {
    code.code: analyte for (analyte, _unit), code in _LABS.items()
}

#: Every external code in use, for the test that checks them against their displays.
ALL_CODES: tuple[Code, ...] = (
    *dict.fromkeys(ROUTES.values()),
    *SITES.values(),
    *dict.fromkeys(_LABS.values()),
)


def lab_code(analyte: Analyte, unit: str) -> Code | None:
    """Return the verified LOINC code of ``analyte`` in (canonical) ``unit``, if any."""
    return _LABS.get((analyte, unit))


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
    "µg/L": "ug/L",
    "ng/mL": "ng/mL",
}
