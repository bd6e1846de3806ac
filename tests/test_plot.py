import datetime as dt
import os
import runpy
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib import dates as mdates
from matplotlib.figure import Figure

import b12course as b12
from b12course import strategies as b12st
from b12course.exceptions import ExportError, NaiveDatetimeError
from b12course.plot import (
    CHART_FORMATS,
    chart_png,
    default_until,
    plot_course,
    save_chart,
)

EXAMPLE = Path(__file__).parent.parent / "examples" / "chart_and_summary.py"
LONDON = zoneinfo.ZoneInfo("Europe/London")
DAY = dt.timedelta(days=1)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def flare_course() -> b12.Course:
    return runpy.run_path(str(EXAMPLE))["flare_course"]()


def lines_by_gid(fig: Figure, prefix: str) -> dict[str, object]:
    return {
        line.get_gid(): line
        for ax in fig.axes
        for line in ax.get_lines()
        if (line.get_gid() or "").startswith(prefix)
    }


def patches_by_gid(fig: Figure, gid: str) -> list[object]:
    return [p for ax in fig.axes for p in ax.patches if p.get_gid() == gid]


def marker_count(fig: Figure) -> int:
    return sum(len(line.get_xdata()) for line in lines_by_gid(fig, "doses:").values())


def x_extent(patch) -> tuple[float, float]:
    """Return a span's (start, end) in data units (a Polygon before matplotlib 3.9, then a Rectangle)."""
    xs = patch.get_patch_transform().transform(patch.get_path().vertices)[:, 0]
    return float(min(xs)), float(max(xs))


def num(value: dt.datetime) -> float:
    return float(mdates.date2num(value))


