"""The course keeps its own invariants; typed errors for every bad input (issues 10-12)."""

from __future__ import annotations

import datetime as dt
import json as stdjson
import subprocess
import sys
import zoneinfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import b12course as b12
from b12course import (
    AdministeredDose,
    Administrator,
    Analyte,
    Course,
    DoseSkip,
    EventKind,
    LabResult,
    PhaseDecision,
    ReviewKind,
    Symptom,
    SymptomEntry,
    Timeline,
    regimens,
    strategies,
)
from b12course import json as b12json
from b12course._course import require_course
from b12course.exceptions import (
    B12CourseError,
    CourseFormatError,
    DuplicateRecordError,
    InvalidRecordError,
    NoSuchDoseError,
    NotACourseError,
    OutOfBoundsError,
    PhaseDecisionError,
    RangeError,
    SettingError,
    TextError,
)
from support.profiles import scaled

LONDON = zoneinfo.ZoneInfo("Europe/London")
START = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
UNTIL = dt.datetime(2027, 6, 1, tzinfo=LONDON)
UTC = dt.timezone.utc
YEAR_1 = dt.datetime(1, 1, 1, 12, tzinfo=UTC)
YEAR_9999 = dt.datetime(9999, 12, 31, 12, tzinfo=UTC)


@pytest.fixture
def course():
    return Course.begin(
        regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START, id="c1"
    )


def _entry(at=START, severity=5):
    return SymptomEntry(at=at, symptom=Symptom.MYOCLONUS, severity=severity)


def _document(course):
    return stdjson.loads(b12json.dumps(course))


def _load(document):
    return b12json.loads(stdjson.dumps(document))


class TestInvariants:
    def test_two_doses_at_one_instant_are_refused_by_evolve(self, course):
        """attrs.evolve cannot put two doses at one instant into a course."""
        given = course.record_dose(START).given[0]
        with pytest.raises(DuplicateRecordError):
            attrs.evolve(course, given=(given, attrs.evolve(given, at=START)))

    def test_a_decision_for_a_missing_phase_is_refused(self, course):
        """A decision naming a phase the regimen does not have is refused, with the phase."""
        with pytest.raises(PhaseDecisionError) as caught:
            attrs.evolve(course, decisions=(PhaseDecision(phase=7, at=START),))
        assert caught.value.phase == 7
        assert caught.value.where == "decisions[0].phase"

    def test_two_decisions_for_one_phase_are_refused(self, course):
        """A second decision for one phase is refused."""
        one = PhaseDecision(phase=0, at=START + dt.timedelta(days=3))
        two = PhaseDecision(phase=0, at=START + dt.timedelta(days=5))
        with pytest.raises(PhaseDecisionError, match="already has an end decision"):
            attrs.evolve(course, decisions=(one, two))

    def test_a_bool_is_no_phase_index(self):
        """PhaseDecision(phase=True) is refused: True is no phase."""
        with pytest.raises(PhaseDecisionError):
            PhaseDecision(phase=True, at=START)

    def test_duplicate_symptom_entries_are_refused(self, course):
        """The same symptom twice at one instant is refused by the model."""
        with pytest.raises(DuplicateRecordError):
            attrs.evolve(course, symptoms=(_entry(), _entry(severity=6)))

    def test_duplicate_lab_results_are_refused(self, course):
        """The same analyte twice at one instant is refused by the model."""
        lab = LabResult(at=START, analyte=Analyte.SERUM_B12, value=150, unit="ng/L")
        with pytest.raises(DuplicateRecordError):
            attrs.evolve(course, labs=(lab, attrs.evolve(lab, value=160)))

    @pytest.mark.parametrize("instant", [YEAR_1, YEAR_9999])
    def test_records_beyond_the_bounds_are_refused(self, course, instant):
        """Records at year 1 or 9999, which later overflow every plan, are refused."""
        dose = course.regimen.phases[0].dose
        with pytest.raises(OutOfBoundsError):
            attrs.evolve(course, given=(AdministeredDose(at=instant, dose=dose),))
        with pytest.raises(OutOfBoundsError):
            attrs.evolve(course, skips=(DoseSkip(due=instant),))
        with pytest.raises(OutOfBoundsError):
            attrs.evolve(course, symptoms=(_entry(at=instant),))
        with pytest.raises(OutOfBoundsError):
            attrs.evolve(course, decisions=(PhaseDecision(phase=0, at=instant),))

    def test_a_record_of_the_wrong_kind_is_refused(self, course):
        """A course's record tuples hold only their own record type."""
        with pytest.raises(InvalidRecordError):
            attrs.evolve(course, given=("yesterday",))

    def test_a_first_dose_near_9999_is_refused(self):
        """A first dose too close to the year 9999 to plan from is refused."""
        late = dt.datetime(9990, 1, 1, 9, tzinfo=LONDON)
        with pytest.raises(OutOfBoundsError):
            Course.begin(regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=late)


