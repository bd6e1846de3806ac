"""`b12course worklist`: a clinic's due and overdue doses across course files."""

import contextlib
import datetime as dt
import io
import json
import tempfile
import zoneinfo
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from b12course import Course, regimens, worklist
from b12course import json as b12json
from b12course import strategies as b12st
from b12course.cli import main
from support.profiles import scaled

LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
MONDAY = dt.datetime(2026, 12, 7, tzinfo=LONDON)
NOW = dt.datetime(2026, 12, 8, 10, tzinfo=LONDON)


def _course(course_id, preset, first, zone=LONDON):
    return Course.begin(
        regimens.get(preset),
        first_dose=dt.datetime(*first, 9, tzinfo=zone),
        id=course_id,
    )


def _save(folder, name, course):
    path = folder / name
    path.write_text(b12json.dumps(course), encoding="utf-8")
    return path


@pytest.fixture
def clinic(tmp_path):
    ann = _course("ann", "bnf-hydroxocobalamin-neuro", (2026, 12, 1))
    ann = ann.record_dose(dt.datetime(2026, 12, 1, 9, 5, tzinfo=LONDON))
    bob = _course("bob", "bnf-hydroxocobalamin-non-neuro", (2026, 12, 3))
    _save(tmp_path, "ann.json", ann)
    _save(tmp_path, "bob.json", bob)
    return tmp_path, (ann, bob)


