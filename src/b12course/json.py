"""Save and load courses as JSON: a versioned, lossless document.

:func:`dumps` writes everything a :class:`~b12course.Course` records, and
:func:`loads` reads it back, so that ``loads(dumps(course)) == course``::

    {
      "format": "b12course",
      "version": 2,
      "id": "c1",
      "zone": "Europe/London",
      "first_dose": "2026-12-01T09:00:00+00:00[Europe/London]",
      "regimen": {"id": "bnf-hydroxocobalamin-neuro", "phases": [...], ...},
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
values; a phase's end and a corrected record carry a ``"kind"``.

Reading is strict: unknown fields, wrong types (``"6"`` for 6, ``6.5`` for a
whole number, ``true`` for a number), an unknown format or version, and any
value the model refuses raise :class:`~b12course.exceptions.CourseFormatError`
whose ``path`` names the bad field (``symptoms[3].severity``); nothing else
escapes.

One description of the format drives the reader, the writer and the JSON
Schema (:func:`schema`): the attrs classes of the model, read with
``attrs.fields``, plus a small table of overrides (instants and amounts are
text; a phase's end and a corrected record are tagged objects).  The first
use of a class generates its reader and writer, specialised to its fields; a
field added to the model with a default is read and written without any change
here (it is left out of a document while it holds its default, so older
readers still read it).

Reading shares what courses have in common: a regimen read before (or equal to
a preset) is the same object in every course that follows it, and so are
equal doses; zones are shared by ``zoneinfo``.

``import b12course`` does not import this module: ``b12course.json`` is loaded
on first use.

>>> import datetime as dt, zoneinfo
>>> import b12course as b12
>>> start = dt.datetime(2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
>>> preset = b12.regimens.get("bnf-hydroxocobalamin-neuro")
>>> course = b12.Course.begin(preset, first_dose=start, id="c1")
>>> text = dumps(course.record_dose(start, site="left deltoid"))
>>> loads(text).given[0].site
'left deltoid'
>>> loads(text).regimen is preset
True
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
import types
import typing
import zoneinfo
from collections.abc import Callable
from json.encoder import encode_basestring_ascii
from typing import Any

import attrs

from b12course._checks import instance_of
from b12course._corrections import RECORD_CLASSES, Record
from b12course._course import Course, InOrder, require_course
from b12course._records import Administrator
from b12course._regimen import Dose, PhaseEnd, Regimen
from b12course._text import require_text, text_validator
from b12course._time import EARLIEST, LATEST, aware, get_zone
from b12course._units import Amount
from b12course.exceptions import B12CourseError, CourseFormatError

__all__ = [
    "FORMAT",
    "READS",
    "VERSION",
    "dumps",
    "format_instant",
    "loads",
    "parse_instant",
    "schema",
]

#: The value of a document's ``"format"`` field.
FORMAT = "b12course"
#: The document version this module writes.
VERSION = 2
#: The document versions this module reads, version 1 (written by b12course 0.1
#: and 0.2) and version 2.
READS = (1, 2)

# The top-level fields that describe the document rather than the course.
_ENVELOPE = ("format", "version", "zone")
_MAX_ZONE_KEY = 64
_INSTANT = re.compile(r"(?P<iso>[^\[\]]+?)(?:\[(?P<key>[^\[\]]*)\])?")
_INSTANT_PATTERN = (
    r"^\d{4}-\d{2}-\d{2}T[^\[\]]+([+-]\d{2}:\d{2}(:\d{2}(\.\d+)?)?|Z)"
    r"(\[[^\[\]]{1,64}\])?$"
)
_AMOUNT_PATTERN = r"^\s*[0-9][0-9,]*(\.[0-9]+)?\s*[A-Za-zµ]+\s*$"
_END_KINDS = {
    "Count": "count",
    "Lasting": "lasting",
    "UntilNoFurtherImprovement": "until_no_further_improvement",
    "UntilLabResult": "until_lab_result",
    "Indefinite": "indefinite",
}
# The fields version 1 wrote even while they held their default.  Any other
# field that has a default (one added to the model later) is left out of a
# document while it holds it, so documents that do not use it stay as they
# were.  This is a record of the format's history, not of the model: a new
# field needs no entry here.
_WRITTEN_AT_DEFAULT: dict[str, frozenset[str]] = {
    "Course": frozenset({"id", "given", "skips", "decisions", "symptoms", "labs"}),
    "AdministeredDose": frozenset({"site", "lot", "note"}),
    "DoseSkip": frozenset({"reason", "phase", "number_in_phase"}),
    "PhaseDecision": frozenset({"reason", "basis"}),
    "SymptomEntry": frozenset(
        {"name", "during_sleep", "multifocal", "body_sites", "triggers", "note"}
    ),
    "Cadence": frozenset({"weekdays"}),
    "Lasting": frozenset({"days", "weeks", "months"}),
    "UntilNoFurtherImprovement": frozenset({"review_after"}),
    "UntilLabResult": frozenset({"review_after", "result"}),
    "Phase": frozenset({"anchoring", "condition"}),
    "Regimen": frozenset({"source", "notes"}),
}
# How many regimens and doses read before are kept to be shared.
_SHARED_LIMIT = 4096


class _InvalidError(Exception):
    """A value of the document is wrong; the message says how."""


class _StepError(Exception):
    """The value at one step (``.name`` or ``[index]``) below here was refused."""

    def __init__(self, step: str, error: BaseException) -> None:
        super().__init__(step, error)
        self.step = step
        self.error = error


class _MissingError(Exception):
    """A field without a default is not in its object."""


class _ExtraError(Exception):
    """An object holds fields its class does not have."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(names)
        self.names = names


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
    """Write an aware datetime as ISO 8601 with its offset and its IANA key.

    >>> import zoneinfo
    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> format_instant(dt.datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=london))
    '2026-10-25T01:30:00+00:00[Europe/London]'
    """
    tz = value.tzinfo
    suffix = _SUFFIXES.get(tz)
    if suffix is None:
        suffix = f"[{tz.key}]" if isinstance(tz, zoneinfo.ZoneInfo) and tz.key else ""
        if len(_SUFFIXES) < _SHARED_LIMIT:
            _SUFFIXES[tz] = suffix
    return value.isoformat() + suffix


_SUFFIXES: dict[object, str] = {}


