"""Tests for b12course.fhir.to_fhir_json: the bundle's JSON text without the model.

The JSON path skips ``fhir.resources``' validation, so these tests are its
guarantee: on courses drawn by the public strategies its text validates as the
model of either version and equals the model ``to_fhir`` builds, value for
value, and passes HL7's own JSON schema.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import uuid
import zoneinfo
from typing import Any

import pytest

pytest.importorskip("fhir.resources")

from fhir.resources.bundle import Bundle as BundleR5
from fhir.resources.R4B.bundle import Bundle as BundleR4B
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from b12course import (
    Analyte,
    Course,
    LabResult,
    Symptom,
    SymptomEntry,
    regimens,
    strategies,
)
from b12course.exceptions import NotACourseError, SettingError
from b12course.fhir import carried, from_fhir, to_fhir, to_fhir_json
from b12course.fhir._strings import REFUSED, SUSPECT_IN_JSON, fhir_string
from b12course.fhir._write import _NAMESPACE, _dumps, _Writer, build_bundle
from support.profiles import scaled

LONDON = zoneinfo.ZoneInfo("Europe/London")
FIRST = dt.datetime(2026, 12, 7, 9, tzinfo=LONDON)
NOW = dt.datetime(2027, 1, 10, 12, tzinfo=LONDON)

_PATIENTS = st.none() | st.from_regex(
    r"Patient/[A-Za-z0-9\-.]{1,64}", fullmatch=True
).filter(lambda p: p not in {"Patient/.", "Patient/.."})
_COURSES = strategies.courses(max_given=6) | strategies.corrected_courses(
    courses=strategies.courses(max_given=4, max_symptoms=3, max_labs=2)
)

# Text UTF-8 can encode (no lone surrogates), as ids and keys are.
_TEXT = st.text(st.characters(exclude_categories=["Cs"]))


def _refused(char: str) -> bool:
    """The definition: ECMAScript whitespace but space, tab, CR and LF."""
    return (char.isspace() or char == "\ufeff") and char not in " \t\r\n"


def _course() -> Course:
    course = Course.begin(
        regimens.get("bnf-hydroxocobalamin-non-neuro"), first_dose=FIRST, id="j"
    )
    course = course.record_dose(FIRST + dt.timedelta(minutes=5), lot="AB123")
    course = course.log_symptom(
        SymptomEntry(
            at=FIRST + dt.timedelta(days=1), symptom=Symptom.TREMOR, severity=4
        )
    )
    return course.record_lab(
        LabResult(
            at=FIRST - dt.timedelta(days=6),
            analyte=Analyte.SERUM_B12,
            value=150.0,
            unit="ng/L",
        )
    )


class TestSameAsTheModel:
    # A tenth of the profile's examples: each builds and validates two bundles.
    @scaled(
        0.1,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        course=_COURSES,
        version=st.sampled_from(["R4B", "R5"]),
        transaction=st.booleans(),
        patient=_PATIENTS,
        stamped=st.booleans(),
    )
    def test_text_validates_as_the_model_and_equals_it(
        self,
        course: Course,
        version: str,
        transaction: bool,
        patient: str | None,
        stamped: bool,
    ) -> None:
        """The text is a valid Bundle of its version, equal to ``to_fhir``'s.

        Equal as a model (validated from the text) and as parsed JSON (the
        model's own ``model_dump_json``), and it reads back as the course.
        """
        options: dict[str, Any] = {
            "version": version,
            "bundle_type": "transaction" if transaction else "collection",
            "patient": patient,
            "now": course.first_dose + dt.timedelta(days=30) if stamped else None,
        }
        text = to_fhir_json(course, **options)
        model = to_fhir(course, **options)
        bundle_class = BundleR5 if version == "R5" else BundleR4B
        assert bundle_class.model_validate_json(text) == model
        assert json.loads(text) == json.loads(model.model_dump_json())
        assert from_fhir(text) == carried(course)

    @scaled(0.1, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(course=_COURSES, version=st.sampled_from(["R4B", "R5"]))
    def test_text_passes_hl7_schema(
        self, official_schema: Any, course: Course, version: str
    ) -> None:
        """HL7's JSON schema and the required bindings take the text as it is."""
        text = to_fhir_json(course, version=version)  # type: ignore[arg-type]
        assert official_schema.problems(json.loads(text), version) == []

    @scaled(0.2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        course=_COURSES,
        version=st.sampled_from(["R4B", "R5"]),
        transaction=st.booleans(),
        patient=_PATIENTS,
    )
    def test_fast_text_is_the_text_of_the_dicts(
        self, course: Course, version: str, transaction: bool, patient: str | None
    ) -> None:
        """Plain symptom entries written as text ahead: byte for byte the dicts' JSON."""
        options: dict[str, Any] = {
            "until": None,
            "now": None,
            "version": version,
            "bundle_type": "transaction" if transaction else "collection",
            "patient": patient,
        }
        text = to_fhir_json(course, **options)
        assert text == _dumps(build_bundle(course, **options), None)

    @pytest.mark.parametrize("name", ["cramps", "cramps\u00a0at night", "caf\u00e9"])
    @pytest.mark.parametrize("bundle_type", ["collection", "transaction"])
    def test_many_plain_entries_as_the_model_writes_them(
        self, name: str, bundle_type: str
    ) -> None:
        """Plain entries of several symptoms (one named, maybe with a refused space)."""
        course = _course()
        for k in range(40):
            course = course.log_symptom(
                SymptomEntry(
                    at=FIRST + dt.timedelta(hours=5 * k + 1),
                    symptom=Symptom.OTHER if k % 3 == 0 else Symptom.FATIGUE,
                    name=name if k % 3 == 0 else None,
                    severity=k % 11,
                )
            )
        options: dict[str, Any] = {"now": NOW, "bundle_type": bundle_type}
        text = to_fhir_json(course, **options)
        model = to_fhir(course, **options)
        assert json.loads(text) == json.loads(model.model_dump_json())
        assert BundleR4B.model_validate_json(text) == model
        assert text == _dumps(
            build_bundle(course, until=None, patient=None, version="R4B", **options),
            None,
        )
        assert from_fhir(text) == carried(course)

    @pytest.mark.parametrize("note", ["plain", "no-break\u00a0space"])
    def test_the_timeline_is_computed_once(
        self, note: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """One timeline a call, also when a refused character sends it the long way."""
        course = _course().record_dose(FIRST + dt.timedelta(days=2), note=note)
        calls = []
        timeline = Course.timeline

        def counted(self: Course, *args: Any, **kwargs: Any) -> Any:
            calls.append(1)
            return timeline(self, *args, **kwargs)

        monkeypatch.setattr(Course, "timeline", counted)
        text = to_fhir_json(course, now=NOW)
        assert len(calls) == 1
        assert "no-break space" in text or "plain" in text

    def test_same_course_same_text(self) -> None:
        """The text is deterministic: ids, order and spelling."""
        assert to_fhir_json(_course(), now=NOW) == to_fhir_json(_course(), now=NOW)

    def test_indent_changes_only_the_layout(self) -> None:
        """indent=2 writes one member a line; the values are the compact text's."""
        compact = to_fhir_json(_course(), now=NOW)
        indented = to_fhir_json(_course(), now=NOW, indent=2)
        parsed = json.loads(compact)
        assert compact == json.dumps(parsed, separators=(",", ":"), ensure_ascii=False)
        assert indented.startswith('{\n  "resourceType": "Bundle",\n')
        assert json.loads(indented) == parsed

    def test_decimals_are_json_numbers(self) -> None:
        """Doses and lab values are numbers, as the model writes them: 1, 150.0."""
        data = json.loads(to_fhir_json(_course(), now=NOW))
        resources = [e["resource"] for e in data["entry"]]
        request = resources[1]
        assert (
            request["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"]
            == 1
        )
        lab = next(r for r in resources if "valueQuantity" in r)
        assert lab["valueQuantity"]["value"] == 150.0
        text = to_fhir_json(_course(), now=NOW)
        assert '"value":1,' in text
        assert '"value":150.0,' in text

    def test_utc_is_written_as_z(self) -> None:
        """An instant at UTC+00:00 is written with Z, as the model writes it."""
        data = json.loads(to_fhir_json(_course(), now=NOW))
        given = next(
            e["resource"]
            for e in data["entry"]
            if e["resource"]["resourceType"] == "MedicationAdministration"
        )
        assert given["effectiveDateTime"] == "2026-12-07T09:05:00Z"

    def test_reads_back_as_text_bytes_and_dict(self) -> None:
        """from_fhir takes the text, its UTF-8 bytes and the parsed dict."""
        text = to_fhir_json(_course(), now=NOW, version="R5")
        assert (
            from_fhir(text)
            == from_fhir(text.encode())
            == from_fhir(json.loads(text))
            == _course()
        )

    @pytest.mark.parametrize(
        "options",
        [
            {"indent": -1},
            {"indent": 1.5},
            {"indent": True},
            {"indent": "  "},
            {"version": "R4"},
            {"bundle_type": "batch"},
            {"patient": "123"},
        ],
    )
    def test_bad_options_are_refused(self, options: dict[str, Any]) -> None:
        """A bad indent, version, bundle type or patient is a SettingError."""
        with pytest.raises(SettingError):
            to_fhir_json(_course(), **options)

    def test_not_a_course(self) -> None:
        """Anything but a Course raises NotACourseError."""
        with pytest.raises(NotACourseError):
            to_fhir_json("course")  # type: ignore[arg-type]


class TestText:
    def test_refused_is_the_definition_on_every_code_point(self) -> None:
        """REFUSED matches a character exactly when FHIR refuses it."""
        wrong = [
            hex(code)
            for code in range(sys.maxunicode + 1)
            if (REFUSED.fullmatch(chr(code)) is not None) != _refused(chr(code))
        ]
        assert wrong == []

    def test_suspect_finds_every_refused_character_in_json(self) -> None:
        """As itself or as json's escape, each refused character is seen."""
        refused = [chr(c) for c in range(sys.maxunicode + 1) if _refused(chr(c))]
        for char in refused:
            text = json.dumps({"note": f"a{char}b"}, ensure_ascii=False)
            assert SUSPECT_IN_JSON.search(text) is not None, hex(ord(char))

    @given(text=st.text())
    def test_fhir_string_replaces_each_refused_character(self, text: str) -> None:
        """fhir_string replaces exactly the refused characters, one for one."""
        expected = "".join(" " if _refused(c) else c for c in text)
        assert fhir_string(text) == expected

    @pytest.mark.parametrize(
        "note",
        [
            "a\u00a0b",
            "a\x0bb",
            "a\x0cb",
            "a\x1cb",
            "a\ufeffb",
            "a\u2028b",
            "caf\u00e9\u00a0b",
        ],
    )
    def test_refused_whitespace_is_written_as_a_space(self, note: str) -> None:
        """A refused character in a note is a space in the text, as in the model."""
        course = _course().record_dose(FIRST + dt.timedelta(days=2), note=note)
        text = to_fhir_json(course, now=NOW)
        notes = [
            n["text"]
            for e in json.loads(text)["entry"]
            for n in e["resource"].get("note", [])
        ]
        assert notes == [fhir_string(note)]
        assert json.loads(text) == json.loads(
            to_fhir(course, now=NOW).model_dump_json()
        )

    @pytest.mark.parametrize(
        "note", ["C:\\files\\fever", "\\u000b is text", "caf\u00e9"]
    )
    def test_backslashes_and_accents_are_kept(self, note: str) -> None:
        """A backslash before f or u, or an accent, is text, kept as written."""
        course = _course().record_dose(FIRST + dt.timedelta(days=2), note=note)
        text = to_fhir_json(course, now=NOW)
        notes = [
            n["text"]
            for e in json.loads(text)["entry"]
            for n in e["resource"].get("note", [])
        ]
        assert notes == [note]
        if not note.isascii():
            assert note in text  # written as itself, UTF-8 when encoded

    @given(key=_TEXT, course_id=_TEXT.filter(bool))
    def test_entry_ids_are_uuid5(self, key: str, course_id: str) -> None:
        """The fast ids are uuid5 of the namespace and "<course id>/<key>"."""
        writer = object.__new__(_Writer)
        writer._hashed_id = _Writer._hash_id(course_id)
        expected = uuid.uuid5(_NAMESPACE, f"{course_id}/{key}")
        assert writer._url(key) == f"urn:uuid:{expected}"


class TestWithoutTheExtra:
    def test_to_fhir_json_never_imports_fhir_resources(self) -> None:
        """The JSON path runs without fhir.resources (nor pydantic) loaded."""
        code = (
            "import sys, datetime as dt, zoneinfo\n"
            "sys.modules['fhir.resources'] = None\n"
            "from b12course import Course, regimens\n"
            "from b12course.fhir import to_fhir_json, from_fhir\n"
            "z = zoneinfo.ZoneInfo('Europe/London')\n"
            "c = Course.begin(regimens.get('bnf-hydroxocobalamin-neuro'),"
            " first_dose=dt.datetime(2026, 12, 7, 9, tzinfo=z))\n"
            "assert from_fhir(to_fhir_json(c)) == c\n"
            "print(sorted(m for m in sys.modules"
            " if m.startswith(('fhir', 'pydantic')) and sys.modules[m]))\n"
        )
        result = subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert result.stdout.strip() == "[]"
