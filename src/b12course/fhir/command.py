"""The ``b12course fhir`` command: write a saved course as a FHIR Bundle (JSON).

``b12course fhir course.json -o bundle.json [--fhir-version R4B|R5]``.  The
bundle is written by :func:`b12course.fhir.to_fhir_json`, the JSON text of the
bundle :func:`~b12course.fhir.to_fhir` validates, without building the
``fhir.resources`` model: a record of years is written in a fraction of a
second, and the command needs no extra (the tests hold that text valid
against HL7's JSON schema and equal to the model's).  The command line hands
it the functions
that read a saved course and write an output file, so that this rendering
depends neither on the JSON module (renderings are independent of each other;
only the CLI uses several) nor on the command line: every output of every
command goes through the command line's one writer (refused over the course
file, atomic, fsync-ed, private).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from b12course._course import Course

__all__ = ["register"]

# The exit status when a file cannot be read, as the command line has it.
_EXIT_IO = 1


class Writer(Protocol):
    """The command line's writer of ``-o`` (``b12course.cli._course.write_output``)."""

    def __call__(
        self, output: str, data: bytes, *, force: bool, source: str | None, what: str
    ) -> None:
        """Write ``data`` to ``output`` (``-`` for stdout), never over ``source``."""


def register(
    commands: Any,  # noqa: ANN401 - argparse's private subparsers type
    read_course: Callable[[str], Course | None],
    write: Writer,
) -> None:
    """Add the ``fhir`` command to the sub-commands of the b12course parser.

    Args:
        commands: What ``parser.add_subparsers()`` returned.
        read_course: Returns the course saved at a path (or None once it has
            said why it cannot).
        write: Writes the bundle where ``-o`` says: refused over the course
            file or an existing file without ``--force``, atomic and private.
    """
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
    parser.set_defaults(
        run=functools.partial(_run, read_course=read_course, write=write)
    )


def _run(
    args: argparse.Namespace,
    *,
    read_course: Callable[[str], Course | None],
    write: Writer,
) -> int:
    from b12course.fhir import to_fhir_json  # noqa: PLC0415

    course = read_course(args.file)
    if course is None:
        return _EXIT_IO
    # The one place this command reads the clock.
    now = dt.datetime.now(course.zone)
    text = to_fhir_json(
        course,
        now=now,
        patient=args.patient,
        version=args.fhir_version,
        bundle_type="transaction" if args.transaction else "collection",
        indent=2,
    )
    data = text.encode() + b"\n"
    write(args.output, data, force=args.force, source=args.file, what="the bundle")
    return 0