def _zone(key: str) -> zoneinfo.ZoneInfo:
    if len(key) > _MAX_ZONE_KEY:
        raise _InvalidError(f"{key[:_MAX_ZONE_KEY]!r}... is not an IANA zone key")
    try:
        return get_zone(key)
    except B12CourseError as exc:
        raise _InvalidError(f"unknown IANA zone {key!r}") from exc


_ZONES: dict[str, zoneinfo.ZoneInfo] = {}


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


def _parse_instant(text: object, _count: object = None) -> dt.datetime:
    if type(text) is not str:
        raise _InvalidError(
            "expected an ISO 8601 date-time with offset, such as "
            f"'2026-12-01T09:00:00+00:00[Europe/London]', not {_describe(text)}"
        )
    found = _instant_and_key(text)
    return found[0] if found is not None else _parse_instant_slowly(text)


def _instant_and_key(text: str) -> tuple[dt.datetime, dt.datetime] | None:
    """Read ``"<ISO 8601>[<key>]"`` of a zone read before, fast (None: slowly).

    Returns the instant in its zone and the same instant at the offset
    written (a fixed offset), which orders instants as UTC does: a reader
    checks records' order with it without converting them again.  The
    instant in the zone has the offset written only if its wall time is as
    written, and then its fold is the right one.
    """
    if text[-1:] == "]":
        at = text.find("[")
        zone = _ZONES.get(text[at + 1 : -1]) if at > 0 else None
        if zone is not None and text.find("T", 0, at) >= 0:
            try:
                parsed = dt.datetime.fromisoformat(text[:at])
                offset = parsed.utcoffset()
                candidate = parsed.astimezone(zone) if offset is not None else None
            except (ValueError, OverflowError):  # said by the slow path
                return None
            if candidate is not None and candidate.utcoffset() == offset:
                return candidate, parsed
    return None


def _parse_instant_slowly(text: str) -> dt.datetime:
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
    if len(_ZONES) < _SHARED_LIMIT:
        _ZONES[match["key"]] = zone
    wall = parsed.replace(tzinfo=None)
    for fold in (0, 1):
        candidate = wall.replace(tzinfo=zone, fold=fold)
        if candidate.utcoffset() == offset:
            return candidate
    raise _InvalidError(
        f"{text[:60]!r}: {zone.key} is not at offset {parsed.isoformat()[19:]} "
        "at that local time"
    )


# -- the description of the format ----------------------------------------------
#
# Every reader takes the JSON value and a one-item list counting the object
# keys it consumed (see _parse_json: how duplicated keys are found), and
# raises _InvalidError, _StepError, _MissingError or _ExtraError, or the
# model's own B12CourseError, when it refuses the value.  Every writer takes a
# model value and returns a JSON value.

_Reader = Callable[[Any, list[int]], Any]
_Writer = Callable[[Any], Any]
_MISSING = object()


def _scalar_reader(kind: type, expected: str) -> _Reader:
    def read(value: object, _count: list[int]) -> object:
        # bool is an int to Python, but never a number in a document.
        if type(value) is not kind and not (kind is float and type(value) is int):
            raise _InvalidError(f"expected {expected}, not {_describe(value)}")
        return value

    return read


def _read_text(value: object, _count: list[int]) -> str:
    if type(value) is not str:
        raise _InvalidError(f"expected text, not {_describe(value)}")
    if not value.isascii():
        # JSON's "\ud800" is a lone surrogate, which no file can store.
        require_text("text", value)
    return value


def _enum_reader(kind: type[enum.Enum]) -> _Reader:
    members = {member.value: member for member in kind}
    kinds = {type(value) for value in members}

    def read(value: object, _count: list[int]) -> enum.Enum:
        if type(value) in kinds:
            member = members.get(value)
            if member is not None and type(member.value) is type(value):
                return member
        choices = ", ".join(repr(m.value) for m in kind)
        raise _InvalidError(f"expected one of {choices}, not {_describe(value)}")

    return read


_AMOUNTS: dict[str, Amount] = {}


def _read_amount(value: object, _count: list[int]) -> Amount:
    found = _AMOUNTS.get(value) if type(value) is str else None
    if found is not None:
        return found
    if not isinstance(value, str):
        raise _InvalidError(
            f"expected an amount such as '1 mg' or '500 mcg', not {_describe(value)}"
        )
    amount = Amount.parse(value)
    if len(_AMOUNTS) < _SHARED_LIMIT:
        _AMOUNTS[value] = amount
    return amount


def _optional_reader(read: _Reader) -> _Reader:
    def read_optional(value: object, count: list[int]) -> object:
        return None if value is None else read(value, count)

    return read_optional


def _tuple_reader(read_item: _Reader) -> _Reader:
    def read(value: object, count: list[int]) -> tuple[object, ...]:
        if type(value) is not list:
            raise _InvalidError(f"expected a list, not {_describe(value)}")
        try:
            return tuple([read_item(element, count) for element in value])
        except Exception:  # noqa: BLE001, S110 - read again below, to name the item
            pass
        items = []
        for index, element in enumerate(value):
            try:
                items.append(read_item(element, count))
            except Exception as exc:  # noqa: PERF203 - free in 3.11; names the item
                raise _StepError(f"[{index}]", exc) from exc
        return tuple(items)

    return read


def _tags(kind: object) -> dict[type, str]:
    """The tag (``"kind"``) of each class of a tagged union: an end or a record."""
    if kind == PhaseEnd:
        return {cls: _END_KINDS[cls.__name__] for cls in typing.get_args(PhaseEnd)}
    return {cls: tag.value for tag, cls in RECORD_CLASSES.items()}


def _is_tagged(kind: object) -> bool:
    return kind == PhaseEnd or kind == Record  # noqa: PLR1714 - unions, not values


def _end_reader(union: object = PhaseEnd) -> _Reader:
    kinds = {tag: cls for cls, tag in _tags(union).items()}

    def read(value: object, count: list[int]) -> object:
        if type(value) is not dict:
            raise _InvalidError(f"expected an object, not {_describe(value)}")
        kind = value.get("kind")
        cls = kinds.get(kind) if type(kind) is str else None
        if cls is None:
            choices = ", ".join(repr(k) for k in kinds)
            raise _StepError(
                ".kind",
                _InvalidError(f"expected one of {choices}, not {_describe(kind)}"),
            )
        count[0] += 1
        return _reader(cls)({k: v for k, v in value.items() if k != "kind"}, count)

    return read


