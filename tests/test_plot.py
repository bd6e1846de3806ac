import datetime as dt
import itertools
import os
import runpy
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib import dates as mdates
from matplotlib.figure import Figure

import b12course as b12
from b12course import strategies as b12st
from b12course.exceptions import ExportError, NaiveDatetimeError, NotACourseError
from b12course.plot import (
    CHART_FORMATS,
    FLARE_LABEL,
    chart_markers,
    chart_png,
    default_until,
    plot_course,
    save_chart,
)
from support.profiles import scaled

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


def collections_by_gid(fig: Figure, gid: str) -> list[object]:
    return [c for ax in fig.axes for c in ax.collections if c.get_gid() == gid]


DOSE_GIDS = ("planned_dose:", "dose_given", "dose_skipped")


def dose_lines(fig: Figure) -> dict[str, object]:
    return {
        gid: line
        for prefix in DOSE_GIDS
        for gid, line in lines_by_gid(fig, prefix).items()
    }


def overdue_in_runs(fig: Figure) -> int:
    counts = [
        t.get_text()
        for t in fig.axes[1].texts
        if t.get_gid() == "planned_dose:overdue-count"
    ]
    return sum(int(text.split()[0]) for text in counts)


def marker_count(fig: Figure) -> int:
    drawn = sum(len(line.get_xdata()) for line in dose_lines(fig).values())
    return drawn + overdue_in_runs(fig)


def x_extent(patch) -> tuple[float, float]:
    """Return a span's (start, end) in data units (a Polygon before matplotlib 3.9, then a Rectangle)."""
    xs = patch.get_patch_transform().transform(patch.get_path().vertices)[:, 0]
    return float(min(xs)), float(max(xs))


def num(value: dt.datetime) -> float:
    return float(mdates.date2num(value))


