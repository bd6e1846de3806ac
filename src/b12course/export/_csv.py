"""The course's log as CSV: one row per recorded event of its timeline.

The rows are the timeline's (:meth:`b12course.Course.timeline`) events of the
kinds :data:`CSV_KINDS`, in the timeline's order, each rendered by one small
function; nothing is worked out again here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping

from b12course import LabResult, PhaseSpan, PlannedDose, SymptomEntry
from b12course._course import Course
from b12course._reading import (
    check_course,
    given_by,
    record_horizon,
    slots_by_record,
)
from b12course._records import AdministeredDose, DoseSkip
from b12course._timeline import EventKind, Timeline, TimelineEvent
from b12course.export._common import number_text

__all__ = ["CSV_COLUMNS", "CSV_KINDS", "to_csv"]

#: The CSV header, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "time",
    "kind",
    "item",
    "value",
    "unit",
    "route",
    "site",
    "lot",
    "by",
    "detail",
    "note",
)

#: The event kinds that get a CSV row (the record, and the phases it ran in).
CSV_KINDS: tuple[EventKind, ...] = (
    EventKind.PHASE_CHANGE,
    EventKind.DOSE_GIVEN,
    EventKind.DOSE_SKIPPED,
    EventKind.SYMPTOM,
    EventKind.LAB_RESULT,
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The cells after time and kind: item, value, unit, route, site, lot, by, detail, note.
_Cells = tuple[str, str, str, str, str, str, str, str, str]
_Slots = Mapping[AdministeredDose | DoseSkip, PlannedDose]


def _safe_cell(text: str) -> str:
    """Return ``text`` with a leading quote if a spreadsheet would run it."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _symptom_detail(entry: SymptomEntry) -> str:
    parts = []
    if entry.body_sites:
        parts.append("body sites: " + ", ".join(entry.body_sites))
    if entry.triggers:
        parts.append("triggers: " + ", ".join(t.value for t in entry.triggers))
    if entry.during_sleep is not None:
        parts.append("during sleep: " + _yes_no(entry.during_sleep))
    if entry.multifocal is not None:
        parts.append("multifocal: " + _yes_no(entry.multifocal))
    return "; ".join(parts)


def _phase_cells(span: PhaseSpan, _slots: _Slots) -> _Cells:
    decision = span.decision
    if decision is None:
        return (span.phase.name, "", "", "", "", "", "", "", "")
    detail = (
        f"ended by decision at {decision.at.isoformat()} "
        f"(basis: {decision.basis.value})"
    )
    return (span.phase.name, "", "", "", "", "", "", detail, decision.reason)


def _given_cells(record: AdministeredDose, slots: _Slots) -> _Cells:
    value, unit = str(record.dose.amount).split(" ")
    slot = slots.get(record)
    return (
        slot.name if slot is not None else "dose given",
        value,
        unit,
        record.dose.route.abbreviation,
        record.site or "",
        record.lot or "",
        given_by(record),
        record.dose.drug.value,
        record.note or "",
    )


def _skip_cells(skip: DoseSkip, slots: _Slots) -> _Cells:
    slot = slots.get(skip)
    item = slot.name if slot is not None else "planned dose"
    return (item, "", "", "", "", "", "", "", skip.reason)


def _symptom_cells(entry: SymptomEntry, _slots: _Slots) -> _Cells:
    return (
        entry.label,
        str(entry.severity),
        "0-10",
        "",
        "",
        "",
        "",
        _symptom_detail(entry),
        entry.note or "",
    )


def _lab_cells(result: LabResult, _slots: _Slots) -> _Cells:
    value = number_text(result.value)
    return (result.analyte.value, value, result.unit, "", "", "", "", "", "")


_CELLS: dict[EventKind, Callable[[object, _Slots], _Cells]] = {
    EventKind.PHASE_CHANGE: _phase_cells,  # type: ignore[dict-item]
    EventKind.DOSE_GIVEN: _given_cells,  # type: ignore[dict-item]
    EventKind.DOSE_SKIPPED: _skip_cells,  # type: ignore[dict-item]
    EventKind.SYMPTOM: _symptom_cells,  # type: ignore[dict-item]
    EventKind.LAB_RESULT: _lab_cells,  # type: ignore[dict-item]
}


def csv_rows(timeline: Timeline) -> list[tuple[TimelineEvent, _Cells]]:
    """Return each event the CSV shows with its cells, in the timeline's order."""
    slots = slots_by_record(timeline)
    return [
        (event, _CELLS[event.kind](event.payload, slots))
        for event in timeline.of_kind(*CSV_KINDS)
    ]


def to_csv(course: Course | Timeline) -> str:
    """Return the course's log as CSV text: one row per event, oldest first.

    Rows are the timeline's phase changes, doses given (named by the planned
    dose they fulfilled, "loading dose 2 of 6"), doses skipped, symptom
    entries and lab results; the ``kind`` column holds the
    :class:`~b12course.EventKind` value.  The columns and the protection
    against spreadsheet formula injection are described in the package
    docstring; the header is :data:`b12course.export.CSV_COLUMNS`.

    Args:
        course: The course (its view to just after its latest record), or a
            view of it (a :class:`~b12course.Timeline` from
            ``Course.timeline``): the rows are that view's events, so the CSV
            of a view shows what every other rendering of it shows.

    Returns:
        The CSV text (RFC 4180: quoted where needed, CRLF line ends).  Write it
        with ``encoding="utf-8-sig"`` if Excel is to read non-ASCII text.

    Raises:
        NotACourseError: ``course`` is not a Course.
    """
    if isinstance(course, Timeline):
        timeline = course
    else:
        course = check_course(course)
        timeline = course.timeline(until=record_horizon(course))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for event, cells in csv_rows(timeline):
        writer.writerow(
            [event.start.isoformat(), event.kind.value, *map(_safe_cell, cells)]
        )
    return out.getvalue()
