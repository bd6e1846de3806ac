import contextlib
import datetime as dt
import json
import subprocess
import sys
import zoneinfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import b12course as b12
from b12course import Course, Symptom, SymptomEntry, regimens
from b12course import json as b12json
from b12course import strategies as b12st
from b12course.exceptions import CourseFormatError, NotACourseError

LONDON = zoneinfo.ZoneInfo("Europe/London")
SYDNEY = zoneinfo.ZoneInfo("Australia/Sydney")
START = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
small_courses = b12st.courses(max_given=3, max_symptoms=2, max_labs=2)


def instants(value, found=None):
    """Every datetime inside an attrs value, in field order."""
    found = [] if found is None else found
    if isinstance(value, dt.datetime):
        found.append(value)
    elif isinstance(value, tuple):
        for item in value:
            instants(item, found)
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            instants(getattr(value, field.name), found)
    return found


def exactly(value: dt.datetime):
    """What must survive a round trip: wall time, fold, offset and zone."""
    tz = value.tzinfo
    key = tz.key if isinstance(tz, zoneinfo.ZoneInfo) else None
    return (value.replace(tzinfo=None), value.utcoffset(), key, type(tz))


def sample_course() -> Course:
    course = Course.begin(
        regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START, id="c1"
    )
    course = course.record_dose(START, site="left deltoid", lot="A1", note="ok")
    course = course.log_symptom(
        SymptomEntry(
            at=START - dt.timedelta(days=2),
            symptom=Symptom.MYOCLONUS,
            severity=5,
            body_sites=("hands",),
        )
    )
    return course.record_lab(
        b12.LabResult(
            at=START - dt.timedelta(days=7),
            analyte=b12.Analyte.SERUM_B12,
            value=150,
            unit="ng/L",
        )
    )


def document(course: Course | None = None) -> dict:
    return json.loads(b12json.dumps(course or sample_course()))


def load(doc: object) -> Course:
    return b12json.loads(json.dumps(doc))


class TestRoundTrip:
    @given(b12st.courses())
    def test_every_generated_course_survives(self, course):
        """loads(dumps(c)) == c for any course, keeping every instant's wall time, offset and zone."""
        text = b12json.dumps(course)
        back = b12json.loads(text)
        assert back == course
        assert [exactly(t) for t in instants(back)] == [
            exactly(t) for t in instants(course)
        ]
        assert back.zone is course.zone

    @given(b12st.courses(max_given=3, max_symptoms=2, max_labs=1))
    def test_dumps_is_stable_and_ascii(self, course):
        """Dumping a loaded document gives the same ASCII text, indented or not."""
        text = b12json.dumps(course)
        assert text.isascii()
        assert b12json.dumps(b12json.loads(text)) == text
        assert b12json.loads(b12json.dumps(course, indent=2)) == course

    @pytest.mark.parametrize("preset", regimens.available())
    def test_every_preset_survives(self, preset):
        """Each guideline preset, with its source and notes, round-trips."""
        course = Course.begin(regimens.get(preset), first_dose=START)
        assert b12json.loads(b12json.dumps(course)).regimen == regimens.get(preset)

    def test_document_shape(self):
        """The document is versioned and writes instants with offset and IANA key, amounts as text."""
        doc = document()
        assert list(doc)[:6] == [
            "format",
            "version",
            "id",
            "zone",
            "first_dose",
            "regimen",
        ]
        assert (doc["format"], doc["version"], doc["zone"]) == (
            "b12course",
            2,
            "Europe/London",
        )
        assert doc["first_dose"] == "2026-12-01T09:00:00+00:00[Europe/London]"
        assert doc["regimen"]["phases"][0]["dose"]["amount"] == "1 mg"
        assert doc["regimen"]["phases"][0]["end"]["kind"] == (
            "until_no_further_improvement"
        )
        assert doc["given"][0]["site"] == "left deltoid"
        assert doc["symptoms"][0]["severity"] == 5

    def test_repeated_local_time_keeps_its_occurrence(self):
        """01:30 on London's autumn change, second occurrence (fold=1), comes back as the second."""
        second = dt.datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON)
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=second
        )
        back = b12json.loads(b12json.dumps(course))
        assert back.first_dose.fold == 1
        assert back.first_dose.utcoffset() == dt.timedelta(0)

    def test_gap_time_is_kept_as_written(self):
        """A local time inside the spring-forward gap comes back with the same wall time and fold."""
        gap = dt.datetime(2026, 10, 4, 2, 30, tzinfo=SYDNEY)
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=gap
        )
        back = b12json.loads(b12json.dumps(course))
        assert exactly(back.first_dose) == exactly(gap)

    def test_fixed_offset_record_stays_fixed(self):
        """A dose recorded in UTC or a fixed offset comes back in that offset, without a key."""
        plus_five = dt.timezone(dt.timedelta(hours=5, minutes=30))
        course = sample_course().record_dose(
            dt.datetime(2026, 12, 3, 4, 0, 0, 123456, tzinfo=plus_five)
        )
        doc = document(course)
        assert doc["given"][1]["at"] == "2026-12-03T04:00:00.123456+05:30"
        back = load(doc)
        assert back.given[1].at.tzinfo == plus_five
        assert back.given[1].at.microsecond == 123456

    def test_bytes_are_read_as_utf8(self):
        """Reading takes UTF-8 bytes as well as text."""
        text = b12json.dumps(sample_course())
        assert b12json.loads(text.encode()) == sample_course()

    def test_lazy_module(self):
        """Importing b12course does not import b12course.json, which loads on first use without cattrs."""
        code = (
            "import sys, b12course; a = 'b12course.json' in sys.modules; "
            "b12course.json.dumps; print(a, 'b12course.json' in sys.modules, "
            "'cattrs' in sys.modules)"
        )
        out = subprocess.run(  # noqa: S603 - this interpreter on fixed code
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.split() == ["False", "True", "False"]

    def test_dumps_refuses_other_values(self):
        """Dumping takes a Course, nothing else, and says so with NotACourseError."""
        with pytest.raises(NotACourseError):
            b12json.dumps({"format": "b12course"})


def set_at(doc, path, value):
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


def delete_at(doc, path):
    target = doc
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]
    return doc


