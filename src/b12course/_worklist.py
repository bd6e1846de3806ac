"""Worklists: the doses many courses have due in a range, in time order.

A clinic asks "who is due between Monday and Friday, and who is overdue?".
:func:`worklist` answers over any number of courses: for each course it reads
the pending slots (neither given nor skipped) that
:meth:`b12course.Course.pending_doses` would give, kept once per course object
(:func:`pending_slots`, in a cache this module owns: a course is immutable,
so its pending slots never change), cuts them at the range by bisection, and
merges the rows of all courses in time order.  A course with nothing due in the range
costs about a microsecond once its slots are kept; a changed course is a new
object and starts afresh.  The range is half-open, ``[start, end)``.  Going
through the course's public rules, it honours ``end_on_plateau`` as
``Course.plan`` does.

Beyond one process, :func:`merge_worklists` merges the worklists of
consecutive partitions of the courses into the rows of one worklist over all
of them (see the "Worklists at scale" guide).
"""

from __future__ import annotations

import datetime as dt
import weakref
import zoneinfo
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from typing import cast, overload

import attrs

from b12course._course import Course, require_course
from b12course._response import PlateauRule
from b12course._schedule import (
    DoseStatus,
    PlannedDose,
    pending,
    window_closes,
    with_status,
)
from b12course._time import UTC, require_aware, require_grace, utc
from b12course.exceptions import RangeError, SettingError

__all__ = [
    "PendingSlots",
    "Worklist",
    "WorklistRow",
    "merge_worklists",
    "pending_slots",
    "worklist",
]


# What a PendingSlots derives when read: each slot's window close (without
# grace), and each slot with each status it has been seen in.
_Seen = tuple[dict[int, dt.datetime], dict[tuple[int, DoseStatus], PlannedDose]]


class PendingSlots:
    """What one course state holds pending before a horizon, kept for worklists.

    A Course is immutable and its plan a pure function of it, and the walk
    that finds the pending slots (neither given nor skipped) reads ``now`` and
    ``grace`` only for statuses: so the pending slots due before a horizon
    are fixed for the life of the course object.  :func:`pending_slots` keeps
    one of these per course object; worklists read each week's rows from it
    by bisection.

    Attributes:
        horizon: Every pending slot due before this instant (UTC) is here.
        dues: Their due instants, in UTC, in order.
        doses: The slots, as :meth:`Course.pending_doses` gives them without
            ``now`` (status ``SCHEDULED``), each due in the course's zone.
    """

    __slots__ = ("_seen", "doses", "dues", "horizon")

    def __init__(self, horizon: dt.datetime, doses: tuple[PlannedDose, ...]) -> None:
        self.horizon = horizon
        self.doses = doses
        self.dues = tuple([d.due.astimezone(UTC) for d in doses]) if doses else ()
        # Derived on demand and kept (made when first needed: most courses
        # never need it): when each slot's due window closes without grace,
        # and the slot with each status it has been seen in.
        self._seen: _Seen | None = None

    def dose_at(
        self, index: int, now: dt.datetime, grace: dt.timedelta | None
    ) -> PlannedDose:
        """Return slot ``index`` with its status at ``now`` (UTC), as the plan has it.

        The status is the one :class:`DueWindow` gives: due until the window
        closes, overdue after; the window's close (without grace) and the
        slot with its status are kept for the next call.
        """
        dose = self.doses[index]
        due = self.dues[index]
        if now < due:
            return dose
        seen = self._seen
        if seen is None:
            seen = self._seen = ({}, {})
        if grace is None:
            closes = seen[0].get(index)
            if closes is None:
                # A slot is due in the course's zone (PlannedDose.due).
                zone = cast("zoneinfo.ZoneInfo", dose.due.tzinfo)
                closes = seen[0][index] = window_closes(dose.due, zone)
        else:
            closes = due + grace
        status = DoseStatus.DUE if now < closes else DoseStatus.OVERDUE
        found = seen[1].get((index, status))
        if found is None:
            found = seen[1][index, status] = with_status(dose, status)
        return found


