"""How a rendering reads a course and its timeline: slots, who gave, symptom keys.

The CSV, the summaries and the chart share these readings instead of each
matching records to planned doses (or times to horizons) in its own way.
"""

from __future__ import annotations

import datetime as dt

from b12course._course import Course
from b12course._flare import FlareModel
from b12course._records import AdministeredDose, DoseSkip
from b12course._schedule import PlannedDose
from b12course._symptoms import Symptom, SymptomEntry
from b12course._time import utc
from b12course._timeline import EventKind, Timeline
from b12course.exceptions import NotACourseError

__all__ = [
    "check_course",
    "given_by",
    "latest_record",
    "record_horizon",
    "slots_by_record",
    "symptom_key",
    "view_of",
]

_ONE_MICROSECOND = dt.timedelta(microseconds=1)


def check_course(course: object) -> Course:
    """Return ``course``, or raise NotACourseError when it is something else."""
    if not isinstance(course, Course):
        raise NotACourseError(course)
    return course


def symptom_key(entry: SymptomEntry) -> Symptom | str:
    """Return what an entry is a series of: its symptom, or its label for OTHER."""
    return entry.key


def latest_record(course: Course) -> dt.datetime:
    """Return the latest instant of the course's record, or its first dose."""
    times = [course.first_dose]
    times.extend(g.at for g in course.given)
    times.extend(s.due for s in course.skips)
    times.extend(d.at for d in course.decisions)
    times.extend(e.at for e in course.symptoms)
    times.extend(r.at for r in course.labs)
    return max(times, key=utc)


def record_horizon(course: Course) -> dt.datetime:
    """Return the instant just after the course's latest record (or first dose).

    A timeline built to this horizon holds every record of the course.
    """
    return latest_record(course) + _ONE_MICROSECOND


def slots_by_record(
    timeline: Timeline,
) -> dict[AdministeredDose | DoseSkip, PlannedDose]:
    """Map each given dose and skip to the planned dose it settled.

    The timeline's planned doses carry the record that fulfilled (or skipped)
    them, so a rendering names a given dose by its slot ("loading dose 2 of
    6") without matching times itself.
    """
    slots: dict[AdministeredDose | DoseSkip, PlannedDose] = {}
    for event in timeline.of_kind(EventKind.PLANNED_DOSE):
        dose: PlannedDose = event.payload
        for record in (dose.given, dose.skip):
            if record is not None:
                slots[record] = dose
    return slots


def given_by(record: AdministeredDose) -> str:
    """Return who gave a dose ("self", "carer", "clinician"), or "" when unrecorded.

    The exports read it here, so every table spells it the same way.
    """
    return "" if record.by is None else str(record.by)


def view_of(
    source: Course | Timeline,
    *,
    now: dt.datetime | None = None,
    until: dt.datetime | None = None,
    grace: dt.timedelta | None = None,
    flare_model: FlareModel | None = None,
    provisional_horizon: dt.timedelta | None = None,
) -> Timeline:
    """Return the view a rendering reads: ``source`` itself, or a course's view.

    A :class:`Timeline` is read as it is (the other arguments are the ones
    it was built with); a course's view is built once, by the horizon policy
    (:meth:`Course.timeline`).  This is how every ``Course``-taking rendering
    is a thin wrapper over the one that takes the view.

    Raises:
        NotACourseError: ``source`` is neither a Course nor a Timeline.
    """
    if isinstance(source, Timeline):
        return source
    return check_course(source).timeline(
        until=until,
        now=now,
        grace=grace,
        flare_model=flare_model,
        provisional_horizon=provisional_horizon,
    )
