"""Save a course as JSON and load it back, exactly.

The document is versioned (``{"format": "b12course", "version": 1, ...}``) and
holds everything recorded; instants keep their offset and IANA zone.  Reading
is strict: a damaged document raises ``CourseFormatError`` naming the field.

Run it with a directory to write ``course.json`` into (a new temporary one by
default)::

    python examples/save_and_load_json.py out/
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import zoneinfo
from pathlib import Path

import b12course as b12
from b12course.exceptions import CourseFormatError


def main(directory: Path) -> Path:
    """Save a Sydney course across the April DST change, then load it back."""
    sydney = zoneinfo.ZoneInfo("Australia/Sydney")
    course = b12.Course.begin(
        b12.regimens.get("us-high-dose"),
        first_dose=dt.datetime(2027, 3, 29, 8, 30, tzinfo=sydney),
        id="patient-42",
    )
    for day in range(7):
        given = dt.datetime(2027, 3, 29, 8, 40, tzinfo=sydney) + dt.timedelta(days=day)
        course = course.record_dose(given, site=b12.Site.LEFT_DELTOID, lot="K123")
    course = course.log_symptom(
        b12.SymptomEntry(
            at=dt.datetime(2027, 3, 27, 20, 0, tzinfo=sydney),
            symptom=b12.Symptom.PARESTHESIA,
            severity=6,
            body_sites=("feet",),
        )
    )
    course = course.record_lab(
        b12.LabResult(
            at=dt.datetime(2027, 3, 20, 9, 0, tzinfo=sydney),
            analyte=b12.Analyte.SERUM_B12,
            value=132,
            unit="pmol/L",
        )
    )

    path = directory / "course.json"
    path.write_text(b12.json.dumps(course, indent=2), encoding="utf-8")
    print("Saved", path, f"({path.stat().st_size} bytes)")

    loaded = b12.json.loads(path.read_text(encoding="utf-8"))
    print("Loaded the same course:", loaded == course)
    print("Zone kept:", loaded.zone.key)
    print("Last dose given:", loaded.given[-1].at.isoformat())

    damaged = path.read_text(encoding="utf-8").replace(
        '"severity": 6', '"severity": 60'
    )
    try:
        b12.json.loads(damaged)
    except CourseFormatError as error:
        print("A damaged document is refused at", error.path)
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    main(target)