_NOTHING_KEPT = PendingSlots(dt.datetime.min.replace(tzinfo=dt.timezone.utc), ())
# How far past the asked horizon the memo expands when a course is asked
# again past its horizon (it is kept in memory, so the week after will likely
# be asked too): the next week's worklist finds it ready, at little more cost
# than expanding to the horizon.  A course seen for the first time expands
# only as asked: one read from a file for one worklist never needs more.
_AHEAD = dt.timedelta(days=7)


class _Entry(weakref.ref[Course]):
    """A weak reference to a course, with its id and the slots kept for it.

    One object per course (not a reference, a callback closure and a tuple):
    a first worklist over many courses allocates as little as it can.
    """

    __slots__ = ("kept", "key")
    key: int
    kept: PendingSlots


# The kept slots, by the identity of the course object they were derived
# from: a course is immutable, so its pending slots never change.  The cache
# belongs to the worklist (not to the frozen Course): each entry is a weak
# reference whose callback drops the entry when its course is collected, so
# the cache never outlives the courses and never keeps one alive, and a
# changed course (a new object) starts afresh.  Lookups cost a dict read by
# id(), never a hash of the whole record.
_KEPT: dict[int, _Entry] = {}


def _forget(entry: weakref.ref[Course]) -> None:
    """Drop a collected course's entry (unless its id has a newer one)."""
    key = cast("_Entry", entry).key
    if _KEPT.get(key) is entry:
        del _KEPT[key]


