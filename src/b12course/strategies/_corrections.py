"""Courses with corrections: records voided or amended through the public API."""

from __future__ import annotations

import datetime as dt

import hypothesis.strategies as st

from b12course._corrections import Record, instant_of
from b12course._course import Course
from b12course._labs import LabResult
from b12course._records import AdministeredDose
from b12course._symptoms import SymptomEntry
from b12course._time import utc
from b12course.exceptions import B12CourseError
from b12course.strategies._checks import (
    SITES,
    check_bool,
    check_int,
    check_strategy,
    free_text,
)
from b12course.strategies._courses import courses as any_courses

__all__ = ["corrected_courses"]

_WHO = ("AB", "nurse Jones", "self", "Dr Ng")


def _in_force(course: Course) -> list[Record]:
    return [
        *course.given,
        *course.skips,
        *course.decisions,
        *course.symptoms,
        *course.labs,
    ]


def _amended(draw: st.DrawFn, record: Record) -> Record | None:
    """A corrected copy of ``record`` that keeps its instant, or None."""
    if isinstance(record, AdministeredDose):
        return draw(
            st.sampled_from(SITES).map(
                lambda site: AdministeredDose(
                    at=record.at,
                    dose=record.dose,
                    site=site,
                    lot=record.lot,
                    note=record.note,
                    by=record.by,
                )
            )
        )
    if isinstance(record, SymptomEntry):
        severity = draw(st.integers(0, 10))
        return SymptomEntry(
            at=record.at,
            symptom=record.symptom,
            severity=severity,
            name=record.name,
            note=record.note,
        )
    if isinstance(record, LabResult):
        value = draw(st.floats(1, 2000, allow_nan=False).map(round))
        return LabResult(
            at=record.at, analyte=record.analyte, value=value, unit=record.unit
        )
    return None


def corrected_courses(
    *,
    courses: st.SearchStrategy[Course] | None = None,
    max_corrections: int = 3,
    amend: bool = True,
) -> st.SearchStrategy[Course]:
    """Return a strategy for courses some of whose records were voided or amended.

    A course is drawn from ``courses``, then up to ``max_corrections`` of its
    records in force are voided (:meth:`~b12course.Course.void`) or, with
    ``amend=True``, amended (:meth:`~b12course.Course.amend`: a dose's site, a
    symptom's severity, a lab result's value), each with a reason, a time
    after the record and now and then who made it.

    Args:
        courses: The courses to correct; :func:`courses` by default.
        max_corrections: The most corrections per course.
        amend: Whether corrections may be amendments as well as voids.

    Examples shrink towards the course ``courses`` shrinks to, uncorrected.

    Raises:
        InvalidArgument: ``courses`` is not a strategy, ``amend`` not a bool,
            or ``max_corrections`` is negative.
    """
    if courses is None:
        courses = any_courses()
    check_strategy("courses", courses)
    check_int("max_corrections", max_corrections)
    check_bool("amend", amend)
    reasons = free_text().filter(str.strip)

    @st.composite
    def draw_course(draw: st.DrawFn) -> Course:
        course = draw(courses)
        for _ in range(draw(st.integers(0, max_corrections))):
            records = _in_force(course)
            if not records:
                break
            record = draw(st.sampled_from(records))
            at = max(utc(instant_of(record)), utc(course.first_dose))
            at = (at + dt.timedelta(hours=draw(st.integers(1, 24 * 30)))).astimezone(
                course.zone
            )
            reason = draw(reasons)
            by = draw(st.one_of(st.none(), st.sampled_from(_WHO)))
            replacement = (
                _amended(draw, record) if amend and draw(st.booleans()) else None
            )
            if replacement is None or replacement == record:
                course = course.void(record, reason, at=at, by=by)
                continue
            try:
                course = course.amend(
                    record,
                    replacement,
                    reason=reason,
                    at=at,
                    by=by,
                    allow_close=True,
                    allow_renumber=True,
                )
            except B12CourseError:  # pragma: no cover - same instant, same slot
                course = course.void(record, reason, at=at, by=by)
        return course

    return draw_course()
