"""Injection sites, and which one to use next.

Rotating injection sites is common practice; the library only remembers where
each dose went and suggests the site of the dose's route used least recently.
Intramuscular doses rotate through IM sites (deltoids, thighs, ventrogluteal
sites), subcutaneous ones through SC sites (abdomen, outer thighs, upper arms).
The ventrogluteal site is the recommended gluteal site; a bare "gluteal" invites
the dorsogluteal one (clinical.md section 0), so b12course names it in full.

A site is stored on :class:`~b12course.AdministeredDose` as text, so a caller
may use :class:`Site` or their own names; names compare without regard to case
or surrounding spaces.  Records of 0.x that say "left gluteal" or "right
gluteal" still load as they were written, and count as uses of the
ventrogluteal site of that side when sites are rotated.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from typing import TypeVar

from b12course._records import AdministeredDose
from b12course._regimen import Route
from b12course._time import utc
from b12course.exceptions import InvalidRecordError

__all__ = ["IM_SITES", "SC_SITES", "Site", "least_recently_used", "sites_for"]


class Site(str, enum.Enum):
    """An injection site, intramuscular or subcutaneous.

    Members are strings, so ``record_dose(..., site=Site.LEFT_DELTOID)`` stores
    ``"left deltoid"``.  ``LEFT_GLUTEAL`` and ``RIGHT_GLUTEAL`` (0.x) are
    aliases of the ventrogluteal sites for one release, and the text "left
    gluteal" reads as :attr:`LEFT_VENTROGLUTEAL`.

    >>> str(Site.LEFT_DELTOID), Site("right thigh") is Site.RIGHT_THIGH
    ('left deltoid', True)
    >>> Site("left gluteal") is Site.LEFT_VENTROGLUTEAL is Site.LEFT_GLUTEAL
    True
    """

    LEFT_DELTOID = "left deltoid"
    RIGHT_DELTOID = "right deltoid"
    LEFT_THIGH = "left thigh"
    RIGHT_THIGH = "right thigh"
    LEFT_VENTROGLUTEAL = "left ventrogluteal"
    RIGHT_VENTROGLUTEAL = "right ventrogluteal"
    LEFT_ABDOMEN = "left abdomen"
    RIGHT_ABDOMEN = "right abdomen"
    LEFT_OUTER_THIGH = "left outer thigh"
    RIGHT_OUTER_THIGH = "right outer thigh"
    LEFT_UPPER_ARM = "left upper arm"
    RIGHT_UPPER_ARM = "right upper arm"
    # Deprecated names (0.x), aliases for one release.
    LEFT_GLUTEAL = LEFT_VENTROGLUTEAL
    RIGHT_GLUTEAL = RIGHT_VENTROGLUTEAL

    def __str__(self) -> str:
        """Read as the site's name."""
        return self.value

    @classmethod
    def _missing_(cls, value: object) -> Site | None:
        if isinstance(value, str):
            key = _norm(value)
            key = _OLD_NAMES.get(key, key)
            for site in cls:
                if site.value == key:
                    return site
        return None


# The 0.x values, read as the sites they now name.
_OLD_NAMES = {
    "left gluteal": Site.LEFT_VENTROGLUTEAL.value,
    "right gluteal": Site.RIGHT_VENTROGLUTEAL.value,
}

#: The intramuscular sites, in the order they are suggested.
IM_SITES: tuple[Site, ...] = (
    Site.LEFT_DELTOID,
    Site.RIGHT_DELTOID,
    Site.LEFT_THIGH,
    Site.RIGHT_THIGH,
    Site.LEFT_VENTROGLUTEAL,
    Site.RIGHT_VENTROGLUTEAL,
)
#: The subcutaneous sites (abdomen, outer thigh, upper arm), in order.
SC_SITES: tuple[Site, ...] = (
    Site.LEFT_ABDOMEN,
    Site.RIGHT_ABDOMEN,
    Site.LEFT_OUTER_THIGH,
    Site.RIGHT_OUTER_THIGH,
    Site.LEFT_UPPER_ARM,
    Site.RIGHT_UPPER_ARM,
)


def sites_for(route: Route | str) -> tuple[Site, ...]:
    """Return the sites a dose by ``route`` rotates through.

    >>> str(sites_for("SC")[0]), str(sites_for("IM")[-1])
    ('left abdomen', 'right ventrogluteal')

    Raises:
        InvalidRecordError: The route is not injected (oral, sublingual and
            intranasal doses have no injection site).
        RegimenError: The route names no route.
    """
    parsed = Route.parse(route)
    if parsed is Route.IM:
        return IM_SITES
    if parsed in {Route.SC, Route.DEEP_SC}:
        return SC_SITES
    raise InvalidRecordError(
        route, f"a dose given {parsed.abbreviation} has no injection site"
    )


_S = TypeVar("_S", bound=str)


def _norm(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def _rotation_key(name: str) -> str:
    key = _norm(name)
    return _OLD_NAMES.get(key, key)


def least_recently_used(given: Iterable[AdministeredDose], sites: Sequence[_S]) -> _S:
    """Return the site of ``sites`` used least recently by the doses ``given``.

    Sites never used come first, in the order of ``sites``; then the site whose
    latest use is the oldest.  Ties (two sites last used at one instant cannot
    happen, but the same name listed twice can) go to the earlier in ``sites``.

    Args:
        given: The doses given (their ``site`` text is read; doses without a
            site are ignored, as are sites not in ``sites``).
        sites: The sites to choose from, in order of preference: a sequence
            of names (a single string is refused, not read letter by letter).

    Raises:
        InvalidRecordError: ``sites`` is a string, empty, or holds something
            that is not a non-empty name.
    """
    if isinstance(sites, str) or not isinstance(sites, Sequence):
        raise InvalidRecordError(
            sites,
            f"sites must be a sequence of names such as ['left deltoid'], "
            f"not {sites!r:.60}",
        )
    choices = list(sites)
    if not choices or not all(isinstance(s, str) and s.strip() for s in choices):
        raise InvalidRecordError(
            sites, f"sites must be a non-empty sequence of names, not {sites!r:.60}"
        )
    last_used: dict[str, dt.datetime] = {}
    for dose in given:
        if dose.site is not None:
            key = _rotation_key(dose.site)
            when = utc(dose.at)
            if key not in last_used or when > last_used[key]:
                last_used[key] = when
    for site in choices:
        if _rotation_key(site) not in last_used:
            return site
    return min(choices, key=lambda s: last_used[_rotation_key(s)])
