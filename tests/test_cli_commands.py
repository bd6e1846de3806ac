"""The command line's input rules, errors, previews, --json and the change commands."""

import datetime as dt
import json
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import b12course as b12
from b12course import Course, regimens, strategies
from b12course import json as b12json
from b12course._notice import NOT_MEDICAL_ADVICE
from b12course.cli import _changes as _cli_changes
from b12course.cli import _course as _cli_course
from b12course.cli import _reading as _cli_reading
from b12course.cli import main
from b12course.export import to_csv
from b12course.ical import read_ical
from support.cli import run
from support.profiles import scaled

LONDON = zoneinfo.ZoneInfo("Europe/London")
FIRST = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
PRESET = (
    "bnf-hydroxocobalamin-neuro",
    "--start",
    "2026-12-01T09:00",
    "--tz",
    "Europe/London",
)


def refused(capsys, *argv):
    """Run a command that must fail: one line on stderr, status 2, no traceback."""
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    assert "internal error" not in err
    return err


@pytest.fixture
def course_file(tmp_path, capsys):
    path = tmp_path / "course.json"
    assert run(capsys, "new", *PRESET, "--id", "c1", "-o", path)[0] == 0
    return path


class TestIssue12Inputs:
    @pytest.mark.parametrize(
        ("extra", "words"),
        [
            (("--alarm", "99999999999999999999m"), "between 0 and 28 days"),
            (("--alarm", "PT99999999999999999999M"), "between 0 and 28 days"),
            (("-o", ".", "--force"), "is a folder"),
            (("-o", "", "--force"), "needs a file name"),
            (("--until", "9999-12-31"), "outside the years"),
            (("--until", "2127-06-01"), "more than 100 years"),
        ],
    )
    def test_ics_refuses_with_one_line(self, capsys, tmp_path, extra, words):
        """Each input that printed a traceback now prints one line and exits 2."""
        argv = ["ics", *PRESET, "-o", tmp_path / "b12.ics", *extra]
        if "-o" in extra:
            argv = ["ics", *PRESET, *extra]
        assert words in refused(capsys, *argv)

    def test_start_far_in_the_future_is_refused(self, capsys):
        """A start in the year 9999 is refused as out of range."""
        err = refused(
            capsys,
            "plan",
            "bnf-hydroxocobalamin-neuro",
            "--start",
            "9999-12-31T09:00",
            "--tz",
            "UTC",
        )
        assert "1900 to 2199" in err

    def test_a_date_alone_starts_at_nine(self, capsys):
        """--start with a date alone means 09:00 local time that day."""
        code, out, _ = run(
            capsys,
            "plan",
            "bnf-hydroxocobalamin-neuro",
            "--start",
            "2026-12-01",
            "--tz",
            "Europe/London",
            "--json",
        )
        assert code == 0
        doses = json.loads(out)["doses"]
        assert doses[0]["due"] == "2026-12-01T09:00:00+00:00"

    def test_a_start_in_a_dst_gap_offers_the_two_times(self, capsys):
        """A start the clocks skip is refused with the two times it could mean."""
        err = refused(
            capsys,
            "plan",
            "bnf-hydroxocobalamin-neuro",
            "--start",
            "2027-03-28T01:30",
            "--tz",
            "Europe/London",
        )
        assert "does not exist in Europe/London" in err
        assert "2027-03-28T02:30" in err
        assert "2027-03-28T00:30" in err

    def test_a_start_in_a_repeated_hour_offers_both_offsets(self, capsys):
        """A start the clocks repeat is refused with both readings, each with its offset."""
        err = refused(
            capsys,
            "plan",
            "bnf-hydroxocobalamin-neuro",
            "--start",
            "2026-10-25T01:30",
            "--tz",
            "Europe/London",
        )
        assert "2026-10-25T01:30+01:00 (the first)" in err
        assert "2026-10-25T01:30+00:00 (the second)" in err

    def test_an_offset_chooses_the_occurrence(self, capsys):
        """The second 01:30 of the repeated hour, given with its offset, is accepted."""
        code, out, _ = run(
            capsys,
            "plan",
            "us-high-dose",
            "--start",
            "2026-10-25T01:30+00:00",
            "--tz",
            "Europe/London",
            "--json",
        )
        assert code == 0
        assert json.loads(out)["doses"][0]["due"] == "2026-10-25T01:30:00+00:00"

    @pytest.mark.parametrize(
        ("argv", "words"),
        [
            (
                ("plan", "nice-nuero", "--start", "2026-12-01", "--tz", "UTC"),
                "did you mean 'bnf-hydroxocobalamin-neuro'?",
            ),
            (("plan", "nice-nuero"), "did you mean 'bnf-hydroxocobalamin-neuro'?"),
            (
                (
                    "plan",
                    "bnf-hydroxocobalamin-neuro",
                    "--start",
                    "2026-12-01",
                    "--tz",
                    "Europe/Londn",
                ),
                "did you mean 'Europe/London'?",
            ),
            (
                (
                    "plan",
                    "bnf-hydroxocobalamin-neuro",
                    "--start",
                    "2026-12-01",
                    "--tz",
                    "Mars",
                ),
                "IANA time zone (e.g. Europe/London)",
            ),
        ],
    )
    def test_did_you_mean(self, capsys, argv, words):
        """A mistyped preset or zone gets the closest name."""
        assert words in refused(capsys, *argv)

    def test_did_you_mean_symptom_and_analyte(self, capsys, course_file):
        """A mistyped symptom or analyte gets the closest name and leaves the file alone."""
        before = course_file.read_bytes()
        err = refused(capsys, "log", course_file, "myclonus", "3")
        assert "did you mean 'myoclonus'?" in err
        err = refused(capsys, "lab", course_file, "serum-b13", "3", "ng/L")
        assert "did you mean 'serum B12'?" in err
        err = refused(capsys, "lab", course_file, "b12", "lots", "ng/L")
        assert "not a number" in err
        err = refused(capsys, "lab", course_file, "b12", "inf", "ng/L")
        assert "not a number" in err
        assert course_file.read_bytes() == before

    def test_a_usage_error_is_one_line(self, capsys):
        """A missing argument is one line naming it, with the usage, and status 2."""
        err = refused(capsys, "plan")
        assert "the following arguments are required: COURSE" in err
        assert "usage:" in err

    def test_a_defect_is_one_line_not_a_traceback(self, capsys, monkeypatch):
        """An unexpected exception becomes one line asking for a report."""

        def broken(_args):
            raise ValueError("boom")

        monkeypatch.setattr(_cli_reading, "presets", broken)
        code, _, err = run(capsys, "presets")
        assert code == 2
        assert err.strip() == (
            "b12course: error: internal error (ValueError: boom); please report it"
        )

    def test_preset_options_on_a_course_file_are_refused(self, capsys, course_file):
        """--start and --tz belong to a preset, not a course file."""
        err = refused(capsys, "plan", course_file, "--tz", "UTC")
        assert "--start and --tz are for a preset" in err

    def test_a_preset_needs_start_and_tz(self, capsys):
        """A preset without --tz says it needs --tz; without both, both."""
        err = refused(
            capsys, "plan", "bnf-hydroxocobalamin-neuro", "--start", "2026-12-01"
        )
        assert "needs --tz" in err
        err = refused(capsys, "plan", "bnf-hydroxocobalamin-neuro")
        assert "needs --start and --tz" in err


