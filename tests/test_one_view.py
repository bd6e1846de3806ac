"""One view, many renderings: every output of a course at a moment shows the view.

Each test draws a course from the public strategies and a moment, builds the
view once (``Course.timeline(now=...)``, the one horizon policy) and holds one
rendering to it: the same events up to the same horizon, the same flags, the
same next dose and site.  The CalDAV rendering is held to it in
tests/test_caldav.py (it needs the Radicale server there).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import b12course as b12
from b12course import EventKind, strategies
from b12course import json as b12json
from b12course.cli import main
from b12course.export import CSV_KINDS, summary_document, to_csv
from b12course.ical import read_ical, to_ical
from support.profiles import scaled

UTC = dt.timezone.utc


@st.composite
def views(draw):
    """A course from the public strategies, a moment near it, and its view."""
    course = draw(strategies.courses(max_given=6))
    days = draw(st.integers(-5, 200))
    now = (course.first_dose + dt.timedelta(days=days)).astimezone(course.zone)
    return course, now, course.timeline(now=now)


def _doses(view):
    """The view's planned doses as (number, due instant)."""
    return [(d.number, d.due.astimezone(UTC)) for d in view.planned_doses]


class TestTheView:
    @given(made=views())
    def test_the_view_follows_the_one_horizon_policy(self, made):
        """The view's horizon is the policy's; no pending provisional dose lies past its provisional horizon, and the plan-continues event marks any cut."""
        course, now, view = made
        assert view.horizon == b12.horizon_for(course.first_dose, now=now)
        assert view.until == view.horizon.firm
        for dose in view.planned_doses:
            if dose.provisional and dose.pending:
                assert dose.due.astimezone(UTC) < view.horizon.provisional
        continues = view.plan_continues
        plan = course.plan(until=view.horizon.firm, now=now)
        cut = [
            d
            for d in plan
            if d.provisional
            and d.pending
            and not view.horizon.shows(d.due, provisional=True)
        ]
        assert (continues is not None) == bool(cut)
        if continues is not None:
            assert continues.at == view.horizon.provisional
            assert continues.phase_name == cut[0].phase_name

    @given(made=views())
    def test_one_rule_for_the_next_dose_and_its_site(self, made):
        """next_pending is the first pending dose of the view, and adherence reads each dose's status."""
        course, now, view = made
        pending = [d for d in view.planned_doses if d.pending]
        assert view.next_pending == (pending[0] if pending else None)
        if all(g.at < now for g in course.given):
            # (A dose recorded after now is past adherence(course)'s horizon.)
            assert view.adherence == b12.adherence(course, now=now)
        flagged = [a for a in view.assessments if a.category.review_advised]
        assert view.attention == tuple(
            a for a in flagged if a.entry.at.astimezone(UTC) <= now
        )
        assert [a.entry for a in view.assessments] == list(
            view.payloads(EventKind.SYMPTOM)
        )
        for entry in view.payloads(EventKind.SYMPTOM):
            assert view.assessment(entry) == course.assess(entry)


class TestEveryRenderingShowsTheView:
    @scaled(0.3)  # each example writes a whole calendar and parses it back
    @given(made=views())
    def test_ics(self, made):
        """The calendar of the view holds exactly its doses, one plan-continues event where it cuts, and the site on its next dose."""
        _course, _now, view = made
        data = to_ical(view, dtstamp=dt.datetime(2026, 1, 1, tzinfo=UTC))
        # Every planned dose of the view is an event (a skipped one cancelled).
        shown = sorted(d.when.astimezone(UTC) for d in view.planned_doses)
        assert sorted(d.when.astimezone(UTC) for d in read_ical(data)) == shown
        continues = data.count(b"X-B12COURSE-KIND:plan_continues")
        assert continues == (view.plan_continues is not None)

    @given(made=views())
    def test_summary(self, made):
        """The summary of the view names its next dose and flags exactly its attention list."""
        _course, _now, view = made
        document = summary_document(view)
        text = json.dumps([str(s) for s in document.sections])
        upcoming = view.next_pending
        if upcoming is not None:
            assert f"{upcoming.name}, {upcoming.dose}" in text
        flagged = text.count("Flagged: ")
        status_flag = view.flare_report.review_advised and not view.attention
        assert flagged == len(view.attention) + status_flag

    @given(made=views())
    def test_csv(self, made):
        """The CSV of the view has one row per event of its CSV kinds, in its order."""
        _course, _now, view = made
        rows = list(csv.reader(io.StringIO(to_csv(view), newline="")))[1:]
        events = view.of_kind(*CSV_KINDS)
        assert [r[:2] for r in rows] == [
            [e.start.isoformat(), e.kind.value] for e in events
        ]

    @given(made=views())
    def test_chart(self, made):
        """The chart of the view draws one marker per given or skipped dose and per pending planned dose, up to its edge."""
        pytest.importorskip("matplotlib")
        from b12course.plot import chart_markers, close_up

        _course, _now, view = made
        edge = close_up(view)
        assert edge.astimezone(UTC) <= view.until
        markers = chart_markers(view, until=view.until)
        expected = [
            e
            for e in view
            if (e.kind is EventKind.PLANNED_DOSE and e.payload.pending)
            or e.kind in {EventKind.DOSE_GIVEN, EventKind.DOSE_SKIPPED}
        ]
        assert [(m.kind, m.at) for m in markers] == [
            (e.kind, e.start) for e in expected
        ]


class TestTheCommandLineShowsTheView:
    @scaled(0.5)  # each example writes a course file and runs three commands on it
    @given(made=views())
    def test_plan_timeline_and_status(self, made):
        """plan, timeline and status of a course file at a moment show the view: its doses, events, horizon, next dose, site and flags."""
        course, now, view = made
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "course.json"
            path.write_text(b12json.dumps(course), encoding="utf-8")
            at = ("--now", now.isoformat())
            plan = _json("plan", path, *at)
            timeline = _json("timeline", path, *at, "--from", "1900-01-01")
            status = _json("status", path, *at)
        assert [(d["number"], d["due"]) for d in plan["doses"]] == [
            (d.number, d.due.astimezone(course.zone).isoformat())
            for d in view.planned_doses
        ]
        assert plan["horizon"] == timeline["horizon"] == status["horizon"]
        assert plan["until"] == view.until.astimezone(course.zone).isoformat()
        assert [(e["kind"], e["start"]) for e in timeline["events"]] == [
            (e.kind.value, e.start.astimezone(course.zone).isoformat()) for e in view
        ]
        upcoming = view.next_pending
        assert (status["next_dose"] or {}).get("number") == (
            upcoming.number if upcoming else None
        )
        assert status["suggested_site"] == (view.suggested_site if upcoming else None)
        assert len(status["attention"]) == len(view.attention)


def _json(*argv):
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([str(a) for a in (*argv, "--json")])
    assert code == 0
    return json.loads(out.getvalue())
