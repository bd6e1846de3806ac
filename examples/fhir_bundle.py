"""Hand a course to an EHR as a FHIR Bundle, and read back what it recorded.

Needs the ``fhir`` extra (``pip install 'b12course[fhir]'``).  The bundle is
R4B by default (``version="R5"`` on request): a MedicationRequest per phase, a
MedicationAdministration per dose given or skipped, an Observation per symptom
entry and lab result.  Reading it back gives the same course.

Run it with a directory to write ``bundle.json`` into (a new temporary one by
default)::

    python examples/fhir_bundle.py out/
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
import zoneinfo
from pathlib import Path

import b12course as b12
from b12course.exceptions import FhirFormatError
from b12course.fhir import course_from_fhir_file, from_fhir, to_fhir


def main(directory: Path) -> Path:
    """Write a London course as an R4B bundle, read it back, then damage it."""
    london = zoneinfo.ZoneInfo("Europe/London")
    course = b12.Course.begin(
        b12.regimens.get("bnf-hydroxocobalamin-non-neuro"),
        first_dose=dt.datetime(2026, 12, 7, 9, 0, tzinfo=london),
        id="patient-42",
    )
    course = course.record_dose(
        dt.datetime(2026, 12, 7, 9, 10, tzinfo=london), site=b12.Site.LEFT_THIGH
    )
    course = course.record_lab(
        b12.LabResult(
            at=dt.datetime(2026, 11, 20, 9, 0, tzinfo=london),
            analyte=b12.Analyte.SERUM_B12,
            value=150,
            unit="ng/L",
        )
    )

    bundle = to_fhir(course, patient="Patient/123")
    path = directory / "bundle.json"
    path.write_text(bundle.model_dump_json(indent=2), encoding="utf-8")
    kinds = [entry.resource.get_resource_type() for entry in bundle.entry]
    print("Wrote", path, "with", ", ".join(kinds))
    print("Read back the same course:", course_from_fhir_file(path) == course)

    data = json.loads(path.read_text(encoding="utf-8"))
    data["entry"][2]["resource"]["dosage"]["dose"]["code"] = "mL"
    try:
        from_fhir(data)
    except FhirFormatError as error:
        print("A dose in mL is refused at", f"{error.resource}.{error.field}")
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    main(target)
