"""CalDAV sync against a real Radicale server (started by the fixtures below)."""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import http.server
import json
import logging
import subprocess
import sys
import threading
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import icalendar
import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

import b12course as b12
from b12course import EventKind, strategies
from b12course import caldav as b12caldav
from b12course.cli import main
from b12course.exceptions import (
    CalDavError,
    NaiveDatetimeError,
    NotACourseError,
    SettingError,
)
from b12course.ical import read_ical, to_ical, uid_of
from support import caldav_server as server_helper
from support.profiles import scaled

caldav = pytest.importorskip("caldav")


USER, PASSWORD = server_helper.USER, server_helper.PASSWORD
raw_request = server_helper.request

LONDON = zoneinfo.ZoneInfo("Europe/London")
START = dt.datetime(2027, 1, 4, 9, tzinfo=LONDON)
BEFORE = dt.datetime(2027, 1, 1, 12, tzinfo=LONDON)
UNTIL = dt.datetime(2027, 6, 1, tzinfo=LONDON)
DAV = "{DAV:}"
CALDAV_NS = "{urn:ietf:params:xml:ns:caldav}"
ALL_EVENTS = b"""<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/>
  </C:comp-filter></C:filter>
</C:calendar-query>"""


# -- the server ------------------------------------------------------------


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    server = server_helper.RadicaleServer(tmp_path_factory.mktemp("radicale"))
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def url(radicale: Any) -> str:
    """A new, empty calendar for each test."""
    if radicale.process is None:  # a test stopped it
        radicale.start()
    return radicale.make_calendar(f"cal-{uuid.uuid4().hex[:12]}")


@pytest.fixture
def calendar(url: str) -> Iterator[Any]:
    client = caldav.DAVClient(url=url, username=USER, password=PASSWORD, timeout=120)
    try:
        yield client.calendar(url=url)
    finally:
        client.close()


# -- reading the server back ------------------------------------------------


@attrs.frozen
class Stored:
    href: str
    etag: str
    data: str

    @property
    def calendar(self) -> icalendar.Calendar:
        """The stored object, parsed."""
        return icalendar.Calendar.from_ical(self.data)

    @property
    def event(self) -> icalendar.Component:
        """The object's one VEVENT."""
        (event,) = self.calendar.walk("VEVENT")
        return event


def raw_objects(url: str) -> dict[str, Stored]:
    """Read every event of the calendar by raw HTTP (urllib), keyed by UID."""
    status, _headers, body = raw_request(
        "REPORT", url, ALL_EVENTS, {"Depth": "1", "Content-Type": "application/xml"}
    )
    assert status == 207
    found = {}
    for response in ET.fromstring(body).iter(f"{DAV}response"):  # noqa: S314
        href = response.findtext(f"{DAV}href")
        etag = response.findtext(f".//{DAV}getetag")
        data = response.findtext(f".//{CALDAV_NS}calendar-data")
        stored = Stored(urllib.parse.urljoin(url, href), etag, data)
        found[str(stored.event["UID"])] = stored
    return found


def raw_etags(url: str) -> dict[str, str]:
    """Read every object's ETag by raw HTTP (PROPFIND), keyed by URL."""
    body = b'<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>'
    status, _headers, answer = raw_request("PROPFIND", url, body, {"Depth": "1"})
    assert status == 207
    found = {}
    for response in ET.fromstring(answer).iter(f"{DAV}response"):  # noqa: S314
        etag = response.findtext(f".//{DAV}getetag")
        if etag and response.findtext(f"{DAV}href").endswith(".ics"):
            found[urllib.parse.urljoin(url, response.findtext(f"{DAV}href"))] = etag
    return found


def library_objects(calendar: Any) -> dict[str, str]:
    """Read every event of the calendar through the caldav library, keyed by UID."""
    found = {}
    for event in calendar.events():
        parsed = icalendar.Calendar.from_ical(event.data)
        (vevent,) = parsed.walk("VEVENT")
        found[str(vevent["UID"])] = event.data
    return found


def as_one_calendar(objects: dict[str, Stored]) -> bytes:
    """Join b12course's objects into one calendar that read_ical reads."""
    joined = icalendar.Calendar()
    joined.add("prodid", "-//b12course//tests//EN")
    joined.add("version", "2.0")
    for stored in objects.values():
        joined.add_component(stored.event)
    return joined.to_ical()


def dose_key(dose: Any) -> tuple[Any, ...]:
    return (dose.uid, dose.when, dose.due, dose.dose, dose.status, dose.cancelled)


def export_events(course: b12.Course, **options: Any) -> dict[str, icalendar.Component]:
    data = to_ical(course, **options)
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def put_foreign(url: str, uid: str = "holiday-1@other.example") -> Stored:
    """Store an event of another application and return it as stored."""
    body = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//App//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20270101T000000Z\r\n"
        "DTSTART;VALUE=DATE:20270201\r\nSUMMARY:Holiday\r\n"
        "X-B12COURSE-OWNER:not-a-course\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    href = urllib.parse.urljoin(url, "holiday.ics")
    status, _, _ = raw_request(
        "PUT", href, body.encode(), {"Content-Type": "text/calendar"}
    )
    assert status == 201
    return raw_objects(url)[uid]


def edit_on_server(stored: Stored, summary: str = "Moved by a person") -> Stored:
    """Change an event the way a calendar app does: new SUMMARY, X- kept."""
    calendar = stored.calendar
    (event,) = calendar.walk("VEVENT")
    event["SUMMARY"] = icalendar.vText(summary)
    event["SEQUENCE"] = int(event.get("SEQUENCE", 0)) + 1
    status, headers, _ = raw_request(
        "PUT",
        stored.href,
        calendar.to_ical(),
        {"Content-Type": "text/calendar", "If-Match": stored.etag},
    )
    assert status in {201, 204}
    now_stored = raw_objects(stored.href.rsplit("/", 1)[0] + "/")[str(event["UID"])]
    assert now_stored.etag == headers["ETag"]
    return now_stored


class Counting:
    """Wraps a caldav client's ``request`` to count (and act on) each request."""

    def __init__(self, calendar: Any, before: Callable[[str, int], None] | None = None):
        self.methods: list[str] = []
        self.before = before
        client = calendar.client
        original = client.request

        def request(url: str, method: str = "GET", body: str = "", headers=None):
            self.methods.append(method)
            if self.before is not None:
                self.before(method, self.methods.count(method))
            return original(url, method, body, headers)

        client.request = request

    def count(self, method: str) -> int:
        """How many requests of ``method`` were sent."""
        return self.methods.count(method)


def course(
    regimen: str = "bnf-hydroxocobalamin-non-neuro",
    id: str = "demo",  # noqa: A002
) -> b12.Course:
    return b12.Course.begin(b12.regimens.get(regimen), first_dose=START, id=id)


