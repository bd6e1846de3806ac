"""Compact series: a run of scheduled doses written as one recurring event.

With ``to_ical(..., compact=True)``, each run of three or more scheduled doses
of one phase, numbered one after another and all provisional or all not,
becomes one event with an ``RRULE`` (``UNTIL`` in UTC), but only where
expanding that rule with dateutil, as calendar clients do, gives exactly the
planned instants and no occurrence falls in a local time a daylight-saving
change skips or repeats (clients disagree there).  Any other dose stays an
event of its own.  A series' UID names its first dose
(:func:`~b12course.ical.series_uid`), and :func:`~b12course.ical.read_ical`
expands it back into doses named as one event per dose would be.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Literal

import icalendar
from dateutil import rrule

from b12course import DoseStatus, PlannedDose
from b12course._time import local, resolve, utc
from b12course._timeline import EventKind
from b12course.ical._alarms import add_alarms
from b12course.ical._events import (
    DOSE_CATEGORY,
    DOSE_LENGTH,
    Rendering,
    dose_description,
    dose_event,
    dose_summary,
)
from b12course.ical._format import X_DOSE, X_FIRST, X_KIND, X_PHASE, X_STATUS
from b12course.ical._text import clean, text
from b12course.ical._uids import series_uid, uid_of
from b12course.ical._vtimezone import WEEKDAYS, shifting

__all__ = ["MIN_SERIES", "joins", "recurrence", "run_events"]

MIN_SERIES = 3
"""The fewest doses worth a recurring series."""

_FREQ = {"days": "daily", "weeks": "weekly", "months": "monthly"}
_DATEUTIL_FREQ: dict[str, Literal[0, 1, 2, 3, 4, 5, 6]] = {
    "daily": rrule.DAILY,
    "weekly": rrule.WEEKLY,
    "monthly": rrule.MONTHLY,
}


def joins(
    run: Sequence[PlannedDose],
    dose: PlannedDose,
    exported: Collection[str],
    rendering: Rendering,
) -> bool:
    """Whether ``dose`` may extend ``run`` into one recurring series.

    A dose exported before as an event of its own stays one, so its UID keeps
    naming it.
    """
    if (
        dose.status is not DoseStatus.SCHEDULED
        or uid_of(rendering.course, dose) in exported
    ):
        return False
    if not run:
        return True
    last = run[-1]
    return (
        dose.phase == last.phase
        and dose.provisional == last.provisional
        and dose.number_in_phase == last.number_in_phase + 1
    )


def recurrence(rendering: Rendering, run: Sequence[PlannedDose]) -> dict[str, object]:
    """Return the RRULE that reproduces ``run`` exactly, or an empty dict."""
    zone = rendering.zone
    cadence = rendering.course.regimen.phases[run[0].phase].cadence
    freq = _FREQ.get(cadence.unit.value, "weekly")
    rule: dict[str, object] = {"freq": freq, "interval": cadence.every}
    if cadence.weekdays:
        rule["byday"] = [WEEKDAYS[d] for d in cadence.weekdays]
    last = utc(run[-1].due)
    rule["until"] = last
    walls = rrule.rrule(
        _DATEUTIL_FREQ[freq],
        dtstart=local(run[0].due, zone),
        interval=cadence.every,
        byweekday=[rrule.weekdays[d] for d in cadence.weekdays] or None,
        count=len(run) + 1,
    )
    found = []
    for wall in walls:
        # Clients disagree on times in a gap or a repeated hour: no series there.
        if shifting(wall, zone):
            return {}
        instant = utc(resolve(wall, zone))
        if instant > last:
            break
        found.append(instant)
    return rule if found == [utc(d.due) for d in run] else {}


def _label(first: PlannedDose, last: PlannedDose) -> str:
    """Name a run as :attr:`PlannedDose.name` names a dose: "loading doses 2-7 of 7"."""
    total = f" of {first.phase_size}" if first.phase_size is not None else ""
    numbers = f"{first.number_in_phase}-{last.number_in_phase}"
    return clean(f"{first.phase_name} doses {numbers}{total}")


def run_events(
    rendering: Rendering, run: Sequence[PlannedDose]
) -> list[icalendar.Component]:
    """Return one recurring event for ``run`` if a rule fits it, else one per dose."""
    rule = recurrence(rendering, run) if len(run) >= MIN_SERIES else {}
    if not rule:
        return [dose_event(rendering, dose, None) for dose in run]
    first = run[0]
    label = _label(first, run[-1])
    event = icalendar.Event()
    event.add("uid", text(series_uid(rendering.course, first)))
    event.add("dtstart", first.due.astimezone(rendering.zone))
    event.add("duration", DOSE_LENGTH)
    event.add("rrule", rule)
    event.add("summary", text(dose_summary(first, label)))
    event.add("description", text(dose_description(rendering, first, label, None)))
    event.add("categories", [DOSE_CATEGORY])
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add(X_KIND, EventKind.PLANNED_DOSE.value)
    event.add(X_STATUS, DoseStatus.SCHEDULED.value)
    event.add(X_DOSE, text(first.dose))
    event.add(X_PHASE, str(first.phase))
    event.add(X_FIRST, str(first.number_in_phase))
    add_alarms(event, rendering.offsets, f"B12 {first.dose}")
    return [event]