def _end_writer(end: object) -> dict[str, Any]:
    write = _writer(type(end))
    assert write is not None  # noqa: S101 - an attrs class always has a writer
    return {"kind": _END_KINDS[type(end).__name__], **write(end)}


_RECORD_TAGS = {cls: tag.value for tag, cls in RECORD_CLASSES.items()}


def _record_writer(record: object) -> dict[str, Any]:
    write = _writer(type(record))
    assert write is not None  # noqa: S101 - an attrs class always has a writer
    return {"kind": _RECORD_TAGS[type(record)], **write(record)}


def _is_optional(kind: object) -> object | None:
    """Return X for ``X | None`` (either spelling), else None."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        args = typing.get_args(kind)
        if type(None) in args:
            rest = [a for a in args if a is not type(None)]
            inner: object = rest[0]
            for other in rest[1:]:  # a union with None, as Record | None
                inner = inner | other
            return inner
    return None


_READERS: dict[object, _Reader] = {
    str: _read_text,
    int: _scalar_reader(int, "a whole number"),
    float: _scalar_reader(float, "a number"),
    bool: _scalar_reader(bool, "true or false"),
    dt.datetime: _parse_instant,
    Amount: _read_amount,
}
_WRITERS: dict[object, _Writer | None] = {  # None: the value is its own JSON
    str: None,
    int: None,
    float: None,
    bool: None,
    dt.datetime: format_instant,
    Amount: str,
    PhaseEnd: _end_writer,
    Record: _record_writer,
}


def _reader(kind: Any) -> _Reader:  # noqa: ANN401 - any type of the model
    """Return the reader of values of ``kind``, made on first use."""
    found = _READERS.get(kind)
    if found is None:
        inner = _is_optional(kind)
        if inner is not None:
            found = _optional_reader(_reader(inner))
        elif typing.get_origin(kind) is tuple:
            found = _tuple_reader(_reader(typing.get_args(kind)[0]))
        elif _is_tagged(kind):
            found = _end_reader(kind)
        elif isinstance(kind, type) and issubclass(kind, enum.Enum):
            found = _enum_reader(kind)
        elif attrs.has(kind):
            found = _class_reader(kind)
        else:  # pragma: no cover - the model has no other kind of field
            msg = f"b12course.json cannot read {kind!r}"
            raise TypeError(msg)
        _READERS[kind] = found
    return found


def _writer(kind: Any) -> _Writer | None:  # noqa: ANN401 - any type of the model
    """Return the writer of ``kind``, made on first use (None: values as they are)."""
    if kind in _WRITERS:
        return _WRITERS[kind]
    found: _Writer | None
    inner = _is_optional(kind)
    if inner is not None:
        write = _writer(inner)
        found = None if write is None else _optional_writer(write)
    elif typing.get_origin(kind) is tuple:
        write = _writer(typing.get_args(kind)[0])
        found = list if write is None else _list_writer(write)
    elif isinstance(kind, type) and issubclass(kind, enum.Enum):
        found = _enum_value
    elif attrs.has(kind):
        found = _class_writer(kind)
    else:  # pragma: no cover - the model has no other kind of field
        msg = f"b12course.json cannot write {kind!r}"
        raise TypeError(msg)
    _WRITERS[kind] = found
    return found


def _enum_value(member: enum.Enum) -> object:
    return member.value


def _optional_writer(write: _Writer) -> _Writer:
    def write_optional(value: object) -> object:
        return None if value is None else write(value)

    return write_optional


def _list_writer(write: _Writer) -> _Writer:
    def write_list(values: tuple[object, ...]) -> list[object]:
        return [write(v) for v in values]

    return write_list


def _fields(cls: type) -> tuple[tuple[attrs.Attribute[Any], Any], ...]:
    """The fields of an attrs class, each with its type resolved."""
    hints = typing.get_type_hints(cls)
    return tuple((f, hints[f.name]) for f in attrs.fields(cls) if f.init)


def _default(field: attrs.Attribute[Any]) -> object:
    """The value a field takes when it is left out (``_MISSING``: it is required)."""
    default = field.default
    if default is attrs.NOTHING:
        return _MISSING
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return default.factory()  # type: ignore[union-attr]
    return default


def _class_reader(cls: type) -> _Reader:
    """Generate the reader of one attrs class: one function, its fields unrolled."""
    fields = _fields(cls)
    known = frozenset(f.alias for f, _ in fields)
    if cls is Course:
        known |= frozenset(_ENVELOPE)
    trusted = _trusted(cls, fields)
    namespace: dict[str, Any] = {
        "cls": cls,
        "known": known,
        "MISSING": _MISSING,
        "StepError": _StepError,
        "MissingError": _MissingError,
        "refused": _refused,
        "invalid": _not_an_object,
        "extra": _extra,
        "new": object.__new__,
        "set": object.__setattr__,
    }
    lines = [
        "def read(value, count):",
        "    if type(value) is not dict:",
        "        raise invalid(value)",
        "    count[0] += len(value)",
        "    get = value.get",
    ]
    arguments, settings = [], []
    for i, (field, kind) in enumerate(fields):
        name = field.alias
        if cls is Course and field.name in _IN_TIME_ORDER:
            namespace[f"read_{i}"] = _records_reader(typing.get_args(kind)[0])
        elif cls is Course and field.name in _CHECKED_BY_COURSE:
            namespace[f"read_{i}"] = _none_in_order(_reader(kind))
        else:
            namespace[f"read_{i}"] = _reader(kind)
        default = field.default
        if default is attrs.NOTHING:
            missing = f"raise StepError('.{name}', MissingError())"
        elif isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            namespace[f"default_{i}"] = default.factory  # type: ignore[union-attr]
            missing = f"x_{i} = default_{i}()"
        else:
            namespace[f"default_{i}"] = default
            missing = f"x_{i} = default_{i}"
        lines += [
            f"    v = get({name!r}, MISSING)",
            "    if v is MISSING:",
            f"        {missing}",
            *_inline(kind, f"x_{i}"),
            "    else:",
            "        try:",
            f"            x_{i} = read_{i}(v, count)",
            "        except Exception as exc:",
            f"            raise StepError('.{name}', exc) from exc",
        ]
        arguments.append(f"{name}=x_{i}")
        settings.append(f"    set(o, {field.name!r}, x_{i})")
    lines += ["    if not value.keys() <= known:", "        raise extra(value, known)"]
    if trusted:
        # Every check of the class is one the reader made: build it directly.
        lines += ["    o = new(cls)", *settings, "    return o"]
    else:
        lines += [
            "    try:",
            f"        return cls({', '.join(arguments)})",
            "    except Exception as exc:",
            "        raise refused(cls, value, exc) from exc",
        ]
    exec("\n".join(lines), namespace)  # noqa: S102 - code generated from attrs.fields
    read: _Reader = namespace["read"]
    share = _SHARED.get(cls)
    return read if share is None else share(read)


def _inline(kind: object, target: str) -> list[str]:
    """Lines reading the commonest values of ``kind`` without a call (or none)."""
    if kind is str or _is_optional(kind) is str:
        none = (
            ["    elif v is None:", f"        {target} = None"]
            if kind is not str
            else []
        )
        # ASCII text holds no lone surrogate.
        return [
            *none,
            "    elif type(v) is str and v.isascii():",
            f"        {target} = v",
        ]
    if _is_optional(kind) is not None:
        return ["    elif v is None:", f"        {target} = None"]
    return []


# The course's records kept in time order, without duplicates, by instant.
_IN_TIME_ORDER = ("given", "symptoms", "labs")
# The course's records it checks in one pass, which it takes InOrder as they are.
_CHECKED_BY_COURSE = (*_IN_TIME_ORDER, "skips", "decisions", "confirmations")
_NONE = InOrder()


def _none_in_order(read: _Reader) -> _Reader:
    """Read no records (an empty list) as :class:`InOrder`: nothing to check."""

    def read_records(value: object, count: list[int]) -> object:
        return _NONE if value == [] else read(value, count)

    return read_records


# What follows the wall time of an instant ("+01:00[Europe/London]", at 19)
# read before: its zone and its offset.
_SUFFIXES_READ: dict[str, tuple[zoneinfo.ZoneInfo, dt.timedelta]] = {}


def _learn_instant(text: object) -> tuple[dt.datetime, dt.datetime] | None:
    """:func:`_instant_and_key`, keeping the suffix of a text of the usual shape."""
    found = _instant_and_key(text) if type(text) is str else None
    if found is not None and text[19:20] in {"+", "-"} and text[25:26] == "[":  # type: ignore[index]
        offset = found[1].utcoffset()
        if offset is not None and len(_SUFFIXES_READ) < _SHARED_LIMIT:
            _SUFFIXES_READ[text[19:]] = (found[0].tzinfo, offset)  # type: ignore[index,assignment]
    return found


def _records_reader(cls: type) -> _Reader:
    """Return the reader of a course's list of records of one class.

    It is generated (:func:`_generate_records_reader`) when a first
    document holds such records: a course file read once by a command
    compiles only the readers of what it holds.
    """
    generated: list[_Reader] = []

    def read(values: object, count: list[int]) -> object:
        if values == []:
            return _NONE
        if not generated:
            generated.append(_generate_records_reader(cls))
        return generated[0](values, count)

    return read


def _generate_records_reader(cls: type) -> _Reader:
    """Generate the reader of a course's list of records of one class.

    One function, the loop and the fields unrolled: it reads each record
    holding the fields the writer writes (any other field at its default or
    given) whose instant ``at`` is ``"<wall>+hh:mm[<key>]"`` with a suffix
    read before (its zone and offset are then known without a search: the
    text is parsed once and converted to the zone once, its offset checked,
    as :func:`_instant_and_key` does); any other record is read by the
    class's reader.  When every
    record was read so and their instants are within bounds and strictly
    increasing, the list is given to the course as :class:`InOrder`: the
    course then neither converts the instants again nor sorts them nor
    looks for duplicates.  Any other list is given to the course as it is,
    which sorts it or refuses it as usual.
    """
    fields = _fields(cls)
    always = _WRITTEN_AT_DEFAULT.get(cls.__name__, frozenset())
    namespace: dict[str, Any] = {
        "cls": cls,
        "slowly": _reader(cls),
        "list_slowly": _tuple_reader(_reader(cls)),
        "new": object.__new__,
        "suffixes": _SUFFIXES_READ,
        "learn": _learn_instant,
        "fromisoformat": dt.datetime.fromisoformat,
        "doses": _DOSES,
        "MISSING": _MISSING,
        "InOrder": InOrder,
        "NONE": _NONE,
        "EARLIEST": EARLIEST,
        "LATEST": LATEST,
    }
    written, instant = 0, False
    lines: list[str] = []
    arguments, settings = [], []
    for i, (field, kind) in enumerate(fields):
        name = field.alias
        default = field.default
        if name == "at" and kind is dt.datetime:
            instant = True
            written += 1
            lines += [
                f"v = value[{name!r}]",
                "found = suffixes.get(v[19:]) if v[10:11] == 'T' else None",
                "if found is None:",
                "    found = learn(v)",
                f"    x_{i}, key = found",
                "else:",
                "    key = fromisoformat(v[:25])",
                f"    x_{i} = key.astimezone(found[0])",
                f"    if x_{i}.utcoffset() != found[1]:",
                "        raise LookupError",
            ]
        elif default is not attrs.NOTHING and field.name not in always:
            # Left out at its default: read it when it is there.
            namespace[f"read_{i}"] = _reader(kind)
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                namespace[f"default_{i}"] = default.factory  # type: ignore[union-attr]
                absent = f"default_{i}()"
            else:
                namespace[f"default_{i}"] = default
                absent = f"default_{i}"
            lines += [
                f"v = value.get({name!r}, MISSING)",
                "if v is MISSING:",
                f"    x_{i} = {absent}",
                "else:",
                "    given += 1",
                f"    x_{i} = read_{i}(v, count)",
            ]
        else:
            written += 1
            lines.append(f"v = value[{name!r}]")
            namespace[f"read_{i}"] = _reader(kind)
            if kind is Dose:
                # Equal to a dose of only texts read before: the same dose.
                lines += [
                    "if v == dose_read:",
                    f"    x_{i} = dose",
                    "    count[0] += len(v)",
                    "else:",
                    f"    x_{i} = doses.get(tuple(v.items()))",
                    f"    if x_{i} is None:",
                    f"        x_{i} = read_{i}(v, count)",
                    "    else:",
                    f"        dose_read, dose = v, x_{i}",
                    "        count[0] += len(v)",
                ]
            else:
                inline = [line[4:] for line in _inline(kind, f"x_{i}")]
                lines += [
                    "if False:",
                    "    pass",
                    *inline,
                    "else:",
                    f"    x_{i} = read_{i}(v, count)",
                ]
        arguments.append(f"{name}=x_{i}")
        namespace[f"set_{i}"] = getattr(cls, field.name).__set__
        settings.append(f"set_{i}(o, x_{i})")
    if not instant:  # pragma: no cover - every record has an instant "at"
        msg = f"{cls.__name__} has no instant 'at'"
        raise TypeError(msg)
    if _trusted(cls, fields):
        lines += ["o = new(cls)", *settings]
    else:
        lines.append(f"o = cls({', '.join(arguments)})")
    code = [
        "def read(values, count):",
        "    if type(values) is not list:",
        "        return list_slowly(values, count)",
        "    if not values:",
        "        return NONE",
        "    before = count[0]",
        "    records = []",
        "    append = records.append",
        "    ordered = True",
        "    last = dose_read = dose = None",
        "    try:",
        "        for value in values:",
        "            mark = count[0]",
        "            given = 0",
        "            try:",
        *["                " + line for line in lines],
        f"                if len(value) != {written} + given:",
        "                    raise LookupError",
        "            except Exception:",
        "                count[0] = mark",
        "                append(slowly(value, count))",
        "                ordered = False",
        "                continue",
        f"            count[0] += {written} + given",
        "            append(o)",
        "            if last is not None and not last < key:",
        "                ordered = False",
        "            last = key",
        "    except Exception:  # read again, to name the record",
        "        count[0] = before",
        "        return list_slowly(values, count)",
        "    if ordered and records[0].at >= EARLIEST and last < LATEST:",
        "        return InOrder(records)",
        "    return tuple(records)",
    ]
    exec("\n".join(code), namespace)  # noqa: S102 - code generated from attrs.fields
    read: _Reader = namespace["read"]
    return read


def _trusted(cls: type, fields: tuple[tuple[attrs.Attribute[Any], Any], ...]) -> bool:
    """Whether every check ``cls`` makes on construction is one its reader made.

    Then its reader builds it without calling ``__init__`` (the costliest part
    of reading the many doses given).  Only checks known to test just the
    type a reader already gives count (:data:`_READER_CHECKS`); any other
    validator, converter or ``__attrs_post_init__`` (a field added later with
    checks of its own) makes the reader call the class as usual.
    """
    if hasattr(cls, "__attrs_post_init__") or cls is Course:
        return False
    return all(
        _implied(field.validator, kind) and _implied(field.converter, kind)
        for field, kind in fields
    )


def _implied(check: object, kind: object) -> bool:
    if check is None:
        return True
    inner = _is_optional(kind)
    if isinstance(check, _OPTIONAL):
        wrapped = check.validator  # type: ignore[attr-defined]
        return inner is not None and _implied(wrapped, inner)
    if getattr(check, "__code__", None) is _INSTANCE_OF_CODE:
        # b12course._checks.instance_of(cls, ...): the reader gives a cls.
        wanted = check.__closure__[0].cell_contents  # type: ignore[attr-defined]
        return isinstance(kind, type) and issubclass(kind, wanted)
    try:
        implied = _READER_CHECKS.get(check)
    except TypeError:  # an unhashable check: not one of these
        return False
    if implied is None:
        name = (
            getattr(check, "__module__", None),
            getattr(check, "__qualname__", None),
        )
        implied = _READER_CONVERTERS.get(name)
    return implied is not None and (kind in implied or inner in implied)


_INSTANCE_OF_CODE = instance_of(object, "").__code__
_OPTIONAL = type(attrs.validators.optional(text_validator))
# Validators and converters that only check (or keep) what the reader of a
# field's type gives: an aware datetime, text without lone surrogates, a
# member of the field's enumeration.
_READER_CHECKS: dict[object, tuple[object, ...]] = {
    aware: (dt.datetime,),
    text_validator: (str,),
}
# Converters that give back what the reader gives them (text stays text, a
# member stays itself), named by module and name.
_READER_CONVERTERS: dict[tuple[object, object], tuple[object, ...]] = {
    ("b12course._records", "_enum_text"): (str,),
    ("b12course._records", "_administrator"): (Administrator,),
}


def _not_an_object(value: object) -> _InvalidError:
    return _InvalidError(f"expected an object, not {_describe(value)}")


def _extra(value: dict[str, Any], known: frozenset[str]) -> _ExtraError:
    return _ExtraError(sorted(k for k in value if k not in known))


def _refused(cls: type, data: dict[str, Any], error: Exception) -> BaseException:
    """Find the field whose value the model refused, by checking each alone.

    A validator of an attrs class raises from ``__init__``, after every field
    was read, so the error does not say which field it was.  A course's own
    invariants name the field themselves (``error.where``).
    """
    if isinstance(error, B12CourseError) and error.where:
        return _StepError(f".{error.where}", error)
    for field, kind in _fields(cls):
        if field.alias not in data:
            continue
        try:
            value = _reader(kind)(data[field.alias], [0])
            if field.converter is not None:
                value = field.converter(value)  # type: ignore[operator]
            if field.validator is not None:
                field.validator(None, field, value)
        except Exception as exc:  # noqa: BLE001 - any refusal names the field
            return _StepError(f".{field.alias}", exc)
    return error


def _class_writer(cls: type) -> _Writer:
    """Generate the writer of one attrs class: one dict display, its fields unrolled."""
    fields = _fields(cls)
    always = _WRITTEN_AT_DEFAULT.get(cls.__name__, frozenset())
    namespace: dict[str, Any] = {}
    items, optional = [], []
    for i, (field, kind) in enumerate(fields):
        field_writer = _writer(kind)
        namespace[f"write_{i}"] = field_writer
        value = (
            f"o.{field.name}" if field_writer is None else f"write_{i}(o.{field.name})"
        )
        default = _default(field)
        if default is _MISSING or field.name in always:
            items.append(f"{field.alias!r}: {value}")
        else:
            namespace[f"default_{i}"] = default
            optional += [
                f"    if o.{field.name} != default_{i}:",
                f"        d[{field.alias!r}] = {value}",
            ]
    lines = [
        "def write(o):",
        f"    d = {{{', '.join(items)}}}",
        *optional,
        "    return d",
    ]
    exec("\n".join(lines), namespace)  # noqa: S102 - code generated from attrs.fields
    write: _Writer = namespace["write"]
    return _by_identity(write) if cls in _SHARED else write


def _by_identity(write: _Writer) -> _Writer:
    """Write a shared object (a preset regimen, a dose) once, then reuse its value.

    The value is shared by every document written after (``json.dumps`` only
    reads it); the object is kept with its ``id``, so that id is never reused.
    """
    written: dict[int, tuple[object, Any]] = {}

    def write_shared(value: object) -> Any:  # noqa: ANN401 - a JSON value
        found = written.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        result = write(value)
        if len(written) >= _SHARED_LIMIT:
            written.clear()
        written[id(value)] = (value, result)
        return result

    return write_shared


# -- writing text directly ---------------------------------------------------------
#
# :func:`dumps` writes the text of a compact document directly, from writers
# generated per class as the writers above are: byte for byte what
# ``json.dumps`` writes of their values (same separators, ``ensure_ascii``,
# the C encoder's escaping of text), without building the values first.  A
# regimen or a dose is written once and its text reused; anything rare (a
# number, a tagged end or record) is written by ``json.dumps`` of its value.

_TextWriter = Callable[[Any], str]
_encode = encode_basestring_ascii


def _dumps(value: object) -> str:
    return _json.dumps(value, ensure_ascii=True, allow_nan=False)


def _write_text(value: object) -> str:
    return _encode(value) if type(value) is str else _dumps(value)


def _write_int(value: object) -> str:
    return int.__repr__(value) if type(value) is int else _dumps(value)


def _write_instant(value: dt.datetime) -> str:
    """Write ``format_instant(value)`` as JSON text, from the texts of its parts.

    ``isoformat`` costs most of the time of writing a dose, and the most of
    that is its offset; a course's instants share their days, times of day,
    offsets and zones, whose texts are kept (each cut from a whole
    ``isoformat``, so they are its own).
    """
    day = _DAYS.get(value.date())
    time = _TIMES.get(value.time())
    offset = _OFFSETS.get(value.utcoffset())
    suffix = _QUOTED_SUFFIXES.get(value.tzinfo)
    if day is None or time is None or offset is None or suffix is None:
        return _write_instant_slowly(value)
    return f'"{day}T{time}{offset}{suffix}'


def _write_instant_slowly(value: dt.datetime) -> str:
    iso = value.isoformat()
    # The ISO 8601 text needs no escaping; the key might.
    suffix = _encode(format_instant(value)[len(iso) :])[1:]
    clock = value.time().isoformat()
    for cache, key, text in (
        (_DAYS, value.date(), iso[:10]),
        (_TIMES, value.time(), clock),
        (_OFFSETS, value.utcoffset(), iso[11 + len(clock) :]),
        (_QUOTED_SUFFIXES, value.tzinfo, suffix),
    ):
        if len(cache) < _SHARED_LIMIT:
            cache[key] = text
    return f'"{iso}{suffix}'


_DAYS: dict[object, str] = {}
_TIMES: dict[object, str] = {}
_OFFSETS: dict[object, str] = {}
_QUOTED_SUFFIXES: dict[object, str] = {}


def _text_writer(kind: Any) -> _TextWriter:  # noqa: ANN401 - any type of the model
    """Return the text writer of values of ``kind``, made on first use."""
    found = _TEXT_WRITERS.get(kind)
    if found is not None:
        return found
    inner = _is_optional(kind)
    if inner is not None:
        found = _optional_text_writer(_text_writer(inner))
    elif typing.get_origin(kind) is tuple:
        found = _list_text_writer(_text_writer(typing.get_args(kind)[0]))
    elif attrs.has(kind) and not _is_tagged(kind):
        found = _class_text_writer(kind)
    else:  # numbers, enumerations, tagged unions: their value's JSON
        write = _writer(kind)
        found = _dumps if write is None else _dumping(write)
    _TEXT_WRITERS[kind] = found
    return found


def _dumping(write: _Writer) -> _TextWriter:
    def write_text(value: object) -> str:
        return _dumps(write(value))

    return write_text


def _optional_text_writer(write: _TextWriter) -> _TextWriter:
    def write_optional(value: object) -> str:
        return "null" if value is None else write(value)

    return write_optional


def _list_text_writer(write: _TextWriter) -> _TextWriter:
    def write_list(values: tuple[object, ...]) -> str:
        return f"[{', '.join([write(v) for v in values])}]"

    return write_list


def _class_text_writer(cls: type) -> _TextWriter:
    """Generate the text writer of one attrs class, as :func:`_class_writer`.

    The fields written always come first, in order, then those written only
    when not at their default: the order of the writer's dict.  A course's
    document puts its envelope first, with ``id`` and ``first_dose`` in it.
    """
    fields = _fields(cls)
    always = _WRITTEN_AT_DEFAULT.get(cls.__name__, frozenset())
    namespace: dict[str, Any] = {"encode": _encode, "text": _write_text}
    items: dict[str, str] = {}
    optional: list[str] = []
    for i, (field, kind) in enumerate(fields):
        alias: str = field.alias  # type: ignore[assignment]
        key = _encode(alias)
        if kind is str:
            value = f"text(o.{field.name})"
        elif _is_optional(kind) is str:
            value = f'("null" if o.{field.name} is None else text(o.{field.name}))'
        else:
            namespace[f"write_{i}"] = _text_writer(kind)
            value = f"write_{i}(o.{field.name})"
        default = _default(field)
        if default is _MISSING or field.name in always:
            items[alias] = f"{key}: {{{value}}}"
        else:
            namespace[f"default_{i}"] = default
            optional += [
                f"    if o.{field.name} != default_{i}:",
                f"        parts.append(f{key + ': {' + value + '}'!r})",
            ]
    if cls is Course:
        envelope = {
            "format": f"{_encode('format')}: {_encode(FORMAT)}",
            "version": f"{_encode('version')}: {VERSION}",
            "id": items.pop("id"),
            "zone": f"{_encode('zone')}: {{encode(o.zone.key)}}",
            "first_dose": items.pop("first_dose"),
        }
        items = {**envelope, **items}
    # Each item is the source of an f-string, written by repr.
    lines = [
        "def write(o):",
        f"    parts = [{', '.join('f' + repr(v) for v in items.values())}]",
        *optional,
        "    return '{' + ', '.join(parts) + '}'",
    ]
    exec("\n".join(lines), namespace)  # noqa: S102 - code generated from attrs.fields
    write: _TextWriter = namespace["write"]
    return _text_by_identity(write) if cls in _SHARED else write


def _text_by_identity(write: _TextWriter) -> _TextWriter:
    """Write a shared object (a preset regimen, a dose) once, then reuse its text."""
    written: dict[int, tuple[object, str]] = {}

    def write_shared(value: object) -> str:
        found = written.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        result = write(value)
        if len(written) >= _SHARED_LIMIT:
            written.clear()
        written[id(value)] = (value, result)
        return result

    return write_shared


_TEXT_WRITERS: dict[object, _TextWriter] = {
    str: _write_text,
    int: _write_int,
    dt.datetime: _write_instant,
    Amount: lambda amount: _write_text(str(amount)),
}


# -- sharing what courses have in common -----------------------------------------


def _shared_regimen(read: _Reader) -> _Reader:
    """Read a regimen once per distinct value; keep a preset's own object.

    Courses of one regimen hold the same regimen object, as courses begun
    with ``regimens.get`` do.  A cached regimen is only given back for
    exactly what was read before: a value equal to it whose numbers are of
    the same types (``==`` does not tell ``1`` from ``1.0`` and ``true``),
    or else the same text (``json.dumps`` of the value, which does).
    """
    known: dict[str, tuple[Regimen, int]] = {}
    by_id: dict[str, list[tuple[object, Callable[[Any], bool], Regimen, int]]] = {}

    def read_regimen(value: object, count: list[int]) -> Regimen:
        if type(value) is not dict:
            return read(value, count)  # type: ignore[no-any-return]
        regimen_id = value.get("id")
        if type(regimen_id) is str:
            for seen, same_kinds, regimen, keys in by_id.get(regimen_id, ()):
                if value == seen and same_kinds(value):
                    count[0] += keys
                    return regimen
        key = _json.dumps(value)
        found = known.get(key)
        if found is not None:
            count[0] += found[1]
            return found[0]
        inner = [0]
        regimen = read(value, inner)
        count[0] += inner[0]
        preset = _preset(regimen.id)
        if preset is not None and preset == regimen:
            regimen = preset
        if len(known) < _SHARED_LIMIT:
            known[key] = (regimen, inner[0])
            check = _same_kinds(value)
            if check is not None and type(regimen_id) is str:
                entry = (value, check, regimen, inner[0])
                by_id.setdefault(regimen_id, []).append(entry)
        return regimen

    return read_regimen


def _same_kinds(value: object) -> Callable[[Any], bool] | None:
    """A check that a value equal to ``value`` has its numbers' types (None: floats).

    Of two equal JSON values, only numbers may differ in type (``1``,
    ``1.0``, ``true``): the check compares the type at each place ``value``
    holds an integer or a boolean.  A value holding a float (``0.0`` equals
    ``-0.0``) gets no check.
    """
    checks: list[str] = []

    def walk(item: object, path: str) -> bool:
        if type(item) is dict:
            return all(walk(v, f"{path}[{k!r}]") for k, v in item.items())
        if type(item) is list:
            return all(walk(v, f"{path}[{i}]") for i, v in enumerate(item))
        if type(item) in (int, bool):
            checks.append(f"type({path}) is {type(item).__name__}")
        return type(item) is not float

    if not walk(value, "v"):
        return None
    same_kinds: Callable[[Any], bool] = eval(  # noqa: S307 - keys are repr'd
        f"lambda v: {' and '.join(checks) or 'True'}"
    )
    return same_kinds


def _preset(regimen_id: str) -> Regimen | None:
    from b12course import regimens  # noqa: PLC0415 - only when a regimen is new

    # A former id (a deprecated alias) names a preset by another id, so a
    # regimen stored under it never equals the preset: no lookup, no warning.
    if regimen_id not in regimens.available():
        return None
    return regimens.get(regimen_id)


def _shared_dose(read: _Reader) -> _Reader:
    """Read equal doses (three texts) as one Dose object."""
    known = _DOSES

    def read_dose(value: object, count: list[int]) -> Dose:
        if type(value) is not dict:
            return read(value, count)  # type: ignore[no-any-return]
        key = tuple(value.items())
        try:
            found = known.get(key)
        except TypeError:  # a list or an object among the values
            found = None
        # Only texts are kept, and a number or a list is never equal to a text.
        if found is not None:
            count[0] += len(key)
            return found
        dose: Dose = read(value, count)
        if all(type(v) is str for _, v in key) and len(known) < _SHARED_LIMIT:
            known[key] = dose
        return dose

    return read_dose


# The doses read before, by their items (texts only).
_DOSES: dict[tuple[object, ...], Dose] = {}
_SHARED: dict[type, Callable[[_Reader], _Reader]] = {
    Regimen: _shared_regimen,
    Dose: _shared_dose,
}


# -- errors ------------------------------------------------------------------


def _locate(exc: BaseException, path: str) -> tuple[str, str]:
    """Return the path of the first problem inside ``exc`` and what it was."""
    while isinstance(exc, _StepError):
        path += exc.step
        exc = exc.error
    if isinstance(exc, _ExtraError):
        names = ", ".join(exc.names)
        return path, (
            f"unknown field(s) {names}; version {VERSION} documents do not have them"
        )
    if isinstance(exc, _MissingError):
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
    ``pregnant_or_breastfeeding``) are left out while they hold their default,
    so a course that does not use them reads the same as before.

    Raises:
        NotACourseError: ``course`` is not a Course.
    """
    course = require_course(course)
    if indent is None:
        return _text_writer(Course)(course)
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "id": None,
        "zone": course.zone.key,
        "first_dose": None,
    }
    document.update(_writer(Course)(course))  # type: ignore[misc]
    return _json.dumps(document, indent=indent, ensure_ascii=True, allow_nan=False)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise CourseFormatError(key, "appears twice in one object")
        result[key] = value
    return result