UTC_START = dt.datetime(2027, 1, 4, 9, tzinfo=zoneinfo.ZoneInfo("UTC"))


def grid_daily(id: str = "daily") -> b12.Course:  # noqa: A002
    """A daily oral course whose doses stay on their grid when one is late.

    In UTC: Radicale parses every object's VTIMEZONE on each filtered REPORT,
    and this test is about counting requests, not about zones.
    """
    regimen = b12.regimens.get("oral-high-dose")
    phases = tuple(
        attrs.evolve(p, anchoring=b12.Anchoring.GRID) for p in regimen.phases
    )
    return b12.Course.begin(
        attrs.evolve(regimen, phases=phases), first_dose=UTC_START, id=id
    )


# -- tests -------------------------------------------------------------------


class TestFirstSync:
    def test_one_object_per_event_of_the_export(self, url, calendar):
        """The first sync creates one object per VEVENT of to_ical, with its UID, time, text and the VTIMEZONE."""
        c = course()
        report = b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE)
        expected = export_events(c, until=UNTIL, now=BEFORE)
        stored = raw_objects(url)
        assert set(report.created) == set(expected) == set(stored)
        assert report.updated == report.cancelled == report.unchanged == ()
        for uid, event in expected.items():
            got = stored[uid]
            assert got.event["DTSTART"].to_ical() == event["DTSTART"].to_ical()
            assert str(got.event["SUMMARY"]) == str(event["SUMMARY"])
            assert str(got.event["DESCRIPTION"]) == str(event["DESCRIPTION"])
            assert len(got.event.walk("VALARM")) == len(event.walk("VALARM"))
            assert [str(tz["TZID"]) for tz in got.calendar.walk("VTIMEZONE")] == [
                "Europe/London"
            ]
            assert "METHOD" not in got.calendar

    def test_the_library_reads_what_raw_http_reads(self, url, calendar):
        """Read back through caldav and by raw HTTP, the server holds the same objects."""
        b12caldav.sync(course(), calendar, until=UNTIL, now=BEFORE)
        through_library = library_objects(calendar)
        raw = raw_objects(url)
        assert set(through_library) == set(raw)
        for uid, data in through_library.items():
            assert (
                icalendar.Calendar.from_ical(data).walk("VEVENT")[0]["X-B12COURSE-SYNC"]
                == raw[uid].event["X-B12COURSE-SYNC"]
            )

    def test_server_events_read_as_the_export(self, url, calendar):
        """The doses on the server, read with read_ical, are the export's doses."""
        c = course("us-high-dose")
        b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE)
        on_server = read_ical(as_one_calendar(raw_objects(url)))
        exported = read_ical(to_ical(c, until=UNTIL, now=BEFORE))
        assert [dose_key(d) for d in on_server] == [dose_key(d) for d in exported]

    def test_the_report_counts_its_requests(self, calendar):
        """A first sync sends one listing, one calendar check and one PUT per event."""
        counting = Counting(calendar)
        report = b12caldav.sync(course(), calendar, until=UNTIL, now=BEFORE)
        assert counting.count("REPORT") == 1
        assert counting.count("PROPFIND") == 1
        assert counting.count("PUT") == len(report.created)
        assert report.requests == len(counting.methods)
        assert "created" in str(report)
        assert report.changed


class TestResync:
    def test_same_state_sends_no_put(self, calendar):
        """A second sync of the same course state only lists: zero PUTs."""
        c = course()
        first = b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE)
        counting = Counting(calendar)
        second = b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE)
        assert counting.methods == ["REPORT"]
        assert set(second.unchanged) == set(first.created)
        assert not second.changed
        assert second.requests == 1

    def test_changed_events_are_replaced_and_sequence_grows(self, url, calendar):
        """A dose given late updates the events that changed, each with a higher SEQUENCE."""
        c = course()
        b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE)
        before = raw_objects(url)
        given = c.record_dose(START + dt.timedelta(hours=26))
        now = START + dt.timedelta(hours=27)
        report = b12caldav.sync(given, calendar, until=UNTIL, now=now)
        after = raw_objects(url)
        assert report.updated
        for uid in report.updated:
            assert after[uid].event["SEQUENCE"] == before[uid].event["SEQUENCE"] + 1
            assert after[uid].etag != before[uid].etag
        for uid in report.unchanged:
            assert after[uid].etag == before[uid].etag
        assert str(after["demo-p0-d1@b12course"].event["SUMMARY"]).startswith("Given")
        exported = read_ical(to_ical(given, until=UNTIL, now=now))
        on_server = read_ical(as_one_calendar(after))
        within = [d for d in on_server if d.when < UNTIL and not d.cancelled]
        assert [dose_key(d) for d in within] == [
            dose_key(d) for d in exported if not d.cancelled
        ]

    def test_cancelled_events_do_not_come_back(self, calendar):
        """Events cancelled by one sync stay cancelled: the next sync of the same state writes nothing.

        Found by the property test: given back to to_ical as the previous
        export, cancelled events came back one sync later as doses that moved.
        """
        first = course("us-high-dose", id="restart")
        b12caldav.sync(
            first, calendar, until=dt.datetime(2027, 6, 1, tzinfo=LONDON), now=BEFORE
        )
        start = dt.datetime(2029, 1, 8, 9, tzinfo=LONDON)
        second = b12.Course.begin(
            b12.regimens.get("us-high-dose"), first_dose=start, id="restart"
        )
        until = start + dt.timedelta(days=21)
        changed = b12caldav.sync(second, calendar, until=until, now=start)
        assert changed.cancelled
        again = b12caldav.sync(second, calendar, until=until, now=start)
        assert not again.changed
        assert again.requests == 1

    def test_two_hundred_doses_one_moved(self, url, calendar):
        """200 doses synced, one given late: the re-sync lists once and replaces only that object."""
        c = grid_daily().record_dose(UTC_START)
        until = UTC_START + dt.timedelta(days=200)
        first = b12caldav.sync(c, calendar, until=until, now=BEFORE, alarms=())
        doses = [uid for uid in first.created if "-d" in uid]
        assert len(doses) == 200
        before = raw_etags(url)
        assert len(before) == len(first.created)
        late = c.record_dose(UTC_START + dt.timedelta(days=9, hours=3))
        counting = Counting(calendar)
        report = b12caldav.sync(late, calendar, until=until, now=BEFORE, alarms=())
        assert report.updated == ("daily-p0-d10@b12course",)
        assert counting.methods == ["REPORT", "PUT"]
        assert report.updated == ("daily-p0-d10@b12course",)
        assert report.requests == 2
        after = raw_etags(url)
        changed = {href for href in after if after[href] != before[href]}
        assert changed == {urllib.parse.urljoin(url, "daily-p0-d10%40b12course.ics")}


