"""Tests for b12course.fhir: writing a course as a FHIR Bundle."""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import json
import os
import pathlib
import subprocess
import sys
import zoneinfo
from typing import Any

import attrs
import pytest

pytest.importorskip("fhir.resources")

from fhir.resources.bundle import Bundle as BundleR5
from fhir.resources.R4B.bundle import Bundle as BundleR4B
from hypothesis import given
from hypothesis import strategies as st

from b12course import (
    Analyte,
    Course,
    Dose,
    Drug,
    LabResult,
    Route,
    Site,
    Symptom,
    SymptomEntry,
    default_reference,
    regimens,
)
from b12course import json as b12json
from b12course.cli import main
from b12course.exceptions import (
    ExportError,
    NaiveDatetimeError,
    NotACourseError,
    OffLabelRouteWarning,
    SettingError,
)
from b12course.fhir import (
    _codes,
    carried,
    from_fhir,
    structure_definitions,
    to_fhir,
    to_fhir_json,
)
from b12course.fhir._write import fhir_datetime

LONDON = zoneinfo.ZoneInfo("Europe/London")
GOLDEN = pathlib.Path(__file__).parent / "golden" / "fhir-bnf-non-neuro-r4b.json"
NOW = dt.datetime(2026, 12, 20, 12, tzinfo=LONDON)


def _rich_course() -> Course:
    """A course with a record of every kind: doses, a skip, symptoms and labs."""
    course = Course.begin(
        regimens.get("bnf-hydroxocobalamin-non-neuro"),
        first_dose=dt.datetime(2026, 12, 7, 9, tzinfo=LONDON),
        id="golden-course",
    )
    course = course.record_dose(
        dt.datetime(2026, 12, 7, 9, 10, tzinfo=LONDON),
        site=Site.LEFT_THIGH,
        lot="A1234",
        note="first dose",
    )
    course = course.record_dose(
        dt.datetime(2026, 12, 9, 9, 5, tzinfo=LONDON), site=Site.RIGHT_DELTOID
    )
    course = course.skip_dose(number=3, reason="unwell")
    # Hydroxocobalamin deep SC is off-label: recorded, with a warning.
    with pytest.warns(OffLabelRouteWarning):
        course = course.record_dose(
            dt.datetime(2026, 12, 14, 10, tzinfo=LONDON),
            site=Site.RIGHT_GLUTEAL,
            route="deep SC",
        )
    course = course.log_symptom(
        SymptomEntry(
            at=dt.datetime(2026, 12, 1, 20, tzinfo=LONDON),
            symptom=Symptom.MYOCLONUS,
            severity=6,
            multifocal=True,
            during_sleep=False,
            body_sites=("hands", "tongue"),
            triggers=("stress", "poor sleep"),
            note="before treatment",
        )
    )
    course = course.log_symptom(
        SymptomEntry(
            at=dt.datetime(2026, 12, 10, 20, tzinfo=LONDON),
            symptom=Symptom.OTHER,
            name="cramps",
            severity=3,
        )
    )
    for analyte, value, unit in (
        (Analyte.SERUM_B12, 150, "ng/L"),
        (Analyte.ACTIVE_B12, 20.5, "pmol/L"),
        (Analyte.HOMOCYSTEINE, 18.2, "µmol/L"),
        (Analyte.HAEMOGLOBIN, 121, "g/L"),
        (Analyte.MCV, 104.5, "fL"),
        (Analyte.MMA, 0.5, "µmol/L"),
    ):
        course = course.record_lab(
            LabResult(
                at=dt.datetime(2026, 11, 20, 9, tzinfo=LONDON),
                analyte=analyte,
                value=value,
                unit=unit,
            )
        )
    return course


def _dump(bundle: BundleR4B | BundleR5) -> dict[str, Any]:
    return json.loads(bundle.model_dump_json())  # type: ignore[no-any-return]


def _resources(bundle: BundleR4B | BundleR5, kind: str) -> list[dict[str, Any]]:
    return [
        e["resource"]
        for e in _dump(bundle)["entry"]
        if e["resource"]["resourceType"] == kind
    ]