class TestTypedErrors:
    def test_begin_refuses_an_id_that_is_not_text(self):
        """Course.begin(id=5) raises TextError, not a bare TypeError."""
        with pytest.raises(TextError):
            Course.begin(
                regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START, id=5
            )  # type: ignore[arg-type]

    def test_record_dose_at_datetime_max_is_refused(self, course):
        """record_dose(datetime.max) raises OutOfBoundsError, not OverflowError."""
        with pytest.raises(OutOfBoundsError):
            course.record_dose(dt.datetime.max.replace(tzinfo=UTC))

    def test_skip_dose_refuses_a_bool_number(self, course):
        """skip_dose(number=True) does not skip dose 1: a bool is not a number."""
        with pytest.raises(NoSuchDoseError):
            course.skip_dose(number=True)

    @pytest.mark.parametrize("grace", [3600, dt.timedelta(hours=-1)])
    def test_grace_must_be_a_non_negative_timedelta(self, course, grace):
        """A grace of 3600 or of minus one hour is refused in plan, timeline and Timeline."""
        with pytest.raises(SettingError) as caught:
            course.plan(until=UNTIL, grace=grace)
        assert caught.value.value == grace
        with pytest.raises(SettingError):
            course.timeline(until=UNTIL, grace=grace)
        with pytest.raises(SettingError):
            Timeline((), zone=LONDON, grace=grace)

    def test_reversed_ranges_are_refused(self, course):
        """Every range query refuses a range whose end is before its start."""
        tl = course.timeline(until=UNTIL)
        later = START + dt.timedelta(days=3)
        for query in (tl.between, tl.overlapping, tl.included):
            with pytest.raises(RangeError):
                query(later, START)
        with pytest.raises(RangeError):
            b12.worklist([course], later, START)
        empty = course.symptom_trend(Symptom.MYOCLONUS, start=later, end=START)
        assert empty.slope_per_week is None
        assert tl.between(START, START) == ()

    def test_suggest_site_refuses_one_string(self, course):
        """suggest_site("abc") is refused rather than rotating through "a", "b", "c"."""
        with pytest.raises(InvalidRecordError):
            course.suggest_site("abc")  # type: ignore[arg-type]

    def test_a_lone_surrogate_in_a_note_is_refused(self, course):
        """A lone surrogate in a record's text is refused where it enters."""
        with pytest.raises(TextError):
            course.record_dose(START, note="\ud800")

    def test_setting_error_keeps_its_fields(self):
        """SettingError carries the value and the detail."""
        error = SettingError.wrong_kind("end_on_plateau", 3, "True or False")
        assert (error.value, error.detail) == (3, str(error))
        assert isinstance(error, ValueError)

    def test_require_course_refuses_other_values(self, course):
        """require_course returns a course and refuses anything else with NotACourseError."""
        assert require_course(course) is course
        with pytest.raises(NotACourseError):
            require_course(None)


