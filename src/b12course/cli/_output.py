"""What the command line prints: tables for people, one JSON object for scripts.

Every table and every JSON document is a rendering of timeline events
(:meth:`b12course.Course.timeline`): nothing here works out when a dose is
due, whether it is overdue or where the flare window lies; it reads the
events.  Doses are named by :attr:`~b12course.PlannedDose.name` ("loading dose
3 of 6") with the plan's global number beside it, phases by their name, and
event kinds by their :class:`~b12course.EventKind` value.

JSON values: instants are ISO 8601 strings with the UTC offset, shown in the
course's zone; kinds and statuses are the library's enum values; a missing
value is ``null``.  The shapes are those of :func:`dose_json`,
:func:`event_json` and :func:`course_json` (documented in ``b12course --help``
and the :mod:`b12course.cli` docstring).
"""

from __future__ import annotations

import datetime as dt
import sys
import zoneinfo
from collections.abc import Sequence
from typing import Any

from b12course import (
    AdministeredDose,
    Assessment,
    Course,
    DoseSkip,
    EventKind,
    FlareWindow,
    Horizon,
    LabResult,
    PhaseSpan,
    PlanContinues,
    PlannedDose,
    Regimen,
    Review,
    SymptomEntry,
    TimelineEvent,
)

__all__ = [
    "assessment_json",
    "assessment_text",
    "assessment_words",
    "cell",
    "confirm",
    "continues_json",
    "course_json",
    "describe",
    "dose_json",
    "dumps",
    "event_json",
    "horizon_json",
    "local",
    "preset_json",
    "review_text",
    "table",
]


def confirm(message: str) -> None:
    """Say what a command did, on stderr: stdout carries only data."""
    print(message, file=sys.stderr)


