"""The ``b12course`` command: a course kept in a file, from start to summary.

::

    b12course presets                                   # ids, names, sources
    b12course plan nice-neuro --start 2026-12-01 --tz Europe/London   # a preview
    b12course new nice-neuro --start 2026-12-01T09:00 --tz Europe/London -o course.json
    b12course record course.json [--at ISO] [--site S] [--lot L] [--by WHO]
    b12course skip course.json (--number N | --due ISO) --reason TEXT
    b12course end-phase course.json [--at ISO] --reason TEXT
    b12course log course.json myoclonus 6 [--at ISO] [--note TEXT]
    b12course lab course.json serum-b12 180 ng/L [--at ISO]
    b12course status course.json [--now ISO]
    b12course plan|timeline course.json
    b12course ics course.json -o course.ics [--force]
    b12course csv|summary|chart course.json -o FILE

**Courses and presets.**  ``plan``, ``timeline``, ``ics``, ``csv``,
``summary`` and ``chart`` take a course file (a name ending in ``.json``, or an
existing file) or a preset id with ``--start`` and ``--tz``.  A preset is a
*preview*: it has no record, so it cannot know whether a past dose was given.
Without ``--now`` a preview gives no dose a status (every dose is
"scheduled", and a calendar made of it marks none "OVERDUE": someone who
started last week gets the plan, not a list of failures); with ``--now`` it
shows the statuses the plan would have at that moment if nothing had been
recorded.  A summary of a preview is written as of its first dose.  A course
file has a record, so its statuses are as of ``--now``, by default the clock.

**Changes.**  ``new`` writes a new course file (never over an existing one
without ``--force``); ``record``, ``skip``, ``end-phase``, ``log`` and ``lab``
change one.  Each change is checked by the library before anything is
written, the file is replaced atomically, and two commands changing one file
at once both land, one after the other (see :mod:`b12course._store`).  ``--at``
defaults to now: the command line is the one place that reads the clock.

**Times.**  ``2026-12-01T09:00`` is a wall-clock time in the course's zone;
with an offset (``+01:00``, ``Z``) it is that instant.  A date alone is 09:00
for ``--start``, the start of the day for ``--until``, ``--from``, ``--to`` and
``--now``, and "the pending dose due that day" for ``skip --due``; ``--at``
needs a time.  Horizons (``--until``, ``--to``) are exclusive.  A wall-clock time
the clocks skip or repeat is refused with the two times it could mean.

**Output.**  Tables for people by default.  The reading commands (``presets``,
``plan``, ``timeline``, ``status``) take ``--json`` and print one JSON object:

- ``presets``: ``{"presets": [PRESET...], "notice"}``, PRESET being
  ``{"id", "name", "source", "phases": [{"name", "text"}]}``.
- ``plan``: ``{"course": COURSE, "preview", "until", "now", "doses": [DOSE...],
  "notice"}``.
- ``timeline``: ``{"course": COURSE, "preview", "from", "to", "now",
  "events": [EVENT...]}``.
- ``status``: ``{"course": COURSE, "now", "due_now": [DOSE...], "next_dose":
  DOSE|null, "suggested_site": str|null, "overdue": [DOSE...],
  "flare_window": {"start", "end", "state"}|null, "next_review": {"review",
  "at"}|null, "recent_symptoms": [EVENT...]}``; ``state`` is ``"not open
  yet"``, ``"open"`` or ``"closed"``.

COURSE is ``{"id", "preset", "regimen", "zone", "first_dose"}``; DOSE is
``{"number", "name", "phase", "number_in_phase", "phase_size", "due",
"given_at", "dose", "status", "provisional"}``; EVENT is ``{"kind", "start",
"end", "text", ...}`` with the fields of its kind (see
``b12course._cli_output.event_json``).  Instants are ISO 8601 with their
offset, in the course's zone; kinds and statuses are the library's values.

Exit status: 0 on success; 1 when a file cannot be read or written; 2 on bad
input or a refused change (the message, one line on stderr, says what was
wrong; nothing is written).

>>> main(["presets"])  # doctest: +ELLIPSIS
bnf-hydroxocobalamin-neuro ...
0
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from b12course import _cli_changes as changes
from b12course import _cli_course as base
from b12course import _cli_exports as exports
from b12course import _cli_input as read
from b12course import _cli_reading as reading
from b12course.__about__ import __version__
from b12course.exceptions import B12CourseError

__all__ = ["main"]

_PROG = base.PROG
_EXIT_IO = 1
_EXIT_INPUT = 2


# -- the parser ---------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr."""

    def error(self, message: str) -> NoReturn:
        usage = " ".join(self.format_usage().split())
        line = _one_line(f"{self.prog}: error: {_suggest(message)} ({usage})")
        self.exit(_EXIT_INPUT, f"{line}\n")


