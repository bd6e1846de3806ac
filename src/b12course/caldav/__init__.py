"""Keep a CalDAV calendar in step with a course (the ``[caldav]`` extra).

An ``.ics`` file goes stale the moment a dose is given late; the calendars
people live in (Apple Calendar, Thunderbird, DAVx5, Nextcloud, Fastmail,
iCloud) sync over CalDAV.  :func:`sync` writes the course's calendar into one
of them, and every later :func:`sync` brings it up to date:

- The events are :func:`b12course.ical.to_ical`'s, the one rendering of the
  course's events: its ``VCALENDAR`` is split into one calendar object per
  ``VEVENT``, each with the ``VTIMEZONE``, so UIDs, times, texts and alarms are
  exactly the export's.  The course's events already on the server (but
  those already cancelled) are passed to ``to_ical`` as the ``previous``
  export, so doses dropped from the plan become ``STATUS:CANCELLED`` (or are
  deleted, with ``cancelled="delete"``) and doses that moved past the horizon
  stay in step.  An event is replaced only when its content differs from the
  server's, and then its ``SEQUENCE`` is one above the server's.
- Each object carries two properties of its own: ``X-B12COURSE-OWNER``, a
  token derived from the course id, which one calendar-query ``REPORT`` lists
  (nothing else in the calendar is read, changed or deleted), and
  ``X-B12COURSE-SYNC``, a fingerprint of the event as written.  No state is
  kept anywhere else: an object whose event no longer matches its fingerprint
  was edited on the server (a person moved it in their calendar app).
- Writes are conditional: ``If-None-Match: *`` to create, ``If-Match`` with
  the listed ETag to replace or delete, so nothing written in between is lost.
  A second sync of the same course state sends no ``PUT`` at all.
- An event edited on the server is a conflict: by default the server's
  version is kept and reported; ``on_conflict="overwrite"`` replaces it.
- Every ``PUT`` replaces one whole object, so a sync cut short (network
  error, timeout, a ``5xx``) leaves each event old or new, never broken, and
  the next sync finishes the job.  A server that cannot be reached or does
  not answer in time raises :class:`~b12course.exceptions.CalDavNetworkError`
  (the command line exits 3).
- The server is not trusted (``b12course.caldav._guard``): an object on
  another scheme, host or port is refused before anything is written (no
  request, and no credentials, go anywhere but the calendar's origin),
  redirects are not followed, an answer is capped at 32 MB and each request
  at ``timeout`` seconds in all, and an answer that is not safe, readable XML
  is a :class:`~b12course.exceptions.CalDavError`.

Properties that calendar apps add for their own bookkeeping (``DTSTAMP``,
``LAST-MODIFIED``, ``CREATED``, ``ACKNOWLEDGED`` and ``X-`` properties other
than b12course's) do not count as an edit.

This is the only package that imports the ``caldav`` library, and only when a
sync runs; ``import b12course`` does not load it.  The command line
(``b12course caldav``) registers here without loading anything heavy.

>>> from b12course.caldav import SyncReport
>>> report = SyncReport(created=("a@b12course",), unchanged=("b@b12course",))
>>> str(report)
'1 created, 0 updated, 0 cancelled, 1 unchanged, 0 conflicts, 0 failed'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from b12course.caldav._cli import PASSWORD_ENV, register

if TYPE_CHECKING:
    from b12course.caldav._sync import Conflict, SyncReport, sync, sync_url

__all__ = [
    "PASSWORD_ENV",
    "Conflict",
    "SyncReport",
    "register",
    "sync",
    "sync_url",
]

_LAZY = frozenset({"Conflict", "SyncReport", "sync", "sync_url"})


def __getattr__(name: str) -> object:
    """Load the sync (icalendar, the calendar export) on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'b12course.caldav' has no attribute {name!r}")
    from b12course.caldav import _sync  # noqa: PLC0415 - loaded on first use

    return getattr(_sync, name)