class TestPlotCourse:
    @pytest.mark.slow
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
            b12.Course.begin(
                b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
            )
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
        given = lines_by_gid(fig, "dose_given")["dose_given"]
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
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        )
        course = course.record_dose(first).skip_dose(number=2)
        now = first + 6 * DAY + dt.timedelta(hours=1)
        until = first + 120 * DAY  # past the first (provisional) maintenance dose
        # The chart draws the view: the plan up to the one horizon policy.
        plan = course.timeline(until=until, now=now).planned_doses
        fig = plot_course(course, until=until, now=now)
        groups = dose_lines(fig)
        for gid, status in {
            "planned_dose:overdue": b12.DoseStatus.OVERDUE,
            "planned_dose:due": b12.DoseStatus.DUE,
            "dose_skipped": b12.DoseStatus.SKIPPED,
        }.items():
            expected = [num(d.due) for d in plan if d.status is status]
            assert expected
            assert list(groups[gid].get_xdata()) == expected
        provisional = [num(d.due) for d in plan if d.provisional]
        assert provisional
        assert list(groups["planned_dose:provisional"].get_xdata()) == provisional
        assert marker_count(fig) == len(plan)

    def test_flare_window_and_phases_and_reviews(self):
        """The flare window is hatched over its exact span, each phase has a bar, and review points are dashed lines with level labels."""
        first = dt.datetime(
            2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("America/Sao_Paulo")
        )
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        )
        course = course.record_dose(first)  # the window needs a dose given
        course = course.end_phase(first + 15 * DAY)  # after the loading review
        until = first + 120 * DAY
        fig = plot_course(course, until=until)
        window = course.flare().window
        (patch,) = patches_by_gid(fig, "flare_window")  # the symptom panel only
        assert x_extent(patch) == pytest.approx((num(window.start), num(window.end)))
        assert patch.get_hatch() == "//"
        spans = course.expand(until=until).phases
        assert len(spans) == 2
        hatches = set()
        # Each phase's bar starts where the one before it ended (the decision),
        # so the interval before the next phase's first dose reads as treatment.
        starts = [spans[0].first, course.decisions[0].at]
        for span, start in zip(spans, starts, strict=True):
            (bar,) = collections_by_gid(fig, f"phase_change:{span.phase.name}")
            (path,) = bar.get_paths()
            assert min(path.vertices[:, 0]) == pytest.approx(num(start))
            hatches.add(bar.get_hatch())
        assert len(hatches) == 2  # loading and maintenance differ in grey too
        reviews = [
            line.get_xdata()[0]
            for line in fig.axes[0].get_lines()
            if line.get_gid() == "review"
        ]
        assert reviews == [num(r.at) for r in course.reviews(until=until)]
        assert len(reviews) == 2
        labels = [t for t in fig.axes[0].texts if t.get_gid() == "review-label"]
        assert [t.get_text() for t in labels] == [
            "loading-phase review",
            "treatment review",
        ]
        for label in labels:
            assert label.get_rotation() == 0
            assert label.get_fontsize() >= 8

    def test_custom_flare_model(self):
        """A caller's flare model sets the shaded window and the default horizon."""
        first = dt.datetime(
            2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("America/New_York")
        )
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        )
        course = course.record_dose(first)  # the window needs a dose given
        model = b12.FlareModel(
            onset=dt.timedelta(0), abates_within=dt.timedelta(weeks=10)
        )
        fig = plot_course(course, flare_model=model)
        (patch,) = patches_by_gid(fig, "flare_window")
        assert x_extent(patch) == pytest.approx((num(first), num(first + 70 * DAY)))
        assert default_until(course, flare_model=model) == first + 77 * DAY
        with pytest.raises(b12.exceptions.SettingError):
            plot_course(course, flare_model="six weeks")

    def test_no_flare_window_before_it_opens(self):
        """A chart that ends before the flare window opens draws no window."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        )
        fig = plot_course(course, until=first + DAY)
        assert not patches_by_gid(fig, "flare_window")
        assert list(lines_by_gid(fig, "planned_dose:")) == ["planned_dose:scheduled"]

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
            "myoclonus", "paresthesia", "loading phase", "maintenance phase",
            FLARE_LABEL, "now", "dose given", "myoclonus baseline (4.3)",
        } <= labels  # fmt: skip
        assert FLARE_LABEL.replace("\n", " ") == (
            "window in which a transient worsening has been reported"
        )
        for text in labels:
            for phrase in ("expected flare", "will improve", "deficient"):
                assert phrase not in text
        assert (
            fig._suptitle.get_text()
            == "UK neurological involvement (BNF hydroxocobalamin)"
        )
        assert fig.axes[1].get_xlabel() == "date (Europe/London)"
        assert fig.axes[0].get_ylim() == (-0.5, 11.5)
        width, height = fig.get_size_inches()
        assert 8 <= width <= 16
        assert 4 <= height <= 10
        assert plot_course(flare_course(), title="Mine")._suptitle.get_text() == "Mine"

    def test_dates_in_the_course_zone(self):
        """The date axis shows local time in the course's zone, not UTC."""
        first = dt.datetime(
            2026, 12, 1, 7, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Kolkata")
        )
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        )
        fig = plot_course(course)
        formatter = fig.axes[1].xaxis.get_major_formatter()
        assert formatter.format_data_short(num(first)).startswith("2026-12-01 07:30")

    def test_default_until(self):
        """By default the chart runs a week past the latest of the record, now, the flare window's end and the next planned dose after now."""
        first = dt.datetime(
            2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("America/New_York")
        )
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-non-neuro"), first_dose=first
        )
        course = course.record_dose(first)  # the window needs a dose given
        window_end = course.flare_window().end
        plan = course.plan(until=first + 400 * DAY)
        assert default_until(course) == window_end + 7 * DAY
        late = window_end + 10 * DAY
        following = next(d for d in plan if d.due > late)
        assert default_until(course, now=late) == following.due + 7 * DAY
        fig = plot_course(course, now=late)
        assert fig.axes[1].get_xlim()[1] == pytest.approx(num(following.due + 7 * DAY))
        ended = b12.Course.begin(
            b12.Regimen(
                id="three",
                name="three doses",
                phases=(
                    b12.Phase(
                        name="short",
                        dose=b12.Dose(b12.Drug.HYDROXOCOBALAMIN, "1 mg", "IM"),
                        cadence=b12.Cadence.every_days(2),
                        end=b12.Count(3),
                    ),
                ),
            ),
            first_dose=first,
        ).record_dose(first)
        assert default_until(ended) == ended.flare_window().end + 7 * DAY

    def test_bad_arguments(self):
        """A naive time, a horizon before the record or a non-course raise B12CourseError subclasses."""
        course = flare_course()
        with pytest.raises(NaiveDatetimeError):
            plot_course(course, until=dt.datetime(2027, 1, 1))
        with pytest.raises(NaiveDatetimeError):
            plot_course(course, now=dt.datetime(2027, 1, 1))
        with pytest.raises(ExportError, match="earliest record"):
            plot_course(course, until=course.first_dose - 30 * DAY)
        with pytest.raises(NotACourseError, match="Course"):
            plot_course("course.json")
        with pytest.raises(NotACourseError):
            default_until("course.json")
        with pytest.raises(ExportError, match="Timeline"):
            chart_markers(course, until=course.first_dose)

    def test_without_matplotlib(self, monkeypatch):
        """Without matplotlib installed, drawing says how to install the extra."""
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        with pytest.raises(ModuleNotFoundError, match=r"b12course\[plot\]"):
            plot_course(flare_course())

    @scaled(0.2)  # matplotlib draws a figure per example
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
            for d in course.timeline(until=until, now=now).planned_doses
            if d.status is not b12.DoseStatus.GIVEN
        ]
        assert marker_count(fig) == len(given_in_range) + len(pending)
        assert fig.axes[1].get_xlim()[1] == pytest.approx(num(until))


