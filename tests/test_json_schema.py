"""The course format's one description: JSON Schema, generated reader and writer."""

import datetime as dt
import json
import pathlib
import typing
import zoneinfo

import attrs
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

import b12course as b12
from b12course import Course, regimens
from b12course import json as b12json
from b12course import strategies as b12st
from b12course.cli import main
from b12course.exceptions import CourseFormatError

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
LONDON = zoneinfo.ZoneInfo("Europe/London")
START = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
VALIDATOR = jsonschema.Draft202012Validator(b12json.schema())


def test_the_schema_is_valid_draft_2020_12():
    """schema() is itself a valid draft 2020-12 schema."""
    jsonschema.Draft202012Validator.check_schema(b12json.schema())
    assert b12json.schema()["$schema"].endswith("/2020-12/schema")


@given(b12st.courses())
def test_every_generated_course_matches_the_schema(course):
    """Every document dumps writes, for any course of the strategies, is valid."""
    VALIDATOR.validate(json.loads(b12json.dumps(course)))


@pytest.mark.parametrize("name", ["course-0.1.json", "course-0.2.json"])
def test_files_of_earlier_releases_match_and_load(name):
    """Course files written by b12course 0.1 and 0.2 match the schema and load."""
    text = (FIXTURES / name).read_text()
    VALIDATOR.validate(json.loads(text))
    course = b12json.loads(text)
    assert len(course.given) == 3
    assert course.given[2].at.fold == 1
    assert b12json.loads(b12json.dumps(course)) == course


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("given", 0, "at"), 3),
        (("given", 0, "dose", "route"), "intravenous"),
        (("given", 0, "site"), 3),
        (("labs", 0, "flag"), "H"),
        (("version",), 9),
        (("regimen", "phases", 0, "end", "kind"), "forever"),
    ],
)
def test_the_schema_refuses_what_loads_refuses(path, value):
    """A wrong type, an unknown value or field, another version: both refuse it."""
    course = Course.begin(regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START)
    course = course.record_dose(START).record_lab(
        b12.LabResult(at=START, analyte=b12.Analyte.SERUM_B12, value=150, unit="ng/L")
    )
    doc = json.loads(b12json.dumps(course))
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    assert not VALIDATOR.is_valid(doc)
    with pytest.raises(CourseFormatError):
        b12json.loads(json.dumps(doc))


def test_schema_command(capsys):
    """`b12course schema` prints schema() as JSON."""
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == b12json.schema()


@attrs.frozen(kw_only=True)
class _Later:
    """A record class as another release might grow it: a field with a default."""

    at: dt.datetime
    dose: b12.Dose
    site: str | None = None
    added: str | None = None
    counted: int = 0


def test_a_field_added_with_a_default_round_trips():
    """The reader and writer come from attrs.fields: a new field needs no edit."""
    dose = regimens.get("bnf-hydroxocobalamin-neuro").phases[0].dose
    plain = _Later(at=START, dose=dose)
    written = b12json._writer(_Later)(plain)
    assert "added" not in written  # left out while at its default
    assert "counted" not in written
    assert "site" not in written
    used = _Later(at=START, dose=dose, added="x", counted=2)
    written = b12json._writer(_Later)(used)
    assert (written["added"], written["counted"]) == ("x", 2)
    read = b12json._reader(_Later)
    assert read(json.loads(json.dumps(written)), [0]) == used
    assert read(json.loads(json.dumps(b12json._writer(_Later)(plain))), [0]) == plain
    properties = b12json._schema_of(_Later, defs := {})
    assert properties == {"$ref": "#/$defs/_Later"}
    assert defs["_Later"]["required"] == ["at", "dose"]


def test_courses_share_their_regimen_and_doses():
    """Loaded courses hold the preset's own regimen and one object per distinct dose."""
    preset = regimens.get("bnf-hydroxocobalamin-neuro")
    first = Course.begin(preset, first_dose=START, id="a").record_dose(START)
    second = Course.begin(preset, first_dose=START, id="b").record_dose(START)
    one, two = b12json.loads(b12json.dumps(first)), b12json.loads(b12json.dumps(second))
    assert one.regimen is preset
    assert two.regimen is preset
    assert one.given[0].dose is two.given[0].dose


