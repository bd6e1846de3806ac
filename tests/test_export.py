import base64
import csv
import datetime as dt
import io
import re
import zoneinfo
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import b12course as b12
from b12course import strategies as b12st
from b12course._notice import NOT_MEDICAL_ADVICE as NOTICE
from b12course._reading import record_horizon
from b12course.exceptions import ExportError, NaiveDatetimeError, NotACourseError
from b12course.export import (
    CSV_COLUMNS,
    CSV_KINDS,
    NOT_MEDICAL_ADVICE,
    SUMMARY_SECTIONS,
    summary_html,
    summary_markdown,
    to_csv,
)

GOLDEN = Path(__file__).parent / "golden"
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
LONDON = zoneinfo.ZoneInfo("Europe/London")
DAY = dt.timedelta(days=1)
PNG = b"\x89PNG\r\n\x1a\n" + b"not really an image, but it starts like one"


def golden_course() -> b12.Course:
    """A New York course crossing the November DST change, with every kind of event."""
    first = dt.datetime(2026, 10, 30, 9, tzinfo=NEW_YORK)
    course = b12.Course.begin(
        b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first, id="golden"
    )
    course = course.record_lab(
        b12.LabResult(at=first - 5 * DAY, analyte="serum B12", value=142.5, unit="ng/L")
    )
    course = course.log_symptom(
        b12.SymptomEntry(
            at=first - DAY,
            symptom=b12.Symptom.MYOCLONUS,
            severity=4,
            body_sites=("hands", "tongue"),
            triggers=(b12.Trigger.CAFFEINE,),
            during_sleep=True,
            multifocal=False,
            note='jerks at night, "worse" after coffee',
        )
    )
    course = course.record_dose(
        first, site="left deltoid", lot="AB-12", note="first dose"
    )
    # 1 Nov 2026 is the day New York leaves daylight saving time (EDT -> EST).
    course = course.record_dose(
        dt.datetime(2026, 11, 1, 9, 30, tzinfo=NEW_YORK),
        site="right deltoid",
        note='=HYPERLINK("http://evil.example","click")',
    )
    course = course.log_symptom(
        b12.SymptomEntry(
            at=dt.datetime(2026, 11, 1, 9, 30, tzinfo=NEW_YORK),
            symptom=b12.Symptom.OTHER,
            name="cramps, calves",
            severity=3,
            note="+1 since yesterday\nsecond line",
        )
    )
    course = course.skip_dose(number=3, reason="-clinic closed")
    return course.end_phase(
        dt.datetime(2026, 11, 6, 12, tzinfo=NEW_YORK), reason="@review: plateau"
    )


def read_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


