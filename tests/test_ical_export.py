"""Tests of the iCalendar export and read-back (b12course.ical)."""

from __future__ import annotations

import datetime as dt
import functools
import os
import pathlib
import re
import subprocess
import sys

import icalendar
import pytest
import recurring_ical_events
from hypothesis import given
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

import b12course as b12
from b12course import ical as b12ical
from b12course import regimens
from b12course._notice import NOT_MEDICAL_ADVICE
from b12course.exceptions import AlarmError, CalendarFormatError, NaiveDatetimeError
from b12course.ical._text import clean, unescape
from support.calendars import (
    COURSES,
    HORIZON,
    STAMP,
    ZONE_CASES,
)
from support.calendars import course as _course
from support.calendars import dose_events as _dose_events
from support.calendars import events as _events
from support.calendars import expected as _expected
from support.calendars import export as _export
from support.profiles import scaled

UTC = dt.timezone.utc
DOSE_UID = re.compile(r"-p\d+-d\d+@b12course$")
GOLDEN = pathlib.Path(__file__).parent / "golden" / "nice-non-neuro-london.ics"


def _by_recurring_ical_events(data: bytes, course: b12.Course, until: dt.datetime):
    calendar = icalendar.Calendar.from_ical(data)
    start = course.first_dose - dt.timedelta(days=400)
    found = recurring_ical_events.of(calendar).between(
        start, until + dt.timedelta(days=400)
    )
    return sorted(
        (str(e["UID"]), e["DTSTART"].dt.astimezone(UTC))
        for e in found
        if str(e.get("X-B12COURSE-KIND")) == "planned_dose"
        and str(e.get("STATUS")) != "CANCELLED"
    )


def _by_ical_package(data: bytes):
    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return sorted(
        (e.uid, e.dtstart.astimezone(UTC))
        for e in calendar.events
        if DOSE_UID.search(e.uid)
        and (e.status is None or e.status.value != "CANCELLED")
    )