def dotted(path) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else f".{step}"
    return text.lstrip(".")


class TestBadDocuments:
    @pytest.mark.parametrize(
        ("path", "value", "message"),
        [
            (("symptoms", 0, "severity"), 11, "0-10"),
            (("symptoms", 0, "severity"), "5", "whole number"),
            (("symptoms", 0, "severity"), 5.5, "whole number"),
            (("symptoms", 0, "severity"), True, "whole number"),
            (("symptoms", 0, "symptom"), "hiccups", "myoclonus"),
            (("symptoms", 0, "body_sites"), "hands", "list"),
            (("labs", 0, "value"), -1, ">= 0"),
            (("labs", 0, "value"), "150", "number"),
            (("given", 0, "at"), "2026-12-01T09:00:00", "offset"),
            (("given", 0, "at"), "2026-12-01T09:00:00+05:00[Europe/London]", "offset"),
            (("given", 0, "at"), "2026-12-01T09:00:00+00:00[Mars/Olympus]", "zone"),
            (("given", 0, "at"), "2026-12-01T09:00:00+00:00[../../etc/passwd]", "zone"),
            (("given", 0, "at"), "yesterday", "ISO 8601"),
            (("given", 0, "at"), "2026-12-01", "ISO 8601"),
            (("given", 0, "at"), 1764579600, "ISO 8601"),
            (("given", 0, "dose", "amount"), "5 g", "grams"),
            (("given", 0, "dose", "amount"), 1000, "amount"),
            (("given", 0, "dose", "route"), "intravenous", "intramuscular"),
            (("given", 0, "site"), 3, "text"),
            (("given",), {"at": "x"}, "list"),
            (("skips",), None, "list"),
            (("first_dose",), "2026-12-01T09:00:00+00:00", "IANA"),
            (("regimen", "phases", 0, "cadence", "every"), 0, ">= 1"),
            (("regimen", "phases", 0, "end", "kind"), "forever", "indefinite"),
            (("regimen", "phases", 0, "end", "review_after", "weeks"), -1, ">= 0"),
            (("regimen", "phases", 1, "anchoring"), "sometimes", "grid"),
            (("regimen", "id"), ["x"], "text"),
            (("regimen",), "nice-neuro", "expected an object"),
            (("regimen", "phases", 1, "end"), "indefinite", "expected an object"),
            (("id",), 7, "text"),
            (("zone",), "Asia/Tokyo", "does not match"),
            (("format",), "b12-other", "not a b12course document"),
            (("version",), 3, "version 1 and 2"),
            (("version",), 0, "version 1 and 2"),
            (("version",), "1", "whole number"),
            (("version",), True, "whole number"),
        ],
    )
    def test_bad_field_names_its_path(self, path, value, message):
        """A wrong value raises CourseFormatError naming the field's path, with a clear reason."""
        doc = set_at(document(), path, value)
        with pytest.raises(CourseFormatError) as caught:
            load(doc)
        assert caught.value.path == dotted(path)
        assert message in str(caught.value)
        assert str(caught.value).startswith(dotted(path) + ": ")

    @pytest.mark.parametrize(
        ("path", "expected"),
        [
            (("symptoms", 0, "severity"), "symptoms[0].severity"),
            (("given", 0, "dose"), "given[0].dose"),
            (("regimen",), "regimen"),
            (("first_dose",), "first_dose"),
            (("version",), "version"),
            (("format",), "format"),
        ],
    )
    def test_missing_field_names_its_path(self, path, expected):
        """A missing required field is named."""
        with pytest.raises(CourseFormatError) as caught:
            load(delete_at(document(), path))
        assert caught.value.path == expected

    def test_unknown_field_is_refused(self):
        """A field version 1 does not have is named with its object's path."""
        doc = set_at(document(), ("labs", 0, "flag"), "H")
        with pytest.raises(CourseFormatError, match="flag") as caught:
            load(doc)
        assert caught.value.path == "labs[0]"

    def test_cross_field_refusal_names_the_object(self):
        """A value valid alone but not with its neighbours (an IM dose of 5 mg) names the object."""
        doc = set_at(document(), ("given", 0, "dose", "amount"), "5 mg")
        with pytest.raises(CourseFormatError, match="implausible") as caught:
            load(doc)
        assert caught.value.path == "given[0].dose"

    def test_cross_field_refusal_with_a_field_left_out(self):
        """An "other" symptom whose name is left out (a default) is refused at the entry."""
        doc = set_at(document(), ("symptoms", 0, "symptom"), "other")
        del doc["symptoms"][0]["name"]
        with pytest.raises(CourseFormatError, match="name") as caught:
            load(doc)
        assert caught.value.path == "symptoms[0]"

    def test_decision_for_a_phase_that_does_not_exist(self):
        """A decision naming a phase the regimen lacks is refused."""
        course = sample_course().end_phase(START + dt.timedelta(hours=1))
        doc = set_at(document(course), ("decisions", 0, "phase"), 5)
        with pytest.raises(CourseFormatError) as caught:
            load(doc)
        assert caught.value.path == "decisions[0].phase"

    @pytest.mark.parametrize(
        ("path", "value", "where"),
        [
            (("regimen", "phases", 0, "cadence", "every"), 10**8, "phases[0].cadence"),
            (("regimen", "phases", 1, "cadence", "every"), 1300, "phases[1].cadence"),
            (
                ("regimen", "phases", 0, "end", "review_after", "weeks"),
                10**6,
                "[0].end",
            ),
            (
                ("regimen", "phases", 0, "end", "review_after", "days"),
                10**12,
                "[0].end",
            ),
        ],
    )
    def test_intervals_too_long_to_plan(self, path, value, where):
        """Intervals or spans beyond 100 years (which would overflow every plan) are refused."""
        with pytest.raises(CourseFormatError, match="100 years") as caught:
            load(set_at(document(), path, value))
        assert where in caught.value.path

    def test_first_dose_at_the_end_of_time(self):
        """A first dose in year 9999, where no plan fits, is refused."""
        doc = set_at(document(), ("first_dose",), "9999-12-01T09:00:00+00:00[UTC]")
        doc["zone"] = "UTC"
        with pytest.raises(CourseFormatError, match="9999") as caught:
            load(doc)
        assert caught.value.path == "first_dose"

    @given(small_courses)
    def test_loaded_courses_can_be_planned(self, course):
        """A course that loads plans exactly as the one saved, two years ahead."""
        back = b12json.loads(b12json.dumps(course))
        until = course.first_dose + dt.timedelta(days=731)
        assert back.plan(until=until) == course.plan(until=until)

    def test_two_doses_at_one_instant(self):
        """Two doses recorded at the same instant (the model refuses it) are refused."""
        doc = document()
        doc["given"].append(dict(doc["given"][0]))
        with pytest.raises(CourseFormatError) as caught:
            load(doc)
        assert caught.value.path == "given[1].at"

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "not valid JSON"),
            ("{", "not valid JSON"),
            ("[1, 2]", "JSON object"),
            ("null", "JSON object"),
            ('{"format": "b12course", "version": NaN}', "NaN"),
            ('{"format": "b12course", "format": "b12course"}', "twice"),
            ("[" * 100_000 + "]" * 100_000, "deeply"),
            ("1" * 5000, "not valid JSON"),
            (b"\xff\xfe{", "not valid JSON"),
            ('{"format": "b12course"}', "version"),
            ("{}", "not a b12course document"),
        ],
    )
    def test_malformed_text(self, text, message):
        """Non-JSON, non-object, non-standard, duplicated, deep or foreign input raises CourseFormatError."""
        with pytest.raises(CourseFormatError, match=message):
            b12json.loads(text)

    @pytest.mark.parametrize("value", [None, 3, ["{}"], {"format": "b12course"}])
    def test_non_text_input(self, value):
        """Only str and bytes are read."""
        with pytest.raises(CourseFormatError, match="JSON text"):
            b12json.loads(value)

    def test_parse_instant_errors(self):
        """parse_instant raises CourseFormatError on text it cannot read."""
        with pytest.raises(CourseFormatError, match="ISO 8601"):
            b12json.parse_instant("soon")
        assert b12json.parse_instant("2026-12-01T09:00:00Z").tzinfo is dt.timezone.utc

    def test_truncated_documents(self):
        """Every truncation of a valid document raises CourseFormatError."""
        text = b12json.dumps(sample_course())
        for end in range(0, len(text), 7):
            with pytest.raises(CourseFormatError):
                b12json.loads(text[:end])


