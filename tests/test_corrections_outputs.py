"""Every output follows a correction: FHIR, the calendar, the summary, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

import icalendar
import pytest

pytest.importorskip("fhir.resources")

from hypothesis import HealthCheck, given, settings

from b12course import Course, Symptom, SymptomEntry, regimens, strategies
from b12course import json as b12json
from b12course.export import summary_document, summary_markdown, to_csv
from b12course.export._summary import Table
from b12course.fhir import carried, from_fhir, to_fhir
from b12course.ical import to_ical
from support.cli import run

LONDON = zoneinfo.ZoneInfo("Europe/London")
START = dt.datetime(2026, 11, 2, 9, tzinfo=LONDON)
NOW = dt.datetime(2026, 11, 20, 12, tzinfo=LONDON)
UNTIL = dt.datetime(2027, 3, 1, tzinfo=LONDON)


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=LONDON)


@pytest.fixture
def course() -> Course:
    c = Course.begin(
        regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START, id="fix"
    )
    c = c.record_dose(at(2), site="left deltoid").record_dose(at(4))
    return c.log_symptom(SymptomEntry(at=at(5, 20), symptom=Symptom.TREMOR, severity=4))


def resources(bundle: object, kind: str) -> list[dict]:
    data = json.loads(bundle.model_dump_json())  # type: ignore[attr-defined]
    return [
        e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind
    ]


class TestFhir:
    def test_voided_records_are_entered_in_error(self, course: Course) -> None:
        """A voided dose and a voided symptom entry are entered-in-error resources."""
        voided = course.void(course.given[1], "typo", at=NOW, by="AB").void(
            course.symptoms[0], "other patient", at=NOW
        )
        given = resources(to_fhir(voided), "MedicationAdministration")
        assert [r["status"] for r in given] == ["completed", "entered-in-error"]
        observations = resources(to_fhir(voided), "Observation")
        assert [r["status"] for r in observations] == ["entered-in-error"]
        back = from_fhir(to_fhir(voided))
        assert back == carried(voided)
        assert [c.reason for c in back.corrections] == ["typo", "other patient"]

    def test_amendment_and_decision_round_trip(self, course: Course) -> None:
        """An amendment keeps its replacement, a voided decision its phase."""
        ended = course.end_phase(at(6), reason="no further improvement")
        changed = ended.amend(
            ended.given[0], {"site": "right thigh"}, reason="wrong site", at=NOW
        ).void(ended.decisions[0], "wrong course", at=NOW)
        for version in ("R4B", "R5"):
            back = from_fhir(to_fhir(changed, version=version))  # type: ignore[arg-type]
            assert back == carried(changed)
            assert back.corrections[0].replacement == back.given[0]

    @settings(
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(strategies.corrected_courses(courses=strategies.courses(max_given=5)))
    def test_from_fhir_inverts_to_fhir_with_corrections(self, c: Course) -> None:
        """from_fhir(to_fhir(c)) == carried(c) for courses with voided records."""
        assert from_fhir(to_fhir(c)) == carried(c)


class TestCalendar:
    def test_void_then_export_with_previous_raises_sequence(
        self, course: Course
    ) -> None:
        """Voiding a late dose moves the plan back; previous= raises SEQUENCE of what changed."""
        late = course.record_dose(at(7))
        before = to_ical(late, until=UNTIL)
        voided = late.void(late.given[-1], "typo", at=NOW)
        after = to_ical(voided, until=UNTIL, previous=before)
        old = {
            str(e["UID"]): e
            for e in icalendar.Calendar.from_ical(before).walk("VEVENT")
        }
        new = {
            str(e["UID"]): e for e in icalendar.Calendar.from_ical(after).walk("VEVENT")
        }
        moved = [
            uid
            for uid in old
            if uid in new and new[uid].decoded("DTSTART") != old[uid].decoded("DTSTART")
        ]
        assert moved
        for uid in moved:
            assert new[uid]["SEQUENCE"] == old[uid]["SEQUENCE"] + 1
        fresh = to_ical(voided, until=UNTIL)
        assert [
            line
            for line in after.decode().splitlines()
            if "SEQUENCE" not in line and "DTSTAMP" not in line
        ] == [
            line
            for line in fresh.decode().splitlines()
            if "SEQUENCE" not in line and "DTSTAMP" not in line
        ]

    def test_csv_and_timeline_leave_voided_records_out(self, course: Course) -> None:
        """The CSV is the CSV of the course without the voided record."""
        voided = course.void(course.symptoms[0], "typo", at=NOW)
        without = Course.begin(course.regimen, first_dose=START, id="fix")
        without = without.record_dose(at(2), site="left deltoid").record_dose(at(4))
        assert to_csv(voided) == to_csv(without)


class TestSummary:
    def test_corrections_section_lists_who_when_why(self, course: Course) -> None:
        """The summary lists each voided and amended record with reason, who and when."""
        corrected = course.void(course.given[1], "typed twice", at=NOW, by="AB").amend(
            course.symptoms[0], {"severity": 2}, reason="misread", at=NOW
        )
        document = summary_document(corrected, now=NOW)
        section = next(s for s in document.sections if s.title == "Corrections")
        table = next(b for b in section.blocks if isinstance(b, Table))
        assert table.rows == (
            (
                "dose given at 2026-11-04 09:00",
                "voided",
                "typed twice",
                "AB",
                "2026-11-20 12:00 GMT",
            ),
            (
                "symptom entry tremor 4/10 at 2026-11-05 20:00",
                "amended: now symptom entry tremor 2/10 at 2026-11-05 20:00",
                "misread",
                "",
                "2026-11-20 12:00 GMT",
            ),
        )
        assert "typed twice" in summary_markdown(corrected, now=NOW)

    def test_no_corrections_says_so(self, course: Course) -> None:
        """A course never corrected says so in its Corrections section."""
        section = next(
            s
            for s in summary_document(course, now=NOW).sections
            if s.title == "Corrections"
        )
        assert section.blocks == ("No record was voided or amended.",)


class TestCommandLine:
    def test_record_then_undo_leaves_every_output_as_before(
        self, capsys: pytest.CaptureFixture[str], tmp_path
    ) -> None:
        """Record then undo: plan, status, .ics (but SEQUENCE) and FHIR as before; the JSON and summary list it."""
        path = tmp_path / "course.json"
        now = ("--now", "2026-11-06T12:00")
        assert (
            run(
                capsys,
                "new",
                "bnf-hydroxocobalamin-neuro",
                "--start",
                "2026-11-02T09:00",
                "--tz",
                "Europe/London",
                "--id",
                "e2e",
                "-o",
                path,
            )[0]
            == 0
        )
        assert run(capsys, "record", path, "--at", "2026-11-02T09:00", *now)[0] == 0

        def outputs() -> dict[str, str]:
            found = {}
            for name in ("plan", "status"):
                code, out, err = run(capsys, name, path, *now)
                assert code == 0, err
                found[name] = out
            ics = tmp_path / "course.ics"
            # Written again over the same file: changed events get a higher
            # SEQUENCE, as calendar apps need to update them.
            assert run(capsys, "ics", path, "-o", ics, "--force", *now)[0] == 0
            found["ics"] = ics.read_text()
            bundle = tmp_path / "bundle.json"
            code, _, err = run(capsys, "fhir", path, "-o", bundle, "--force")
            assert code == 0, err
            found["fhir"] = bundle.read_text()
            return found

        before = outputs()
        code, _, err = run(
            capsys,
            "record",
            path,
            "--at",
            "2026-11-04T09:00",
            "--site",
            "left thigh",
            *now,
        )
        assert code == 0, err
        recorded = outputs()
        assert recorded["plan"] != before["plan"]
        code, out, err = run(
            capsys, "undo", path, "--reason", "not given after all", "--by", "AB", *now
        )
        assert code == 0, err
        assert out == ""
        assert err.startswith("voided loading dose 2 (dose given at 2026-11-04 09:00")
        assert "not given after all" in err
        after = outputs()
        assert after["plan"] == before["plan"]
        assert after["status"] == before["status"]

        def without_sequence(text: str) -> list[str]:
            return [
                line
                for line in text.splitlines()
                if not line.startswith(("SEQUENCE", "DTSTAMP"))
            ]

        assert without_sequence(after["ics"]) == without_sequence(before["ics"])
        assert after["ics"] != before["ics"]  # SEQUENCE grew for the updates
        entries = json.loads(after["fhir"])["entry"]
        live = [e for e in entries if e["resource"].get("status") != "entered-in-error"]
        assert live == json.loads(before["fhir"])["entry"]
        voided = [e["resource"] for e in entries if e not in live]
        assert [r["resourceType"] for r in voided] == ["MedicationAdministration"]
        saved = b12json.loads(path.read_bytes())
        (correction,) = saved.corrections
        assert (correction.reason, correction.by) == ("not given after all", "AB")
        assert correction.record.site == "left thigh"
        code, out, err = run(capsys, "summary", path, *now)
        assert code == 0, err
        assert "## Corrections" in out
        assert "not given after all" in out

    @pytest.mark.parametrize(
        ("argv", "words"),
        [
            (("--at", "2027-06-01T09:00"), "later than now"),
            (("--at", "2026-11-02T10:00+05:00"), "12 h apart"),
            (("--at", "2026-11-01T21:00"), "would change the numbers"),
        ],
        ids=["wrong-year", "wrong-offset", "renumbers"],
    )
    def test_the_three_cases_of_the_issue_are_refused(
        self, capsys: pytest.CaptureFixture[str], tmp_path, argv, words
    ) -> None:
        """Each case of issue 23's "Why" is one line on stderr, status 2, nothing written."""
        path = tmp_path / "course.json"
        run(
            capsys,
            "new",
            "bnf-hydroxocobalamin-neuro",
            "--start",
            "2026-11-01T21:00",
            "--tz",
            "Europe/London",
            "-o",
            path,
        )
        now = ("--now", "2026-11-06T12:00")
        assert run(capsys, "record", path, "--at", "2026-11-02T10:00", *now)[0] == 0
        saved = path.read_bytes()
        code, _, err = run(capsys, "record", path, *argv, *now)
        assert code == 2
        assert len(err.strip().splitlines()) == 1
        assert words in err
        assert path.read_bytes() == saved
        flag = {"later than now": "--future", "12 h apart": "--again"}.get(
            words, "--renumber"
        )
        extra = ("--again",) if flag == "--renumber" else ()
        code, _, err = run(
            capsys, "record", path, *argv, *now, flag, *extra, "--renumber"
        )
        assert code == 0, err

    def test_void_amend_by_reference(
        self, capsys: pytest.CaptureFixture[str], tmp_path
    ) -> None:
        """Void --symptom, --lab, --decision and amend --dose change what they name."""
        path = tmp_path / "course.json"
        now = ("--now", "2026-11-20T12:00")
        run(
            capsys,
            "new",
            "bnf-hydroxocobalamin-neuro",
            "--start",
            "2026-11-02T09:00",
            "--tz",
            "Europe/London",
            "-o",
            path,
        )
        for argv in (
            ("record", path, "--at", "2026-11-02T09:00"),
            ("record", path, "--at", "2026-11-04T09:00"),
            ("log", path, "tremor", "4", "--at", "2026-11-03T20:00"),
            ("lab", path, "serum-b12", "150", "ng/L", "--at", "2026-11-01T08:00"),
            ("end-phase", path, "--at", "2026-11-05T09:00", "--reason", "done"),
        ):
            code, _, err = run(capsys, *argv, *(now if argv[0] != "end-phase" else ()))
            assert code == 0, err
        for argv in (
            ("void", path, "--symptom", "2026-11-03T20:00", "--reason", "x"),
            ("void", path, "--lab", "2026-11-01T08:00", "--reason", "x"),
            ("void", path, "--decision", "loading", "--reason", "x"),
            ("amend", path, "--dose", "2", "--at", "2026-11-04T10:00", "--reason", "x"),
        ):
            code, _, err = run(capsys, *argv, *now)
            assert code == 0, err
        saved = b12json.loads(path.read_bytes())
        assert (saved.symptoms, saved.labs, saved.decisions) == ((), (), ())
        assert saved.given[1].at == dt.datetime(2026, 11, 4, 10, tzinfo=LONDON)
        assert [c.kind.value for c in saved.corrections] == [
            "symptom",
            "lab",
            "decision",
            "dose",
        ]
        code, _, err = run(
            capsys, "void", path, "--symptom", "2026-11-03T20:00", "--reason", "x", *now
        )
        assert code == 2
        assert "already voided" in err


def test_a_time_typed_to_the_minute_names_the_record_of_that_minute(
    capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    """A symptom logged by the clock (with seconds) is voided by its minute."""
    path = tmp_path / "course.json"
    run(
        capsys,
        "new",
        "bnf-hydroxocobalamin-neuro",
        "--start",
        "2026-11-02T09:00",
        "--tz",
        "Europe/London",
        "-o",
        path,
    )
    course = b12json.loads(path.read_bytes())
    seconds = dt.datetime(2026, 11, 3, 20, 14, 37, 120000, tzinfo=LONDON)
    course = course.log_symptom(
        SymptomEntry(at=seconds, symptom=Symptom.TREMOR, severity=3)
    )
    path.write_text(b12json.dumps(course))
    code, _, err = run(
        capsys, "void", path, "--symptom", "2026-11-03T20:15", "--reason", "x"
    )
    assert code == 2
    assert "holds no symptom" in err
    code, _, err = run(
        capsys, "void", path, "--symptom", "2026-11-03T20:14", "--reason", "x"
    )
    assert code == 0, err
    assert b12json.loads(path.read_bytes()).symptoms == ()
