"""The calendar renders the timeline, names doses as people read them, and says only what is known."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import attrs
import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

import b12course as b12
from b12course import ical as b12ical
from b12course import regimens
from b12course import strategies as b12st
from b12course._notice import NOT_MEDICAL_ADVICE
from b12course.exceptions import InvalidRecordError
from support.profiles import scaled

UTC = dt.timezone.utc
STAMP = dt.datetime(2026, 11, 1, 12, tzinfo=UTC)
LONDON = zoneinfo.ZoneInfo("Europe/London")
FORBIDDEN = ("expected flare", "will improve", "deficient")
COURSES = b12st.courses(
    max_given=6,
    max_symptoms=2,
    max_labs=1,
    first_doses=b12st.aware_datetimes(
        min_value=dt.datetime(2020, 1, 1),
        max_value=dt.datetime(2035, 12, 31, 23, 59),
        timezones=b12st.zones().filter(lambda z: not z.key.startswith("right/")),
    ),
)


def _course(
    preset: str = "bnf-hydroxocobalamin-neuro", course_id: str = "c1"
) -> b12.Course:
    return b12.Course.begin(
        regimens.get(preset),
        first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=LONDON),
        id=course_id,
    )


def _export(course: b12.Course, **kwargs) -> bytes:
    kwargs.setdefault("dtstamp", STAMP)
    return b12.to_ical(course, **kwargs)


def _events(data: bytes) -> list[icalendar.Component]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def _by_kind(data: bytes, kind: str) -> list[icalendar.Component]:
    return [e for e in _events(data) if str(e.get("X-B12COURSE-KIND")) == kind]


def _texts(data: bytes) -> dict[str, tuple[str, str]]:
    """Each event's (summary, description), as an RFC-exact reader reads them."""
    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return {e.uid: (e.summary or "", e.description or "") for e in calendar.events}


def _seconds(value: dt.datetime) -> dt.datetime:
    return value.astimezone(UTC).replace(microsecond=0)


def _shown(data: bytes) -> dict[str, tuple[str, object]]:
    """The calendar's events by UID: their kind and start (an instant or a date)."""
    found = {}
    for event in _events(data):
        start = event.decoded("DTSTART")
        if isinstance(start, dt.datetime):
            start = _seconds(start)
        found[str(event["UID"])] = (str(event["X-B12COURSE-KIND"]), start)
    return found


def _derived(
    course: b12.Course, timeline: b12.Timeline
) -> dict[str, tuple[str, object]]:
    """The timeline's events as the calendar should show them, by UID."""
    zone = course.zone
    found: dict[str, tuple[str, object]] = {}
    for event in timeline:
        payload = event.payload
        if event.kind is b12.EventKind.PLANNED_DOSE:
            start: object = _seconds(payload.when)
        elif event.kind in {b12.EventKind.REVIEW, b12.EventKind.FLARE_WINDOW} or (
            event.kind is b12.EventKind.PHASE_CHANGE and payload.index > 0
        ):
            start = event.start.astimezone(zone).date()
        else:
            continue
        found[b12ical.uid_of(course, event)] = (event.kind.value, start)
    return found


