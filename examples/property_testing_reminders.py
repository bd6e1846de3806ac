"""Property-test your own reminder code with ``b12course.strategies``.

``reminders`` below stands for code in your app: it decides when to remind a
patient of each coming dose.  Instead of a handful of hand-picked dates, the
tests draw whole courses from ``b12course.strategies``: presets and made-up
regimens, first doses in many IANA zones (Lord Howe's 30-minute DST, Chatham,
Apia...), doses given late or early, skipped or missed, phases ended by a
clinician.  Hypothesis shrinks any failure to a small course you can read.

The classic bug this catches: ``dose.due - timedelta(hours=1)`` on an aware
datetime subtracts *wall-clock* time, so across a daylight-saving change the
reminder comes two hours early, or at a time that does not exist.  Subtract in
UTC instead, as ``reminders`` does.

Run it (needs ``pip install 'b12course[strategies]'``)::

    python examples/property_testing_reminders.py

or put the ``test_*`` functions in your test suite and run pytest.
"""

# pytest-style tests check with assert:
# ruff: noqa: S101

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

import b12course as b12
from b12course import strategies as b12st

UTC = dt.timezone.utc


def reminders(
    course: b12.Course,
    *,
    now: dt.datetime,
    until: dt.datetime,
    before: dt.timedelta,
) -> list[tuple[b12.PlannedDose, dt.datetime]]:
    """Your code: a reminder ``before`` each dose still to come, in local time."""
    coming = [
        dose
        for dose in course.plan(until=until, now=now)
        if dose.status is b12.DoseStatus.SCHEDULED
    ]
    # Subtract elapsed time in UTC, then show the result in the course zone.
    return [
        (dose, (dose.due.astimezone(UTC) - before).astimezone(course.zone))
        for dose in coming
    ]


lead_times = st.timedeltas(
    min_value=dt.timedelta(minutes=5), max_value=dt.timedelta(days=2)
)
days_in = st.integers(min_value=-10, max_value=400)


@settings(max_examples=60, deadline=None)
@given(course=b12st.courses(), before=lead_times, day=days_in)
def test_each_reminder_comes_exactly_before_its_dose(
    course: b12.Course, before: dt.timedelta, day: int
) -> None:
    """A reminder fires exactly ``before`` (elapsed) ahead of its dose, locally."""
    now = course.first_dose + dt.timedelta(days=day)
    for dose, at in reminders(
        course, now=now, until=now + dt.timedelta(days=180), before=before
    ):
        assert dose.due.astimezone(UTC) - at.astimezone(UTC) == before
        assert at.tzinfo is course.zone
        # A time the clock on the wall really shows (none inside a DST gap).
        assert at.astimezone(UTC).astimezone(course.zone) == at


@settings(max_examples=60, deadline=None)
@given(course=b12st.courses(), before=lead_times, day=days_in)
def test_no_reminder_for_doses_given_skipped_or_past(
    course: b12.Course, before: dt.timedelta, day: int
) -> None:
    """Only doses still to come get reminders, in plan order."""
    now = course.first_dose + dt.timedelta(days=day)
    found = reminders(
        course, now=now, until=now + dt.timedelta(days=180), before=before
    )
    for dose, _ in found:
        assert dose.pending
        assert dose.due.astimezone(UTC) > now.astimezone(UTC)
    numbers = [dose.number for dose, _ in found]
    assert numbers == sorted(numbers)


@settings(max_examples=20, deadline=None)
@given(course=st.from_type(b12.Course))
def test_from_type_works_too(course: b12.Course) -> None:
    """``st.from_type(Course)`` draws the same realistic courses."""
    assert course.zone.key


if __name__ == "__main__":
    for test in (
        test_each_reminder_comes_exactly_before_its_dose,
        test_no_reminder_for_doses_given_skipped_or_past,
        test_from_type_works_too,
    ):
        test()
        print("holds:", test.__name__)
