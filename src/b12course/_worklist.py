"""Worklists: the doses many courses have due in a range, in time order.

A clinic asks "who is due between Monday and Friday, and who is overdue?".
:func:`worklist` answers over any number of courses: for each course it asks
:meth:`b12course.Course.pending_doses` for the pending slots (neither given
nor skipped) up to the end of the range, which never builds the slots already
given, a timeline or anything else; then it merges the rows of all courses in
time order.  The range is half-open, ``[start, end)``.  Going through the
course's public methods, it honours ``end_on_plateau`` as ``Course.plan``
does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import attrs

from b12course._course import Course, require_course
from b12course._response import PlateauRule
from b12course._schedule import DoseStatus, PlannedDose
from b12course._time import UTC, require_aware, require_grace, utc
from b12course.exceptions import RangeError

__all__ = ["Worklist", "WorklistRow", "worklist"]


@attrs.frozen
class WorklistRow:
    """One pending dose of one course on a worklist.

    Attributes:
        course_id: The id of the course (``Course.id``).
        dose: The planned dose, with its status at the worklist's ``now``.
    """

    course_id: str
    dose: PlannedDose

    @property
    def due(self) -> dt.datetime:
        """When the dose is due (aware, in the course zone)."""
        return self.dose.due

    @property
    def status(self) -> DoseStatus:
        """The dose's status (scheduled, due or overdue)."""
        return self.dose.status


@attrs.frozen(kw_only=True)
class Worklist:
    """The pending doses of many courses due in ``[start, end)`` or overdue at ``now``.

    Rows are in due order; rows due at the same instant keep the order of the
    courses given, so the order is deterministic.  Build one with
    :func:`worklist`.

    Attributes:
        start: The start of the range (inclusive).
        end: The end of the range (exclusive).
        now: The present, for statuses; ``None`` lists only the range.
        rows: The rows, in due order.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens
    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> a = Course.begin(
    ...     regimens.get("nice-non-neuro"),
    ...     first_dose=dt.datetime(2026, 12, 7, 9, tzinfo=london),
    ...     id="ann",
    ... )
    >>> b = Course.begin(
    ...     regimens.get("nice-neuro"),
    ...     first_dose=dt.datetime(2026, 12, 8, 14, tzinfo=london),
    ...     id="bob",
    ... )
    >>> monday = dt.datetime(2026, 12, 7, tzinfo=london)
    >>> week = worklist([a, b], monday, monday + dt.timedelta(days=3))
    >>> [(row.course_id, row.due.strftime("%a %H:%M")) for row in week]
    [('ann', 'Mon 09:00'), ('bob', 'Tue 14:00'), ('ann', 'Wed 09:00')]
    """

    start: dt.datetime
    end: dt.datetime
    now: dt.datetime | None
    rows: tuple[WorklistRow, ...]

    def __iter__(self) -> Iterator[WorklistRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def due(self) -> tuple[WorklistRow, ...]:
        """The rows due in ``[start, end)``."""
        start = utc(self.start)
        return tuple(row for row in self.rows if utc(row.dose.due) >= start)

    @property
    def overdue(self) -> tuple[WorklistRow, ...]:
        """The rows overdue at ``now`` (none when no ``now`` was given)."""
        return tuple(row for row in self.rows if row.status is DoseStatus.OVERDUE)

    def course_ids(self) -> tuple[str, ...]:
        """The ids of the courses on the list, once each, in order of first row."""
        return tuple(dict.fromkeys(row.course_id for row in self.rows))


def _rows(
    course: Course,
    *,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None,
    grace: dt.timedelta | None,
    end_on_plateau: PlateauRule | bool,
) -> list[tuple[dt.datetime, WorklistRow]]:
    """Return one course's rows with their UTC due instants, in due order."""
    doses = course.pending_doses(
        until=end, now=now, grace=grace, end_on_plateau=end_on_plateau
    )
    return [
        (due, WorklistRow(course.id, dose))
        for dose in doses
        if (due := utc(dose.due)) >= start or dose.status is DoseStatus.OVERDUE
    ]


def worklist(
    courses: Iterable[Course],
    start: dt.datetime,
    end: dt.datetime,
    *,
    now: dt.datetime | None = None,
    grace: dt.timedelta | None = None,
    end_on_plateau: PlateauRule | bool = False,
) -> Worklist:
    """Return the pending doses of ``courses`` due in ``[start, end)`` or overdue.

    A pending dose is one neither given nor skipped.  With ``now``, doses whose
    due window closed before ``now`` are listed too (status ``OVERDUE``),
    however long ago they were due; rows due in the range carry their status
    at ``now`` (scheduled, due or overdue).  Each course's plan is expanded
    only up to ``end``, as ``Course.plan(until=end, now=now)`` does.

    Args:
        courses: The courses, in any number; their order breaks ties.
        start: The start of the range (aware, inclusive).
        end: The end of the range (aware, exclusive).
        now: The present, for statuses and overdue doses.
        grace: How long a dose stays due before it is overdue; by default
            until the end of its local due day.
        end_on_plateau: As for :meth:`b12course.Course.plan`.

    Raises:
        NaiveDatetimeError: ``start``, ``end`` or ``now`` is naive.
        RangeError: ``end`` is before ``start``.
        SettingError: ``grace`` or ``end_on_plateau`` is not well formed.
        NotACourseError: An item of ``courses`` is not a Course.
    """
    start = require_aware("start", start)
    end = require_aware("end", end)
    if utc(end) < utc(start):
        raise RangeError(start, end)
    if now is not None:
        now = require_aware("now", now)
    grace = require_grace(grace)
    a = start.astimezone(UTC)
    found: list[tuple[dt.datetime, WorklistRow]] = []
    for item in courses:
        course = require_course(item, "item of a worklist")
        found += _rows(
            course,
            start=a,
            end=end,
            now=now,
            grace=grace,
            end_on_plateau=end_on_plateau,
        )
    # One stable sort of all rows merges the courses' due-ordered runs (Timsort
    # finds the runs, so this is the k-way merge heapq.merge would do, in C)
    # and keeps the courses' order for rows due at the same instant.
    found.sort(key=lambda item: item[0])
    return Worklist(start=start, end=end, now=now, rows=tuple(row for _, row in found))
