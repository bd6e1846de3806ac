"""Arbitrary argument lists: the command line answers with a status, never a traceback."""

import contextlib
import io
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b12course import json as b12json
from b12course import strategies
from b12course.cli import main

# The whole module is fuzzing: the full suite runs it, the fast tier does not.
pytestmark = pytest.mark.fuzz

COMMANDS = [
    "presets", "plan", "timeline", "status", "new", "record", "skip", "end-phase",
    "log", "lab", "ics", "csv", "summary", "fhir", "caldav", "chart",
]  # fmt: skip
OPTIONS = [
    "--start", "--tz", "--until", "--now", "--at", "--from", "--to", "--json",
    "--force", "--alarm", "--no-alarm", "--number", "--due", "--reason", "--site",
    "--lot", "--note", "--name", "--by", "--id", "-o",
    "--url", "--user", "--password", "--password-file", "--patient",
]  # fmt: skip
VALUES = [
    "2026-12-01", "2026-12-01T09:00", "2027-03-28T01:30", "2026-10-25T01:30",
    "2026-12-01T09:00+05:30", "9999-12-31", "0001-01-01T00:00", "Europe/London",
    "UTC", "Mars/Base", "nice-neuro", "bnf-hydroxocobalamin-neuro", "nice-nuero", "oral-high-dose", "myoclonus",
    "serum-b12", "ng/L", "7", "-1", "99999999999999999999", "1e400", "nan", "",
    ".", "-", "out.ics", "out.md", "out.html", "out.csv", "course.json", "self",
    "30m", "99999999999999999999m", "\ud800", "x" * 300,
    "my**course.json", "[ab].json", "link.json", "not-utf8", "http://[::1",
    "http://127.0.0.1:99999/a/", "http://127.0.0.1:1/a/", "http://127.0.0.1/a b/",
    "$\\foo$", "cost $5 or $6",
    "out.svg", "out.png", "out.txt", "right/UTC", "PT30M", "-P1D", "9999-12-31T09:00",
]  # fmt: skip

argument_lists = st.tuples(
    st.sampled_from(COMMANDS),
    st.lists(
        st.one_of(st.sampled_from(OPTIONS), st.sampled_from(VALUES), st.text()),
        max_size=8,
    ),
)


class TestArbitraryArguments:
    @settings(deadline=None)
    @given(argv=argument_lists, course=strategies.courses(max_given=3))
    def test_every_answer_is_a_status_and_at_most_one_error_line(
        self, tmp_path_factory, argv, course
    ):
        """Any argument list gives status 0 to 3, errors as one line, no traceback, and course files that still load."""
        folder = tmp_path_factory.mktemp("fuzz")
        (folder / "course.json").write_text(b12json.dumps(course))
        # Names the hardening review found (issue 24): globs, a link, bad bytes.
        for name in ("my**course.json", "[ab].json"):
            (folder / name).write_text(b12json.dumps(course))
        (folder / "link.json").symlink_to("course.json")
        (folder / "not-utf8").write_bytes(b"\xff\xfe\x00")
        command, rest = argv
        out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
        here = Path.cwd()
        os.chdir(folder)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status = main([command, *rest])
        finally:
            os.chdir(here)
        text = err.getvalue()
        assert status in {0, 1, 2, 3}
        assert "Traceback" not in text
        assert "internal error" not in text, text
        if status:
            assert len(text.strip().splitlines()) == 1, text
        for name in ("course.json", "my**course.json", "[ab].json"):
            b12json.loads((folder / name).read_bytes())
        assert (folder / "link.json").is_symlink()
