"""Quickstart: a guideline preset, a course, its plan and a calendar file.

Run it with a directory to write the calendar into (a new temporary one by
default)::

    python examples/quickstart.py out/
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import zoneinfo
from pathlib import Path

import b12course as b12


def main(directory: Path) -> Path:
    """Plan a UK neurological course starting 1 December 2026 in London."""
    print("Presets:", ", ".join(b12.regimens.available()))
    regimen = b12.regimens.get("bnf-hydroxocobalamin-neuro")
    print(regimen)
    print("Source:", regimen.source[:80], "...")

    london = zoneinfo.ZoneInfo("Europe/London")
    course = b12.Course.begin(
        regimen, first_dose=dt.datetime(2026, 12, 1, 9, 0, tzinfo=london)
    )
    # The first two injections happened; record them (the second one late).
    course = course.record_dose(dt.datetime(2026, 12, 1, 9, 5, tzinfo=london))
    course = course.record_dose(dt.datetime(2026, 12, 3, 17, 30, tzinfo=london))

    # Domain code never reads the clock: pass "now" yourself.  The loading
    # phase goes on (provisional from its 2-week review point) until a
    # clinician ends it, so look a month ahead.
    now = dt.datetime(2026, 12, 6, 12, 0, tzinfo=london)
    until = dt.datetime(2027, 1, 1, tzinfo=london)  # exclusive
    for dose in course.plan(until=until, now=now):
        flag = " (provisional)" if dose.provisional else ""
        print(
            f"{dose.number:>2}  {dose.phase_name:<12} "
            f"{dose.when.astimezone(london):%a %d %b %Y %H:%M %Z}  "
            f"{dose.dose}  {dose.status.value}{flag}"
        )

    path = directory / "b12-course.ics"
    path.write_bytes(b12.to_ical(course, until=until, now=now))
    print("Calendar written to", path)
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    main(target)
