import datetime as dt
import runpy
import subprocess
import sys
import zoneinfo

import pytest

import b12course as b12
from b12course import Course, regimens
from b12course import json as b12json
from b12course.cli import _reading as _cli_reading
from b12course.cli import main
from b12course.ical import read_ical
from support.cli import run

LONDON = zoneinfo.ZoneInfo("Europe/London")
START = "2026-12-01T09:00"
FIRST = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)


def table_rows(out: str) -> list[list[str]]:
    """The rows of the plan table (lines that start with a dose number)."""
    return [line.split("  ") for line in out.splitlines() if line[:1].isdigit()]


class TestMain:
    def test_version(self, capsys):
        """--version prints the package version and exits 0."""
        code, out, _ = run(capsys, "--version")
        assert code == 0
        assert out.strip() == f"b12course {b12.__version__}"

    def test_python_dash_m(self):
        """`python -m b12course --version` runs the same command."""
        result = subprocess.run(
            [sys.executable, "-m", "b12course", "--version"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0
        assert result.stdout.strip() == f"b12course {b12.__version__}"

    def test_main_module_in_process(self, capsys, monkeypatch):
        """b12course/__main__.py exits with main()'s status."""
        monkeypatch.setattr(sys, "argv", ["b12course", "--version"])
        with pytest.raises(SystemExit) as exit_:
            runpy.run_module("b12course", run_name="__main__")
        assert exit_.value.code == 0
        assert capsys.readouterr().out.startswith("b12course ")

    @pytest.mark.parametrize(
        ("argv", "words"),
        [
            ((), "COMMAND"),
            (("presets",), "sources"),
            (("plan",), "--until"),
            (("ics",), "--force"),
            (("timeline",), "--from"),
        ],
    )
    def test_help_for_each_command(self, capsys, argv, words):
        """--help describes each command and exits 0."""
        code, out, _ = run(capsys, *argv, "--help")
        assert code == 0
        assert words in out

    def test_no_arguments_print_the_help(self, capsys):
        """Running with no arguments prints the help on stdout and exits 0."""
        code, out, err = run(capsys)
        assert code == 0
        assert not err
        assert "usage:" in out

    def test_options_without_a_command_are_a_usage_error(self, capsys):
        """An option but no command prints usage on stderr and exits 2."""
        code, out, err = run(capsys, "--bogus")
        assert code == 2
        assert not out
        assert "usage:" in err

    def test_broken_pipe_is_quiet(self, capsys, monkeypatch):
        """A reader that goes away (| head) ends the command quietly with status 1."""

        def broken(_args):
            raise BrokenPipeError

        monkeypatch.setattr(_cli_reading, "presets", broken)
        code, _, err = run(capsys, "presets")
        assert code == 1
        assert not err

    def test_broken_pipe_silences_a_real_stdout(self, capsys, monkeypatch, tmp_path):
        """After a broken pipe, stdout is pointed at devnull so the final flush cannot fail."""
        with (tmp_path / "out").open("w") as stream:
            monkeypatch.setattr(sys, "stdout", stream)
            monkeypatch.setattr(_cli_reading, "presets", TestMain._raise_broken_pipe)
            assert main(["presets"]) == 1
            print("lost", file=stream)
        assert (tmp_path / "out").read_text() == ""

    @staticmethod
    def _raise_broken_pipe(_args):
        raise BrokenPipeError


class TestPresets:
    def test_lists_every_preset_with_its_source(self, capsys):
        """Each preset's id, name and the start of its source are listed."""
        code, out, _ = run(capsys, "presets")
        assert code == 0
        for preset_id in regimens.available():
            regimen = regimens.get(preset_id)
            assert f"{preset_id}  {regimen.name}" in out
            assert " ".join(regimen.source.split()[:4]) in " ".join(out.split())


class TestPlan:
    def test_table_matches_the_plan(self, capsys):
        """The table has one row per planned dose, with number, dose name, local time, amount and status."""
        code, out, err = run(
            capsys,
            "plan",
            "bnf-hydroxocobalamin-non-neuro",
            "--start",
            START,
            "--tz",
            "Europe/London",
            "--until",
            "2027-12-01",
            "--now",
            "2026-12-04T12:00",
        )
        assert (code, err) == (0, "")
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-non-neuro"), first_dose=FIRST
        )
        plan = course.plan(
            until=dt.datetime(2027, 12, 1, tzinfo=LONDON),
            now=dt.datetime(2026, 12, 4, 12, tzinfo=LONDON),
        )
        rows = table_rows(out)
        assert len(rows) == len(plan)
        for row, dose in zip(rows, plan, strict=True):
            cells = [c.strip() for c in row if c.strip()]
            assert cells[0] == str(dose.number)
            assert cells[1] == dose.name
            assert cells[2] == dose.due.strftime("%a %Y-%m-%d %H:%M %Z")
            assert cells[3] == str(dose.dose)
            assert cells[4] == dose.status.value
        assert [r[-1].strip() for r in rows[:3]] == ["overdue", "overdue", "due"]

    def test_wall_clock_time_kept_across_dst(self, capsys):
        """Doses stay at 09:00 local time across a DST change, shown with GMT and BST."""
        _, out, _ = run(
            capsys,
            "plan",
            "us-high-dose",
            "--start",
            "2027-03-22T09:00",
            "--tz",
            "Europe/London",
            "--until",
            "2027-04-10",
            "--now",
            "2027-03-01T00:00",
        )
        times = [
            cell.strip() for row in table_rows(out) for cell in row if "2027-" in cell
        ]
        assert "Sat 2027-03-27 09:00 GMT" in times
        assert "Sun 2027-03-28 09:00 BST" in times

    def test_start_with_an_offset_is_an_instant(self, capsys):
        """A start with an offset is that instant, shown in --tz (Lord Howe, +10:30 in June)."""
        _, out, _ = run(
            capsys,
            "plan",
            "oral-high-dose",
            "--start",
            "2026-06-01T00:00+00:00",
            "--tz",
            "Australia/Lord_Howe",
            "--until",
            "2026-06-03",
            "--now",
            "2026-05-01T00:00",
        )
        assert "Mon 2026-06-01 10:30 +1030" in out

    def test_provisional_doses_are_marked(self, capsys):
        """Doses past an open review point are starred and the star explained."""
        _, out, _ = run(
            capsys,
            "plan",
            "bnf-hydroxocobalamin-neuro",
            "--start",
            START,
            "--tz",
            "Europe/London",
            "--now",
            "2026-11-01T00:00",
        )
        assert any(row[-1].strip() == "scheduled *" for row in table_rows(out))
        assert "* provisional" in out

    def test_default_horizon_is_a_year_and_a_preview_has_no_statuses(self, capsys):
        """Without --until the plan covers a year; without --now a preview gives no statuses."""
        code, out, _ = run(
            capsys,
            "plan",
            "nice-dietary-injection",
            "--start",
            "2090-01-01T09:00",
            "--tz",
            "Asia/Kolkata",
        )
        assert code == 0
        course = Course.begin(
            regimens.get("nice-dietary-injection"),
            first_dose=dt.datetime(
                2090, 1, 1, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Kolkata")
            ),
        )
        rows = table_rows(out)
        assert len(rows) == len(
            course.plan(until=course.first_dose + dt.timedelta(days=365))
        )
        assert {row[-1].strip() for row in rows} == {"scheduled"}

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (
                ("nope", "--start", START, "--tz", "Europe/London"),
                "available: bnf-hydroxocobalamin-neuro",
            ),
            (
                (
                    "bnf-hydroxocobalamin-neuro",
                    "--start",
                    "2026-12-01T09:00",
                    "--tz",
                    "UTC",
                    "--now",
                    "x",
                ),
                "is not a date or date-time",
            ),
            (
                (
                    "bnf-hydroxocobalamin-neuro",
                    "--start",
                    START,
                    "--tz",
                    "UTC",
                    "--until",
                    "2026-11-01",
                ),
                "must be after the first dose",
            ),
            (
                ("bnf-hydroxocobalamin-neuro", "--start", "soon", "--tz", "UTC"),
                "is not a date or date-time",
            ),
            (
                ("bnf-hydroxocobalamin-neuro", "--start", START, "--tz", "Mars/Base"),
                "IANA time zone",
            ),
            (("bnf-hydroxocobalamin-neuro", "--tz", "UTC"), "--start"),
        ],
    )
    def test_bad_input_exits_2_with_a_message(self, capsys, argv, message):
        """Bad input prints one clear message on stderr, no traceback, and exits 2."""
        code, out, err = run(capsys, "plan", *argv)
        assert code == 2
        assert not out
        assert message in err
        assert "Traceback" not in err