class TestSaveChart:
    @pytest.mark.parametrize("name", ["chart.png", "CHART.PNG"])
    def test_png(self, tmp_path, name):
        """A .png path (any case) gets a PNG file of 1100 x 650 pixels."""
        path = save_chart(flare_course(), tmp_path / name)
        assert path == tmp_path / name
        data = path.read_bytes()
        assert data.startswith(PNG_MAGIC)
        # IHDR: width and height, big-endian, right after the signature.
        width, height = (int.from_bytes(data[o : o + 4], "big") for o in (16, 20))
        assert (width, height) == (1100, 650)

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
    @pytest.mark.slow
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
        assert "](chart.svg)" in summary
        assert (out / "log.csv").read_bytes().startswith(b"time,kind,")

    @pytest.mark.slow
    def test_default_directory(self, monkeypatch, tmp_path):
        """Without an argument the example writes into a new temporary directory."""
        monkeypatch.setenv("TMPDIR", str(tmp_path))
        import tempfile

        monkeypatch.setattr(tempfile, "tempdir", None)
        written = runpy.run_path(str(EXAMPLE))["main"]([])
        assert all(p.parent.parent == tmp_path for p in written)
        assert len(written) == 5


REFERENCE = Path(__file__).parent / "reference"
OKABE_ITO = {
    "#000000", "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00",
    "#cc79a7",
}  # fmt: skip


def year_course() -> b12.Course:
    """A non-neurological course left after three doses: a year of overdue doses."""
    first = dt.datetime(2026, 1, 5, 9, tzinfo=LONDON)
    course = b12.Course.begin(
        b12.regimens.get("bnf-hydroxocobalamin-non-neuro"), first_dose=first, id="year"
    )
    for k in range(3):
        course = course.record_dose(first + 2 * k * DAY)
    course = course.log_symptom(
        b12.SymptomEntry(at=first - DAY, symptom="tremor", severity=2)
    )
    return course.log_symptom(
        b12.SymptomEntry(at=first + 80 * DAY, symptom="tremor", severity=7)
    )


YEAR_NOW = dt.datetime(2026, 11, 1, 12, tzinfo=LONDON)
EXAMPLE_NOW = dt.datetime(2027, 1, 15, 9, tzinfo=LONDON)