class TestOracles:
    @pytest.mark.slow
    @pytest.mark.parametrize("zone", sorted(ZONE_CASES))
    @pytest.mark.parametrize("preset", regimens.available())
    def test_two_independent_readers_see_every_dose_at_its_planned_instant(
        self, preset, zone
    ):
        """Expanded by recurring-ical-events and by allenporter's ical, every dose of every preset lands at the plan's instant, across DST changes."""
        day, time = ZONE_CASES[zone]
        course = _course(preset, zone, dt.datetime.combine(day, time))
        until = course.first_dose + dt.timedelta(days=230)
        data = _export(course, until)
        expected = _expected(course, until)
        assert expected
        assert _by_recurring_ical_events(data, course, until) == expected
        assert _by_ical_package(data) == expected

    @pytest.mark.parametrize("zone", ["Australia/Sydney", "America/New_York"])
    def test_lifelong_maintenance_past_2038_stays_on_the_plan(self, zone):
        """Maintenance doses decades ahead (past 2038) keep the plan's instants in both readers."""
        course = _course(
            "nice-dietary-injection", zone, dt.datetime(2026, 10, 3, 2, 30)
        )
        until = dt.datetime(2061, 1, 1, tzinfo=UTC)
        data = _export(course, until)
        expected = _expected(course, until)
        assert max(instant for _uid, instant in expected).year == 2060
        assert _by_recurring_ical_events(data, course, until) == expected
        assert _by_ical_package(data) == expected

    def test_given_late_and_skipped_doses_are_read_as_recorded(self):
        """A late dose appears when it was given, and a skipped one is cancelled."""
        course = _course("us-label-pernicious-anaemia", "America/New_York")
        tz = course.zone
        course = course.record_dose(dt.datetime(2026, 12, 7, 11, 5, tzinfo=tz))
        course = course.skip_dose(number=3)
        until = dt.datetime(2027, 1, 15, tzinfo=tz)
        data = _export(course, until)
        expected = _expected(course, until)
        assert _by_recurring_ical_events(data, course, until) == expected
        assert _by_ical_package(data) == expected
        skipped = [d for d in b12ical.read_ical(data) if d.cancelled]
        assert [d.status for d in skipped] == [b12.DoseStatus.SKIPPED]

    # The VTIMEZONE is checked with readers that build the zone from the file itself,
    # not from their own zone database: dateutil's tzical and icalendar's to_tz.class TestCalendarShape:
    def test_calendar_has_the_properties_clients_need(self):
        """The VCALENDAR names itself, its zone and its refresh interval, and publishes."""
        course = _course()
        data = _export(course, dt.datetime(2026, 12, 19, tzinfo=UTC))
        calendar = icalendar.Calendar.from_ical(data)
        assert str(calendar["VERSION"]) == "2.0"
        assert str(calendar["CALSCALE"]) == "GREGORIAN"
        assert str(calendar["METHOD"]) == "PUBLISH"
        assert "b12course" in str(calendar["PRODID"])
        assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"])
        assert str(calendar["X-WR-CALNAME"]).startswith("B12: ")
        assert str(calendar["X-WR-TIMEZONE"]) == "Europe/London"
        assert b"REFRESH-INTERVAL;VALUE=DURATION:P1D" in data
        assert [c.name for c in calendar.walk("VTIMEZONE")] == ["VTIMEZONE"]

    def test_lines_end_in_crlf_and_fold_at_75_octets(self):
        """Every line ends in CRLF and no line is longer than 75 octets."""
        course = _course().record_dose(
            dt.datetime(2026, 12, 7, 9, 30, tzinfo=UTC), note="ü" * 200
        )
        data = _export(course, dt.datetime(2026, 12, 19, tzinfo=UTC))
        assert data.endswith(b"\r\n")
        lines = data.split(b"\r\n")
        assert all(b"\n" not in line and b"\r" not in line for line in lines)
        assert all(len(line) <= 75 for line in lines)

    def test_doses_are_written_in_local_time_with_the_zone_id(self):
        """A planned dose's DTSTART carries TZID and local time, never a UTC Z time."""
        course = _course(zone="America/New_York")
        data = _export(course, dt.datetime(2027, 3, 1, tzinfo=UTC))
        events = data.split(b"END:VTIMEZONE")[1]
        starts = [line for line in events.split(b"\r\n") if line.startswith(b"DTSTART")]
        dose_starts = [s for s in starts if b"VALUE=DATE" not in s]
        assert dose_starts
        assert all(s.startswith(b"DTSTART;TZID=America/New_York:") for s in dose_starts)
        assert not any(s.endswith(b"Z") for s in dose_starts)

    def test_dose_given_in_a_repeated_hour_second_time_is_written_exactly(self):
        """A dose given in the second 01:30 of a fall-back night is written in UTC, the only exact form."""
        course = _course(zone="Europe/London", start=dt.datetime(2027, 10, 30, 9))
        tz = course.zone
        course = course.record_dose(dt.datetime(2027, 10, 30, 9, tzinfo=tz))
        second = dt.datetime(2027, 10, 31, 1, 30, fold=1, tzinfo=tz)
        course = course.record_dose(second)
        data = _export(course, dt.datetime(2027, 11, 10, tzinfo=UTC))
        read = {d.uid: d for d in b12ical.read_ical(data)}
        assert read["c1-p0-d2@b12course"].when.astimezone(UTC) == second.astimezone(UTC)
        assert b"DTSTART:20271031T013000Z" in data

    def test_summary_and_description_read_as_a_person_would(self):
        """The title names the drug, amount, route and place in the phase; the text adds the phase, site and status."""
        course = _course("us-label-pernicious-anaemia")
        data = _export(course, dt.datetime(2026, 12, 9, tzinfo=UTC))
        event = _dose_events(data)["c1-p0-d1@b12course"]
        assert (
            str(event["SUMMARY"]) == "B12 cyanocobalamin 100 mcg IM (daily dose 1 of 7)"
        )
        text = str(event["DESCRIPTION"])
        assert "Cyanocobalamin 100 mcg, intramuscular (IM)." in text
        assert "Daily dose 1 of 7." in text
        assert "Suggested site: left deltoid." in text
        assert NOT_MEDICAL_ADVICE in text
        second = _dose_events(data)["c1-p0-d2@b12course"]
        assert "Suggested site" not in str(second["DESCRIPTION"])

    def test_open_ended_phase_says_dose_n_without_a_total(self):
        """A phase without a count numbers its doses without "of N"."""
        data = _export(_course("oral-high-dose"), dt.datetime(2026, 12, 9, tzinfo=UTC))
        event = _dose_events(data)["c1-p0-d1@b12course"]
        assert str(event["SUMMARY"]) == "B12 cyanocobalamin 1 mg oral (oral dose 1)"
        assert "Suggested site" not in str(event["DESCRIPTION"])

    def test_given_doses_are_shown_done_and_overdue_ones_marked(self):
        """With now, a given dose says so with its site and note, and a missed one is overdue."""
        course = _course()
        tz = course.zone
        course = course.record_dose(
            dt.datetime(2026, 12, 7, 9, 20, tzinfo=tz), site="left deltoid", note="fine"
        )
        now = dt.datetime(2026, 12, 10, 12, tzinfo=tz)
        data = _export(course, dt.datetime(2026, 12, 14, tzinfo=tz), now=now)
        events = _dose_events(data)
        done, missed, ahead = (
            events["c1-p0-d1@b12course"],
            events["c1-p0-d2@b12course"],
            events["c1-p0-d3@b12course"],
        )
        assert str(done["SUMMARY"]).startswith("Given: ")
        assert "Done: given Mon 07 Dec 2026 09:20 GMT." in str(done["DESCRIPTION"])
        assert "Site: left deltoid" in str(done["DESCRIPTION"])
        assert "Note: fine" in str(done["DESCRIPTION"])
        assert str(missed["SUMMARY"]).startswith("OVERDUE: ")
        assert "Overdue: it was due Wed 09 Dec 2026 09:20 GMT." in str(
            missed["DESCRIPTION"]
        )
        assert str(ahead["SUMMARY"]).startswith("B12 ")
        assert str(done["X-B12COURSE-STATUS"]) == "given"

    def test_dose_given_differs_from_plan_is_described(self):
        """A dose given other than planned says what was given."""
        course = _course()
        given = b12.Dose(b12.Drug.CYANOCOBALAMIN, "500 mcg", b12.Route.IM)
        course = course.record_dose(course.first_dose, dose=given)
        data = _export(course, dt.datetime(2026, 12, 8, tzinfo=UTC))
        event = _dose_events(data)["c1-p0-d1@b12course"]
        assert "Given as cyanocobalamin 500 mcg IM." in str(event["DESCRIPTION"])

    def test_provisional_doses_are_labelled(self):
        """Doses past an open review point say they are provisional."""
        course = _course("bnf-hydroxocobalamin-neuro")
        data = _export(course, dt.datetime(2027, 3, 1, tzinfo=UTC))
        summaries = [str(e["SUMMARY"]) for e in _dose_events(data).values()]
        assert any(s.endswith("(provisional)") for s in summaries)
        assert not summaries[0].endswith("(provisional)")

    def test_dtstamp_defaults_to_now(self):
        """Without dtstamp, every DTSTAMP is now (in UTC)."""
        course = _course()
        now = dt.datetime(2026, 12, 1, 8, 15, 30, 999, tzinfo=course.zone)
        data = b12.to_ical(course, until=dt.datetime(2026, 12, 10, tzinfo=UTC), now=now)
        assert {str(e["DTSTAMP"].to_ical(), "ascii") for e in _events(data)} == {
            "20261201T081530Z"
        }

    def test_dtstamp_without_now_is_the_current_time(self):
        """Without dtstamp or now, DTSTAMP is the time the file was written."""
        before = dt.datetime.now(UTC).replace(microsecond=0)
        data = b12.to_ical(_course(), until=dt.datetime(2026, 12, 10, tzinfo=UTC))
        after = dt.datetime.now(UTC)
        stamps = {e.decoded("DTSTAMP") for e in _events(data)}
        assert len(stamps) == 1
        assert before <= stamps.pop() <= after

    def test_naive_horizon_is_refused(self):
        """A naive until raises NaiveDatetimeError."""
        with pytest.raises(NaiveDatetimeError):
            b12.to_ical(_course(), until=dt.datetime(2027, 1, 1))

    def test_empty_plan_gives_a_valid_calendar(self):
        """A horizon before the first dose gives a calendar with no dose events."""
        course = _course()
        data = _export(
            course, course.first_dose, include_reviews=False, include_flare=False
        )
        assert b12ical.read_ical(data) == ()
        assert b"BEGIN:VTIMEZONE" in data

    def test_custom_name_is_escaped(self):
        """A calendar name with separators stays one escaped value."""
        data = _export(
            _course(), dt.datetime(2026, 12, 10, tzinfo=UTC), name="Mum;s, B12\r\nX"
        )
        calendar = icalendar.Calendar.from_ical(data)
        assert unescape(str(calendar["X-WR-CALNAME"])) == "Mum;s, B12 X"
        assert unescape(str(calendar["NAME"])) == "Mum;s, B12 X"


