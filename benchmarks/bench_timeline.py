"""Benchmark the timeline and the plan expansion against their peers.

Run from the repository root (the numbers go to stdout as a Markdown table)::

    python benchmarks/bench_timeline.py            # the full run (about a minute)
    python benchmarks/bench_timeline.py --timeline-only   # the timeline rows
    python benchmarks/bench_timeline.py --quick           # the same, smaller

Every ratio compares two measurements taken side by side in this one run, on
the same data, so it does not depend on how fast the machine is.  Each timing
is the CPU time of one process, the best of several repeats (the least
disturbed by other processes).  Start-up (``import b12course``, a cold
``b12course status``) is measured by ``benchmarks/bench_startup.py``.
Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gc
import os
import random
import sys
import tracemalloc
import zoneinfo
from collections.abc import Callable, Sequence
from typing import Any

import attrs
from _common import Row, best_of
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
    Timeline,
    regimens,
)

UTC = dt.timezone.utc
LONDON = zoneinfo.ZoneInfo("Europe/London")
FIFTY_YEARS = dt.timedelta(days=50 * 365 + 12)
WEEK = dt.timedelta(days=7)


# -- the 50-year course --------------------------------------------------------


def fifty_year_course() -> tuple[Course, dt.datetime]:
    """A US-label cyanocobalamin course, 50 years long: ~600 doses, two years given."""
    first = dt.datetime(2026, 1, 5, 9, tzinfo=LONDON)
    course = Course.begin(
        regimens.get("us-label-pernicious-anaemia"), first_dose=first, id="fifty"
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


NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
MIDNIGHT = dt.time()
ONE_DAY = dt.timedelta(days=1)
# The forms a query comes in: (label, tzinfo).  `on` takes an IANA zone, so it
# has no datetime.timezone.utc row.
FORMS: tuple[tuple[str, dt.tzinfo], ...] = (
    ("course zone (Europe/London)", LONDON),
    ("UTC (`datetime.timezone.utc`)", UTC),
    ('UTC (`ZoneInfo("UTC")`)', zoneinfo.ZoneInfo("UTC")),
    ("other zone (America/New_York)", NEW_YORK),
)


def side_by_side(
    ours: Callable[[], object],
    theirs: Callable[[], object],
    *,
    number: int,
    repeat: int,
) -> tuple[float, float]:
    """Return the best CPU time of one call of each, batches taken in turn.

    Alternating the batches exposes both sides to the same load on a shared
    machine, so their ratio is steadier than two separate best-of runs.
    """
    best_ours = best_theirs = float("inf")
    for _ in range(repeat):
        best_ours = min(best_ours, best_of(ours, number=number, repeat=1))
        best_theirs = min(best_theirs, best_of(theirs, number=number, repeat=1))
    return best_ours, best_theirs


@attrs.frozen
class RawIndex:
    """The peer: the events' start times in one form, sorted once, and raw bisect.

    ``starts`` are the events' start times converted to the query's tzinfo and
    sorted (stably, so ties keep the timeline's order); ``events`` the events
    in that order; ``intervals`` the interval events as (start, end, event) in
    the same form.
    """

    starts: list[dt.datetime]
    events: list[Any]
    intervals: list[tuple[dt.datetime, dt.datetime, Any]]

    @classmethod
    def of(cls, tl: Timeline, tz: dt.tzinfo) -> RawIndex:
        """Convert and sort the timeline's start times once, in ``tz``."""
        local = [e.start.astimezone(tz) for e in tl]
        order = sorted(range(len(local)), key=local.__getitem__)
        intervals = [
            (e.start.astimezone(tz), e.end.astimezone(tz), e)
            for e in tl
            if not e.is_instant
        ]
        return cls([local[k] for k in order], [tl[k] for k in order], intervals)


Loop = Callable[[], list[Any]]


@attrs.frozen
class Queries:
    """The arguments of each query kind, in one form: n windows, instants, days."""

    windows: list[tuple[dt.datetime, dt.datetime]]
    instants: list[dt.datetime]
    days: list[dt.date]

    @classmethod
    def draw(cls, tl: Timeline, tz: dt.tzinfo, n: int) -> Queries:
        """Random one-week windows, instants (half of them events' starts), days."""
        rng = random.Random(7)  # noqa: S311 - reproducible data
        windows = [
            (a.astimezone(tz), b.astimezone(tz))
            for a, b in week_windows(tl[0].start, n)
        ]
        instants = [
            rng.choice(tl.events).start.astimezone(tz) if k % 2 else a
            for k, (a, _) in enumerate(windows)
        ]
        return cls(windows, instants, [a.date() for a, _ in windows])


def raw_loops(raw: RawIndex, tz: dt.tzinfo, q: Queries) -> dict[str, Loop]:
    """The peer's loop for each query kind; each returns its answers."""
    starts, events, intervals = raw.starts, raw.events, raw.intervals
    left, right = bisect.bisect_left, bisect.bisect_right

    def between() -> list[Any]:
        out = []
        for a, b in q.windows:
            i = left(starts, a)
            out.append(events[i : left(starts, b, i)])
        return out

    def overlapping() -> list[Any]:
        out = []
        for a, b in q.windows:
            running = [e for s, end, e in intervals if s < a < end]
            i = left(starts, a)
            out.append(running + events[i : left(starts, b, i)])
        return out

    def at() -> list[Any]:
        out = []
        for t in q.instants:
            running = [e for s, end, e in intervals if s < t < end]
            i = left(starts, t)
            out.append(running + events[i : right(starts, t, i)])
        return out

    def on() -> list[Any]:
        out = []
        for day in q.days:
            a = dt.datetime.combine(day, MIDNIGHT, tz)
            b = dt.datetime.combine(day + ONE_DAY, MIDNIGHT, tz)
            i = left(starts, a)
            out.append(events[i : left(starts, b, i)])
        return out

    return {"between": between, "overlapping": overlapping, "at": at, "on": on}


def our_loops(tl: Timeline, tz: dt.tzinfo, q: Queries) -> dict[str, Loop]:
    """Our loop for each query kind (``on`` only for an IANA zone)."""
    zone = None if tz is tl.zone else tz

    def between() -> list[Any]:
        between = tl.between
        return [between(a, b) for a, b in q.windows]

    def overlapping() -> list[Any]:
        overlapping = tl.overlapping
        return [overlapping(a, b) for a, b in q.windows]

    def at() -> list[Any]:
        at = tl.at
        return [at(t) for t in q.instants]

    def on() -> list[Any]:
        on = tl.on
        return [on(day, zone) for day in q.days]  # type: ignore[arg-type]

    loops = {"between": between, "overlapping": overlapping, "at": at}
    if isinstance(tz, zoneinfo.ZoneInfo):
        loops["on"] = on
    return loops


def bench_queries(course: Course, until: dt.datetime, *, quick: bool) -> list[Row]:
    """between/overlapping/at/on vs raw bisect, each in every form of query."""
    tl = course.timeline(until=until)
    n = 200 if quick else 1000
    number, repeat = (5, 5) if quick else (10, 9)
    rows = []
    what = {
        "between": "one-week window",
        "overlapping": "one-week window",
        "at": "an instant",
        "on": "a local day",
    }
    for label, tz in FORMS:
        q = Queries.draw(tl, tz, n)
        raw = raw_loops(RawIndex.of(tl, tz), tz, q)
        for kind, ours in our_loops(tl, tz, q).items():
            theirs = raw[kind]
            assert [list(x) for x in ours()] == [list(x) for x in theirs()], (
                kind,
                label,
            )
            assert sum(map(len, ours())) > 0, (kind, label)
            t_ours, t_raw = side_by_side(ours, theirs, number=number, repeat=repeat)
            rows.append(
                Row(
                    f"`{kind}`, {what[kind]}, {len(tl)}-event 50-year timeline, "
                    f"query in {label}",
                    t_ours / n,
                    t_raw / n,
                    "raw `bisect` on a pre-sorted list of the same start times "
                    "in the query's form",
                    "<= 1.5x",
                    t_ours / t_raw <= 1.5,
                )
            )
    return rows


def bench_memory(course: Course, until: dt.datetime) -> Row:
    """The memory a 50-year course's timeline holds, its zone indexes populated."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tl = course.timeline(until=until)
    gc.collect()
    bare = tracemalloc.get_traced_memory()[0] - before
    for _, tz in FORMS:
        a = tl[0].start.astimezone(tz)
        tl.between(a, a + WEEK)
    tl.on(tl[0].start.date())
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert len(tl._zones) == len(FORMS)  # noqa: SLF001 - checking the indexes are built
    budget = 1e6
    return Row(
        f"memory of the {len(tl)}-event 50-year timeline (tracemalloc), "
        f"indexes of {len(FORMS)} query forms built",
        held,
        budget,
        "the 1 MB budget",
        "< 1 MB",
        held < budget,
        f"{bare / 1e3:.0f} kB before any query, {(held - bare) / 1e3:.0f} kB "
        "for the wall-clock indexes",
        unit="B",
    )


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


def bench_recurring_ical_events(
    course: Course, until: dt.datetime, *, quick: bool = False
) -> list[Row]:
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
    tl = course.timeline(until=until).of_kind(EventKind.PLANNED_DOSE)
    peer = recurring_ical_events.of(calendar)
    rows = []
    for label, tz in (FORMS[0], FORMS[1]):
        windows = [
            (a.astimezone(tz), b.astimezone(tz))
            for a, b in week_windows(course.first_dose, 20 if quick else 40)
        ]
        counts = [len(peer.between(a, b)) for a, b in windows]
        ours_counts = [len(tl.between(a, b)) for a, b in windows]
        assert sum(counts) > 0
        assert counts == ours_counts, (counts, ours_counts)

        def ours(windows: list[tuple[dt.datetime, dt.datetime]] = windows) -> None:
            for a, b in windows:
                tl.between(a, b)

        def theirs(windows: list[tuple[dt.datetime, dt.datetime]] = windows) -> None:
            for a, b in windows:
                peer.between(a, b)

        n = len(windows)
        t_ours = t_theirs = float("inf")
        for _ in range(3):  # in turn, as side_by_side does
            t_ours = min(t_ours, best_of(ours, number=200, repeat=3) / n)
            t_theirs = min(t_theirs, best_of(theirs, number=1, repeat=1) / n)
        rows.append(
            Row(
                f"`between`, one-week window, 50-year course (doses only), "
                f"query in {label}",
                t_ours,
                t_theirs,
                f"recurring-ical-events `of(calendar).between` on the {source}",
                ">= 2000x faster",
                t_theirs / t_ours >= 2000,
            )
        )
    return rows


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


def main(argv: Sequence[str] | None = None) -> None:
    """Run every benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--timeline-only",
        action="store_true",
        help="only the timeline rows (queries, recurring-ical-events, memory)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="the timeline rows only, with fewer queries and repeats",
    )
    args = parser.parse_args(argv)
    course, until = fifty_year_course()
    rows = [
        *bench_queries(course, until, quick=args.quick),
        *bench_recurring_ical_events(course, until, quick=args.quick),
        bench_memory(course, until),
    ]
    if not (args.quick or args.timeline_only):
        rows.append(bench_expansion())
    print(f"Python {sys.version.split()[0]}, b12course {b12course.__version__}\n")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print("| measurement | ours | peer | peer time | ratio | target | met | note |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        ours, theirs = row.show(row.ours), row.show(row.theirs)
        print(
            f"| {row.what} | {ours} | {row.peer} | {theirs} "
            f"| {row.ratio_text} | {row.target} | {row.met_text} | {row.note} |"
        )


if __name__ == "__main__":
    main()
