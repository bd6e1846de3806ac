"""Save and load courses as JSON: a versioned, lossless document.

:func:`dumps` writes everything a :class:`~b12course.Course` records, and
:func:`loads` reads it back, so that ``loads(dumps(course)) == course``::

    {
      "format": "b12course",
      "version": 2,
      "id": "c1",
      "zone": "Europe/London",
      "first_dose": "2026-12-01T09:00:00+00:00[Europe/London]",
      "regimen": {"id": "nice-neuro", "phases": [...], ...},
      "given": [...], "skips": [...], "decisions": [...],
      "symptoms": [...], "labs": [...],
      "corrections": [{"record": {"kind": "dose", ...}, "reason": "...",
                       "at": "...", "by": "...", "replacement": {...}}]
    }

Version 2 added ``corrections`` (records voided or amended, see
:meth:`b12course.Course.void`); it is written only when a course has some.
Version 1 documents (written by b12course 0.1 and 0.2) are read unchanged.

Instants are ISO 8601 with their UTC offset, followed by the IANA zone key in
brackets (RFC 9557, as in ``java.time`` and Temporal): the offset fixes the
instant, the key keeps the zone, and together they keep a repeated local time
(the offset says which occurrence) and a local time inside a daylight-saving
gap (stored as written).  An instant in a fixed-offset zone has no key.
Amounts are text (``"1 mg"``, ``"500 mcg"``), exact; enumerations are their
values; a phase's end carries a ``"kind"``.

Reading is strict: unknown fields, wrong types (``"6"`` for 6, ``6.5`` for a
whole number, ``true`` for a number), an unknown format or version, and any
value the model refuses raise :class:`~b12course.exceptions.CourseFormatError`
whose ``path`` names the bad field (``symptoms[3].severity``); nothing else
escapes.

Only this module imports cattrs, and ``import b12course`` does not import this
module: ``b12course.json`` is loaded on first use.

>>> import datetime as dt, zoneinfo
>>> import b12course as b12
>>> start = dt.datetime(2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
>>> neuro = b12.regimens.get("bnf-hydroxocobalamin-neuro")
>>> course = b12.Course.begin(neuro, first_dose=start, id="c1")
>>> text = dumps(course.record_dose(start, site="left deltoid"))
>>> loads(text).given[0].site
'left deltoid'
>>> from b12course.exceptions import CourseFormatError
>>> try:
...     loads(text.replace('"version": 2', '"version": 9'))
... except CourseFormatError as error:
...     print(error.path)
version
"""

from __future__ import annotations

import datetime as dt
import enum
import json as _json
import re
import typing
import zoneinfo
from collections.abc import Callable
from typing import Any

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError
from cattrs.gen import make_dict_structure_fn

from b12course._corrections import RECORD_CLASSES, Record, kind_of
from b12course._course import Course, require_course
from b12course._regimen import PhaseEnd
from b12course._text import require_text
from b12course._time import get_zone
from b12course._units import Amount
from b12course.exceptions import B12CourseError, CourseFormatError

__all__ = ["FORMAT", "VERSION", "dumps", "format_instant", "loads", "parse_instant"]

#: The value of a document's ``"format"`` field.
FORMAT = "b12course"
#: The document version this module writes.
VERSION = 2
#: The document versions this module reads (1: b12course 0.1 and 0.2).
READS = (1, 2)

# The top-level fields that describe the document rather than the course.
_ENVELOPE = ("format", "version", "zone")
_MAX_ZONE_KEY = 64
_INSTANT = re.compile(r"(?P<iso>[^\[\]]+?)(?:\[(?P<key>[^\[\]]*)\])?")
_END_KINDS = {
    "Count": "count",
    "Lasting": "lasting",
    "UntilNoFurtherImprovement": "until_no_further_improvement",
    "UntilLabResult": "until_lab_result",
    "Indefinite": "indefinite",
}


class _InvalidError(Exception):
    """A value of the document is wrong; the message says how."""


@attrs.frozen
class _StepError(Exception):
    """The value at one step (``.name`` or ``[index]``) below here was refused."""

    step: str
    error: BaseException


