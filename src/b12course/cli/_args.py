"""The arguments several commands share, spelled once."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

__all__ = [
    "add",
    "at_argument",
    "json_argument",
    "now_argument",
    "output_arguments",
    "provisional_argument",
    "source_arguments",
    "until_argument",
]


def source_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source",
        metavar="COURSE",
        help="a course file (course.json) or a preset id (see `b12course presets`)",
    )
    parser.add_argument(
        "--start",
        help="for a preset: the first dose, a local date-time such as "
        "2026-12-01T09:00 (a date alone means 09:00), or with an offset",
    )
    parser.add_argument(
        "--tz", help="for a preset: the IANA zone the doses keep their time in"
    )


def now_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--now",
        help="the present, for statuses: a date-time, a date alone (its "
        "midnight), now, today or yesterday (default: the clock for a course "
        "file; none for a preset preview)",
    )


def until_argument(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--until",
        help=f"the exclusive horizon, a date or date-time (default: {default})",
    )
    provisional_argument(parser)


def provisional_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--provisional-weeks",
        type=_weeks,
        metavar="WEEKS",
        help="how many weeks past now (a preview: past the first dose) the "
        "provisional doses of a phase a clinician has not ended are shown "
        "(default: 12); one event says the plan continues after them",
    )


def _weeks(text: str) -> int:
    try:
        weeks = int(text)
    except ValueError:
        weeks = 0
    if not 1 <= weeks <= 5200:  # noqa: PLR2004 - a hundred years
        msg = f"--provisional-weeks is a whole number from 1 to 5200, not {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return weeks


def json_argument(parser: argparse.ArgumentParser, shape: str) -> None:
    parser.add_argument(
        "--json", action="store_true", help=f"print one JSON object: {shape}"
    )


def output_arguments(
    parser: argparse.ArgumentParser, what: str, *, required: bool
) -> None:
    parser.add_argument(
        "-o",
        "--output",
        required=required,
        default=None if required else "-",
        help=f"{what} ('-' for stdout)",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite the output file if it exists"
    )


def at_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--at",
        help=f"when {what}: a date-time such as 2026-12-03T09:15, a date alone "
        "(09:00 that day), now, today or yesterday (default: now)",
    )


def add(
    commands: Any,  # noqa: ANN401 - argparse's subparsers action is private
    name: str,
    run: Callable[[argparse.Namespace], int],
    summary: str,
    description: str,
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=summary, description=description
    )
    parser.set_defaults(run=run)
    return parser