class TestJsonRefuses:
    def _refused(self, document):
        with pytest.raises(CourseFormatError) as caught:
            _load(document)
        return caught.value.path

    def test_duplicate_decisions(self, course):
        """json.loads refuses two decisions for one phase, naming the field."""
        decided = course.record_dose(START).end_phase(START + dt.timedelta(days=3))
        document = _document(decided)
        document["decisions"].append(dict(document["decisions"][0]))
        assert self._refused(document) == "decisions[1].phase"

    def test_duplicate_symptom_entries(self, course):
        """json.loads refuses the same symptom twice at one instant."""
        document = _document(course.log_symptom(_entry()))
        document["symptoms"].append(dict(document["symptoms"][0], severity=7))
        assert self._refused(document) == "symptoms[1].at"

    @pytest.mark.parametrize(
        ("field", "key"),
        [("given", "at"), ("symptoms", "at"), ("skips", "due"), ("decisions", "at")],
    )
    @pytest.mark.parametrize(
        "instant", ["0001-01-01T12:00:00+00:00", "9999-12-31T12:00:00+00:00"]
    )
    def test_instants_at_the_ends_of_the_calendar(self, course, field, key, instant):
        """json.loads refuses record instants at year 1 or 9999 with the field's path."""
        lived = (
            course.log_symptom(_entry())
            .record_dose(START)
            .skip_dose(number=2)
            .end_phase(START + dt.timedelta(days=5))
        )
        document = _document(lived)
        document[field][0][key] = instant
        assert self._refused(document) == f"{field}[0].{key}"

    def test_a_lone_surrogate_anywhere(self, course):
        """json.loads refuses an escaped lone surrogate in any text field."""
        document = _document(course.record_dose(START, note="fine"))
        text = stdjson.dumps(document).replace('"fine"', '"\\ud800"')
        with pytest.raises(CourseFormatError) as caught:
            b12json.loads(text)
        assert caught.value.path == "given[0].note"


class TestWhoGaveIt:
    def test_record_dose_takes_who_gave_it(self, course):
        """record_dose(by=...) takes a member or its value, any case."""
        a = course.record_dose(START, by="Carer")
        assert a.given[0].by is Administrator.CARER
        assert str(a.given[0].by) == "carer"
        with pytest.raises(InvalidRecordError):
            course.record_dose(START, by="neighbour")

    def test_json_keeps_who_gave_it_and_reads_old_documents(self, course):
        """By survives JSON, and a document without it (or written before it) loads."""
        a = course.record_dose(START, by=Administrator.SELF).record_dose(
            START + dt.timedelta(days=2)
        )
        document = _document(a)
        assert document["given"][0]["by"] == "self"
        assert "by" not in document["given"][1]
        assert "pregnant_or_breastfeeding" not in document
        assert _load(document) == a


class TestPregnancy:
    def test_the_treatment_review_moves_to_one_month(self, course):
        """A pregnant or breastfeeding course is reviewed after 1 month, in reviews and the timeline."""
        pregnant = course.with_pregnancy()
        review = next(
            r for r in pregnant.reviews(until=UNTIL) if r.kind is ReviewKind.TREATMENT
        )
        assert review.at == dt.datetime(2027, 1, 1, 9, tzinfo=LONDON)
        assert review in pregnant.timeline(until=UNTIL).reviews
        assert "1 month after" in str(review)
        assert pregnant.with_pregnancy(False) == course

    def test_it_is_kept_in_json(self, course):
        """The flag survives a JSON round trip."""
        pregnant = course.with_pregnancy()
        assert b12json.loads(b12json.dumps(pregnant)) == pregnant

    def test_the_setter_takes_a_bool(self, course):
        """with_pregnancy refuses anything but True or False."""
        with pytest.raises(InvalidRecordError):
            course.with_pregnancy("yes")  # type: ignore[arg-type]


class TestWords:
    def test_review_and_event_read_in_one_line(self, course):
        """A review event prints as "<when>  review  loading review: a clinician decides...".."""
        tl = course.timeline(until=UNTIL)
        event = tl.of_kind(EventKind.REVIEW)[0]
        assert str(event) == (
            "2026-12-15 09:00 GMT  review  "
            "loading review: a clinician decides whether to continue"
        )

    def test_enums_print_their_value(self):
        """The enums of the model print their value."""
        assert str(ReviewKind.TREATMENT) == "treatment review"
        assert str(b12.DecisionBasis.PLATEAU) == "plateau"
        assert str(EventKind.FLARE_WINDOW) == "flare_window"

    def test_every_event_prints_in_one_short_line(self, course):
        """Every kind of event prints in one line, without a nested repr."""
        lived = (
            course.log_symptom(_entry(at=START - dt.timedelta(days=1)))
            .record_dose(START, site="left deltoid", by="self")
            .skip_dose(number=2, reason="away")
            .record_lab(
                LabResult(at=START, analyte=Analyte.SERUM_B12, value=150, unit="ng/L")
            )
        )
        for event in lived.timeline(until=UNTIL):
            text = str(event)
            assert "\n" not in text
            assert "(" not in text.split("  ", 2)[2] or "NICE" in text
            assert len(text) < 130

    def test_phase_span_prints(self, course):
        """A phase span prints its name and dates."""
        span = course.timeline(until=UNTIL).phases[0]
        assert str(span).startswith("loading phase: 2026-12-01")

    def test_a_plateau_is_a_suggestion(self, course):
        """A plateau in the log of an undecided phase is a suggested review, not a decision."""
        lived = course
        for day in range(0, 12, 2):
            lived = lived.record_dose(START + dt.timedelta(days=day))
        for day in range(-3, 12):
            lived = lived.log_symptom(
                _entry(at=START + dt.timedelta(days=day, hours=3))
            )
        reviews = lived.reviews(until=UNTIL)
        suggested = [r for r in reviews if r.kind is ReviewKind.PLATEAU_SUGGESTED]
        assert len(suggested) == 1
        assert "suggest" in suggested[0].description
        assert lived.decisions == ()