class TestInformationalEvents:
    def test_flare_window_is_an_all_day_transparent_event_with_exclusive_end(
        self, monkeypatch
    ):
        """The flare window [start, end) becomes all-day dates with DTEND the day after its last day."""
        course = _course("bnf-hydroxocobalamin-neuro")
        tz = course.zone
        window = b12.FlareWindow(
            dt.datetime(2026, 12, 8, 9, tzinfo=tz),
            dt.datetime(2026, 12, 20, 0, tzinfo=tz),
        )
        monkeypatch.setattr(
            b12.Course, "flare_window", lambda _self, _model=None: window
        )
        data = _export(course, dt.datetime(2027, 1, 1, tzinfo=UTC))
        (event,) = [e for e in _events(data) if str(e["UID"]) == "c1-flare@b12course"]
        assert event.decoded("DTSTART") == dt.date(2026, 12, 8)
        assert event.decoded("DTEND") == dt.date(2026, 12, 20)
        assert str(event["TRANSP"]) == "TRANSPARENT"
        assert b"DTSTART;VALUE=DATE:20261208" in data

    def test_flare_window_follows_the_course_flare_model(self):
        """The exported flare event spans the local days of course.flare_window()."""
        course = _course("bnf-hydroxocobalamin-neuro", "Australia/Lord_Howe")
        course = course.record_dose(course.first_dose)  # no window before a dose
        window = course.flare_window()
        data = _export(
            course, dt.datetime(2027, 6, 1, tzinfo=UTC), include_reviews=False
        )
        (event,) = [e for e in _events(data) if str(e["UID"]) == "c1-flare@b12course"]
        zone = course.zone
        last = (window.end - dt.timedelta(microseconds=1)).astimezone(zone).date()
        assert event.decoded("DTSTART") == window.start.astimezone(zone).date()
        assert event.decoded("DTEND") == last + dt.timedelta(days=1)

    def test_flare_window_after_the_horizon_is_left_out(self, monkeypatch):
        """A flare window that opens after until is not exported."""
        course = _course("bnf-hydroxocobalamin-neuro")
        window = b12.FlareWindow(
            dt.datetime(2027, 2, 1, tzinfo=UTC), dt.datetime(2027, 3, 1, tzinfo=UTC)
        )
        monkeypatch.setattr(
            b12.Course, "flare_window", lambda _self, _model=None: window
        )
        data = _export(course, dt.datetime(2027, 1, 1, tzinfo=UTC))
        assert b"c1-flare@b12course" not in data

    def test_flare_and_reviews_can_be_left_out(self):
        """With both switched off, only dose events remain, and the one event that says the undecided phase goes on."""
        course = _course("bnf-hydroxocobalamin-neuro")
        data = _export(
            course,
            dt.datetime(2027, 6, 1, tzinfo=UTC),
            include_flare=False,
            include_reviews=False,
        )
        kinds = [str(e.get("X-B12COURSE-KIND")) for e in _events(data)]
        assert set(kinds) == {"planned_dose", "plan_continues"}
        assert kinds.count("plan_continues") == 1

    def test_review_points_are_all_day_events_on_their_local_date(self):
        """Each review point of the course is an all-day event on its local date."""
        course = _course("bnf-hydroxocobalamin-neuro")
        until = dt.datetime(2027, 6, 1, tzinfo=UTC)
        data = _export(course, until, include_flare=False)
        reviews = course.reviews(until=until)
        events = [e for e in _events(data) if "-review-" in str(e["UID"])]
        assert reviews
        assert sorted(e.decoded("DTSTART") for e in events) == sorted(
            r.at.astimezone(course.zone).date() for r in reviews
        )
        assert all(str(e["TRANSP"]) == "TRANSPARENT" for e in events)

    def test_phase_changes_are_optional_all_day_events(self):
        """With include_phase_changes, each later phase's first day is marked."""
        course = _course("us-label-pernicious-anaemia")
        until = dt.datetime(2027, 6, 1, tzinfo=UTC)
        data = _export(course, until, include_phase_changes=True)
        starts = sorted(
            e.decoded("DTSTART")
            for e in _events(data)
            if str(e["UID"]).endswith("-start@b12course")
        )
        spans = course.expand(until=until).phases[1:]
        assert starts == [s.first.astimezone(course.zone).date() for s in spans]
        assert b"-start@b12course" not in _export(course, until)


