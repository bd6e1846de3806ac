"""Benchmark CalDAV sync against a real Radicale server: requests and time.

Run from the repository root (needs ``pip install -e '.[test]'`` for Radicale;
the numbers go to stdout as a Markdown table)::

    python benchmarks/bench_caldav.py                 # three presets, two years
    python benchmarks/bench_caldav.py --daily         # also 730 daily doses (slow)

For each preset, a course starting 2027-01-04 09:00 in Europe/London is synced
over two years into an empty calendar (the first sync), synced again unchanged
(the idempotent re-sync), and synced after its first dose is recorded three
hours late (the re-sync after one late dose).  Requests are counted by wrapping
the ``caldav`` client, independently of the report's own count; "changed" is
the number of events whose content differs between the two exports
(``X-B12COURSE-DIGEST``), which is what a re-sync should write and no more.
Times are wall-clock seconds of one run, server included, so they depend on
the machine and its load; the request counts do not.
Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import tempfile
import time
import zoneinfo
from pathlib import Path
from typing import Any

import caldav
import icalendar
from _common import caldav_server

import b12course as b12
from b12course import caldav as b12caldav
from b12course.ical import to_ical

LONDON = zoneinfo.ZoneInfo("Europe/London")
START = dt.datetime(2027, 1, 4, 9, tzinfo=LONDON)
BEFORE = dt.datetime(2027, 1, 1, 12, tzinfo=LONDON)
UNTIL = dt.datetime(2029, 1, 4, tzinfo=LONDON)
PRESETS = (
    "bnf-hydroxocobalamin-neuro",
    "bnf-hydroxocobalamin-non-neuro",
    "nasal-weekly",
)


def _counted(calendar: Any) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    client = calendar.client
    original = client.request

    def request(url: str, method: str = "GET", body: str = "", headers=None):
        counts[method] += 1
        return original(url, method, body, headers)

    client.request = request
    return counts


def _digests(course: b12.Course, now: dt.datetime) -> dict[str, str]:
    data = to_ical(course, until=UNTIL, now=now)
    return {
        str(e["UID"]): str(e["X-B12COURSE-DIGEST"])
        for e in icalendar.Calendar.from_ical(data).walk("VEVENT")
    }


def _timed(
    course: b12.Course, calendar: Any, now: dt.datetime
) -> tuple[Any, float, str]:
    counts = _counted(calendar)
    began = time.perf_counter()
    report = b12caldav.sync(course, calendar, until=UNTIL, now=now)
    took = time.perf_counter() - began
    assert sum(counts.values()) == report.requests
    shown = ", ".join(f"{n} {m}" for m, n in sorted(counts.items()))
    return report, took, shown


def _run(server: Any, preset: str) -> str:
    url = server.make_calendar(f"bench-{preset}")
    client = caldav.DAVClient(
        url=url, username=HELPER.USER, password=HELPER.PASSWORD, timeout=600
    )
    calendar = client.calendar(url=url)
    course = b12.Course.begin(b12.regimens.get(preset), first_dose=START, id=preset)
    first, first_s, first_req = _timed(course, calendar, BEFORE)
    same, same_s, same_req = _timed(course, calendar, BEFORE)
    assert not same.changed
    now = START + dt.timedelta(hours=4)
    late = course.record_dose(START + dt.timedelta(hours=3))
    before, after = _digests(course, BEFORE), _digests(late, now)
    changed = sum(1 for uid, d in after.items() if before.get(uid) != d)
    changed += sum(1 for uid in before if uid not in after)
    moved, moved_s, moved_req = _timed(late, calendar, now)
    written = len(moved.created) + len(moved.updated) + len(moved.cancelled)
    client.close()
    return (
        f"| {preset} | {len(first.created)} | {first_req} | {first_s:.1f} | "
        f"{same_req} | {same_s:.1f} | {moved_req} | {written} | {changed} | "
        f"{moved_s:.1f} |"
    )


HELPER = caldav_server()


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--daily", action="store_true", help="also sync 730 daily oral doses"
    )
    args = parser.parse_args()
    presets = (*PRESETS, "oral-high-dose") if args.daily else PRESETS
    with tempfile.TemporaryDirectory() as folder:
        server = HELPER.RadicaleServer(Path(folder))
        server.start()
        try:
            print(
                "| preset | events | first sync: requests | s | unchanged re-sync: "
                "requests | s | after one late dose: requests | objects written | "
                "events changed | s |"
            )
            print("|---|---|---|---|---|---|---|---|---|---|")
            for preset in presets:
                print(_run(server, preset), flush=True)
        finally:
            server.close()


if __name__ == "__main__":
    main()