class TestCancelled:
    def test_skipped_dose_is_marked_cancelled(self, url, calendar):
        """A skipped dose's event becomes STATUS:CANCELLED in place."""
        c = course()
        b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE)
        skipped = c.skip_dose(number=2, reason="unwell")
        report = b12caldav.sync(skipped, calendar, until=UNTIL, now=BEFORE)
        assert "demo-p0-d2@b12course" in report.cancelled
        event = raw_objects(url)["demo-p0-d2@b12course"].event
        assert event["STATUS"] == "CANCELLED"
        assert event["SEQUENCE"] == 1

    def test_dropped_doses_are_marked_cancelled(self, url, calendar):
        """Firm doses dropped from the plan stay on the server as STATUS:CANCELLED, once; provisional ones (never firm) and the plan-continues event are deleted."""
        c = course("bnf-hydroxocobalamin-neuro")
        b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE)
        provisional = {
            uid
            for uid, stored in raw_objects(url).items()
            if stored.event.get("X-B12COURSE-PROVISIONAL") == "TRUE"
        }
        assert "demo-plan-continues@b12course" in provisional
        assert len(provisional) > 1
        ended = c.record_dose(START).end_phase(
            START + dt.timedelta(hours=1), reason="no further improvement"
        )
        now = START + dt.timedelta(hours=2)
        report = b12caldav.sync(ended, calendar, until=UNTIL, now=now)
        firm = [u for u in report.cancelled if u not in provisional]
        assert firm
        assert provisional <= set(report.cancelled)
        stored = raw_objects(url)
        assert all(stored[u].event["STATUS"] == "CANCELLED" for u in firm)
        assert provisional.isdisjoint(stored)
        again = b12caldav.sync(ended, calendar, until=UNTIL, now=now)
        assert not again.changed

    def test_delete_removes_cancelled_events(self, url, calendar):
        """With cancelled="delete", a skipped dose's object is deleted, and not created again."""
        c = course()
        b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE, cancelled="delete")
        skipped = c.skip_dose(number=2, reason="unwell")
        counting = Counting(calendar)
        report = b12caldav.sync(
            skipped, calendar, until=UNTIL, now=BEFORE, cancelled="delete"
        )
        assert report.cancelled == ("demo-p0-d2@b12course",)
        # The skip adds a seventh loading dose: the rest of the plan moves.
        assert counting.methods.count("DELETE") == 1
        assert "demo-p0-d2@b12course" not in raw_objects(url)
        again = b12caldav.sync(
            skipped, calendar, until=UNTIL, now=BEFORE, cancelled="delete"
        )
        assert not again.changed
        assert "demo-p0-d2@b12course" not in raw_objects(url)


class TestOthersEvents:
    def test_foreign_event_is_never_touched(self, url, calendar):
        """An event of another application in the same calendar keeps its bytes and ETag."""
        foreign = put_foreign(url)
        c = course()
        b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE)
        b12caldav.sync(c.skip_dose(number=1), calendar, until=UNTIL, now=BEFORE)
        b12caldav.sync(
            c.skip_dose(number=1), calendar, until=UNTIL, now=BEFORE, cancelled="delete"
        )
        assert raw_objects(url)[foreign.event["UID"]] == foreign

    def test_another_course_is_never_touched(self, url, calendar):
        """A course whose id starts with this course's id is another course: its objects stay."""
        other = course(id="demo-p0")
        b12caldav.sync(other, calendar, until=UNTIL, now=BEFORE)
        theirs = {
            uid: s for uid, s in raw_objects(url).items() if uid.startswith("demo-p0-p")
        }
        mine = course()
        report = b12caldav.sync(mine, calendar, until=UNTIL, now=BEFORE)
        assert not set(report.created) & set(theirs)
        b12caldav.sync(
            mine.skip_dose(number=1),
            calendar,
            until=UNTIL,
            now=BEFORE,
            cancelled="delete",
        )
        after = raw_objects(url)
        assert {uid: after[uid] for uid in theirs} == theirs


