"""The wording rules of issue 11 and clinical.md section 0, as tests.

No user-facing string of the clinical modules (enum values, str() of values,
preset names, sources and notes, review wording, band labels and notes)
says "expected flare", "will improve" or "deficient": the library describes
the record and never predicts or diagnoses.
"""

import datetime as dt
import inspect
import pathlib
import re
import zoneinfo

import pytest
from hypothesis import given

import b12course
from b12course import (
    Analyte,
    AssessmentCategory,
    Attention,
    Course,
    Drug,
    FlareModel,
    FlareStatus,
    Route,
    Site,
    Symptom,
    SymptomEntry,
    TrendDirection,
    Trigger,
    regimens,
)
from b12course import strategies as b12st
from b12course._labs import PREGNANCY_NOTE, default_reference
from b12course._regimen import IV_REASON, Anchoring

FORBIDDEN = re.compile(r"expected flare|will improve|deficient", re.IGNORECASE)
LONDON = zoneinfo.ZoneInfo("Europe/London")
START = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
CLINICAL_MODULES = (
    "regimens",
    "_regimen",
    "_flare",
    "_sites",
    "_labs",
    "_symptoms",
    "_units",
)
ENUMS = (
    Drug,
    Route,
    Anchoring,
    Symptom,
    Trigger,
    TrendDirection,
    AssessmentCategory,
    Attention,
    FlareStatus,
    Analyte,
    Site,
)


def clean(text):
    match = FORBIDDEN.search(text)
    assert match is None, f"{match.group(0)!r} in {text!r}"


def preset_strings(regimen):
    yield regimen.name
    yield regimen.source
    yield regimen.notes
    yield str(regimen)
    for phase in regimen.phases:
        yield str(phase)
        yield str(phase.end)
        yield phase.condition or ""
        wording = getattr(phase.end, "review_wording", None)
        if wording is not None:
            yield wording


class TestForbiddenWords:
    @pytest.mark.parametrize("kind", ENUMS, ids=lambda k: k.__name__)
    def test_enum_values_and_str(self, kind):
        """No enum member of the clinical modules reads as a forbidden word."""
        for member in kind:
            clean(member.value)
            clean(str(member))

    @pytest.mark.parametrize("preset", regimens.available())
    def test_presets(self, preset):
        """No preset name, source, note, str() or review wording has one."""
        for text in preset_strings(regimens.get(preset)):
            clean(text)

    def test_lab_words(self):
        """Band labels, sources and the pregnancy note have none."""
        clean(PREGNANCY_NOTE)
        for analyte in Analyte:
            reference = default_reference(analyte)
            if reference is not None:
                clean(reference.source)
                for band in reference.bands:
                    clean(str(band))

    def test_refusal_messages(self):
        """The IV refusal says why without a forbidden word."""
        clean(IV_REASON)

    @pytest.mark.slow
    @given(b12st.courses(max_symptoms=8, max_given=4), b12st.aware_datetimes())
    def test_reports_and_assessments(self, course, now):
        """str() of any report, assessment and window has none."""
        report = course.flare(now=now)
        clean(str(report))
        for assessment in report.assessments:
            clean(str(assessment))
        window = course.flare_window(FlareModel())
        assert (window is None) == (not course.given)  # no dose given: no window
        if window is not None:
            clean(str(window))

    @pytest.mark.parametrize("module", CLINICAL_MODULES)
    def test_source_text_of_the_modules(self, module):
        """Not even the docstrings and comments of the clinical modules use them."""
        source = inspect.getsource(getattr(b12course, module, None) or _load(module))
        clean(source)


def _load(module):
    import importlib

    return importlib.import_module(f"b12course.{module}")


class TestNothingPromisesImprovement:
    def test_flare_words_describe_what_has_been_reported(self):
        """The window's words are 'a transient worsening has been reported'."""
        assert "transient worsening has been reported" in str(
            FlareModel().window(START)
        )
        assert "transient worsening has been reported" in str(FlareStatus.WINDOW_OPEN)
        assert "transient worsening has been reported" in str(
            AssessmentCategory.WORSE_IN_WINDOW
        )

    def test_no_category_says_improving_will_happen(self):
        """Categories describe the record: 'better than baseline', not a promise."""
        values = " ".join(m.value for m in AssessmentCategory)
        assert "improving" not in values
        assert str(AssessmentCategory.BETTER_THAN_BASELINE) == "better than baseline"