class TestOneDerivation:
    @scaled(0.4)  # an export and a timeline per example
    @given(COURSES, st.integers(0, 90))
    def test_calendar_events_are_exactly_the_timeline_events(self, course, days):
        """The .ics shows the timeline's planned doses, reviews, flare window and phase changes: same kinds, instants and dose names."""
        until = course.first_dose + dt.timedelta(days=60)
        now = course.first_dose + dt.timedelta(days=days)
        timeline = course.timeline(until=until, now=now)
        data = _export(
            course, until=until, now=now, include_phase_changes=True, alarms=()
        )
        assert _shown(data) == _derived(course, timeline)
        texts = _texts(data)
        for event in timeline.of_kind(b12.EventKind.PLANNED_DOSE):
            summary, _ = texts[b12ical.uid_of(course, event)]
            name = b12ical._text.clean(event.payload.name)
            assert f"({name})" in summary

    def test_the_course_is_derived_once_per_export(self, monkeypatch):
        """to_ical calls Course.timeline once and never expands the plan or asks for reviews itself."""
        course = _course().record_dose(dt.datetime(2026, 12, 1, 9, tzinfo=LONDON))
        calls: list[str] = []
        timeline = b12.Course.timeline
        monkeypatch.setattr(
            b12.Course,
            "timeline",
            lambda self, **kw: calls.append("timeline") or timeline(self, **kw),
        )
        for name in ("reviews", "flare_window"):
            original = getattr(b12.Course, name)
            monkeypatch.setattr(
                b12.Course,
                name,
                lambda self, *a, _o=original, _n=name, **kw: (
                    calls.append(_n) or _o(self, *a, **kw)
                ),
            )
        _export(course, until=dt.datetime(2027, 6, 1, tzinfo=UTC))
        assert calls.count("timeline") == 1
        # The timeline itself asks for reviews and the flare window, once each.
        assert calls.count("reviews") <= 1
        assert calls.count("flare_window") <= 1

    def test_kinds_are_the_event_kind_vocabulary(self):
        """X-B12COURSE-KIND holds EventKind values only."""
        started = _course("us-label-pernicious-anaemia")
        data = _export(
            started.record_dose(started.first_dose),  # the window needs a dose
            until=dt.datetime(2027, 6, 1, tzinfo=UTC),
            include_phase_changes=True,
        )
        kinds = {str(e["X-B12COURSE-KIND"]) for e in _events(data)}
        assert kinds == {
            "planned_dose",
            "review",
            "flare_window",
            "phase_change",
            "plan_continues",  # the conditional phases are provisional
        }
        assert kinds <= {kind.value for kind in b12.EventKind}


class TestWording:
    def test_loading_doses_of_an_undecided_phase_continue_until_a_clinician_ends_it(
        self,
    ):
        """Before a decision, loading doses say they continue until a clinician ends the phase; after it, they do not."""
        course = _course()
        until = dt.datetime(2027, 1, 1, tzinfo=UTC)
        texts = _texts(_export(course, until=until))
        _, loading = texts["c1-p0-d1@b12course"]
        assert "until a clinician ends the loading phase" in loading
        ended = course.record_dose(course.first_dose).end_phase(
            dt.datetime(2026, 12, 2, tzinfo=LONDON), reason="no further improvement"
        )
        after = _texts(_export(ended, until=until))
        assert not any("clinician ends the" in text for _, text in after.values())

    def test_provisional_doses_name_the_decision_they_hang_on(self):
        """A provisional dose says it depends on when a clinician ends the open phase."""
        course = _course()
        data = _export(course, until=dt.datetime(2027, 6, 1, tzinfo=UTC))
        provisional = [
            text
            for summary, text in _texts(data).values()
            if summary.endswith("(provisional)")
        ]
        assert provisional
        assert all(
            "depends on when a clinician ends the loading phase" in text
            for text in provisional
        )

    def test_review_event_says_a_clinician_decides_whether_to_continue(self):
        """The loading review is titled "loading review: a clinician decides whether to continue"."""
        data = _export(_course(), until=dt.datetime(2027, 6, 1, tzinfo=UTC))
        summaries = sorted(str(e["SUMMARY"]) for e in _by_kind(data, "review"))
        assert summaries == [
            "B12: loading review: a clinician decides whether to continue",
            "B12: treatment review",
        ]

    def test_flare_event_reports_what_has_been_reported(self):
        """The flare event speaks of a window in which a transient worsening has been reported."""
        course = _course()
        course = course.record_dose(course.first_dose)  # the window needs a dose
        data = _export(course, until=dt.datetime(2027, 6, 1, tzinfo=UTC))
        (event,) = _by_kind(data, "flare_window")
        assert str(event["SUMMARY"]) == (
            "B12: window in which a transient worsening has been reported"
        )
        assert "has been reported" in str(event["DESCRIPTION"])
        assert "not a prediction" in str(event["DESCRIPTION"])

    @pytest.mark.parametrize("preset", regimens.available())
    def test_no_calendar_text_promises_or_diagnoses(self, preset):
        """No preset's calendar says "expected flare", "will improve" or "deficient"."""
        course = _course(preset).record_dose(dt.datetime(2026, 12, 1, 9, tzinfo=LONDON))
        data = _export(
            course,
            until=dt.datetime(2027, 6, 1, tzinfo=UTC),
            now=dt.datetime(2026, 12, 20, tzinfo=UTC),
            include_phase_changes=True,
            compact=True,
        )
        text = b"".join(data.split(b"\r\n ")).decode().lower()
        assert not [word for word in FORBIDDEN if word in text]

    def test_the_calendar_carries_the_not_medical_advice_line(self):
        """X-WR-CALDESC is the notice, and every event's description ends with it."""
        data = _export(_course(), until=dt.datetime(2027, 6, 1, tzinfo=UTC))
        calendar = icalendar.Calendar.from_ical(data)
        assert (
            b12ical._text.unescape(str(calendar["X-WR-CALDESC"])) == NOT_MEDICAL_ADVICE
        )
        assert all(
            text.endswith(NOT_MEDICAL_ADVICE) for _, text in _texts(data).values()
        )

    def test_who_gave_a_dose_is_described(self):
        """A given dose's description says who gave it when that was recorded."""
        course = _course()
        record = b12.AdministeredDose(
            at=course.first_dose,
            dose=course.regimen.phases[0].dose,
            by="carer",
        )
        course = attrs.evolve(course, given=(record,))
        data = _export(course, until=dt.datetime(2026, 12, 3, tzinfo=UTC))
        _, text = _texts(data)["c1-p0-d1@b12course"]
        assert "Given by: carer" in text