class TestAlarms:
    def test_pending_doses_get_a_relative_display_alarm(self):
        """Each scheduled dose gets a DISPLAY alarm with TRIGGER -PT30M by default."""
        data = _export(_course(), dt.datetime(2026, 12, 10, tzinfo=UTC))
        for event in _dose_events(data).values():
            (alarm,) = event.walk("VALARM")
            assert str(alarm["ACTION"]) == "DISPLAY"
            assert alarm["TRIGGER"].to_ical() == b"-PT30M"
        assert b"TRIGGER:-PT30M" in data

    def test_given_and_overdue_doses_get_no_alarm(self):
        """Alarms go only to doses still to come."""
        course = _course()
        tz = course.zone
        course = course.record_dose(dt.datetime(2026, 12, 7, 9, tzinfo=tz))
        now = dt.datetime(2026, 12, 10, 12, tzinfo=tz)
        data = _export(course, dt.datetime(2026, 12, 14, tzinfo=tz), now=now)
        with_alarm = {uid for uid, e in _dose_events(data).items() if e.walk("VALARM")}
        assert with_alarm == {"c1-p0-d3@b12course"}

    def test_no_alarms_and_several_alarms(self):
        """alarms=() writes none; two alarms write two triggers."""
        course = _course()
        until = dt.datetime(2026, 12, 8, tzinfo=UTC)
        assert b"VALARM" not in _export(course, until, alarms=())
        data = _export(course, until, alarms=(dt.timedelta(hours=1), dt.timedelta(0)))
        assert data.count(b"BEGIN:VALARM") == 2
        assert b"TRIGGER:-PT1H" in data
        assert b"TRIGGER:P0D" in data

    def test_reminders_give_the_instants_alarms_fire(self):
        """reminders() gives, per pending dose, the due time minus each alarm."""
        course = _course(zone="Europe/London", start=dt.datetime(2027, 3, 27, 1, 30))
        until = dt.datetime(2027, 4, 2, tzinfo=UTC)
        found = b12ical.reminders(course, until=until, alarms=[dt.timedelta(hours=1)])
        plan = course.plan(until=until)
        assert [r.uid for r in found] == [
            f"c1-p0-d{d.number_in_phase}@b12course" for d in plan
        ]
        for reminder, dose in zip(found, plan, strict=True):
            assert reminder.at.astimezone(UTC) == dose.due.astimezone(
                UTC
            ) - dt.timedelta(hours=1)
            assert reminder.before == dt.timedelta(hours=1)

    def test_reminders_skip_doses_no_longer_to_come(self):
        """With now, given and overdue doses have no reminder."""
        course = _course()
        tz = course.zone
        course = course.record_dose(dt.datetime(2026, 12, 7, 9, tzinfo=tz))
        now = dt.datetime(2026, 12, 10, 12, tzinfo=tz)
        found = b12ical.reminders(
            course, until=dt.datetime(2026, 12, 14, tzinfo=tz), now=now
        )
        assert [r.uid for r in found] == ["c1-p0-d3@b12course"]

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("30m", dt.timedelta(minutes=30)),
            ("30 min", dt.timedelta(minutes=30)),
            ("1h", dt.timedelta(hours=1)),
            ("1h30m", dt.timedelta(minutes=90)),
            ("2d", dt.timedelta(days=2)),
            ("90", dt.timedelta(minutes=90)),
            ("0", dt.timedelta(0)),
            ("PT30M", dt.timedelta(minutes=30)),
            ("-PT15M", dt.timedelta(minutes=15)),
            ("P1W", dt.timedelta(weeks=1)),
            ("P1DT2H", dt.timedelta(days=1, hours=2)),
            ("PT90S", dt.timedelta(seconds=90)),
            (" 1H ", dt.timedelta(hours=1)),
        ],
    )
    def test_parse_alarm_reads_durations(self, text, expected):
        """Reminder texts read as the durations they name."""
        assert b12ical.parse_alarm(text) == expected

    @pytest.mark.parametrize(
        "text", ["", "soon", "30s", "m", "P", "-5", "29d", "PTXM", "P1DT", None]
    )
    def test_parse_alarm_refuses_other_text(self, text):
        """Unreadable or out-of-range reminder texts raise AlarmError."""
        with pytest.raises(AlarmError):
            b12ical.parse_alarm(text)

    @pytest.mark.parametrize(
        "bad", [dt.timedelta(minutes=-5), dt.timedelta(days=29), 30]
    )
    def test_bad_alarm_values_are_refused(self, bad):
        """Negative, too long or non-timedelta alarms raise AlarmError before anything is written."""
        with pytest.raises(AlarmError):
            _export(_course(), dt.datetime(2026, 12, 10, tzinfo=UTC), alarms=[bad])

    def test_a_single_timedelta_is_accepted(self):
        """The alarms argument may be one timedelta rather than a collection."""
        data = _export(
            _course(),
            dt.datetime(2026, 12, 8, tzinfo=UTC),
            alarms=dt.timedelta(minutes=5),
        )
        assert b"TRIGGER:-PT5M" in data