class TestConflicts:
    def test_edited_event_is_kept_and_reported(self, url, calendar):
        """An event a person edited on the server is kept, by default, and reported."""
        c = course()
        b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE)
        edited = edit_on_server(raw_objects(url)["demo-p0-d2@b12course"])
        given = c.record_dose(START)
        now = START + dt.timedelta(hours=1)
        report = b12caldav.sync(given, calendar, until=UNTIL, now=now)
        (conflict,) = report.conflicts
        assert conflict.uid == "demo-p0-d2@b12course"
        assert not conflict.overwritten
        assert "kept" in str(conflict)
        assert raw_objects(url)["demo-p0-d2@b12course"] == edited

    def test_overwrite_replaces_the_edit(self, url, calendar):
        """With on_conflict="overwrite", the edited event is replaced with a higher SEQUENCE."""
        c = course()
        b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE)
        edited = edit_on_server(raw_objects(url)["demo-p0-d2@b12course"])
        report = b12caldav.sync(
            c, calendar, until=UNTIL, now=BEFORE, on_conflict="overwrite"
        )
        (conflict,) = report.conflicts
        assert conflict.overwritten
        assert report.updated == ("demo-p0-d2@b12course",)
        event = raw_objects(url)["demo-p0-d2@b12course"].event
        assert str(event["SUMMARY"]) != "Moved by a person"
        assert event["SEQUENCE"] > edited.event["SEQUENCE"]
        assert not b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE).conflicts

    def test_edit_during_the_sync_gets_412_and_is_kept(self, url, calendar):
        """An edit between the listing and our PUT makes the conditional PUT fail; the edit stays."""
        c = course()
        b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE)
        target = "demo-p0-d3@b12course"
        edits: list[Stored] = []

        def edit_first(method: str, n: int) -> None:
            if method == "PUT" and n == 1:
                edits.append(edit_on_server(raw_objects(url)[target]))

        Counting(calendar, before=edit_first)
        given = c.record_dose(START + dt.timedelta(hours=5))
        report = b12caldav.sync(given, calendar, until=UNTIL, now=START)
        (raced,) = report.conflicts
        assert raced.uid == target
        assert "during the sync" in raced.reason
        assert not raced.overwritten
        assert target not in report.updated
        assert raw_objects(url)[target] == edits[0]

    def test_our_uid_held_by_another_object(self, url, calendar):
        """An object of another writer that holds one of the course's UIDs is left alone (409)."""
        body = (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//App//EN\r\n"
            "BEGIN:VEVENT\r\nUID:demo-p0-d1@b12course\r\nDTSTAMP:20270101T000000Z\r\n"
            "DTSTART:20270201T090000Z\r\nSUMMARY:Imported\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        href = urllib.parse.urljoin(url, "imported.ics")
        raw_request("PUT", href, body.encode(), {"Content-Type": "text/calendar"})
        report = b12caldav.sync(course(), calendar, until=UNTIL, now=BEFORE)
        (conflict,) = report.conflicts
        assert conflict.uid == "demo-p0-d1@b12course"
        assert "did not write" in conflict.reason
        assert raw_objects(url)["demo-p0-d1@b12course"].href == href

    def test_object_at_our_name_is_not_overwritten(self, url, calendar):
        """An object b12course did not write at the name it would use is left alone."""
        c = course()
        href = urllib.parse.urljoin(url, "demo-p0-d1@b12course.ics")
        body = (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//App//EN\r\n"
            "BEGIN:VEVENT\r\nUID:someone-else\r\nDTSTAMP:20270101T000000Z\r\n"
            "DTSTART:20270201T090000Z\r\nSUMMARY:Mine\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        raw_request("PUT", href, body.encode(), {"Content-Type": "text/calendar"})
        report = b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE)
        assert [x.uid for x in report.conflicts] == ["demo-p0-d1@b12course"]
        assert "someone-else" in raw_objects(url)


class TestFailures:
    def test_server_stopped_halfway_then_next_sync_finishes(
        self, radicale, url, calendar
    ):
        """The server stopped after 4 PUTs: an error, whole objects, and the next sync finishes."""

        def stop_after_four(method: str, n: int) -> None:
            if method == "PUT" and n == 5:
                radicale.stop()

        Counting(calendar, before=stop_after_four)
        c = course()
        with pytest.raises(CalDavError) as caught:
            b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE)
        assert caught.value.status is None
        assert "next sync" in str(caught.value)
        radicale.start()
        partial = raw_objects(url)
        assert len(partial) == 4
        for stored in partial.values():
            assert stored.event["X-B12COURSE-SYNC"]
        client = caldav.DAVClient(url=url, username=USER, password=PASSWORD)
        report = b12caldav.sync(c, client.calendar(url=url), until=UNTIL, now=BEFORE)
        assert len(report.unchanged) == 4
        assert set(report.created) | set(report.unchanged) == set(
            export_events(c, until=UNTIL, now=BEFORE)
        )
        assert not b12caldav.sync(
            c, client.calendar(url=url), until=UNTIL, now=BEFORE
        ).changed
        client.close()

    def test_listing_refused(self, radicale, url):
        """A server that answers the listing with a 5xx gives CalDavError with that status."""
        with FaultyProxy(radicale.port, fail_reports=True) as proxy:
            proxied = url.replace(f":{radicale.port}/", f":{proxy.port}/")
            with pytest.raises(CalDavError, match="would not list") as caught:
                b12caldav.sync_url(
                    course(), proxied, USER, PASSWORD, until=UNTIL, now=BEFORE
                )
        assert caught.value.status == 500

    def test_object_deleted_during_the_sync(self, url, calendar):
        """An object deleted on the server just before our DELETE counts as cancelled."""
        c = course()
        b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE, cancelled="delete")
        target = raw_objects(url)["demo-p0-d2@b12course"]

        def delete_first(method: str, n: int) -> None:
            if method == "DELETE" and n == 1:
                raw_request("DELETE", target.href)

        Counting(calendar, before=delete_first)
        skipped = c.skip_dose(number=2)
        report = b12caldav.sync(
            skipped, calendar, until=UNTIL, now=BEFORE, cancelled="delete"
        )
        assert report.cancelled == ("demo-p0-d2@b12course",)

    def test_server_errors_are_retried_by_the_next_sync(self, radicale, url):
        """A 5xx for some PUTs lists them as failed; the next sync writes them."""
        with FaultyProxy(radicale.port, fail_puts={2, 3}) as proxy:
            proxied = url.replace(f":{radicale.port}/", f":{proxy.port}/")
            c = course()
            report = b12caldav.sync_url(
                c, proxied, USER, PASSWORD, until=UNTIL, now=BEFORE
            )
            assert len(report.failed) == 2
            again = b12caldav.sync_url(
                c, proxied, USER, PASSWORD, until=UNTIL, now=BEFORE
            )
        assert set(again.created) == set(report.failed)
        assert set(raw_objects(url)) == set(export_events(c, until=UNTIL, now=BEFORE))

    def test_timeout_is_an_error_and_the_next_sync_finishes(self, radicale, url):
        """A server that stops answering in time gives CalDavError; the next sync finishes."""
        with FaultyProxy(radicale.port, slow_puts={3}) as proxy:
            proxied = url.replace(f":{radicale.port}/", f":{proxy.port}/")
            c = course()
            with pytest.raises(CalDavError):
                b12caldav.sync_url(
                    c, proxied, USER, PASSWORD, until=UNTIL, now=BEFORE, timeout=1
                )
        report = b12caldav.sync_url(c, url, USER, PASSWORD, until=UNTIL, now=BEFORE)
        assert not report.failed
        assert set(raw_objects(url)) == set(export_events(c, until=UNTIL, now=BEFORE))

    def test_rate_limited_put_is_failed(self, radicale, url):
        """A 429 (which caldav raises as rate limiting) counts as a failed write."""
        with FaultyProxy(radicale.port, fail_puts={1}, status=429) as proxy:
            proxied = url.replace(f":{radicale.port}/", f":{proxy.port}/")
            report = b12caldav.sync_url(
                course(), proxied, USER, PASSWORD, until=UNTIL, now=BEFORE
            )
        assert len(report.failed) == 1


