"""Typed access to parsed FHIR JSON, whichever FHIR version wrote it.

A :class:`Node` is one JSON object inside one resource.  Every read checks the
type it expects and raises :class:`~b12course.exceptions.FhirFormatError`
naming the resource and the path of the field, so that the reader above it
never meets a ``KeyError``, a ``TypeError`` or a model error of its own:
:func:`model_errors` re-raises a model's ``B12CourseError`` (an implausible
dose, a severity out of range) as a ``FhirFormatError`` at the field read.

Instants: only a FHIR ``dateTime`` with a time of day is read (the grammar of
the FHIR specification: ASCII digits, seconds, at most six fractional digits
as Python keeps, and a UTC offset of at most 14 hours); an instant is shown
in the course's zone when its offset is the zone's at that moment (or when
it was written in UTC because FHIR cannot carry the zone's offset then), in
UTC when it was written in UTC, and at its own offset otherwise, so what was
recorded comes back as it was recorded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import re
import zoneinfo
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from b12course.exceptions import B12CourseError, FhirFormatError

__all__ = [
    "MAX_OFFSET",
    "Node",
    "as_json",
    "codes_of",
    "extensions",
    "fhir_offset",
    "instant",
    "model_errors",
    "parse_datetime",
    "part",
    "texts",
    "zone_named",
    "zone_of_offset",
]

_T = TypeVar("_T")


def _describe(value: object) -> str:
    if isinstance(value, (dict, list)):
        return f"a JSON {'object' if isinstance(value, dict) else 'array'}"
    return repr(value)[:40]


class Node:
    """A JSON object inside one resource, read with type checks."""

    __slots__ = ("data", "path", "resource")

    def __init__(self, data: object, resource: str, path: str) -> None:
        if not isinstance(data, dict):
            raise FhirFormatError(
                resource, path, f"expected a JSON object, not {_describe(data)}"
            )
        self.data: dict[str, Any] = data
        self.resource = resource
        self.path = path

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str, detail: str) -> FhirFormatError:
        return FhirFormatError(self.resource, self.at(key), detail)

    def get(self, key: str, kind: type[_T]) -> _T | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) and kind is not bool:
            raise self.error(key, f"expected {kind.__name__}, not {value!r}")
        if not isinstance(value, kind):
            raise self.error(key, f"expected {kind.__name__}, not {_describe(value)}")
        return value

    def need(self, key: str, kind: type[_T]) -> _T:
        value = self.get(key, kind)
        if value is None:
            raise self.error(key, "is missing")
        return value

    def number(self, key: str) -> int | float | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(key, f"expected a number, not {_describe(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.error(key, f"expected a finite number, not {value!r}")
        return value

    def node(self, key: str) -> Node | None:
        value = self.data.get(key)
        return None if value is None else Node(value, self.resource, self.at(key))

    def need_node(self, key: str) -> Node:
        node = self.node(key)
        if node is None:
            raise self.error(key, "is missing")
        return node

    def nodes(self, key: str) -> list[Node]:
        items = self.get(key, list) or []
        return [
            Node(item, self.resource, f"{self.at(key)}[{i}]")
            for i, item in enumerate(items)
        ]

    def first(self, key: str) -> Node | None:
        items = self.nodes(key)
        return items[0] if items else None


@contextlib.contextmanager
def model_errors(node: Node, key: str) -> Iterator[None]:
    """Re-raise a model error met while building a value as a FhirFormatError."""
    try:
        yield
    except FhirFormatError:
        raise
    except B12CourseError as exc:
        raise node.error(key, str(exc)) from exc


# -- primitives ------------------------------------------------------------------


#: A FHIR dateTime with a time of day (FHIR R4B/R5 ``dateTime`` grammar; the
#: fraction is cut at six digits, all Python keeps, and a leap second is
#: refused by the parse).
_DATETIME = re.compile(
    r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]{1,6})?"
    r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
)


def parse_datetime(node: Node, key: str, text: str) -> dt.datetime:
    if "T" not in text:
        raise node.error(key, f"{text[:40]!r} has no time of day")
    if _DATETIME.fullmatch(text) is None:
        raise node.error(
            key,
            f"{text[:40]!r} is not a FHIR dateTime (YYYY-MM-DDThh:mm:ss, at most "
            "six fractional digits, and Z or an offset within +-14:00)",
        )
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        value.astimezone(dt.timezone.utc)
    except (ValueError, OverflowError) as exc:
        raise node.error(key, f"{text[:40]!r} is not a FHIR dateTime") from exc
    if value.utcoffset() is None:
        raise node.error(key, f"{text[:40]!r} has no UTC offset")
    return value


def instant(node: Node, key: str, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Return the dateTime at ``key`` in ``zone`` when its offset is the zone's."""
    value = parse_datetime(node, key, node.need(key, str))
    try:
        local = value.astimezone(zone)
    except OverflowError as exc:
        raise node.error(key, "is out of range") from exc
    if local.utcoffset() == value.utcoffset():
        return local
    if value.utcoffset() == dt.timedelta(0):
        # FHIR cannot carry the zone's own offset then (seconds, as in
        # Amsterdam in 1900), so the instant was written in UTC.
        if not fhir_offset(local.utcoffset()):
            return local
        return value.astimezone(dt.timezone.utc)
    return value