class TestUpdates:
    def test_unchanged_re_export_keeps_uids_and_sequence(self):
        """Exporting the same course again with previous changes no SEQUENCE."""
        course = _course()
        until = dt.datetime(2026, 12, 19, tzinfo=UTC)
        first = _export(course, until)
        again = _export(
            course, until, previous=first, dtstamp=STAMP + dt.timedelta(days=1)
        )
        assert {
            u: int(e["SEQUENCE"]) for u, e in _dose_events(again).items()
        } == dict.fromkeys(_dose_events(first), 0)
        assert b"CANCELLED" not in again

    def test_late_dose_bumps_sequence_of_moved_doses_only(self):
        """After a late dose, the doses that moved get SEQUENCE + 1 under the same UID; the rest keep theirs."""
        course = _course()
        tz = course.zone
        until = dt.datetime(2026, 12, 19, tzinfo=tz)
        course = course.record_dose(dt.datetime(2026, 12, 7, 9, tzinfo=tz))
        first = _export(course, until)
        later = course.record_dose(dt.datetime(2026, 12, 10, 15, tzinfo=tz))
        second = _export(later, until, previous=first)
        old, new = _dose_events(first), _dose_events(second)
        assert set(old) <= set(new)
        assert int(new["c1-p0-d1@b12course"]["SEQUENCE"]) == 0
        for uid in old:
            moved = old[uid].decoded("DTSTART") != new[uid].decoded("DTSTART")
            if uid != "c1-p0-d1@b12course":
                assert moved
            assert int(new[uid]["SEQUENCE"]) == int(moved)

    def test_doses_dropped_from_the_plan_are_cancelled(self):
        """Ending a phase early sends its later doses as STATUS:CANCELLED with a higher SEQUENCE."""
        course = _course("bnf-hydroxocobalamin-neuro")
        tz = course.zone
        until = dt.datetime(2026, 12, 20, tzinfo=tz)
        course = course.record_dose(dt.datetime(2026, 12, 7, 9, tzinfo=tz))
        first = _export(course, until)
        ended = course.end_phase(dt.datetime(2026, 12, 8, tzinfo=tz), reason="plateau")
        second = _export(ended, until, previous=first)
        read = {d.uid: d for d in b12ical.read_ical(second)}
        dropped = [
            u
            for u in _dose_events(first)
            if u.startswith("c1-p0-") and u != "c1-p0-d1@b12course"
        ]
        assert dropped
        for uid in dropped:
            assert read[uid].cancelled
            assert read[uid].sequence == 1
        third = _export(ended, until, previous=second)
        again = {d.uid: d for d in b12ical.read_ical(third)}
        assert all(again[u].cancelled and again[u].sequence == 1 for u in dropped)

    def test_shorter_horizon_keeps_previously_exported_doses(self):
        """A re-export with an earlier until still updates doses exported before, never cancels them."""
        course = _course()
        first = _export(course, dt.datetime(2027, 1, 10, tzinfo=UTC))
        second = _export(course, dt.datetime(2026, 12, 12, tzinfo=UTC), previous=first)
        assert b"CANCELLED" not in second
        assert set(_dose_events(second)) == set(_dose_events(first))

    def test_previous_of_another_course_is_refused(self):
        """A previous export of a different course raises CalendarFormatError."""
        until = dt.datetime(2026, 12, 12, tzinfo=UTC)
        other = _export(_course(course_id="other"), until)
        with pytest.raises(CalendarFormatError, match="other"):
            _export(_course(), until, previous=other)

    @pytest.mark.parametrize(
        "previous",
        [
            b"not a calendar",
            (
                b"BEGIN:VCALENDAR\r\nPRODID:-//b12course//x//EN\r\nX-B12COURSE-COURSE:c1\r\n"
                b"BEGIN:VEVENT\r\nDTSTART:20260101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
            ),
            (
                b"BEGIN:VCALENDAR\r\nPRODID:-//b12course//x//EN\r\nX-B12COURSE-COURSE:c1\r\n"
                b"BEGIN:VEVENT\r\nUID:u\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
            ),
        ],
    )
    def test_malformed_previous_is_refused(self, previous):
        """A previous export that is not a b12course calendar raises CalendarFormatError."""
        with pytest.raises(CalendarFormatError):
            _export(_course(), dt.datetime(2026, 12, 12, tzinfo=UTC), previous=previous)


