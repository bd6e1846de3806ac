"""Benchmark worklists over many courses against the naive scan, and their memory.

Run from the repository root (the numbers go to stdout as a Markdown table)::

    python benchmarks/bench_worklist.py                  # 100,000 courses (minutes)
    python benchmarks/bench_worklist.py --courses 10000  # a quicker run

Every ratio compares two measurements taken side by side in this one run, on
the same data.  Each timing is the CPU time of one process (the machine is
shared), the best of several repeats.  Every row checks that both sides give
the same rows.  Memory is measured with ``tracemalloc``.  Nothing here runs in
the test suite.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import gc
import random
import statistics
import sys
import tracemalloc
import zoneinfo
from collections.abc import Sequence
from typing import Any

import attrs
from _common import Row, best_of

import b12course
from b12course import (
    AdministeredDose,
    Course,
    DoseStatus,
    PhaseDecision,
    merge_worklists,
    regimens,
    worklist,
)

UTC = dt.timezone.utc
ZONES = [
    zoneinfo.ZoneInfo(key)
    for key in (
        "Europe/London",
        "America/New_York",
        "Australia/Sydney",
        "Asia/Kolkata",
        "America/Sao_Paulo",
    )
]
INJECTION_PRESETS = (
    "bnf-hydroxocobalamin-neuro",
    "bnf-hydroxocobalamin-non-neuro",
    "nice-dietary-injection",
    "us-label-pernicious-anaemia",
    "us-high-dose",
)
NOW = dt.datetime(2026, 11, 23, 8, tzinfo=UTC)
WEEK = dt.timedelta(days=7)
ZERO = dt.timedelta(0)


def timed_row(  # noqa: PLR0917 - one row, all its cells
    what: str,
    ours: float,
    peer_name: str,
    theirs: float,
    target: str,
    met: bool,
    note: str = "",
) -> Row:
    """A row comparing two CPU times."""
    return Row(what, ours, theirs, peer_name, target, met, note)


# -- the courses -----------------------------------------------------------------


def template_course(rng: random.Random, i: int) -> Course:
    """A course begun up to two years ago, most doses given, a few missed."""
    zone = rng.choice(ZONES)
    regimen = regimens.get(rng.choice(INJECTION_PRESETS))
    first = (
        (NOW - dt.timedelta(days=rng.randint(0, 730)))
        .astimezone(zone)
        .replace(hour=rng.choice([9, 10, 14]), minute=0, second=0, microsecond=0)
    )
    course = Course.begin(regimen, first_dose=first, id=f"t{i}")
    given = [
        AdministeredDose(
            at=d.due + dt.timedelta(minutes=rng.randint(0, 90)), dose=d.dose
        )
        for d in course.plan(until=NOW)
        if rng.random() < 0.93  # 7 % of doses missed
    ]
    return attrs.evolve(course, given=tuple(given))


def clinic(n: int, templates: int = 2000) -> list[Course]:
    """``n`` courses: ``templates`` generated ones, copied under new ids."""
    rng = random.Random(2026)  # noqa: S311 - reproducible data
    made = [template_course(rng, i) for i in range(min(n, templates))]
    return [
        attrs.evolve(made[i % len(made)], id=f"c{i}") if i >= len(made) else made[i]
        for i in range(n)
    ]


def history_course(rng: random.Random, i: int, years: int) -> Course:
    """A course begun ``years`` ago: loading, then maintenance, 93 % of doses given.

    An "until no further improvement" loading phase is ended by a clinician's
    decision six weeks in, as it would be; a course never ended would keep
    its alternate-day doses for the whole history.
    """
    zone = rng.choice(ZONES)
    regimen = regimens.get(rng.choice(INJECTION_PRESETS))
    first = (
        (NOW - dt.timedelta(days=365 * years + rng.randint(0, 60)))
        .astimezone(zone)
        .replace(hour=rng.choice([9, 10, 14]), minute=0, second=0, microsecond=0)
    )
    course = Course.begin(regimen, first_dose=first, id=f"h{years}-{i}")
    if regimen.id == regimens.get("bnf-hydroxocobalamin-neuro").id:
        decision = PhaseDecision(
            phase=0, at=first + dt.timedelta(weeks=6), reason="no further improvement"
        )
        course = attrs.evolve(course, decisions=(decision,))
    given = [
        AdministeredDose(
            at=d.due + dt.timedelta(minutes=rng.randint(0, 90)), dose=d.dose
        )
        for d in course.plan(until=NOW)
        if rng.random() < 0.93  # 7 % of doses missed
    ]
    return attrs.evolve(course, given=tuple(given))


def cohort(n: int, years: int, templates: int) -> list[Course]:
    """``n`` courses of ``years`` of history, ``templates`` of them made, then copied.

    Every cohort draws the same presets, zones and hours: only the length of
    the history differs.
    """
    rng = random.Random(17)  # noqa: S311 - reproducible data
    made = [history_course(rng, i, years) for i in range(templates)]
    return [attrs.evolve(made[i % templates], id=f"h{years}-{i}") for i in range(n)]


def distinct(course: Course, i: int) -> Course:
    """A copy of ``course`` under a new id whose every record is a new object.

    As an app that records doses through the API holds them: the regimen, its
    doses and the zones are shared, each course's records and instants are
    its own.
    """
    twin = copy.copy(course)
    given = tuple(copy.copy(g) for g in course.given)
    for g in given:
        object.__setattr__(g, "at", g.at + ZERO)  # a new datetime object
    object.__setattr__(twin, "given", given)
    object.__setattr__(twin, "first_dose", course.first_dose + ZERO)
    object.__setattr__(twin, "id", f"m{i}")
    return twin


def fresh(courses: Sequence[Course]) -> list[Course]:
    """The same courses as new objects, so that nothing is kept from before."""
    return [copy.copy(c) for c in courses]


def naive_worklist(
    courses: Sequence[Course], start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> list[tuple[str, Any]]:
    """Derive every full plan to ``end``, filter, sort: the worklist without memo."""
    rows = [
        (course.id, dose)
        for course in courses
        for dose in course.plan(until=end, now=now)
        if dose.pending
        and (dose.due.astimezone(UTC) >= start or dose.status is DoseStatus.OVERDUE)
    ]
    rows.sort(key=lambda row: row[1].due.astimezone(UTC))
    return rows


def pairs(rows: b12course.Worklist) -> list[tuple[str, Any]]:
    """The rows as (course id, planned dose), as the naive scan gives them."""
    return [(r.course_id, r.dose) for r in rows]


# -- the rows --------------------------------------------------------------------


def bench_weekly(n: int, repeat: int) -> list[Row]:
    """The weekly worklist: kept slots, first worklist, and the naive scan."""
    courses = clinic(n)
    start, end = NOW, NOW + WEEK
    result = worklist(courses, start, end, now=NOW)  # keeps every course's slots
    naive = naive_worklist(courses, start, end, NOW)
    assert pairs(result) == naive
    t_kept = best_of(lambda: worklist(courses, start, end, now=NOW), repeat=repeat)
    copies = [fresh(courses) for _ in range(3)]
    t_first = best_of(lambda: worklist(copies.pop(), start, end, now=NOW), repeat=3)
    t_naive = best_of(lambda: naive_worklist(courses, start, end, NOW), repeat=2)
    given = statistics.mean(len(c.given) for c in courses)
    quiet = [c for c in courses if not worklist([c], start, end, now=NOW).rows]
    worklist(quiet, start, end, now=NOW)
    t_quiet = best_of(lambda: worklist(quiet, start, end, now=NOW), repeat=repeat)
    t_quiet_naive = best_of(
        lambda: naive_worklist(quiet[:2000], start, end, NOW), repeat=2
    ) / min(len(quiet), 2000)
    per_quiet = t_quiet / len(quiet)
    return [
        timed_row(
            f"weekly worklist, {n:,} courses in memory ({len(result):,} rows)",
            t_kept,
            "naive scan (full `plan(until=end, now=now)`, filter, sort)",
            t_naive,
            "< 1 s and <= 0.1x",
            t_kept < 1 and t_kept <= 0.1 * t_naive,
            f"{given:.1f} doses given per course; same rows as the naive scan",
        ),
        timed_row(
            f"the first weekly worklist over new course objects ({n:,})",
            t_first,
            "naive scan",
            t_naive,
            "(info)",
            met=True,
            note="finds each course's pending slots once, to the range's end",
        ),
        timed_row(
            f"one course with nothing due in the week ({len(quiet):,} such courses)",
            per_quiet,
            "naive scan, per course",
            t_quiet_naive,
            "about 1 us",
            per_quiet < 2e-6,
            "worklist over the quiet courses only, divided by their number",
        ),
    ]


def bench_history(n: int, repeat: int) -> list[Row]:
    """Per-course cost with 20-year histories against 2-year histories."""
    templates = min(n, 1000)
    short, long = cohort(n, 2, templates), cohort(n, 20, templates)
    start, end = NOW, NOW + WEEK
    found = []
    for label, prepare in (("kept slots", lambda cs: cs), ("first worklist", fresh)):
        times, rows = [], []
        for courses in (short, long):
            sample = fresh(courses[:500])
            assert pairs(worklist(sample, start, end, now=NOW)) == naive_worklist(
                sample, start, end, NOW
            )
            rows.append(len(worklist(courses, start, end, now=NOW)))  # keeps slots
            batches = [prepare(courses) for _ in range(repeat)]
            times.append(
                best_of(
                    lambda b=batches: worklist(b.pop(), start, end, now=NOW),
                    repeat=repeat,
                )
                / n
            )
        given = [statistics.mean(len(c.given) for c in cs) for cs in (short, long)]
        found.append(
            timed_row(
                f"per course, 20-year histories ({given[1]:.0f} doses given), {label}",
                times[1],
                f"2-year histories ({given[0]:.0f} doses given)",
                times[0],
                "<= 1.5x",
                times[1] <= 1.5 * times[0],
                f"{n:,} courses each; {rows[0]:,} and {rows[1]:,} rows",
            )
        )
    return found


def bench_merge(n: int, parts: int = 8) -> Row:
    """Partial worklists of consecutive partitions, merged, against one worklist."""
    courses = fresh(clinic(n))
    start, end = NOW, NOW + WEEK
    single = worklist(courses, start, end, now=NOW)
    size = -(-n // parts)
    partials = [
        worklist(courses[i : i + size], start, end, now=NOW) for i in range(0, n, size)
    ]
    merged = merge_worklists(*partials)
    assert merged == single
    t_merge = best_of(lambda: merge_worklists(*partials), repeat=5)
    t_single = best_of(lambda: worklist(courses, start, end, now=NOW), repeat=5)
    return timed_row(
        f"`merge_worklists` of {parts} partial worklists ({len(merged):,} rows)",
        t_merge,
        "one worklist over all the courses (kept slots)",
        t_single,
        "same rows",
        met=True,
        note="the merge is a stable sort of sorted runs: it costs the rows",
    )


def bench_memory(n: int) -> Row:
    """``n`` courses of two years each, held in memory with their kept slots."""
    templates = cohort(min(n, 2000), 2, min(n, 2000))
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    courses = [distinct(templates[i % len(templates)], i) for i in range(n)]
    held = tracemalloc.get_traced_memory()[0] - before
    worklist(courses, NOW, NOW + WEEK, now=NOW)
    kept = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    given = statistics.mean(len(c.given) for c in courses)
    return Row(
        f"memory, {n:,} courses of two years each, with their kept slots",
        kept,
        held,
        "the courses alone",
        "< 2 GB (for 100,000)",
        kept / n * 100_000 < 2e9,
        f"{kept / n / 1024:.1f} KiB per course; tracemalloc; "
        f"{given:.1f} doses given per course, every record its own object",
        unit="B",
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run every benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    n, repeat = args.courses, args.repeat
    rows = [
        *bench_weekly(n, repeat),
        *bench_history(max(n // 10, 100), repeat),
        bench_merge(n),
        bench_memory(n),
    ]
    print(f"Python {sys.version.split()[0]}, b12course {b12course.__version__}\n")
    print("| measurement | measured | peer | ratio | target | met | note |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row.what} | {row.show(row.ours)} "
            f"| {row.peer}: {row.show(row.theirs)} | {row.ratio_text} "
            f"| {row.target} | {row.met_text} | {row.note} |"
        )


if __name__ == "__main__":
    main()
