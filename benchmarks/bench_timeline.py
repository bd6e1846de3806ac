"""Benchmark the timeline and the plan expansion against their peers.

Run from the repository root (the numbers go to stdout as a Markdown table)::

    python benchmarks/bench_timeline.py            # the full run (about a minute)

Every ratio compares two measurements taken side by side in this one run, on
the same data, so it does not depend on how fast the machine is.  Each timing
is the CPU time of one process, the best of several repeats (the least
disturbed by other processes); import times are wall-clock times measured
inside a fresh interpreter.
Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
import zoneinfo
from collections.abc import Callable, Sequence

import attrs
from dateutil import rrule

import b12course
from b12course import (
    AdministeredDose,
    Cadence,
    Course,
    Dose,
    Drug,
    EventKind,
    Indefinite,
    Phase,
    Regimen,
    Route,
    regimens,
)

UTC = dt.timezone.utc
LONDON = zoneinfo.ZoneInfo("Europe/London")
FIFTY_YEARS = dt.timedelta(days=50 * 365 + 12)
WEEK = dt.timedelta(days=7)


def best_of(function: Callable[[], object], *, number: int, repeat: int = 7) -> float:
    """Return the best CPU time of one call, in seconds, over ``repeat`` batches.

    CPU time (``time.process_time``) is what one core spends on the call; on
    a shared machine it is far steadier than wall-clock time.
    """
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(number):
            function()
        best = min(best, (time.process_time() - start) / number)
    return best


def fmt(seconds: float) -> str:
    """Format a duration with a unit that suits it."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


@attrs.frozen
class Row:
    """One line of the results table."""

    what: str
    ours: float
    theirs: float
    peer: str
    target: str
    met: bool
    note: str = ""

    @property
    def ratio(self) -> float:
        """Ours over theirs."""
        return self.ours / self.theirs


# -- the 50-year course --------------------------------------------------------


def fifty_year_course() -> tuple[Course, dt.datetime]:
    """A US-label cyanocobalamin course, 50 years long: ~600 doses, two years given."""
    first = dt.datetime(2026, 1, 5, 9, tzinfo=LONDON)
    course = Course.begin(
        regimens.get("us-label-cyanocobalamin"), first_dose=first, id="fifty"
    )
    rng = random.Random(50)  # noqa: S311 - reproducible data
    history = course.plan(until=first + dt.timedelta(days=730))
    given = tuple(
        AdministeredDose(
            at=d.due + dt.timedelta(minutes=rng.randint(0, 120)), dose=d.dose
        )
        for d in history
    )
    return attrs.evolve(course, given=given), first + FIFTY_YEARS