class TestPreview:
    def test_a_calendar_of_last_week_has_no_overdue_titles(self, capsys, tmp_path):
        """`ics PRESET --start <last week>` without --now marks no dose overdue."""
        start = (dt.datetime.now(LONDON) - dt.timedelta(days=7)).date()
        target = tmp_path / "b12.ics"
        code, _, err = run(
            capsys,
            "ics",
            "bnf-hydroxocobalamin-neuro",
            "--start",
            start.isoformat(),
            "--tz",
            "Europe/London",
            "-o",
            target,
        )
        assert code == 0, err
        data = target.read_bytes()
        assert b"OVERDUE" not in data
        assert {d.status for d in read_ical(data)} == {b12.DoseStatus.SCHEDULED}

    def test_plan_and_presets_carry_the_notice(self, capsys):
        """The plan and presets commands end with the not-medical-advice line, in text and JSON."""
        for argv in (("presets",), ("plan", *PRESET)):
            _, out, _ = run(capsys, *argv)
            assert out.rstrip().endswith(NOT_MEDICAL_ADVICE)
            _, out, _ = run(capsys, *argv, "--json")
            assert json.loads(out)["notice"] == NOT_MEDICAL_ADVICE

    def test_a_preview_says_it_has_no_statuses(self, capsys):
        """The plan of a preset without --now says it is a preview."""
        _, out, _ = run(capsys, "plan", *PRESET)
        assert "a preview: no statuses" in out


class TestIcsHistory:
    def test_force_over_another_courses_calendar(self, capsys, tmp_path):
        """--force over a calendar of another course overwrites it, notes it, and restarts SEQUENCE."""
        target = tmp_path / "b12.ics"
        other = (
            "bnf-hydroxocobalamin-non-neuro",
            "--start",
            "2026-12-01",
            "--tz",
            "Europe/London",
        )
        now = ("--now", "2026-12-20T12:00")
        assert run(capsys, "ics", *other, *now, "-o", target)[0] == 0
        assert run(capsys, "ics", *other, *now, "-o", target, "--force")[0] == 0
        code, _, err = run(capsys, "ics", *PRESET, *now, "-o", target, "--force")
        assert code == 0
        assert "note: the previous export is of course" in err
        assert "not carried over" in err
        doses = read_ical(target.read_bytes())
        assert {d.sequence for d in doses} == {0}
        assert all(not d.cancelled for d in doses)

    @pytest.mark.slow
    def test_ics_of_a_course_file_bumps_sequence(self, capsys, tmp_path, course_file):
        """Written again after a dose was recorded, the course's calendar bumps changed events."""
        target = tmp_path / "b12.ics"
        now = ("--now", "2026-12-02T12:00")
        assert run(capsys, "ics", course_file, *now, "-o", target)[0] == 0
        first = {d.uid: d for d in read_ical(target.read_bytes())}
        assert run(capsys, "record", course_file, "--at", "2026-12-01T09:00")[0] == 0
        assert run(capsys, "ics", course_file, *now, "-o", target, "--force")[0] == 0
        again = {d.uid: d for d in read_ical(target.read_bytes())}
        assert any(again[u].sequence > first[u].sequence for u in first)

    def test_an_export_never_overwrites_the_course_file(self, capsys, course_file):
        """-o naming the course file itself is refused, even with --force."""
        before = course_file.read_bytes()
        err = refused(capsys, "csv", course_file, "-o", course_file, "--force")
        assert "the course file itself" in err
        assert course_file.read_bytes() == before


