# PYTHON_ARGCOMPLETE_OK
"""The ``b12course`` command: a course kept in a file, from start to summary.

::

    b12course presets                                   # ids, names, sources
    b12course plan bnf-hydroxocobalamin-neuro --start 2026-12-01 --tz UTC  # a preview
    b12course new PRESET --start 2026-12-01T09:00 --tz Europe/London -o course.json
        [--pregnant | --breastfeeding]
    b12course record course.json [--at ISO] [--site S] [--lot L] [--by WHO]
    b12course skip course.json (--number N | --due ISO) --reason TEXT
    b12course end-phase course.json [--at ISO] --reason TEXT [--by WHO]
    b12course confirm-phase course.json [--at ISO] --reason TEXT [--by WHO]
    b12course pregnancy course.json (--set | --clear)
    b12course log course.json myoclonus 6 [--at ISO] [--note TEXT]
    b12course lab course.json serum-b12 180 ng/L [--at ISO]
    b12course void course.json (--dose N | --symptom AT | --lab AT | --decision P)
        --reason TEXT [--by WHO]
    b12course amend course.json --dose N [--at ISO] [--site S] --reason TEXT
    b12course undo course.json --reason TEXT
    b12course status course.json [--now ISO]
    b12course plan|timeline course.json
    b12course ics course.json -o course.ics [--force]
    b12course csv|summary|chart course.json -o FILE
    b12course schema                                    # the course files' JSON Schema

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
without ``--force``); ``record``, ``skip``, ``end-phase``, ``confirm-phase``,
``pregnancy``, ``log`` and ``lab`` change one.  Each change is checked by the
library before anything is written, the file is replaced atomically, and two
commands changing one file at once both land, one after the other (see
:mod:`b12course.cli._store`).  ``--at`` defaults to now: the command line is
the one place that reads the clock.

**Times.**  ``2026-12-01T09:00`` is a wall-clock time in the course's zone;
with an offset (``+01:00``, ``Z``) it is that instant.  A date alone means
the same in every command: 09:00 that day for a time something happens or
starts (``--start``, ``--at``), the start of the day for ``--until``,
``--from``, ``--to`` and ``--now``, and "the pending dose due that day" for
``skip --due``.  ``now``, ``today``, ``yesterday`` and ``tomorrow`` work
wherever a date does.  Horizons (``--until``, ``--to``) are exclusive.  A
wall-clock time the clocks skip or repeat is refused with the two times it
could mean.

**Output.**  Tables for people by default.  The reading commands (``presets``,
``plan``, ``timeline``, ``status``) take ``--json`` and print one JSON object:

- ``presets``: ``{"presets": [PRESET...], "notice"}``, PRESET being
  ``{"id", "name", "source", "phases": [{"name", "text"}]}``.
- ``plan``: ``{"course": COURSE, "preview", "until", "now", "horizon": HORIZON,
  "doses": [DOSE...], "plan_continues": {"at", "phase", "text"}|null,
  "notice"}``.
- ``timeline``: ``{"course": COURSE, "preview", "from", "to", "horizon": HORIZON,
  "now", "events": [EVENT...]}``.
- ``status``: ``{"course": COURSE, "now", "due_now": [DOSE...], "next_dose":
  DOSE|null, "suggested_site": str|null, "overdue": [DOSE...],
  "flare_window": {"start", "end", "state"}|null, "attention":
  [ASSESSMENT...], "next_review": {"review", "at"}|null, "recent_symptoms":
  [EVENT...], "horizon": HORIZON}``; ``state`` is ``"not open yet"``,
  ``"open"`` or ``"closed"``; ``next_dose`` is the view's next dose (due now,
  else next) and ``suggested_site`` the site for it.  ASSESSMENT is ``{"at",
  "symptom", "severity", "category", "attention", "text"}``: the entries
  flagged for a clinician's attention, as the summary flags them.  HORIZON is
  ``{"firm", "provisional", "reason"}``: the one horizon policy's.

COURSE is ``{"id", "preset", "regimen", "zone", "first_dose"}``; DOSE is
``{"number", "name", "phase", "number_in_phase", "phase_size", "due",
"given_at", "dose", "status", "provisional"}``; EVENT is ``{"kind", "start",
"end", "text", ...}`` with the fields of its kind (see
``b12course.cli._output.event_json``).  Instants are ISO 8601 with their
offset, in the course's zone; kinds and statuses are the library's values.

Exit status: 0 on success; 1 when a file cannot be read or written (or a
CalDAV server refused some events: run ``caldav`` again); 2 on bad input or a
refused change (the message, one line on stderr, says what was wrong; nothing
is written); 3 when a server cannot be reached or does not answer in time
(``caldav``: the input was fine, try again later).

>>> main(["presets"])  # doctest: +ELLIPSIS
bnf-hydroxocobalamin-neuro ...
0
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from b12course.__about__ import __version__
from b12course.cli import _course as base
from b12course.cli import _input as read
from b12course.cli import _reading
from b12course.exceptions import B12CourseError, CalDavNetworkError

__all__ = ["main"]

_PROG = base.PROG
_EXIT_IO = 1
_EXIT_INPUT = 2
_EXIT_NETWORK = 3


# -- the parser ---------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr."""

    def error(self, message: str) -> NoReturn:
        usage = " ".join(self.format_usage().split())
        message = _without_secrets(message)
        line = _one_line(f"{self.prog}: error: {_suggest(message)} ({usage})")
        self.exit(_EXIT_INPUT, f"{line}\n")


