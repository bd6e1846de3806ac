"""Boundaries of b12course._timeline, pinned where mutation testing found them loose.

Each test pins one observable rule of the timeline: half-open ranges whose
end is exactly an event's instant, the first and last days of the calendar,
the names of kinds and the fields of errors, and the words of events.  Many
queries have a fast path (a wall-clock index) and an exact one that answer
the same; mutants that only send a query down the other path are equivalent
and are listed in docs/testing.md.
"""

import datetime as dt
import zoneinfo

import pytest

from b12course import (
    AdministeredDose,
    Analyte,
    Course,
    DoseSkip,
    EventKind,
    FlareModel,
    LabResult,
    Symptom,
    SymptomEntry,
    Timeline,
    TimelineEvent,
    regimens,
)
from b12course._time import UTC, utc
from b12course.exceptions import (
    InvalidRecordError,
    NaiveDatetimeError,
    NotADateError,
    OutOfBoundsError,
    SettingError,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
MICRO = dt.timedelta(microseconds=1)
HOUR = dt.timedelta(hours=1)


def at(day, hour=9, minute=0):
    """A time in December 2026, London."""
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=LONDON)


def symptom(when, severity=3):
    entry = SymptomEntry(at=when, symptom=Symptom.TREMOR, severity=severity)
    return TimelineEvent.instant(when, EventKind.SYMPTOM, entry)


def window(start, end):
    model_window = FlareModel().window(start)
    return TimelineEvent(
        start=start, end=end, kind=EventKind.FLARE_WINDOW, payload=model_window
    )


def timeline(*events, zone=LONDON):
    return Timeline.from_events(events, zone=zone)


TL = timeline(symptom(at(1)), symptom(at(2)), symptom(at(3)), symptom(at(4, 0)))
NAIVE = dt.datetime(2026, 12, 2, 9)


class TestRangeEnds:
    @pytest.mark.parametrize("zone", [LONDON, UTC, TOKYO])
    def test_an_instant_at_the_end_of_a_range_is_outside(self, zone):
        """between/overlapping [a, t) leave out an event at t, in any zone."""
        a, t = at(1).astimezone(zone), at(2).astimezone(zone)
        assert [e.start for e in TL.between(a, t)] == [at(1)]
        assert [e.start for e in TL.overlapping(a, t)] == [at(1)]

    @pytest.mark.parametrize("zone", [LONDON, UTC, TOKYO])
    def test_an_empty_range_at_an_event_is_empty(self, zone):
        """[t, t) holds nothing, even when an event is at t."""
        t = at(2).astimezone(zone)
        assert TL.between(t, t) == ()
        assert TL.overlapping(t, t) == ()

    @pytest.mark.parametrize("zone", [LONDON, UTC, TOKYO])
    def test_at_holds_the_instant_and_not_the_next(self, zone):
        """at(t) holds the instants at t; a microsecond before t holds nothing."""
        t = at(2).astimezone(zone)
        assert [e.start for e in TL.at(t)] == [at(2)]
        assert TL.at(t - MICRO) == ()
        assert TL.at_instant(t) == TL.at(t)

    def test_an_interval_is_running_until_its_end(self):
        """An interval [s, e) overlaps a range starting before e, not one starting at e."""
        tl = timeline(window(at(1), at(3)), symptom(at(5)))
        assert [e.kind for e in tl.overlapping(at(2), at(6))] == [
            EventKind.FLARE_WINDOW,
            EventKind.SYMPTOM,
        ]
        assert [e.kind for e in tl.overlapping(at(3), at(6))] == [EventKind.SYMPTOM]
        assert [e.kind for e in tl.at(at(3) - MICRO)] == [EventKind.FLARE_WINDOW]
        assert tl.at(at(3)) == ()

    def test_start_after_is_strictly_after(self):
        """start_after(t) leaves out the event at t."""
        assert [e.start for e in TL.start_after(at(2))] == [at(3), at(4, 0)]
        assert TL.start_after(at(2) - MICRO)[0].start == at(2)

    def test_included_holds_intervals_wholly_inside(self):
        """included() holds an interval only when it ends at or before the range's end."""
        tl = timeline(window(at(1), at(3)), symptom(at(2)))
        assert [e.kind for e in tl.included(at(1), at(3))] == [
            EventKind.FLARE_WINDOW,
            EventKind.SYMPTOM,
        ]
        assert [e.kind for e in tl.included(at(1), at(3) - MICRO)] == [
            EventKind.SYMPTOM
        ]


