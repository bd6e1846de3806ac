"""What the CSV and the summaries share: the course check and number text."""

from __future__ import annotations

from b12course._course import Course
from b12course.exceptions import NotACourseError

__all__ = ["check_course", "number_text"]


def check_course(course: object) -> Course:
    """Return ``course``, or raise NotACourseError when it is something else."""
    if not isinstance(course, Course):
        raise NotACourseError(course)
    return course


def number_text(value: float) -> str:
    """Show a number without a spurious ``.0`` and without rounding it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)
