"""Tests of reading a calendar back (b12course.ical.read_ical)."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

import b12course as b12
from b12course import ical as b12ical
from b12course.exceptions import CalendarFormatError
from support.calendars import course as _course
from support.calendars import export as _export

UTC = dt.timezone.utc


class TestReadIcal:
    def test_reads_doses_with_due_amount_and_status(self):
        """read_ical gives each dose's uid, instant, due time, amount and status."""
        course = _course("us-label-pernicious-anaemia")
        tz = course.zone
        course = course.record_dose(dt.datetime(2026, 12, 7, 10, tzinfo=tz))
        data = _export(
            course,
            dt.datetime(2026, 12, 9, tzinfo=tz),
            now=dt.datetime(2026, 12, 8, 12, tzinfo=tz),
        )
        first, second = b12ical.read_ical(data)
        assert first.uid == "c1-p0-d1@b12course"
        assert first.when == dt.datetime(2026, 12, 7, 10, tzinfo=tz)
        assert first.due == dt.datetime(2026, 12, 7, 9, tzinfo=UTC)
        assert first.status is b12.DoseStatus.GIVEN
        assert first.amount == b12.Amount.parse("100 mcg")
        assert first.dose == "cyanocobalamin 100 mcg IM"
        assert second.status is b12.DoseStatus.DUE
        assert not second.cancelled

    def test_str_input_is_read_like_bytes(self):
        """A calendar given as text reads the same as bytes."""
        data = _export(_course(), dt.datetime(2026, 12, 12, tzinfo=UTC))
        assert b12ical.read_ical(data.decode()) == b12ical.read_ical(data)

    @pytest.mark.parametrize(
        "data",
        [
            b"",
            "",
            b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
            (
                b"BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
                b"VERSION:2.0\r\nEND:VCALENDAR\r\n"
            ),
            b"BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n",
            b"\xff\xfe\x00",
            42,
            None,
        ],
    )
    def test_foreign_or_malformed_input_raises_calendar_format_error(self, data):
        """Input that is not a b12course calendar raises CalendarFormatError."""
        with pytest.raises(CalendarFormatError):
            b12ical.read_ical(data)

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            (b"X-B12COURSE-STATUS:scheduled", b"X-B12COURSE-STATUS:lost"),
            (b"X-B12COURSE-DOSE:hydroxocobalamin 1 mg IM", b"X-B12COURSE-DOSE:lots"),
            (b"X-B12COURSE-DUE:20261207T090000Z", b"X-B12COURSE-DUE:20261207"),
            (b"DTSTART;TZID=Europe/London:20261207T090000", b"DTSTART:20261207T090000"),
            (
                b"DTSTART;TZID=Europe/London:20261207T090000",
                b"DTSTART;VALUE=DATE:20261207",
            ),
            (b"DTSTART;TZID=Europe/London:20261207T090000\r\n", b""),
            (b"SEQUENCE:0", b"SEQUENCE:zero"),
            (
                b"DTSTART;TZID=Europe/London:20261207T090000",
                b"DTSTART;VALUE=TIME:090000",
            ),
            (b"X-B12COURSE-DUE:20261207T090000Z", b"X-B12COURSE-DUE:20261207T090000"),
        ],
    )
    def test_damaged_dose_event_raises_calendar_format_error(self, old, new):
        """A dose event with a damaged field raises CalendarFormatError, not another error."""
        data = _export(_course(), dt.datetime(2026, 12, 8, tzinfo=UTC), alarms=())
        assert old in data
        with pytest.raises(CalendarFormatError):
            b12ical.read_ical(data.replace(old, new, 1))

    @given(st.binary(max_size=400))
    def test_arbitrary_bytes_never_raise_anything_else(self, data):
        """Random bytes either read or raise CalendarFormatError."""
        with contextlib.suppress(CalendarFormatError):
            b12ical.read_ical(data)

    @given(st.text(max_size=300))
    def test_arbitrary_text_never_raises_anything_else(self, data):
        """Random text either reads or raises CalendarFormatError."""
        with contextlib.suppress(CalendarFormatError):
            b12ical.read_ical(data)

    @given(st.data())
    def test_damaged_exports_never_raise_anything_else(self, data):
        """A real export with a random slice replaced either reads or raises CalendarFormatError."""
        original = _export(_course(), dt.datetime(2026, 12, 12, tzinfo=UTC))
        start = data.draw(st.integers(0, len(original)))
        end = data.draw(st.integers(start, min(len(original), start + 40)))
        patch = data.draw(
            st.binary(max_size=20) | st.sampled_from([b"\r\n", b":", b";", b"\r\n "])
        )
        with contextlib.suppress(CalendarFormatError):
            b12ical.read_ical(original[:start] + patch + original[end:])