class TestChartDerivation:
    @scaled(0.2)  # matplotlib draws a figure per example
    @given(course=b12st.courses(), days=st.integers(min_value=0, max_value=300))
    def test_markers_are_the_timelines_dose_events(self, course, days):
        """The chart's dose markers are exactly the timeline's given and skipped doses and its pending planned doses: same kinds, instants and names."""
        now = course.first_dose + days * DAY
        until = default_until(course, now=now)
        timeline = course.timeline(until=until, now=now)
        markers = chart_markers(timeline, until=until)
        names = {}
        expected = []
        for event in timeline.of_kind(b12.EventKind.PLANNED_DOSE):
            dose = event.payload
            for record in (dose.given, dose.skip):
                if record is not None:
                    names[record] = dose.name
        for event in timeline:
            if event.kind is b12.EventKind.PLANNED_DOSE and event.payload.pending:
                expected.append((event.kind, event.start, event.payload.name))
            elif event.kind in {b12.EventKind.DOSE_GIVEN, b12.EventKind.DOSE_SKIPPED}:
                expected.append((event.kind, event.start, names[event.payload]))
        assert [(m.kind, m.at, m.name) for m in markers] == expected
        fig = plot_course(course, now=now)
        by_group = {}
        for m in markers:
            by_group.setdefault(m.group, []).append(num(m.at))
        drawn = {gid: list(line.get_xdata()) for gid, line in dose_lines(fig).items()}
        overdue = by_group.pop("planned_dose:overdue", [])
        assert set(drawn.get("planned_dose:overdue", [])) <= set(overdue)
        assert len(drawn.pop("planned_dose:overdue", [])) + overdue_in_runs(fig) == len(
            overdue
        )
        assert drawn == by_group

    def test_one_timeline(self, monkeypatch):
        """Drawing a chart builds the course's timeline exactly once."""
        course = flare_course()
        calls = [0]
        real = b12.Course.timeline

        def counting(self, **kwargs):
            calls[0] += 1
            return real(self, **kwargs)

        monkeypatch.setattr(b12.Course, "timeline", counting)
        plot_course(course, now=EXAMPLE_NOW)
        plot_course(course, now=EXAMPLE_NOW, until=EXAMPLE_NOW + 30 * DAY)
        assert calls == [2]


class TestChartReadsAtAGlance:
    def test_given_dose_is_a_filled_circle(self):
        """A given dose is a filled circle (not a down triangle that reads as "decrease")."""
        fig = plot_course(flare_course(), now=EXAMPLE_NOW)
        given = lines_by_gid(fig, "dose_given")["dose_given"]
        assert given.get_marker() == "o"
        assert given.get_markerfacecolor() not in {"none", "white"}

    def test_flagged_entries_are_ringed_and_in_the_legend(self):
        """Entries the flare report flags are ringed at their own points, and the legend says what the ring means."""
        course = year_course()
        fig = plot_course(course, now=YEAR_NOW)
        ring = lines_by_gid(fig, "flagged")["flagged"]
        flagged = [
            a.entry
            for a in course.flare(now=YEAR_NOW).assessments
            if a.category.review_advised
        ]
        assert flagged
        assert list(ring.get_xdata()) == [num(e.at) for e in flagged]
        assert list(ring.get_ydata()) == [e.severity for e in flagged]
        (legend,) = fig.legends
        assert "flagged for a clinician's attention" in {
            t.get_text() for t in legend.get_texts()
        }
        calm = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"),
            first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=LONDON),
        ).log_symptom(
            b12.SymptomEntry(
                at=dt.datetime(2026, 11, 30, 9, tzinfo=LONDON),
                symptom="tremor",
                severity=3,
            )
        )
        assert not lines_by_gid(plot_course(calm), "flagged")

    def test_baseline_lines(self):
        """Each symptom with a pre-treatment baseline has a dashed line at it, in the symptom's colour."""
        course = flare_course()
        fig = plot_course(course)
        lines = lines_by_gid(fig, "baseline:")
        assert set(lines) == {"baseline:myoclonus", "baseline:paresthesia"}
        base = course.baseline(b12.Symptom.MYOCLONUS).severity
        assert set(lines["baseline:myoclonus"].get_ydata()) == {base}
        assert lines["baseline:myoclonus"].get_linestyle() == "--"
        assert (
            lines["baseline:myoclonus"].get_color()
            == lines_by_gid(fig, "symptom:myoclonus")["symptom:myoclonus"].get_color()
        )

    def test_overdue_doses_over_a_year_do_not_merge(self):
        """Overdue doses too close to tell apart become one labelled run; no two single overdue markers are that close."""
        fig = plot_course(year_course(), now=YEAR_NOW)
        left, right = fig.axes[1].get_xlim()
        singles = sorted(
            lines_by_gid(fig, "planned_dose:overdue")[
                "planned_dose:overdue"
            ].get_xdata()
        )
        assert all(b - a >= (right - left) / 90 for a, b in itertools.pairwise(singles))
        assert overdue_in_runs(fig) >= 2
        assert collections_by_gid(fig, "planned_dose:overdue-run")

    def test_colour_blind_safe_palette(self):
        """Every colour of the data layers is from the Okabe-Ito palette (or grey)."""
        from matplotlib.colors import to_hex

        fig = plot_course(year_course(), now=YEAR_NOW)
        colours = set()
        for ax in fig.axes:
            for line in ax.get_lines():
                colours.add(to_hex(line.get_color()))
            for collection in ax.collections:
                colours.update(to_hex(c) for c in collection.get_facecolor())
        assert colours <= OKABE_ITO | {"#7f7f7f", "#ffffff"}