class TestSuggestedSite:
    @pytest.mark.parametrize(
        ("route", "site"),
        [(b12.Route.IM, "left deltoid"), (b12.Route.SC, "left abdomen")],
    )
    def test_the_next_injection_gets_a_site_of_its_route(self, route, site):
        """The next pending injection suggests an IM site for an IM dose and an SC site for an SC one."""
        course = _course("us-label-pernicious-anaemia")
        phases = tuple(
            attrs.evolve(p, dose=b12.Dose(p.dose.drug, p.dose.amount, route))
            for p in course.regimen.phases
        )
        regimen = attrs.evolve(course.regimen, phases=phases)
        course = b12.Course.begin(regimen, first_dose=course.first_dose, id="c1")
        data = _export(course, until=dt.datetime(2026, 12, 4, tzinfo=UTC))
        texts = _texts(data)
        assert f"Suggested site: {site}." in texts["c1-p0-d1@b12course"][1]
        assert "Suggested site" not in texts["c1-p0-d2@b12course"][1]


class TestDefaultHorizon:
    def test_without_until_the_export_ends_a_year_after_the_first_dose(self):
        """With neither until nor now, firm doses end DEFAULT_HORIZON after the first dose."""
        course = _course("bnf-hydroxocobalamin-non-neuro")
        data = _export(course)
        starts = [e.decoded("DTSTART") for e in _by_kind(data, "planned_dose")]
        end = course.first_dose + b12ical.DEFAULT_HORIZON
        assert max(starts) < end
        assert max(starts) > end - dt.timedelta(days=100)
        assert not _by_kind(data, "plan_continues")

    def test_provisional_doses_end_12_weeks_after_the_first_dose_then_one_event(self):
        """An undecided phase's provisional doses stop 12 weeks in, and one all-day event says the plan continues."""
        course = _course("bnf-hydroxocobalamin-neuro")
        data = _export(course)
        starts = [e.decoded("DTSTART") for e in _by_kind(data, "planned_dose")]
        cut = course.first_dose + dt.timedelta(weeks=12)
        assert max(starts) < cut
        # Alternate days from the first dose: no gap before the horizon.
        assert max(starts) >= cut - dt.timedelta(days=2)
        (continues,) = _by_kind(data, "plan_continues")
        assert continues.decoded("DTSTART") == cut.date()
        assert "until a clinician ends this phase" in str(continues["SUMMARY"])

    def test_provisional_weeks_change_the_provisional_horizon(self):
        """provisional_horizon moves the cut; firm doses keep theirs."""
        course = _course("bnf-hydroxocobalamin-neuro")
        data = _export(course, provisional_horizon=dt.timedelta(weeks=4))
        starts = [e.decoded("DTSTART") for e in _by_kind(data, "planned_dose")]
        cut = course.first_dose + dt.timedelta(weeks=4)
        assert cut - dt.timedelta(days=2) <= max(starts) < cut

    def test_the_default_horizon_runs_from_now_when_now_is_later(self):
        """A later now moves the default horizon with it."""
        course = _course("nice-dietary-injection")
        now = dt.datetime(2029, 1, 1, tzinfo=UTC)
        data = _export(course, now=now)
        starts = [e.decoded("DTSTART") for e in _by_kind(data, "planned_dose")]
        assert max(starts) > now
        assert max(starts) < now + b12ical.DEFAULT_HORIZON
        reminders = b12ical.reminders(course, now=now)
        assert reminders
        assert all(r.due < now + b12ical.DEFAULT_HORIZON for r in reminders)