class TestToCsv:
    def test_golden(self):
        """The CSV of a course with every kind of event matches the reviewed golden file byte for byte."""
        assert (
            to_csv(golden_course()).encode() == (GOLDEN / "course_log.csv").read_bytes()
        )

    def test_header(self):
        """The first row is the documented header; an empty log has only the first phase's row."""
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"),
            first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=LONDON),
        )
        assert to_csv(course) == (
            ",".join(CSV_COLUMNS)
            + "\r\n2026-12-01T09:00:00+00:00,phase_change,loading,,,,,,,,\r\n"
        )
        assert CSV_COLUMNS == (
            "time", "kind", "item", "value", "unit", "route", "site", "lot", "by",
            "detail", "note",
        )  # fmt: skip

    def test_offsets_follow_dst(self):
        """Times keep their UTC offset in the course zone: EDT before 1 Nov 2026, EST after."""
        rows = read_rows(to_csv(golden_course()))[1:]
        given = [r[0] for r in rows if r[1] == "dose_given"]
        assert given == ["2026-10-30T09:00:00-04:00", "2026-11-01T09:30:00-05:00"]

    @pytest.mark.parametrize(
        "note",
        ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", "=cmd|' /C calc'!A0"],
    )
    def test_formula_injection_is_neutralised(self, note):
        """A note that a spreadsheet would run as a formula gets a leading single quote."""
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"),
            first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=LONDON),
        ).record_dose(dt.datetime(2026, 12, 1, 9, tzinfo=LONDON), note=note)
        (row,) = [r for r in read_rows(to_csv(course)) if r[1] == "dose_given"]
        assert row[CSV_COLUMNS.index("note")] == "'" + note

    @given(note=st.text(st.characters(exclude_categories=("Cs",)), max_size=20))
    def test_text_round_trips(self, note):
        """Any note reads back unchanged, or with one leading quote when it starts like a formula."""
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"),
            first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=LONDON),
        ).record_dose(dt.datetime(2026, 12, 1, 9, tzinfo=LONDON), note=note)
        (row,) = [r for r in read_rows(to_csv(course)) if r[1] == "dose_given"]
        cell = row[CSV_COLUMNS.index("note")]
        if note[:1] in {"=", "+", "-", "@", "\t", "\r"}:
            assert cell == "'" + note
        else:
            assert cell == note

    @pytest.mark.slow
    @given(course=b12st.courses())
    def test_rows_are_the_timelines_events(self, course):
        """The rows are exactly the timeline's record events: same kinds, same instants in the course zone, same dose names."""
        rows = read_rows(to_csv(course))
        assert rows[0] == list(CSV_COLUMNS)
        body = rows[1:]
        assert all(len(r) == len(CSV_COLUMNS) for r in body)
        timeline = course.timeline(until=record_horizon(course))
        names = {}
        for event in timeline.of_kind(b12.EventKind.PLANNED_DOSE):
            for record in (event.payload.given, event.payload.skip):
                if record is not None:
                    names[record] = event.payload.name
        expected = []
        for event in timeline.of_kind(*CSV_KINDS):
            if event.kind is b12.EventKind.PHASE_CHANGE:
                item = event.payload.phase.name
            elif event.kind is b12.EventKind.SYMPTOM:
                item = event.payload.label
            elif event.kind is b12.EventKind.LAB_RESULT:
                item = event.payload.analyte.value
            else:
                item = names[event.payload]
            expected.append((event.start.isoformat(), event.kind.value, item))
        assert [(r[0], r[1], r[2].removeprefix("'")) for r in body] == expected
        kinds = [r[1] for r in body]
        assert kinds.count("dose_given") == len(course.given)
        assert kinds.count("dose_skipped") == len(course.skips)
        assert kinds.count("symptom") == len(course.symptoms)
        assert kinds.count("lab_result") == len(course.labs)
        ended = [r for r in body if r[1] == "phase_change" and r[-2]]
        assert len(ended) == len(course.decisions)
        times = [dt.datetime.fromisoformat(r[0]) for r in body]
        for t in times:
            assert t.utcoffset() == t.astimezone(course.zone).utcoffset()
        assert times == sorted(times)

    @pytest.mark.slow
    @given(course=b12st.courses())
    def test_deterministic(self, course):
        """The same course always gives the same text."""
        assert to_csv(course) == to_csv(course)

    def test_not_a_course(self):
        """Anything but a Course raises NotACourseError."""
        with pytest.raises(NotACourseError, match="Course"):
            to_csv("course.json")

    def test_one_timeline(self, monkeypatch):
        """The CSV builds the course's timeline exactly once."""
        calls = count_timelines(monkeypatch)
        to_csv(golden_course())
        assert calls == [1]


def count_timelines(monkeypatch) -> list[int]:
    """Count calls of Course.timeline (the one derivation) from now on."""
    calls = [0]
    real = b12.Course.timeline

    def counting(self, **kwargs):
        calls[0] += 1
        return real(self, **kwargs)

    monkeypatch.setattr(b12.Course, "timeline", counting)
    return calls


def flare_course() -> b12.Course:
    """The example's course: myoclonus baseline 4, 4, 5; flare to 8 on day 5; 2 by day 28."""
    import runpy

    path = Path(__file__).parent.parent / "examples" / "chart_and_summary.py"
    return runpy.run_path(str(path))["flare_course"]()


def headings(text: str) -> list[str]:
    return [line[3:] for line in text.splitlines() if line.startswith("## ")]