def _content(event: icalendar.Component) -> list[bytes]:
    """The event's lines but the stamp, sequence and digest, which say nothing new."""
    skip = (b"DTSTAMP", b"SEQUENCE", b"X-B12COURSE-DIGEST")
    return [
        line for line in event.to_ical().split(b"\r\n") if not line.startswith(skip)
    ]


def _seconds(value: dt.datetime) -> dt.datetime:
    return value.astimezone(UTC).replace(microsecond=0)


class TestProperties:
    @scaled(0.4)  # an export and a read-back per example
    @given(COURSES, st.integers(0, 150))
    def test_round_trip_keeps_every_dose(self, course, days):
        """Export then read_ical gives back every dose's uid, instant, due time and status, with unique UIDs."""
        until = course.first_dose + HORIZON
        now = course.first_dose + dt.timedelta(days=days)
        plan = course.plan(until=until, now=now)
        data = _export(course, until, now=now)
        read = b12ical.read_ical(data)
        uids = [d.uid for d in read]
        assert len(set(uids)) == len(uids)
        # iCalendar times are whole seconds: a sub-second part is dropped.
        assert sorted(
            (
                f"{course.id}-p{d.phase}-d{d.number_in_phase}@b12course",
                _seconds(d.when),
                _seconds(d.due),
                d.status,
            )
            for d in plan
        ) == sorted((d.uid, _seconds(d.when), d.due, d.status) for d in read)

    @pytest.mark.slow
    @scaled(0.25)  # two exports compared per example
    @given(COURSES, st.integers(1, 72 * 60))
    def test_late_dose_keeps_uids_of_unchanged_doses(self, course, minutes_late):
        """Recording the next dose late keeps every UID; doses that did not change keep their SEQUENCE."""
        until = course.first_dose + HORIZON
        before = _export(course, until, alarms=())
        pending = [d for d in course.plan(until=until) if d.pending]
        if not pending:
            return
        late = pending[0].due + dt.timedelta(minutes=minutes_late)
        try:
            after_course = course.record_dose(late)
        except b12.B12CourseError:
            return
        after = _export(after_course, until, previous=before, alarms=())
        old, new = _dose_events(before), _dose_events(after)
        assert set(old) <= set(new)
        for uid, event in old.items():
            same = _content(event) == _content(new[uid])
            expected = int(event["SEQUENCE"]) + (0 if same else 1)
            assert int(new[uid]["SEQUENCE"]) == expected

    @given(
        st.text(
            alphabet=st.sampled_from('\r\n;:,\\"=abcDTSTARTEND:VEVENT \x00\x07\t'),
            max_size=60,
        )
    )
    def test_hostile_note_never_adds_a_property(self, note):
        """Notes with CR, LF, ';', ',' and property-like text never create a property or component."""
        course = _course()
        given_at = course.first_dose + dt.timedelta(minutes=5)
        course = course.record_dose(given_at, note=note, site=note, lot=note)
        until = dt.datetime(2026, 12, 12, tzinfo=UTC)
        hostile, plain = _export(course, until), _plain_export(given_at, until)
        names = lambda data: [  # noqa: E731
            (c.name, sorted(c)) for c in icalendar.Calendar.from_ical(data).walk()
        ]
        assert names(hostile) == names(plain)
        # allenporter's ical unescapes TEXT exactly (icalendar reads "\\n" as a break).
        read = IcsCalendarStream.calendar_from_ics(hostile.decode("utf-8"))
        (first,) = [e for e in read.events if e.uid == "c1-p0-d1@b12course"]
        cleaned = clean(note)
        if cleaned.strip():
            assert f"Note: {cleaned}" in first.description


