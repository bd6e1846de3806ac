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
import re
from typing import Any, TypeVar

import attrs

__all__ = [
    "REFUSED",
    "SUSPECT_IN_JSON",
    "carried_strings",
    "fhir_string",
    "fhir_strings_in",
]

_T = TypeVar("_T")
#: Parsed JSON, or a model value: anything walked for its strings.
Walked = Any
#: Each character FHIR refuses: the whitespace of ECMAScript's ``\s`` (the
#: schema's dialect: Python's ``str.isspace()`` and the byte-order mark) but
#: space, tab, CR and LF.  Spelt out, as a regular expression of a listed set
#: scans text fast; the tests hold it to that definition on every code point.
REFUSED = re.compile(
    r"[\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f"
    r"\u3000\ufeff]"
)

#: In JSON text written by ``json.dumps(..., ensure_ascii=False)``: a
#: character FHIR refuses, as itself or as the escape ``json`` writes for it
#: (``\\f``, ``\\u000b``, ``\\u001c`` to ``\\u001f``).  It may match where
#: nothing is refused (a text holding a backslash and an ``f``), never the
#: other way round: a text it does not match needs no :func:`fhir_strings_in`.
SUSPECT_IN_JSON = re.compile(REFUSED.pattern + r"|\\(?:f|u000b|u001[c-f])")


def fhir_string(text: str) -> str:
    r"""Return ``text`` with each whitespace FHIR refuses replaced by a space.

    >>> fhir_string("10\u00a0mg")
    '10 mg'
    """
    if REFUSED.search(text) is None:
        return text
    return REFUSED.sub(" ", text)


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
