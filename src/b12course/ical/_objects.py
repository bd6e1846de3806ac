"""Calendar objects: an export split into one object per event, and read back.

A CalDAV server keeps a calendar as *calendar object resources*, one
``VCALENDAR`` per event (RFC 4791).  :mod:`b12course.caldav` asks this module
for what it needs of iCalendar, so that ``ical`` stays the one package that
imports ``icalendar``:

- :func:`split_objects` splits an export of :func:`~b12course.to_ical` into
  one :class:`CalendarObject` per ``VEVENT``, each with the export's header
  (less the properties only a whole calendar may carry) and its ``VTIMEZONE``;
- :func:`read_object` reads the one event of an object on the server;
- :func:`fingerprint` digests what a person sees of an event;
- :func:`previous_export` puts the server's events back into one calendar,
  as :func:`~b12course.to_ical` takes its ``previous`` export.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from typing import Any

import attrs
import icalendar

__all__ = [
    "COLLECTION_ONLY",
    "CalendarObject",
    "Event",
    "event_text",
    "fingerprint",
    "previous_export",
    "read_object",
    "replace_property",
    "split_objects",
]

Event = icalendar.Component
"""One event of a calendar (an ``icalendar`` component)."""

#: Calendar-level properties of an export that belong to a whole calendar, not
#: to a calendar object resource (RFC 4791 section 4.1 forbids METHOD there).
COLLECTION_ONLY = frozenset(
    {
        "METHOD",
        "NAME",
        "X-WR-CALNAME",
        "X-WR-TIMEZONE",
        "REFRESH-INTERVAL",
        "X-PUBLISHED-TTL",
    }
)

_VEVENT = re.compile(r"^BEGIN:VEVENT\r?$.*?^END:VEVENT\r?$", re.DOTALL | re.MULTILINE)


@attrs.frozen
class CalendarObject:
    """One event of an export, with the header and VTIMEZONE every object shares."""

    event: Event
    prefix: str

    def body(self) -> str:
        """The calendar object resource: the header, the VTIMEZONE, the event."""
        return f"{self.prefix}{event_text(self.event)}END:VCALENDAR\r\n"


def event_text(event: Event) -> str:
    """Return one event as RFC 5545 text (CRLF, folded lines)."""
    data: bytes = event.to_ical()
    return data.decode("utf-8")


def split_objects(data: bytes) -> list[CalendarObject]:
    """Split an export into one object per VEVENT, each with the VTIMEZONE."""
    export = icalendar.Calendar.from_ical(data)
    shared = icalendar.Calendar()
    for name, value in export.property_items(recursive=False):
        if name not in {"BEGIN", "END"} and name not in COLLECTION_ONLY:
            shared.add(name, value)
    for component in export.subcomponents:
        if component.name == "VTIMEZONE":
            shared.add_component(component)
    text: bytes = shared.to_ical()
    prefix = text.decode("utf-8").removesuffix("END:VCALENDAR\r\n")
    return [
        CalendarObject(c, prefix) for c in export.subcomponents if c.name == "VEVENT"
    ]


def read_object(data: str) -> Event | None:
    """Return the one VEVENT of a calendar object, if it is readable.

    Only the event is parsed: the VTIMEZONE is b12course's own, and zones are
    IANA keys that icalendar resolves itself.
    """
    blocks = _VEVENT.findall(data)
    if len(blocks) != 1:
        return None
    try:
        event = icalendar.Event.from_ical(blocks[0])
        start = event.decoded("DTSTART")
        # to_ical reads the SEQUENCE of what it wrote before as a number.
        int(event.get("SEQUENCE", 0))
    except Exception:  # noqa: BLE001 - a damaged object is simply not ours to use
        return None
    readable = (
        "UID" in event
        and isinstance(start, dt.date)
        and (not isinstance(start, dt.datetime) or start.tzinfo is not None)
    )
    return event if readable else None


def fingerprint(
    event: Event,
    *,
    leave_out: frozenset[str] = frozenset(),
    keep_prefix: str = "X-B12COURSE-",
) -> str:
    """Return a digest of what a person sees of ``event``, however it is serialised.

    Property order, line folding and escaping do not matter; the names in
    ``leave_out``, and ``X-`` properties other than ``keep_prefix`` ones
    (calendar apps' bookkeeping), are left out.
    """
    digest = hashlib.sha256()
    for name, value in event.property_items(recursive=True, sorted=True):
        if name in leave_out or (
            name.startswith("X-") and not name.startswith(keep_prefix)
        ):
            continue
        params = getattr(value, "params", None) or {}
        encoded = value.to_ical() if hasattr(value, "to_ical") else value
        text = encoded.decode() if isinstance(encoded, bytes) else str(encoded)
        shown = sorted((str(k).upper(), str(v)) for k, v in params.items())
        digest.update(f"{name}{shown}:{text}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def previous_export(header: bytes, events: Iterable[Event]) -> bytes:
    """Return ``events`` in a calendar with the properties of the export ``header``.

    This is the ``previous`` export :func:`~b12course.to_ical` reads to number
    changes, made of the events a server holds.
    """
    source = icalendar.Calendar.from_ical(header)
    calendar = icalendar.Calendar()
    for name, value in source.property_items(recursive=False):
        if name not in {"BEGIN", "END"}:
            calendar.add(name, value)
    for event in events:
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def replace_property(event: Event, name: str, value: Any) -> None:  # noqa: ANN401 - any iCalendar value
    """Set ``name`` on ``event`` to ``value`` alone (dropping any earlier value)."""
    event.pop(name, None)
    event.add(name, value)