class TestSummaryMarkdown:
    NOW = dt.datetime(2027, 1, 15, 9, tzinfo=LONDON)

    def test_every_section(self):
        """The summary has every section, in order, and ends with the not-medical-advice line."""
        text = summary_markdown(flare_course(), now=self.NOW, chart_png=PNG)
        assert headings(text) == list(SUMMARY_SECTIONS)
        assert text.startswith("# B12 course summary\n")
        assert text.rstrip().endswith(f"_{NOT_MEDICAL_ADVICE}_")

    def test_chart_section_only_with_a_chart(self):
        """Without chart bytes there is no Chart section."""
        text = summary_markdown(flare_course(), now=self.NOW)
        assert headings(text) == list(SUMMARY_SECTIONS[:-1])

    def test_chart_is_embedded_as_base64_png(self):
        """The chart appears as a data URI holding exactly the bytes given."""
        text = summary_markdown(flare_course(), now=self.NOW, chart_png=PNG)
        uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
        assert f"({uri})" in text
        assert "![Chart of the course: symptom severity (0-10) over time" in text

    def test_regimen_and_source(self):
        """The regimen's name, id and source are shown."""
        course = flare_course()
        text = summary_markdown(course, now=self.NOW)
        assert "UK neurological involvement" in text
        assert "bnf-hydroxocobalamin-neuro" in text
        assert "Source: BNF hydroxocobalamin" in text

    def test_flare_report(self):
        """The flare section gives the status, the peak against baseline and the resolution."""
        text = summary_markdown(flare_course(), now=self.NOW)
        assert "Status as of 2027-01-15 09:00 GMT: resolved" in text
        # Baseline mean of 4, 4, 5 is 4.33; the peak of 8 is 3.67 above it.
        assert (
            "Peak: myoclonus 8/10 on 2026-12-06 20:00 GMT (baseline 4.3, change +3.7)"
            in text
        )
        assert (
            "Window in which a transient worsening has been reported: "
            "2026-12-03 09:00 GMT to 2027-01-12 09:00 GMT"
        ) in text

    def test_custom_flare_model(self):
        """The Flare section follows the caller's flare model: here a 2-week window that has closed."""
        model = b12.FlareModel(abates_within=dt.timedelta(weeks=2))
        text = summary_markdown(flare_course(), now=self.NOW, flare_model=model)
        assert "(from 2 days to 14 days after the first dose given" in text
        assert "has been reported: 2026-12-03 09:00 GMT to 2026-12-15 09:00 GMT" in text
        page = summary_html(flare_course(), now=self.NOW, flare_model=model)
        assert "to 2026-12-15 09:00 GMT" in page

    def test_symptom_change_from_baseline(self):
        """Each symptom's row gives its baseline, latest entry and change from baseline."""
        text = summary_markdown(flare_course(), now=self.NOW)
        assert "| myoclonus | 4.3 | 2 (2026-12-29) | -2.3 | improving" in text
        assert "| paresthesia | 6 | 3 (2027-01-12) | -3 |" in text

    def test_lab_trend(self):
        """Each analyte's row gives first, latest and change with a direction."""
        text = summary_markdown(flare_course(), now=self.NOW)
        assert (
            "| serum B12 | 150 ng/L (2026-11-21) | 900 ng/L (2026-12-31) | +750 ng/L (rising) | 2 |"
            in text
        )

    def test_lab_units_are_converted(self):
        """A later result in another unit is converted to the first result's unit before comparing."""
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"),
            first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=LONDON),
        )
        course = course.record_lab(
            b12.LabResult(
                at=course.first_dose - DAY, analyte="serum B12", value=300, unit="ng/L"
            )
        ).record_lab(
            b12.LabResult(
                at=course.first_dose + 9 * DAY,
                analyte="serum B12",
                value=100,
                unit="pmol/L",
            )
        )
        text = summary_markdown(course, now=course.first_dose + 10 * DAY)
        # 100 pmol/L is about 135.5 ng/L (1 pmol/L = 1.3554 ng/L): lower than 300.
        assert (
            "| serum B12 | 300 ng/L (2026-11-30) | 100 pmol/L (2026-12-10) | -164.5 ng/L (falling) | 2 |"
            in text
        )

    def test_lab_one_result_and_unchanged(self):
        """One result has no change; two equal ones are unchanged."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        )
        course = course.record_lab(
            b12.LabResult(at=first, analyte="MCV", value=101, unit="fL")
        )
        for d in (1, 2):
            course = course.record_lab(
                b12.LabResult(
                    at=first + d * DAY, analyte="haemoglobin", value=120, unit="g/L"
                )
            )
        text = summary_markdown(course, now=first + 3 * DAY)
        assert (
            "| MCV | 101 fL (2026-12-01) | 101 fL (2026-12-01) | one result | 1 |"
            in text
        )
        assert "+0 g/L" not in text
        assert "0 g/L (unchanged)" in text

    def test_empty_record(self):
        """A course with nothing recorded says so in each section rather than leaving it empty."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        )
        text = summary_markdown(course, now=first - DAY)
        assert "No planned dose was due yet." in text
        assert "No planned dose is overdue." in text
        # No dose given: no window yet (issue 22).
        assert "Status as of 2026-11-30 09:00 GMT: not open: no dose given yet" in text
        assert (
            "Window in which a transient worsening has been reported: not open, as "
            "no dose has been given yet" in text
        )
        assert "No symptom was logged." in text
        assert "No lab result was recorded." in text
        assert (
            "Next planned dose: 2026-12-01 09:00 GMT, loading dose 1, hydroxocobalamin 1 mg IM"
            in text
        )

    def test_adherence_and_overdue(self):
        """On time means on the due day before it turns overdue; late, missed and overdue doses are counted apart."""
        first = dt.datetime(2026, 3, 1, 9, tzinfo=LONDON)
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        )
        course = course.record_dose(first + dt.timedelta(minutes=30))  # on time
        course = course.record_dose(
            first + 3 * DAY + dt.timedelta(hours=1)
        )  # a day late
        now = first + 9 * DAY
        plan = course.plan(until=now + 400 * DAY, now=now)
        overdue = [d for d in plan if d.status is b12.DoseStatus.OVERDUE]
        past = [d for d in plan if d.due < now]
        assert len(overdue) == len(past) - 2 > 0
        text = summary_markdown(course, now=now)
        assert (
            f"1 of {len(past)} planned doses were given on time ({100 / len(past):.0f} %); "
            f"1 given outside their due window (1 late, 0 early); "
            f"{len(past) - 2} not recorded as given."
        ) in text
        for dose in overdue:
            assert (
                f"| {dose.number} | {dose.name} | {dose.due:%Y-%m-%d %H:%M %Z} | "
                "hydroxocobalamin 1 mg IM |"
            ) in text
        assert f"overdue {len(overdue)}, due now 0" in text

    def test_due_now_and_grace(self):
        """A dose inside its due window is due now; with a grace period the window closes at due + grace."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Kolkata"))
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        )
        text = summary_markdown(course, now=first + dt.timedelta(hours=2))
        assert "(given 0, skipped 0, overdue 0, due now 1)" in text
        text = summary_markdown(
            course.record_dose(first + dt.timedelta(hours=3)),
            now=first + DAY,
            grace=dt.timedelta(hours=2),
        )
        assert "0 of 1 planned doses were given on time (0 %); 1 given outside" in text

    def test_skipped_doses_are_left_out_of_adherence(self):
        """A skipped dose is counted as skipped, not as a missed dose."""
        first = dt.datetime(
            2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("Australia/Sydney")
        )
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        )
        course = course.record_dose(first).skip_dose(number=2, reason="unwell")
        text = summary_markdown(course, now=first + 3 * DAY)
        assert "(given 1, skipped 1, overdue 0, due now 0)" in text
        assert "1 of 1 planned doses were given on time (100 %)" in text

    def test_flagged_and_prolonged(self):
        """A movement still worse after the window is described as prolonged and flagged."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        )
        course = course.record_dose(first)
        for d, s in ((-1, 2), (4, 6), (50, 7)):
            course = course.log_symptom(
                b12.SymptomEntry(at=first + d * DAY, symptom="tremor", severity=s)
            )
        text = summary_markdown(course, now=first + 60 * DAY)
        assert "still worse after the window: the window has closed" in text
        assert (
            "- Flagged: tremor 7/10 logged 2027-01-20 09:00 GMT (baseline 2, "
            "change +5): worse than baseline, not within the window in which a "
            "transient worsening has been reported (for a clinician's attention)"
        ) in text

    def test_review_points(self):
        """Review points within the horizon are listed with their source; none is said when there are none."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        )
        text = summary_markdown(course, now=first)
        assert "- 2026-12-15 09:00 GMT: loading-phase review" in text
        assert (
            "- 2027-03-01 09:00 GMT: treatment review: 3 months after treatment "
            "began (NICE NG239) (NICE NG239" in text
        )
        text = summary_markdown(course, now=first, until=first + DAY)
        assert "No review point within the horizon." in text

    def test_no_baseline(self):
        """A symptom first logged after treatment started has no baseline to compare with."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        )
        course = course.log_symptom(
            b12.SymptomEntry(at=first + DAY, symptom="fatigue", severity=5)
        )
        text = summary_markdown(course, now=first + 2 * DAY)
        assert (
            "| fatigue | none logged | 5 (2026-12-02) | no baseline | unknown |" in text
        )

    def test_trend_before_treatment_starts(self):
        """Before the first dose there is no trend since treatment started, so it is unknown."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        )
        for d, s in ((-3, 4), (-2, 5)):
            course = course.log_symptom(
                b12.SymptomEntry(at=first + d * DAY, symptom="tremor", severity=s)
            )
        text = summary_markdown(course, now=first - DAY)
        assert "| tremor | 4.5 | 5 (2026-11-29) | +0.5 | unknown |" in text

    def test_user_text_cannot_add_markup(self):
        """Markdown and HTML in user text are escaped in both renderings."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        )
        course = course.log_symptom(
            b12.SymptomEntry(
                at=first,
                symptom="other",
                name="<script>x</script> | **bold**",
                severity=3,
            )
        )
        md = summary_markdown(course, now=first + DAY)
        assert r"\<script\>x\</script\> \| \*\*bold\*\*" in md
        page = summary_html(course, now=first + DAY)
        assert "<script>" not in page
        assert "&lt;script&gt;x&lt;/script&gt; | **bold**" in page

    def test_bad_arguments(self):
        """A naive now, a horizon not after now, non-PNG chart bytes or a non-course raise, naming the problem."""
        course = flare_course()
        with pytest.raises(NaiveDatetimeError):
            summary_markdown(course, now=dt.datetime(2027, 1, 1))
        with pytest.raises(ExportError, match="must be after now"):
            summary_markdown(course, now=self.NOW, until=self.NOW)
        with pytest.raises(ExportError, match="PNG"):
            summary_markdown(course, now=self.NOW, chart_png=b"GIF89a")
        with pytest.raises(ExportError, match="PNG"):
            summary_html(course, now=self.NOW, chart_png="not bytes")  # type: ignore[arg-type]
        with pytest.raises(NotACourseError, match="Course"):
            summary_markdown(None, now=self.NOW)  # type: ignore[arg-type]
        with pytest.raises(ExportError, match="not both"):
            summary_markdown(course, now=self.NOW, chart_png=PNG, chart_path="c.svg")
        with pytest.raises(ExportError, match="file path"):
            summary_markdown(course, now=self.NOW, chart_path=" ")

    @pytest.mark.slow
    @given(course=b12st.courses(), days=st.integers(min_value=-10, max_value=400))
    def test_any_course(self, course, days):
        """Every course summarises with every section, and its counts add up."""
        now = course.first_dose + days * DAY
        text = summary_markdown(course, now=now)
        assert headings(text) == list(SUMMARY_SECTIONS[:-1])
        assert NOT_MEDICAL_ADVICE in text
        counts = re.search(
            r"Planned doses due before now: (\d+) \(given (\d+), skipped (\d+), "
            r"overdue (\d+), due now (\d+)\)",
            text,
        )
        assert counts is not None
        n, given, skipped, overdue, due = map(int, counts.groups())
        # Doses before now are given, skipped, overdue or (within their day) due.
        assert given + skipped + overdue <= n <= given + skipped + overdue + due
        adherence = re.search(
            r"(\d+) of (\d+) planned doses were given on time \((\d+) %\); "
            r"(\d+) given outside their due window \(\d+ late, \d+ early\); "
            r"(\d+) not recorded as given",
            text,
        )
        if n - skipped == 0:
            assert adherence is None
            assert "No planned dose was due yet." in text
        else:
            assert adherence is not None
            on_time, counted, percent, late, missing = map(int, adherence.groups())
            assert counted == n - skipped
            assert on_time + late == given
            assert on_time + late + missing == counted
            assert percent == round(100 * on_time / counted)