class TestTimelineCarries:
    def test_what_renderings_need(self, course):
        """The timeline carries the flare window, the suggested site, reviews, phases and the plan."""
        lived = course.record_dose(START, site="left deltoid")
        tl = lived.timeline(until=UNTIL)
        assert tl.flare_window == lived.flare_window()
        assert tl.shows_flare_window
        assert tl.suggested_site == lived.suggest_site()
        assert tl.reviews == lived.reviews(until=UNTIL)
        # The plan up to the one horizon policy: provisional doses to 12 weeks.
        assert tl.planned_doses == tuple(
            d
            for d in lived.plan(until=UNTIL)
            if not (d.provisional and d.pending)
            or tl.horizon.shows(d.due, provisional=True)
        )
        assert tl.plan_continues is not None
        assert tl.next_pending == next(d for d in tl.planned_doses if d.pending)
        assert [s.index for s in tl.phases] == [
            s.index for s in lived.expand(until=UNTIL).phases
        ]
        assert tl.until == UNTIL

    def test_a_flare_window_past_the_horizon_is_not_shown(self, course):
        """A window that opens after the horizon is carried but not an event."""
        course = course.record_dose(START)  # no window before a dose is given
        tl = course.timeline(until=START + dt.timedelta(days=1))
        assert tl.flare_window is not None
        assert not tl.shows_flare_window

    def test_from_events_sorts(self, course):
        """Timeline.from_events sorts as Timeline(...) does."""
        events = list(course.timeline(until=UNTIL))
        assert Timeline.from_events(reversed(events), zone=LONDON).events == tuple(
            events
        )

    @scaled(0.1)  # a 400-day timeline per example
    @given(strategies.courses(max_given=6))
    def test_timeline_events_are_the_course_state(self, drawn):
        """The timeline's records are exactly the course's records before the horizon."""
        until = drawn.first_dose + dt.timedelta(days=400)
        tl = drawn.timeline(until=until)
        assert tl.payloads(EventKind.DOSE_GIVEN) == tuple(
            g for g in drawn.given if g.at < until
        )
        assert len(tl.payloads("symptom")) == sum(
            1 for e in drawn.symptoms if e.at < until
        )


class TestWorklistPlateau:
    def test_the_worklist_respects_end_on_plateau(self, course):
        """With end_on_plateau, the worklist lists what plan(end_on_plateau=True) leaves pending."""
        lived = course
        for day in range(0, 8, 2):
            lived = lived.record_dose(START + dt.timedelta(days=day))
        for day in range(-3, 9):
            lived = lived.log_symptom(
                _entry(at=START + dt.timedelta(days=day, hours=3))
            )
        a, b = START, START + dt.timedelta(days=200)
        for flag in (False, True):
            rows = b12.worklist([lived], a, b, end_on_plateau=flag)
            expected = [
                d.due
                for d in lived.plan(until=b, end_on_plateau=flag)
                if d.pending and d.due >= a
            ]
            assert [row.due for row in rows] == expected