class TestToFhir:
    def test_default_is_an_r4b_collection(self) -> None:
        """Without options the bundle is an R4B collection."""
        bundle = to_fhir(_rich_course(), now=NOW)
        assert isinstance(bundle, BundleR4B)
        assert bundle.type == "collection"

    def test_r5_on_request(self) -> None:
        """version="R5" builds an R5 bundle, spelling R5's element names."""
        bundle = to_fhir(_rich_course(), now=NOW, version="R5")
        assert isinstance(bundle, BundleR5)
        administration = _resources(bundle, "MedicationAdministration")[0]
        assert administration["occurenceDateTime"] == "2026-12-07T09:10:00Z"
        request = _resources(bundle, "MedicationRequest")[0]
        assert request["medication"] == {"concept": {"text": "hydroxocobalamin"}}

    def test_one_request_per_phase_linked_to_the_one_before(self) -> None:
        """Each phase is a MedicationRequest; maintenance names loading as prior."""
        bundle = _dump(to_fhir(_rich_course(), now=NOW))
        urls = [
            e["fullUrl"]
            for e in bundle["entry"]
            if e["resource"]["resourceType"] == "MedicationRequest"
        ]
        loading, maintenance = (
            e["resource"]
            for e in bundle["entry"]
            if e["resource"]["resourceType"] == "MedicationRequest"
        )
        assert "priorPrescription" not in loading
        assert maintenance["priorPrescription"] == {"reference": urls[0]}

    def test_loading_timing_reads_as_the_regimen(self) -> None:
        """Mon/Wed/Fri x 6 is dayOfWeek, count and the first dose's time of day."""
        loading = _resources(to_fhir(_rich_course(), now=NOW), "MedicationRequest")[0]
        dosage = loading["dosageInstruction"][0]
        assert dosage["timing"]["repeat"] == {
            "boundsPeriod": {"start": "2026-12-07T09:00:00Z"},
            "count": 6,
            "dayOfWeek": ["mon", "wed", "fri"],
            "frequency": 1,
            "period": 1,
            "periodUnit": "d",
            "timeOfDay": ["09:00:00"],
        }
        assert dosage["doseAndRate"][0]["doseQuantity"] == {
            "value": 1,
            "unit": "mg",
            "system": "http://unitsofmeasure.org",
            "code": "mg",
        }
        assert dosage["route"]["coding"][0]["code"] == "78421000"
        assert dosage["text"].startswith("loading: hydroxocobalamin 1 mg IM")

    def test_lasting_phase_has_an_inclusive_end_date(self) -> None:
        """A Lasting(weeks=2) phase ends on the last local date it covers."""
        course = Course.begin(
            regimens.get("us-label-pernicious-anaemia"),
            first_dose=dt.datetime(2026, 12, 7, 9, tzinfo=LONDON),
        )
        until = dt.datetime(2027, 3, 1, tzinfo=LONDON)
        requests = _resources(to_fhir(course, until=until), "MedicationRequest")
        repeat = requests[2]["dosageInstruction"][0]["timing"]["repeat"]
        # Daily x 7 from 7 Dec, alternate days x 7 from 15 Dec, then every
        # 3 days for 2 weeks from 30 Dec: up to and including 12 Jan.
        assert repeat["boundsPeriod"] == {
            "start": "2026-12-30T09:00:00Z",
            "end": "2027-01-12",
        }

    def test_until_no_further_improvement_says_the_decision_status(self) -> None:
        """The open loading phase of the BNF neurological preset says no decision has been made."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"),
            first_dose=dt.datetime(2026, 12, 7, 9, tzinfo=LONDON),
        )
        loading = _resources(to_fhir(course, now=NOW), "MedicationRequest")[0]
        text = loading["dosageInstruction"][0]["text"]
        assert "until no further improvement" in text
        assert "no decision to end it yet (review point 2026-12-21" in text
        assert loading["status"] == "active"
        ended = course.record_dose(dt.datetime(2026, 12, 7, 9, tzinfo=LONDON))
        ended = ended.end_phase(dt.datetime(2026, 12, 8, tzinfo=LONDON))
        loading = _resources(to_fhir(ended, now=NOW), "MedicationRequest")[0]
        assert (
            "ended by a clinician on 2026-12-08"
            in (loading["dosageInstruction"][0]["text"])
        )
        assert loading["status"] == "completed"

    def test_open_phase_without_a_slot_yet_has_no_bounds(self) -> None:
        """A phase the horizon does not reach yet has a timing but no start."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-non-neuro"),
            first_dose=dt.datetime(2026, 12, 7, 9, tzinfo=LONDON),
        )
        until = dt.datetime(2026, 12, 8, tzinfo=LONDON)
        maintenance = _resources(to_fhir(course, until=until), "MedicationRequest")[1]
        repeat = maintenance["dosageInstruction"][0]["timing"]["repeat"]
        assert "boundsPeriod" not in repeat
        assert repeat["periodUnit"] == "mo"

    def test_doses_given_and_skipped_are_administrations(self) -> None:
        """Given doses are completed, the skipped one is not-done with its reason."""
        administrations = _resources(
            to_fhir(_rich_course(), now=NOW), "MedicationAdministration"
        )
        statuses = [a["status"] for a in administrations]
        assert statuses == ["completed", "completed", "not-done", "completed"]
        first, second, skipped, third = administrations
        assert first["contained"][0]["batch"] == {"lotNumber": "A1234"}
        assert first["medicationReference"] == {"reference": "#lot"}
        assert first["dosage"]["site"]["coding"][0]["code"] == "61396006"
        assert first["note"] == [{"text": "first dose"}]
        assert second["dosage"]["site"] == {"text": "right deltoid"}
        assert skipped["statusReason"] == [{"text": "unwell"}]
        assert third["dosage"]["route"]["text"] == "deep subcutaneous"

    def test_symptoms_and_labs_are_observations(self) -> None:
        """Severity is valueInteger; labs carry UCUM units and NG239 bands."""
        observations = _resources(to_fhir(_rich_course(), now=NOW), "Observation")
        symptom = next(o for o in observations if "valueInteger" in o)
        assert symptom["valueInteger"] == 6
        assert len(symptom["component"]) == 6
        b12 = next(o for o in observations if o["code"]["text"] == "serum B12")
        assert b12["valueQuantity"]["code"] == "ng/L"
        assert b12["code"]["coding"][0]["code"] == "2132-9"
        bands = default_reference(Analyte.SERUM_B12).bands  # type: ignore[union-attr]
        assert [r["text"] for r in b12["referenceRange"]] == [b.label for b in bands]
        assert b12["referenceRange"][1]["low"]["value"] == 180
        assert b12["interpretation"] == [
            {
                "text": bands[0].label,
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                        "code": "L",
                        "display": "Low",
                    }
                ],
            }
        ]
        mma = next(o for o in observations if o["code"]["text"] == "methylmalonic acid")
        assert [c["system"] for c in mma["code"]["coding"]] == [_codes.ANALYTE_SYSTEM]

    def test_patient_reference_given(self) -> None:
        """A given patient reference is the subject and no Patient is added."""
        bundle = to_fhir(_rich_course(), patient="Patient/123")
        resources = [e.resource for e in bundle.entry]
        assert all(r.get_resource_type() != "Patient" for r in resources)
        assert all(
            r.subject.reference == "Patient/123"  # type: ignore[union-attr]
            for r in resources
        )

    def test_minimal_patient_invents_nothing(self) -> None:
        """Without a reference the bundle's one Patient is identified by the course id alone."""
        course = _rich_course()
        bundle = _dump(to_fhir(course))
        patient = bundle["entry"][0]
        assert patient["resource"] == {
            "resourceType": "Patient",
            "identifier": [{"system": _codes.PATIENT_SYSTEM, "value": course.id}],
        }
        for entry in bundle["entry"][1:]:
            assert entry["resource"]["subject"] == {"reference": patient["fullUrl"]}

    @pytest.mark.parametrize("version", ["R4B", "R5"])
    def test_no_patient_is_blank(self, version: str) -> None:
        """No bundle holds a Patient without content (issue 24, item 14)."""
        for bundle_type in ("collection", "transaction"):
            bundle = _dump(
                to_fhir(_rich_course(), version=version, bundle_type=bundle_type)  # type: ignore[arg-type]
            )
            patients = [
                e["resource"]
                for e in bundle["entry"]
                if e["resource"]["resourceType"] == "Patient"
            ]
            assert len(patients) == 1
            assert set(patients[0]) > {"resourceType"}

    def test_transaction_creates_the_patient_once(self) -> None:
        """A transaction creates the course's patient only if none has its identifier."""
        course = _rich_course()
        bundle = _dump(to_fhir(course, bundle_type="transaction"))
        request = bundle["entry"][0]["request"]
        assert request == {
            "method": "POST",
            "url": "Patient",
            "ifNoneExist": f"identifier={_codes.PATIENT_SYSTEM}|{course.id}",
        }

    def test_transaction_posts_every_entry(self) -> None:
        """A transaction bundle has a POST request per entry."""
        bundle = _dump(to_fhir(_rich_course(), bundle_type="transaction"))
        assert bundle["type"] == "transaction"
        assert {e["request"]["method"] for e in bundle["entry"]} == {"POST"}
        assert all(
            e["request"]["url"] == e["resource"]["resourceType"]
            for e in bundle["entry"]
        )

    def test_same_course_same_bundle(self) -> None:
        """Entry URLs derive from the course id, so the bundle is reproducible."""
        course = _rich_course()
        assert to_fhir(course, now=NOW).model_dump_json() == (
            to_fhir(course, now=NOW).model_dump_json()
        )

    def test_until_leaves_later_records_out(self) -> None:
        """Records at or after ``until`` are not written."""
        until = dt.datetime(2026, 12, 8, tzinfo=LONDON)
        bundle = to_fhir(_rich_course(), until=until)
        assert len(_resources(bundle, "MedicationAdministration")) == 1

    def test_performer_written_when_the_record_names_who_gave_it(self) -> None:
        """A dose's ``by`` (where the model has it) becomes the performer."""
        course = _rich_course()
        record = course.given[0]
        if not hasattr(record, "by"):
            pytest.skip("AdministeredDose has no 'by' field yet")
        import attrs

        given = (
            attrs.evolve(record, by="clinician"),
            attrs.evolve(course.given[1], by="self"),
            *course.given[2:],
        )
        course = attrs.evolve(course, given=given)
        r4b = _resources(to_fhir(course), "MedicationAdministration")
        assert r4b[0]["performer"] == [
            {"actor": {"type": "Practitioner", "display": "clinician"}}
        ]
        assert (
            r4b[1]["performer"][0]["actor"]["reference"]
            == (r4b[1]["subject"]["reference"])
        )
        r5 = _resources(to_fhir(course, version="R5"), "MedicationAdministration")[0]
        assert r5["performer"] == [
            {"actor": {"reference": {"type": "Practitioner", "display": "clinician"}}}
        ]
        back = from_fhir(to_fhir(course))
        assert [str(g.by) for g in back.given[:2]] == ["clinician", "self"]

    @pytest.mark.parametrize(
        ("options", "error"),
        [
            ({"version": "R4"}, SettingError),
            ({"bundle_type": "batch"}, SettingError),
            ({"patient": "123"}, SettingError),
            ({"patient": "Patient/"}, SettingError),
            ({"patient": "Patient/1 2"}, SettingError),
            ({"patient": "Patient/../Practitioner/7"}, SettingError),
            ({"patient": "Patient/.."}, SettingError),
            ({"patient": "Patient/" + "a" * 65}, SettingError),
            ({"patient": "Patient/a_b"}, SettingError),
            ({"patient": "Patient/\u0661\u0662\u0663"}, SettingError),
            ({"patient": "Patient/123\n"}, SettingError),
            ({"until": dt.datetime(2027, 1, 1)}, NaiveDatetimeError),
            ({"now": dt.datetime(2027, 1, 1)}, NaiveDatetimeError),
        ],
    )
    def test_bad_options_are_refused(
        self, options: dict[str, Any], error: type[Exception]
    ) -> None:
        """Unknown versions, bundle types, patients and naive instants are refused."""
        with pytest.raises(error):
            to_fhir(_rich_course(), **options)

    def test_not_a_course(self) -> None:
        """Anything but a Course raises NotACourseError."""
        with pytest.raises(NotACourseError):
            to_fhir("course")  # type: ignore[arg-type]


