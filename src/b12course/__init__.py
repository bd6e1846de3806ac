"""b12course: vitamin B12 deficiency treatment courses.

Plan loading and maintenance injections from guideline presets, record what was
given, log symptoms and labs, see whether a worsening falls in the window in
which a transient flare has been reported, query the timeline and export an
iCalendar file.

The library describes and computes; it never diagnoses or advises treatment.
"""

from typing import TYPE_CHECKING

from b12course import exceptions
from b12course.__about__ import __version__
from b12course.exceptions import B12CourseError

# Every other public name loads on first use (PEP 562, as in Scientific
# Python's SPEC 1): `import b12course` costs the exceptions and the version
# only, and `b12course.Course` imports the model when it is first read.  Type
# checkers and readers see the names here; _LAZY below says where each one
# lives at run time, and tests/test_public_surface.py keeps the two equal.
if TYPE_CHECKING:
    from b12course import export, ical, json, regimens
    from b12course import plot as plot
    from b12course import strategies as strategies
    from b12course._adherence import Adherence, adherence
    from b12course._corrections import Correction, RecordKind
    from b12course._course import Course
    from b12course._flare import (
        Assessment,
        AssessmentCategory,
        Attention,
        FlareModel,
        FlareReport,
        FlareStatus,
        FlareWindow,
        flare_window_applies,
    )
    from b12course._horizon import Horizon, PlanContinues, horizon_for
    from b12course._labs import (
        Analyte,
        Band,
        LabResult,
        ReferenceRange,
        default_reference,
    )
    from b12course._records import (
        AdministeredDose,
        Administrator,
        DecisionBasis,
        DoseSkip,
        PhaseConfirmation,
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
    "Attention",
    "B12CourseError",
    "Band",
    "Baseline",
    "Cadence",
    "Correction",
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
    "Horizon",
    "Indefinite",
    "LabResult",
    "Lasting",
    "Phase",
    "PhaseConfirmation",
    "PhaseDecision",
    "PhaseEnd",
    "PhaseEnding",
    "PhaseSpan",
    "Plan",
    "PlanContinues",
    "PlannedDose",
    "PlateauRule",
    "RecordKind",
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
    "horizon_for",
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

# Where each lazily exported name lives: module -> names (a submodule is
# exported as itself, under its own name).
_HOMES: dict[str, tuple[str, ...]] = {
    "b12course._adherence": ("Adherence", "adherence"),
    "b12course._corrections": ("Correction", "RecordKind"),
    "b12course._horizon": ("Horizon", "PlanContinues", "horizon_for"),
    "b12course._course": ("Course",),
    "b12course._flare": (
        "Assessment",
        "AssessmentCategory",
        "Attention",
        "FlareModel",
        "FlareReport",
        "FlareStatus",
        "FlareWindow",
        "flare_window_applies",
    ),
    "b12course._labs": (
        "Analyte",
        "Band",
        "LabResult",
        "ReferenceRange",
        "default_reference",
    ),
    "b12course._records": (
        "AdministeredDose",
        "Administrator",
        "DecisionBasis",
        "DoseSkip",
        "PhaseConfirmation",
        "PhaseDecision",
    ),
    "b12course._regimen": (
        "Anchoring",
        "Cadence",
        "Count",
        "Dose",
        "Drug",
        "Indefinite",
        "Lasting",
        "Phase",
        "PhaseEnd",
        "Regimen",
        "Route",
        "UntilLabResult",
        "UntilNoFurtherImprovement",
    ),
    "b12course._response": ("PlateauRule", "Review", "ReviewKind"),
    "b12course._schedule": (
        "DoseStatus",
        "DueWindow",
        "PhaseEnding",
        "PhaseSpan",
        "Plan",
        "PlannedDose",
    ),
    "b12course._sites": ("Site",),
    "b12course._symptoms": (
        "Baseline",
        "Symptom",
        "SymptomEntry",
        "Trend",
        "TrendDirection",
        "Trigger",
    ),
    "b12course._timeline": ("EventKind", "Timeline", "TimelineEvent"),
    "b12course._units": ("Amount",),
    "b12course._worklist": ("Worklist", "WorklistRow", "merge_worklists", "worklist"),
    # icalendar is imported only by b12course.ical, the course-file reader
    # with b12course.json, matplotlib by b12course.plot, hypothesis by
    # b12course.strategies, fhir.resources and caldav by their modules.
    "b12course.export": ("summary_html", "summary_markdown", "to_csv"),
    "b12course.ical": ("read_ical", "to_ical"),
}
_SUBMODULES = (
    "caldav",
    "export",
    "fhir",
    "ical",
    "json",
    "plot",
    "regimens",
    "strategies",
)

# name -> (module, attribute); attribute None: the name is that submodule.
_LAZY: dict[str, tuple[str, str | None]] = {
    **{name: (f"b12course.{name}", None) for name in _SUBMODULES},
    **{name: (home, name) for home, names in _HOMES.items() for name in names},
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
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value  # later reads are plain attribute reads
    return value


def __dir__() -> list[str]:
    """The module's names, the lazily exported ones included."""
    return sorted({*globals(), *_LAZY})
