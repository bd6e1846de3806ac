"""A clinic's worklist: who is due, or overdue, this week, over many courses.

Courses keep their own zones and wall-clock times; the worklist merges their
plans into one list in due order, with each dose's status at ``now``.

Run it::

    python examples/clinic_worklist.py
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import b12course as b12

LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=LONDON)
PRESETS = (
    "bnf-hydroxocobalamin-non-neuro",
    "nice-dietary-injection",
    "us-high-dose",
    "us-label-pernicious-anaemia",
)


def patients() -> list[b12.Course]:
    """Twelve patients who started on different days; two are behind."""
    courses = []
    for n in range(12):
        first = dt.datetime(2026, 11, 2, 9, 0, tzinfo=LONDON) + dt.timedelta(
            days=3 * n, hours=n % 4
        )
        course = b12.Course.begin(
            b12.regimens.get(PRESETS[n % len(PRESETS)]),
            first_dose=first,
            id=f"patient-{n + 1:02d}",
        )
        behind = n in {3, 7}
        # Each dose due before now was given 20 minutes late, except that the
        # patients who are behind missed their latest one.
        while pending := [d for d in course.plan(until=NOW) if d.pending]:
            if behind and len(pending) == 1:
                break
            course = course.record_dose(pending[0].due + dt.timedelta(minutes=20))
        courses.append(course)
    return courses


def main() -> b12.Worklist:
    """Print the worklist for Monday 7 to Saturday 12 December 2026."""
    monday = dt.datetime(2026, 12, 7, tzinfo=LONDON)
    week = b12.worklist(patients(), monday, monday + dt.timedelta(days=5), now=NOW)
    print(
        f"Week of {monday:%d %b %Y}: {len(week.due)} due, {len(week.overdue)} overdue"
    )
    for row in week:
        dose = row.dose
        print(
            f"{dose.due.astimezone(LONDON):%a %d %b %H:%M}  {row.course_id}  "
            f"{dose.phase_name:<14} {dose.dose}  {row.status.value}"
        )
    return week


if __name__ == "__main__":
    main()
