"""Hostile and careless input: only a B12CourseError ever escapes.

The README promises that every error is a ``B12CourseError`` and that invalid
input never leaves a course half-changed.  These properties hold that promise
for any input: arbitrary values into every public constructor and every
``Course`` method, and mutated calendars into ``read_ical`` and into
``to_ical(previous=...)``.  Arbitrary argument lists into the command line
(which answers with one line on stderr and exit status 2, never a traceback)
are ``tests/test_cli_fuzz.py``'s; the command lines the hardening review found
stay pinned here.
Each example also runs within a time bound (the Hypothesis deadline), so a
hostile input cannot run up the cost either.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import inspect
import zoneinfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import b12course as b12
from b12course import strategies as b12st
from b12course.exceptions import B12CourseError
from support.profiles import scaled

# The whole module is fuzzing: the full suite runs it, the fast tier does not.
pytestmark = pytest.mark.fuzz

LONDON = zoneinfo.ZoneInfo("Europe/London")
BOUNDED = settings(
    deadline=dt.timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Values a careless caller or an attacker passes where something else belongs.
hostile_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.just(10**400),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(
        ["", " ", chr(0xD800), "nan", "-1", "1e999", "bogus", "mg", "IM", "\\N"]
    ),
    st.binary(max_size=8),
    st.datetimes(),  # naive
    st.datetimes(
        min_value=dt.datetime(1, 1, 2),
        max_value=dt.datetime(9999, 12, 30),
        timezones=st.just(dt.timezone.utc),
    ),
    st.just(dt.datetime.max.replace(tzinfo=dt.timezone.utc)),
    st.just(dt.datetime.min.replace(tzinfo=dt.timezone.utc)),
    st.dates(),
    st.timedeltas(),
)
hostile = st.one_of(
    hostile_scalars,
    st.lists(hostile_scalars, max_size=3),
    st.lists(hostile_scalars, max_size=3).map(tuple),
)


@st.composite
def arguments_for(draw, function):
    """Draw hostile values for every required parameter and some optional ones."""
    args, keywords = [], {}
    for parameter in inspect.signature(function).parameters.values():
        required = parameter.default is inspect.Parameter.empty
        if parameter.kind in {parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD}:
            continue
        if not required and not draw(st.booleans()):
            continue
        value = draw(hostile, label=parameter.name)
        if parameter.kind is parameter.POSITIONAL_ONLY:
            args.append(value)
        else:
            keywords[parameter.name] = value
    return args, keywords


def only_library_errors(call, *args, **kwargs):
    """Call and return the result, or None when a B12CourseError is raised."""
    with contextlib.suppress(B12CourseError):
        return call(*args, **kwargs)
    return None


CONSTRUCTORS = {
    name: getattr(b12, name)
    for name in (
        "SymptomEntry",
        "LabResult",
        "Dose",
        "Lasting",
        "Count",
        "Cadence",
        "FlareModel",
        "PlateauRule",
        "AdministeredDose",
        "DoseSkip",
        "PhaseDecision",
        "ReferenceRange",
        "Band",
    )
}
CONSTRUCTORS["Amount.parse"] = b12.Amount.parse


class TestConstructors:
    @BOUNDED
    @given(st.sampled_from(sorted(CONSTRUCTORS)), st.data())
    def test_keyword_arguments(self, name, data):
        """Any value for any documented field gives a value or a B12CourseError."""
        factory = CONSTRUCTORS[name]
        args, keywords = data.draw(arguments_for(factory))
        only_library_errors(factory, *args, **keywords)

    @BOUNDED
    @given(hostile, hostile, hostile)
    def test_positional_dose(self, drug, amount, route):
        """A Dose from any three values is a Dose or a B12CourseError."""
        only_library_errors(b12.Dose, drug, amount, route)

    @BOUNDED
    @given(hostile)
    def test_preset_lookup(self, preset_id):
        """Any preset id finds a regimen or raises UnknownPresetError."""
        only_library_errors(b12.regimens.get, preset_id)

    @BOUNDED
    @given(hostile, hostile)
    def test_begin(self, first_dose, course_id):
        """Course.begin with any first dose and id begins a course or refuses."""
        regimen = b12.regimens.get("bnf-hydroxocobalamin-neuro")
        only_library_errors(
            b12.Course.begin, regimen, first_dose=first_dose, id=course_id
        )


courses_small = b12st.courses(max_given=4, max_symptoms=2, max_labs=1)


# A plan asked for up to year 8999 on a daily phase is millions of doses: a
# caller's choice, not a hostile input, so this property has no time bound.
UNBOUNDED = settings(BOUNDED, deadline=None)


class TestCourseMethods:
    @UNBOUNDED
    @given(courses_small, st.data())
    def test_refused_change_leaves_the_course_as_it_was(self, course, data):
        """Every Course method with hostile arguments returns a value or refuses, and the course is unchanged."""
        before = b12.json.dumps(course)
        method = data.draw(
            st.sampled_from(
                [
                    "record_dose",
                    "skip_dose",
                    "end_phase",
                    "log_symptom",
                    "record_lab",
                    "plan",
                    "timeline",
                    "flare",
                    "assess",
                    "suggest_site",
                    "reviews",
                ]
            )
        )
        args, keywords = data.draw(arguments_for(getattr(course, method)))
        with contextlib.suppress(B12CourseError):
            getattr(course, method)(*args, **keywords)
        assert b12.json.dumps(course) == before

    @BOUNDED
    @given(courses_small, hostile, hostile)
    def test_timeline_queries(self, course, start, end):
        """Every range query answers or refuses with a B12CourseError."""
        tl = course.timeline(until=course.first_dose + dt.timedelta(days=120))
        for query in (tl.between, tl.overlapping):
            only_library_errors(query, start, end)
        for query in (tl.at, tl.on):
            only_library_errors(query, start)
        only_library_errors(tl.next_dose, after=start)
        only_library_errors(tl.overdue, now=start)


def _calendar(course: b12.Course) -> bytes:
    return b12.to_ical(course, until=course.first_dose + dt.timedelta(days=200))


def _mutate(data: bytes, draw) -> bytes:
    lines = data.split(b"\r\n")
    index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
    action = draw(st.sampled_from(["replace", "delete", "duplicate", "truncate"]))
    if action == "replace":
        name = lines[index].split(b":", 1)[0]
        value = draw(
            st.sampled_from(
                [
                    b"",
                    b"99999999999999999999",
                    b"99991231T235959Z",
                    b"00010101T000000",
                    b"FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=31",
                    b"FREQ=SECONDLY;COUNT=100000000",
                    b"-PT99999999999999999999M",
                    b"\\N\\,\\;",
                    "\u00e9".encode(),
                    b"\xff\xfe",
                ]
            )
        )
        lines[index] = name + b":" + value
    elif action == "delete":
        del lines[index]
    elif action == "duplicate":
        lines.insert(index, lines[index])
    else:
        lines = lines[:index]
    return b"\r\n".join(lines)


# A quarter of the profile's examples: each exports and parses a calendar.
CALENDAR_BOUNDED = scaled(0.25, parent=BOUNDED)


class TestCalendars:
    @CALENDAR_BOUNDED
    @given(courses_small, st.data())
    def test_read_mutated_calendar(self, course, data):
        """read_ical of a damaged export gives doses or a B12CourseError, quickly."""
        damaged = _mutate(_calendar(course), data.draw)
        only_library_errors(b12.read_ical, damaged)

    @CALENDAR_BOUNDED
    @given(courses_small, st.data())
    def test_update_from_mutated_previous(self, course, data):
        """to_ical(previous=damaged) exports or refuses with a B12CourseError."""
        damaged = _mutate(_calendar(course), data.draw)
        only_library_errors(
            b12.to_ical,
            course,
            until=course.first_dose + dt.timedelta(days=200),
            previous=damaged,
        )

    @BOUNDED
    @given(st.binary(max_size=200))
    def test_read_any_bytes(self, data):
        """read_ical of arbitrary bytes refuses with a B12CourseError."""
        only_library_errors(b12.read_ical, data)

    @BOUNDED
    @given(hostile)
    def test_parse_alarm(self, text):
        """parse_alarm of anything gives a duration or an AlarmError."""
        only_library_errors(b12.ical.parse_alarm, text)


@pytest.mark.parametrize(
    "argv",
    [
        [
            "ics",
            "bnf-hydroxocobalamin-neuro",
            "--alarm",
            "99999999999999999999m",
            "-o",
            "x.ics",
        ],
        ["ics", "bnf-hydroxocobalamin-neuro", "-o", ".", "--force"],
        ["ics", "bnf-hydroxocobalamin-neuro", "-o", "", "--force"],
        ["plan", "bnf-hydroxocobalamin-neuro", "--start", "9999-12-31T09:00"],
        ["plan", "bnf-hydroxocobalamin-neuro", "--until", "9999-12-31"],
    ],
)
def test_reported_command_lines_fail_cleanly(argv, tmp_path, monkeypatch, capsys):
    """The command lines the hardening review found printing tracebacks exit 2 with one line."""
    from b12course.cli import main

    monkeypatch.chdir(tmp_path)
    if "--start" not in argv:
        argv = [*argv, "--start", "2026-12-01T09:00"]
    argv = [*argv, "--tz", "Europe/London"]
    assert main(argv) == 2
    _out, err = capsys.readouterr()
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=31",
        "FREQ=SECONDLY;COUNT=100000000",
        "FREQ=SECONDLY",
    ],
)
def test_runaway_series_is_refused(rule):
    """A recurring event that never matches, or matches without end, is refused, not expanded for seconds."""
    course = b12.Course.begin(
        b12.regimens.get("bnf-hydroxocobalamin-neuro"),
        first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=LONDON),
    )
    data = b12.to_ical(
        course, until=dt.datetime(2027, 12, 1, tzinfo=LONDON), compact=True
    )
    lines = data.split(b"\r\n")
    hostile_lines = []
    for line in lines:
        hostile_lines.append(line)
        if line == b"BEGIN:VEVENT" and not any(b"RRULE" in h for h in hostile_lines):
            hostile_lines.append(b"RRULE:" + rule.encode())
    with contextlib.suppress(B12CourseError):
        b12.read_ical(b"\r\n".join(hostile_lines))


# -- the CalDAV guard and the course file's name (issue 24) ----------------------

_HOSTILE_XML = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(
        [
            b'<multistatus xmlns="DAV:"><response>',
            b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "x">]><multistatus>&a;</multistatus>',
            b"<a>" * 300 + b"</a>" * 300,
            b'<multistatus xmlns="DAV:"/>',
            b"\xff\xfe<\x00m\x00/\x00>\x00",
        ]
    ),
    st.text(max_size=200).map(
        lambda t: f'<multistatus xmlns="DAV:">{t}</multistatus>'.encode(
            "utf-8", "surrogatepass"
        )
    ),
)
_URLS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "http://[::1",
            "http://h:99999/",
            "http://h:abc/",
            "http://h:-1/",
            "http://h/a b/",
            "https://h:443/c/",
            "//evil.example/x.ics",
            "http://evil.example/x.ics",
            "HTTP://H:80/c/x.ics",
            "javascript:alert(1)",
        ]
    ),
    st.builds(
        lambda a, b: f"http://{a}/{b}", st.text(max_size=10), st.text(max_size=10)
    ),
)


class TestCalDavGuard:
    @BOUNDED
    @given(_HOSTILE_XML)
    def test_any_answer_body_parses_or_is_a_caldav_error(self, data):
        """The guard's parser gives a tree or a CalDavError for any bytes, never lxml's own error."""
        pytest.importorskip("lxml")
        from b12course.caldav._guard import Guard
        from b12course.exceptions import CalDavError

        guard = Guard("https://dav.example/c/", 5.0)
        with contextlib.suppress(CalDavError):
            assert guard.parse(data) is not None

    @BOUNDED
    @given(_URLS)
    def test_any_href_is_on_the_calendars_origin_or_refused(self, href):
        """Any href resolves to the calendar's scheme, host and port, or is a CalDavError."""
        from b12course.caldav._guard import Guard, origin
        from b12course.exceptions import CalDavError

        guard = Guard("https://dav.example/c/", 5.0)
        try:
            resolved = guard.resolve(href)
        except CalDavError:
            return
        assert origin(resolved) == ("https", "dav.example", 443)

    @BOUNDED
    @given(_URLS)
    def test_any_calendar_url_is_checked_with_a_typed_error(self, url):
        """sync_url's URL check raises CalDavError or nothing, for any text."""
        from b12course.caldav import _sync
        from b12course.exceptions import CalDavError

        with contextlib.suppress(CalDavError):
            _sync._check_url(url, _sync._public(url))