def local(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """Show an instant as a person reads it in ``zone``: "Tue 2026-12-01 09:00 GMT"."""
    return value.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %Z")


def instant_json(value: dt.datetime | None, zone: zoneinfo.ZoneInfo) -> str | None:
    """Show an instant for a script: ISO 8601 with its offset, in ``zone``."""
    return None if value is None else value.astimezone(zone).isoformat()


def cell(text: str) -> str:
    r"""Return ``text`` as one line: line breaks and controls become visible.

    >>> cell("worse\nat night")
    'worse\\nat night'
    """
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def table(rows: Sequence[Sequence[str]]) -> str:
    """Lay out ``rows`` (the first is the header) in columns two spaces apart.

    User text in a cell is kept on its row (see :func:`cell`).
    """
    rows = [[cell(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    )


def dumps(document: dict[str, Any]) -> str:
    """Return ``document`` as the one JSON object a reading command prints."""
    import json  # noqa: PLC0415 - only --json needs it; keep start-up fast

    return json.dumps(document, indent=2, ensure_ascii=False)


# -- one line per kind of event -----------------------------------------------


def _planned(dose: PlannedDose, _event: TimelineEvent, _zone: zoneinfo.ZoneInfo) -> str:
    extra = " (provisional)" if dose.provisional else ""
    return f"{dose.name}: {dose.dose}, {dose.status.value}{extra}"


def _given(
    record: AdministeredDose, _event: TimelineEvent, _z: zoneinfo.ZoneInfo
) -> str:
    details = [f"{k} {v}" for k in ("site", "lot") if (v := getattr(record, k))]
    if record.by is not None:
        details.append(f"by {record.by}")
    if record.note:
        details.append(f"note: {record.note}")
    return f"given: {record.dose}" + (f" ({'; '.join(details)})" if details else "")


def _skipped(skip: DoseSkip, _event: TimelineEvent, _zone: zoneinfo.ZoneInfo) -> str:
    return "skipped" + (f": {skip.reason}" if skip.reason else "")


def _symptom(entry: SymptomEntry, _event: TimelineEvent, _z: zoneinfo.ZoneInfo) -> str:
    note = f" ({entry.note})" if entry.note else ""
    return f"{entry.label} {entry.severity}/10{note}"


def _lab(result: LabResult, _event: TimelineEvent, _zone: zoneinfo.ZoneInfo) -> str:
    return f"{result.analyte.value} {result.value:g} {result.unit}"


def _phase(span: PhaseSpan, _event: TimelineEvent, _zone: zoneinfo.ZoneInfo) -> str:
    phase = span.phase
    return f"{phase.name} phase begins: {phase.dose} {phase.cadence}"


def review_text(review: Review) -> str:
    """Name a review and say what happens at it, in one line.

    "treatment review: 1 month after treatment began (NICE NG239)".
    """
    return review.headline


def _review(review: Review, _event: TimelineEvent, _zone: zoneinfo.ZoneInfo) -> str:
    return review_text(review)


def _flare(_window: FlareWindow, event: TimelineEvent, zone: zoneinfo.ZoneInfo) -> str:
    return (
        "flare window (where a transient worsening of movements has been "
        f"reported), until {local(event.end, zone)}"
    )


def _continues(
    continues: PlanContinues, _event: TimelineEvent, _zone: zoneinfo.ZoneInfo
) -> str:
    return f"{continues.phase_name}: {continues.text}"


_DESCRIBE = {
    EventKind.PLAN_CONTINUES: _continues,
    EventKind.PLANNED_DOSE: _planned,
    EventKind.DOSE_GIVEN: _given,
    EventKind.DOSE_SKIPPED: _skipped,
    EventKind.SYMPTOM: _symptom,
    EventKind.LAB_RESULT: _lab,
    EventKind.PHASE_CHANGE: _phase,
    EventKind.REVIEW: _review,
    EventKind.FLARE_WINDOW: _flare,
}


def describe(event: TimelineEvent, zone: zoneinfo.ZoneInfo) -> str:
    """Say what ``event`` is, in one line."""
    render: Any = _DESCRIBE.get(event.kind)
    if render is None:  # pragma: no cover - a kind added to the library later
        return str(event.payload)
    text: str = render(event.payload, event, zone)
    return text


# -- JSON shapes -----------------------------------------------------------------


def dose_json(dose: PlannedDose, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
    """A planned dose for a script.

    ``{"number", "name", "phase", "number_in_phase", "phase_size", "due",
    "given_at", "dose", "status", "provisional"}``: ``phase`` is the phase's
    name, ``given_at`` null unless given, ``phase_size`` null for a phase with
    no fixed count.
    """
    return {
        "number": dose.number,
        "name": dose.name,
        "phase": dose.phase_name,
        "number_in_phase": dose.number_in_phase,
        "phase_size": dose.phase_size,
        "due": instant_json(dose.due, zone),
        "given_at": instant_json(dose.given.at if dose.given else None, zone),
        "dose": str(dose.dose),
        "status": dose.status.value,
        "provisional": dose.provisional,
    }


def _symptom_json(entry: SymptomEntry) -> dict[str, Any]:
    return {"symptom": entry.label, "severity": entry.severity, "note": entry.note}


def _payload_json(  # noqa: PLR0911 - one return per kind of event
    event: TimelineEvent, zone: zoneinfo.ZoneInfo
) -> dict[str, Any]:
    payload = event.payload
    if event.kind is EventKind.PLANNED_DOSE:
        return dose_json(payload, zone)
    if event.kind is EventKind.DOSE_GIVEN:
        return {
            "dose": str(payload.dose),
            "site": payload.site,
            "lot": payload.lot,
            "by": None if payload.by is None else payload.by.value,
            "note": payload.note,
        }
    if event.kind is EventKind.DOSE_SKIPPED:
        return {"reason": payload.reason}
    if event.kind is EventKind.SYMPTOM:
        return _symptom_json(payload)
    if event.kind is EventKind.LAB_RESULT:
        return {
            "analyte": payload.analyte.value,
            "value": payload.value,
            "unit": payload.unit,
        }
    if event.kind is EventKind.PHASE_CHANGE:
        return {"phase": payload.phase.name}
    if event.kind is EventKind.REVIEW:
        return {"review": payload.kind.value}
    if event.kind is EventKind.PLAN_CONTINUES:
        return {"phase": payload.phase_name}
    return {}


def event_json(event: TimelineEvent, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
    """A timeline event for a script.

    ``{"kind", "start", "end", "text", ...}``: ``kind`` is the
    :class:`~b12course.EventKind` value, ``text`` the table's line, and the
    rest depends on the kind: a planned dose has the fields of
    :func:`dose_json`; ``dose_given`` has ``dose, site, lot, by, note``;
    ``dose_skipped`` has ``reason``; ``symptom`` has ``symptom, severity,
    note``; ``lab_result`` has ``analyte, value, unit``; ``phase_change`` has
    ``phase``; ``review`` has ``review``; ``flare_window`` has nothing more.
    """
    return {
        "kind": event.kind.value,
        "start": instant_json(event.start, zone),
        "end": instant_json(event.end, zone),
        "text": describe(event, zone),
        **_payload_json(event, zone),
    }


def course_json(course: Course) -> dict[str, Any]:
    """What a course is, for a script.

    ``{"id", "preset", "regimen", "zone", "first_dose"}``.
    """
    zone = course.zone
    return {
        "id": course.id,
        "preset": course.regimen.id,
        "regimen": course.regimen.name,
        "zone": zone.key,
        "first_dose": instant_json(course.first_dose, zone),
    }


def preset_json(regimen: Regimen) -> dict[str, Any]:
    """A preset for a script.

    ``{"id", "name", "source", "notes", "phases": [{"name", "text"}]}``: the
    notes for a clinician only, never the maintainers' notes.
    """
    return {
        "id": regimen.id,
        "name": regimen.name,
        "source": regimen.source,
        "notes": regimen.notes,
        "phases": [{"name": p.name, "text": str(p)} for p in regimen.phases],
    }


def horizon_json(
    horizon: Horizon | None, zone: zoneinfo.ZoneInfo
) -> dict[str, Any] | None:
    """The horizon of a view, for a script: ``{"firm", "provisional", "reason"}``."""
    if horizon is None:  # pragma: no cover - a course's view always has one
        return None
    return {
        "firm": instant_json(horizon.firm, zone),
        "provisional": instant_json(horizon.provisional, zone),
        "reason": horizon.reason,
    }


def continues_json(continues: PlanContinues, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
    """Where the plan continues past the horizon: ``{"at", "phase", "text"}``."""
    return {
        "at": instant_json(continues.at, zone),
        "phase": continues.phase_name,
        "text": continues.text,
    }


def assessment_text(assessment: Assessment, zone: zoneinfo.ZoneInfo) -> str:
    """One flagged (or assessed) entry in a line: when, what, and its category."""
    entry = assessment.entry
    return f"{local(entry.at, zone)}  {entry.label} {entry.severity}/10: " + (
        assessment_words(assessment)
    )


def assessment_words(assessment: Assessment) -> str:
    """The category in words, then any further reason for a clinician's attention."""
    reasons = "; ".join(str(r) for r in assessment.extra_attention)
    return f"{assessment.category}" + (f"; {reasons}" if reasons else "")


def assessment_json(assessment: Assessment, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
    """An assessed entry for a script.

    ``{"at", "symptom", "severity", "category", "attention", "reasons",
    "text"}``: ``category`` is the :class:`~b12course.AssessmentCategory`
    value, ``attention`` whether it is for a clinician's attention and
    ``reasons`` why (the :class:`~b12course.Attention` values).
    """
    entry = assessment.entry
    return {
        "at": instant_json(entry.at, zone),
        "symptom": entry.label,
        "severity": entry.severity,
        "category": assessment.category.name.lower(),
        "attention": assessment.review_advised,
        "reasons": sorted(r.name.lower() for r in assessment.attention),
        "text": assessment_words(assessment),
    }
