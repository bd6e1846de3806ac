"""The course a calendar renders, as its view names it.

A calendar needs four facts of the course beside the events: its id (for
UIDs and ``X-B12COURSE``), its zone, its planned first dose (to check a
previous export) and its regimen (for names and cadences).  A
:class:`~b12course.Timeline` built by :meth:`b12course.Course.timeline`
carries them, so :func:`b12course.to_ical` renders a view without asking the
course for anything else.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import attrs

from b12course._course import Course
from b12course._regimen import Regimen
from b12course._timeline import Timeline
from b12course.exceptions import NotACourseError

__all__ = ["Subject"]


@attrs.frozen(kw_only=True)
class Subject:
    """The id, zone, first dose and regimen of the course a calendar renders."""

    id: str
    zone: zoneinfo.ZoneInfo
    first_dose: dt.datetime
    regimen: Regimen

    @classmethod
    def of(cls, source: Course | Timeline) -> Subject:
        """Return the facts of a course, or of the course a view was built from.

        Raises:
            NotACourseError: ``source`` is neither a Course nor a course's
                Timeline (one from ``Course.timeline``).
        """
        if isinstance(source, Course):
            return cls(
                id=source.id,
                zone=source.zone,
                first_dose=source.first_dose,
                regimen=source.regimen,
            )
        if (
            isinstance(source, Timeline)
            and source.course_id is not None
            and source.first_dose is not None
            and source.regimen is not None
        ):
            return cls(
                id=source.course_id,
                zone=source.zone,
                first_dose=source.first_dose,
                regimen=source.regimen,
            )
        raise NotACourseError(source)