class TestSnapshot:
    def test_bundle_matches_the_golden_file(self) -> None:
        """The R4B bundle of one course is pinned byte for byte."""
        text = to_fhir(_rich_course(), now=NOW).model_dump_json(indent=2) + "\n"
        if os.environ.get("B12COURSE_UPDATE_GOLDEN"):
            GOLDEN.write_text(text, encoding="utf-8")
        assert text == GOLDEN.read_text(encoding="utf-8")

    def test_json_path_matches_the_golden_file(self) -> None:
        """to_fhir_json's text holds the pinned bundle's values (layout aside)."""
        text = to_fhir_json(_rich_course(), now=NOW, indent=2)
        assert json.loads(text) == json.loads(GOLDEN.read_bytes())

    def test_golden_file_validates_as_r4b_and_reads_back(self) -> None:
        """The pinned bundle is valid R4B and reads back as the course."""
        bundle = BundleR4B.model_validate_json(GOLDEN.read_bytes())
        assert from_fhir(bundle) == _rich_course()


# The displays as read on the sources recorded in the code table; a code whose
# display changes in the table (or a new code) must be checked again by hand.
_VERIFIED = {
    (_codes.SNOMED, "78421000"): "Intramuscular route",
    (_codes.SNOMED, "34206005"): "Subcutaneous route",
    (_codes.SNOMED, "26643006"): "Oral route",
    (_codes.SNOMED, "46713006"): "Nasal route",
    (_codes.SNOMED, "37839007"): "Sublingual route",
    (_codes.SNOMED, "61396006"): "Structure of left thigh",
    (_codes.SNOMED, "11207009"): "Structure of right thigh",
    (
        _codes.LOINC,
        "2132-9",
    ): "Cobalamin (Vitamin B12) [Mass/volume] in Serum or Plasma",
    (_codes.LOINC, "13965-9"): "Homocysteine [Moles/volume] in Serum or Plasma",
    (_codes.LOINC, "718-7"): "Hemoglobin [Mass/volume] in Blood",
    (_codes.LOINC, "30428-7"): "MCV [Entitic mean volume] in Red Blood Cells",
    (
        _codes.LOINC,
        "14685-2",
    ): "Cobalamin (Vitamin B12) [Moles/volume] in Serum or Plasma",
    (_codes.LOINC, "72160-5"): "Holo-transcobalamin II [Moles/volume] in Serum",
    (_codes.LOINC, "2284-8"): "Folate [Mass/volume] in Serum or Plasma",
    (_codes.LOINC, "14732-2"): "Folate [Moles/volume] in Serum or Plasma",
    (_codes.INTERPRETATION, "L"): "Low",
    (_codes.INTERPRETATION, "IND"): "Indeterminate",
    (_codes.INTERPRETATION, "N"): "Normal",
    (_codes.LABORATORY.system, "laboratory"): "Laboratory",
}