def _refuse_constant(name: str) -> float:
    raise CourseFormatError("", f"{name} is not a JSON number")


_DECODER = _json.JSONDecoder(parse_constant=_refuse_constant)


def _parse_json(text: str | bytes | bytearray, *, strictly: bool = False) -> object:
    """Parse JSON text, refusing NaN and Infinity (and, ``strictly``, repeated keys).

    The strict parse calls Python for every object; :func:`loads` parses with
    the C parser alone and proves afterwards that no key was repeated
    (:func:`_no_repeated_keys`), parsing strictly only when it cannot.
    """
    if not isinstance(text, (str, bytes, bytearray)):
        raise CourseFormatError(
            "", f"expected JSON text (str or bytes), not {type(text).__name__}"
        )
    try:
        if strictly:
            return _json.loads(
                text, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant
            )
        if type(text) is str and not text.startswith("\ufeff"):
            # json.loads with these arguments, without a new decoder per call.
            return _DECODER.decode(text)
        return _json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise CourseFormatError("", "nested too deeply to be a course") from None
    except ValueError as exc:  # JSONDecodeError, bad UTF-8, huge integers
        if isinstance(exc, CourseFormatError):
            raise
        raise CourseFormatError("", f"not valid JSON: {exc}") from None


def _no_repeated_keys(text: str | bytes | bytearray, keys: int) -> bool:
    """Whether ``text``, whose objects hold ``keys`` keys once parsed, repeats none.

    Every key of JSON text is a string followed, after any white space, by
    a colon.  With every white space byte deleted (of UTF-8, where no
    character other than ASCII has an ASCII byte), each key written adds
    one ``":`` and text values may add more (an escaped quote followed by
    a colon, once the white space between them is gone), so
    ``count('":') >= keys written >= keys``: if the count equals ``keys``,
    no key was written twice.
    """
    if isinstance(text, str):
        data: bytes | bytearray = text.encode("utf-8", "surrogatepass")
    elif _json.detect_encoding(text) == "utf-8":
        data = text
    else:
        return False
    return data.translate(None, _WHITE_SPACE).count(b'":') == keys