def _describe(value: object) -> str:
    text = _json.dumps(value, ensure_ascii=True) if _is_json(value) else repr(value)
    shown = text if len(text) <= 40 else text[:37] + "..."  # noqa: PLR2004
    kind = {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
        type(None): "null",
    }.get(type(value), type(value).__name__)
    return f"{kind} {shown}" if value is not None else "null"


def _is_json(value: object) -> bool:
    return isinstance(value, (bool, int, float, str, list, dict)) or value is None


# -- instants ------------------------------------------------------------------


def format_instant(value: dt.datetime) -> str:
    """Return an aware datetime as ISO 8601 with its offset and its IANA key.

    >>> import zoneinfo
    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> format_instant(dt.datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=london))
    '2026-10-25T01:30:00+00:00[Europe/London]'
    """
    text = value.isoformat()
    tz = value.tzinfo
    if isinstance(tz, zoneinfo.ZoneInfo) and tz.key:
        text += f"[{tz.key}]"
    return text


def _zone(key: str) -> zoneinfo.ZoneInfo:
    if len(key) > _MAX_ZONE_KEY:
        raise _InvalidError(f"{key[:_MAX_ZONE_KEY]!r}... is not an IANA zone key")
    try:
        return get_zone(key)
    except B12CourseError as exc:
        raise _InvalidError(f"unknown IANA zone {key!r}") from exc


def parse_instant(text: object) -> dt.datetime:
    """Return the aware datetime written by :func:`format_instant`.

    Raises:
        CourseFormatError: The text is not ISO 8601 with an offset, the zone is
            unknown, or the offset is not one the zone uses at that time.

    >>> parse_instant("2026-10-25T01:30:00+00:00[Europe/London]").fold
    1
    """
    try:
        return _parse_instant(text)
    except _InvalidError as exc:
        raise CourseFormatError("", str(exc)) from exc


def _parse_instant(text: object) -> dt.datetime:
    if not isinstance(text, str):
        raise _InvalidError(
            "expected an ISO 8601 date-time with offset, such as "
            f"'2026-12-01T09:00:00+00:00[Europe/London]', not {_describe(text)}"
        )
    match = _INSTANT.fullmatch(text)
    try:
        if match is None or "T" not in match["iso"]:
            raise ValueError(text)  # noqa: TRY301 - one message for both cases
        parsed = dt.datetime.fromisoformat(match["iso"])
    except ValueError as exc:
        raise _InvalidError(
            f"{text[:60]!r} is not an ISO 8601 date-time such as "
            "'2026-12-01T09:00:00+00:00[Europe/London]'"
        ) from exc
    offset = parsed.utcoffset()
    if offset is None:
        raise _InvalidError(
            f"{text[:60]!r} has no UTC offset; write one, e.g. +00:00 or Z"
        )
    if match["key"] is None:
        return parsed
    zone = _zone(match["key"])
    wall = parsed.replace(tzinfo=None)
    for fold in (0, 1):
        candidate = wall.replace(tzinfo=zone, fold=fold)
        if candidate.utcoffset() == offset:
            return candidate
    raise _InvalidError(
        f"{text[:60]!r}: {zone.key} is not at offset {parsed.isoformat()[19:]} "
        "at that local time"
    )


# -- the converter ----------------------------------------------------------


def _strict(kind: type, expected: str) -> Callable[[object, type], object]:
    def structure(value: object, _type: type) -> object:
        # bool is an int to Python, but never a number in a document.
        if type(value) is not kind and not (kind is float and type(value) is int):
            raise _InvalidError(f"expected {expected}, not {_describe(value)}")
        return value

    return structure


def _structure_text(value: object, _type: type) -> str:
    if type(value) is not str:
        raise _InvalidError(f"expected text, not {_describe(value)}")
    # JSON's "\ud800" is a lone surrogate, which no file can store.
    return require_text("text", value)


def _structure_enum(value: object, kind: type[enum.Enum]) -> enum.Enum:
    for member in kind:
        if type(value) is type(member.value) and value == member.value:
            return member
    choices = ", ".join(repr(m.value) for m in kind)
    raise _InvalidError(f"expected one of {choices}, not {_describe(value)}")