class TestFileNames:
    @BOUNDED
    @given(
        st.text(
            alphabet=st.characters(
                blacklist_categories=("Cs",), blacklist_characters="/\x00"
            ),
            min_size=1,
            max_size=20,
        ).filter(lambda n: n not in {".", ".."})
    )
    def test_any_course_file_name_can_be_changed(self, tmp_path_factory, name):
        """A course file of any name (*, [, ?, spaces) is changed under its lock, leaving no temporary."""
        from b12course.cli import _store

        folder = tmp_path_factory.mktemp("names")
        target = folder / name
        try:
            target.write_bytes(b"x")
        except OSError:
            return  # a name this file system refuses
        assert _store.update(target, lambda d: d + b"y") == b"xy"
        assert [p.name for p in folder.iterdir()] == [name]


class _Stub:
    """A server on 127.0.0.1 that gives every request the answer a test sets."""

    def __init__(self) -> None:
        import http.server
        import threading

        self.answer: tuple[int, str, bytes] = (500, "text/plain", b"")
        self.paths: list[str] = []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                stub.paths.append(self.path)
                status, kind, body = stub.answer
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_PUT = do_DELETE = do_REPORT = do_PROPFIND = _answer  # noqa: N815

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


@pytest.fixture(scope="module")
def stub_server():
    """The calendar's server, and ``stub.other``: another origin that must get nothing."""
    pytest.importorskip("caldav")
    stub, other = _Stub(), _Stub()
    stub.other = other
    try:
        yield stub
    finally:
        stub.close()
        other.close()


