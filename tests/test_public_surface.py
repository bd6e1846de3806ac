"""The public surface that DESIGN.md promises users, exercised end to end."""

import datetime as dt
import zoneinfo

import b12course as b12
from b12course import strategies
from b12course.exceptions import B12CourseError

LONDON = zoneinfo.ZoneInfo("Europe/London")


def test_design_surface_end_to_end():
    """Every call named in DESIGN.md's public surface works as written there."""
    assert "bnf-hydroxocobalamin-neuro" in b12.regimens.available()
    assert b12.regimens.get("nice-neuro").id == "bnf-hydroxocobalamin-neuro"
    regimen = b12.regimens.get("nice-neuro")
    assert "BNF" in regimen.source
    start = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
    course = b12.Course.begin(regimen, first_dose=start)
    course = course.record_dose(start, site=course.suggest_site(), note="first")
    course = course.skip_dose(number=2)
    course = course.log_symptom(
        b12.SymptomEntry(
            at=start - dt.timedelta(days=1), symptom=b12.Symptom.MYOCLONUS, severity=3
        )
    )
    course = course.log_symptom(
        b12.SymptomEntry(
            at=start + dt.timedelta(days=3), symptom=b12.Symptom.MYOCLONUS, severity=6
        )
    )
    lab = b12.LabResult(at=start, analyte=b12.Analyte.SERUM_B12, value=200, unit="ng/L")
    course = course.record_lab(lab)
    assert round(lab.to("pmol/L").value, 1) == 147.6
    course = course.end_phase(
        start + dt.timedelta(days=10), reason="no further improvement"
    )
    until = dt.datetime(2027, 6, 1, tzinfo=LONDON)
    now = start + dt.timedelta(days=5)
    plan = course.plan(until=until, now=now)
    first = plan[0]
    assert (first.number, first.phase, first.due, first.status) == (
        1,
        0,
        start,
        b12.DoseStatus.GIVEN,
    )
    assert str(first.dose) == "hydroxocobalamin 1 mg IM"
    assert first.provisional is False
    tl = course.timeline(until=until)
    week = tl.between(start, start + dt.timedelta(days=7))
    assert week
    assert tl.overlapping(start, start + dt.timedelta(days=1))
    assert tl.on(start.date())
    assert tl.at(start)
    assert tl.next_dose(after=now) is not None
    assert tl.overdue(now=now)
    report = course.flare()
    assert report.window.start < report.window.end
    assert report.status is not None
    assert report.peak is not None
    assert report.resolution is None
    data = b12.to_ical(course, until=until)
    assert {d.uid for d in b12.ical.read_ical(data)}
    text = b12.json.dumps(course)
    assert '"format": "b12course"' in text.replace('":"', '": "')
    assert b12.json.loads(text) == course
    assert {
        "MYOCLONUS",
        "TREMOR",
        "PARESTHESIA",
        "NUMBNESS",
        "WEAKNESS",
        "FATIGUE",
    } <= {s.name for s in b12.Symptom}
    assert {"COGNITIVE", "ATAXIA"} <= {s.name for s in b12.Symptom}
    for name in ("courses", "regimens", "symptom_entries"):
        assert callable(getattr(strategies, name))
    from b12course.plot import plot_course, save_chart

    assert callable(plot_course)
    assert callable(save_chart)
    assert issubclass(b12.exceptions.UnknownPresetError, B12CourseError)


def test_the_record_a_clinic_keeps():
    """Who gave a dose and pregnancy are part of the course, as DESIGN.md's CLI promises."""
    start = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
    course = b12.Course.begin(b12.regimens.get("nice-neuro"), first_dose=start)
    course = course.record_dose(start, by="clinician").with_pregnancy()
    assert course.given[0].by is b12.Administrator.CLINICIAN
    assert course.pregnant_or_breastfeeding
    tl = course.timeline(until=dt.datetime(2027, 6, 1, tzinfo=LONDON))
    assert tl.reviews
    assert tl.flare_window is not None
    assert tl.suggested_site is not None
    assert b12.Timeline.from_events(tl.events, zone=LONDON) == b12.Timeline(
        tl.events, zone=LONDON
    )
