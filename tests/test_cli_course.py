"""A whole course driven through the command line alone, checked against the API."""

import datetime as dt
import json
import zoneinfo

import pytest

import b12course as b12
from b12course import Course, regimens
from b12course import json as b12json
from b12course.cli import main
from b12course.export import summary_markdown, to_csv
from b12course.ical import read_ical

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(day, hour, minute=0):
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=LONDON)


# The walk is in December 2026: records are checked against a present after
# it, not the clock (a record later than now is refused).
WALK_NOW = ("--now", "2027-01-31")


def cli(capsys, *argv):
    """Run a command that must succeed; return what it said (stdout, then stderr)."""
    if argv[0] in {"record", "log", "lab"} and "--now" not in argv:
        argv = (*argv, *WALK_NOW)
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "error" not in err
    return out + err


class TestWholeCourse:
    def test_a_course_kept_in_a_file_matches_the_api_step_by_step(  # noqa: PLR0915 - one walk, step by step
        self, capsys, tmp_path
    ):
        """new, a week of record (one late, one skipped), log, lab, end-phase, status and every export agree with the API."""
        path = tmp_path / "course.json"
        preset = "bnf-hydroxocobalamin-neuro"
        api = Course.begin(regimens.get(preset), first_dose=at(1, 9), id="walk")

        def same():
            assert b12json.loads(path.read_bytes()) == api

        cli(
            capsys,
            "new",
            preset,
            "--start",
            "2026-12-01",  # a date alone: 09:00
            "--tz",
            "Europe/London",
            "--id",
            "walk",
            "-o",
            path,
        )
        same()

        cli(capsys, "log", path, "myoclonus", "4", "--at", "2026-11-28T20:00")
        api = api.log_symptom(
            b12.SymptomEntry(
                at=dt.datetime(2026, 11, 28, 20, tzinfo=LONDON),
                symptom=b12.Symptom.MYOCLONUS,
                severity=4,
            )
        )
        same()

        cli(capsys, "lab", path, "serum-b12", "150", "ng/L", "--at", "2026-11-20T10:00")
        api = api.record_lab(
            b12.LabResult(
                at=dt.datetime(2026, 11, 20, 10, tzinfo=LONDON),
                analyte=b12.Analyte.SERUM_B12,
                value=150,
                unit="ng/L",
            )
        )
        same()

        out = cli(
            capsys,
            "record",
            path,
            "--at",
            "2026-12-01T09:05",
            "--site",
            "left deltoid",
            "--lot",
            "L1",
            "--note",
            "first",
        )
        assert "loading dose 1" in out
        api = api.record_dose(at(1, 9, 5), site="left deltoid", lot="L1", note="first")
        same()

        cli(
            capsys,
            "record",
            path,
            "--at",
            "2026-12-03T09:00",
            "--site",
            "right deltoid",
        )
        api = api.record_dose(at(3, 9), site="right deltoid")
        same()

        out = cli(
            capsys,
            "log",
            path,
            "myoclonus",
            "7",
            "--at",
            "2026-12-04T21:00",
            "--note",
            "worse at night",
        )
        assert "inside the flare window" in out
        api = api.log_symptom(
            b12.SymptomEntry(
                at=at(4, 21),
                symptom=b12.Symptom.MYOCLONUS,
                severity=7,
                note="worse at night",
            )
        )
        same()

        # Dose 3 was due on the 5th: given a day late.
        cli(capsys, "record", path, "--at", "2026-12-06T15:00")
        api = api.record_dose(at(6, 15))
        same()

        cli(capsys, "skip", path, "--number", "4", "--reason", "travelling")
        api = api.skip_dose(number=4, reason="travelling")
        same()

        cli(capsys, "record", path, "--at", "2026-12-10T15:00")
        api = api.record_dose(at(10, 15))
        same()

        cli(
            capsys,
            "end-phase",
            path,
            "--at",
            "2026-12-11T12:00",
            "--reason",
            "no further improvement",
        )
        api = api.end_phase(at(11, 12), reason="no further improvement")
        same()

        now = at(12, 10)
        status = json.loads(
            cli(capsys, "status", path, "--now", "2026-12-12T10:00", "--json")
        )
        timeline = api.timeline(until=now + dt.timedelta(days=365), now=now)
        upcoming = timeline.next_dose(after=now)
        assert status["next_dose"]["name"] == upcoming.name
        assert status["next_dose"]["due"] == upcoming.due.isoformat()
        assert status["overdue"] == []
        assert status["suggested_site"] == str(api.suggest_site())
        assert status["flare_window"]["state"] == "open"
        assert [e["severity"] for e in status["recent_symptoms"]] == [4, 7]
        assert status["course"]["id"] == "walk"

        ics = tmp_path / "course.ics"
        until = "2027-06-01"
        cli(
            capsys,
            "ics",
            path,
            "-o",
            ics,
            "--until",
            until,
            "--now",
            "2026-12-12T10:00",
        )
        plan = api.plan(until=dt.datetime(2027, 6, 1, tzinfo=LONDON), now=now)
        assert [d.when for d in read_ical(ics.read_bytes())] == [d.when for d in plan]

        csv = tmp_path / "course.csv"
        cli(capsys, "csv", path, "-o", csv)
        assert csv.read_bytes().decode() == to_csv(api)

        md = tmp_path / "summary.md"
        cli(capsys, "summary", path, "-o", md, "--now", "2026-12-12T10:00")
        assert md.read_text() == summary_markdown(api, now=now)

        pytest.importorskip("matplotlib")
        chart = tmp_path / "chart.svg"
        cli(capsys, "chart", path, "-o", chart, "--now", "2026-12-12T10:00")
        assert chart.read_bytes().startswith(b"<?xml")
        same()