def _multistatus(href: str, data: str) -> bytes:
    return (
        '<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
        f"<response><href>{href}</href><propstat><prop><getetag>1</getetag>"
        "<resourcetype><collection/><C:calendar/></resourcetype>"
        f"<C:calendar-data>{data}</C:calendar-data></prop>"
        "<status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"
    ).encode("utf-8", "surrogatepass")


def _event(uid: str) -> str:
    """An event of the course (@@TOKEN@@ becomes its token): a sync would write it."""
    return (
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTART:20261201T090000Z\r\n"
        "X-B12COURSE-OWNER:@@TOKEN@@\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


_MULTISTATUS = st.builds(
    _multistatus,
    st.one_of(
        _URLS, st.sampled_from(["/c/x.ics", "@@OTHER@@/c/x.ics", "@@OTHER@@/x.ics"])
    ),
    st.one_of(
        st.text(max_size=60),
        st.sampled_from(["fuzz-p0-d1@b12course", "fuzz-p0-d2@b12course"]).map(_event),
    ),
)


class TestHostileCalDavServer:
    @settings(
        deadline=dt.timedelta(seconds=10),
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
        ],
    )
    @given(
        status=st.sampled_from(
            [200, 201, 204, 207, 207, 207, 301, 400, 403, 404, 412, 500]
        ),
        kind=st.sampled_from(
            ["text/xml", "application/xml", "text/plain", "", "x/y; charset=nope"]
        ),
        body=st.one_of(_HOSTILE_XML, _MULTISTATUS),
        overwrite=st.booleans(),
    )
    @example(  # the attack of issue 24: our event listed on another host
        status=207,
        kind="text/xml",
        body=_multistatus("@@OTHER@@/c/x.ics", _event("fuzz-p0-d1@b12course")),
        overwrite=True,
    )
    def test_any_answer_gives_a_report_or_a_caldav_error(
        self, stub_server, status, kind, body, overwrite
    ):
        """Whatever the server answers, sync_url returns a report or raises CalDavError, and asks no other origin."""
        from b12course.caldav import _sync, sync_url
        from b12course.exceptions import CalDavError

        course = b12.Course.begin(
            b12.regimens.get("bnf-hydroxocobalamin-neuro"),
            first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=LONDON),
            id="fuzz",
        )
        other = f"http://127.0.0.1:{stub_server.other.port}"
        body = body.replace(b"@@TOKEN@@", _sync._owner(course).encode())
        stub_server.answer = (status, kind, body.replace(b"@@OTHER@@", other.encode()))
        url = f"http://127.0.0.1:{stub_server.port}/c/"
        with contextlib.suppress(CalDavError):
            sync_url(
                course,
                url,
                "u",
                "p",
                until=dt.datetime(2026, 12, 20, tzinfo=LONDON),
                now=dt.datetime(2026, 12, 2, tzinfo=LONDON),
                timeout=3,
                on_conflict="overwrite" if overwrite else "keep",
                cancelled="delete" if overwrite else "mark",
            )
        assert stub_server.other.paths == []