def pending_slots(course: Course, until: dt.datetime) -> PendingSlots:
    """Return ``course``'s pending slots due before at least ``until`` (aware).

    The slots are those of ``course.pending_doses(until=horizon)`` for some
    ``horizon`` at or after ``until``, in due order; cut them at ``until`` by
    bisecting their UTC due instants.  A plan is in time order and
    ``plan(until=a)`` is a prefix of ``plan(until=b)``, so the cut equals
    ``pending_doses(until=until)``.  The first call per course object finds
    the pending slots to ``until`` and keeps them in this module's cache; a
    later call whose ``until`` is covered costs a dict read, and one past it
    finds them again, a week past its ``until``.
    """
    key = id(course)
    entry = _KEPT.get(key)
    kept = entry.kept if entry is not None and entry() is course else _NOTHING_KEPT
    if until > kept.horizon:
        horizon = until
        if kept is not _NOTHING_KEPT:
            try:
                horizon = until + _AHEAD
            except OverflowError:  # the end of the calendar: expand only as asked
                horizon = until
        # Without now and grace every pending slot is SCHEDULED: the slots
        # do not depend on them (dose_at gives each status when read).  The
        # arguments are known good here, so this calls the schedule as
        # Course.pending_doses does (through Course._derive), without the
        # checks and the plan around the slots; test_worklist holds the two
        # equal.
        doses = pending(
            course.regimen,
            course.first_dose,
            course.zone,
            until=horizon,
            given=course.given,
            skips=course.skips,
            decisions=course.decisions,
            given_sorted=True,  # a Course keeps its doses in time order
            confirmed=course.confirmed_phases,
        )
        kept = PendingSlots(horizon if horizon.tzinfo is UTC else utc(horizon), doses)
        entry = _Entry(course, _forget)
        entry.key, entry.kept = key, kept
        # Replaced whole: a thread reading the cache never sees half an update.
        _KEPT[key] = entry
    return kept


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
class Worklist(Sequence[WorklistRow]):
    """The pending doses of many courses due in ``[start, end)`` or overdue at ``now``.

    Rows are in due order; rows due at the same instant keep the order of the
    courses given, so the order is deterministic.  A worklist is a sequence of
    its rows: it can be iterated, measured, indexed and sliced (a slice is a
    tuple of rows).  Build one with :func:`worklist`.

    Attributes:
        start: The start of the range (inclusive).
        end: The end of the range (exclusive).
        now: The present, for statuses; ``None`` lists only the range.
        rows: The rows, in due order.
        grace: The grace the statuses were computed with.
        end_on_plateau: As given to :func:`worklist`.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens
    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> a = Course.begin(
    ...     regimens.get("bnf-hydroxocobalamin-non-neuro"),
    ...     first_dose=dt.datetime(2026, 12, 7, 9, tzinfo=london),
    ...     id="ann",
    ... )
    >>> b = Course.begin(
    ...     regimens.get("bnf-hydroxocobalamin-neuro"),
    ...     first_dose=dt.datetime(2026, 12, 8, 14, tzinfo=london),
    ...     id="bob",
    ... )
    >>> monday = dt.datetime(2026, 12, 7, tzinfo=london)
    >>> week = worklist([a, b], monday, monday + dt.timedelta(days=3))
    >>> [(row.course_id, row.due.strftime("%a %H:%M")) for row in week]
    [('ann', 'Mon 09:00'), ('bob', 'Tue 14:00'), ('ann', 'Wed 09:00')]
    >>> week[0].course_id, [row.course_id for row in week[1:]]
    ('ann', ['bob', 'ann'])
    """

    start: dt.datetime
    end: dt.datetime
    now: dt.datetime | None
    rows: tuple[WorklistRow, ...]
    grace: dt.timedelta | None = None
    end_on_plateau: PlateauRule | bool = False

    def __iter__(self) -> Iterator[WorklistRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> WorklistRow: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[WorklistRow, ...]: ...
    def __getitem__(self, index: int | slice) -> WorklistRow | tuple[WorklistRow, ...]:
        """Return the row at ``index``, or a tuple of rows for a slice."""
        return self.rows[index]

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
    """Return one course's rows with their UTC due instants, in due order.

    The plain path, for ``end_on_plateau``: a plateau found in the symptom log
    depends on the horizon, so these slots are derived afresh each time.
    """
    doses = course.pending_doses(
        until=end, now=now, grace=grace, end_on_plateau=end_on_plateau
    )
    return [
        (due, WorklistRow(course.id, dose))
        for dose in doses
        if (due := utc(dose.due)) >= start or dose.status is DoseStatus.OVERDUE
    ]


def _kept_rows(
    courses: Iterable[object],
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None,
    grace: dt.timedelta | None,
) -> list[tuple[dt.datetime, WorklistRow]]:
    """Return every course's rows from its kept pending slots (all instants UTC).

    The loop runs once per course, so the common case (nothing pending before
    ``end``) is one attribute read and one comparison.  Statuses are those of
    :meth:`Course.plan`: a slot is scheduled before its due instant, else
    :class:`DueWindow` says due or overdue.
    """
    found: list[tuple[dt.datetime, WorklistRow]] = []
    add = found.append
    for item in courses:
        course = item if type(item) is Course else require_course(item, _ITEM)
        kept = pending_slots(course, end)
        dues = kept.dues
        if not dues or dues[0] >= end:
            continue
        stop = bisect_left(dues, end)
        first = bisect_left(dues, start, 0, stop)
        cid = course.id
        if now is None:
            found += [
                (dues[i], WorklistRow(cid, kept.doses[i])) for i in range(first, stop)
            ]
            continue
        # Slots due before the range are listed only when overdue at now.
        for i in range(first):
            if dues[i] > now:
                break
            dose = kept.dose_at(i, now, grace)
            if dose.status is DoseStatus.OVERDUE:
                add((dues[i], WorklistRow(cid, dose)))
        for i in range(first, stop):
            add((dues[i], WorklistRow(cid, kept.dose_at(i, now, grace))))
    return found


_ITEM = "item of a worklist"


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
    at ``now`` (scheduled, due or overdue).  The rows are exactly those of
    ``Course.plan(until=end, now=now)``.

    Each course keeps its pending slots after the first worklist that reads
    them (a course is immutable), so later worklists over the same course
    objects cost about a microsecond per course plus the rows; with
    ``end_on_plateau`` every course is derived afresh.  ``courses`` may be
    any iterable (a generator reading a file, say); to spread the work over
    processes or machines, make one worklist per partition and
    :func:`merge_worklists` them.

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
    if end_on_plateau is False:
        found = _kept_rows(
            courses, a, utc(end), utc(now) if now is not None else None, grace
        )
    else:
        found = []
        for item in courses:
            course = require_course(item, _ITEM)
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
    found.sort(key=itemgetter(0))
    return Worklist(
        start=start,
        end=end,
        now=now,
        rows=tuple(row for _, row in found),
        grace=grace,
        end_on_plateau=end_on_plateau,
    )


def _row_due(row: WorklistRow) -> dt.datetime:
    return row.dose.due.astimezone(UTC)


def merge_worklists(*partials: Worklist) -> Worklist:
    """Merge the worklists of consecutive partitions into one worklist.

    Split the courses into partitions, keeping their order (the lines of
    JSON Lines files, file after file, say), make one :func:`worklist` per
    partition with the same range, ``now``, ``grace`` and ``end_on_plateau``
    (in other processes or on other machines), and pass the partial
    worklists here in partition order: the result has exactly the rows of
    one worklist over all the courses, in the same order.  Rows due at the
    same instant keep the partitions' order, as one worklist keeps the
    courses' order.  The merge is a stable sort of already sorted runs, so it
    costs about the rows, not the courses.

    Args:
        partials: One worklist per partition, in partition order.

    Returns:
        A worklist with the partials' range, ``now`` and settings (those of
        the first partial, as given).

    Raises:
        SettingError: No partial is given, a partial is not a Worklist, or
            the partials differ in range, ``now``, ``grace`` or
            ``end_on_plateau``.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens, worklist
    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> courses = [
    ...     Course.begin(
    ...         regimens.get("bnf-hydroxocobalamin-non-neuro"),
    ...         first_dose=dt.datetime(2026, 12, day, 9, tzinfo=london),
    ...         id=name,
    ...     )
    ...     for day, name in ((7, "ann"), (8, "bob"), (7, "cat"))
    ... ]
    >>> monday = dt.datetime(2026, 12, 7, tzinfo=london)
    >>> week = (monday, monday + dt.timedelta(days=2))
    >>> parts = [worklist(courses[:2], *week), worklist(courses[2:], *week)]
    >>> merged = merge_worklists(*parts)
    >>> merged == worklist(courses, *week)
    True
    >>> [row.course_id for row in merged]
    ['ann', 'cat', 'bob']
    """
    if not partials:
        raise SettingError("merge_worklists needs at least one partial worklist")
    for partial in partials:
        if not isinstance(partial, Worklist):
            raise SettingError.wrong_kind("merge_worklists", partial, "Worklist values")
    first = partials[0]
    for partial in partials[1:]:
        _require_same_query(first, partial)
    rows = [row for partial in partials for row in partial.rows]
    rows.sort(key=_row_due)
    return attrs.evolve(first, rows=tuple(rows))


def _require_same_query(first: Worklist, other: Worklist) -> None:
    """Refuse to merge worklists that answer different questions."""

    def instant(value: dt.datetime | None) -> dt.datetime | None:
        return None if value is None else utc(value)

    for name in ("start", "end", "now"):
        if instant(getattr(first, name)) != instant(getattr(other, name)):
            break
    else:
        if (first.grace, first.end_on_plateau) == (other.grace, other.end_on_plateau):
            return
        name = "grace and end_on_plateau"
    raise SettingError(
        f"merge_worklists merges worklists of one query, but the partials differ "
        f"in {name}: make every partial worklist with the same start, end, now, "
        "grace and end_on_plateau",
        value=other,
    )