class TestChanges:
    def test_new_refuses_an_existing_file(self, capsys, course_file):
        """The new command does not replace a course file unless --force is given."""
        before = course_file.read_bytes()
        err = refused(capsys, "new", *PRESET, "-o", course_file)
        assert "--force" in err
        assert course_file.read_bytes() == before
        assert run(capsys, "new", *PRESET, "-o", course_file, "--force")[0] == 0
        assert b12json.loads(course_file.read_bytes()).id != "c1"

    def test_at_defaults_to_the_clock(self, capsys, course_file, monkeypatch):
        """Without --at a record is made at the clock's time (read only in the CLI)."""
        moment = dt.datetime(2026, 12, 1, 9, 30, tzinfo=LONDON)
        monkeypatch.setattr(_cli_course, "clock", moment.astimezone)
        code, out, err = run(capsys, "record", course_file, "--site", "left thigh")
        assert code == 0
        assert not out
        assert "loading dose 1" in err
        (record,) = b12json.loads(course_file.read_bytes()).given
        assert record.at == moment
        assert record.site == "left thigh"

    def test_at_date_alone_means_nine_in_the_course_zone(self, capsys, course_file):
        """A date alone for --at is 09:00 that day in the course zone, as for --start."""
        code, _, _ = run(capsys, "record", course_file, "--at", "2026-12-01")
        assert code == 0
        (record,) = b12json.loads(course_file.read_bytes()).given
        assert record.at == dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)

    def test_relative_words_read_the_clock_in_the_course_zone(
        self, capsys, course_file, monkeypatch
    ):
        """`yesterday` is a date (09:00 for --at) and `now` the clock, in the course zone."""
        moment = dt.datetime(2026, 12, 2, 0, 30, tzinfo=dt.timezone.utc)
        monkeypatch.setattr("b12course.cli._input.clock", moment.astimezone)
        code, _, _ = run(capsys, "record", course_file, "--at", "yesterday")
        assert code == 0
        code, _, _ = run(capsys, "log", course_file, "tremor", "3", "--at", "NOW")
        assert code == 0
        course = b12json.loads(course_file.read_bytes())
        assert course.given[0].at == dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        assert course.symptoms[0].at == moment

    def test_skip_by_due_day_and_by_time(self, capsys, course_file):
        """The skip command's --due takes the day of a pending dose, or its exact due time."""
        code, _, err = run(
            capsys, "skip", course_file, "--due", "2026-12-03", "--reason", "away"
        )
        assert code == 0
        assert "Thu 2026-12-03 09:00 GMT" in err
        code, _, _ = run(
            capsys,
            "skip",
            course_file,
            "--due",
            "2026-12-05T09:00",
            "--reason",
            "away",
        )
        assert code == 0
        skips = b12json.loads(course_file.read_bytes()).skips
        assert [s.due.day for s in skips] == [3, 5]
        err = refused(
            capsys, "skip", course_file, "--due", "2026-12-04", "--reason", "x"
        )
        assert "no pending dose is due on 2026-12-04" in err

    def test_end_phase_names_the_phase(self, capsys, course_file):
        """end-phase says which phase ended; ending before any dose is refused."""
        err = refused(
            capsys,
            "end-phase",
            course_file,
            "--at",
            "2026-11-01T09:00",
            "--reason",
            "x",
        )
        assert "no phase is in progress" in err
        assert run(capsys, "record", course_file, "--at", "2026-12-01T09:00")[0] == 0
        code, _, err = run(
            capsys,
            "end-phase",
            course_file,
            "--at",
            "2026-12-02T09:00",
            "--reason",
            "plateau",
        )
        assert code == 0
        assert "ended the loading phase" in err

    def test_by_records_who_gave_the_dose(self, capsys, course_file):
        """The record command's --by stores who gave the dose."""
        code, _, _err = run(
            capsys, "record", course_file, "--at", "2026-12-01T09:00", "--by", "carer"
        )
        assert code == 0
        (record,) = b12json.loads(course_file.read_bytes()).given
        assert record.by is b12.Administrator.CARER

    def test_log_other_with_a_name(self, capsys, course_file):
        """An 'other' symptom is logged under its --name."""
        code, _, err = run(
            capsys,
            "log",
            course_file,
            "other",
            "5",
            "--name",
            "restless legs",
            "--at",
            "2026-11-30T20:00",
        )
        assert code == 0
        assert "restless legs 5/10" in err