def _structure_amount(value: object, _type: type) -> Amount:
    if not isinstance(value, str):
        raise _InvalidError(
            f"expected an amount such as '1 mg' or '500 mcg', not {_describe(value)}"
        )
    return Amount.parse(value)


def _structure_instant(value: object, _type: type) -> dt.datetime:
    return _parse_instant(value)


def _field_error(
    converter: cattrs.Converter, cls: type, data: dict[str, Any], error: BaseException
) -> BaseException:
    """Find the field whose value the model refused, by checking each alone.

    A validator of an attrs class raises from ``__init__``, after cattrs has
    structured every field, so cattrs cannot say which field it was.  A
    course's own invariants name the field themselves (``error.where``).
    """
    if isinstance(error, B12CourseError) and error.where:
        return _StepError(f".{error.where}", error)
    for field in attrs.fields(cls):
        if field.alias not in data:
            continue
        try:
            value = converter.structure(data[field.alias], field.type)
            if field.converter is not None:
                value = field.converter(value)
            if field.validator is not None:
                field.validator(None, field, value)
        except Exception as exc:  # noqa: BLE001 - any refusal names the field
            return _StepError(f".{field.alias}", exc)
    return error


def _attrs_hook(
    cls: type, converter: cattrs.Converter
) -> Callable[[object, type], object]:
    generated: Callable[[Any, Any], object] = make_dict_structure_fn(
        cls,
        converter,
        _cattrs_forbid_extra_keys=True,
        _cattrs_detailed_validation=True,
    )

    def structure(value: object, kind: type) -> object:
        if not isinstance(value, dict):
            raise _InvalidError(f"expected an object, not {_describe(value)}")
        try:
            return generated(value, kind)
        except ClassValidationError as exc:
            with_notes, without = exc.group_exceptions()
            if with_notes or isinstance(without[0], ForbiddenExtraKeysError):
                raise
            # The class itself refused the values: find the field to blame.
            raise _field_error(converter, cls, value, without[0]) from exc

    return structure


def _is_tuple(kind: object) -> bool:
    origin: object = typing.get_origin(kind)
    return origin is tuple


def _tuple_hook(
    kind: object, converter: cattrs.Converter
) -> Callable[[object, type], object]:
    item = typing.get_args(kind)[0]

    def structure_item(index: int, element: object) -> object:
        try:
            return converter.structure(element, item)
        except Exception as exc:
            raise _StepError(f"[{index}]", exc) from exc

    def structure(value: object, _kind: type) -> tuple[object, ...]:
        if not isinstance(value, list):
            raise _InvalidError(f"expected a list, not {_describe(value)}")
        return tuple(structure_item(i, element) for i, element in enumerate(value))

    return structure


def _end_hooks(
    converter: cattrs.Converter,
) -> tuple[Callable[[Any], dict[str, Any]], Callable[[object, type], object]]:
    kinds = {_END_KINDS[cls.__name__]: cls for cls in typing.get_args(PhaseEnd)}

    def unstructure(end: PhaseEnd) -> dict[str, Any]:
        return {"kind": _END_KINDS[type(end).__name__], **converter.unstructure(end)}

    def structure(value: object, _kind: type) -> object:
        if not isinstance(value, dict):
            raise _InvalidError(f"expected an object, not {_describe(value)}")
        kind = value.get("kind")
        cls = kinds.get(kind) if isinstance(kind, str) else None
        if cls is None:
            choices = ", ".join(repr(k) for k in kinds)
            raise _StepError(
                ".kind",
                _InvalidError(f"expected one of {choices}, not {_describe(kind)}"),
            )
        return converter.structure({k: v for k, v in value.items() if k != "kind"}, cls)

    return unstructure, structure