class TestSummaryFlags:
    def test_a_late_first_worsening_is_flagged_in_the_summary_with_its_reason(self):
        """Myoclonus first worse on day 30, inside the window: the summary flags it and says why."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        ).record_dose(first)
        for day, severity in ((-1, 3), (4, 3), (30, 7)):
            course = course.log_symptom(
                b12.SymptomEntry(
                    at=first + day * DAY, symptom="myoclonus", severity=severity
                )
            )
        text = summary_markdown(course, now=first + 31 * DAY)
        (flag,) = [line for line in text.splitlines() if "Flagged:" in line]
        assert "myoclonus 7/10" in flag
        assert "later than the onset reported" in flag


class TestSummaryHtml:
    NOW = dt.datetime(2027, 1, 15, 9, tzinfo=LONDON)

    def test_every_section(self):
        """The page has every section as an h2, the disclaimer, and the chart as an img data URI."""
        page = summary_html(flare_course(), now=self.NOW, chart_png=PNG)
        assert page.startswith("<!DOCTYPE html>")
        found = [line[4:-5] for line in page.splitlines() if line.startswith("<h2>")]
        assert found == list(SUMMARY_SECTIONS)
        assert f'<p class="disclaimer">{NOT_MEDICAL_ADVICE}</p>' in page
        assert NOT_MEDICAL_ADVICE == NOTICE
        uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
        assert f'src="{uri}">' in page
        assert '<img alt="Chart of the course: symptom severity' in page
        assert "<td>myoclonus</td><td>4.3</td>" in page
        assert "<li>Status as of 2027-01-15 09:00 GMT: resolved" in page


def table_rows(text: str, header_start: str) -> list[list[str]]:
    """Return the cells of the Markdown table whose header starts with header_start."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split(" | ")])
    return rows