_WHITE_SPACE = b" \t\n\r"


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
            another version, or holds a missing, unknown, wrongly typed,
            repeated or refused field; ``path`` says where (e.g.
            ``symptoms[3].severity``).
    """
    document = _parse_json(text)
    count = [0]
    try:
        course = _read_document(document, count)
    except CourseFormatError:
        # A repeated key is the first thing to report, as a strict parse would.
        _parse_json(text, strictly=True)
        raise
    if not _no_repeated_keys(text, count[0]):
        _parse_json(text, strictly=True)
    return course


def _read_document(document: object, count: list[int]) -> Course:
    _check_envelope(document)
    assert isinstance(document, dict)  # noqa: S101 - checked above; for mypy
    try:
        course: Course = _reader(Course)(document, count)
    except Exception as exc:  # every refusal becomes one error type
        path, detail = _locate(exc, "")
        raise CourseFormatError(path.lstrip("."), detail) from exc
    _check_zone(course, document.get("zone"))
    return course


# -- the JSON Schema -------------------------------------------------------------


def schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of the documents :func:`dumps` writes.

    It is made from the same description as the reader and the writer (the
    model's attrs classes), so apps in any language can check a course file.
    It checks the shape of a document (fields, types, enumerations, the form
    of instants and amounts); the model checks more (plausible doses, records
    in order, offsets that match their zone), which only :func:`loads` does.

    >>> schema()["$defs"]["Course"]["required"][:2]
    ['regimen', 'first_dose']
    """
    defs: dict[str, Any] = {}
    body = _schema_of(Course, defs)
    course = defs["Course"]
    course["properties"] = {
        "format": {"const": FORMAT},
        "version": {"enum": list(READS)},
        "zone": {"type": "string", "description": "The first dose's IANA zone."},
        **course["properties"],
    }
    course["required"] = [*course["required"], *_ENVELOPE]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://b12course.readthedocs.io/schema/course-v{VERSION}.json",
        "title": f"b12course course document, version {VERSION}",
        **body,
        "$defs": defs,
    }