def _without_secrets(message: str) -> str:
    """Hide what follows an option that looks like a password ("--password X").

    There is no such option (a password never goes on the command line), so
    argparse would echo the password back as an unrecognised argument.
    """
    import re  # noqa: PLC0415 - only a mistake needs it

    secret = re.compile(
        r"(--?(?:pass|pw|secret|token)[\w-]*)(=\S*|\s+(?!-)\S+)", re.IGNORECASE
    )
    if not secret.search(message):
        return message
    hidden = secret.sub(r"\1 ***", message)
    return (
        f"{hidden}; a password is never given on the command line: use "
        "--password-file FILE or the B12COURSE_CALDAV_PASSWORD variable"
    )


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


# The commands of the reading group, whose parser alone is built when one of
# them is run (a cold `b12course status` then builds one group of parsers,
# not every command's); any other command builds them all.
_READING = frozenset({"presets", "plan", "timeline", "status", "schema"})


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of ``command``'s group if it reads only."""
    parser = _Parser(
        prog=_PROG,
        description="Vitamin B12 treatment courses: guideline presets, dosing "
        "plans, a course kept in a file, calendars, summaries and charts. It "
        "describes; it does not advise.",
        epilog="Exit status: 0 success, 1 a file could not be read or written, "
        "2 bad input or a refused change, 3 a server could not be reached or "
        "did not answer in time.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _reading.register(commands)
    if command in _READING:
        return parser
    from b12course.cli import (  # noqa: PLC0415 - not for reading
        _changes,
        _completion,
        _corrections,
        _exports,
        _worklist,
    )

    _changes.register(commands)
    _corrections.register(commands)
    _exports.register(commands)
    _worklist.register(commands)
    _completion.register(commands)

    # Interop commands (fhir, caldav) register here: each module's
    # ``register(commands)`` adds its parser with ``set_defaults(run=...)`` and
    # imports its optional library only when the command runs.
    from b12course import caldav  # noqa: PLC0415 - interop registers itself
    from b12course.fhir import command as fhir_command  # noqa: PLC0415

    caldav.register(commands)
    fhir_command.register(commands, base.read_course, base.write_output)
    return parser


def _parser_for(arguments: Sequence[str]) -> argparse.ArgumentParser:
    """The parser ``arguments`` need; a shell's completion request is answered."""
    # A shell asking for completions needs every command; otherwise a reading
    # command builds only its own group's parsers (start-up time).
    completing = "_ARGCOMPLETE" in os.environ
    parser = _parser(None if completing or not arguments else arguments[0])
    if completing:
        from b12course.cli import _completion  # noqa: PLC0415 - only for the shell

        _completion.complete(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0911 - one per outcome
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 on success, 1 when a file cannot be read or
        written, 2 on bad input or a refused change, 3 when a server cannot
        be reached or does not answer in time.
    """
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = _parser_for(arguments)
    if not arguments:  # `b12course` alone: what can it do?
        parser.print_help()
        return 0
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exit_:  # --help, --version and usage errors
        code = exit_.code
        return 0 if code is None else code if isinstance(code, int) else _EXIT_INPUT
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except CalDavNetworkError as exc:
        _say(str(exc))
        return _EXIT_NETWORK
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
