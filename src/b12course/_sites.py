"""Injection sites, and which one to use next.

Rotating intramuscular injection sites is common practice; the library only
remembers where each dose went and suggests the site used least recently.  A
site is stored on :class:`~b12course.AdministeredDose` as text, so a caller may
use :class:`Site` or their own names; names compare without regard to case or
surrounding spaces.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from typing import TypeVar

from b12course._records import AdministeredDose
from b12course._time import utc
from b12course.exceptions import InvalidRecordError

__all__ = ["Site", "least_recently_used"]


class Site(str, enum.Enum):
    """An intramuscular injection site.

    Members are strings, so ``record_dose(..., site=Site.LEFT_DELTOID)`` stores
    ``"left deltoid"``.

    >>> str(Site.LEFT_DELTOID), Site("right thigh") is Site.RIGHT_THIGH
    ('left deltoid', True)
    """

    LEFT_DELTOID = "left deltoid"
    RIGHT_DELTOID = "right deltoid"
    LEFT_THIGH = "left thigh"
    RIGHT_THIGH = "right thigh"
    LEFT_GLUTEAL = "left gluteal"
    RIGHT_GLUTEAL = "right gluteal"

    def __str__(self) -> str:
        """Read as the site's name."""
        return self.value


_S = TypeVar("_S", bound=str)


def _norm(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def least_recently_used(given: Iterable[AdministeredDose], sites: Sequence[_S]) -> _S:
    """Return the site of ``sites`` used least recently by the doses ``given``.

    Sites never used come first, in the order of ``sites``; then the site whose
    latest use is the oldest.  Ties (two sites last used at one instant cannot
    happen, but the same name listed twice can) go to the earlier in ``sites``.

    Args:
        given: The doses given (their ``site`` text is read; doses without a
            site are ignored, as are sites not in ``sites``).
        sites: The sites to choose from, in order of preference.

    Raises:
        InvalidRecordError: ``sites`` is empty or holds something that is not
            text.
    """
    choices = list(sites)
    if not choices or not all(isinstance(s, str) and s.strip() for s in choices):
        raise InvalidRecordError(
            sites, f"sites must be a non-empty sequence of names, not {sites!r}"
        )
    last_used: dict[str, dt.datetime] = {}
    for dose in given:
        if dose.site is not None:
            key = _norm(dose.site)
            when = utc(dose.at)
            if key not in last_used or when > last_used[key]:
                last_used[key] = when
    for site in choices:
        if _norm(site) not in last_used:
            return site
    return min(choices, key=lambda s: last_used[_norm(s)])