class TestDays:
    def test_an_event_at_the_next_midnight_is_the_next_day_s(self):
        """on(day) is [midnight, next midnight): an event at the next midnight is not on it."""
        assert [e.start for e in TL.on(dt.date(2026, 12, 3))] == [at(3)]
        assert [e.start for e in TL.on(dt.date(2026, 12, 4))] == [at(4, 0)]
        gap = timeline(symptom(at(1)), symptom(at(4, 0)))
        assert gap.on(dt.date(2026, 12, 3)) == ()
        assert gap.on(dt.date(2026, 12, 3), TOKYO) == ()

    def test_a_day_of_another_zone(self):
        """on(day, zone) and on_date(day, zone) read the day in that zone."""
        # 3 December in Tokyo is 2 December 15:00 to 3 December 15:00 in London.
        day = dt.date(2026, 12, 3)
        assert [e.start for e in TL.on(day, TOKYO)] == [at(3)]
        assert [e.start for e in TL.on(day, "Asia/Tokyo")] == [at(3)]
        assert [e.start for e in TL.on_date(day, TOKYO)] == [at(3)]
        assert [e.start for e in TL.on_date(day, "Asia/Tokyo")] == [at(3)]
        assert [e.start for e in TL.on_date(day)] == [at(3)]

    @pytest.mark.parametrize("day", [dt.date.min, dt.date.max])
    def test_the_first_and_last_days_of_the_calendar_are_out_of_bounds(self, day):
        """The first and last days Python holds cannot be bounded: OutOfBoundsError."""
        with pytest.raises(OutOfBoundsError):
            TL.on(day, TOKYO)
        with pytest.raises(OutOfBoundsError):
            TL.on_date(day, TOKYO)

    def test_the_last_day_of_the_calendar_in_the_course_zone(self):
        """The last day is out of bounds in the course zone too; the first has no events."""
        with pytest.raises(OutOfBoundsError):
            TL.on(dt.date.max)
        assert TL.on(dt.date.min) == ()

    @pytest.mark.parametrize("value", [at(3), "2026-12-03", None])
    def test_a_day_must_be_a_date(self, value):
        """A datetime, a string or None is not a day: NotADateError naming 'day'."""
        with pytest.raises(NotADateError) as info:
            TL.on(value)
        assert info.value.name == "day"
        assert info.value.value == value
        with pytest.raises(NotADateError):
            TL.on_date(value)


class TestArgumentNames:
    @pytest.mark.parametrize(
        ("query", "name"),
        [
            (lambda: TL.at(NAIVE), "instant"),
            (lambda: TL.start_after(NAIVE), "instant"),
            (lambda: TL.next_dose(after=NAIVE), "after"),
            (lambda: TL.last(EventKind.SYMPTOM, before=NAIVE), "before"),
            (lambda: TL.overdue(now=NAIVE), "now"),
            (lambda: TL.between(NAIVE, at(3)), "start"),
            (lambda: TL.between(at(1), NAIVE), "end"),
        ],
    )
    def test_a_naive_argument_is_named(self, query, name):
        """Each query names the argument that was naive."""
        with pytest.raises(NaiveDatetimeError) as info:
            query()
        assert info.value.name == name
        assert info.value.value == NAIVE


class TestKinds:
    @pytest.mark.parametrize(
        "spelling", ["symptom", "SYMPTOM", " symptom ", EventKind.SYMPTOM]
    )
    def test_kinds_are_read_in_any_spelling(self, spelling):
        """A kind may be its value, its member name, or padded."""
        assert len(TL.payloads(spelling)) == 4
        assert TL.last(spelling, before=at(3)).start == at(2)

    def test_spelled_out_kinds_of_0_1_are_read(self):
        """'planned dose' (0.1's spelling) is the planned_dose kind."""
        assert TL.payloads("planned dose") == ()
        assert TL.payloads("Planned Dose") == ()

    def test_an_unknown_kind_lists_the_kinds(self):
        """An unknown kind is refused with the value and every kind's name."""
        with pytest.raises(SettingError) as info:
            TL.payloads("symptoms")
        assert info.value.value == "symptoms"
        assert "unknown event kind 'symptoms'; use one of phase_change" in str(
            info.value
        )

    def test_payloads_are_in_timeline_order(self):
        """payloads() gives the payloads of one kind, oldest first."""
        tl = timeline(symptom(at(3), 5), symptom(at(1), 1), window(at(1), at(2)))
        assert [p.severity for p in tl.payloads(EventKind.SYMPTOM)] == [1, 5]
        assert len(tl.payloads(EventKind.FLARE_WINDOW)) == 1
        assert tl.payloads(EventKind.REVIEW) == ()


class TestConstruction:
    def test_a_non_event_is_refused_with_its_value(self):
        """Timeline(...) refuses an item that is not an event, naming it."""
        with pytest.raises(InvalidRecordError) as info:
            timeline(symptom(at(1)), "not an event")
        assert info.value.value == "not an event"
        assert str(info.value) == "a Timeline holds TimelineEvents, not 'not an event'"


