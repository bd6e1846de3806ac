"""Benchmark `b12course worklist` over a folder of course files, as a clinic runs it.

Run from the repository root::

    python benchmarks/bench_cli_worklist.py              # 1,000 course files
    python benchmarks/bench_cli_worklist.py --files 200  # a quicker run

It writes 2-year injection courses (the generator of ``bench_worklist.py``) as
one JSON file each into a temporary folder, then times the installed console
script as a person runs it (``b12course worklist FOLDER --from --to --now``,
wall clock, best of a few) and, beside it, the command in this process (CPU
time): reading every file and the worklist itself.  The target (issue 25): a
folder of 1,000 files in under 5 s.  Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import best_of, fmt
from bench_worklist import history_course

from b12course import json as b12json
from b12course.cli import main as cli_main

TARGET = 5.0
ARGS = (
    "--from",
    "2026-12-07",
    "--to",
    "2026-12-14",
    "--now",
    "2026-12-08",
    "--tz",
    "UTC",
)


def write_folder(folder: Path, files: int) -> None:
    """Write ``files`` two-year courses, one JSON file each."""
    rng = random.Random(1)  # noqa: S311 - test data, not secrets
    for i in range(files):
        course = history_course(rng, i, 2)
        (folder / f"c{i:05d}.json").write_text(b12json.dumps(course), encoding="utf-8")


def wall(command: list[str], repeat: int) -> float:
    """The best wall-clock time of running ``command``."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)  # noqa: S603 - our script
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> None:
    """Write the folder, time the command, print the rows."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args(argv)
    script = shutil.which("b12course") or str(
        Path(sys.executable).with_name("b12course")
    )
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write_folder(folder, options.files)

        def in_process() -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                cli_main(["worklist", str(folder), *ARGS])

        cpu = best_of(in_process, repeat=options.repeat)
        seconds = wall([script, "worklist", str(folder), *ARGS], options.repeat)
    met = "yes" if seconds < TARGET else "NO"
    print("| row | measured | target | met |")
    print("|---|---|---|---|")
    print(
        f"| `b12course worklist` over {options.files:,} files, wall | {fmt(seconds)} "
        f"| < {TARGET:.0f} s | {met} |"
    )
    print(f"| the same in process, CPU | {fmt(cpu)} | (info) | |")
    print(f"| per file, CPU | {fmt(cpu / options.files)} | (info) | |")


if __name__ == "__main__":
    main()