#: The largest UTC offset a FHIR dateTime can carry.
MAX_OFFSET = dt.timedelta(hours=14)


def fhir_offset(offset: dt.timedelta | None) -> bool:
    """Whether a FHIR dateTime can carry ``offset`` (whole minutes, within 14 h)."""
    return (
        offset is not None
        and abs(offset) <= MAX_OFFSET
        and not offset % dt.timedelta(minutes=1)
    )


def zone_named(node: Node, key: str, text: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise node.error(key, f"{text[:40]!r} is not an IANA zone") from exc


def zone_of_offset(node: Node, key: str, value: dt.datetime) -> zoneinfo.ZoneInfo:
    offset = value.utcoffset() or dt.timedelta(0)
    hours, rest = divmod(offset, dt.timedelta(hours=1))
    if rest or not -12 <= hours <= 14:  # noqa: PLR2004 - the Etc/GMT zones
        raise node.error(
            key,
            f"the offset of {value.isoformat()} is not a whole number of hours; "
            "b12course needs the course's IANA zone",
        )
    # POSIX signs: Etc/GMT-1 is one hour ahead of UTC.
    return zoneinfo.ZoneInfo("UTC" if hours == 0 else f"Etc/GMT{-hours:+d}")


def extensions(node: Node, url: str, *aliases: str) -> list[Node]:
    """Return the extensions of ``node`` with ``url`` (or one of ``aliases``)."""
    urls = {url, *aliases}
    return [e for e in node.nodes("extension") if e.get("url", str) in urls]


def part(extension: Node, name: str, key: str, kind: type[_T]) -> _T | None:
    for part in extensions(extension, name):
        return part.need(key, kind)
    return None


def texts(concept: Node) -> list[str]:
    texts = [concept.get("text", str) or ""]
    texts += [c.get("display", str) or "" for c in concept.nodes("coding")]
    return [t for t in texts if t]


def codes_of(concept: Node, system: str) -> list[str]:
    return [
        code
        for c in concept.nodes("coding")
        if c.get("system", str) == system and (code := c.get("code", str))
    ]


def as_json(bundle: object) -> object:
    dump = getattr(bundle, "model_dump_json", None)
    if callable(dump) and hasattr(bundle, "get_resource_type"):
        bundle = dump()
    if isinstance(bundle, (str, bytes, bytearray)):
        try:
            return json.loads(bundle)
        except (ValueError, RecursionError) as exc:
            raise FhirFormatError("Bundle", "", f"not JSON: {exc}") from exc
    if isinstance(bundle, Mapping):
        return dict(bundle)
    raise FhirFormatError(
        "Bundle", "", f"expected a FHIR Bundle, its JSON or a dict, not {bundle!r:.60}"
    )