class TestJson:
    def test_timeline_json_is_the_timelines_events(self, capsys, course_file):
        """The timeline command's --json lists exactly the timeline's events, kinds by value, doses by name."""
        assert run(capsys, "record", course_file, "--at", "2026-12-01T09:00")[0] == 0
        code, out, _ = run(
            capsys,
            "timeline",
            course_file,
            "--to",
            "2027-01-01",
            "--now",
            "2026-12-04T12:00",
            "--json",
        )
        assert code == 0
        document = json.loads(out)
        course = b12json.loads(course_file.read_bytes())
        until = dt.datetime(2027, 1, 1, tzinfo=LONDON)
        events = course.timeline(
            until=until, now=dt.datetime(2026, 12, 4, 12, tzinfo=LONDON)
        ).between(dt.datetime(2026, 12, 1, 9, tzinfo=LONDON), until)
        assert [(e["kind"], e["start"]) for e in document["events"]] == [
            (e.kind.value, e.start.isoformat()) for e in events
        ]
        names = [e["name"] for e in document["events"] if e["kind"] == "planned_dose"]
        assert names[0] == "loading dose 1"
        assert document["events"][0]["phase"] == "loading"

    def test_status_text(self, capsys, course_file):
        """The status command says what is due, overdue, the flare window, the next review and the symptoms."""
        for argv in (
            ("log", course_file, "tremor", "3", "--at", "2026-11-30T20:00"),
            (
                "record",
                course_file,
                "--at",
                "2026-12-01T09:00",
                "--site",
                "left deltoid",
            ),
        ):
            assert run(capsys, *argv)[0] == 0
        code, out, _ = run(capsys, "status", course_file, "--now", "2026-12-05T12:00")
        assert code == 0
        assert "Due now:" in out
        assert "loading dose 3 (#3)" in out
        assert "Suggested site: right deltoid" in out
        assert "Overdue:        1 dose(s)" in out
        assert "loading dose 2" in out
        assert "Flare window:   open since" in out
        assert "Next review:    loading-phase review" in out
        assert "tremor 3/10" in out

    @pytest.mark.parametrize(
        ("now", "words"),
        [("2026-11-01T00:00", "opens"), ("2027-06-01T00:00", "closed on")],
    )
    def test_status_flare_window_before_and_after(
        self, capsys, course_file, now, words
    ):
        """Before the window opens it says when; months on it is closed."""
        assert run(capsys, "record", course_file, "--at", "2026-12-01T09:00")[0] == 0
        code, out, _ = run(capsys, "status", course_file, "--now", now)
        assert code == 0
        assert f"Flare window:   {words}" in out
        assert "No symptom entries yet." in out

    def test_status_with_no_dose_given_says_the_window_is_not_open(
        self, capsys, course_file
    ):
        """No dose given: 'not open: no dose given yet' (the planned dose is not treatment)."""
        code, out, _ = run(capsys, "status", course_file, "--now", "2026-11-01T00:00")
        assert code == 0
        assert "Flare window:   not open: no dose given yet" in out

    @scaled(0.1, deadline=None)  # each example writes a file and runs the CLI
    @given(course=strategies.courses(), days=st.integers(0, 60))
    def test_plan_json_is_the_timelines_planned_doses(
        self, tmp_path_factory, course, days
    ):
        """The plan command's --json, for any course file, lists the timeline's planned doses in plan order, with their names."""
        path = tmp_path_factory.mktemp("plan") / "course.json"
        path.write_text(b12json.dumps(course))
        now = course.first_dose + dt.timedelta(days=days)
        until = course.first_dose + dt.timedelta(days=120)
        import contextlib
        import io

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(
                [
                    "plan",
                    str(path),
                    "--now",
                    now.isoformat(),
                    "--until",
                    until.isoformat(),
                    "--json",
                ]
            )
        assert code == 0
        doses = json.loads(out.getvalue())["doses"]
        # In plan order (by number): a dose given early can re-anchor the next
        # slot before its own due time, so time order may differ.
        expected = course.timeline(until=until, now=now).planned_doses
        assert [(d["number"], d["name"], d["status"]) for d in doses] == [
            (d.number, d.name, d.status.value) for d in expected
        ]

    def test_plan_json_keeps_plan_order_when_an_early_dose_reanchors(
        self, capsys, tmp_path
    ):
        """A first dose given a day early moves dose 2 before dose 1's due time: --json stays in plan order."""
        utc = zoneinfo.ZoneInfo("UTC")
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-non-neuro"),
            first_dose=dt.datetime(2020, 1, 1, 0, 1, tzinfo=utc),
            id="early",
        ).record_dose(dt.datetime(2019, 12, 31, tzinfo=utc))
        path = tmp_path / "course.json"
        path.write_text(b12json.dumps(course))
        assert (
            main(
                [
                    "plan",
                    str(path),
                    "--now",
                    "2020-01-01T00:01",
                    "--until",
                    "2020-02-01T00:00",
                    "--json",
                ]
            )
            == 0
        )
        doses = json.loads(capsys.readouterr().out)["doses"]
        assert [(d["number"], d["status"]) for d in doses[:3]] == [
            (1, "given"),
            (2, "due"),
            (3, "scheduled"),
        ]
        # In time order the due dose 2 (Wednesday 00:00) comes before dose 1's due time.
        events = course.timeline(until=dt.datetime(2020, 2, 1, tzinfo=utc)).of_kind(
            b12.EventKind.PLANNED_DOSE
        )
        assert [e.payload.number for e in events][:2] == [2, 1]