class TestUids:
    def test_every_uid_of_an_export_is_the_course_s(self):
        """is_course_uid recognises every event of a course's calendar, series included, and no other course's."""
        course = _course("us-label-pernicious-anaemia", course_id="clinic-7")
        data = _export(
            course,
            until=dt.datetime(2027, 6, 1, tzinfo=UTC),
            compact=True,
            include_phase_changes=True,
        )
        uids = [str(e["UID"]) for e in _events(data)]
        assert any(uid.endswith("-series@b12course") for uid in uids)
        assert all(b12ical.is_course_uid(uid, course) for uid in uids)
        assert not any(b12ical.is_course_uid(uid, "clinic") for uid in uids)
        assert not b12ical.is_course_uid("clinic-7-p0-d1@example.com", course)
        assert not b12ical.is_course_uid("clinic-7-party@b12course", "clinic-7")
        # Every event kind a calendar can hold, a suggested plateau's too.
        for tail in ("plan-continues", "review-plateau-suggested-p0", "flare"):
            assert b12ical.is_course_uid(f"clinic-7-{tail}@b12course", "clinic-7")
        assert not b12ical.is_course_uid(None, "clinic-7")

    def test_uids_name_the_event_s_place_in_the_course(self):
        """Dose, review, flare and phase UIDs follow the documented grammar."""
        course = _course()
        course = course.record_dose(course.first_dose)  # the window needs a dose
        until = dt.datetime(2027, 6, 1, tzinfo=UTC)
        timeline = course.timeline(until=until)
        uids = {
            b12ical.uid_of(course, e)
            for e in timeline
            if e.kind is not b12.EventKind.DOSE_GIVEN  # the planned dose's event
        }
        assert {
            "c1-p0-d1@b12course",
            "c1-review-loading-phase-p0@b12course",
            "c1-review-treatment@b12course",
            "c1-flare@b12course",
        } <= uids
        counted = _course("us-label-pernicious-anaemia")
        later = {b12ical.uid_of(counted, e) for e in counted.timeline(until=until)}
        assert "c1-p1-start@b12course" in later
        dose = timeline.of_kind(b12.EventKind.PLANNED_DOSE)[0].payload
        assert b12ical.uid_of("c1", dose) == b12ical.dose_uid(course, 0, 1)
        assert b12ical.series_uid(course, dose) == "c1-p0-d1-series@b12course"

    def test_events_the_calendar_does_not_show_have_no_uid(self):
        """A symptom entry has no calendar event, and a UID needs a course or an id."""
        entry = b12.SymptomEntry(
            at=dt.datetime(2026, 12, 1, tzinfo=LONDON),
            symptom=b12.Symptom.FATIGUE,
            severity=3,
        )
        course = _course().log_symptom(entry)
        timeline = course.timeline(until=dt.datetime(2027, 1, 1, tzinfo=UTC))
        (symptom,) = timeline.of_kind(b12.EventKind.SYMPTOM)
        with pytest.raises(InvalidRecordError):
            b12ical.uid_of(course, symptom)
        with pytest.raises(InvalidRecordError):
            b12ical.uid_of(42, symptom)  # type: ignore[arg-type]
