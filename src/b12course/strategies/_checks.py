"""Argument checks and text shared by the strategies (Hypothesis API style)."""

from __future__ import annotations

import zoneinfo

import hypothesis.strategies as st
from hypothesis.errors import InvalidArgument

from b12course._time import get_zone
from b12course.exceptions import B12CourseError

__all__ = [
    "SITES",
    "check_bool",
    "check_int",
    "check_order",
    "check_strategy",
    "free_text",
    "load_zone",
]

SITES = (
    "left deltoid",
    "right deltoid",
    "left thigh",
    "right thigh",
    "left gluteal",
    "right gluteal",
    "abdomen",
)


def free_text(max_size: int = 30) -> st.SearchStrategy[str]:
    """Text a person might type, plus the odd awkward character (quotes, newlines)."""
    return st.one_of(
        st.sampled_from(("", "ok", "felt fine", "bruise at site", "new batch")),
        st.text(
            st.characters(
                exclude_categories=("Cs", "Cc"), include_characters='\n\t;,\\"'
            ),
            max_size=max_size,
        ),
    )


def check_strategy(name: str, value: object) -> None:
    if not isinstance(value, st.SearchStrategy):
        raise InvalidArgument(f"{name}={value!r} must be a Hypothesis strategy")


def check_int(name: str, value: object, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{name}={value!r} must be an integer")
    if value < minimum:
        raise InvalidArgument(f"{name}={value!r} must be >= {minimum}")
    return value


def check_order(low_name: str, low: int, high_name: str, high: int) -> None:
    if low > high:
        raise InvalidArgument(
            f"{low_name}={low!r} must not be greater than {high_name}={high!r}"
        )


def check_bool(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name}={value!r} must be True or False")


def load_zone(key: object) -> zoneinfo.ZoneInfo:
    """Return the zone ``key`` as a course accepts it (no leap-second zones)."""
    try:
        return get_zone(key)
    except B12CourseError as exc:
        raise InvalidArgument(f"{key!r} is not a civil IANA zone key") from exc