def ics_args(path, *extra):
    return (
        "ics",
        "bnf-hydroxocobalamin-neuro",
        "--start",
        START,
        "--tz",
        "Europe/London",
        "--until",
        "2027-06-01",
        "--now",
        "2026-11-30T12:00",
        "-o",
        str(path),
        *extra,
    )


class TestIcs:
    def test_the_readme_headline_holds_12_weeks_and_one_plan_continues_event(
        self, capsys, tmp_path
    ):
        """The README's headline ics of an undecided loading phase holds its doses to 12 weeks past the first dose and one plan-continues event, and no more."""
        target = tmp_path / "course.ics"
        argv = ("ics", "bnf-hydroxocobalamin-neuro", "--start", "2026-12-01T09:00")
        code, _, err = run(capsys, *argv, "--tz", "Europe/London", "-o", str(target))
        assert code == 0
        data = target.read_bytes()
        doses = read_ical(data)
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        cut = first + dt.timedelta(weeks=12)
        # Every other day from the first dose up to the cut: 42 doses, no gap.
        assert [d.when for d in doses] == [
            first + dt.timedelta(days=2 * k) for k in range(42)
        ]
        assert all(d.when < cut for d in doses)
        assert f"wrote {len(doses)} doses" in err
        assert data.count(b"X-B12COURSE-KIND:plan_continues") == 1
        assert b"DTSTART;VALUE=DATE:20270223" in data
        assert data.count(b"BEGIN:VALARM") == len(doses)

    def test_writes_a_calendar_of_the_plan(self, capsys, tmp_path):
        """The .ics holds one event per planned dose, with 30-minute reminders by default."""
        target = tmp_path / "b12.ics"
        code, _, err = run(capsys, *ics_args(target))
        assert code == 0
        assert "wrote" in err
        data = target.read_bytes()
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=FIRST
        )
        # The preview's view: provisional doses to 12 weeks past the first dose.
        plan = course.timeline(
            until=dt.datetime(2027, 6, 1, tzinfo=LONDON)
        ).planned_doses
        assert [d.when for d in read_ical(data)] == [d.due for d in plan]
        assert data.count(b"X-B12COURSE-KIND:plan_continues") == 1
        assert b"TRIGGER:-PT30M" in data
        assert [p.name for p in tmp_path.iterdir()] == ["b12.ics"]

    def test_alarm_options(self, capsys, tmp_path):
        """--alarm sets the reminders; --no-alarm writes none."""
        one = tmp_path / "one.ics"
        none = tmp_path / "none.ics"
        assert run(capsys, *ics_args(one, "--alarm", "1h", "--alarm", "1d"))[0] == 0
        assert run(capsys, *ics_args(none, "--no-alarm"))[0] == 0
        assert b"TRIGGER:-PT1H" in one.read_bytes()
        assert b"TRIGGER:-P1D" in one.read_bytes()
        assert b"VALARM" not in none.read_bytes()

    def test_refuses_to_overwrite_without_force(self, capsys, tmp_path):
        """An existing file is left alone unless --force is given."""
        target = tmp_path / "b12.ics"
        target.write_bytes(b"keep me")
        code, _, err = run(capsys, *ics_args(target))
        assert code == 2
        assert "--force" in err
        assert target.read_bytes() == b"keep me"
        assert run(capsys, *ics_args(target, "--force"))[0] == 0
        assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")

    @pytest.mark.slow
    def test_rewriting_keeps_uids_and_bumps_changed_events(self, capsys, tmp_path):
        """The same command twice gives the same UIDs; a changed plan bumps SEQUENCE."""
        target = tmp_path / "b12.ics"
        assert run(capsys, *ics_args(target))[0] == 0
        first = {d.uid: d for d in read_ical(target.read_bytes())}
        assert run(capsys, *ics_args(target, "--force"))[0] == 0
        again = {d.uid: d for d in read_ical(target.read_bytes())}
        assert again.keys() == first.keys()
        assert {d.sequence for d in again.values()} == {
            d.sequence for d in first.values()
        }
        later = "2026-12-20T12:00"
        assert run(capsys, *ics_args(target, "--force", "--now", later))[0] == 0
        changed = {d.uid: d for d in read_ical(target.read_bytes())}
        assert changed.keys() >= first.keys()
        bumped = [uid for uid in first if changed[uid].sequence > first[uid].sequence]
        assert bumped  # statuses changed (overdue), so those events were re-sequenced

    def test_force_over_a_foreign_file(self, capsys, tmp_path):
        """--force over a file that is not a b12course calendar simply replaces it."""
        target = tmp_path / "b12.ics"
        target.write_bytes(b"not a calendar")
        assert run(capsys, *ics_args(target, "--force"))[0] == 0
        assert read_ical(target.read_bytes())

    def test_nothing_written_on_bad_input(self, capsys, tmp_path):
        """A bad reminder or a missing directory writes no file at all."""
        target = tmp_path / "b12.ics"
        code, _, err = run(capsys, *ics_args(target, "--alarm", "soonish"))
        assert code == 2
        assert "reminder" in err
        assert not target.exists()
        code, _, err = run(capsys, *ics_args(tmp_path / "no" / "b12.ics"))
        assert code == 1
        assert "b12.ics" in err
        assert list(tmp_path.iterdir()) == []

    def test_dash_writes_to_stdout(self, capsysbinary):
        """-o - writes the calendar to stdout."""
        code = main(list(ics_args("-")))
        out, _ = capsysbinary.readouterr()
        assert code == 0
        assert out.startswith(b"BEGIN:VCALENDAR")


