"""b12course: vitamin B12 deficiency treatment courses.

Plan loading and maintenance injections from guideline presets, record what was
given, log symptoms and labs, see whether a worsening falls in the window in
which a transient flare has been reported, query the timeline and export an
iCalendar file.

The library describes and computes; it never diagnoses or advises treatment.
"""

from typing import TYPE_CHECKING

from b12course import exceptions, regimens
from b12course.__about__ import __version__
from b12course._adherence import Adherence, adherence
from b12course._course import Course
from b12course._flare import (
    Assessment,
    AssessmentCategory,
    FlareModel,
    FlareReport,
    FlareStatus,
    FlareWindow,
    flare_window_applies,
)
from b12course._labs import Analyte, Band, LabResult, ReferenceRange, default_reference
from b12course._records import (
    AdministeredDose,
    Administrator,
    DecisionBasis,
    DoseSkip,
    PhaseDecision,
)
from b12course._regimen import (
    Anchoring,
    Cadence,
    Count,
    Dose,
    Drug,
    Indefinite,
    Lasting,
    Phase,
    PhaseEnd,
    Regimen,
    Route,
    UntilLabResult,
    UntilNoFurtherImprovement,
)
from b12course._response import PlateauRule, Review, ReviewKind
from b12course._schedule import (
    DoseStatus,
    DueWindow,
    PhaseEnding,
    PhaseSpan,
    Plan,
    PlannedDose,
)
from b12course._sites import Site
from b12course._symptoms import (
    Baseline,
    Symptom,
    SymptomEntry,
    Trend,
    TrendDirection,
    Trigger,
)
from b12course._timeline import EventKind, Timeline, TimelineEvent
from b12course._units import Amount
from b12course._worklist import Worklist, WorklistRow, merge_worklists, worklist
from b12course.exceptions import B12CourseError

if TYPE_CHECKING:
    from b12course import export, ical, json
    from b12course import plot as plot
    from b12course import strategies as strategies
    from b12course.export import summary_html, summary_markdown, to_csv
    from b12course.ical import read_ical, to_ical

__all__ = [
    "Adherence",
    "AdministeredDose",
    "Administrator",
    "Amount",
    "Analyte",
    "Anchoring",
    "Assessment",
    "AssessmentCategory",
    "B12CourseError",
    "Band",
    "Baseline",
    "Cadence",
    "Count",
    "Course",
    "DecisionBasis",
    "Dose",
    "DoseSkip",
    "DoseStatus",
    "Drug",
    "DueWindow",
    "EventKind",
    "FlareModel",
    "FlareReport",
    "FlareStatus",
    "FlareWindow",
    "Indefinite",
    "LabResult",
    "Lasting",
    "Phase",
    "PhaseDecision",
    "PhaseEnd",
    "PhaseEnding",
    "PhaseSpan",
    "Plan",
    "PlannedDose",
    "PlateauRule",
    "ReferenceRange",
    "Regimen",
    "Review",
    "ReviewKind",
    "Route",
    "Site",
    "Symptom",
    "SymptomEntry",
    "Timeline",
    "TimelineEvent",
    "Trend",
    "TrendDirection",
    "Trigger",
    "UntilLabResult",
    "UntilNoFurtherImprovement",
    "Worklist",
    "WorklistRow",
    "__version__",
    "adherence",
    "default_reference",
    "exceptions",
    "export",
    "flare_window_applies",
    "ical",
    "json",
    "merge_worklists",
    "read_ical",
    "regimens",
    "summary_html",
    "summary_markdown",
    "to_csv",
    "to_ical",
    "worklist",
]

# Names whose modules load on first use, so `import b12course` stays cheap
# (icalendar is imported only by b12course.ical, cattrs only by b12course.json,
# matplotlib by b12course.plot, hypothesis by b12course.strategies; export
# and the interop modules are simply not needed by most callers):
# name -> (module, attribute).
_LAZY: dict[str, tuple[str, str | None]] = {
    "caldav": ("b12course.caldav", None),
    "export": ("b12course.export", None),
    "fhir": ("b12course.fhir", None),
    "ical": ("b12course.ical", None),
    "json": ("b12course.json", None),
    "plot": ("b12course.plot", None),
    "read_ical": ("b12course.ical", "read_ical"),
    "strategies": ("b12course.strategies", None),
    "summary_html": ("b12course.export", "summary_html"),
    "summary_markdown": ("b12course.export", "summary_markdown"),
    "to_csv": ("b12course.export", "to_csv"),
    "to_ical": ("b12course.ical", "to_ical"),
}


def __getattr__(name: str) -> object:
    """Import a lazily exported name on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'b12course' has no attribute {name!r}")
    import importlib  # noqa: PLC0415 - only lazy names need it

    module_name, attribute = _LAZY[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:  # pragma: no cover - needs a missing extra
            raise  # the module exists; an optional extra it needs does not
        raise AttributeError(f"module 'b12course' has no attribute {name!r}") from exc
    return module if attribute is None else getattr(module, attribute)
