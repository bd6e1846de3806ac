r"""Text that every file, calendar and terminal can carry.

User text (notes, reasons, lot numbers, labels, site names) ends up in JSON,
iCalendar, CSV, Markdown, FHIR and terminals.  All of them need text that
encodes as UTF-8, so a lone surrogate (U+D800 alone, which Python strings can
hold and ``json.loads`` produces from the JSON escape ``\ud800``) is refused
where the text enters the library, not where an export later fails to encode it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from b12course.exceptions import TextError

if TYPE_CHECKING:
    import attrs

__all__ = ["require_text", "text_validator"]


def require_text(field: str, value: object) -> str:
    r"""Return ``value`` if it is a string that encodes as UTF-8.

    Raises:
        TextError: ``value`` is not a string, or holds a lone surrogate.

    >>> require_text("note", "saved in C:\\New folder")
    'saved in C:\\New folder'
    >>> require_text("note", chr(0xD800))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    b12course.exceptions.TextError: note: holds a lone surrogate (U+D800), ...
    """
    if not isinstance(value, str):
        raise TextError(field, value, f"expected text, got {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = ord(value[exc.start])
        raise TextError(
            field,
            value,
            f"holds a lone surrogate (U+{bad:04X}), which no file can store; remove it",
        ) from None
    return value


def text_validator(
    _instance: object, attribute: attrs.Attribute[str], value: object
) -> None:
    """An attrs validator: :func:`require_text` under the field's own name."""
    require_text(attribute.name, value)