def _suggest(message: str) -> str:
    """Add "did you mean" to argparse's "invalid choice" messages."""
    import re  # noqa: PLC0415 - only a mistake needs it

    found = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
    if found is None:
        return message
    choices = re.findall(r"'([^']*)'", found.group(2))
    hint = read.did_you_mean(found.group(1), {c: c for c in choices})
    return (
        message
        if not hint
        else message[: found.start()] + (f"invalid choice: {found.group(1)!r}{hint}")
    )


def _source_arguments(parser: argparse.ArgumentParser) -> None:
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


def _now_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--now",
        help="the present, for statuses (default: the clock for a course file; "
        "none for a preset preview)",
    )


def _until_argument(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--until",
        help=f"the exclusive horizon, a date or date-time (default: {default})",
    )


def _json_argument(parser: argparse.ArgumentParser, shape: str) -> None:
    parser.add_argument(
        "--json", action="store_true", help=f"print one JSON object: {shape}"
    )


def _output_arguments(
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


def _at_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--at",
        help=f"when {what}, a date-time such as 2026-12-03T09:15 (default: now)",
    )


def _add(
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


def _reading_commands(commands: Any) -> None:  # noqa: ANN401
    presets = _add(
        commands,
        "presets",
        reading.presets,
        "list the regimen presets with their sources",
        "List the regimen presets: ids, names, phases and sources.",
    )
    _json_argument(
        presets,
        '{"presets": [{"id", "name", "source", "phases": [{"name", "text"}]}], '
        '"notice"}',
    )

    plan = _add(
        commands,
        "plan",
        reading.plan,
        "print the dosing plan of a course file or a preset",
        "Print the dosing plan: number, dose, local date and time, amount and "
        "status. A preset is a preview: without --now no dose has a status "
        "(it has no record of what was given).",
    )
    _source_arguments(plan)
    _until_argument(plan, "a year after the first dose, or after now if later")
    _now_argument(plan)
    _json_argument(
        plan,
        '{"course", "preview", "until", "now", "doses": [{"number", "name", '
        '"phase", "number_in_phase", "phase_size", "due", "given_at", "dose", '
        '"status", "provisional"}], "notice"}',
    )

    timeline = _add(
        commands,
        "timeline",
        reading.timeline,
        "print the timeline of a course file or a preset",
        "Print the events of a course: planned and given doses, skips, symptoms, "
        "labs, phase changes, reviews and the flare window.",
    )
    _source_arguments(timeline)
    timeline.add_argument(
        "--from", dest="start_at", help="the start (default: the earliest record)"
    )
    timeline.add_argument(
        "--to",
        dest="end",
        help="the exclusive end (default: a year after the first dose)",
    )
    _now_argument(timeline)
    _json_argument(
        timeline,
        '{"course", "preview", "from", "to", "now", "events": [{"kind", "start", '
        '"end", "text", ...}]}',
    )

    status = _add(
        commands,
        "status",
        reading.status,
        "what is due, overdue, the flare window, the next review, recent symptoms",
        "Say where a course stands: the dose due now or next (with the "
        "injection site used least recently), overdue doses, where the flare "
        "window stands, the next review and the last symptom entries.",
    )
    status.add_argument("file", help="the course file")
    status.add_argument("--now", help="the present (default: the clock)")
    _json_argument(
        status,
        '{"course", "now", "due_now": [DOSE], "next_dose": DOSE|null, '
        '"suggested_site", "overdue": [DOSE], "flare_window": {"start", "end", '
        '"state"}|null, "next_review": {"review", "at"}|null, "recent_symptoms": '
        "[EVENT]} (DOSE and EVENT as in plan and timeline)",
    )


def _export_commands(commands: Any) -> None:  # noqa: ANN401
    ics = _add(
        commands,
        "ics",
        exports.ics,
        "write the dosing calendar as an .ics file",
        "Write the dosing calendar as an iCalendar (.ics) file that calendar apps "
        "import.  Written again over the same file (--force), changed events get "
        "a higher SEQUENCE so a re-import updates them; a file written for another "
        "course is overwritten without carrying its events over.",
    )
    _source_arguments(ics)
    ics.add_argument(
        "--alarm",
        action="append",
        metavar="BEFORE",
        help="a reminder this long before each dose, e.g. 30m, 1h, 1d "
        "(repeatable; default 30m)",
    )
    ics.add_argument("--no-alarm", action="store_true", help="write no reminders")
    _output_arguments(ics, "the .ics file", required=True)
    _until_argument(ics, "a year after the first dose, or after now if later")
    _now_argument(ics)

    csv = _add(
        commands,
        "csv",
        exports.csv,
        "write the course's log as CSV",
        "Write the log of a course (doses given and skipped, decisions, symptoms, "
        "labs) as CSV, one row per event.",
    )
    _source_arguments(csv)
    _output_arguments(csv, "the CSV file", required=False)

    summary = _add(
        commands,
        "summary",
        exports.summary,
        "write a one-page summary (Markdown or HTML by the file's suffix)",
        "Write a one-page summary of a course: regimen, doses, adherence, "
        "overdue doses, flare, symptoms, labs and reviews.  .md writes Markdown, "
        ".html HTML; '-' prints Markdown.",
    )
    _source_arguments(summary)
    _output_arguments(summary, "the .md or .html file", required=False)
    _until_argument(summary, "a year after now")
    _now_argument(summary)

    chart = _add(
        commands,
        "chart",
        exports.chart,
        "draw a course as a PNG or SVG chart (needs b12course[plot])",
        "Draw a course: symptom severities, doses given and planned, the flare "
        "window, phases and review points.",
    )
    _source_arguments(chart)
    _output_arguments(chart, "the chart file, .png or .svg", required=True)
    _until_argument(chart, "automatic")
    _now_argument(chart)


def _changing_commands(commands: Any) -> None:  # noqa: ANN401
    new = _add(
        commands,
        "new",
        changes.new,
        "start a course file from a preset or a FHIR bundle",
        "Start a course file from a preset, a first dose and a zone, or from a "
        "FHIR Bundle (JSON) that b12course.fhir or an EHR wrote.",
    )
    new.add_argument("source", metavar="PRESET", nargs="?", help="a preset id")
    new.add_argument("--start", help="the first dose (a date alone: 09:00)")
    new.add_argument("--tz", help="the IANA zone, e.g. Europe/London")
    new.add_argument(
        "--from-fhir",
        metavar="BUNDLE",
        help="start from this FHIR Bundle instead of a preset (no --start, --tz)",
    )
    new.add_argument("-o", "--output", required=True, help="the course file to write")
    new.add_argument("--id", help="the course's id (default: a random one)")
    new.add_argument("--force", action="store_true", help="replace an existing file")

    record = _add(
        commands,
        "record",
        changes.record,
        "record a dose given",
        "Record a dose given; it fulfils the planned dose it matches.",
    )
    record.add_argument("file", help="the course file")
    _at_argument(record, "it was given")
    record.add_argument("--site", help="the injection site, e.g. 'left deltoid'")
    record.add_argument("--lot", help="the lot or batch number")
    record.add_argument(
        "--by", choices=("self", "carer", "clinician"), help="who gave it"
    )
    record.add_argument("--note", help="free text")

    skip = _add(
        commands,
        "skip",
        changes.skip,
        "record that a planned dose will not be given",
        "Record that a pending planned dose will not be given, named by its "
        "number in the plan or its due date (or date-time).",
    )
    skip.add_argument("file", help="the course file")
    which = skip.add_mutually_exclusive_group(required=True)
    which.add_argument("--number", type=int, help="the dose's number in the plan")
    which.add_argument("--due", help="its due date, or date-time")
    skip.add_argument("--reason", required=True, help="why, in free text")

    end = _add(
        commands,
        "end-phase",
        changes.end_phase,
        "record a clinician's decision ending the phase in progress",
        "Record that the phase in progress ends (a clinician's decision, e.g. "
        "no further improvement).",
    )
    end.add_argument("file", help="the course file")
    _at_argument(end, "it ends")
    end.add_argument("--reason", required=True, help="why, in free text")

    log = _add(
        commands,
        "log",
        changes.log,
        "log a symptom entry",
        "Log how a symptom is, on a 0-10 scale.  Entries before the first dose "
        "are the baseline.",
    )
    log.add_argument("file", help="the course file")
    log.add_argument("symptom", help="e.g. myoclonus, tremor, paresthesia, other")
    log.add_argument("severity", type=int, help="0 (none) to 10 (worst)")
    _at_argument(log, "it was felt")
    log.add_argument("--name", help="the symptom's name, for 'other'")
    log.add_argument("--note", help="free text")

    lab = _add(
        commands,
        "lab",
        changes.lab,
        "record a lab result",
        "Record a lab result, e.g. `lab course.json serum-b12 180 ng/L`.",
    )
    lab.add_argument("file", help="the course file")
    lab.add_argument("analyte", help="serum-b12, active-b12, mma, homocysteine, ...")
    lab.add_argument("value", help="the value")
    lab.add_argument("unit", help="e.g. ng/L, pmol/L, umol/L, g/L")
    _at_argument(lab, "the sample was taken")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=_PROG,
        description="Vitamin B12 treatment courses: guideline presets, dosing "
        "plans, a course kept in a file, calendars, summaries and charts. It "
        "describes; it does not advise.",
        epilog="Exit status: 0 success, 1 a file could not be read or written, "
        "2 bad input or a refused change.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _reading_commands(commands)
    _changing_commands(commands)
    _export_commands(commands)

    # Interop commands (fhir, caldav) register here: each module's
    # ``register(commands)`` adds its parser with ``set_defaults(run=...)`` and
    # imports its optional library only when the command runs.
    from b12course import caldav  # noqa: PLC0415 - interop registers itself
    from b12course.fhir import command as fhir_command  # noqa: PLC0415

    caldav.register(commands)
    fhir_command.register(commands, base.read_course)
    return parser


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0911 - one per outcome
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 on success, 1 when a file cannot be read or
        written, 2 on bad input or a refused change.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version and usage errors
        code = exit_.code
        return 0 if code is None else code if isinstance(code, int) else _EXIT_INPUT
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except B12CourseError as exc:
        _say(str(exc))
        return _EXIT_INPUT
    except base.UnreadableError as exc:
        _say(str(exc))
        return _EXIT_IO
    except KeyboardInterrupt:  # Ctrl-C: every write is atomic, so nothing is torn
        return 130
    except BrokenPipeError:  # the reader went away (`b12course plan ... | head`)
        _silence_stdout()
        return _EXIT_IO
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _say(f"{where}{exc.strerror or exc}")
        return _EXIT_IO
    except Exception as exc:  # noqa: BLE001 - a defect, but never a traceback
        _say(f"internal error ({type(exc).__name__}: {exc}); please report it")
        return _EXIT_INPUT


def _one_line(text: str) -> str:
    """Return ``text`` as one printable line: breaks and control characters escaped.

    An error message may echo what was typed, and a typed argument may hold a
    line break, a control character or (from undecodable bytes) a lone
    surrogate.
    """
    flat = " ".join(text.split())
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in flat)


def _say(message: str) -> None:
    """Print an error as one line on stderr."""
    print(_one_line(f"{_PROG}: error: {message}"), file=sys.stderr)


def _silence_stdout() -> None:
    """Point stdout at devnull, so the interpreter's last flush cannot fail again."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (e.g. captured by a test)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)