class TestImports:
    def test_import_b12course_loads_no_optional_module(self):
        """Import b12course loads neither export, plot, strategies nor their libraries."""
        code = (
            "import sys, b12course\n"
            "print(sorted(m for m in ('b12course.export', 'b12course.plot', "
            "'b12course.strategies', 'b12course.ical', 'b12course.json', "
            "'icalendar', 'cattrs', 'matplotlib', 'hypothesis') if m in sys.modules))"
        )
        out = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "[]"

    def test_lazy_names_still_resolve(self):
        """b12course.to_csv, summary_markdown and strategies stay reachable."""
        assert b12.to_csv is b12.export.to_csv
        assert b12.summary_markdown is b12.export.summary_markdown
        assert b12.strategies.courses is strategies.courses
        with pytest.raises(AttributeError):
            b12.no_such_name  # noqa: B018

    def test_zones_refuses_leap_second_keys(self):
        """strategies.zones(keys=["right/UTC"]) is refused, as Course.begin refuses the zone."""
        with pytest.raises(InvalidArgument):
            strategies.zones(keys=["right/UTC"])

    def test_every_error_is_a_b12course_error(self):
        """The new error classes are B12CourseErrors and ValueErrors."""
        for error in (RangeError, OutOfBoundsError):
            assert issubclass(error, B12CourseError)
            assert issubclass(error, ValueError)


class TestRecordingFastPath:
    @scaled(0.1)  # rebuilds the course per example
    @given(strategies.courses(max_given=5), st.data())
    def test_recording_equals_rebuilding(self, drawn, data):
        """A record added by log_symptom equals the course attrs.evolve rebuilds."""
        entry = data.draw(
            strategies.symptom_entries(
                times=strategies.aware_datetimes(
                    min_value=dt.datetime(2019, 1, 1),
                    max_value=dt.datetime(2037, 1, 1),
                )
            )
        )
        try:
            logged = drawn.log_symptom(entry)
        except DuplicateRecordError:
            return
        rebuilt = attrs.evolve(drawn, symptoms=(*drawn.symptoms, entry))
        assert logged == rebuilt
        assert logged.symptoms == rebuilt.symptoms

    def test_a_duplicate_among_entries_at_one_instant_is_found(self, course):
        """A symptom logged twice at an instant that holds other symptoms is refused."""
        tremor = attrs.evolve(_entry(), symptom=Symptom.TREMOR)
        logged = course.log_symptom(_entry()).log_symptom(tremor)
        with pytest.raises(DuplicateRecordError):
            logged.log_symptom(_entry(severity=2))
        with pytest.raises(OutOfBoundsError):
            course.log_symptom(_entry(at=YEAR_9999))


class TestEdges:
    def test_an_instant_whose_offset_overflows_is_out_of_bounds(self, course):
        """A dose at 0001-01-01 in Tokyo (before year 1 in UTC) is out of bounds, not an OverflowError."""
        tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
        with pytest.raises(OutOfBoundsError):
            course.record_dose(dt.datetime(1, 1, 1, 5, tzinfo=tokyo))

    def test_administrator_refuses_other_values(self):
        """Administrator.parse refuses a number and an unknown name."""
        with pytest.raises(InvalidRecordError):
            Administrator.parse(5)
        assert Administrator.parse(Administrator.SELF) is Administrator.SELF

    def test_an_unknown_payload_prints_as_itself(self):
        """An event with a payload of another kind prints the payload's str."""
        event = b12.TimelineEvent.instant(START, EventKind.SYMPTOM, 42)
        assert str(event).endswith("symptom  42")

    def test_a_missing_lazy_module_is_an_attribute_error(self, monkeypatch):
        """A lazily exported name whose module is absent raises AttributeError."""
        monkeypatch.setitem(b12._LAZY, "ghost", ("b12course.ghost", None))
        assert not hasattr(b12, "ghost")

    def test_decisions_checked_alone_need_the_course(self):
        """Checked without a course (as a document reader does), decisions pass."""
        from b12course._course import _decisions

        decisions = (PhaseDecision(phase=9, at=START),)
        assert _decisions(None, None, decisions) is None  # type: ignore[arg-type]

    def test_a_zone_key_too_long_is_refused(self):
        """Json refuses a zone key longer than any IANA key."""
        with pytest.raises(CourseFormatError, match="IANA"):
            b12json.parse_instant("2026-12-01T09:00:00+00:00[" + "A" * 70 + "]")

    def test_an_interval_event_prints_its_end(self, course):
        """An interval event prints both its start and its end."""
        course = course.record_dose(START)  # no window before a dose is given
        tl = course.timeline(until=UNTIL)
        (window,) = tl.of_kind(EventKind.FLARE_WINDOW)
        assert " to " in str(window)
        assert "transient worsening has been reported" in str(window)