def regimen_named(name: str, phase: str, notes: str) -> b12.Regimen:
    return b12.Regimen(
        id="custom",
        name=name,
        phases=(
            b12.Phase(
                name=phase,
                dose=b12.Dose(b12.Drug.HYDROXOCOBALAMIN, "1 mg", "IM"),
                cadence=b12.Cadence.every_months(2),
                end=b12.Count(3),
            ),
        ),
        source="# not a heading",
        notes=notes,
    )


class TestSummaryDerivation:
    @pytest.mark.slow
    @given(course=b12st.courses(), days=st.integers(min_value=-5, max_value=200))
    def test_dose_table_is_the_timelines_planned_doses(self, course, days):
        """The dose table lists exactly the timeline's planned doses due before now: same numbers, names, instants and statuses."""
        now = course.first_dose + days * DAY
        text = summary_markdown(course, now=now)
        timeline = course.timeline(until=now + 366 * DAY, now=now)
        expected = [
            [
                str(d.number),
                d.name,
                d.due.astimezone(course.zone).strftime("%Y-%m-%d %H:%M %Z"),
                d.status.value,
            ]
            for d in (
                e.payload
                for e in timeline.of_kind(b12.EventKind.PLANNED_DOSE)
                if e.start < now
            )
        ]
        if not expected:
            assert "| No. | Dose | Due | Status |" not in text
            return
        rows = table_rows(text, "| No. | Dose | Due | Status |")
        assert [r[:4] for r in rows] == [
            [c.replace("\\", "") for c in row] for row in expected
        ]

    def test_one_timeline(self, monkeypatch):
        """A summary builds the course's timeline exactly once."""
        course = flare_course()
        calls = count_timelines(monkeypatch)
        summary_markdown(course, now=TestSummaryMarkdown.NOW)
        assert calls == [1]

    def test_given_doses_show_when_and_where(self):
        """A given dose's row shows when it was given, the site and the note; a skipped one its reason."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        )
        course = course.record_dose(first, site="left deltoid", note="fine")
        course = course.skip_dose(number=2, reason="unwell")
        rows = table_rows(
            summary_markdown(course, now=first + 3 * DAY), "| No. | Dose |"
        )
        assert rows[0] == [
            "1", "loading dose 1", "2026-12-01 09:00 GMT", "given",
            "2026-12-01 09:00 GMT", "left deltoid", "", "fine",
        ]  # fmt: skip
        assert rows[1][1:4] == ["loading dose 2", "2026-12-03 09:00 GMT", "skipped"]
        assert rows[1][-1] == "unwell"


class TestSummaryText:
    NOW = dt.datetime(2027, 1, 15, 9, tzinfo=LONDON)

    def test_leading_list_and_heading_markers_are_escaped(self):
        """A regimen named "1. ...", a phase named "+ ..." and text starting "#" or "-" render as text, not as list or heading markup."""
        regimen = regimen_named("1. Loading first", "+ plus phase", "- dash note")
        course = b12.Course.begin(
            regimen, first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        )
        course = course.log_symptom(
            b12.SymptomEntry(
                at=course.first_dose,
                symptom="other",
                name="* starred",
                severity=2,
            )
        )
        text = summary_markdown(course, now=course.first_dose + DAY)
        assert "\n1\\. Loading first (preset id custom)\n" in text
        assert "\n- \\+ plus phase: hydroxocobalamin 1 mg IM every 2 months" in text
        assert "Source: \\# not a heading" in text
        assert "Notes: - dash note" in text
        assert "| \\* starred |" in text
        for line in text.splitlines():
            assert not re.match(r"(\d+[.)]|[+*])\s", line)
            assert not line.startswith("- -"), line
            assert not line.startswith("#") or line.startswith(("# B12", "## ")), line

    def test_regimen_notes_read_as_text(self):
        """A cadence written as Python in a regimen's notes reads as words."""
        regimen = regimen_named(
            "Mine",
            "loading",
            "A prescriber may choose every_months(2) or Cadence.every_weeks(1).",
        )
        course = b12.Course.begin(
            regimen, first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        )
        text = summary_markdown(course, now=course.first_dose)
        assert "Notes: A prescriber may choose every 2 months or weekly." in text
        assert "every_months" not in text
        assert "every\\_" not in text

    def test_words_never_promise_or_diagnose(self):
        """No summary of the example says "expected flare", "will improve" or "deficient"."""
        for render in (summary_markdown, summary_html):
            text = render(flare_course(), now=self.NOW).lower()
            for phrase in ("expected flare", "will improve", "deficient"):
                assert phrase not in text
            assert "window in which a transient worsening has been reported" in text

    @pytest.mark.slow
    @given(course=b12st.courses(), days=st.integers(min_value=0, max_value=200))
    def test_trend_word_agrees_with_its_number(self, course, days):
        """Each trend's word and the fitted change beside it come from one value: improving at -2 or less, worsening at +2 or more, stable between."""
        text = summary_markdown(course, now=course.first_dose + days * DAY)
        for word, number in re.findall(
            r"\| (improving|stable|worsening) \(fitted change ([-+]?[\d.]+) over", text
        ):
            value = float(number)
            if word == "improving":
                assert value <= -1.95
            elif word == "worsening":
                assert value >= 1.95
            else:
                assert -2.05 < value < 2.05

    def test_notice_in_every_summary(self):
        """Both summaries carry the one not-medical-advice line."""
        for render in (summary_markdown, summary_html):
            assert NOTICE in render(flare_course(), now=self.NOW)

    def test_who_gave(self):
        """Who gave a dose reads as its word, and as nothing when it was not recorded."""
        from b12course._reading import given_by

        course = flare_course()
        at = course.first_dose
        dose = course.regimen.phases[0].dose
        assert given_by(b12.AdministeredDose(at=at, dose=dose, by="carer")) == "carer"
        assert given_by(b12.AdministeredDose(at=at, dose=dose)) == ""


