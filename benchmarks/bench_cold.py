"""Benchmark the cold path: a clinic's worklist from course files.

Run from the repository root (the numbers go to stdout as a Markdown table)::

    python benchmarks/bench_cold.py                   # 10,000 courses (a few minutes)
    python benchmarks/bench_cold.py --courses 2000    # quicker, noisier

Rows (each prints measured / peer / ratio / target / met):

- ``b12course.json.loads`` of a course against stdlib ``json.loads`` of the
  same text; ``dumps`` against stdlib ``json.dumps`` of the same structure
  (the dicts ``json.loads`` gives back), with the same arguments.
- The memory of one loaded course (tracemalloc, over a sample: what courses
  share, a preset regimen, its doses, the zones, is counted once).
- The first worklist over freshly loaded courses, per course, against the
  worklist over the same course objects once their slots are kept.
- End to end: courses read from a JSON Lines file to this week's worklist,
  CPU time on one core, measured on ``--courses`` courses and extrapolated
  to 100,000; and the process-pool recipe of docs/guides/scale.md (wall
  clock, two workers), extrapolated the same way.

The courses are those of ``bench_worklist.py``: the five injection presets in
five zones, begun up to two years before "now", 93 % of doses given (about
10 KB of JSON each).  Both sides of a ratio are measured in turn, in one run,
and each figure is the best CPU time of several repeats.  Nothing here runs in
the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).parent))

from _common import best_of, fmt
from bench_worklist import NOW, WEEK, clinic, cohort

import b12course
from b12course import json as b12json
from b12course import worklist

TOTAL = 100_000  # the clinic the targets are stated for


class Line(NamedTuple):
    """One line of the table, its cells already formatted.

    Not ``_common.Row`` (ours against a peer's time): these rows mix sizes,
    extrapolations and estimates, each with its own peer and ratio.
    """

    what: str
    measured: str
    peer: str
    ratio: str
    target: str
    met: bool
    note: str = ""


def ratio_row(  # noqa: PLR0917 - one row, all its cells
    what: str, ours: float, peer: str, theirs: float, limit: float, note: str = ""
) -> Line:
    """A row whose target is a ratio to the peer."""
    ratio = ours / theirs
    return Line(
        what,
        fmt(ours),
        f"{peer}: {fmt(theirs)}",
        f"{ratio:.2f}x",
        f"<= {limit}x",
        ratio <= limit,
        note,
    )


def interleaved(
    ours: Callable[[], object], theirs: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Best CPU time of each side, the two measured in turn."""
    mine, peer = float("inf"), float("inf")
    for _ in range(repeat):
        mine = min(mine, best_of(ours, repeat=1))
        peer = min(peer, best_of(theirs, repeat=1))
    return mine, peer


def bench_text(texts: list[str], repeat: int) -> list[Line]:
    """Loads and dumps against the standard library on the same data."""
    n = len(texts)
    courses = [b12json.loads(t) for t in texts]
    assert [b12json.dumps(c) for c in courses] == texts
    docs = [json.loads(t) for t in texts]
    t_loads, t_std = interleaved(
        lambda: [b12json.loads(t) for t in texts],
        lambda: [json.loads(t) for t in texts],
        repeat,
    )
    t_dumps, t_std_dumps = interleaved(
        lambda: [b12json.dumps(c) for c in courses],
        lambda: [json.dumps(d, ensure_ascii=True, allow_nan=False) for d in docs],
        repeat,
    )
    size = statistics.mean(map(len, texts))
    given = statistics.mean(len(c.given) for c in courses)
    note = f"{n:,} courses, {size / 1024:.1f} KiB of JSON and {given:.0f} doses each"
    return [
        ratio_row(
            "`b12course.json.loads`, per course",
            t_loads / n,
            "stdlib `json.loads` of the same text",
            t_std / n,
            2,
            note,
        ),
        ratio_row(
            "`b12course.json.dumps`, per course",
            t_dumps / n,
            "stdlib `json.dumps` of the same structure",
            t_std_dumps / n,
            1.5,
            "ASCII, compact, NaN refused on both sides",
        ),
    ]


def loaded_size(texts: list[str]) -> float:
    """Bytes held per course by courses loaded from ``texts`` (tracemalloc)."""
    for t in texts[:50]:  # the presets, zones and shared doses, loaded once
        b12json.loads(t)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    held = [b12json.loads(t) for t in texts]
    size = (tracemalloc.get_traced_memory()[0] - before) / len(held)
    tracemalloc.stop()
    return size


def bench_memory(n: int) -> list[Line]:
    """A loaded two-year course, and a course of the clinic above."""
    rows = []
    for what, courses in (
        ("a loaded 2-year course", cohort(n, 2, min(n, 1000))),
        ("a loaded course of the clinic (up to 2 years)", clinic(n)),
    ):
        texts = [b12json.dumps(c) for c in courses]
        size = loaded_size(texts)
        text = statistics.mean(map(len, texts))
        given = statistics.mean(len(c.given) for c in courses)
        rows.append(
            Line(
                f"memory of {what} (tracemalloc)",
                f"{size / 1024:.2f} KiB",
                f"its JSON text: {text / 1024:.1f} KiB",
                f"{size / text:.2f}x",
                "<= 5 KiB" if "2-year" in what else "(info)",
                size <= 5 * 1024 if "2-year" in what else True,
                f"{given:.0f} doses given each; regimen, doses and zones shared",
            )
        )
    return rows


def bench_first_worklist(texts: list[str], repeat: int) -> Line:
    """The first worklist over freshly loaded courses, per course."""
    n = len(texts)
    start, end = NOW, NOW + WEEK
    batches = [[b12json.loads(t) for t in texts] for _ in range(repeat)]
    kept = [b12json.loads(t) for t in texts]
    worklist(kept, start, end, now=NOW)
    t_first = best_of(
        lambda: worklist(batches.pop(), start, end, now=NOW), repeat=repeat
    )
    t_kept = best_of(lambda: worklist(kept, start, end, now=NOW), repeat=repeat)
    return Line(
        "the first worklist over freshly loaded courses, per course",
        fmt(t_first / n),
        f"the same courses, slots kept: {fmt(t_kept / n)}",
        f"{t_first / t_kept:.0f}x",
        "<= 25 us",
        t_first / n <= 25e-6,
        f"{n:,} courses",
    )


def partial_worklist(
    path: Path, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> b12course.Worklist:
    """The recipe's worker: the worklist of the courses of one JSON Lines file."""
    with path.open(encoding="utf-8") as lines:
        courses = (b12json.loads(line) for line in lines if line.strip())
        return worklist(courses, start, end, now=now)


def timed_partial_worklist(
    path: Path, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> tuple[int, float, b12course.Worklist]:
    """The recipe's worker, returning its process id and CPU time too."""
    began = time.process_time()
    result = partial_worklist(path, start, end, now)
    return os.getpid(), time.process_time() - began, result


def bench_end_to_end(texts: list[str], repeat: int, workers: int = 2) -> list[Line]:
    """From JSON Lines files to this week's worklist: one core, and a process pool."""
    n = len(texts)
    start, end = NOW, NOW + WEEK
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        per_file = -(-n // 8)
        for number, first in enumerate(range(0, n, per_file)):
            path = Path(folder) / f"courses-{number:04d}.jsonl"
            path.write_text(
                "".join(t + "\n" for t in texts[first : first + per_file]),
                encoding="utf-8",
            )
            paths.append(path)
        job = partial(partial_worklist, start=start, end=end, now=NOW)

        def one_core() -> b12course.Worklist:
            return b12course.merge_worklists(*map(job, paths))

        single = one_core()
        t_cpu = best_of(one_core, repeat=repeat)
        timed = partial(timed_partial_worklist, start=start, end=end, now=NOW)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            list(pool.map(job, paths))  # start the workers, import b12course
            walls, busiest = [], []
            for _ in range(repeat):
                began = time.perf_counter()
                done = list(pool.map(timed, paths))
                merged = b12course.merge_worklists(*(w for _, _, w in done))
                walls.append(time.perf_counter() - began)
                per_worker: dict[int, float] = {}
                for pid, cpu, _ in done:
                    per_worker[pid] = per_worker.get(pid, 0.0) + cpu
                busiest.append(max(per_worker.values()))
        assert merged == single
        t_merge = best_of(
            lambda: b12course.merge_worklists(*(w for _, _, w in done)), repeat=repeat
        )
    # On idle cores the pool's wall clock is its busiest worker's CPU time
    # plus the merge (pickling the partial worklists aside).
    idle_wall = min(busiest) + t_merge
    scale = TOTAL / n
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return [
        Line(
            f"end to end, {TOTAL:,} courses, JSON Lines to this week's worklist, "
            "CPU on one core",
            f"{t_cpu * scale:.1f} s",
            f"measured on {n:,} courses: {fmt(t_cpu)}",
            f"{t_cpu / n * 1e6:.0f} us per course",
            "<= 30 s",
            t_cpu * scale <= 30,
            f"extrapolated from {n:,} courses; {len(single):,} rows",
        ),
        Line(
            f"the same, the process-pool recipe, {workers} workers, wall clock "
            "on idle cores (estimated)",
            f"{idle_wall * scale:.1f} s",
            f"one core: {t_cpu * scale:.1f} s",
            f"{t_cpu / idle_wall:.2f}x speed-up",
            "<= 20 s",
            idle_wall * scale <= 20,
            f"the busiest worker's CPU time plus the merge, extrapolated from "
            f"{n:,} courses; measured wall clock {fmt(min(walls))} at load "
            f"average {load}",
        ),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    """Run every benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    n, repeat = args.courses, args.repeat
    texts = [b12json.dumps(c) for c in clinic(n)]
    sample = texts[: min(n, 2000)]
    rows = [
        *bench_text(sample, repeat),
        *bench_memory(min(n, 2000)),
        bench_first_worklist(sample, repeat),
        *bench_end_to_end(texts, repeat),
    ]
    print(f"Python {sys.version.split()[0]}, b12course {b12course.__version__}\n")
    print("| measurement | measured | peer | ratio | target | met | note |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row.what} | {row.measured} | {row.peer} | {row.ratio} "
            f"| {row.target} | {'yes' if row.met else 'NO'} | {row.note} |"
        )


if __name__ == "__main__":
    main()