class TestErrors:
    def test_wrong_password(self, url, caplog):
        """A refused password is a CalDavError with status 401 and no credentials anywhere."""
        secret = "wrong-Secret-123"  # noqa: S105 - a wrong password on purpose
        caplog.set_level(logging.DEBUG)
        with pytest.raises(CalDavError) as caught:
            b12caldav.sync_url(course(), url, USER, secret, until=UNTIL, now=BEFORE)
        assert caught.value.status == 401
        token = base64.b64encode(f"{USER}:{secret}".encode()).decode()
        assert secret not in str(caught.value)
        assert secret not in caplog.text
        assert token not in caplog.text

    def test_no_credentials_in_logs_of_a_good_sync(self, url, caplog):
        """A successful sync logs neither the password nor the Authorization value."""
        caplog.set_level(logging.DEBUG)
        b12caldav.sync_url(course(), url, USER, PASSWORD, until=UNTIL, now=BEFORE)
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        assert PASSWORD not in caplog.text
        assert token not in caplog.text

    def test_url_that_is_not_a_calendar(self, radicale):
        """A principal collection is not a calendar: CalDavError, nothing written."""
        principal = f"{radicale.base}/{USER}/"
        with pytest.raises(CalDavError, match="not a CalDAV calendar"):
            b12caldav.sync_url(
                course(), principal, USER, PASSWORD, until=UNTIL, now=BEFORE
            )

    def test_missing_calendar(self, radicale):
        """A calendar that does not exist is a CalDavError with status 404."""
        missing = f"{radicale.base}/{USER}/no-such-calendar/"
        with pytest.raises(CalDavError) as caught:
            b12caldav.sync_url(
                course(), missing, USER, PASSWORD, until=UNTIL, now=BEFORE
            )
        assert caught.value.status == 404
        assert "no calendar" in str(caught.value)

    def test_unreachable_server(self):
        """Nothing listening at the URL is a CalDavError without a status."""
        dead = f"http://127.0.0.1:{server_helper._free_port()}/{USER}/b12/"
        with pytest.raises(CalDavError) as caught:
            b12caldav.sync_url(course(), dead, USER, PASSWORD, until=UNTIL, now=BEFORE)
        assert caught.value.status is None

    @pytest.mark.parametrize(
        "bad",
        [
            "http://alice:hunter2@127.0.0.1:1/alice/b12/",
            "ftp://127.0.0.1/alice/b12/",
            "not a url",
            42,
        ],
    )
    def test_bad_urls(self, bad):
        """A URL with credentials, of another scheme, or not text is refused before connecting."""
        with pytest.raises(CalDavError) as caught:
            b12caldav.sync_url(course(), bad, USER, PASSWORD, until=UNTIL, now=BEFORE)
        assert "hunter2" not in str(caught.value)

    def test_bad_arguments(self, calendar):
        """Bad arguments are typed b12course errors, raised before any request."""
        c = course()
        with pytest.raises(NotACourseError):
            b12caldav.sync("course", calendar, until=UNTIL, now=BEFORE)
        with pytest.raises(NaiveDatetimeError):
            b12caldav.sync(c, calendar, until=dt.datetime(2027, 6, 1), now=BEFORE)
        with pytest.raises(SettingError):
            b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE, on_conflict="merge")
        with pytest.raises(SettingError):
            b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE, cancelled="hide")
        with pytest.raises(SettingError):
            b12caldav.sync(c, object(), until=UNTIL, now=BEFORE)

    @pytest.mark.parametrize(
        "damage",
        [
            "DTSTART:20270201T090000\r\n",  # floating
            "DTSTART:20270201T090000Z\r\nSEQUENCE:x\r\n",
            (  # a recurring event with an exception: two VEVENTs in one object
                "DTSTART:20270201T090000Z\r\nRRULE:FREQ=DAILY;COUNT=2\r\n"
                "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:broken@b12course\r\n"
                "DTSTAMP:20270101T000000Z\r\nRECURRENCE-ID:20270202T090000Z\r\n"
                "DTSTART:20270202T100000Z\r\n"
            ),
        ],
    )
    def test_unreadable_object_of_the_course_is_a_conflict(self, url, calendar, damage):
        """An object marked as the course's that cannot be read is reported and left alone."""
        c = course()
        b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE)
        owner = raw_objects(url)["demo-p0-d1@b12course"].event["X-B12COURSE-OWNER"]
        body = (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//App//EN\r\n"
            "BEGIN:VEVENT\r\nUID:broken@b12course\r\nDTSTAMP:20270101T000000Z\r\n"
            f"{damage}X-B12COURSE-OWNER:{owner}\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        href = urllib.parse.urljoin(url, "broken.ics")
        status, _, _ = raw_request(
            "PUT", href, body.encode(), {"Content-Type": "text/calendar"}
        )
        assert status == 201
        report = b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE)
        assert [x.href for x in report.conflicts] == [href]
        assert not report.changed

    def test_listing_parse_ignores_what_is_not_the_course(self):
        """Objects without the course's token, failed propstats and empty answers are skipped."""
        from lxml import etree

        from b12course.caldav import _sync

        tree = etree.fromstring(
            b'<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
            b"<response><href>/a.ics</href><propstat><prop><getetag>1</getetag>"
            b"<C:calendar-data>BEGIN:VCALENDAR</C:calendar-data></prop>"
            b"<status>HTTP/1.1 404 Not Found</status></propstat></response>"
            b"<response><href>/b.ics</href><propstat><prop><getetag>2</getetag>"
            b"</prop><status>HTTP/1.1 200 OK</status></propstat></response>"
            b"</multistatus>"
        )
        assert list(_sync._responses(tree)) == []

    def test_unfiltered_listing_keeps_only_the_course(self):
        """A server that ignores the filter still gives sync only the course's objects."""
        from lxml import etree

        from b12course.caldav import _sync

        foreign = (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n"
            "DTSTART:20270101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        tree = etree.fromstring(
            '<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
            "<response><href>/x.ics</href><propstat><prop><getetag>1</getetag>"
            f"<C:calendar-data>{foreign}</C:calendar-data></prop>"
            "<status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"
        )
        assert _sync._course_objects(tree, "http://h/c/", "0" * 32) == ([], [])


