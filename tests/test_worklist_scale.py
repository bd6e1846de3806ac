"""The two recipes of docs/guides/scale.md, run as written: a process pool and Dask.

Each recipe is the guide's own code block (found by its caption), run on JSON
Lines partitions of course documents; both must give exactly the rows of one
worklist over all the courses.  The Dask test may be skipped only outside CI:
``.ci/run`` exports ``CI`` and installs the ``dask`` dependency group.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest

from b12course import Course, merge_worklists, regimens, worklist
from b12course import json as b12json

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "guides" / "scale.md"
ZONES = [
    zoneinfo.ZoneInfo(key)
    for key in ("Europe/London", "America/New_York", "Australia/Sydney")
]
PRESETS = (
    "bnf-hydroxocobalamin-non-neuro",
    "bnf-hydroxocobalamin-neuro",
    "nice-dietary-injection",
)
NOW = dt.datetime(2026, 12, 7, 12, tzinfo=dt.timezone.utc)


def recipe(caption: str) -> str:
    """Return the guide's code block with this caption."""
    text = GUIDE.read_text(encoding="utf-8")
    block = re.search(
        rf"^```{{code-block}} python\n:caption: {re.escape(caption)}\n\n(.*?)^```",
        text,
        re.MULTILINE | re.DOTALL,
    )
    assert block is not None, f"no {caption} block in {GUIDE}"
    return block.group(1)


def clinic() -> list[Course]:
    """Courses in three zones, some with doses given, several due at one instant."""
    courses = []
    for i in range(24):
        zone = ZONES[i % 3]
        first = dt.datetime(2026, 11, 16 + i % 6, 9, tzinfo=zone)
        course = Course.begin(
            regimens.get(PRESETS[i % 3]), first_dose=first, id=f"c{i:02d}"
        )
        if i % 4:
            course = course.record_dose(first + dt.timedelta(minutes=10))
        courses.append(course)
    return courses


@pytest.fixture
def partitions(tmp_path):
    """The courses in four JSON Lines files, in order, and the courses as read back."""
    courses = clinic()
    paths = []
    for number in range(4):
        path = tmp_path / f"courses-{number:04d}.jsonl"
        part = courses[number * 6 : (number + 1) * 6]
        path.write_text("".join(b12json.dumps(c) + "\n" for c in part), "utf-8")
        paths.append(path)
    return paths, courses


def load(caption: str, tmp_path: Path):
    """Import a recipe as a module, from a file, as a reader would save it."""
    path = tmp_path / caption
    path.write_text(recipe(caption), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def require_dask():
    """Import dask.bag: skipped where Dask is missing, except in CI, where it fails."""
    if os.environ.get("CI"):
        import dask.bag  # CI installs the dask group: a missing Dask is a failure

        return dask.bag
    return pytest.importorskip("dask.bag")


class TestProcessPoolRecipe:
    def test_two_workers_give_the_rows_of_one_worklist(self, partitions, tmp_path):
        """The guide's worklist_pool.py, run with 2 workers, prints the single worklist."""
        paths, courses = partitions
        script = tmp_path / "worklist_pool.py"
        script.write_text(recipe("worklist_pool.py"), encoding="utf-8")
        done = subprocess.run(  # noqa: S603 - our own interpreter and the guide's script
            [sys.executable, str(script), str(paths[0].parent), NOW.isoformat()],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        single = worklist(courses, NOW, NOW + dt.timedelta(days=7), now=NOW)
        expected = [
            f"{r.course_id}\t{r.due.isoformat()}\t{r.status.value}\t{r.dose.name}"
            for r in single
        ]
        assert done.stdout.splitlines() == expected
        assert len(expected) > len(courses)
        assert {r.status.value for r in single} >= {"overdue", "scheduled"}


class TestDaskRecipe:
    @pytest.mark.parametrize("scheduler", ["synchronous", "threads"])
    def test_local_scheduler_gives_the_rows_of_one_worklist(
        self, partitions, tmp_path, scheduler
    ):
        """The guide's Dask recipe, on Dask's local scheduler, equals the single worklist."""
        require_dask()
        paths, courses = partitions
        module = load("worklist_dask.py", tmp_path)
        merged = module.weekly_worklist([str(p) for p in paths], NOW, scheduler)
        single = worklist(courses, NOW, NOW + dt.timedelta(days=7), now=NOW)
        assert merged == single
        assert len(merged) > len(courses)

    def test_one_partial_per_partition(self, partitions, tmp_path):
        """Each file is one partition whose worklist is one of the partials merged."""
        bag = require_dask()
        paths, courses = partitions
        module = load("worklist_dask.py", tmp_path)
        end = NOW + dt.timedelta(days=7)
        parts = (
            bag.read_text([str(p) for p in paths])
            .map_partitions(module.partition_worklist, NOW, end, NOW)
            .compute(scheduler="synchronous")
        )
        assert len(parts) == len(paths)
        assert parts == [
            worklist(courses[i * 6 : (i + 1) * 6], NOW, end, now=NOW) for i in range(4)
        ]
        assert merge_worklists(*parts) == worklist(courses, NOW, end, now=NOW)