class TestChartPath:
    NOW = dt.datetime(2027, 1, 15, 9, tzinfo=LONDON)

    def test_html_links_a_chart_path(self):
        """summary_html with chart_path links the file instead of embedding it."""
        page = summary_html(flare_course(), now=self.NOW, chart_path="charts/c 1.svg")
        assert 'src="charts/c 1.svg">' in page
        text = summary_markdown(
            flare_course(), now=self.NOW, chart_path="charts/c 1.svg"
        )
        assert "](charts/c%201.svg)" in text

    def test_markdown_beside_its_svg(self, tmp_path):
        """A Markdown summary written beside the chart's SVG links it by name, with no data URI."""
        from b12course.plot import save_chart

        course = flare_course()
        save_chart(course, tmp_path / "course.svg", now=self.NOW)
        text = summary_markdown(course, now=self.NOW, chart_path="course.svg")
        (tmp_path / "course.md").write_text(text, encoding="utf-8")
        (link,) = re.findall(r"!\[[^\]]*\]\(([^)]*)\)", text)
        assert (tmp_path / link).read_text(encoding="utf-8").startswith("<?xml")
        assert "data:image" not in text
        assert len(text.encode()) < 20_000


class TestMaintenanceOnly:
    def test_no_window(self):
        """A course that starts with maintenance has no window: the summary says so and still names a flagged entry."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        course = b12.Course.begin(b12.regimens.get("nasal-weekly"), first_dose=first)
        course = course.record_dose(first)
        for d, s in ((-1, 2), (10, 7)):
            course = course.log_symptom(
                b12.SymptomEntry(at=first + d * DAY, symptom="tremor", severity=s)
            )
        text = summary_markdown(course, now=first + 20 * DAY)
        assert (
            "- Window in which a transient worsening has been reported: none, as "
            "the course does not start replacement"
        ) in text
        assert "Peak:" not in text
        assert "- Flagged: tremor 7/10 logged 2026-12-11 09:00 GMT" in text


class TestPrintableSummary:
    NOW = dt.datetime(2027, 1, 15, 9, tzinfo=LONDON)

    def test_header_names_patient_course_and_date_range(self):
        """The header line names the patient, the course, its regimen, the record's dates and now."""
        course = flare_course()
        text = summary_markdown(course, now=self.NOW, patient="NHS 943 476 5919")
        header = text.splitlines()[2]
        assert header.startswith("Patient NHS 943 476 5919; Course ")
        assert course.regimen.name in header
        first = min(
            [
                course.first_dose,
                *(e.at for e in course.symptoms),
                *(r.at for r in course.labs),
            ]
        )
        assert (
            f"record from {first.astimezone(LONDON):%Y-%m-%d} to 2027-01-15" in header
        )

    def test_sections_in_a_clinicians_reading_order(self):
        """Attention first (flare, overdue), the record next, the regimen last."""
        text = summary_markdown(flare_course(), now=self.NOW)
        assert headings(text)[:2] == ["Flare", "Overdue doses"]
        assert headings(text)[-1] == "Regimen"

    def test_html_prints_on_a4_and_letter_without_splitting_rows(self):
        """The page's print style sets margins that fit A4 and Letter and keeps rows whole."""
        page = summary_html(flare_course(), now=self.NOW, patient="P1")
        assert "@page{margin:15mm}" in page
        assert "tr,img,li{break-inside:avoid" in page
        assert "<header><h1>B12 course summary</h1>" in page
        assert "Patient P1; Course" in page

    def test_patient_text_is_escaped(self):
        """A patient reference is text: HTML in it is escaped."""
        page = summary_html(flare_course(), now=self.NOW, patient="<b>x</b>")
        assert "&lt;b&gt;x&lt;/b&gt;" in page
        assert "<b>x</b>" not in page