def _record_hooks(
    converter: cattrs.Converter,
) -> tuple[Callable[[Any], dict[str, Any]], Callable[[object, type], object]]:
    """A corrected record carries its kind (``"dose"``, ``"symptom"``...)."""
    kinds = {kind.value: cls for kind, cls in RECORD_CLASSES.items()}

    def unstructure(record: Record) -> dict[str, Any]:
        kind = kind_of(record)
        assert kind is not None  # noqa: S101 - the model holds records only
        body: dict[str, Any] = converter.unstructure(
            record, unstructure_as=type(record)
        )
        return {"kind": kind.value, **body}

    def structure(value: object, _kind: type) -> object:
        if not isinstance(value, dict):
            raise _InvalidError(f"expected an object, not {_describe(value)}")
        kind = value.get("kind")
        cls = kinds.get(kind) if isinstance(kind, str) else None
        if cls is None:
            choices = ", ".join(repr(k) for k in kinds)
            raise _StepError(
                ".kind",
                _InvalidError(f"expected one of {choices}, not {_describe(kind)}"),
            )
        return converter.structure({k: v for k, v in value.items() if k != "kind"}, cls)

    return unstructure, structure


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(detailed_validation=True, forbid_extra_keys=True)
    converter.register_unstructure_hook(dt.datetime, format_instant)
    converter.register_structure_hook(dt.datetime, _structure_instant)
    converter.register_unstructure_hook(Amount, str)
    converter.register_structure_hook(Amount, _structure_amount)
    for kind, expected in (
        (int, "a whole number"),
        (float, "a number"),
        (bool, "true or false"),
    ):
        converter.register_structure_hook(kind, _strict(kind, expected))
    converter.register_structure_hook(str, _structure_text)
    converter.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _structure_enum
    )
    converter.register_structure_hook_factory(
        attrs.has, lambda cls: _attrs_hook(cls, converter)
    )
    converter.register_structure_hook_factory(
        _is_tuple,
        lambda t: _tuple_hook(t, converter),
    )
    unstructure_end, structure_end = _end_hooks(converter)
    converter.register_unstructure_hook_func(lambda t: t == PhaseEnd, unstructure_end)
    converter.register_structure_hook_func(lambda t: t == PhaseEnd, structure_end)
    unstructure_record, structure_record = _record_hooks(converter)
    converter.register_unstructure_hook_func(lambda t: t == Record, unstructure_record)
    converter.register_structure_hook_func(lambda t: t == Record, structure_record)
    converter.register_unstructure_hook_func(
        lambda t: t == Record | None,
        lambda r: None if r is None else unstructure_record(r),
    )
    converter.register_structure_hook_func(
        lambda t: t == Record | None,
        lambda v, t: None if v is None else structure_record(v, t),
    )
    return converter


_converter = _make_converter()


# -- errors ------------------------------------------------------------------


def _locate(exc: BaseException, path: str) -> tuple[str, str]:  # noqa: PLR0911
    """Return the path of the first problem inside ``exc`` and what it was.

    One return per kind of problem: cattrs' groups, a step down the document,
    an unknown or missing field, a refusal by the model, anything else.
    """
    if isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        if with_notes:
            inner, note = with_notes[0]
            return _locate(inner, f"{path}.{note.name}")
        return _locate(without[0], path)
    if isinstance(exc, _StepError):
        return _locate(exc.error, path + exc.step)
    if isinstance(exc, ForbiddenExtraKeysError):
        names = ", ".join(sorted(exc.extra_fields))
        return path, (
            f"unknown field(s) {names}; version {VERSION} documents do not have them"
        )
    if isinstance(exc, KeyError):  # cattrs has already noted which field
        return path, "missing"
    if isinstance(exc, (_InvalidError, B12CourseError)):
        return path, str(exc)
    # A safety net: the model refuses values with B12CourseError.
    return path, f"invalid value ({type(exc).__name__}: {exc})"  # pragma: no cover


# -- the public functions -------------------------------------------------------