@pytest.fixture
def saved(tmp_path):
    course = Course.begin(
        regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=FIRST, id="c1"
    )
    course = course.log_symptom(
        b12.SymptomEntry(
            at=FIRST - dt.timedelta(days=3), symptom=b12.Symptom.MYOCLONUS, severity=4
        )
    )
    course = course.record_dose(FIRST, site="left deltoid", lot="L1", note="first")
    course = course.skip_dose(number=2, reason="travelling")
    course = course.log_symptom(
        b12.SymptomEntry(
            at=FIRST + dt.timedelta(days=3),
            symptom=b12.Symptom.MYOCLONUS,
            severity=7,
            note="worse at night",
        )
    )
    course = course.record_lab(
        b12.LabResult(
            at=FIRST - dt.timedelta(days=10),
            analyte=b12.Analyte.SERUM_B12,
            value=150,
            unit="ng/L",
        )
    )
    path = tmp_path / "course.json"
    path.write_text(b12json.dumps(course))
    return path


class TestTimeline:
    def test_prints_every_kind_of_event(self, capsys, saved):
        """The timeline lists labs, symptoms, doses given and skipped, phases, reviews and the flare window in order."""
        course = b12json.loads(saved.read_text())
        saved.write_text(
            b12json.dumps(course.record_dose(FIRST + dt.timedelta(days=4)))
        )
        code, out, err = run(
            capsys,
            "timeline",
            str(saved),
            "--to",
            "2027-03-01",
            "--now",
            "2026-12-06T10:00",
        )
        assert (code, err) == (0, "")
        for text in (
            "lab_result    serum B12 150 ng/L",
            "myoclonus 4/10",
            "myoclonus 7/10 (worse at night)",
            "given: hydroxocobalamin 1 mg IM (site left deltoid; lot L1; note: first)",
            "skipped: travelling",
            "loading phase begins: hydroxocobalamin 1 mg IM",
            "loading-phase review",
            "flare window (where a transient worsening of movements has been reported), until",
            "loading dose 1: hydroxocobalamin 1 mg IM, given",
            "dose_given    given: hydroxocobalamin 1 mg IM\n",
        ):
            assert text in out
        assert (
            out.index("serum B12") < out.index("myoclonus 4/10") < out.index("given:")
        )

    def test_range_is_half_open(self, capsys, saved):
        """--from and --to keep events starting in [from, to)."""
        _, out, _ = run(
            capsys,
            "timeline",
            str(saved),
            "--from",
            "2026-12-01T09:00",
            "--to",
            "2026-12-04T09:00",
            "--now",
            "2026-12-06T10:00",
        )
        assert "Tue 2026-12-01 09:00 GMT" in out
        assert "myoclonus 4/10" not in out
        assert "myoclonus 7/10" not in out

    def test_missing_file_exits_1(self, capsys, tmp_path):
        """A file that cannot be read exits 1 with its name."""
        code, _, err = run(capsys, "timeline", str(tmp_path / "nope.json"))
        assert code == 1
        assert "nope.json" in err

    def test_bad_document_exits_2_naming_the_field(self, capsys, tmp_path, saved):
        """A malformed course document exits 2 naming the bad field."""
        bad = tmp_path / "bad.json"
        bad.write_text(saved.read_text().replace('"severity": 7', '"severity": 70'))
        code, _, err = run(capsys, "timeline", str(bad))
        assert code == 2
        assert "symptoms[1].severity" in err
        assert "Traceback" not in err
