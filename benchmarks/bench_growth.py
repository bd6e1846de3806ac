"""Benchmark how the derived views grow with the record (issue 27).

Run from the repository root (the numbers go to stdout as Markdown tables)::

    python benchmarks/bench_growth.py            # about a minute
    python benchmarks/bench_growth.py --quick    # 500 to 2,000 only, one repeat

Three tables, each row with measured / target / met:

- **Growth.** A record of ``n`` symptom entries, ``n`` lab results and ``n``
  doses given (the UK neurological regimen, its "until no further
  improvement" loading phase undecided, so the plateau search reads the whole
  log), for ``n`` = 500, 1,000, 2,000, 4,000, 8,000.  For ``Course.timeline()``,
  ``to_ical``, ``summary_html``, ``to_csv`` and ``to_fhir``: the time at each
  size and the ratio of each doubling.  Target: <= 2.3x per doubling
  (``O(n log n)``; 0.x was quadratic, 4x per doubling).  ``to_fhir_json``
  (the bundle's JSON text) is timed beside ``to_fhir`` (the validated
  ``fhir.resources`` model).
- **Five-year heavy record.** 5,000 symptom entries, 60 lab results and 150
  doses given, the loading phase ended by a clinician: ``timeline()`` <= 100 ms;
  each rendering <= 3x the timeline (for FHIR, ``to_fhir_json``: ``to_fhir``
  is reported beside it, the extra being ``fhir.resources``' validation of
  the model); a cold ``b12course status`` on its JSON file <= 400 ms
  wall-clock.  ``--heavy`` prints this table alone.
- **Recording.** The cost of one more (the newest) ``log_symptom`` /
  ``record_lab`` on a course that holds 500, 2,000 or 8,000 of them, beside
  the one C-level copy of the record tuple every new (immutable) course makes:
  the call's own work (call minus copy) must not grow with the log (target:
  at 8,000 at most 2x what it is at 500).

Timings are CPU time (``time.process_time``) of this process, the best of a
few repeats, except the cold command, which is wall-clock time of a whole
process.  Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import subprocess
import sys
import tempfile
import time
import zoneinfo
from collections.abc import Callable, Sequence
from pathlib import Path

from _common import best_of, fmt

from b12course import (
    AdministeredDose,
    Course,
    LabResult,
    SymptomEntry,
    regimens,
    to_ical,
)
from b12course import json as b12json
from b12course.export import summary_html, to_csv
from b12course.fhir import to_fhir, to_fhir_json

LONDON = zoneinfo.ZoneInfo("Europe/London")
FIRST = dt.datetime(2021, 1, 4, 9, tzinfo=LONDON)
DAY = dt.timedelta(days=1)
SIZES = (500, 1_000, 2_000, 4_000, 8_000)
GROWTH_TARGET = 2.3  # per doubling (issue 27)
TIMELINE_TARGET = 0.100  # seconds, the five-year heavy record
RENDERING_FACTOR = 3.0  # each rendering <= 3x the timeline
STATUS_TARGET = 0.400  # seconds wall, cold `b12course status`
RECORDING_FACTOR = 2.0  # per-call cost at 8,000 over the cost at 500

SYMPTOMS = ("myoclonus", "paresthesia", "fatigue", "tremor", "numbness")
ANALYTES = (
    ("serum B12", "ng/L", 150.0),
    ("active B12", "pmol/L", 30.0),
    ("MCV", "fL", 95.0),
    ("haemoglobin", "g/L", 120.0),
)


def entries(n: int, start: dt.datetime, span: dt.timedelta) -> list[SymptomEntry]:
    """``n`` entries over ``span`` from ``start``, symptoms in turn, 0-10."""
    step = span / n
    return [
        SymptomEntry(
            at=start + k * step,
            symptom=SYMPTOMS[k % len(SYMPTOMS)],
            severity=k * 7 % 11,
        )
        for k in range(n)
    ]


def labs(n: int, start: dt.datetime, span: dt.timedelta) -> list[LabResult]:
    """``n`` lab results over ``span`` from ``start``, analytes in turn."""
    step = span / n
    return [
        LabResult(
            at=start + k * step,
            analyte=ANALYTES[k % len(ANALYTES)][0],
            value=ANALYTES[k % len(ANALYTES)][2] + k % 50,
            unit=ANALYTES[k % len(ANALYTES)][1],
        )
        for k in range(n)
    ]


def growth_course(n: int) -> tuple[Course, dt.datetime]:
    """``n`` entries, labs and doses given (alternate days), loading undecided."""
    regimen = regimens.get("bnf-hydroxocobalamin-neuro")
    dose = regimen.phases[0].dose
    given = [
        AdministeredDose(
            at=FIRST + 2 * k * DAY + dt.timedelta(minutes=k % 40), dose=dose
        )
        for k in range(n)
    ]
    span = 2 * n * DAY
    start = FIRST - 10 * DAY  # ten days of baseline first
    course = Course(
        regimen=regimen,
        first_dose=FIRST,
        id="growth",
        given=given,
        symptoms=entries(n, start, span),
        labs=labs(n, start, span),
    )
    return course, FIRST + span


def heavy_course() -> tuple[Course, dt.datetime]:
    """Five years: 150 doses given (loading ended after 92), 5,000 entries, 60 labs."""
    course = Course.begin(
        regimens.get("uk-smpc-cyanocobalamin-neuro"), first_dose=FIRST, id="heavy"
    )
    last = FIRST
    for k in range(150):
        due = course.pending_doses(until=last + 400 * DAY)[0].due
        course = course.record_dose(due + dt.timedelta(minutes=5 + k % 30))
        last = due
        if k + 1 == 92:  # the loading doses
            course = course.end_phase(last + dt.timedelta(hours=1), reason="plateau")
    span = last - FIRST + 30 * DAY
    start = FIRST - 10 * DAY
    for entry in entries(5_000, start, span):
        course = course.log_symptom(entry)
    for result in labs(60, start, span):
        course = course.record_lab(result)
    return course, last


def views(course: Course, now: dt.datetime) -> dict[str, Callable[[], object]]:
    """The derived views, each a call on ``course`` as of ``now``."""
    until = now + 366 * DAY
    return {
        "Course.timeline()": lambda: course.timeline(until=until, now=now),
        "to_ical": lambda: to_ical(course, now=now, dtstamp=now),
        "summary_html": lambda: summary_html(course, now=now),
        "to_csv": lambda: to_csv(course),
        "to_fhir_json": lambda: to_fhir_json(course, now=now),
        "to_fhir": lambda: to_fhir(course, now=now),
    }


# Reported without a target of its own: the time over to_fhir_json is the
# validation of the fhir.resources model (pydantic), not b12course's work.
REPORTED_ONLY = {
    "to_fhir": "reported: the same bundle data, then fhir.resources validates it",
}


def growth_table(sizes: Sequence[int], repeat: int) -> list[str]:
    """Time each view at each size; print the ratio of each doubling."""
    times: dict[str, list[float]] = {}
    for n in sizes:
        course, end = growth_course(n)
        for name, call in views(course, end).items():
            times.setdefault(name, []).append(best_of(call, repeat=repeat))
    header = " | ".join(f"{n:,}" for n in sizes)
    ratio_head = " | ".join(f"{a:,}->{b:,}" for a, b in itertools.pairwise(sizes))
    lines = [
        f"| view | {header} | {ratio_head} | worst doubling | target | met |",
        "|---" * (len(sizes) * 2 + 3) + "|",
    ]
    for name, measured in times.items():
        ratios = [b / a for a, b in itertools.pairwise(measured)]
        worst = max(ratios)
        lines.append(
            f"| {name} | "
            + " | ".join(fmt(t) for t in measured)
            + " | "
            + " | ".join(f"{r:.2f}x" for r in ratios)
            + f" | {worst:.2f}x | <= {GROWTH_TARGET}x | "
            + ("yes" if worst <= GROWTH_TARGET else "**no**")
            + " |"
        )
    return lines


def cold_status(path: Path, now: dt.datetime, rounds: int) -> float:
    """Best wall-clock time of a whole ``b12course status`` process."""
    command = [
        sys.executable,
        "-m",
        "b12course",
        "status",
        str(path),
        "--now",
        now.isoformat(),
    ]
    # Bytecode cached, as for an installed wheel: PYTHONDONTWRITEBYTECODE set
    # to anything, even "0", would compile b12course afresh in every process.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "b12course-pyc")
    subprocess.run(command, check=True, capture_output=True, env=env)  # noqa: S603
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)  # noqa: S603
        best = min(best, time.perf_counter() - start)
    return best


def heavy_table(repeat: int) -> list[str]:
    """The five-year heavy record: each view against its target."""
    course, last = heavy_course()
    now = last + 3 * DAY
    measured = {
        name: best_of(call, repeat=repeat) for name, call in views(course, now).items()
    }
    base = measured["Course.timeline()"]
    lines = [
        (
            "| five-year record (5,000 entries, 60 labs, 150 doses) "
            "| measured | target | met |"
        ),
        "|---|---|---|---|",
    ]
    for name, seconds in measured.items():
        if name in REPORTED_ONLY:
            lines.append(
                f"| {name} | {fmt(seconds)} ({seconds / base:.1f}x) | "
                f"{REPORTED_ONLY[name]} | - |"
            )
            continue
        if name == "Course.timeline()":
            target, limit = f"<= {fmt(TIMELINE_TARGET)}", TIMELINE_TARGET
            shown = fmt(seconds)
        else:
            target = f"<= {RENDERING_FACTOR:g}x the timeline"
            limit = RENDERING_FACTOR * base
            shown = f"{fmt(seconds)} ({seconds / base:.1f}x)"
        lines.append(
            f"| {name} | {shown} | {target} | "
            + ("yes" if seconds <= limit else "**no**")
            + " |"
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "heavy.json"
        path.write_text(b12json.dumps(course), encoding="utf-8")
        wall = cold_status(path, now, rounds=max(repeat, 3))
    lines.append(
        f"| `b12course status` on its file, cold (wall) | {fmt(wall)} | "
        f"<= {fmt(STATUS_TARGET)} | "
        + ("yes" if wall <= STATUS_TARGET else "**no**")
        + " |"
    )
    return lines


def per_call(course: Course, add: Callable[[Course], Course], number: int) -> float:
    """Best CPU time of one ``add(course)``, over batches of ``number`` calls."""
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        for _ in range(number):
            add(course)
        best = min(best, (time.process_time() - start) / number)
    return best


def one_more(n: int) -> dict[str, tuple[float, float]]:
    """Per call: one more newest entry (result), and the tuple copy it makes."""
    span = n * DAY / 3
    course = Course(
        regimen=regimens.get("bnf-hydroxocobalamin-neuro"),
        first_dose=FIRST,
        id="rec",
        symptoms=entries(n, FIRST, span),
        labs=labs(n, FIRST, span),
    )
    newest = FIRST + span + DAY
    entry = SymptomEntry(at=newest, symptom="tremor", severity=4)
    result = LabResult(at=newest, analyte="MMA", value=0.3, unit="umol/L")
    symptoms, results = course.symptoms, course.labs
    return {
        "log_symptom": (
            per_call(course, lambda c: c.log_symptom(entry), 300),
            per_call(course, lambda _: symptoms + (entry,), 300),  # noqa: RUF005
        ),
        "record_lab": (
            per_call(course, lambda c: c.record_lab(result), 300),
            per_call(course, lambda _: results + (result,), 300),  # noqa: RUF005
        ),
    }


def recording_table(sizes: Sequence[int]) -> list[str]:
    """The cost of one more (newest) entry or result on a log of each size.

    A Course is immutable and keeps its records in a tuple, so a new course
    copies the tuple once: a C-level copy, measured beside each call (the
    same ``records + (record,)``).  What must not grow is the rest: the
    call's own work, the call minus that copy.
    """
    rows: dict[str, list[tuple[float, float]]] = {"log_symptom": [], "record_lab": []}
    for n in sizes:
        for name, pair in one_more(n).items():
            rows[name].append(pair)
    header = " | ".join(f"at {n:,}" for n in sizes)
    lines = [
        (
            f"| one more call (tuple copy) | {header} | own work, last / first "
            "| target | met |"
        ),
        "|---" * (len(sizes) + 4) + "|",
    ]
    for name, measured in rows.items():
        own = [call - copy for call, copy in measured]
        ratio = own[-1] / own[0]
        lines.append(
            f"| `{name}` | "
            + " | ".join(f"{fmt(call)} ({fmt(copy)})" for call, copy in measured)
            + f" | {ratio:.2f}x | <= {RECORDING_FACTOR:g}x | "
            + ("yes" if ratio <= RECORDING_FACTOR else "**no**")
            + " |"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    """Print the three tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="500 to 2,000, one repeat")
    parser.add_argument(
        "--heavy", action="store_true", help="the five-year heavy record's table only"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="best of this many calls (default 3)"
    )
    args = parser.parse_args(argv)
    sizes = SIZES[:3] if args.quick else SIZES
    repeat = 1 if args.quick else args.repeat
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Python {sys.version.split()[0]}, load average {load:.2f} at the start\n")
    if args.heavy:
        print("\n".join(heavy_table(repeat)), end="\n\n", flush=True)
        return
    for table in (
        growth_table(sizes, repeat),
        heavy_table(repeat),
        recording_table((500, 2_000, 8_000)),
    ):
        print("\n".join(table), end="\n\n", flush=True)


if __name__ == "__main__":
    main()
