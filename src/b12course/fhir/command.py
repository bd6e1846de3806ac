"""The ``b12course fhir`` command: write a saved course as a FHIR Bundle (JSON).

``b12course fhir course.json -o bundle.json [--fhir-version R4B|R5]``.  This
module imports neither ``fhir.resources`` nor ``cattrs`` until the command
runs, so registering it costs the command line nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import sys
from pathlib import Path
from typing import Any

__all__ = ["register"]


def register(commands: Any) -> None:  # noqa: ANN401 - argparse's private subparsers type
    """Add the ``fhir`` command to the sub-commands of the b12course parser."""
    parser = commands.add_parser(
        "fhir",
        help="write a course as a FHIR Bundle (JSON)",
        description=(
            "Write a course saved with b12course.json as a FHIR Bundle: a "
            "MedicationRequest per phase, a MedicationAdministration per dose "
            "given or skipped, an Observation per symptom entry and lab result."
        ),
    )
    parser.add_argument("file", help="a course saved with b12course.json.dumps")
    parser.add_argument(
        "-o",
        "--output",
        default="-",
        help="where to write the bundle (default: stdout)",
    )
    parser.add_argument(
        "--fhir-version",
        choices=("R4B", "R5"),
        default="R4B",
        help="the FHIR version (default: R4B)",
    )
    parser.add_argument(
        "--patient", help="a reference to the patient, e.g. Patient/123"
    )
    parser.add_argument(
        "--transaction",
        action="store_true",
        help="write a transaction bundle (a POST request per entry)",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite the output file"
    )
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    from b12course import json as b12json  # noqa: PLC0415 - cattrs only when run
    from b12course.exceptions import SettingError  # noqa: PLC0415
    from b12course.fhir import to_fhir  # noqa: PLC0415 - fhir.resources only when run

    course = b12json.loads(Path(args.file).read_bytes())
    # The one place this command reads the clock.
    now = dt.datetime.now(course.zone)
    bundle = to_fhir(
        course,
        now=now,
        patient=args.patient,
        version=args.fhir_version,
        bundle_type="transaction" if args.transaction else "collection",
    )
    data = bundle.model_dump_json(indent=2).encode() + b"\n"
    if args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    target = Path(args.output)
    if target.exists() and not args.force:
        msg = f"{args.output} already exists; pass --force to overwrite it"
        raise SettingError(msg)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        temporary.write_bytes(data)
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)
    return 0