def leaf_paths(value, prefix=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaf_paths(item, (*prefix, index))
    else:
        yield prefix


def all_paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from all_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from all_paths(item, (*prefix, index))


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@pytest.mark.fuzz
class TestFuzz:
    @given(st.binary())
    def test_any_bytes(self, data):
        """Arbitrary bytes raise CourseFormatError and nothing else."""
        with pytest.raises(CourseFormatError):
            b12json.loads(data)

    @given(st.text())
    def test_any_text(self, text):
        """Arbitrary text raises CourseFormatError and nothing else."""
        with pytest.raises(CourseFormatError):
            b12json.loads(text)

    @given(json_values)
    def test_any_json(self, value):
        """Arbitrary JSON values raise CourseFormatError and nothing else."""
        with pytest.raises(CourseFormatError):
            load(value)

    @given(small_courses, st.data())
    def test_mutated_documents(self, course, data):
        """Replacing, deleting or adding any part of a valid document gives a Course or a CourseFormatError."""
        doc = document(course)
        path = data.draw(st.sampled_from(list(all_paths(doc))[1:]))
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            set_at(doc, path, data.draw(json_values))
        elif action == "delete":
            delete_at(doc, path)
        else:
            parent = doc
            for step in path[:-1]:
                parent = parent[step]
            if isinstance(parent, list):
                parent.append(data.draw(json_values))
            else:
                parent[data.draw(st.text(max_size=6))] = data.draw(json_values)
        result = None
        with contextlib.suppress(CourseFormatError):
            result = load(doc)
        assert result is None or isinstance(result, Course)

    @given(small_courses, st.data())
    def test_wrong_type_names_the_exact_path(self, course, data):
        """A scalar replaced by an object is reported at exactly its path."""
        doc = document(course)
        path = data.draw(st.sampled_from(list(leaf_paths(doc))))
        set_at(doc, path, {"hostile": ["\u0000", 1e308]})
        with pytest.raises(CourseFormatError) as caught:
            load(doc)
        assert caught.value.path == dotted(path)


class TestClinicalRecordFields:
    def test_a_confirmed_reticulocyte_response_and_who_decided_survive_a_save(self):
        """Confirmations, who ended a phase and the dietary end wording round-trip."""
        ny = zoneinfo.ZoneInfo("America/New_York")
        first = dt.datetime(2026, 12, 1, 9, tzinfo=ny)
        course = Course.begin(
            regimens.get("us-label-pernicious-anaemia"), first_dose=first, id="us"
        )
        course = course.record_dose(first).confirm_phase(
            first + dt.timedelta(days=6), "reticulocytes rose", by="clinician"
        )
        course = course.end_phase(first + dt.timedelta(hours=2), "stop", by="carer")
        doc = json.loads(b12json.dumps(course))
        assert doc["confirmations"][0]["by"] == "clinician"
        assert doc["decisions"][0]["by"] == "carer"
        assert b12json.loads(b12json.dumps(course)) == course
        dietary = Course.begin(regimens.get("nice-dietary-oral"), first_dose=START)
        doc = json.loads(b12json.dumps(dietary))
        assert doc["regimen"]["phases"][1]["end"]["wording"] == (
            "until a clinician ends it (lifelong in vegans)"
        )
        assert b12json.loads(b12json.dumps(dietary)) == dietary

    def test_a_course_without_the_new_fields_is_written_as_before(self):
        """No confirmations, no one named and 'for life' leave the document unchanged."""
        doc = json.loads(b12json.dumps(sample_course()))
        assert "confirmations" not in doc
        assert all("by" not in d for d in doc["decisions"])
        assert all("wording" not in p["end"] for p in doc["regimen"]["phases"])