class TestSummary:
    def test_html_by_suffix_and_unknown_suffix(self, capsys, tmp_path, course_file):
        """The summary command writes HTML for .html and refuses a suffix it cannot tell."""
        page = tmp_path / "s.html"
        assert (
            run(capsys, "summary", course_file, "-o", page, "--now", "2026-12-02")[0]
            == 0
        )
        assert page.read_text().startswith("<!DOCTYPE html>")
        err = refused(capsys, "summary", course_file, "-o", tmp_path / "s.txt")
        assert ".md" in err

    def test_summary_of_a_preview_to_stdout(self, capsys):
        """A preset's summary prints Markdown, as of its first dose."""
        code, out, _ = run(capsys, "summary", *PRESET)
        assert code == 0
        assert out.startswith("# B12 course summary")

    def test_csv_to_stdout(self, capsys, course_file):
        """The csv command without -o prints the log."""
        code, out, _ = run(capsys, "csv", course_file)
        assert code == 0
        assert (
            out.splitlines()[0]
            == to_csv(b12json.loads(course_file.read_bytes())).splitlines()[0]
        )


class TestCourseEquality:
    def test_preset_courses_have_stable_ids(self, capsys):
        """The same preset, start and zone make the same course id in every run."""
        ids = set()
        for _ in range(2):
            _, out, _ = run(capsys, "plan", *PRESET, "--json")
            ids.add(json.loads(out)["course"]["id"])
        assert len(ids) == 1
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=FIRST
        )
        assert course.first_dose.isoformat() in json.loads(out)["course"]["first_dose"]