class TestSummaryClinicalRecord:
    NEW_YORK = zoneinfo.ZoneInfo("America/New_York")

    def test_summary_shows_who_ended_the_phase_and_who_confirmed_the_response(self):
        """Phase decisions and confirmations are listed with when, who and why."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=self.NEW_YORK)
        course = b12.Course.begin(
            b12.regimens.get("us-label-pernicious-anaemia"), first_dose=first
        )
        course = course.record_dose(first).confirm_phase(
            first + 6 * DAY, "reticulocytes rose", by="clinician"
        )
        text = summary_markdown(course, now=first + 10 * DAY)
        assert "Phase decisions:" in text
        assert (
            "condition of the alternate days phase confirmed 2026-12-07 09:00 EST, "
            "by clinician: reticulocytes rose"
        ) in text
        neuro = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"),
            first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=LONDON),
        )
        start = neuro.first_dose
        neuro = neuro.record_dose(start).end_phase(
            start + 10 * DAY, "no further improvement", by="self"
        )
        text = summary_markdown(neuro, now=start + 20 * DAY)
        assert (
            "loading phase ended 2026-12-11 09:00 GMT, by self: no further improvement"
        ) in text

    def test_summary_of_an_unconfirmed_us_label_course_shows_the_condition_review(
        self,
    ):
        """The condition review is among the review points, with what is checked."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=self.NEW_YORK)
        course = b12.Course.begin(
            b12.regimens.get("us-label-pernicious-anaemia"), first_dose=first
        )
        text = summary_markdown(course, now=first)
        assert (
            "- 2026-12-07 09:00 EST: condition review: a clinician checks the response"
        ) in text

    def test_each_lab_shows_its_band_and_a_pregnant_total_b12_is_called_unreliable(
        self,
    ):
        """The lab table names the latest result's band; in pregnancy total B12 is unreliable."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-non-neuro"), first_dose=first
        ).with_pregnancy()
        for analyte, value, unit in (
            ("serum B12", 150, "ng/L"),
            ("serum folate", 3.0, "ng/mL"),
            ("MCV", 101, "fL"),
        ):
            course = course.record_lab(
                b12.LabResult(at=first - DAY, analyte=analyte, value=value, unit=unit)
            )
        text = summary_markdown(course, now=first)
        assert "Band (latest)" in text
        assert (
            "below the NG239 threshold (in pregnancy a total B12 result is unreliable"
            in text
        )
        assert "| low |" in text
        assert "no default band (use the laboratory's range)" in text
        assert "NICE NG239 treatment review is after 1 month, not 3" in text
        assert "treatment review: 1 month after treatment began" in text

    def test_a_long_run_of_flagged_entries_shows_the_five_most_recent_and_a_count(
        self,
    ):
        """Twelve flagged entries: the 5 most recent are listed, then 'and 7 more'."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first
        ).record_dose(first)
        course = course.log_symptom(
            b12.SymptomEntry(at=first - DAY, symptom="tremor", severity=1)
        )
        for day in range(50, 62):
            course = course.log_symptom(
                b12.SymptomEntry(at=first + day * DAY, symptom="tremor", severity=8)
            )
        text = summary_markdown(course, now=first + 70 * DAY)
        flagged = [line for line in text.splitlines() if line.startswith("- Flagged:")]
        assert len(flagged) == 5
        assert "2027-01-31" in flagged[-1]  # the most recent (day 61)
        assert "- and 7 more flagged entries" in text