def _run(capsys, *argv):
    code = main(["worklist", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def _rows(out):
    return [(r["course"], r["number"], r["status"]) for r in json.loads(out)["rows"]]


def _expected(courses, start, end, now):
    return [
        (row.course_id, row.dose.number, row.status.value)
        for row in worklist(courses, start, end, now=now)
    ]


class TestWorklistCommand:
    def test_lists_a_folders_courses_in_due_order_as_the_api_does(self, clinic, capsys):
        """A folder of course files gives the API's worklist rows, in due order."""
        folder, courses = clinic
        code, out, _ = _run(
            capsys,
            folder,
            "--from",
            "2026-12-07",
            "--to",
            "2026-12-12",
            "--now",
            "2026-12-08T10:00",
            "--json",
        )
        assert code == 0
        end = MONDAY + dt.timedelta(days=5)
        assert _rows(out) == _expected(courses, MONDAY, end, NOW)
        dues = [r["due"] for r in json.loads(out)["rows"]]
        assert dues == sorted(dues)

    def test_table_names_course_dose_local_time_status_and_file(self, clinic, capsys):
        """The table shows each row's local due time, status, course, dose and file."""
        folder, _ = clinic
        code, out, _ = _run(
            capsys,
            folder / "bob.json",
            "--from",
            "2026-12-07",
            "--to",
            "2026-12-08",
            "--now",
            "2026-12-08T10:00",
        )
        assert code == 0
        line = next(x for x in out.splitlines() if "loading dose 3 of 6" in x)
        assert "Mon 2026-12-07 09:00 GMT" in line
        assert "overdue" in line
        assert "bob" in line
        assert "bob.json" in line
        assert "Not medical advice" in out

    def test_an_unreadable_file_is_listed_at_the_end_and_the_rest_still_print(
        self, clinic, capsys
    ):
        """A broken file never stops the others: it is listed on stderr and exit is 1."""
        folder, _courses = clinic
        (folder / "broken.json").write_text("{not json", encoding="utf-8")
        code, out, err = _run(
            capsys, folder, "--from", "2026-12-07", "--to", "2026-12-12", "--json"
        )
        assert code == 1
        assert {r["course"] for r in json.loads(out)["rows"]} == {"ann", "bob"}
        assert [e["source"] for e in json.loads(out)["errors"]] == [
            str(folder / "broken.json")
        ]
        assert "broken.json" in err
        assert "could not be read" in err

    def test_a_quoted_glob_is_expanded(self, clinic, capsys, monkeypatch):
        """A pattern the shell did not expand is expanded by the command."""
        folder, _ = clinic
        monkeypatch.chdir(folder)
        code, out, _ = _run(
            capsys, "*.json", "--from", "2026-12-07", "--to", "2026-12-12", "--json"
        )
        assert code == 0
        assert {r["file"] for r in json.loads(out)["rows"]} == {"ann.json", "bob.json"}

    def test_a_pattern_matching_nothing_is_an_error_not_silence(self, clinic, capsys):
        """A pattern that matches no file is listed as a failure."""
        folder, _ = clinic
        code, _, err = _run(
            capsys,
            folder / "ann.json",
            folder / "nobody*.json",
            "--from",
            "2026-12-07",
            "--to",
            "2026-12-12",
        )
        assert code == 1
        assert "no file matches" in err

    def test_json_lines_file_is_read_line_by_line_and_a_bad_line_is_named(
        self, clinic, capsys
    ):
        """A JSON Lines file holds one course per line; a bad line is named by number."""
        folder, _courses = clinic
        lines = folder / "many.jsonl"
        carol = _course("carol", "bnf-hydroxocobalamin-non-neuro", (2026, 12, 7))
        lines.write_text(
            b12json.dumps(carol) + "\n\n" + '{"format": "nope"}\n', encoding="utf-8"
        )
        code, out, err = _run(
            capsys, lines, "--from", "2026-12-07", "--to", "2026-12-12", "--json"
        )
        assert code == 1
        assert {r["course"] for r in json.loads(out)["rows"]} == {"carol"}
        assert f"{lines}:3" in err

    def test_a_course_id_in_two_files_is_listed_once_and_reported(self, clinic, capsys):
        """Two files with one course id give one course's rows and a failure line."""
        folder, (ann, _) = clinic
        _save(folder, "ann-copy.json", ann)
        code, out, err = _run(
            capsys,
            folder / "ann.json",
            folder / "ann-copy.json",
            "--from",
            "2026-12-07",
            "--to",
            "2026-12-12",
            "--json",
        )
        assert code == 1
        assert {r["file"] for r in json.loads(out)["rows"]} == {
            str(folder / "ann.json")
        }
        assert "also in" in err

    def test_courses_in_several_zones_need_tz_for_bare_dates(self, clinic, capsys):
        """Bare dates are ambiguous across zones, so --tz is asked for, then used."""
        folder, _ = clinic
        _save(
            folder,
            "nyc.json",
            _course("nyc", "bnf-hydroxocobalamin-neuro", (2026, 12, 7), NEW_YORK),
        )
        code, _, err = _run(
            capsys, folder, "--from", "2026-12-07", "--to", "2026-12-12"
        )
        assert code == 2
        assert "--tz" in err
        code, out, _ = _run(
            capsys,
            folder,
            "--from",
            "2026-12-07",
            "--to",
            "2026-12-12",
            "--tz",
            "America/New_York",
            "--json",
        )
        assert code == 0
        assert json.loads(out)["from"] == "2026-12-07T00:00:00-05:00"
        nyc = [r for r in json.loads(out)["rows"] if r["course"] == "nyc"]
        assert nyc[0]["zone"] == "America/New_York"
        assert nyc[0]["due"].endswith("-05:00")

    def test_csv_has_a_header_and_one_row_per_dose(self, clinic, capsys):
        """--csv prints a header and the rows of the worklist."""
        folder, courses = clinic
        code, out, _ = _run(
            capsys,
            folder,
            "--from",
            "2026-12-07",
            "--to",
            "2026-12-12",
            "--now",
            "2026-12-08T10:00",
            "--csv",
        )
        assert code == 0
        lines = out.splitlines()
        assert lines[0] == "course,file,zone,due,number,name,dose,status"
        end = MONDAY + dt.timedelta(days=5)
        assert len(lines) - 1 == len(worklist(courses, MONDAY, end, now=NOW))

    def test_to_before_from_is_refused(self, clinic, capsys):
        """An empty or reversed range is a usage error naming both options."""
        folder, _ = clinic
        code, _, err = _run(
            capsys, folder, "--from", "2026-12-07", "--to", "2026-12-07"
        )
        assert code == 2
        assert "--to" in err
        assert "--from" in err


# Each example writes up to four course files and runs the command over them.
@scaled(0.4, suppress_health_check=[HealthCheck.too_slow])
@given(
    courses=st.lists(b12st.courses(), min_size=1, max_size=4),
    offset=st.integers(min_value=-30, max_value=400),
)
def test_the_command_lists_exactly_the_api_worklist(courses, offset):
    """For any courses, the command's rows are the API worklist's rows."""
    courses = [attrs.evolve(c, id=f"c{i}") for i, c in enumerate(courses)]
    start = dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc) + dt.timedelta(days=offset)
    end = start + dt.timedelta(days=7)
    now = start + dt.timedelta(days=2)
    with tempfile.TemporaryDirectory() as folder:
        for number, course in enumerate(courses):
            Path(folder, f"{number}.json").write_text(
                b12json.dumps(course), encoding="utf-8"
            )
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(
                [
                    "worklist",
                    folder,
                    "--from",
                    start.isoformat(),
                    "--to",
                    end.isoformat(),
                    "--now",
                    now.isoformat(),
                    "--json",
                ]
            )
    assert code == 0
    assert _rows(out.getvalue()) == _expected(courses, start, end, now)