class TestCorners:
    def test_status_of_an_oral_course_suggests_no_site(self, capsys, tmp_path):
        """An oral course's status names no injection site, and reads the clock without --now."""
        path = tmp_path / "oral.json"
        start = ("--start", "2026-12-01", "--tz", "UTC")
        assert run(capsys, "new", "oral-high-dose", *start, "-o", path)[0] == 0
        code, out, _ = run(capsys, "status", path, "--json")
        assert code == 0
        assert json.loads(out)["suggested_site"] is None
        code, out, _ = run(capsys, "status", path)
        assert "Suggested site" not in out

    def test_timeline_range_defaults_and_reversed(self, capsys, course_file):
        """Without --to the timeline runs to the one horizon policy's (366 days past now); a reversed range is refused."""
        code, out, _ = run(
            capsys, "timeline", course_file, "--json", "--now", "2027-01-01"
        )
        assert code == 0
        document = json.loads(out)
        assert document["to"] == document["horizon"]["firm"]
        assert document["to"].startswith("2028-01-02")
        err = refused(
            capsys,
            "timeline",
            course_file,
            "--from",
            "2027-01-01",
            "--to",
            "2026-12-01",
        )
        assert "must be after --from" in err
        err = refused(capsys, "timeline", course_file, "--to", "2190-01-01")
        assert "more than 100 years" in err

    def test_timeline_json_of_every_record_kind(self, capsys, course_file):
        """Given, skipped, symptom, lab, phase and review events carry their fields."""
        for argv in (
            ("record", course_file, "--at", "2026-12-01T09:00", "--lot", "L9"),
            ("skip", course_file, "--number", "2", "--reason", "away"),
            ("log", course_file, "numbness", "2", "--at", "2026-12-02T08:00"),
            ("lab", course_file, "mma", "0.5", "umol/L", "--at", "2026-12-02T08:00"),
        ):
            assert run(capsys, *argv)[0] == 0, argv
        _, out, _ = run(capsys, "timeline", course_file, "--to", "2027-04-01", "--json")
        by_kind = {}
        for event in json.loads(out)["events"]:
            by_kind.setdefault(event["kind"], event)  # the first of each kind
        assert by_kind["dose_given"]["lot"] == "L9"
        assert by_kind["dose_skipped"]["reason"] == "away"
        assert by_kind["symptom"]["symptom"] == "numbness"
        assert by_kind["lab_result"]["analyte"] == "methylmalonic acid"
        assert by_kind["phase_change"]["phase"] == "loading"
        assert by_kind["review"]["review"] == "loading-phase review"
        assert "flare window" in by_kind["flare_window"]["text"]

    def test_slot_of_a_dose_no_plan_slot_holds(self):
        """A dose no slot of the plan holds is reported as past the plan's end."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=FIRST
        )
        assert _cli_changes.slot_of(course, FIRST) is None

    def test_a_file_removed_while_waiting_is_not_the_locked_one(self, tmp_path):
        """A locked descriptor whose path was removed is not taken for the file."""
        from b12course.cli import _store

        target = tmp_path / "x"
        target.write_bytes(b"")
        with target.open("rb") as stream:
            target.unlink()
            assert not _store._same_file(stream, target)


class TestTablesRenderTheTimeline:
    @scaled(0.1, deadline=None)  # each example writes a file and runs the CLI
    @given(course=strategies.courses(), days=st.integers(0, 90))
    def test_timeline_table_rows_are_the_timelines_events(
        self, tmp_path_factory, course, days
    ):
        """Each row of the timeline table is one timeline event: same time, same kind, in order."""
        import contextlib
        import io

        path = tmp_path_factory.mktemp("tl") / "course.json"
        path.write_text(b12json.dumps(course))
        zone = course.zone
        now = course.first_dose + dt.timedelta(days=days)
        start = course.first_dose - dt.timedelta(days=30)
        end = course.first_dose + dt.timedelta(days=150)
        out = io.StringIO()
        argv = ["timeline", str(path), "--now", now.isoformat()]
        argv += ["--from", start.isoformat(), "--to", end.isoformat()]
        with contextlib.redirect_stdout(out):
            assert main(argv) == 0
        rows = out.getvalue().splitlines()[4:]
        events = course.timeline(until=end, now=now).between(start, end)
        assert len(rows) == len(events)
        for row, event in zip(rows, events, strict=True):
            when = event.start.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %Z")
            assert row.startswith(when)
            assert row[len(when) :].split()[0] == event.kind.value

    def test_interrupt_is_quiet(self, capsys, monkeypatch):
        """Ctrl-C ends a command with status 130 and no traceback."""

        def interrupted(_args):
            raise KeyboardInterrupt

        monkeypatch.setattr(_cli_reading, "presets", interrupted)
        assert main(["presets"]) == 130
        assert capsys.readouterr().err == ""


class TestUsage:
    def test_a_mistyped_command_gets_did_you_mean(self, capsys):
        """A mistyped command name gets the closest command; a far one gets the list."""
        assert "invalid choice: 'plna' (did you mean 'plan'?)" in refused(
            capsys, "plna"
        )
        assert "choose from" in refused(capsys, "zzz")

    def test_status_shows_the_latest_overdue_doses(self, capsys, tmp_path):
        """A long-neglected course lists its ten latest overdue doses and counts the rest."""
        path = tmp_path / "oral.json"
        start = ("--start", "2026-12-01", "--tz", "UTC")
        assert run(capsys, "new", "oral-high-dose", *start, "-o", path)[0] == 0
        code, out, _ = run(capsys, "status", path, "--now", "2027-01-01T12:00")
        assert code == 0
        assert "Overdue: 31 dose(s)" in " ".join(out.split())
        assert "... and 21 earlier" in out


class TestStartUp:
    def test_the_command_line_loads_no_optional_library_until_asked(self):
        """Importing the CLI loads neither cattrs, icalendar, matplotlib nor difflib."""
        import subprocess
        import sys

        code = (
            "import sys, b12course.cli\n"
            "heavy = {'cattrs', 'icalendar', 'matplotlib', 'difflib', 'b12course.json'}\n"
            "print(sorted(heavy & set(sys.modules)))"
        )
        result = subprocess.run(  # noqa: S603 - this interpreter, our own code
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert result.stdout.strip() == "[]"


class TestOneLine:
    def test_typed_line_breaks_and_surrogates_stay_on_one_line(self, capsys):
        """An argument with a line break or an undecodable byte is echoed on one printable line."""
        err = refused(
            capsys, "plan", "bad\npreset", "--start", "2026-12-01", "--tz", "UTC"
        )
        assert "'bad\\npreset'" in err
        err = refused(capsys, "presets", "\udc80")
        assert "\\udc80" in err
        err = refused(capsys, "presets", "a\nb\x1ec")
        assert "unrecognized arguments: a b c" in err


class TestAliases:
    def test_a_deprecated_preset_id_still_loads(self, capsys):
        """A preset's former id (nice-neuro) gives the preset it now names."""
        code, out, _ = run(
            capsys,
            "plan",
            "nice-neuro",
            "--start",
            "2026-12-01",
            "--tz",
            "UTC",
            "--json",
        )
        assert code == 0
        assert json.loads(out)["course"]["preset"] == "bnf-hydroxocobalamin-neuro"

    def test_a_deprecated_preset_id_warns_in_one_line_on_stderr(self, capsys):
        """The US label's former id loads with one stderr line naming its new id."""
        code, _, err = run(
            capsys,
            "plan",
            "us-label-cyanocobalamin",
            "--start",
            "2026-12-01",
            "--tz",
            "UTC",
        )
        assert code == 0
        assert err.splitlines() == [
            (
                "b12course: preset id 'us-label-cyanocobalamin' is deprecated; "
                "use 'us-label-pernicious-anaemia'"
            )
        ]