def _codings(value: object) -> list[dict[str, Any]]:
    """Every Coding (a dict with a system and a code) anywhere in ``value``."""
    found = []
    if isinstance(value, dict):
        if "system" in value and "code" in value and "value" not in value:
            found.append(value)
        for item in value.values():
            found += _codings(item)
    elif isinstance(value, list):
        for item in value:
            found += _codings(item)
    return found


def _every_route_course() -> Course:
    course = _rich_course()
    for day, route, site in (
        (16, Route.ORAL, Site.LEFT_GLUTEAL),
        (18, Route.SUBLINGUAL, Site.RIGHT_THIGH),
        (21, Route.INTRANASAL, None),
    ):
        amount = "500 mcg"
        course = course.record_dose(
            dt.datetime(2026, 12, day, 9, tzinfo=LONDON),
            dose=Dose(Drug.CYANOCOBALAMIN, amount, route),
            site=site,
        )
    return course


class TestCodes:
    def test_table_holds_exactly_the_verified_codes(self) -> None:
        """Every code in the table has the display it was verified with, and a source."""
        assert {(c.system, c.code): c.display for c in _codes.ALL_CODES} == _VERIFIED
        assert all(c.source.strip() for c in _codes.ALL_CODES)

    @pytest.mark.parametrize("version", ["R4B", "R5"])
    def test_every_code_in_use_is_verified(self, version: str) -> None:
        """Each SNOMED CT or LOINC coding a bundle holds is in the table, display too."""
        bundle = _dump(to_fhir(_every_route_course(), version=version))  # type: ignore[arg-type]
        external = [
            c
            for c in _codings(bundle)
            if c["system"]
            in {
                _codes.SNOMED,
                _codes.LOINC,
                _codes.INTERPRETATION,
                _codes.LABORATORY.system,
            }
        ]
        assert {c["code"] for c in external} <= {code for _, code in _VERIFIED}
        for coding in external:
            assert coding["display"] == _VERIFIED[coding["system"], coding["code"]]

    def test_own_code_systems_are_not_published_terminologies(self) -> None:
        """b12course's own codes live under urn:b12course:, never under a real system."""
        own = {
            _codes.COURSE_SYSTEM,
            _codes.SYMPTOM_SYSTEM,
            _codes.TRIGGER_SYSTEM,
            _codes.ANALYTE_SYSTEM,
            _codes.COMPONENT_SYSTEM,
        }
        assert all(system.startswith("urn:b12course:") for system in own)


# -- the timing of each preset, read independently ---------------------------------

_DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` later, or the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _expand_timing(
    repeat: dict[str, Any], zone: zoneinfo.ZoneInfo, until: dt.datetime
) -> list[dt.datetime]:
    """Return the local (naive) times a FHIR Timing.repeat describes before ``until``.

    An independent reading of the FHIR Timing datatype: the events start on the
    date of ``boundsPeriod.start``, at each ``timeOfDay`` (local time), every
    ``period`` ``periodUnit`` (d, wk, or calendar months ``mo``), ``frequency``
    times per period; with ``dayOfWeek`` only on those days; no more than
    ``count`` events, none after the (inclusive) ``boundsPeriod.end`` date.
    """
    assert repeat.get("frequency", 1) == 1
    start = dt.datetime.fromisoformat(
        repeat["boundsPeriod"]["start"].replace("Z", "+00:00")
    ).astimezone(zone)
    first_day = start.date()
    last_day = (
        dt.date.fromisoformat(repeat["boundsPeriod"]["end"])
        if "end" in repeat["boundsPeriod"]
        else dt.date.max
    )
    times = [dt.time.fromisoformat(t) for t in repeat["timeOfDay"]]
    count = repeat.get("count")
    horizon = until.astimezone(zone).replace(tzinfo=None)
    period, unit = repeat["period"], repeat["periodUnit"]
    days = repeat.get("dayOfWeek")
    events: list[dt.datetime] = []
    step = 0
    while True:
        if unit == "mo":
            day = _add_months(first_day, step * period)
        else:
            day = first_day + dt.timedelta(
                days=step * period * (7 if unit == "wk" else 1)
            )
        step += 1
        if day > last_day:
            return events
        if days is not None and _DAY_CODES[day.weekday()] not in days:
            continue
        for time in times:
            moment = dt.datetime.combine(day, time)
            if moment >= horizon or (count is not None and len(events) >= count):
                return events
            events.append(moment)


class TestTimingOfPresets:
    @pytest.mark.parametrize("preset", regimens.available())
    @pytest.mark.parametrize("zone_key", ["Europe/London", "America/New_York"])
    def test_timing_expands_to_the_plan_for_a_year(
        self, preset: str, zone_key: str
    ) -> None:
        """Each phase's Timing, read as FHIR defines it, gives the plan's local times."""
        zone = zoneinfo.ZoneInfo(zone_key)
        # A Monday, so the weekday cadences start on a listed day, and one
        # after which no monthly phase is anchored on the 29th to 31st: FHIR
        # cannot say "the 30th, or the month's last day" (the plan's rule).
        first = dt.datetime(2026, 11, 2, 9, 30, tzinfo=zone)
        until = first + dt.timedelta(days=366)
        course = Course.begin(regimens.get(preset), first_dose=first)
        plan = course.plan(until=until)
        requests = _resources(to_fhir(course, until=until), "MedicationRequest")
        assert len(requests) == len(course.regimen.phases)
        for index, request in enumerate(requests):
            expected = [
                d.due.astimezone(zone).replace(tzinfo=None)
                for d in plan
                if d.phase == index
            ]
            if not expected:
                continue
            repeat = request["dosageInstruction"][0]["timing"]["repeat"]
            # An "until no further improvement" phase is regular up to the end
            # the plan projects for it; the timing itself has no end.
            end = min(
                until,
                max(d.due for d in plan if d.phase == index) + dt.timedelta(seconds=1),
            )
            assert _expand_timing(repeat, zone, end) == expected, request[
                "dosageInstruction"
            ][0]["text"]


class TestCommand:
    def _saved(self, tmp_path: pathlib.Path) -> pathlib.Path:
        path = tmp_path / "course.json"
        path.write_text(b12json.dumps(_rich_course()), encoding="utf-8")
        return path

    def test_writes_a_bundle_file(self, tmp_path: pathlib.Path) -> None:
        """``b12course fhir course.json -o bundle.json`` writes an R4B bundle."""
        out = tmp_path / "bundle.json"
        assert main(["fhir", str(self._saved(tmp_path)), "-o", str(out)]) == 0
        bundle = BundleR4B.model_validate_json(out.read_bytes())
        assert from_fhir(bundle) == _rich_course()

    def test_r5_transaction_with_patient(self, tmp_path: pathlib.Path) -> None:
        """--fhir-version R5, --transaction and --patient reach the bundle."""
        out = tmp_path / "bundle.json"
        argv = ["fhir", str(self._saved(tmp_path)), "-o", str(out)]
        argv += ["--fhir-version", "R5", "--transaction", "--patient", "Patient/9"]
        assert main(argv) == 0
        data = json.loads(out.read_bytes())
        BundleR5.model_validate(data)
        assert data["type"] == "transaction"
        assert data["entry"][0]["resource"]["subject"] == {"reference": "Patient/9"}

    def test_refuses_to_overwrite_without_force(
        self, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An existing output is kept unless --force is given."""
        out = tmp_path / "bundle.json"
        out.write_text("keep", encoding="utf-8")
        saved = str(self._saved(tmp_path))
        assert main(["fhir", saved, "-o", str(out)]) == 2
        assert "already exists" in capsys.readouterr().err
        assert out.read_text(encoding="utf-8") == "keep"
        assert main(["fhir", saved, "-o", str(out), "--force"]) == 0
        assert json.loads(out.read_bytes())["resourceType"] == "Bundle"

    def test_writes_to_stdout_by_default(
        self, tmp_path: pathlib.Path, capsysbinary: pytest.CaptureFixture[bytes]
    ) -> None:
        """Without -o the bundle goes to standard output."""
        assert main(["fhir", str(self._saved(tmp_path))]) == 0
        assert json.loads(capsysbinary.readouterr().out)["type"] == "collection"

    def test_without_the_extra(
        self, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The command writes through to_fhir_json: fhir.resources is not needed."""
        out = tmp_path / "bundle.json"
        saved = str(self._saved(tmp_path))
        with monkeypatch.context() as blocked:
            blocked.setitem(sys.modules, "fhir.resources", None)
            assert main(["fhir", saved, "-o", str(out)]) == 0
        text = out.read_text(encoding="utf-8")
        assert text.startswith('{\n  "resourceType": "Bundle",\n')
        assert text.endswith("}\n")
        bundle = BundleR4B.model_validate_json(text)
        assert from_fhir(bundle) == _rich_course()
        stamp = json.loads(text)["timestamp"]
        expected = to_fhir(
            _rich_course(), now=dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        )
        assert json.loads(text) == json.loads(expected.model_dump_json())

    def test_missing_course_file(
        self, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A course file that does not exist is an I/O error (status 1)."""
        assert main(["fhir", str(tmp_path / "nope.json")]) == 1
        assert "nope.json" in capsys.readouterr().err


class TestOptional:
    def test_import_b12course_does_not_import_fhir_resources(self) -> None:
        """``import b12course`` (and its CLI parser) leaves fhir.resources unloaded."""
        code = (
            "import sys, b12course, b12course.cli; b12course.cli._parser(); "
            "print(any(m.startswith('fhir') for m in sys.modules))"
        )
        result = subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert result.stdout.strip() == "False"


class TestNewFromFhir:
    def test_new_starts_a_course_file_from_a_bundle(self, tmp_path, capsys):
        """`b12course new --from-fhir` writes the course the bundle carries."""
        from b12course.fhir import carried

        course = _rich_course()
        bundle = tmp_path / "bundle.json"
        bundle.write_text(to_fhir(course, now=NOW).model_dump_json())
        out = tmp_path / "course.json"
        assert main(["new", "--from-fhir", str(bundle), "-o", str(out)]) == 0
        assert b12json.loads(out.read_bytes()) == carried(course)
        assert "started course" in capsys.readouterr().err

    def test_new_from_a_bundle_takes_another_id(self, tmp_path):
        """--id renames the course read from the bundle."""
        bundle = tmp_path / "bundle.json"
        bundle.write_text(to_fhir(_rich_course(), now=NOW).model_dump_json())
        out = tmp_path / "course.json"
        assert (
            main(["new", "--from-fhir", str(bundle), "--id", "p7", "-o", str(out)]) == 0
        )
        assert b12json.loads(out.read_bytes()).id == "p7"

    @pytest.mark.parametrize(
        "extra",
        [
            ["bnf-hydroxocobalamin-neuro"],
            ["--start", "2026-12-01"],
            ["--tz", "Europe/London"],
        ],
    )
    def test_new_from_a_bundle_refuses_a_preset_too(self, tmp_path, capsys, extra):
        """A preset, --start or --tz beside --from-fhir is refused with one line."""
        bundle = tmp_path / "bundle.json"
        bundle.write_text(to_fhir(_rich_course(), now=NOW).model_dump_json())
        argv = [
            "new",
            *extra,
            "--from-fhir",
            str(bundle),
            "-o",
            str(tmp_path / "c.json"),
        ]
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "--from-fhir takes" in err
        assert not (tmp_path / "c.json").exists()

    def test_new_needs_a_preset_or_a_bundle(self, tmp_path, capsys):
        """`new` with neither a preset nor a bundle says what it needs."""
        assert main(["new", "-o", str(tmp_path / "c.json")]) == 2
        assert "needs a PRESET" in capsys.readouterr().err

    def test_new_from_a_bad_bundle(self, tmp_path, capsys):
        """A file that is not a bundle is refused with one line, and no course file."""
        bundle = tmp_path / "bundle.json"
        bundle.write_text('{"resourceType": "Patient"}')
        assert (
            main(["new", "--from-fhir", str(bundle), "-o", str(tmp_path / "c.json")])
            == 2
        )
        assert len(capsys.readouterr().err.strip().splitlines()) == 1
        assert not (tmp_path / "c.json").exists()


# -- what FHIR can carry (issue 24, items 11 and 16) -------------------------------

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
PLUS_15 = dt.timezone(dt.timedelta(hours=15))


def _course_at(first: dt.datetime) -> Course:
    return Course.begin(
        regimens.get("bnf-hydroxocobalamin-non-neuro"), first_dose=first, id="edge"
    ).record_dose(first + dt.timedelta(hours=1))


class TestInstantsFhirCarries:
    @pytest.mark.parametrize("version", ["R4B", "R5"])
    def test_historic_seconds_offset_is_written_in_utc(self, version: str) -> None:
        """Amsterdam's +00:19:32 of 1900 is written in UTC and reads back in the zone."""
        course = _course_at(dt.datetime(1900, 1, 8, 9, tzinfo=AMSTERDAM))
        bundle = _dump(to_fhir(course, version=version))  # type: ignore[arg-type]
        request = _first_of(bundle, "MedicationRequest")
        start = request["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"]
        assert start["start"] == "1900-01-08T08:40:28Z"
        back = from_fhir(bundle)
        assert back == course
        assert back.first_dose.tzinfo is AMSTERDAM
        assert back.given[0].at.utcoffset() == dt.timedelta(minutes=19, seconds=32)

    def test_offset_past_fourteen_hours_is_written_in_utc(self) -> None:
        """A dose given at UTC+15:00 is written as the same instant in UTC."""
        course = _course_at(dt.datetime(2026, 12, 7, 9, tzinfo=LONDON)).record_dose(
            dt.datetime(2026, 12, 9, 21, tzinfo=PLUS_15)
        )
        bundle = _dump(to_fhir(course, now=dt.datetime(2026, 12, 10, tzinfo=PLUS_15)))
        times = [
            e["resource"]["effectiveDateTime"]
            for e in bundle["entry"]
            if e["resource"]["resourceType"] == "MedicationAdministration"
        ]
        assert "2026-12-09T06:00:00Z" in times
        assert bundle["timestamp"] == "2026-12-09T09:00:00Z"
        assert from_fhir(bundle) == course

    @given(offset=st.integers(-86399, 86399), version=st.sampled_from(["R4B", "R5"]))
    def test_any_offset_is_written_as_fhir_carries(
        self, official_schema: Any, offset: int, version: str
    ) -> None:
        """A dose and a present at any UTC offset give a valid bundle that reads back."""
        zone = dt.timezone(dt.timedelta(seconds=offset))
        course = _course_at(dt.datetime(2026, 12, 7, 9, tzinfo=LONDON)).record_dose(
            dt.datetime(2026, 12, 9, 12, tzinfo=zone)
        )
        bundle = to_fhir(
            course,
            now=dt.datetime(2026, 12, 10, tzinfo=zone),
            version=version,  # type: ignore[arg-type]
        )
        assert (
            official_schema.problems(json.loads(bundle.model_dump_json()), version)
            == []
        )
        assert from_fhir(bundle) == carried(course)

    def test_whole_minute_offsets_within_fourteen_hours_are_kept(self) -> None:
        """Offsets FHIR allows (Kiritimati's +14:00, Nepal's +05:45) are written as given."""
        kiritimati = zoneinfo.ZoneInfo("Pacific/Kiritimati")
        course = _course_at(dt.datetime(2026, 12, 7, 9, tzinfo=kiritimati)).record_dose(
            dt.datetime(2026, 12, 9, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Kathmandu"))
        )
        text = to_fhir(course).model_dump_json()
        assert "2026-12-07T09:00:00+14:00" in text
        assert "2026-12-09T09:00:00+05:45" in text

    def test_instant_beyond_the_calendar_in_utc_is_refused(self) -> None:
        """An instant whose UTC falls before year 1 raises ExportError, not pydantic's error."""
        early = dt.datetime(1, 1, 1, 0, 30, tzinfo=PLUS_15)
        with pytest.raises(ExportError, match="FHIR dateTime"):
            fhir_datetime(early)

    @pytest.mark.parametrize(
        "patient",
        ["Patient/123", "Patient/A-1.b", "Patient/" + "a" * 64, "Patient/..."],
    )
    def test_patient_ids_of_the_fhir_grammar_are_taken(self, patient: str) -> None:
        """A reference whose id follows [A-Za-z0-9-.]{1,64} is the subject."""
        bundle = _dump(to_fhir(_rich_course(), patient=patient))
        assert {e["resource"]["subject"]["reference"] for e in bundle["entry"]} == {
            patient
        }

    def test_patient_reference_error_names_the_grammar(self) -> None:
        """A path through the patient is refused with a message naming FHIR ids."""
        with pytest.raises(SettingError, match="FHIR id") as info:
            to_fhir(_rich_course(), patient="Patient/../Practitioner/7")
        assert info.value.value == "Patient/../Practitioner/7"


def _first_of(bundle: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind
    )


class TestCodeTable:
    def test_every_lab_unit_is_coded_or_listed_as_text(self) -> None:
        """Each analyte in each of its units has a LOINC code or a reason it has none."""
        for analyte in Analyte:
            units = _labs_units(analyte)
            for unit in units:
                coded = _codes.lab_code(analyte, unit) is not None
                listed = (analyte.value, unit) in _codes.TEXT_ONLY_LABS
                assert coded != listed, (analyte, unit)

    def test_molar_serum_b12_carries_14685_2(self) -> None:
        """A serum B12 result in pmol/L is coded 14685-2 (issue 28)."""
        course = _rich_course().record_lab(
            LabResult(
                at=dt.datetime(2026, 12, 15, 9, tzinfo=LONDON),
                analyte=Analyte.SERUM_B12,
                value=300,
                unit="pmol/L",
            )
        )
        labs = [
            o
            for o in _resources(to_fhir(course), "Observation")
            if o["code"]["text"] == "serum B12"
            and o["valueQuantity"]["code"] == "pmol/L"
        ]
        assert [c["code"] for c in labs[0]["code"]["coding"]] == [
            "14685-2",
            Analyte.SERUM_B12.value,
        ]
        assert labs[0]["interpretation"][0]["coding"][0]["code"] == "N"

    def test_interpretation_coded_only_where_a_band_exists(self) -> None:
        """Labs without a default range have neither interpretation text nor code."""
        for observation in _resources(to_fhir(_rich_course()), "Observation"):
            if observation["code"]["text"] in {"serum B12", "active B12"}:
                assert observation["interpretation"][0]["coding"]
            else:
                assert "interpretation" not in observation

    def test_folate_codes_wait_for_the_analyte(self) -> None:
        """Serum folate's codes are keyed by the analyte's value, mass and molar."""
        assert _codes.SERUM_FOLATE == "serum folate"
        table = _codes._LABS
        assert table[_codes.SERUM_FOLATE, "nmol/L"].code == "14732-2"
        assert table[_codes.SERUM_FOLATE, "µg/L"].code == "2284-8"


def _labs_units(analyte: Analyte) -> tuple[str, ...]:
    from b12course import _labs

    return tuple(_labs._UNITS[analyte])


class TestExtensions:
    def test_no_urn_extension_url_is_written(self) -> None:
        """Every extension URL of a bundle is under the documentation site's base."""
        for version in ("R4B", "R5"):
            bundle = _dump(to_fhir(_rich_course(), version=version))  # type: ignore[arg-type]
            urls = _extension_urls(bundle)
            assert urls
            assert all(u.startswith(_codes.EXTENSION_BASE) for u in urls)

    def test_each_extension_has_its_structure_definition(self) -> None:
        """The package ships one StructureDefinition per extension, at its URL."""
        for name in _codes.EXTENSION_NAMES:
            definition = structure_definitions()[name]
            assert definition["url"] == _codes.EXTENSION_BASE + name
            assert definition["type"] == "Extension"
            assert definition["resourceType"] == "StructureDefinition"

    def test_every_part_written_is_defined(self) -> None:
        """Each sub-extension a bundle writes is a slice of its StructureDefinition."""
        definitions = {
            d["url"]: {
                e["sliceName"] for e in d["differential"]["element"] if "sliceName" in e
            }
            for d in structure_definitions().values()
        }
        for course in (_rich_course(), *_confirmed_and_corrected_courses()):
            bundle = _dump(
                to_fhir(course, until=course.first_dose + dt.timedelta(days=400))
            )
            for extension in _extensions(bundle):
                parts = {p["url"] for p in extension["extension"]}
                assert parts <= definitions[extension["url"]], extension["url"]

    def test_0_2_bundle_with_urn_extensions_reads_back(self) -> None:
        """A bundle b12course 0.2 wrote (urn: extensions) reads as today's does."""
        old = json.loads(LEGACY.read_bytes())
        assert "urn:b12course:fhir:course" in _extension_urls(old)
        assert from_fhir(GOLDEN.read_bytes()) == _rich_course()
        # The preset's notes were reworded since 0.2: the record is the same.
        back = from_fhir(old)
        assert back.regimen.id == _rich_course().regimen.id
        assert attrs.evolve(back, regimen=_rich_course().regimen) == _rich_course()


DAY = dt.timedelta(days=1)


def _confirmed_and_corrected_courses() -> tuple[Course, Course]:
    """A US label course a clinician confirmed; a BNF course amended and voided."""
    new_york = zoneinfo.ZoneInfo("America/New_York")
    first = dt.datetime(2026, 12, 1, 9, tzinfo=new_york)
    us = Course.begin(
        regimens.get("us-label-pernicious-anaemia"), first_dose=first, id="us"
    ).record_dose(first)
    us = us.confirm_phase(first + 6 * DAY, "reticulocytes rose", by="clinician")
    start = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
    uk = Course.begin(
        regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=start, id="uk"
    ).record_dose(start, site="left deltoid")
    uk = uk.log_symptom(
        SymptomEntry(at=start + DAY, symptom=Symptom.TREMOR, severity=3)
    ).end_phase(start + 10 * DAY, "no further improvement", by="clinician")
    uk = uk.amend(
        uk.given[0], {"site": "right deltoid"}, reason="wrong site", at=start + 11 * DAY
    )
    uk = uk.void(uk.symptoms[0], "other patient", at=start + 11 * DAY)
    return us, uk.void(uk.decisions[0], "entered twice", at=start + 12 * DAY)


LEGACY = pathlib.Path(__file__).parent / "golden" / "fhir-0.2-bnf-non-neuro-r4b.json"


def _extension_urls(value: object) -> set[str]:
    """The URLs of the top-level extensions anywhere in ``value``."""
    found: set[str] = set()
    if isinstance(value, dict):
        for extension in value.get("extension", []):
            found.add(extension["url"])
        for key, item in value.items():
            if key != "extension":
                found |= _extension_urls(item)
    elif isinstance(value, list):
        for item in value:
            found |= _extension_urls(item)
    return found


def _extensions(value: object) -> list[dict[str, Any]]:
    """Every top-level extension anywhere in ``value``."""
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        found += value.get("extension", [])
        for key, item in value.items():
            if key != "extension":
                found += _extensions(item)
    elif isinstance(value, list):
        for item in value:
            found += _extensions(item)
    return found


# -- HL7's own JSON schema, an independent judge (issue 28) ------------------------

_PRESETS = (
    "bnf-hydroxocobalamin-non-neuro",
    "bnf-hydroxocobalamin-neuro",
    "us-label-pernicious-anaemia",
)


def _preset_courses() -> list[Course]:
    courses = [_rich_course(), _every_route_course()]
    for preset in _PRESETS:
        first = dt.datetime(2026, 12, 7, 9, tzinfo=LONDON)
        course = Course.begin(regimens.get(preset), first_dose=first, id=preset)
        courses.append(course.record_dose(first))
    return courses


class TestOfficialSchema:
    @pytest.mark.parametrize("version", ["R4B", "R5"])
    @pytest.mark.parametrize("bundle_type", ["collection", "transaction"])
    @pytest.mark.parametrize("patient", [None, "Patient/123"])
    def test_bundles_pass_hl7_schema(
        self, official_schema: Any, version: str, bundle_type: str, patient: str | None
    ) -> None:
        """Bundles with and without a patient pass HL7's schema and required bindings."""
        for course in _preset_courses():
            bundle = to_fhir(
                course,
                now=NOW,
                patient=patient,
                version=version,  # type: ignore[arg-type]
                bundle_type=bundle_type,  # type: ignore[arg-type]
            )
            dumped = json.loads(bundle.model_dump_json())
            assert official_schema.problems(dumped, version) == []
            # The JSON path, which skips fhir.resources' validation, as well.
            text = to_fhir_json(
                course,
                now=NOW,
                patient=patient,
                version=version,  # type: ignore[arg-type]
                bundle_type=bundle_type,  # type: ignore[arg-type]
            )
            assert official_schema.problems(json.loads(text), version) == []
            assert json.loads(text) == dumped

    @pytest.mark.parametrize("version", ["R4B", "R5"])
    def test_structure_definitions_pass_hl7_schema(
        self, official_schema: Any, version: str
    ) -> None:
        """Each shipped StructureDefinition is a valid resource of either version."""
        for definition in structure_definitions().values():
            wrapped = {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [{"resource": definition}],
            }
            assert official_schema.problems(wrapped, version) == []

    def test_without_the_registry_it_fails_clearly(
        self, fhir_schema: Any, tmp_path, monkeypatch
    ) -> None:
        """No cache and no registry: the schema fixture fails with a message, never skips."""
        monkeypatch.setenv("B12COURSE_CACHE", str(tmp_path))
        monkeypatch.setattr(fhir_schema, "REGISTRY", "http://127.0.0.1:9")
        with pytest.raises(pytest.fail.Exception, match="cannot fetch HL7's FHIR"):
            fhir_schema.schema_path("R4B")

    def test_the_judge_refuses_what_0_2_wrote(self, official_schema: Any) -> None:
        """The checks fail the 0.2 empty Patient, a +15:00 instant and a bad status."""
        bundle = json.loads(GOLDEN.read_bytes())
        empty = copy.deepcopy(bundle)
        empty["entry"][0]["resource"] = {"resourceType": "Patient"}
        assert official_schema.problems(empty, "R4B") == [
            "entry[0].resource: has no value or children"
        ]
        late = copy.deepcopy(bundle)
        late["entry"][3]["resource"]["effectiveDateTime"] = "2026-12-07T09:00:00+15:00"
        assert any(
            "effectiveDateTime" in p for p in official_schema.problems(late, "R4B")
        )
        done = copy.deepcopy(bundle)
        done["entry"][1]["resource"]["status"] = "done"
        assert official_schema.problems(done, "R4B") == [
            "MedicationRequest.status: 'done' is not in the value set"
        ]
        alien = copy.deepcopy(bundle)
        alien["entry"][1]["resource"]["dosage"] = []
        assert official_schema.problems(alien, "R4B")


class TestConditionsAndDecisionsInFhir:
    NEW_YORK = zoneinfo.ZoneInfo("America/New_York")

    def _us(self) -> Course:
        first = dt.datetime(2026, 12, 1, 9, tzinfo=self.NEW_YORK)
        return Course.begin(
            regimens.get("us-label-pernicious-anaemia"), first_dose=first, id="us"
        )

    def _texts(self, bundle) -> list[str]:
        bundle = json.loads(bundle.model_dump_json())
        return [
            e["resource"]["dosageInstruction"][0]["text"]
            for e in bundle["entry"]
            if e["resource"]["resourceType"] == "MedicationRequest"
        ]

    def test_an_unconfirmed_alternate_day_phase_reads_as_provisional_in_fhir(self):
        """The conditional phases' dosage text gives the condition and that it is unconfirmed."""
        texts = self._texts(to_fhir(self._us()))
        assert "reticulocyte response" in texts[1]
        assert "not yet confirmed by a clinician" in texts[1]
        assert "not yet confirmed" not in texts[0]

    def test_a_clinicians_confirmation_travels_through_fhir_and_back(self):
        """Who confirmed the response, when and why reads back from the bundle."""
        course = self._us().confirm_phase(
            dt.datetime(2026, 12, 7, 10, tzinfo=self.NEW_YORK),
            "reticulocytes rose",
            by="clinician",
        )
        bundle = to_fhir(course)
        texts = self._texts(bundle)
        assert "condition confirmed by a clinician on 2026-12-07" in texts[1]
        assert "condition confirmed with the phase before" in texts[2]
        assert from_fhir(bundle) == course

    def test_who_ended_the_phase_travels_through_fhir_and_back(self):
        """A decision by the person themselves is written and read back with its reason."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first, id="n"
        )
        course = course.record_dose(first).end_phase(
            first + dt.timedelta(days=12), "no better", by="self"
        )
        bundle = to_fhir(course)
        assert (
            "ended by the person themselves on 2026-12-13 (no better)"
            in self._texts(bundle)[0]
        )
        assert from_fhir(bundle) == course

    def test_dietary_maintenance_wording_travels_through_fhir(self):
        """'Until a clinician ends it (lifelong in vegans)' is kept by FHIR."""
        first = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
        course = Course.begin(regimens.get("nice-dietary-oral"), first_dose=first)
        assert from_fhir(to_fhir(course)) == course