class TestCommandLine:
    def _saved(self, tmp_path: Path) -> Path:
        path = tmp_path / "course.json"
        path.write_text(b12.json.dumps(course()))
        return path

    def test_password_file(self, url, tmp_path, capsys):
        """`b12course caldav` reads the password from a file and prints the report."""
        secret = tmp_path / "password"
        secret.write_text(PASSWORD + "\n")
        args = ["caldav", str(self._saved(tmp_path)), "--url", url, "--user", USER]
        args += ["--password-file", str(secret), "--now", "2027-01-01T12:00"]
        args += ["--until", "2027-06-01"]
        assert main(args) == 0
        out = capsys.readouterr()
        assert "created" in out.out
        assert PASSWORD not in out.out + out.err
        edit_on_server(next(iter(raw_objects(url).values())))
        assert main([*args, "--overwrite", "--no-alarm"]) == 0
        out = capsys.readouterr().out
        assert "updated" in out
        assert "(overwritten)" in out

    def test_password_from_environment(self, url, tmp_path, capsys, monkeypatch):
        """Without --password-file the password comes from B12COURSE_CALDAV_PASSWORD."""
        monkeypatch.setenv(b12caldav.PASSWORD_ENV, PASSWORD)
        args = ["caldav", str(self._saved(tmp_path)), "--url", url, "--user", USER]
        assert main([*args, "--delete-cancelled", "--alarm", "1h"]) == 0
        assert "0 failed" in capsys.readouterr().out

    def test_no_password(self, url, tmp_path, capsys, monkeypatch):
        """No password file and no variable: exit 2 with one line on stderr."""
        monkeypatch.delenv(b12caldav.PASSWORD_ENV, raising=False)
        args = ["caldav", str(self._saved(tmp_path)), "--url", url, "--user", USER]
        assert main(args) == 2
        assert "no password" in capsys.readouterr().err

    def test_no_password_option(self, url, tmp_path, capsys):
        """There is no --password option: a password never goes on the command line."""
        args = ["caldav", str(self._saved(tmp_path)), "--url", url, "--user", USER]
        assert main([*args, "--password", PASSWORD]) == 2
        capsys.readouterr()

    def test_bad_time(self, url, tmp_path, capsys, monkeypatch):
        """An unreadable --until is one error line, exit 2."""
        monkeypatch.setenv(b12caldav.PASSWORD_ENV, PASSWORD)
        args = ["caldav", str(self._saved(tmp_path)), "--url", url, "--user", USER]
        assert main([*args, "--until", "soon"]) == 2
        assert "--until" in capsys.readouterr().err

    def test_failed_writes_exit_1(self, radicale, url, tmp_path, capsys, monkeypatch):
        """Events the server refused make the command exit 1 and say to run it again."""
        monkeypatch.setenv(b12caldav.PASSWORD_ENV, PASSWORD)
        with FaultyProxy(radicale.port, fail_puts={1}) as proxy:
            proxied = url.replace(f":{radicale.port}/", f":{proxy.port}/")
            args = ["caldav", str(self._saved(tmp_path)), "--url", proxied]
            args += ["--user", USER, "--now", "2027-01-01T12:00Z"]
            assert main(args) == 1
        assert "run the command again" in capsys.readouterr().out


class TestOptionalImport:
    def test_import_b12course_does_not_import_caldav(self):
        """`import b12course` loads neither the caldav library nor b12course.caldav."""
        code = (
            "import sys, b12course; "
            "print(json.dumps(sorted(m for m in sys.modules if 'caldav' in m)))"
        )
        out = subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", f"import json; {code}"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        assert json.loads(out) == []


# -- the property ------------------------------------------------------------


class TestProperty:
    # A fiftieth of the profile's examples (3 under ci, at least 1): each syncs a
    # course several times to a real server.
    @scaled(
        0.02,
        minimum=1,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
        ],
    )
    @given(
        states=st.lists(
            strategies.courses(
                ids=st.just("prop"), max_given=4, max_symptoms=0, max_labs=0
            ),
            min_size=2,
            max_size=3,
        )
    )
    def test_server_equals_export_after_changes(self, radicale, states):
        """After syncing a few states of one course in turn, the server's doses are the last export's and a foreign event is unchanged."""
        if radicale.process is None:
            radicale.start()
        url = radicale.make_calendar(f"prop-{uuid.uuid4().hex[:12]}")
        foreign = put_foreign(url)
        last = states[-1]
        until = last.first_dose + dt.timedelta(days=14)
        now = last.first_dose + dt.timedelta(days=5)
        client = caldav.DAVClient(url=url, username=USER, password=PASSWORD)
        try:
            cal = client.calendar(url=url)
            for state in states:
                report = b12caldav.sync(state, cal, until=until, now=now, alarms=())
                assert not report.failed
                assert not report.conflicts
            again = b12caldav.sync(last, cal, until=until, now=now, alarms=())
        finally:
            client.close()
        assert not again.changed
        stored = raw_objects(url)
        assert stored.pop(str(foreign.event["UID"])) == foreign
        on_server = {d.uid: d for d in read_ical(as_one_calendar(stored))}
        exported = read_ical(to_ical(last, until=until, now=now, alarms=()))
        for dose in exported:
            assert dose_key(on_server.pop(dose.uid)) == dose_key(dose)
        # What is left was on the server before: dropped, or moved past the horizon.
        assert all(d.cancelled or d.when >= until for d in on_server.values())


# -- a fault-injecting proxy in front of the real server ----------------------


Rewrite = Callable[[str, int, dict[str, str], bytes], tuple[int, dict[str, str], bytes]]


class FaultyProxy:
    """Forwards requests to Radicale, answering some PUTs with an error or late.

    A hostile server, too: ``rewrite`` changes any answer (method, status,
    headers, body) before it is sent, and ``trickle`` sends each answer of
    that method one byte at a time, ``pause`` seconds apart (headers too),
    until the client hangs up or ``max_trickle`` bytes have gone: every loop
    is bounded, and the proxy listens on 127.0.0.1 only.
    """

    def __init__(  # noqa: C901 - its request handler is defined inside
        self,
        port: int,
        *,
        fail_puts: set[int] = frozenset(),
        slow_puts: set[int] = frozenset(),
        status: int = 500,
        fail_reports: bool = False,
        rewrite: Rewrite | None = None,
        trickle: str | None = None,
        pause: float = 0.2,
        max_trickle: int = 200,
    ) -> None:
        self.target = port
        self.rewrite = rewrite
        self.trickle = trickle
        self.pause = pause
        self.max_trickle = max_trickle
        self.methods: list[str] = []
        self.fail_reports = fail_reports
        self.fail_puts = fail_puts
        self.slow_puts = slow_puts
        self.status = status
        self.puts = 0
        self.release = threading.Event()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy.methods.append(self.command)
                if self.command == "REPORT" and proxy.fail_reports:
                    self._answer(500, {}, b"injected failure")
                    return
                if self.command == "PUT":
                    proxy.puts += 1
                    if proxy.puts in proxy.fail_puts:
                        self._answer(proxy.status, {}, b"injected failure")
                        return
                    if proxy.puts in proxy.slow_puts:
                        proxy.release.wait(5)
                        return
                connection = http.client.HTTPConnection(
                    "127.0.0.1", proxy.target, timeout=30
                )
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                connection.request(self.command, self.path, body, headers)
                answer = connection.getresponse()
                data = answer.read()
                kept = {
                    k: v
                    for k, v in answer.getheaders()
                    if k.lower()
                    not in {"transfer-encoding", "connection", "content-length"}
                }
                connection.close()
                self._answer(answer.status, kept, data)

            def _answer(
                self, status: int, headers: dict[str, str], data: bytes
            ) -> None:
                if proxy.rewrite is not None:
                    if headers.get("Content-Encoding") == "gzip":
                        import gzip

                        data = gzip.decompress(data)
                        headers = {
                            k: v for k, v in headers.items() if k != "Content-Encoding"
                        }
                    status, headers, data = proxy.rewrite(
                        self.command, status, headers, data
                    )
                if self.command == proxy.trickle:
                    self._trickle(status, headers, data)
                    return
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _trickle(
                self, status: int, headers: dict[str, str], data: bytes
            ) -> None:
                head = f"HTTP/1.1 {status} Slow\r\nContent-Length: {len(data)}\r\n"
                head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
                whole = head.encode() + b"\r\n" + data
                for index in range(min(len(whole), proxy.max_trickle)):
                    if proxy.release.wait(proxy.pause):
                        return
                    try:
                        self.wfile.write(whole[index : index + 1])
                        self.wfile.flush()
                    except OSError:
                        return  # the client hung up: what a deadline does
                self.close_connection = True

            do_GET = do_PUT = do_DELETE = do_REPORT = do_PROPFIND = _forward  # noqa: N815

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FaultyProxy:  # noqa: PYI034 - a final test helper
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