def dumps(course: Course, *, indent: int | None = None) -> str:
    r"""Return ``course`` as a JSON document (a ``str``).

    Args:
        course: The course to save.
        indent: Indent nested values by this many spaces; None (the default)
            writes one compact line.

    Returns:
        JSON text, ASCII only (other characters are ``\u`` escapes), so any
        text a course holds survives any storage.

    Fields added after version 1 was first written (``given[].by``,
    ``pregnant_or_breastfeeding``, ``corrections``, ``confirmations``,
    ``decisions[].by``, ``regimen.maintainer_notes``, an indefinite end's
    ``wording``) are left out while they hold their default, so a course that
    does not use them reads the same as before.

    Raises:
        NotACourseError: ``course`` is not a Course.
    """
    course = require_course(course)
    body: dict[str, Any] = _converter.unstructure(course)
    _drop_defaults(body)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "id": body.pop("id"),
        "zone": course.zone.key,
        "first_dose": body.pop("first_dose"),
        "regimen": body.pop("regimen"),
        **body,
    }
    return _json.dumps(document, indent=indent, ensure_ascii=True, allow_nan=False)


def _drop_defaults(body: dict[str, Any]) -> None:
    """Leave out the newer fields that hold their default (see :func:`dumps`)."""
    for key in ("pregnant_or_breastfeeding", "corrections", "confirmations"):
        if not body[key]:
            del body[key]
    for record in (*body["given"], *body["decisions"]):
        if record["by"] is None:
            del record["by"]
    regimen = body["regimen"]
    if not regimen["maintainer_notes"]:
        del regimen["maintainer_notes"]
    for phase in regimen["phases"]:
        if phase["end"].get("wording") == "for life":
            del phase["end"]["wording"]


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise CourseFormatError(key, "appears twice in one object")
        result[key] = value
    return result


def _refuse_constant(name: str) -> float:
    raise CourseFormatError("", f"{name} is not a JSON number")


def _parse_json(text: str | bytes | bytearray) -> object:
    if not isinstance(text, (str, bytes, bytearray)):
        raise CourseFormatError(
            "", f"expected JSON text (str or bytes), not {type(text).__name__}"
        )
    try:
        return _json.loads(
            text, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant
        )
    except RecursionError:
        raise CourseFormatError("", "nested too deeply to be a course") from None
    except ValueError as exc:  # JSONDecodeError, bad UTF-8, huge integers
        if isinstance(exc, CourseFormatError):
            raise
        raise CourseFormatError("", f"not valid JSON: {exc}") from None


def _check_envelope(document: object) -> None:
    if not isinstance(document, dict):
        raise CourseFormatError(
            "", f"a course document is a JSON object, not {_describe(document)}"
        )
    if document.get("format") != FORMAT:
        raise CourseFormatError(
            "format",
            f"expected {FORMAT!r}: this is not a b12course document "
            f"(found {_describe(document.get('format'))})",
        )
    version = document.get("version")
    if type(version) is not int:
        raise CourseFormatError(
            "version", f"expected a whole number, not {_describe(version)}"
        )
    if version not in READS:
        raise CourseFormatError(
            "version",
            f"this b12course reads version 1 and {VERSION} documents, not "
            f"{version}; upgrade b12course to read newer ones",
        )
    if version == 1 and "corrections" in document:
        raise CourseFormatError(
            "",
            "unknown field(s) corrections; version 1 documents do not have them",
        )


def _check_zone(course: Course, zone: object) -> None:
    """Check the envelope's zone against the course (the model checks the rest)."""
    if zone != course.zone.key:
        raise CourseFormatError(
            "zone",
            f"{_describe(zone)} does not match the first dose's zone "
            f"{course.zone.key!r}",
        )


def loads(text: str | bytes | bytearray) -> Course:
    """Return the course stored in a JSON document written by :func:`dumps`.

    Args:
        text: The document, as text or UTF-8 bytes.

    Returns:
        The course, equal to the one saved.

    Raises:
        CourseFormatError: The text is not JSON, not a b12course document, of
            another version, or holds a missing, unknown, wrongly typed or
            refused field; ``path`` says where (e.g. ``symptoms[3].severity``).
    """
    document = _parse_json(text)
    _check_envelope(document)
    assert isinstance(document, dict)  # noqa: S101 - checked above; for mypy
    body = {k: v for k, v in document.items() if k not in _ENVELOPE}
    try:
        course = _converter.structure(body, Course)
    except Exception as exc:  # every refusal becomes one error type
        path, detail = _locate(exc, "")
        raise CourseFormatError(path.lstrip("."), detail) from exc
    _check_zone(course, document.get("zone"))
    return course