def week_windows(first: dt.datetime, n: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """Random one-week windows inside the 50 years, as UTC instants."""
    rng = random.Random(7)  # noqa: S311 - reproducible data
    windows = []
    for _ in range(n):
        start = (first + dt.timedelta(days=rng.randint(0, 50 * 365 - 7))).astimezone(
            UTC
        )
        windows.append((start, start + WEEK))
    return windows


def bench_between(course: Course, until: dt.datetime) -> list[Row]:
    """Timeline.between on one-week windows vs a raw bisect over the same instants."""
    tl = course.timeline(until=until)
    instants = sorted(e.start.astimezone(UTC) for e in tl)
    windows = week_windows(course.first_dose, 1000)
    assert all(
        len(tl.between(a, b))
        == bisect.bisect_left(instants, b) - bisect.bisect_left(instants, a)
        for a, b in windows
    )

    def ours() -> None:
        between = tl.between
        for a, b in windows:
            between(a, b)

    def raw() -> None:
        left = bisect.bisect_left
        for a, b in windows:
            i = left(instants, a)
            instants[i : left(instants, b, i)]

    zoned = [(a.astimezone(LONDON), b.astimezone(LONDON)) for a, b in windows]

    def ours_zoned() -> None:
        between = tl.between
        for a, b in zoned:
            between(a, b)

    def raw_zoned() -> None:
        left = bisect.bisect_left
        for a, b in zoned:
            i = left(instants, a)
            instants[i : left(instants, b, i)]

    n = len(windows)
    t_ours = best_of(ours, number=20) / n
    t_raw = best_of(raw, number=20) / n
    t_ours_z = best_of(ours_zoned, number=20) / n
    t_raw_z = best_of(raw_zoned, number=20) / n
    return [
        Row(
            f"`between`, one-week window, {len(tl)}-event 50-year timeline (UTC query)",
            t_ours,
            t_raw,
            "raw `bisect` on a sorted list of the UTC instants",
            "<= 1.5x",
            t_ours / t_raw <= 1.5,
        ),
        Row(
            "the same, query in Europe/London",
            t_ours_z,
            t_raw_z,
            "raw `bisect`, same London query",
            "(info)",
            met=True,
            note="bisect compares zoned and UTC instants via utcoffset",
        ),
    ]


def plain_ics(course: Course, until: dt.datetime) -> bytes:
    """A plain calendar, one VEVENT per planned dose (when to_ical is missing)."""
    import icalendar  # noqa: PLC0415 - only this benchmark needs it

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//b12course benchmark//EN")
    calendar.add("version", "2.0")
    for dose in course.plan(until=until):
        event = icalendar.Event()
        event.add("uid", f"{course.id}-{dose.number}@bench")
        event.add("dtstart", dose.due)
        event.add("dtend", dose.due + dt.timedelta(minutes=15))
        event.add("summary", f"B12 dose {dose.number}")
        calendar.add_component(event)
    return calendar.to_ical()


def bench_recurring_ical_events(course: Course, until: dt.datetime) -> Row:
    """Timeline.between vs recurring-ical-events on the course's own .ics export."""
    import icalendar  # noqa: PLC0415 - only this benchmark needs it
    import recurring_ical_events  # noqa: PLC0415 - as above

    try:
        data = b12course.to_ical(course, until=until)
        source = "`to_ical` export"
    except (AttributeError, ImportError):
        data = plain_ics(course, until)
        source = "plain one-VEVENT-per-dose .ics"
    calendar = icalendar.Calendar.from_ical(data)
    windows = week_windows(course.first_dose, 40)
    tl = course.timeline(until=until).of_kind(EventKind.PLANNED_DOSE)
    peer = recurring_ical_events.of(calendar)
    counts = [len(peer.between(a, b)) for a, b in windows]
    ours_counts = [len(tl.between(a, b)) for a, b in windows]
    assert sum(counts) > 0
    assert sum(1 for x, y in zip(counts, ours_counts, strict=True) if x != y) <= 2

    def ours() -> None:
        for a, b in windows:
            tl.between(a, b)

    def theirs() -> None:
        for a, b in windows:
            peer.between(a, b)

    n = len(windows)
    t_ours = best_of(ours, number=200, repeat=5) / n
    t_theirs = best_of(theirs, number=1, repeat=3) / n
    return Row(
        "`between`, one-week window, 50-year course (doses only)",
        t_ours,
        t_theirs,
        f"recurring-ical-events `of(calendar).between` on the {source}",
        ">= 1000x faster",
        t_theirs / t_ours >= 1000,
    )


def bench_expansion() -> Row:
    """Plan expansion of a 50-year monthly phase vs a raw dateutil rrule list."""
    im = Dose(Drug.HYDROXOCOBALAMIN, "1 mg", Route.IM)
    regimen = Regimen(
        id="monthly",
        name="monthly",
        phases=(
            Phase(
                name="maintenance",
                dose=im,
                cadence=Cadence.every_months(1),
                end=Indefinite(),
            ),
        ),
    )
    first = dt.datetime(2026, 1, 5, 9, tzinfo=LONDON)
    until = first + FIFTY_YEARS
    course = Course.begin(regimen, first_dose=first, id="monthly")
    ours_dues = [d.due for d in course.plan(until=until)]
    # rrule counts its `until` in; ours is exclusive, so ask for the count.
    raw_dues = list(rrule.rrule(rrule.MONTHLY, dtstart=first, count=len(ours_dues)))
    assert [d.astimezone(UTC) for d in ours_dues] == [
        d.astimezone(UTC) for d in raw_dues
    ]
    t_ours = best_of(lambda: course.plan(until=until), number=5)
    t_raw = best_of(
        lambda: list(rrule.rrule(rrule.MONTHLY, dtstart=first, count=len(ours_dues))),
        number=5,
    )
    return Row(
        f"plan expansion, 50-year monthly phase ({len(ours_dues)} doses)",
        t_ours,
        t_raw,
        "`list(dateutil.rrule(MONTHLY, ...))` of the same instants",
        "<= 1.2x",
        t_ours / t_raw <= 1.2,
        "ours builds a PlannedDose (number, phase, status...) per slot",
    )


# -- import time -----------------------------------------------------------------

_IMPORT_PROBE = """
import sys, time
start = time.process_time()
import {module}
elapsed = time.process_time() - start
heavy = [m for m in ("icalendar", "hypothesis", "cattrs", "matplotlib")
         if m in sys.modules]
print(elapsed, ",".join(heavy))
"""


def import_time(module: str, pycache: str) -> tuple[float, str]:
    """Time ``import module`` inside a fresh interpreter (not its start-up).

    Bytecode is cached (in ``pycache``, outside the checkout) as it is for an
    installed wheel: an environment with PYTHONDONTWRITEBYTECODE would
    otherwise compile b12course from source at every import, but not the
    installed icalendar.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = pycache
    out = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", _IMPORT_PROBE.format(module=module)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.split()
    return float(out[0]), out[1] if len(out) > 1 else ""


def bench_import(rounds: int = 15) -> Row:
    """``import b12course`` vs ``import icalendar``, interleaved, best of ``rounds``."""
    ours, theirs, heavy = [], [], set()
    with tempfile.TemporaryDirectory() as pycache:
        import_time("b12course", pycache)  # warm the bytecode caches
        import_time("icalendar", pycache)
        for _ in range(rounds):
            elapsed, loaded = import_time("b12course", pycache)
            ours.append(elapsed)
            heavy.update(filter(None, loaded.split(",")))
            theirs.append(import_time("icalendar", pycache)[0])
    return Row(
        "`import b12course` (CPU time inside the interpreter, bytecode cached)",
        min(ours),
        min(theirs),
        "`import icalendar`",
        "<= 1.0x",
        min(ours) <= min(theirs) and not heavy,
        "heavy modules imported: " + (", ".join(sorted(heavy)) or "none"),
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run every benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    course, until = fifty_year_course()
    rows = [
        *bench_between(course, until),
        bench_recurring_ical_events(course, until),
        bench_expansion(),
        bench_import(),
    ]
    print(f"Python {sys.version.split()[0]}, b12course {b12course.__version__}\n")
    print("| measurement | ours | peer | peer time | ratio | target | met | note |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        ratio = f"{row.ratio:.2f}x" if row.ratio >= 0.01 else f"1/{1 / row.ratio:,.0f}"
        print(
            f"| {row.what} | {fmt(row.ours)} | {row.peer} | {fmt(row.theirs)} "
            f"| {ratio} | {row.target} | {'yes' if row.met else 'NO'} | {row.note} |"
        )


if __name__ == "__main__":
    main()