class TestSvgText:
    def test_text_title_and_desc(self, tmp_path):
        """The SVG keeps labels as searchable text and has a title and a description for screen readers."""
        path = save_chart(flare_course(), tmp_path / "c.svg", now=EXAMPLE_NOW)
        text = path.read_text(encoding="utf-8")
        import xml.etree.ElementTree as ET

        root = ET.fromstring(text)  # noqa: S314 - the SVG this test just wrote
        ns = "{http://www.w3.org/2000/svg}"
        assert root.get("role") == "img"
        title = root.find(f"{ns}title")
        desc = root.find(f"{ns}desc")
        assert title.text == (
            "B12 course chart: UK neurological involvement (BNF hydroxocobalamin), "
            "course flare-example"
        )
        assert "Times in Europe/London." in desc.text
        assert "Not medical advice" in desc.text
        words = " ".join(t.text or "" for t in root.iter(f"{ns}text"))
        for label in ("myoclonus", "dose given", "loading", "severity", "now"):
            assert label in words
        assert "window in which a transient worsening" in words


def reference_compare(name: str, course: b12.Course, now: dt.datetime, tmp_path):
    from matplotlib.testing.compare import compare_images

    actual = save_chart(course, tmp_path / name, now=now)
    expected = REFERENCE / name
    if os.environ.get("B12COURSE_UPDATE_REFERENCE"):
        expected.write_bytes(actual.read_bytes())
    return compare_images(str(expected), str(actual), tol=3)


class TestReferenceImages:
    def test_flare_example(self, tmp_path):
        """The example course's chart matches the reviewed reference image."""
        assert (
            reference_compare(
                "flare_example.png", flare_course(), EXAMPLE_NOW, tmp_path
            )
            is None
        )

    def test_a_year_overdue(self, tmp_path):
        """A year of mostly overdue doses matches the reviewed reference image."""
        assert (
            reference_compare("year_overdue.png", year_course(), YEAR_NOW, tmp_path)
            is None
        )


