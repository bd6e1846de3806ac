r"""Text in a calendar: user text made fit for an RFC 5545 TEXT value, and back.

User text is made *valid* by :func:`clean`: control characters (which
RFC 5545 TEXT forbids, HTAB aside) are removed and every line break becomes
LF.  It is then *escaped* by :class:`Text`, exactly as RFC 5545 section
3.3.11 says (backslash, semicolon, comma, line break) and nothing more:
icalendar's own ``vText`` first turns a literal backslash-N into a line
break, which would change what a person wrote (``C:\New folder``).  Every
TEXT value b12course writes goes through :func:`text`.

X- properties are the exception on the way back: icalendar leaves their
values escaped, so :func:`unescape` undoes RFC 5545 escaping for them.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import icalendar

__all__ = ["Text", "clean", "format_instant", "one_line", "text", "unescape"]

# RFC 5545 TEXT allows no control characters but HTAB; line breaks become "\n".
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ESCAPED = re.compile(r"\\([\\;,nN])")


def clean(text: object) -> str:
    r"""Return user text fit for a TEXT value: no control characters, LF breaks.

    A literal backslash stays a backslash: icalendar escapes it when writing.

    >>> clean("line one\r\nline two\x07")
    'line one\nline two'
    >>> clean("saved in C:\\New folder")
    'saved in C:\\New folder'
    """
    return _CONTROL.sub("", _LINE_BREAK.sub("\n", str(text)))


def one_line(text: object) -> str:
    r"""Return user text as one line with single spaces (for names and titles).

    >>> one_line("Mum's  B12\r\nplan")
    "Mum's B12 plan"
    """
    return " ".join(clean(text).split())


def unescape(text: str) -> str:
    r"""Undo RFC 5545 TEXT escaping of an X- property, which icalendar leaves escaped.

    >>> unescape("a\\, b\\; c\\nd\\\\N")
    'a, b; c\nd\\N'
    """
    return _ESCAPED.sub(lambda m: "\n" if m[1] in "nN" else m[1], text)


def format_instant(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """Return an instant as a person reads it in the course zone.

    >>> import datetime as dt, zoneinfo
    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> format_instant(dt.datetime(2026, 12, 7, 9, 20, tzinfo=london), london)
    'Mon 07 Dec 2026 09:20 GMT'
    """
    shown = value.astimezone(zone)
    return f"{shown:%a %d %b %Y %H:%M} {shown.tzname()}"


class Text(icalendar.vText):
    r"""A TEXT value escaped as RFC 5545 says, a literal backslash-N included.

    >>> Text("C:\\New folder; a, b\nc").to_ical()
    b'C:\\\\New folder\\; a\\, b\\nc'
    """

    __slots__ = ()

    def to_ical(self) -> bytes:
        """Return the escaped value (backslash first, then ``;``, ``,``, LF)."""
        # Backslash first, so the escapes added after it are not escaped again.
        value = str(self).replace("\\", "\\\\").replace(";", "\\;")
        return value.replace(",", "\\,").replace("\n", "\\n").encode("utf-8")


def text(value: object) -> Text:
    """Return user text as a TEXT value: cleaned (:func:`clean`), then escaped."""
    found: Text = Text(clean(value))
    return found
