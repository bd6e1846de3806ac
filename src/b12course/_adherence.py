"""Adherence: how the planned doses due so far were kept, read off the timeline.

Adherence is counted over the planned doses whose due instant is before
``now``.  Each is given, skipped, overdue (its due window closed without a
dose) or due now (its window is still open).  A given dose was given *on time*
when it was given inside its due window (:class:`~b12course.DueWindow`, the
one rule of the plan); otherwise *early* (before its local due day) or *late*.
Skipped doses are a recorded decision, so they are left out of the share:
``share = on_time / (due - skipped)``.

The counts come from the ``planned_dose`` events of a
:class:`~b12course.Timeline` (built once by :meth:`b12course.Course.timeline`),
never from a second expansion of the plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from b12course._course import Course
from b12course._schedule import DoseStatus, DueWindow, PlannedDose
from b12course._time import require_aware, utc
from b12course._timeline import EventKind, Timeline
from b12course.exceptions import NotACourseError

__all__ = ["Adherence", "adherence"]

_ONE_MICROSECOND = dt.timedelta(microseconds=1)


@attrs.frozen(kw_only=True)
class Adherence:
    """How the planned doses due before ``as_of`` were kept.

    Attributes:
        as_of: The moment described.
        due: Planned doses whose due instant is before ``as_of``.
        given: Of those, how many were given.
        on_time: Given inside their due window.
        early: Given before their due window opened.
        late: Given after their due window closed.
        skipped: Skipped by a recorded decision.
        overdue: Not given, and their due window has closed.
        due_now: Not given, and their due window is still open.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens
    >>> tz = zoneinfo.ZoneInfo("Europe/London")
    >>> first = dt.datetime(2026, 12, 1, 9, tzinfo=tz)
    >>> neuro = regimens.get("bnf-hydroxocobalamin-neuro")
    >>> course = Course.begin(neuro, first_dose=first)
    >>> course = course.record_dose(first).record_dose(first + dt.timedelta(days=3))
    >>> a = adherence(course, now=first + dt.timedelta(days=6))
    >>> a.due, a.on_time, a.late, a.overdue, a.share
    (3, 1, 1, 1, 0.3333333333333333)
    >>> print(a)
    1 of 3 planned doses given on time (33 %); 1 late, 0 early; 1 not given
    """

    as_of: dt.datetime
    due: int
    given: int
    on_time: int
    early: int
    late: int
    skipped: int
    overdue: int
    due_now: int

    @property
    def counted(self) -> int:
        """How many planned doses adherence is counted over (due, less skipped)."""
        return self.due - self.skipped

    @property
    def not_given(self) -> int:
        """How many counted doses were not recorded as given (overdue or due now)."""
        return self.counted - self.given

    @property
    def share(self) -> float | None:
        """The share of counted doses given on time (None when none was counted)."""
        return self.on_time / self.counted if self.counted else None

    def __str__(self) -> str:
        """Read as "1 of 3 planned doses given on time (33 %); ..."."""
        if self.share is None:
            return "no planned dose was due yet"
        return (
            f"{self.on_time} of {self.counted} planned doses given on time "
            f"({100 * self.share:.0f} %); {self.late} late, {self.early} early; "
            f"{self.not_given} not given"
        )


def _planned(timeline: Timeline, now: dt.datetime) -> Iterable[PlannedDose]:
    for event in timeline.of_kind(EventKind.PLANNED_DOSE):
        dose = event.payload
        if isinstance(dose, PlannedDose) and utc(dose.due) < utc(now):
            yield dose


def adherence(
    source: Course | Timeline,
    *,
    now: dt.datetime,
    grace: dt.timedelta | None = None,
) -> Adherence:
    """Return the adherence of a course (or of its timeline) as of ``now``.

    Args:
        source: A course, or a timeline built from one (by
            :meth:`b12course.Course.timeline`, whose horizon reaches ``now``).
        now: The moment described (aware): doses due before it are counted.
        grace: How long a dose stays due after its due time; the end of its
            local day when None.  Pass the grace the timeline was built with.

    Returns:
        The counts, as an :class:`Adherence`.

    Raises:
        NaiveDatetimeError: ``now`` is naive.
        NotACourseError: ``source`` is neither a Course nor a Timeline.
    """
    now = require_aware("now", now)
    if isinstance(source, Course):
        source = source.timeline(until=now + _ONE_MICROSECOND, now=now, grace=grace)
    elif not isinstance(source, Timeline):
        raise NotACourseError(source)
    counts = dict.fromkeys(
        ("due", "given", "on_time", "early", "late", "skipped", "overdue", "due_now"),
        0,
    )
    for dose in _planned(source, now):
        counts["due"] += 1
        window = DueWindow.of(dose.due, source.zone, grace)
        if dose.given is not None:
            counts["given"] += 1
            counts[_timing(window, dose.given.at)] += 1
        elif dose.skip is not None or dose.status is DoseStatus.SKIPPED:
            counts["skipped"] += 1
        elif window.status(now) is DoseStatus.OVERDUE:
            counts["overdue"] += 1
        else:
            counts["due_now"] += 1
    return Adherence(as_of=now, **counts)


def _timing(window: DueWindow, given_at: dt.datetime) -> str:
    """Return which count a given dose adds to: on time, early or late."""
    if window.on_time(given_at):
        return "on_time"
    return "early" if utc(given_at) < window.opens else "late"
