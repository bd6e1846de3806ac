"""The public surface that DESIGN.md promises users, exercised end to end."""

import ast
import datetime as dt
import importlib
import subprocess
import sys
import zoneinfo
from pathlib import Path

import b12course as b12
from b12course import strategies
from b12course.exceptions import B12CourseError

LONDON = zoneinfo.ZoneInfo("Europe/London")


def test_design_surface_end_to_end():
    """Every call named in DESIGN.md's public surface works as written there."""
    assert "bnf-hydroxocobalamin-neuro" in b12.regimens.available()
    assert (
        b12.regimens.get("bnf-hydroxocobalamin-neuro").id
        == "bnf-hydroxocobalamin-neuro"
    )
    regimen = b12.regimens.get("bnf-hydroxocobalamin-neuro")
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
    course = b12.Course.begin(
        b12.regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=start
    )
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


class TestLazyNamespace:
    """`import b12course` is cheap, and every public name still resolves."""

    @staticmethod
    def _type_checking_names() -> dict[str, str]:
        """Name -> module of the imports under ``if TYPE_CHECKING:`` in __init__."""
        source = Path(b12.__file__).read_text(encoding="utf-8")
        block = next(
            node
            for node in ast.parse(source).body
            if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        )
        names = {}
        for node in block.body:
            assert isinstance(node, ast.ImportFrom)
            for alias in node.names:
                names[alias.asname or alias.name] = node.module
        return names

    def test_the_lazy_table_matches_what_type_checkers_see(self):
        """Each name imported for type checkers is lazily exported from the same module."""
        seen = self._type_checking_names()
        for name, module in seen.items():
            home, attribute = b12._LAZY[name]
            if attribute is None:  # a submodule: from b12course import json
                assert (module, home) == ("b12course", f"b12course.{name}")
            else:
                assert (home, attribute) == (module, name)
        assert set(b12._LAZY) - set(seen) == {"caldav", "fhir"}  # optional extras

    def test_every_public_name_resolves_to_its_home(self):
        """Every name in __all__ reads as the object of the module it lives in."""
        for name in b12.__all__:
            value = getattr(b12, name)
            if name in b12._LAZY:
                home, attribute = b12._LAZY[name]
                module = importlib.import_module(home)
                assert value is (
                    module if attribute is None else getattr(module, attribute)
                )
        assert set(b12.__all__) <= set(dir(b12))

    def test_import_loads_only_the_exceptions(self):
        """A fresh `import b12course` imports none of the model, attrs or an extra."""
        code = (
            "import sys, b12course\n"
            "print(sorted(m for m in sys.modules if m.startswith('b12course')))\n"
            "print('attrs' in sys.modules)\n"
            "from b12course import Course\n"
            "print(Course.__module__, 'b12course._course' in sys.modules)\n"
        )
        out = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.splitlines()
        assert out == [
            "['b12course', 'b12course.__about__', 'b12course.exceptions']",
            "False",
            "b12course._course True",
        ]

    def test_star_import_binds_every_public_name(self):
        """`from b12course import *` binds each name of __all__."""
        namespace: dict[str, object] = {}
        exec("from b12course import *", namespace)  # noqa: S102 - fixed code
        assert set(b12.__all__) <= set(namespace)