class TestSymptomAwareWording:
    """Issue 22 items 2-4: the words say which symptoms the window concerns."""

    def test_a_paresthesia_worse_inside_the_window_says_the_window_does_not_apply(self):
        """Paraesthesia 2 -> 6 on day 5: 'the window concerns involuntary movements', no claim about its time."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START
        )
        course = course.record_dose(START)
        course = course.log_symptom(
            SymptomEntry(
                at=START - dt.timedelta(days=1), symptom="paresthesia", severity=2
            )
        )
        later = SymptomEntry(
            at=START + dt.timedelta(days=5), symptom="paresthesia", severity=6
        )
        text = str(course.log_symptom(later).assess(later))
        assert (
            "worse than baseline; the window concerns involuntary movements, so it "
            "does not apply" in text
        )
        assert "within the window" not in text

    def test_a_fatigue_worse_long_after_the_window_reads_the_same(self):
        """Fatigue worse on day 90 reads the same words: the entry's time is not the point."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START
        )
        course = course.record_dose(START)
        course = course.log_symptom(
            SymptomEntry(at=START - dt.timedelta(days=1), symptom="fatigue", severity=1)
        )
        later = SymptomEntry(
            at=START + dt.timedelta(days=90), symptom="fatigue", severity=5
        )
        assessment = course.log_symptom(later).assess(later)
        assert assessment.category is AssessmentCategory.WORSE_NOT_MOVEMENT
        assert "not within" not in str(assessment)

    def test_with_no_dose_given_the_status_reads_not_open(self):
        """A course with no dose given: 'not open: no dose given yet'."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START
        )
        assert str(course.flare(now=START + dt.timedelta(days=3)).status) == (
            "not open: no dose given yet"
        )


class TestTestsDirectory:
    def test_this_file_lists_every_clinical_module(self):
        """Every module the clinical engineer owns is scanned."""
        src = pathlib.Path(b12course.__file__).parent
        for module in CLINICAL_MODULES:
            assert (src / f"{module}.py").exists()


def test_entries_print_their_symptom_value():
    """A symptom entry's label is the symptom's value (no enum repr)."""
    entry = SymptomEntry(at=START, symptom=Symptom.TREMOR, severity=3)
    assert entry.label == "tremor"
    assert str(entry.symptom) == "tremor"
    course = Course.begin(regimens.get("nasal-weekly"), first_dose=START)
    assert course.flare_window() is None
    assert str(Route.INTRANASAL) == "intranasal"


DEVELOPER_WORDS = re.compile(
    r"unconfirmed|formerly|deprecated|clinical\.md", re.IGNORECASE
)


class TestClinicalDocumentsCarryNoDeveloperNotes:
    @pytest.mark.parametrize("preset", regimens.available())
    def test_a_preset_for_a_clinician_has_no_maintainer_notes_in_its_notes(
        self, preset
    ):
        """'3 weeks is unconfirmed', 'Formerly nice-neuro' live in maintainer_notes only."""
        regimen = regimens.get(preset)
        for text in (regimen.name, regimen.source, regimen.notes):
            match = DEVELOPER_WORDS.search(text)
            assert match is None, f"{match.group(0)!r} in {preset}"

    def test_the_bnf_preset_moves_its_former_id_and_unconfirmed_cap_to_maintainers(
        self,
    ):
        """The former id and the unconfirmed 3-week cap are maintainers' notes."""
        regimen = regimens.get("bnf-hydroxocobalamin-neuro")
        assert "Formerly 'nice-neuro'" in regimen.maintainer_notes
        assert "'3 weeks'" in regimen.maintainer_notes
        assert "nice-neuro" not in regimen.notes

    @pytest.mark.parametrize("preset", regimens.available())
    def test_summary_and_calendar_of_every_preset_show_no_maintainer_notes(
        self, preset
    ):
        """Neither the summary nor the .ics carries the maintainers' notes."""
        from b12course.export import summary_markdown
        from b12course.ical import to_ical

        regimen = regimens.get(preset)
        course = Course.begin(regimen, first_dose=START, id="w")
        summary = summary_markdown(course, now=START + dt.timedelta(days=30))
        ics = to_ical(course, until=START + dt.timedelta(days=90))
        text = ics.decode() if isinstance(ics, bytes) else ics
        flat = " ".join((summary + " " + text.replace("\r\n ", "")).split())
        if regimen.maintainer_notes:
            assert " ".join(regimen.maintainer_notes.split()) not in flat
        assert DEVELOPER_WORDS.search(summary) is None
