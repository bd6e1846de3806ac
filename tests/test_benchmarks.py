"""The benchmark scripts keep running: each parses its options, the cheap ones run tiny.

A benchmark that fails at import or at its table's last line is found only by
the next person who measures; these tests find it first.  They time nothing
(speed is the benchmarks' own business) and check only that each script runs
to its table.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
SCRIPTS = sorted(p.name for p in BENCHMARKS.glob("bench_*.py"))


def run(script: str, *args: str) -> str:
    """Run one benchmark script from the repository root; return its stdout."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=BENCHMARKS.parent,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_every_benchmark_is_found() -> None:
    assert {"bench_cold.py", "bench_growth.py", "bench_worklist.py"} <= set(SCRIPTS)


@pytest.mark.integration
@pytest.mark.parametrize("script", SCRIPTS)
def test_each_benchmark_imports_and_parses_its_options(script: str) -> None:
    out = run(script, "--help")
    # A script with options prints its usage; one without (a quick one) runs whole.
    assert "usage:" in out or "|---|" in out, out


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.parametrize(
    ("script", "args"),
    [
        ("bench_cold.py", ("--courses", "16", "--repeat", "1")),
        ("bench_worklist.py", ("--courses", "40", "--repeat", "1")),
        ("bench_cli_worklist.py", ("--files", "8", "--repeat", "1")),
    ],
)
def test_a_tiny_run_prints_its_whole_table(script: str, args: tuple[str, ...]) -> None:
    out = run(script, *args)
    lines = out.splitlines()
    # A Markdown table: a header, its separator, then at least one measured row.
    separator = next(
        (i for i, line in enumerate(lines) if line.startswith("|---")), None
    )
    assert separator is not None, out
    assert 0 < separator < len(lines) - 1, out
    assert lines[separator - 1].startswith("| "), out
    assert lines[separator + 1].startswith("| "), out