US_PRESET = (
    "us-label-pernicious-anaemia",
    "--start",
    "2026-12-01T09:00",
    "--tz",
    "America/New_York",
)


class TestConfirmPhase:
    def test_a_clinician_confirms_the_reticulocyte_response_on_the_command_line(
        self, capsys, tmp_path
    ):
        """confirm-phase records who and why; the plan's doses stop being provisional."""
        path = tmp_path / "us.json"
        assert run(capsys, "new", *US_PRESET, "--id", "us", "-o", path)[0] == 0
        code, out, _ = run(capsys, "plan", path, "--until", "2026-12-20", "--json")
        assert code == 0
        before = json.loads(out)
        assert any(d["provisional"] for d in before["doses"])
        assert "condition review" in [r["review"] for r in before["reviews"]]
        code, out, _ = run(capsys, "plan", path, "--until", "2026-12-20")
        assert "condition review: a clinician checks the response" in out
        code, _, err = run(
            capsys,
            "confirm-phase",
            path,
            "--at",
            "2026-12-07T10:00",
            "--reason",
            "reticulocytes rose",
            "--by",
            "clinician",
        )
        assert code == 0
        assert "confirmed the condition of the alternate days phase" in err
        course = b12json.loads(path.read_bytes())
        assert course.confirmations[0].reason == "reticulocytes rose"
        assert str(course.confirmations[0].by) == "clinician"
        code, out, _ = run(capsys, "plan", path, "--until", "2026-12-20", "--json")
        assert not any(d["provisional"] for d in json.loads(out)["doses"])

    def test_confirming_a_course_without_a_condition_is_refused_in_one_line(
        self, capsys, course_file
    ):
        """A BNF course has nothing to confirm: one line, nothing written."""
        before = course_file.read_bytes()
        err = refused(
            capsys, "confirm-phase", course_file, "--at", "2026-12-02T09:00",
            "--reason", "x",
        )  # fmt: skip
        assert "nothing to confirm" in err
        assert course_file.read_bytes() == before


class TestEndPhaseBy:
    def test_a_carer_ending_the_loading_phase_is_recorded_as_carer(
        self, capsys, course_file
    ):
        """end-phase --by carer keeps who decided, and the summary shows it."""
        assert run(capsys, "record", course_file, "--at", "2026-12-01T09:00")[0] == 0
        code, _, err = run(
            capsys, "end-phase", course_file, "--at", "2026-12-10T09:00",
            "--reason", "no further improvement", "--by", "carer",
        )  # fmt: skip
        assert code == 0
        assert "decided by carer" in err
        course = b12json.loads(course_file.read_bytes())
        assert str(course.decisions[0].by) == "carer"
        summary = course_file.with_suffix(".md")
        code, _, _ = run(
            capsys, "summary", course_file, "-o", summary, "--now", "2026-12-11T09:00"
        )
        assert code == 0
        text = summary.read_text()
        assert "by carer: no further improvement" in text


class TestPregnancyOnTheCommandLine:
    def test_a_pregnant_patient_gets_the_one_month_ng239_review_in_plan_and_status(
        self, capsys, tmp_path
    ):
        """New --pregnant moves the NG239 review to 1 month, shown by plan and status."""
        path = tmp_path / "p.json"
        code, _, err = run(capsys, "new", *PRESET, "--pregnant", "-o", path)
        assert code == 0
        assert "review is after 1 month" in err
        assert b12json.loads(path.read_bytes()).pregnant_or_breastfeeding
        code, out, _ = run(capsys, "plan", path, "--until", "2027-01-15")
        assert "treatment review: 1 month after treatment began" in out
        code, out, _ = run(capsys, "status", path, "--now", "2026-12-20T09:00")
        assert "Next review:" in out
        assert "treatment review: 1 month after treatment began" in out
        assert "active B12 is the recommended test" in out

    def test_a_breastfeeding_mother_is_marked_and_the_mark_cleared_later(
        self, capsys, course_file, tmp_path
    ):
        """Pregnancy --set and --clear change the course file; the .ics follows."""
        code, _, err = run(capsys, "pregnancy", course_file, "--set")
        assert code == 0
        assert "marked pregnant or breastfeeding" in err
        assert b12json.loads(course_file.read_bytes()).pregnant_or_breastfeeding
        ics = tmp_path / "p.ics"
        assert run(capsys, "ics", course_file, "-o", ics, "--force")[0] == 0
        assert "DTSTART;VALUE=DATE:20270101" in ics.read_text()
        code, _, err = run(capsys, "pregnancy", course_file, "--clear")
        assert code == 0
        assert "after 3 months" in err
        assert not b12json.loads(course_file.read_bytes()).pregnant_or_breastfeeding
        refused(capsys, "pregnancy", course_file)


