r"""What a FHIR string can hold: no whitespace but space, tab, CR and LF.

FHIR's ``string`` (and every type built on it) matches ``[ \r\n\t\S]+``:
a no-break space, a line separator or a byte-order mark is not allowed
anywhere in it.  The bundle writes each such character as a space, and
:func:`carried_strings` does the same to a course, so that what
:func:`b12course.fhir.from_fhir` reads back is what :func:`b12course.fhir.carried`
says a bundle carries.
"""

from __future__ import annotations

import enum
from typing import Any, TypeVar

import attrs

__all__ = ["carried_strings", "fhir_string", "fhir_strings_in"]

_T = TypeVar("_T")
#: Parsed JSON, or a model value: anything walked for its strings.
Walked = Any
# ECMAScript's \s (the schema's dialect) beyond Python's str.isspace().
_ALSO_SPACE = frozenset("\ufeff")
_KEPT = frozenset(" \t\r\n")


def _bad(char: str) -> bool:
    return (char.isspace() or char in _ALSO_SPACE) and char not in _KEPT


def fhir_string(text: str) -> str:
    r"""Return ``text`` with each whitespace FHIR refuses replaced by a space.

    >>> fhir_string("10\u00a0mg")
    '10 mg'
    """
    if not any(_bad(c) for c in text):
        return text
    return "".join(" " if _bad(c) else c for c in text)


def fhir_strings_in(value: Walked) -> Walked:
    """Return parsed JSON ``value`` with every string made a FHIR string."""
    if isinstance(value, str):
        return fhir_string(value)
    if isinstance(value, dict):
        return {key: fhir_strings_in(item) for key, item in value.items()}
    if isinstance(value, list):
        return [fhir_strings_in(item) for item in value]
    return value


def carried_strings(value: _T) -> _T:
    """Return ``value`` (a model value) with every text made a FHIR string."""
    return _carried(value)  # type: ignore[no-any-return]


def _carried(value: Walked) -> Walked:
    if isinstance(value, enum.Enum):
        return value
    if isinstance(value, str):
        return fhir_string(value)
    if isinstance(value, tuple):
        items = tuple(_carried(item) for item in value)
        unchanged = all(a is b for a, b in zip(items, value, strict=True))
        return value if unchanged else items
    if attrs.has(type(value)):
        changes = {}
        for field in attrs.fields(type(value)):
            if not field.init:
                continue
            old = getattr(value, field.name)
            new = _carried(old)
            if new is not old:
                changes[field.alias or field.name] = new
        return attrs.evolve(value, **changes) if changes else value
    return value
