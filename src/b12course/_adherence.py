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

from b12course._course import Course
from b12course._time import require_aware, utc
from b12course._timeline import Timeline
from b12course._view import Adherence, count_adherence
from b12course.exceptions import NotACourseError

__all__ = ["Adherence", "adherence"]

_ONE_MICROSECOND = dt.timedelta(microseconds=1)


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
    if source.now is not None and utc(source.now) == utc(now) and grace == source.grace:
        view = source.adherence
        if view is not None:
            return view
    return count_adherence(
        source.planned_doses, now=now, zone=source.zone, grace=grace, statused=False
    )