class TestStatusOfMaintenanceOnly:
    def test_a_nasal_maintenance_course_has_no_flare_window_on_status(
        self, capsys, tmp_path
    ):
        """A maintenance-only course says there is no window, and why."""
        path = tmp_path / "n.json"
        args = ("nasal-weekly", "--start", "2026-12-01T09:00", "--tz", "UTC")
        assert run(capsys, "new", *args, "-o", path)[0] == 0
        code, out, _ = run(capsys, "status", path, "--now", "2026-12-05T09:00")
        assert code == 0
        assert "no window: the course does not start replacement" in out


class TestCommandLineWords:
    def test_no_arguments_prints_the_help(self, capsys):
        """`b12course` alone prints the help on stdout and exits 0."""
        assert main([]) == 0
        out, err = capsys.readouterr()
        assert "usage: b12course" in out
        assert "worklist" in out
        assert not err

    def test_help_exits_0_and_a_usage_error_exits_2(self, capsys):
        """--help exits 0; an unknown command exits 2 with one line on stderr."""
        assert main(["--help"]) == 0
        assert main(["bogus"]) == 2
        _, err = capsys.readouterr()
        assert len(err.strip().splitlines()) == 1

    def test_other_without_name_names_the_option(self, capsys, course_file):
        """Logging 'other' without --name says --name, not a Python name."""
        err = refused(capsys, "log", course_file, "other", "4", "--at", "2026-12-01")
        assert "--name" in err
        assert "Symptom.OTHER" not in err

    def test_skip_of_no_pending_dose_speaks_cli(self, capsys, course_file):
        """Skipping a number that is not pending points at `b12course plan`, not Python."""
        err = refused(capsys, "skip", course_file, "--number", "999", "--reason", "x")
        assert "--number 999" in err
        assert "b12course plan" in err
        assert "course.plan(" not in err

    def test_a_preset_names_only_the_missing_option(self, capsys):
        """A preset given --tz but no --start is told about --start alone."""
        code, _, err = run(capsys, "plan", "bnf-hydroxocobalamin-neuro", "--tz", "UTC")
        assert code == 2
        assert "needs --start" in err
        assert "--tz" not in err.split("needs", 1)[1].split("(")[0]


class TestOneView:
    """status, log and the summary read one view: the same flags, next dose and site."""

    def _logged(self, capsys, course_file):
        for argv in (
            ("log", course_file, "myoclonus", "3", "--at", "2026-11-30T20:00"),
            (
                "record",
                course_file,
                "--at",
                "2026-12-01T09:00",
                "--site",
                "left deltoid",
            ),
            ("log", course_file, "fatigue", "4", "--at", "2026-12-02T20:00"),
        ):
            assert run(capsys, *argv)[0] == 0
        return run(
            capsys, "log", course_file, "myoclonus", "9", "--at", "2026-12-05T20:00"
        )

    def test_log_status_and_summary_flag_the_same_entries(self, capsys, course_file):
        """A 9/10 myoclonus inside the window is flagged by log, status (text and JSON) and the summary alike."""
        code, _, said = self._logged(capsys, course_file)
        assert code == 0
        assert "(inside the flare window)" in said
        assert "flagged for a clinician's attention" in said
        now = ("--now", "2026-12-06T12:00")
        code, out, _ = run(capsys, "status", course_file, *now, "--json")
        status = json.loads(out)
        flagged = [f"{a['symptom']} {a['severity']}/10" for a in status["attention"]]
        assert "myoclonus 9/10" in flagged
        assert all(a["attention"] for a in status["attention"])
        code, text, _ = run(capsys, "status", course_file, *now)
        listed = text.split("Flagged for a clinician's attention:")[1].splitlines()
        assert [x for x in flagged if any(x in line for line in listed)] == flagged
        assert f"Flagged:        {len(flagged)} entr" in text
        code, summary, _ = run(capsys, "summary", course_file, *now, "-o", "-")
        summary_flags = [line for line in summary.splitlines() if "Flagged: " in line]
        assert len(summary_flags) == len(flagged)
        for line, entry in zip(summary_flags, flagged, strict=True):
            assert entry in line

    def test_status_and_summary_name_the_same_next_dose_and_site(
        self, capsys, course_file
    ):
        """With a dose overdue, status and the summary name the same next dose (the view's next_pending) and the calendar carries the same site."""
        self._logged(capsys, course_file)
        now = ("--now", "2026-12-06T12:00")
        _, out, _ = run(capsys, "status", course_file, *now, "--json")
        status = json.loads(out)
        course = b12json.loads((course_file).read_text())
        view = course.timeline(now=dt.datetime(2026, 12, 6, 12, tzinfo=LONDON))
        assert status["next_dose"]["number"] == view.next_pending.number
        assert status["suggested_site"] == view.suggested_site == "right deltoid"
        _, summary, _ = run(capsys, "summary", course_file, *now, "-o", "-")
        line = next(x for x in summary.splitlines() if "Next planned dose" in x)
        assert view.next_pending.name in line
        _, text, _ = run(capsys, "status", course_file, *now)
        assert f"Next dose:      {view.next_pending.name} (#" in text
        assert "Suggested site: right deltoid" in text