@functools.cache
def _plain_export(given_at: dt.datetime, until: dt.datetime) -> bytes:
    return _export(_course().record_dose(given_at, note="x", site="x", lot="x"), until)


class TestGolden:
    def test_small_course_matches_the_snapshot(self):
        """A small course's calendar is byte-for-byte the reviewed snapshot (PRODID version aside)."""
        course = _course(
            "bnf-hydroxocobalamin-non-neuro", "Europe/London", course_id="golden-course"
        )
        tz = course.zone
        course = course.record_dose(
            dt.datetime(2026, 12, 7, 9, 40, tzinfo=tz),
            site="left deltoid",
            lot="AB12;3",
            note="Slight ache, fine.\nNext: right arm",
        )
        data = b12.to_ical(
            course,
            until=dt.datetime(2026, 12, 15, tzinfo=tz),
            now=dt.datetime(2026, 12, 10, 18, tzinfo=tz),
            dtstamp=dt.datetime(2026, 12, 10, 18, tzinfo=UTC),
            include_flare=False,
            include_reviews=False,
        )
        data = re.sub(rb"b12course [^/]+//EN", b"b12course VERSION//EN", data)
        if os.environ.get("B12_UPDATE_GOLDEN"):
            GOLDEN.parent.mkdir(exist_ok=True)
            GOLDEN.write_bytes(data)
        assert data == GOLDEN.read_bytes()