class TestPlotCourse:
    def test_renders_without_a_display(self, tmp_path):
        """In a fresh process with no display and no backend set, the chart renders and import b12course alone never imports matplotlib."""
        env = {
            k: v for k, v in os.environ.items() if k not in {"DISPLAY", "MPLBACKEND"}
        }
        code = (
            "import sys, b12course, b12course.export\n"
            "assert 'matplotlib' not in sys.modules\n"
            "from b12course.plot import save_chart\n"
            "assert 'matplotlib' not in sys.modules\n"
            "import runpy\n"
            f"course = runpy.run_path({str(EXAMPLE)!r})['flare_course']()\n"
            f"save_chart(course, {str(tmp_path / 'c.png')!r})\n"
            "assert 'matplotlib.pyplot' not in sys.modules\n"
        )
        subprocess.run(  # noqa: S603 - this interpreter on fixed code
            [sys.executable, "-c", code], check=True, env=env, timeout=120
        )
        assert (tmp_path / "c.png").read_bytes().startswith(PNG_MAGIC)

    def test_one_line_per_symptom(self):
        """Each logged symptom has exactly one line, with one point per entry at its severity."""
        course = flare_course()
        fig = plot_course(course)
        lines = lines_by_gid(fig, "symptom:")
        assert set(lines) == {"symptom:myoclonus", "symptom:paresthesia"}
        myoclonus = [e for e in course.symptoms if e.symptom is b12.Symptom.MYOCLONUS]
        line = lines["symptom:myoclonus"]
        assert list(line.get_ydata()) == [e.severity for e in myoclonus]
        assert list(line.get_xdata()) == [num(e.at) for e in myoclonus]
        assert line.get_label() == "myoclonus"

    def test_no_symptoms(self):
        """A course with no symptom logged says so on the severity panel instead of drawing lines."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        fig = plot_course(
            b12.Course.begin(b12.regimens.get("nice-neuro"), first_dose=first)
        )
        assert not lines_by_gid(fig, "symptom:")
        assert [
            t.get_text() for t in fig.axes[0].texts if t.get_gid() == "no-symptoms"
        ] == ["no symptom logged"]
        assert not [
            t
            for t in plot_course(flare_course()).axes[0].texts
            if t.get_gid() == "no-symptoms"
        ]

    def test_one_marker_per_dose(self):
        """Every dose given and every planned dose not given has one marker, grouped by status."""
        course = flare_course()
        until = course.first_dose + 200 * DAY
        fig = plot_course(course, until=until)
        given = lines_by_gid(fig, "doses:given")["doses:given"]
        assert list(given.get_xdata()) == [num(g.at) for g in course.given]
        planned = [
            d for d in course.plan(until=until) if d.status is not b12.DoseStatus.GIVEN
        ]
        assert planned
        assert marker_count(fig) == len(course.given) + len(planned)

    def test_overdue_due_and_skipped_are_distinguished(self):
        """With now, overdue, due, skipped and provisional doses each have their own marker group."""
        first = dt.datetime(
            2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("Australia/Lord_Howe")
        )
        course = b12.Course.begin(b12.regimens.get("nice-neuro"), first_dose=first)
        course = course.record_dose(first).skip_dose(number=2)
        now = first + 6 * DAY + dt.timedelta(hours=1)
        until = first + 120 * DAY  # past the first (provisional) maintenance dose
        plan = course.plan(until=until, now=now)
        fig = plot_course(course, until=until, now=now)
        groups = lines_by_gid(fig, "doses:")
        for gid, status in {
            "doses:overdue": b12.DoseStatus.OVERDUE,
            "doses:due": b12.DoseStatus.DUE,
            "doses:skipped": b12.DoseStatus.SKIPPED,
        }.items():
            expected = [num(d.due) for d in plan if d.status is status]
            assert expected
            assert list(groups[gid].get_xdata()) == expected
        provisional = [num(d.due) for d in plan if d.provisional]
        assert provisional
        assert list(groups["doses:provisional"].get_xdata()) == provisional
        assert marker_count(fig) == len(plan)

    def test_flare_window_and_phases_and_reviews(self):
        """The flare window is shaded over its exact span, each phase has a band, and review points are dashed lines."""
        first = dt.datetime(
            2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("America/Sao_Paulo")
        )
        course = b12.Course.begin(b12.regimens.get("nice-neuro"), first_dose=first)
        until = first + 120 * DAY
        fig = plot_course(course, until=until)
        window = course.flare().window
        for patch in patches_by_gid(fig, "flare-window"):
            assert x_extent(patch) == pytest.approx(
                (num(window.start), num(window.end))
            )
        assert len(patches_by_gid(fig, "flare-window")) == 2  # both panels
        spans = course.expand(until=until).phases
        assert len(spans) == 2
        for span in spans:
            (top, _bottom) = patches_by_gid(fig, f"phase:{span.index}")
            assert x_extent(top)[0] == pytest.approx(num(span.first))
        reviews = [
            line.get_xdata()[0]
            for line in fig.axes[0].get_lines()
            if line.get_gid() == "review"
        ]
        assert reviews == [num(r.at) for r in course.reviews(until=until)]
        assert len(reviews) == 2
        texts = [
            t.get_text() for t in fig.axes[0].texts if t.get_gid() == "review-label"
        ]
        assert texts == ["loading-phase review", "treatment review"]

    def test_custom_flare_model(self):
        """A caller's flare model sets the shaded window and the default horizon."""
        first = dt.datetime(
            2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("America/New_York")
        )
        course = b12.Course.begin(b12.regimens.get("nice-neuro"), first_dose=first)
        model = b12.FlareModel(
            onset=dt.timedelta(0), abates_within=dt.timedelta(weeks=10)
        )
        fig = plot_course(course, flare_model=model)
        (patch, _) = patches_by_gid(fig, "flare-window")
        assert x_extent(patch) == pytest.approx((num(first), num(first + 70 * DAY)))
        assert default_until(course, flare_model=model) == first + 77 * DAY
        with pytest.raises(b12.exceptions.SettingError):
            plot_course(course, flare_model="six weeks")

    def test_now_line_only_with_now(self):
        """A 'now' line is drawn exactly when now is given."""
        course = flare_course()
        assert not lines_by_gid(plot_course(course), "now")
        now = course.first_dose + 20 * DAY
        (line,) = [
            line
            for line in plot_course(course, now=now).axes[0].get_lines()
            if line.get_gid() == "now"
        ]
        assert line.get_xdata()[0] == num(now)

    def test_legend_labels_and_size(self):
        """The figure has a title, axis labels naming the zone, a legend naming every layer, and a readable size."""
        fig = plot_course(flare_course(), now=dt.datetime(2027, 1, 15, tzinfo=LONDON))
        (legend,) = fig.legends
        labels = {t.get_text() for t in legend.get_texts()}
        assert {
            "myoclonus", "paresthesia", "loading phase", "expected flare window",
            "now", "dose given",
        } <= labels  # fmt: skip
        assert (
            fig._suptitle.get_text()
            == "UK neurological involvement (BNF hydroxocobalamin)"
        )
        assert fig.axes[1].get_xlabel() == "date (Europe/London)"
        assert fig.axes[0].get_ylim() == (-0.5, 10.5)
        width, height = fig.get_size_inches()
        assert 8 <= width <= 16
        assert 4 <= height <= 10
        assert plot_course(flare_course(), title="Mine")._suptitle.get_text() == "Mine"

    def test_dates_in_the_course_zone(self):
        """The date axis shows local time in the course's zone, not UTC."""
        first = dt.datetime(
            2026, 12, 1, 7, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Kolkata")
        )
        course = b12.Course.begin(b12.regimens.get("nice-neuro"), first_dose=first)
        fig = plot_course(course)
        formatter = fig.axes[1].xaxis.get_major_formatter()
        assert formatter.format_data_short(num(first)).startswith("2026-12-01 07:30")

    def test_default_until(self):
        """By default the chart runs a week past the latest of the record, now and the flare window's end."""
        first = dt.datetime(
            2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("America/New_York")
        )
        course = b12.Course.begin(b12.regimens.get("nice-neuro"), first_dose=first)
        window_end = course.flare_window().end
        assert default_until(course) == window_end + 7 * DAY
        assert default_until(course, now=first) == window_end + 7 * DAY
        late = window_end + 30 * DAY
        assert default_until(course, now=late) == late + 7 * DAY
        logged = course.log_symptom(
            b12.SymptomEntry(at=late, symptom="numbness", severity=2)
        )
        assert default_until(logged) == late + 7 * DAY
        fig = plot_course(course)
        assert fig.axes[1].get_xlim()[1] == pytest.approx(num(window_end + 7 * DAY))

    def test_bad_arguments(self):
        """A naive time, a horizon before the record or a non-course raise B12CourseError subclasses."""
        course = flare_course()
        with pytest.raises(NaiveDatetimeError):
            plot_course(course, until=dt.datetime(2027, 1, 1))
        with pytest.raises(NaiveDatetimeError):
            plot_course(course, now=dt.datetime(2027, 1, 1))
        with pytest.raises(ExportError, match="earliest record"):
            plot_course(course, until=course.first_dose - 30 * DAY)
        with pytest.raises(ExportError, match="Course"):
            plot_course("course.json")

    def test_without_matplotlib(self, monkeypatch):
        """Without matplotlib installed, drawing says how to install the extra."""
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        with pytest.raises(ModuleNotFoundError, match=r"b12course\[plot\]"):
            plot_course(flare_course())

    @settings(max_examples=25)
    @given(course=b12st.courses(), days=st.integers(min_value=0, max_value=300))
    def test_any_course(self, course, days):
        """For any course there is one line per symptom and one marker per dose in range."""
        now = course.first_dose + days * DAY
        until = default_until(course, now=now)
        fig = plot_course(course, now=now)
        labels = {e.label for e in course.symptoms if e.at < until}
        assert set(lines_by_gid(fig, "symptom:")) == {
            f"symptom:{label}" for label in labels
        }
        given_in_range = [g for g in course.given if g.at < until]
        pending = [
            d
            for d in course.plan(until=until, now=now)
            if d.status is not b12.DoseStatus.GIVEN
        ]
        assert marker_count(fig) == len(given_in_range) + len(pending)