class TestMaintenanceOnly:
    def test_no_window_drawn(self):
        """A course that starts with maintenance has no hatched window, and its default range follows the record and the next dose."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        course = b12.Course.begin(b12.regimens.get("nasal-weekly"), first_dose=first)
        course = course.record_dose(first)
        now = first + 3 * DAY
        fig = plot_course(course, now=now)
        assert not patches_by_gid(fig, "flare_window")
        following = next(d for d in course.plan(until=first + 60 * DAY) if d.due > now)
        assert default_until(course, now=now) == following.due + 7 * DAY


def two_baselines_course() -> b12.Course:
    """Myoclonus and tremor at the same baseline, a flagged 9/10, and two labs."""
    first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
    course = b12.Course.begin(
        b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
    )
    for symptom in (b12.Symptom.MYOCLONUS, b12.Symptom.TREMOR):
        course = course.log_symptom(
            b12.SymptomEntry(at=first - 2 * DAY, symptom=symptom, severity=4)
        )
    course = course.record_dose(first)
    course = course.log_symptom(
        b12.SymptomEntry(at=first + 3 * DAY, symptom=b12.Symptom.MYOCLONUS, severity=9)
    )
    course = course.record_lab(
        b12.LabResult(
            at=first - 9 * DAY, analyte=b12.Analyte.SERUM_B12, value=150, unit="ng/L"
        )
    )
    return course.record_lab(
        b12.LabResult(
            at=first + 30 * DAY, analyte=b12.Analyte.SERUM_B12, value=400, unit="ng/L"
        )
    )


class TestChartsReadRight:
    def test_svg_hatch_lines_differ_from_their_background(self, tmp_path):
        """In SVG the flare window's hatch lines are drawn over no fill, so they show."""
        import re

        text = save_chart(two_baselines_course(), tmp_path / "c.svg").read_text(
            encoding="utf-8"
        )
        window = re.search(
            r'<g id="flare_window">.*?fill: url\(#(\w+)\)', text, re.DOTALL
        )
        assert window is not None
        pattern = re.search(
            rf'<pattern id="{window.group(1)}".*?</pattern>', text, re.DOTALL
        ).group(0)
        assert 'fill="none"' in pattern
        assert "stroke: #e69f00" in pattern

    def test_no_offset_label_and_years_on_the_ticks(self):
        """The date axis has no offset text; the first tick and each new year carry the year."""
        fig = plot_course(
            two_baselines_course(), until=dt.datetime(2027, 3, 1, tzinfo=LONDON)
        )
        fig.canvas.draw()
        axis = fig.axes[-1].xaxis
        assert axis.get_offset_text().get_text() == ""
        labels = [t.get_text() for t in axis.get_ticklabels() if t.get_text()]
        assert "2026" in labels[0]
        assert any("2027" in label for label in labels[1:])

    def test_coincident_baselines_interleave(self):
        """Two baselines at one severity draw alternating dashes, so both show."""
        fig = plot_course(two_baselines_course())
        lines = lines_by_gid(fig, "baseline:")
        assert set(lines) == {"baseline:myoclonus", "baseline:tremor"}
        offsets = {line.get_linestyle() for line in lines.values()}
        dashes = [line._dash_pattern for line in lines.values()]
        assert len(offsets) == 1  # both dashed
        assert dashes[0][0] != dashes[1][0]  # shifted against each other
        assert dashes[0][1] == dashes[1][1]

    def test_flagged_ring_is_black_on_white(self):
        """Flagged entries get a black ring over a white one, visible on any series."""
        from matplotlib.colors import to_hex

        fig = plot_course(two_baselines_course())
        ring = lines_by_gid(fig, "flagged")
        assert to_hex(ring["flagged"].get_markeredgecolor()) == "#000000"
        assert to_hex(ring["flagged-halo"].get_markeredgecolor()) == "#ffffff"
        assert list(ring["flagged"].get_ydata()) == [9]

    def test_lab_panel_marks_each_result_by_its_band(self):
        """labs=True adds a third panel with each result marked below or above its range."""
        fig = plot_course(two_baselines_course(), labs=True)
        assert len(fig.axes) == 3
        marks = lines_by_gid(fig, "lab_result:")
        assert set(marks) == {"lab_result:below", "lab_result:above"}
        texts = sorted(t.get_text() for t in fig.axes[2].texts)
        assert texts == ["150 ng/L", "400 ng/L"]
        assert len(plot_course(flare_course()).axes) == 2  # no labs asked for

    def test_no_lab_panel_without_lab_results(self):
        """labs=True on a course without lab results keeps two panels."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        )
        assert len(plot_course(course, labs=True).axes) == 2


class TestTextIsText:
    """Issue 24: chart text never goes through matplotlib's mathtext."""

    @pytest.mark.parametrize(
        "text",
        [
            "cost $5 or $6",
            r"$\foo$",
            "$" + "{" * 50 + "x" + "}" * 50 + "$",
            r"$\sqrt{2}$ and $x^2$",
        ],
    )
    def test_title_and_symptom_names_are_drawn_as_typed(self, tmp_path, text):
        """A title or symptom name with $ is drawn letter for letter, never as math (nor raises)."""
        first = dt.datetime(2027, 1, 4, 9, tzinfo=LONDON)
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first, id="t"
        ).log_symptom(
            b12.SymptomEntry(at=first + DAY, symptom="other", name=text, severity=3)
        )
        path = save_chart(course, tmp_path / "c.svg", now=first + 2 * DAY, title=text)
        import xml.etree.ElementTree as ET

        root = ET.fromstring(path.read_text(encoding="utf-8"))  # noqa: S314 - our SVG
        texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
        assert texts.count(text) >= 2  # the title and the legend's entry
        assert chart_png(course, now=first + 2 * DAY, title=text).startswith(PNG_MAGIC)
