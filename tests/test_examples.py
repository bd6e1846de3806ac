import runpy
import sys
from pathlib import Path

import pytest

from b12course import json as b12json
from b12course.ical import read_ical

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
#: The examples whose output the tests below check one by one.
CHECKED = {
    "clinic_worklist.py",
    "patient_log_flare.py",
    "property_testing_reminders.py",
    "quickstart.py",
    "save_and_load_json.py",
}
OTHERS = sorted({p.name for p in EXAMPLES.glob("*.py")} - CHECKED)


def run_example(name, tmp_path, monkeypatch, capsys, *argv):
    """Run examples/<name> as a script in tmp_path; return what it printed."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [str(EXAMPLES / name), *argv])
    before = sorted(p.name for p in EXAMPLES.iterdir())
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    assert sorted(p.name for p in EXAMPLES.iterdir()) == before
    return capsys.readouterr().out


class TestExamples:
    def test_quickstart(self, tmp_path, monkeypatch, capsys):
        """The quickstart prints the plan and writes a calendar of it into the directory given."""
        out = run_example("quickstart.py", tmp_path, monkeypatch, capsys, str(tmp_path))
        assert "bnf-hydroxocobalamin-neuro" in out
        assert " 2  loading      Thu 03 Dec 2026 17:30 GMT" in out
        assert "overdue" in out
        doses = read_ical((tmp_path / "b12-course.ics").read_bytes())
        planned = [line for line in out.splitlines() if "  loading  " in line]
        assert len(doses) == len(planned) == 16
        assert "provisional" in planned[-1]

    def test_save_and_load_json(self, tmp_path, monkeypatch, capsys):
        """The JSON example saves a course, loads the same one and shows a refused document."""
        out = run_example(
            "save_and_load_json.py", tmp_path, monkeypatch, capsys, str(tmp_path)
        )
        assert "Loaded the same course: True" in out
        assert "refused at symptoms[0].severity" in out
        course = b12json.loads((tmp_path / "course.json").read_text())
        assert course.id == "patient-42"
        assert len(course.given) == 7

    def test_patient_log_flare(self, tmp_path, monkeypatch, capsys):
        """The flare example shows baseline, the worsening in the window and its resolution."""
        out = run_example("patient_log_flare.py", tmp_path, monkeypatch, capsys)
        assert "myoclonus 8/10  at or above the severe threshold" in out
        assert "myoclonus 4/10  baseline" in out
        assert "Status after six weeks: back within baseline" in out
        assert "Peak: 8/10" in out

    def test_clinic_worklist(self, tmp_path, monkeypatch, capsys):
        """The worklist example lists the week's doses and the two patients behind."""
        out = run_example("clinic_worklist.py", tmp_path, monkeypatch, capsys)
        assert "2 overdue" in out
        rows = [line for line in out.splitlines() if "patient-" in line]
        overdue = [line for line in rows if line.endswith("overdue")]
        assert {line.split()[4] for line in overdue} == {"patient-04", "patient-08"}

    @pytest.mark.slow
    def test_property_testing(self, tmp_path, monkeypatch, capsys):
        """The property-testing example's properties hold."""
        out = run_example(
            "property_testing_reminders.py", tmp_path, monkeypatch, capsys
        )
        assert out.count("holds:") == 3

    @pytest.mark.parametrize("name", OTHERS, ids=str)
    def test_every_example_runs_without_writing_into_the_repo(
        self, name, tmp_path, monkeypatch, capsys
    ):
        """Every other script in examples/ runs, given a directory to write into, and leaves the repo alone."""
        out_dir = tmp_path / "out"
        out_dir.mkdir()
        run_example(name, tmp_path, monkeypatch, capsys, str(out_dir))
        assert not [p for p in tmp_path.iterdir() if p != out_dir]