class TestLazyImport:
    def test_import_b12course_does_not_load_icalendar(self):
        """Importing b12course leaves icalendar unloaded until to_ical is used."""
        code = (
            "import sys, b12course\n"
            "assert 'icalendar' not in sys.modules\n"
            "assert 'b12course.ical' not in sys.modules\n"
            "b12course.to_ical\n"
            "assert 'icalendar' in sys.modules\n"
            "assert b12course.ical.read_ical is b12course.read_ical\n"
        )
        subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603

    def test_unknown_attribute_raises_attribute_error(self):
        """An unknown name on the package raises AttributeError."""
        with pytest.raises(AttributeError, match="no_such_name"):
            b12.no_such_name  # noqa: B018


class TestConditionReviewEvent:
    def test_the_us_label_calendar_asks_a_clinician_to_check_the_response_before_alternate_days(
        self,
    ):
        """An all-day condition review on the last daily dose; later doses say provisional."""
        course = _course("us-label-pernicious-anaemia", "America/New_York")
        until = dt.datetime(2027, 1, 15, tzinfo=course.zone)
        events = _events(_export(course, until))
        reviews = [e for e in events if "check" in str(e.get("SUMMARY", "")).lower()]
        assert len(reviews) == 1
        review = reviews[0]
        assert str(review["SUMMARY"]) == (
            "B12: review before the alternate days phase: a clinician checks the "
            "response"
        )
        assert review.decoded("DTSTART") == dt.date(2026, 12, 13)
        assert "reticulocyte response" in str(review["DESCRIPTION"])
        assert str(review["UID"]) == "c1-review-condition-p1@b12course"
        assert b12.ical.is_course_uid(str(review["UID"]), course)

    def test_a_confirmed_response_leaves_no_condition_review_in_the_calendar(self):
        """Once confirmed before its point, the review is no longer on the calendar."""
        course = _course("us-label-pernicious-anaemia", "America/New_York")
        course = course.confirm_phase(course.first_dose, "response seen")
        until = dt.datetime(2027, 1, 15, tzinfo=course.zone)
        uids = {str(e["UID"]) for e in _events(_export(course, until))}
        assert "c1-review-condition-p1@b12course" not in uids
