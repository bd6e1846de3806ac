"""The `b12course chart` command."""

import datetime as dt
import zoneinfo

import pytest

from b12course import Course, Symptom, SymptomEntry, regimens
from b12course import json as b12json
from b12course.cli import main

LONDON = zoneinfo.ZoneInfo("Europe/London")
START = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)


@pytest.fixture
def saved(tmp_path):
    course = Course.begin(
        regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START, id="chart"
    )
    course = course.record_dose(START)
    course = course.log_symptom(
        SymptomEntry(
            at=START + dt.timedelta(days=3), symptom=Symptom.MYOCLONUS, severity=6
        )
    )
    path = tmp_path / "course.json"
    path.write_text(b12json.dumps(course))
    return path


def chart(capsys, saved, output, *extra):
    code = main(
        ["chart", str(saved), "-o", str(output), "--now", "2026-12-10T12:00", *extra]
    )
    _, err = capsys.readouterr()
    return code, err


class TestChart:
    @pytest.mark.parametrize(
        ("suffix", "magic"), [(".png", b"\x89PNG"), (".svg", b"<?xml")]
    )
    def test_writes_the_chart(self, capsys, saved, tmp_path, suffix, magic):
        """The chart is written in the format its suffix names, and nothing else is left."""
        output = tmp_path / f"chart{suffix}"
        code, err = chart(capsys, saved, output)
        assert code == 0
        assert "wrote the chart" in err
        assert output.read_bytes().startswith(magic)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            ["course.json", output.name]
        )

    def test_refuses_unknown_suffix_and_overwrite(self, capsys, saved, tmp_path):
        """A .jpg name or an existing file without --force is refused, writing nothing."""
        code, err = chart(capsys, saved, tmp_path / "chart.jpg")
        assert code == 2
        assert ".png" in err
        existing = tmp_path / "chart.png"
        existing.write_bytes(b"keep")
        code, err = chart(capsys, saved, existing)
        assert code == 2
        assert "--force" in err
        assert existing.read_bytes() == b"keep"
        assert chart(capsys, saved, existing, "--force")[0] == 0
        assert existing.read_bytes().startswith(b"\x89PNG")

    def test_unreadable_and_malformed_files(self, capsys, tmp_path):
        """A missing file exits 1; a malformed one exits 2; no chart is written."""
        output = tmp_path / "chart.png"
        code, err = chart(capsys, tmp_path / "missing.json", output)
        assert code == 1
        assert "cannot read" in err
        bad = tmp_path / "bad.json"
        bad.write_text("{}")
        code, _ = chart(capsys, bad, output)
        assert code == 2
        assert not output.exists()

    def test_until_limits_the_chart(self, capsys, saved, tmp_path):
        """--until is accepted as the chart's end."""
        output = tmp_path / "chart.svg"
        assert chart(capsys, saved, output, "--until", "2027-01-01")[0] == 0
        assert output.exists()

    def test_without_matplotlib(self, capsys, saved, tmp_path, monkeypatch):
        """Without the plot extra the command says how to install it and exits 2."""
        import sys

        import b12course

        monkeypatch.delattr(b12course, "plot", raising=False)
        monkeypatch.setitem(sys.modules, "b12course.plot", None)
        code, err = chart(capsys, saved, tmp_path / "chart.png")
        assert code == 2
        assert "b12course.plot" in err

    def test_matplotlib_missing_at_draw_time(
        self, capsys, saved, tmp_path, monkeypatch
    ):
        """If matplotlib cannot be imported when drawing, the install hint is printed."""
        import sys

        for name in [
            m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")
        ]:
            monkeypatch.delitem(sys.modules, name)
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        output = tmp_path / "chart.png"
        code, err = chart(capsys, saved, output)
        assert code == 2
        assert "b12course[plot]" in err
        assert list(tmp_path.iterdir()) == [saved]


class TestChartInSummaries:
    def test_chart_labs_adds_the_lab_panel(self, capsys, saved, tmp_path):
        """`chart --labs` draws the lab panel when the course has lab results."""
        from b12course import Analyte, LabResult

        course = b12json.loads(saved.read_text())
        course = course.record_lab(
            LabResult(at=START, analyte=Analyte.SERUM_B12, value=150, unit="ng/L")
        )
        saved.write_text(b12json.dumps(course))
        code, _ = chart(capsys, saved, tmp_path / "c.svg", "--labs")
        assert code == 0
        assert "150 ng/L" in (tmp_path / "c.svg").read_text(encoding="utf-8")

    def test_html_summary_embeds_the_chart(self, capsys, saved, tmp_path):
        """`summary --chart` to HTML embeds the chart as a PNG data URI."""
        out = tmp_path / "s.html"
        code = main(
            ["summary", str(saved), "-o", str(out), "--chart", "--now", "2026-12-10"]
        )
        assert code == 0
        assert 'src="data:image/png;base64,' in out.read_text(encoding="utf-8")

    def test_markdown_summary_links_a_chart_written_beside_it(
        self, capsys, saved, tmp_path
    ):
        """`summary --chart` to Markdown writes NAME.chart.svg beside it and links it."""
        out = tmp_path / "s.md"
        code = main(
            ["summary", str(saved), "-o", str(out), "--chart", "--now", "2026-12-10"]
        )
        assert code == 0
        assert (
            (tmp_path / "s.chart.svg").read_text(encoding="utf-8").startswith("<?xml")
        )
        assert "(s.chart.svg)" in out.read_text(encoding="utf-8")

    def test_markdown_to_stdout_cannot_take_a_chart(self, capsys, saved):
        """A Markdown summary on stdout has nowhere to put its chart: asked for -o."""
        code = main(["summary", str(saved), "--chart", "--now", "2026-12-10"])
        _, err = capsys.readouterr()
        assert code == 2
        assert "-o FILE.md" in err