def test_a_regimen_read_again_is_checked_as_written():
    """A regimen read before is shared only for the very same text: 2.0 for 2 is refused."""
    course = Course.begin(regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START)
    doc = json.loads(b12json.dumps(course))
    b12json.loads(json.dumps(doc))
    doc["regimen"]["phases"][0]["cadence"]["every"] = 2.0
    with pytest.raises(CourseFormatError) as caught:
        b12json.loads(json.dumps(doc))
    assert caught.value.path == "regimen.phases[0].cadence.every"


@pytest.mark.parametrize(
    "spacing",
    ['"site": "a", "site": "b"', '"site" : "a", "site" : "b"', '"site":"a","site":"b"'],
)
def test_a_repeated_key_anywhere_is_refused(spacing):
    """A key written twice in a nested object is refused, however it is spaced."""
    text = b12json.dumps(
        Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START
        ).record_dose(START)
    )
    text = text.replace('"site": null', spacing)
    with pytest.raises(CourseFormatError, match="twice"):
        b12json.loads(text)
    with pytest.raises(CourseFormatError, match="twice"):
        b12json.loads(text.encode())


def test_text_holding_quotes_and_colons_loads():
    """A note holding '": ' (escaped quotes before colons) is read as written."""
    note = 'he said "no": later "yes":'
    course = Course.begin(regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START)
    course = course.record_dose(START, note=note)
    assert b12json.loads(b12json.dumps(course)).given[0].note == note
    assert b12json.loads(b12json.dumps(course, indent=2)) == course


def test_only_type_checks_are_skipped():
    """A class is built without __init__ only when its reader made every check."""
    from b12course._records import AdministeredDose, DoseSkip

    assert b12json._trusted(AdministeredDose, b12json._fields(AdministeredDose))
    for cls in (DoseSkip, b12.SymptomEntry, b12.PhaseDecision, b12.Dose, Course):
        assert not b12json._trusted(cls, b12json._fields(cls))


ZONES = [
    zoneinfo.ZoneInfo(key)
    for key in ("Europe/London", "Australia/Lord_Howe", "America/Sao_Paulo", "UTC")
]


@given(
    st.datetimes(
        min_value=dt.datetime(1900, 1, 1),
        max_value=dt.datetime(2100, 1, 1),
        timezones=st.sampled_from(ZONES),
        allow_imaginary=True,
    ),
    st.booleans(),
)
def test_fast_instants_equal_the_full_reading(value, fold):
    """The fast path for instants gives what the full reading gives: wall time, fold, zone."""
    value = value.replace(fold=int(fold))
    text = b12json.format_instant(value)
    fast = b12json._parse_instant(text)
    full = b12json._parse_instant_slowly(text)
    assert (fast.replace(tzinfo=None), fast.fold, fast.tzinfo, fast.utcoffset()) == (
        full.replace(tzinfo=None),
        full.fold,
        full.tzinfo,
        full.utcoffset(),
    )


def test_the_table_of_version_1_fields_names_fields_that_exist():
    """Every field the writer keeps at its default (version 1's shape) is a field with a default."""
    classes = {}
    pending = [Course]
    while pending:
        cls = pending.pop()
        if cls.__name__ in classes:
            continue
        classes[cls.__name__] = cls
        kinds = [kind for _, kind in b12json._fields(cls)]
        kinds += [a for kind in kinds for a in typing.get_args(kind)]
        kinds += [a for kind in kinds for a in typing.get_args(kind)]
        kinds += typing.get_args(b12.PhaseEnd)
        pending += [k for k in kinds if attrs.has(k) and k is not b12.Amount]
    for name, fields in b12json._WRITTEN_AT_DEFAULT.items():
        assert name in classes
        defaults = {
            f.alias
            for f in attrs.fields(classes[name])
            if f.default is not attrs.NOTHING
        }
        assert fields <= defaults