class TestWords:
    COURSE = (
        Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=at(1), id="w"
        )
        .record_dose(at(1), site="left thigh")
        .skip_dose(at(3), reason="away")
        .log_symptom(SymptomEntry(at=at(2, 20), symptom=Symptom.TREMOR, severity=4))
    )

    def test_each_kind_has_its_words(self):
        """Every kind of event prints its time, kind and a short title."""
        tl = self.COURSE.timeline(until=at(6))
        lines = [str(e) for e in tl]
        dose = self.COURSE.regimen.phases[0].dose
        assert lines[:3] == [
            "2026-12-01 09:00 GMT  phase_change  loading phase begins",
            f"2026-12-01 09:00 GMT  planned_dose  loading dose 1, {dose}, given",
            f"2026-12-01 09:00 GMT  dose_given  {dose} given at left thigh",
        ]
        assert "2026-12-02 20:00 GMT  symptom  tremor 4/10" in lines
        assert "2026-12-03 09:00 GMT  dose_skipped  dose skipped: away" in lines
        flare = next(e for e in tl if e.kind is EventKind.FLARE_WINDOW)
        assert str(flare) == (
            "2026-12-03 09:00 GMT to 2027-01-12 09:00 GMT  flare_window  "
            "window in which a transient worsening has been reported"
        )

    def test_titles_of_records_without_details(self):
        """A dose without site or giver, a skip without reason, a lab result."""
        dose = self.COURSE.regimen.phases[0].dose
        given = TimelineEvent.instant(
            at(1), EventKind.DOSE_GIVEN, AdministeredDose(at=at(1), dose=dose)
        )
        assert given.title == f"{dose} given"
        skipped = TimelineEvent.instant(
            at(1), EventKind.DOSE_SKIPPED, DoseSkip(due=at(1))
        )
        assert skipped.title == "dose skipped"
        lab = LabResult(at=at(1), analyte=Analyte.SERUM_B12, value=180.5, unit="ng/L")
        event = TimelineEvent.instant(at(1), EventKind.LAB_RESULT, lab)
        assert event.title == f"{Analyte.SERUM_B12.value} 180.5 ng/L"
        other = TimelineEvent.instant(at(1), EventKind.REVIEW, "a note")
        assert other.title == "a note"

    def test_a_dose_given_by_someone_says_so(self):
        """A dose recorded with who gave it names them."""
        dose = self.COURSE.regimen.phases[0].dose
        record = AdministeredDose(at=at(1), dose=dose, by="clinician")
        event = TimelineEvent.instant(at(1), EventKind.DOSE_GIVEN, record)
        assert event.title == f"{dose} given by {record.by}"

    def test_an_interval_across_zones_prints_its_end_in_the_start_s_zone(self):
        """An interval prints both ends in the zone of its start."""
        event = window(at(1), at(3).astimezone(TOKYO))
        assert str(event).startswith("2026-12-01 09:00 GMT to 2026-12-03 09:00 GMT")
        assert event.duration == dt.timedelta(days=2)
        assert not event.is_instant

    def test_an_instant_is_instant_in_any_zone(self):
        """An event whose end is its start in another zone is an instant."""
        event = TimelineEvent(
            start=at(1),
            end=at(1).astimezone(TOKYO),
            kind=EventKind.SYMPTOM,
            payload=symptom(at(1)).payload,
        )
        assert event.is_instant
        assert event.duration == dt.timedelta(0)
        assert utc(event.end) == utc(event.start)


class TestOverdueInTheCourseZone:
    def test_a_dose_is_overdue_after_the_course_zone_s_midnight(self):
        """New York, a dose due 20:00: overdue from New York's midnight, not UTC's."""
        ny = zoneinfo.ZoneInfo("America/New_York")
        first = dt.datetime(2026, 12, 1, 20, tzinfo=ny)
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=first, id="ny"
        )
        tl = course.timeline(until=dt.datetime(2026, 12, 3, tzinfo=ny))
        midnight = dt.datetime(2026, 12, 2, tzinfo=ny)
        assert tl.overdue(now=midnight - MICRO) == ()
        assert [d.number for d in tl.overdue(now=midnight)] == [1]
        assert tl.overdue(now=midnight)[0].status.value == "overdue"

    def test_a_later_now_after_an_earlier_one_lists_every_overdue_dose(self):
        """Asking at a later ``now`` after an earlier one lists all doses overdue by then."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=at(1), id="od"
        )
        tl = course.timeline(until=at(20))
        assert [d.due.day for d in tl.overdue(now=at(3))] == [1]
        assert [d.due.day for d in tl.overdue(now=at(10))] == [1, 3, 5, 7, 9]
        assert [d.due.day for d in tl.overdue(now=at(3))] == [1]
