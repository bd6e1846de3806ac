"""Corrections (void, amend, undo) and the plausibility checks at entry."""

import datetime as dt
import json
import pathlib
import zoneinfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import b12course as b12
from b12course import (
    Analyte,
    Correction,
    Course,
    Dose,
    Drug,
    LabResult,
    RecordKind,
    Route,
    Symptom,
    SymptomEntry,
    regimens,
    strategies,
)
from b12course import json as b12json
from b12course._time import utc
from b12course.exceptions import (
    B12CourseError,
    CorrectionError,
    CourseFormatError,
    ImplausibleEntryError,
    TextError,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")
START = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
UNTIL = dt.datetime(2027, 6, 1, tzinfo=LONDON)
NOW = dt.datetime(2026, 12, 20, 12, tzinfo=LONDON)
FIXTURES = pathlib.Path(__file__).parent / "fixtures"
DAY = dt.timedelta(days=1)


def at(day, hour=9, minute=0):
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def course():
    """An alternate-day loading course with two doses, a symptom and a lab."""
    c = Course.begin(
        regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START, id="c1"
    )
    c = c.log_symptom(SymptomEntry(at=at(1, 8), symptom=Symptom.MYOCLONUS, severity=5))
    c = c.record_lab(
        LabResult(at=at(1, 7), analyte=Analyte.SERUM_B12, value=120, unit="ng/L")
    )
    c = c.record_dose(at(1), site="left deltoid", now=NOW)
    return c.record_dose(at(3), site="right deltoid", now=NOW)


def plan(c):
    return c.plan(until=UNTIL, now=NOW)


class TestVoid:
    def test_voided_dose_leaves_the_plan_and_stays_in_the_course(self, course):
        """A voided dose is out of the plan and kept, with who, when and why."""
        before = course.given[1]
        voided = course.void(before, "typed twice", at=NOW, by="AB")
        assert voided.given == course.given[:1]
        assert voided.corrections == (
            Correction(record=before, reason="typed twice", at=NOW, by="AB"),
        )
        assert not voided.corrections[0].amended
        assert voided.corrections[0].kind is RecordKind.DOSE
        assert plan(voided) == plan(course.void(before, "other", at=NOW))
        assert plan(voided)[1].given is None

    def test_voiding_the_last_dose_restores_the_plan(self, course):
        """Record then void gives the plan from before the record."""
        recorded = course.record_dose(at(5), now=NOW)
        voided = recorded.void(recorded.given[-1], "not given", at=NOW)
        assert plan(voided) == plan(course)
        assert voided.timeline(until=UNTIL, now=NOW).overdue(
            now=NOW
        ) == course.timeline(until=UNTIL, now=NOW).overdue(now=NOW)

    @pytest.mark.parametrize("kind", ["symptoms", "labs", "given"])
    def test_every_kind_can_be_voided(self, course, kind):
        """Symptom entries, lab results and doses given can each be voided."""
        record = getattr(course, kind)[0]
        voided = course.void(record, "entered in error", at=NOW)
        assert record not in getattr(voided, kind)
        assert voided.corrections[0].record == record

    def test_skip_and_decision_can_be_voided(self, course):
        """A skip and a phase decision leave the plan when voided."""
        skipped = course.skip_dose(number=3, reason="away")
        assert plan(course.skip_dose(number=3, reason="away")) != plan(course)
        voided = skipped.void(skipped.skips[0], "was given after all", at=NOW)
        assert plan(voided) == plan(course)
        ended = course.end_phase(at(4), reason="no further improvement")
        undone = ended.void(ended.decisions[0], "wrong course", at=NOW)
        assert plan(undone) == plan(course)
        assert undone.corrections[0].kind is RecordKind.DECISION

    def test_voided_symptom_takes_no_part_in_the_flare_or_baseline(self, course):
        """A voided entry is not in the baseline, the trend or the flare report."""
        entry = course.symptoms[0]
        voided = course.void(entry, "other patient", at=NOW)
        assert course.baseline(Symptom.MYOCLONUS) is not None
        assert voided.baseline(Symptom.MYOCLONUS) is None
        assert voided.flare(now=NOW) == Course.begin(
            course.regimen, first_dose=START
        ).record_dose(at(1)).record_dose(at(3)).flare(now=NOW)

    def test_voiding_twice_is_refused(self, course):
        """An already voided record cannot be voided again."""
        record = course.given[0]
        voided = course.void(record, "typo", at=NOW)
        with pytest.raises(CorrectionError, match="already voided"):
            voided.void(record, "typo", at=NOW)

    def test_unknown_record_is_refused(self, course):
        """A record the course never held is not found."""
        other = SymptomEntry(at=at(2), symptom=Symptom.TREMOR, severity=1)
        with pytest.raises(CorrectionError, match="holds no"):
            course.void(other, "typo", at=NOW)

    def test_a_reason_is_required(self, course):
        """Every correction says why."""
        with pytest.raises(TextError, match="reason"):
            course.void(course.given[0], "  ", at=NOW)

    def test_not_a_record_is_refused(self, course):
        """Void takes records only."""
        with pytest.raises(B12CourseError):
            course.void("dose 1", "typo", at=NOW)  # type: ignore[arg-type]


class TestAmend:
    def test_amend_replaces_and_keeps_the_old_record(self, course):
        """An amended dose is replaced; the old one is kept with its replacement."""
        old = course.given[1]
        amended = course.amend(
            old, {"site": "left thigh"}, reason="wrong site", at=NOW, by="AB"
        )
        assert amended.given[1].site == "left thigh"
        (correction,) = amended.corrections
        assert correction.record == old
        assert correction.replacement == amended.given[1]
        assert correction.amended
        assert "amended dose given at 2026-12-03 09:00" in str(correction)

    def test_amend_moves_a_dose_and_the_plan_follows(self, course):
        """Amending a dose's time re-anchors the plan as recording it there would."""
        old = course.given[1]
        amended = course.amend(old, {"at": at(4)}, reason="wrong day", at=NOW)
        direct = course.void(old, "x", at=NOW).record_dose(at(4), site="right deltoid")
        assert plan(amended) == plan(direct)

    def test_amend_to_another_kind_is_refused(self, course):
        """An amendment keeps the record's kind."""
        with pytest.raises(CorrectionError, match="same kind"):
            course.amend(course.given[0], course.symptoms[0], reason="x", at=NOW)

    def test_amend_symptom_and_lab(self, course):
        """A symptom's severity and a lab's value can be corrected."""
        amended = course.amend(
            course.symptoms[0], {"severity": 3}, reason="misread", at=NOW
        ).amend(course.labs[0], {"value": 210}, reason="misread", at=NOW)
        assert amended.symptoms[0].severity == 3
        assert amended.labs[0].value == 210
        assert len(amended.corrections) == 2

    def test_amend_checks_the_replacement_like_a_new_record(self, course):
        """An amended time later than now is refused as a new record would be."""
        with pytest.raises(ImplausibleEntryError, match="later than now"):
            course.amend(
                course.given[1],
                {"at": at(3).replace(year=2027)},
                reason="x",
                at=NOW,
                now=NOW,
            )


class TestFind:
    def test_find_by_kind_and_instant(self, course):
        """Kind and instant name one record."""
        assert course.find("dose", at=at(3)) == course.given[1]
        assert course.find(RecordKind.LAB, at=at(1, 7)) == course.labs[0]
        assert (
            course.find("symptom", at=at(1, 8), name="myoclonus")
            == (course.symptoms[0])
        )

    def test_find_dose_by_number(self, course):
        """A dose's number in the plan names it too."""
        assert course.find("dose", number=2) == course.given[1]
        skipped = course.skip_dose(number=3, reason="away")
        assert skipped.find("skip", number=3) == skipped.skips[0]

    def test_find_decision_by_phase_name(self, course):
        """A decision is named by its phase."""
        ended = course.end_phase(at(4), reason="done")
        assert ended.find("decision", name="loading") == ended.decisions[0]

    def test_ambiguous_reference_is_refused(self, course):
        """Two symptom entries at one instant need their label."""
        both = course.log_symptom(
            SymptomEntry(at=at(1, 8), symptom=Symptom.TREMOR, severity=2)
        )
        with pytest.raises(CorrectionError, match="more than one"):
            both.find("symptom", at=at(1, 8))
        assert both.find("symptom", at=at(1, 8), name="tremor").label == "tremor"

    def test_unknown_and_voided_references(self, course):
        """A reference to nothing, or to a voided record, says which."""
        with pytest.raises(CorrectionError, match="holds no dose"):
            course.find("dose", at=at(2))
        voided = course.void(course.given[1], "typo", at=NOW)
        with pytest.raises(CorrectionError, match="already voided"):
            voided.find("dose", at=at(3))
        with pytest.raises(CorrectionError, match="kind"):
            course.find("injection", at=at(3))

    def test_reference_survives_a_json_round_trip(self, course):
        """Kind and instant name the same record after saving and loading."""
        loaded = b12json.loads(b12json.dumps(course))
        assert loaded.find("dose", at=at(3)) == course.find("dose", at=at(3))

    def test_latest_record(self, course):
        """The record undo voids is the one with the latest instant."""
        assert course.latest_record() == course.given[1]
        later = course.log_symptom(
            SymptomEntry(at=at(4), symptom=Symptom.TREMOR, severity=1)
        )
        assert later.latest_record() == later.symptoms[-1]
        empty = Course.begin(course.regimen, first_dose=START)
        assert empty.latest_record() is None


class TestPlausibility:
    """The three cases of issue 23's "Why", and the other checks at entry."""

    def test_a_dose_a_year_ahead_is_refused(self, course):
        """Why 1: `--at 2027-06-01T09:00` (a year typo) is refused as later than now."""
        with pytest.raises(ImplausibleEntryError) as caught:
            course.record_dose(at(5).replace(year=2027), now=NOW)
        assert caught.value.check == "future"
        assert "later than now" in str(caught.value)
        assert "allow_future=True" in str(caught.value)
        accepted = course.record_dose(
            NOW + DAY, now=NOW, allow_future=True, allow_renumber=True
        )
        assert len(accepted.given) == 3

    def test_a_dose_hours_from_another_is_refused(self):
        """Why 2: the same wall time with a wrong offset, 5 hours earlier, is refused."""
        c = Course.begin(regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START)
        c = c.record_dose(at(5, 10), now=NOW)
        wrong = dt.datetime(2026, 12, 5, 10, tzinfo=dt.timezone(dt.timedelta(hours=5)))
        with pytest.raises(ImplausibleEntryError) as caught:
            c.record_dose(wrong, now=NOW)
        assert caught.value.check == "close"
        assert "5 h from the dose given" in str(caught.value)
        assert "12 h apart" in str(caught.value)
        assert (
            len(
                c.record_dose(
                    wrong, now=NOW, allow_close=True, allow_renumber=True
                ).given
            )
            == 2
        )

    def test_a_dose_that_renumbers_the_record_says_so(self, course):
        """Why 3: a backfilled dose that would turn dose 2 into dose 3 is refused first."""
        with pytest.raises(ImplausibleEntryError) as caught:
            course.record_dose(at(2), now=NOW)
        assert caught.value.check == "renumber"
        message = str(caught.value)
        assert "now dose 2" in message
        assert "allow_renumber=True" in message
        accepted = course.record_dose(at(2), now=NOW, allow_renumber=True)
        assert accepted.find("dose", number=3) == course.given[1]

    def test_oral_doses_are_not_questioned_for_closeness(self):
        """The minimum interval is a route setting; oral doses have none."""
        regimen = regimens.get("bnf-hydroxocobalamin-non-neuro")
        c = Course.begin(regimen, first_dose=START).record_dose(START)
        oral = Dose(Drug.CYANOCOBALAMIN, "1 mg", Route.ORAL)  # on its label
        c.record_dose(START + dt.timedelta(hours=2), dose=oral)
        with pytest.raises(ImplausibleEntryError):
            c.record_dose(START + dt.timedelta(hours=2))

    def test_future_symptom_and_lab_are_refused(self, course):
        """A symptom entry or a lab result later than now is refused too."""
        entry = SymptomEntry(at=NOW + DAY, symptom=Symptom.TREMOR, severity=2)
        with pytest.raises(ImplausibleEntryError, match="tremor entry"):
            course.log_symptom(entry, now=NOW)
        assert (
            course.log_symptom(entry, now=NOW, allow_future=True).symptoms[-1] == entry
        )
        result = LabResult(
            at=NOW + DAY, analyte=Analyte.SERUM_B12, value=300, unit="ng/L"
        )
        with pytest.raises(ImplausibleEntryError, match="serum"):
            course.record_lab(result, now=NOW)

    def test_without_now_no_future_check(self, course):
        """Domain code never reads the clock: no now, no future check."""
        assert len(course.record_dose(at(5).replace(year=2027)).given) == 3


class TestProperties:
    @given(course=strategies.courses(), data=st.data())
    def test_voiding_the_record_just_added_restores_the_plan(self, course, data):
        """Record a dose, skip, symptom or lab, then void it: the plan is as before."""
        until = utc(course.first_dose) + dt.timedelta(days=400)
        pending = [d for d in course.plan(until=until) if d.pending]
        kind = data.draw(st.sampled_from(["dose", "skip", "symptom", "lab"]))
        if kind == "skip":
            assume(pending)
            recorded = course.skip_dose(number=pending[0].number, reason="away")
        elif kind == "dose":
            assume(pending)
            recorded = course.record_dose(
                pending[0].due, allow_close=True, allow_renumber=True
            )
        elif kind == "symptom":
            entry = data.draw(strategies.symptom_entries())
            assume(
                all(
                    e.label != entry.label or utc(e.at) != utc(entry.at)
                    for e in course.symptoms
                )
            )
            recorded = course.log_symptom(entry)
        else:
            result = data.draw(strategies.lab_results())
            assume(
                all(
                    r.analyte != result.analyte or utc(r.at) != utc(result.at)
                    for r in course.labs
                )
            )
            recorded = course.record_lab(result)
        record = {
            "dose": lambda c: next(g for g in c.given if g not in course.given),
            "skip": lambda c: c.skips[-1],
            "symptom": lambda c: next(
                e for e in c.symptoms if e not in course.symptoms
            ),
            "lab": lambda c: next(r for r in c.labs if r not in course.labs),
        }[kind](recorded)
        voided = recorded.void(record, "entered in error", at=course.first_dose)
        assert voided.plan(until=until) == course.plan(until=until)
        assert voided.flare() == course.flare()
        assert len(voided.corrections) == len(course.corrections) + 1

    @given(strategies.corrected_courses())
    def test_json_round_trip_keeps_corrections(self, course):
        """loads(dumps(c)) == c for courses with voided and amended records."""
        assert b12json.loads(b12json.dumps(course)) == course

    @given(strategies.corrected_courses())
    def test_corrected_records_are_out_of_force(self, course):
        """A voided record is never in force unless recorded again."""
        for correction in course.corrections:
            assert correction.reason.strip()
            assert correction.kind is b12.RecordKind(correction.kind.value)


class TestJsonFormat:
    @pytest.mark.parametrize("name", ["course-v01.json", "course-v02.json"])
    def test_files_of_0_1_and_0_2_load_unchanged(self, name):
        """Version 1 documents (0.1, 0.2) load, and keep their records."""
        text = (FIXTURES / name).read_text()
        assert json.loads(text)["version"] == 1
        loaded = b12json.loads(text)
        assert (len(loaded.given), len(loaded.skips), len(loaded.decisions)) == (
            3,
            1,
            1,
        )
        assert (len(loaded.symptoms), len(loaded.labs)) == (2, 1)
        assert loaded.corrections == ()
        assert loaded.given[0].site == "left deltoid"
        assert b12json.loads(b12json.dumps(loaded)) == loaded

    def test_version_2_writes_corrections_with_their_kind(self, course):
        """A voided record is written whole, with its kind, reason, who and when."""
        voided = course.void(course.given[1], "typo", at=NOW, by="AB")
        document = json.loads(b12json.dumps(voided))
        assert document["version"] == 2
        (written,) = document["corrections"]
        assert written["record"]["kind"] == "dose"
        assert written["record"]["site"] == "right deltoid"
        assert (written["reason"], written["by"]) == ("typo", "AB")
        assert written["at"] == "2026-12-20T12:00:00+00:00[Europe/London]"
        assert "corrections" not in json.loads(b12json.dumps(course))

    def test_version_1_with_corrections_is_refused(self, course):
        """A version 1 document cannot hold corrections."""
        voided = course.void(course.given[1], "typo", at=NOW)
        document = json.loads(b12json.dumps(voided))
        document["version"] = 1
        with pytest.raises(CourseFormatError, match="corrections"):
            b12json.loads(json.dumps(document))

    def test_bad_record_kind_names_its_path(self, course):
        """An unknown record kind in a correction names the field."""
        voided = course.void(course.given[1], "typo", at=NOW)
        document = json.loads(b12json.dumps(voided))
        document["corrections"][0]["record"]["kind"] = "injection"
        with pytest.raises(CourseFormatError) as caught:
            b12json.loads(json.dumps(document))
        assert caught.value.path == "corrections[0].record.kind"


def test_a_voided_decision_for_a_missing_phase_is_refused_on_load(course):
    """A document cannot hold a voided decision for a phase the regimen lacks."""
    ended = course.end_phase(at(4), reason="done")
    voided = ended.void(ended.decisions[0], "wrong", at=NOW)
    document = json.loads(b12json.dumps(voided))
    document["corrections"][0]["record"]["phase"] = 7
    with pytest.raises(CourseFormatError) as caught:
        b12json.loads(json.dumps(document))
    assert caught.value.path == "corrections[0].record.phase"
