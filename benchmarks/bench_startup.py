"""Benchmark start-up: ``import b12course`` and a cold ``b12course status``.

Run from the repository root (the numbers go to stdout as a Markdown table)::

    python benchmarks/bench_startup.py              # 15 rounds (about 30 s)
    python benchmarks/bench_startup.py --rounds 5   # quicker, noisier

Rows (each prints measured / peer / ratio / target / met):

- ``import b12course`` against ``import icalendar``: the CPU time of the
  import inside a fresh interpreter (its start-up excluded), bytecode cached
  on both sides as it is for installed wheels.  Target: no slower (issue 17).
  The check: neither side imports a heavy optional library.
- ``from b12course import Course, json`` (what every program that keeps a
  course loads: the whole model, attrs and the course-file reader) against
  the same peer.
  Reported, not a target: it says what the lazy namespace defers.
- ``b12course status course.json``, cold: the wall-clock time of the whole
  process, from ``exec`` to exit, against ``python -c pass`` (the
  interpreter's own start-up).  Target: under 0.2 s (issue 17).  The check:
  the process prints exactly what ``b12course.cli.main`` prints in process.

The two sides of each ratio are measured interleaved, in one run, and each
figure is the best of ``--rounds`` (the least disturbed by other processes on
a shared machine).  Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import subprocess
import sys
import tempfile
import time
import zoneinfo
from collections.abc import Callable, Sequence
from pathlib import Path

from _common import Row, fmt

import b12course
from b12course import Course, regimens
from b12course import json as b12json
from b12course.cli import main as cli_main

HEAVY = ("icalendar", "hypothesis", "cattrs", "matplotlib", "fhir", "caldav")
STATUS_TARGET = 0.12  # seconds, a cold `b12course status` (issue 26)
LONDON = zoneinfo.ZoneInfo("Europe/London")

_IMPORT_PROBE = """
import sys, time
start = time.process_time()
{statement}
elapsed = time.process_time() - start
heavy = [m for m in {heavy!r} if m in sys.modules]
print(elapsed, ",".join(heavy))
"""


def environment(pycache: str) -> dict[str, str]:
    """The environment of a probe: bytecode cached in ``pycache`` on both sides.

    An environment with PYTHONDONTWRITEBYTECODE (this sandbox sets it) would
    otherwise compile b12course, an editable install, from source at every
    import, but not the installed icalendar.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def import_time(statement: str, pycache: str) -> tuple[float, frozenset[str]]:
    """Time ``statement`` inside a fresh interpreter (not its start-up)."""
    probe = _IMPORT_PROBE.format(statement=statement, heavy=HEAVY)
    out = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env=environment(pycache),
    ).stdout.split()
    return float(out[0]), frozenset(filter(None, "".join(out[1:]).split(",")))


def interleaved(
    ours: Callable[[], float], theirs: Callable[[], float], rounds: int
) -> tuple[float, float]:
    """Best of ``rounds`` for each side, the two sides run alternately."""
    ours(), theirs()  # warm the bytecode and file caches
    mine, peer = [], []
    for _ in range(rounds):
        mine.append(ours())
        peer.append(theirs())
    return min(mine), min(peer)


def bench_import(statement: str, rounds: int, pycache: str, *, target: bool) -> Row:
    """``statement`` against ``import icalendar``."""
    heavy: set[str] = set()

    def ours() -> float:
        elapsed, loaded = import_time(statement, pycache)
        heavy.update(loaded)
        return elapsed

    mine, peer = interleaved(
        ours, lambda: import_time("import icalendar", pycache)[0], rounds
    )
    allowed: set[str] = set()
    return Row(
        f"`{statement}` (CPU time of the import, bytecode cached)",
        mine,
        peer,
        "`import icalendar`",
        "<= 1.0x" if target else "reported",
        mine <= peer if target else None,
        same=not heavy - allowed,
        note="heavy modules imported: " + (", ".join(sorted(heavy)) or "none"),
    )


def course_file(folder: Path) -> tuple[Path, list[str]]:
    """Write a course a month into its loading phase; return it and status args."""
    first = dt.datetime(2026, 11, 2, 9, tzinfo=LONDON)
    course = Course.begin(
        regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first, id="startup"
    )
    for k in range(0, 28, 2):
        course = course.record_dose(first + dt.timedelta(days=k, minutes=k))
    path = folder / "course.json"
    path.write_text(b12json.dumps(course), encoding="utf-8")
    return path, ["status", str(path), "--now", "2026-12-01T09:30"]


def run_wall(command: list[str], pycache: str) -> tuple[float, str]:
    """Run ``command`` in a fresh process; its wall-clock time and stdout."""
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter
        command, capture_output=True, text=True, check=True, env=environment(pycache)
    )
    return time.perf_counter() - start, done.stdout


def bench_status(rounds: int, pycache: str) -> Row:
    """A cold ``b12course status`` against the interpreter's own start-up."""
    with tempfile.TemporaryDirectory() as folder:
        _, args = course_file(Path(folder))
        expected = io.StringIO()
        with contextlib.redirect_stdout(expected):
            cli_main(args)
        # The installed console script, as a user types it (else python -m).
        script = Path(sys.executable).with_name("b12course")
        launcher = (
            [str(script)] if script.exists() else [sys.executable, "-m", "b12course"]
        )
        command = [*launcher, *args]
        outputs: set[str] = set()

        def ours() -> float:
            elapsed, out = run_wall(command, pycache)
            outputs.add(out)
            return elapsed

        def theirs() -> float:
            return run_wall([sys.executable, "-c", "pass"], pycache)[0]

        mine, peer = interleaved(ours, theirs, rounds)
    return Row(
        "`b12course status course.json`, cold (wall clock of the whole process)",
        mine,
        peer,
        "`python -c pass`",
        f"< {STATUS_TARGET * 1e3:.0f} ms",
        mine < STATUS_TARGET,
        same=outputs == {expected.getvalue()},
        note="output identical to cli.main in process",
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run every start-up benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as pycache:
        rows = [
            bench_import("import b12course", args.rounds, pycache, target=True),
            bench_import(
                "from b12course import Course, json",
                args.rounds,
                pycache,
                target=False,
            ),
            bench_status(args.rounds, pycache),
        ]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Python {sys.version.split()[0]}, b12course {b12course.__version__}")
    print(f"load average before the run's end: {load}\n")
    print("| measurement | measured | peer | peer time | ratio | target | met | same |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row.what} | {fmt(row.ours)} | {row.peer} | {fmt(row.theirs)} "
            f"| {row.ratio_text} | {row.target} | {row.met_text} "
            f"| {'yes' if row.same else 'NO'} ({row.note}) |"
        )
    if not all(row.same for row in rows):
        sys.exit("a row's two sides disagree")


if __name__ == "__main__":
    main()