# -- a hostile server (issue 24): every answer passes one guard ----------------


class Recorder:
    """A server on 127.0.0.1 that records every request it gets (it must get none)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str | None]] = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _record(self) -> None:
                auth = self.headers.get("Authorization")
                recorder.seen.append((self.command, self.path, auth))
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_PUT = do_DELETE = do_REPORT = do_PROPFIND = _record  # noqa: N815

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Recorder:  # noqa: PYI034 - a final test helper
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


def _answer_with(body: bytes, method: str = "REPORT", status: int = 207) -> Rewrite:
    def rewrite(command, old_status, headers, data):
        if command != method:
            return old_status, headers, data
        return status, {"Content-Type": "text/xml; charset=utf-8"}, body

    return rewrite


_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode()
        for i in range(8)
    )
    + b']><multistatus xmlns="DAV:">&i;</multistatus>'
)
HOSTILE_BODIES = {
    "broken": b'<multistatus xmlns="DAV:"><response>',
    "garbage": bytes(range(256)) * 8,
    "entities": _LAUGHS,
    "deep": b'<multistatus xmlns="DAV:">'
    + b"<a>" * 300
    + b"</a>" * 300
    + b"</multistatus>",
    "huge text": b'<multistatus xmlns="DAV:"><r>'
    + b"x" * (11 * 1024 * 1024)
    + b"</r></multistatus>",
}


class TestHostileServer:
    def _first(self, url):
        c = course()
        b12caldav.sync_url(c, url, USER, PASSWORD, until=UNTIL, now=BEFORE)
        return c.skip_dose(number=2)

    @pytest.mark.parametrize("where", ["host", "port", "scheme"])
    def test_hrefs_on_another_origin_are_refused(self, radicale, url, where):
        """A listing whose hrefs point elsewhere is refused before any PUT or DELETE; nothing reaches the other host."""
        changed = self._first(url)
        with Recorder() as other:
            elsewhere = {
                "host": f"http://localhost:{radicale.port}",
                "port": f"http://127.0.0.1:{other.port}",
                "scheme": f"https://127.0.0.1:{radicale.port}",
            }[where]

            def absolute(command, status, headers, data):
                if command == "REPORT":
                    data = data.replace(b"<href>/", f"<href>{elsewhere}/".encode())
                    data = data.replace(b":href>/", f":href>{elsewhere}/".encode())
                return status, headers, data

            with FaultyProxy(radicale.port, rewrite=absolute) as proxy:
                proxied = url.replace(f":{radicale.port}/", f":{proxy.port}/")
                for cancelled in ("mark", "delete"):
                    with pytest.raises(CalDavError, match="outside this calendar"):
                        b12caldav.sync_url(
                            changed,
                            proxied,
                            USER,
                            PASSWORD,
                            until=UNTIL,
                            now=BEFORE,
                            cancelled=cancelled,
                        )
        assert other.seen == []
        assert "PUT" not in proxy.methods
        assert "DELETE" not in proxy.methods

    def test_redirect_elsewhere_is_not_followed(self, radicale, url):
        """A 307 to another host is an error; the other host gets nothing."""
        with Recorder() as other:

            def redirect(command, status, headers, data):
                if command != "REPORT":
                    return status, headers, data
                return 307, {"Location": f"http://127.0.0.1:{other.port}/x/"}, b""

            with FaultyProxy(radicale.port, rewrite=redirect) as proxy:
                proxied = url.replace(f":{radicale.port}/", f":{proxy.port}/")
                with pytest.raises(CalDavError, match="redirects"):
                    b12caldav.sync_url(
                        course(), proxied, USER, PASSWORD, until=UNTIL, now=BEFORE
                    )
        assert other.seen == []

    @pytest.mark.parametrize("kind", sorted(HOSTILE_BODIES))
    def test_unreadable_listing_is_a_caldav_error(self, radicale, url, kind):
        """Broken XML, garbage, entity bombs, deep nesting and huge text nodes are CalDavError."""
        rewrite = _answer_with(HOSTILE_BODIES[kind])
        with FaultyProxy(radicale.port, rewrite=rewrite) as proxy:
            proxied = url.replace(f":{radicale.port}/", f":{proxy.port}/")
            with pytest.raises(CalDavError, match=r"not readable XML|not XML"):
                b12caldav.sync_url(
                    course(), proxied, USER, PASSWORD, until=UNTIL, now=BEFORE
                )
        assert "PUT" not in proxy.methods

    @pytest.mark.parametrize("kind", ["broken", "garbage"])
    def test_unreadable_put_answer_mid_sync_is_a_caldav_error(
        self, radicale, url, kind
    ):
        """A PUT answered with broken XML mid-sync is CalDavError; the next sync finishes."""
        seen = {"puts": 0}

        def third_put(command, status, headers, data):
            if command == "PUT":
                seen["puts"] += 1
                if seen["puts"] == 3:
                    return 201, {"Content-Type": "text/xml"}, HOSTILE_BODIES[kind]
            return status, headers, data

        c = course()
        with FaultyProxy(radicale.port, rewrite=third_put) as proxy:
            proxied = url.replace(f":{radicale.port}/", f":{proxy.port}/")
            with pytest.raises(CalDavError, match="XML"):
                b12caldav.sync_url(c, proxied, USER, PASSWORD, until=UNTIL, now=BEFORE)
        report = b12caldav.sync_url(c, url, USER, PASSWORD, until=UNTIL, now=BEFORE)
        assert not report.failed
        assert set(raw_objects(url)) == set(export_events(c, until=UNTIL, now=BEFORE))

    @pytest.mark.parametrize("method", ["REPORT", "PUT"])
    def test_a_trickling_server_meets_a_total_deadline(self, radicale, url, method):
        """A server sending one byte at a time ends the request at about `timeout`, not per byte."""
        import time

        with FaultyProxy(radicale.port, trickle=method, pause=0.05) as proxy:
            proxied = url.replace(f":{radicale.port}/", f":{proxy.port}/")
            started = time.monotonic()
            with pytest.raises(CalDavError, match="did not finish") as caught:
                b12caldav.sync_url(
                    course(),
                    proxied,
                    USER,
                    PASSWORD,
                    until=UNTIL,
                    now=BEFORE,
                    timeout=1,
                )
            took = time.monotonic() - started
        assert isinstance(caught.value, b12.exceptions.CalDavNetworkError)
        assert took < 4

    @pytest.mark.parametrize("declared", [True, False])
    def test_an_answer_past_the_cap_is_refused(
        self, radicale, url, monkeypatch, declared
    ):
        """An answer longer than the cap is refused while it is read (with or without Content-Length)."""
        from b12course.caldav import _guard

        monkeypatch.setattr(_guard, "MAX_ANSWER", 64 * 1024)
        body = b'<multistatus xmlns="DAV:">' + b" " * (200 * 1024) + b"</multistatus>"
        rewrite = _answer_with(body)
        options = (
            {}
            if declared
            else {"trickle": "REPORT", "pause": 0.0, "max_trickle": 10**6}
        )
        with FaultyProxy(radicale.port, rewrite=rewrite, **options) as proxy:
            proxied = url.replace(f":{radicale.port}/", f":{proxy.port}/")
            with pytest.raises(CalDavError, match="longer than"):
                b12caldav.sync_url(
                    course(), proxied, USER, PASSWORD, until=UNTIL, now=BEFORE
                )

    def test_report_not_supported_says_not_a_calendar(self, radicale, url):
        """A 403 to the listing (Xandikos on a calendar home) says the URL is not a calendar."""
        refusal = (
            b'<?xml version="1.0"?><error xmlns="DAV:"><supported-report/></error>'
        )
        rewrite = _answer_with(refusal, status=403)
        with FaultyProxy(radicale.port, rewrite=rewrite) as proxy:
            proxied = url.replace(f":{radicale.port}/", f":{proxy.port}/")
            with pytest.raises(CalDavError, match="not a calendar") as caught:
                b12caldav.sync_url(
                    course(), proxied, USER, PASSWORD, until=UNTIL, now=BEFORE
                )
        assert "password" not in str(caught.value)
        assert caught.value.status == 403

    @pytest.mark.parametrize(
        "bad",
        [
            "http://[::1",
            "http://127.0.0.1:99999/a/",
            "http://127.0.0.1:abc/a/",
            "http://127.0.0.1:-1/a/",
            "http://127.0.0.1/my calendar/",
        ],
    )
    def test_unreadable_urls_are_caldav_errors(self, bad):
        """URLs that urllib cannot read are CalDavError, not a bare ValueError."""
        with pytest.raises(CalDavError):
            b12caldav.sync_url(course(), bad, USER, PASSWORD, until=UNTIL, now=BEFORE)

    def test_unreachable_is_a_network_error_that_changed_nothing(self):
        """Nothing listening: CalDavNetworkError, and no promise about a next sync."""
        dead = f"http://127.0.0.1:{server_helper._free_port()}/{USER}/b12/"
        with pytest.raises(b12.exceptions.CalDavNetworkError) as caught:
            b12caldav.sync_url(course(), dead, USER, PASSWORD, until=UNTIL, now=BEFORE)
        assert "nothing was changed" in str(caught.value)
        assert "next sync" not in str(caught.value)


class TestCorrections:
    def test_voiding_a_dose_rewrites_exactly_what_recording_it_changed(
        self, url, calendar
    ):
        """Record a dose, sync, void it, sync: only the objects the dose changed are written, back as they were."""
        c = course().record_dose(START)
        first = b12caldav.sync(c, calendar, until=UNTIL, now=BEFORE)
        before = raw_objects(url)
        late = START + dt.timedelta(days=3, hours=2)
        recorded = c.record_dose(late)
        now = late + dt.timedelta(hours=1)
        made = b12caldav.sync(recorded, calendar, until=UNTIL, now=BEFORE)
        assert made.updated
        voided = recorded.void(recorded.given[-1], "not given", at=now, by="AB")
        counting = Counting(calendar)
        report = b12caldav.sync(voided, calendar, until=UNTIL, now=BEFORE)
        assert set(report.updated) == set(made.updated)
        assert not report.created
        assert not report.cancelled
        assert counting.methods == ["REPORT"] + ["PUT"] * len(made.updated)
        after = raw_objects(url)
        assert set(after) == set(first.created)
        for uid, stored in after.items():
            old = before[uid].event
            new = stored.event
            if uid in report.updated:
                assert new["SEQUENCE"] == old["SEQUENCE"] + 2
            else:
                assert stored.etag == before[uid].etag
            for name in ("DTSTART", "SUMMARY", "DESCRIPTION", "STATUS"):
                assert str(new.get(name)) == str(old.get(name)), (uid, name)


class TestOneView:
    @pytest.mark.parametrize(
        "regimen", ["bnf-hydroxocobalamin-neuro", "bnf-hydroxocobalamin-non-neuro"]
    )
    def test_the_server_holds_the_view(self, url, calendar, regimen):
        """Synced at a moment with the default horizon, the server holds exactly the view's events: its doses, reviews, flare window and plan-continues event, up to the one horizon policy."""
        c = course(regimen).record_dose(START, site="left deltoid")
        now = START + dt.timedelta(days=3)
        view = c.timeline(now=now)
        report = b12caldav.sync(c, calendar, now=now, alarms=())
        assert not report.failed
        shown = {
            EventKind.PLANNED_DOSE,
            EventKind.REVIEW,
            EventKind.FLARE_WINDOW,
            EventKind.PLAN_CONTINUES,
        }
        expected = {uid_of(c, e) for e in view if e.kind in shown}
        assert set(raw_objects(url)) == expected
        continues = "demo-plan-continues@b12course" in expected
        assert continues == (view.plan_continues is not None)
        upcoming = view.next_pending
        assert upcoming is not None
        stored = raw_objects(url)[uid_of(c, upcoming)].event
        assert f"Suggested site: {view.suggested_site}." in str(stored["DESCRIPTION"])

    def test_a_view_syncs_as_its_course_does(self, url, calendar):
        """Syncing the view writes what syncing the course at its now writes: a second sync of the other writes nothing."""
        c = course("bnf-hydroxocobalamin-neuro").record_dose(START, site="left deltoid")
        now = START + dt.timedelta(days=3)
        view = c.timeline(now=now)
        first = b12caldav.sync(view, calendar, alarms=())
        assert first.created
        assert not first.failed
        again = b12caldav.sync(c, calendar, now=now, alarms=())
        assert not again.changed
        with pytest.raises(b12.exceptions.SettingError):
            b12caldav.sync(c, calendar, alarms=())
        with pytest.raises(b12.exceptions.SettingError):
            b12caldav.sync(c.timeline(), calendar)
