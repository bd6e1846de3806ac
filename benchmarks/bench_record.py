"""Benchmark recording doses one by one: ``Course.record_dose`` against the plain path.

Run from the repository root (the numbers go to stdout as a Markdown table)::

    python benchmarks/bench_record.py

A daily oral course (the ``oral-high-dose`` preset, one phase, so every dose
is in the current phase) is recorded dose by dose, each dose given at a
slightly different time of day.  Two tables:

- Recording a year of daily doses one by one (365 calls), in total: it must
  take under 0.2 s; the peer is the plain path of 0.1 for every call.
- One more ``record_dose`` on a course that already holds N doses, against the
  plain path it replaces (expand the whole plan with the new dose and look it
  up, as 0.1 did), side by side in this run, each checked to give the same
  course; the cost per call must not grow with the history (at most 2x the
  cost at 500 doses held, for 8x the doses).

Each timing is the CPU time of this process, the best of several repeats.
Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import zoneinfo

import attrs
from _common import best_of, fmt

from b12course import AdministeredDose, Course, regimens
from b12course._schedule import expand

LONDON = zoneinfo.ZoneInfo("Europe/London")
FIRST = dt.datetime(2026, 1, 5, 9, tzinfo=LONDON)
YEAR_TARGET = 0.2  # seconds for 365 record_dose calls (issue 17)


def dose_times(n: int) -> list[dt.datetime]:
    """Daily doses from FIRST, between 08:00 and 10:59 local time."""
    return [
        (FIRST + dt.timedelta(days=k)).replace(hour=8 + k % 3, minute=(7 * k) % 60)
        for k in range(n)
    ]


def record_all(times: list[dt.datetime]) -> Course:
    """Begin a daily oral course and record a dose at each of ``times``."""
    course = Course.begin(regimens.get("oral-high-dose"), first_dose=FIRST, id="b")
    for at in times:
        course = course.record_dose(at)
    return course


def plain_record(course: Course, at: dt.datetime) -> Course:
    """The plain path: expand the whole plan with the new dose, then look it up."""
    record = AdministeredDose(at=at, dose=course.regimen.phases[0].dose)
    plan = expand(
        course.regimen,
        course.first_dose,
        course.zone,
        until=at + dt.timedelta(microseconds=1),
        given=(*course.given, record),
        skips=course.skips,
        decisions=course.decisions,
    )
    slot = next((d for d in plan.doses if d.given is record), None)
    dose = slot.dose if slot is not None else course.regimen.phases[-1].dose
    return attrs.evolve(course, given=(*course.given, attrs.evolve(record, dose=dose)))


def plain_record_all(times: list[dt.datetime]) -> Course:
    """The plain path for every dose: what recording cost in 0.1."""
    course = Course.begin(regimens.get("oral-high-dose"), first_dose=FIRST, id="b")
    for at in times:
        course = plain_record(course, at)
    return course


def main() -> None:
    """Print both tables (each row: measured / peer / ratio / target / met)."""
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print("Recording a year of daily doses one by one, in total\n")
    print("| doses | measured | peer (plain path, 0.1) | ratio | target | met | same |")
    print("|---:|---:|---:|---:|---|---|---|")
    times = dose_times(365)
    ours = best_of(lambda: record_all(times), repeat=3)
    peer = best_of(lambda: plain_record_all(times), repeat=1)
    same = record_all(times) == plain_record_all(times)
    print(
        f"| 365 | {fmt(ours)} | {fmt(peer)} | {ours / peer:.3f}x "
        f"| < {fmt(YEAR_TARGET)} | {'yes' if ours < YEAR_TARGET else 'NO'} "
        f"| {'yes' if same else 'NO'} |"
    )

    print("\nOne more dose on a course holding N doses: ours vs the plain path\n")
    print(
        "| doses held | measured | peer (plain expand) | ratio "
        "| target (per call, against 500 held) | met | same course |"
    )
    print("|---:|---:|---:|---:|---|---|---|")
    first = None
    for n in (500, 1000, 2000, 4000):
        times = dose_times(n + 1)
        course = record_all(times[:-1])
        at = times[-1]
        reps = 50
        ours = (
            best_of(
                lambda c=course, a=at, r=4 * reps: [c.record_dose(a) for _ in range(r)],
                repeat=7,
            )
            / 4
            / reps
        )
        peer = (
            best_of(
                lambda c=course, a=at, r=reps: [plain_record(c, a) for _ in range(r)],
                repeat=3,
            )
            / reps
        )
        first = first or ours
        same = course.record_dose(at) == plain_record(course, at)
        # O(1) in the history: 8x the doses may cost at most 2x per call.
        met = ours <= 2 * first
        print(
            f"| {n} | {fmt(ours)} | {fmt(peer)} | {ours / peer:.3f}x "
            f"| <= 2x ({ours / first:.2f}x) | {'yes' if met else 'NO'} "
            f"| {'yes' if same else 'NO'} |"
        )


if __name__ == "__main__":
    main()