def _schema_of(kind: Any, defs: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN401
    """The schema of values of ``kind``; attrs classes go to ``defs``."""
    simple = {
        str: {"type": "string"},
        int: {"type": "integer"},
        float: {"type": "number"},
        bool: {"type": "boolean"},
        dt.datetime: {
            "type": "string",
            "pattern": _INSTANT_PATTERN,
            "description": "ISO 8601 with its UTC offset, then [IANA zone key]",
        },
        Amount: {
            "type": "string",
            "pattern": _AMOUNT_PATTERN,
            "description": "an exact amount and unit, e.g. '1 mg' or '500 mcg'",
        },
    }
    if kind in simple:
        return simple[kind]
    inner = _is_optional(kind)
    if inner is not None:
        return {"anyOf": [_schema_of(inner, defs), {"type": "null"}]}
    if typing.get_origin(kind) is tuple:
        return {"type": "array", "items": _schema_of(typing.get_args(kind)[0], defs)}
    if _is_tagged(kind):
        return {
            "oneOf": [_end_schema(cls, tag, defs) for cls, tag in _tags(kind).items()]
        }
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return {"enum": [member.value for member in kind]}
    name = kind.__name__
    if name not in defs:
        defs[name] = {}  # a placeholder while its fields are described
        properties: dict[str, Any] = {}
        required = []
        for field, field_kind in _fields(kind):
            alias: str = field.alias  # type: ignore[assignment]
            properties[alias] = _schema_of(field_kind, defs)
            if field.default is attrs.NOTHING:
                required.append(alias)
        defs[name] = {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }
    return {"$ref": f"#/$defs/{name}"}


def _end_schema(cls: type, tag: str, defs: dict[str, Any]) -> dict[str, Any]:
    _schema_of(cls, defs)
    shape = defs[cls.__name__]
    return {
        "type": "object",
        "properties": {
            "kind": {"const": tag},
            **shape["properties"],
        },
        "required": ["kind", *shape["required"]],
        "additionalProperties": False,
    }
