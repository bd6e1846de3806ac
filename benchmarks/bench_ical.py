"""Benchmark the calendar export (``to_ical``) and read-back (``read_ical``).

Run from the repository root::

    python benchmarks/bench_ical.py

Each figure is the best CPU time of one call over several repeats, so it
depends little on other processes.  Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import zoneinfo

from _common import best_of

import b12course as b12
from b12course import regimens

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = dt.timezone.utc
STAMP = dt.datetime(2026, 11, 1, tzinfo=UTC)


def _course(preset: str, given: int) -> b12.Course:
    course = b12.Course.begin(
        regimens.get(preset),
        first_dose=dt.datetime(2026, 12, 7, 9, tzinfo=LONDON),
        id="bench",
    )
    for dose in course.plan(until=course.first_dose + dt.timedelta(days=400))[:given]:
        course = course.record_dose(dose.due + dt.timedelta(minutes=10))
    return course


def main() -> None:
    """Print a Markdown table of export timings."""
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    cases = [
        (
            "bnf-hydroxocobalamin-non-neuro, 1 year, 3 given",
            _course("bnf-hydroxocobalamin-non-neuro", 3),
            1,
        ),
        ("nice-dietary-injection, 50 years", _course("nice-dietary-injection", 0), 50),
        (
            "bnf-hydroxocobalamin-neuro, 1 year, 6 given",
            _course("bnf-hydroxocobalamin-neuro", 6),
            1,
        ),
    ]
    print("| export | to_ical | to_ical(previous=) | read_ical |")
    print("|---|---|---|---|")
    for label, course, years in cases:
        until = course.first_dose + dt.timedelta(days=365 * years)

        def export(course: b12.Course = course, until: dt.datetime = until) -> bytes:
            return b12.to_ical(course, until=until, dtstamp=STAMP)

        data = export()

        def update(
            course: b12.Course = course, until: dt.datetime = until, data: bytes = data
        ) -> bytes:
            return b12.to_ical(course, until=until, dtstamp=STAMP, previous=data)

        def read(data: bytes = data) -> object:
            return b12.read_ical(data)

        figures = [best_of(f, number=3) * 1000 for f in (export, update, read)]
        print(f"| {label} | " + " | ".join(f"{x:.1f} ms" for x in figures) + " |")


if __name__ == "__main__":
    main()