class TestSaveChart:
    @pytest.mark.parametrize("name", ["chart.png", "CHART.PNG"])
    def test_png(self, tmp_path, name):
        """A .png path (any case) gets a PNG file."""
        path = save_chart(flare_course(), tmp_path / name)
        assert path == tmp_path / name
        assert path.read_bytes().startswith(PNG_MAGIC)

    def test_svg(self, tmp_path):
        """A .svg path, given as text, gets an SVG document with no date in it, so it is reproducible."""
        path = save_chart(flare_course(), str(tmp_path / "chart.svg"))
        data = path.read_bytes()
        assert data.startswith(b"<?xml")
        assert b"<svg" in data[:1000]
        assert b"<dc:date>" not in data
        again = save_chart(flare_course(), tmp_path / "again.svg").read_bytes()
        assert again == data

    @pytest.mark.parametrize("name", ["chart.jpg", "chart", "chart.png.txt"])
    def test_unknown_suffix(self, tmp_path, name):
        """An unknown suffix raises ExportError naming the formats, and writes nothing."""
        with pytest.raises(ExportError, match=r"\.png, \.svg"):
            save_chart(flare_course(), tmp_path / name)
        assert list(tmp_path.iterdir()) == []
        assert issubclass(ExportError, b12.B12CourseError)
        assert issubclass(ExportError, ValueError)
        assert set(CHART_FORMATS) == {".png", ".svg"}

    def test_chart_png(self):
        """chart_png returns PNG bytes."""
        assert chart_png(flare_course()).startswith(PNG_MAGIC)


class TestExample:
    def test_writes_chart_and_summary(self, tmp_path):
        """The example writes the chart, the CSV and both summaries into the directory it is given."""
        out = tmp_path / "out"
        result = subprocess.run(  # noqa: S603 - this interpreter on our example
            [sys.executable, str(EXAMPLE), str(out)],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        names = ["chart.png", "chart.svg", "log.csv", "summary.md", "summary.html"]
        assert result.stdout.splitlines() == [str(out / n) for n in names]
        assert (out / "chart.png").read_bytes().startswith(PNG_MAGIC)
        summary = (out / "summary.md").read_text(encoding="utf-8")
        assert "resolved" in summary
        assert "![Course chart](data:image/png;base64," in summary
        assert (out / "log.csv").read_bytes().startswith(b"time,kind,")

    def test_default_directory(self, monkeypatch, tmp_path):
        """Without an argument the example writes into a new temporary directory."""
        monkeypatch.setenv("TMPDIR", str(tmp_path))
        import tempfile

        monkeypatch.setattr(tempfile, "tempdir", None)
        written = runpy.run_path(str(EXAMPLE))["main"]([])
        assert all(p.parent.parent == tmp_path for p in written)
        assert len(written) == 5
