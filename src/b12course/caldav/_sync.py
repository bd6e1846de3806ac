"""The sync itself: list, render, compare, write (see ``b12course.caldav``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs

from b12course._course import Course
from b12course._horizon import horizon_for
from b12course._time import require_aware
from b12course._timeline import Timeline
from b12course.caldav._guard import Guard
from b12course.exceptions import (
    CalDavError,
    CalDavNetworkError,
    NotACourseError,
    SettingError,
)
from b12course.ical import (
    DEFAULT_ALARMS,
    CalendarObject,
    Event,
    fingerprint,
    is_provisional,
    previous_export,
    read_object,
    replace_property,
    split_objects,
    to_ical,
)

if TYPE_CHECKING:
    from caldav.collection import Calendar

__all__ = ["Conflict", "SyncReport", "sync", "sync_url"]

OnConflict = Literal["keep", "overwrite"]
Cancelled = Literal["mark", "delete"]

_OWNER = "X-B12COURSE-OWNER"
_SYNCED = "X-B12COURSE-SYNC"
_OURS = "X-B12COURSE-"
# What calendar apps change without a person editing anything.
_BOOKKEEPING = frozenset(
    {"DTSTAMP", "LAST-MODIFIED", "CREATED", "ACKNOWLEDGED", _SYNCED}
)
# What says which version of an event this is, not what it says.
_VERSION = frozenset({"SEQUENCE", _OWNER})
_DAV = "DAV:"
_CALDAV = "urn:ietf:params:xml:ns:caldav"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,200}$")
_TIMEOUT = 30.0

_LISTING = f"""<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="{_DAV}" xmlns:C="{_CALDAV}">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter>
    <C:comp-filter name="VCALENDAR">
      <C:comp-filter name="VEVENT">
        <C:prop-filter name="{_OWNER}">
          <C:text-match collation="i;octet">{{token}}</C:text-match>
        </C:prop-filter>
      </C:comp-filter>
    </C:comp-filter>
  </C:filter>
</C:calendar-query>"""

_RESOURCETYPE = f"""<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="{_DAV}"><D:prop><D:resourcetype/></D:prop></D:propfind>"""


# -- the report ----------------------------------------------------------


@attrs.frozen(kw_only=True)
class Conflict:
    """An event of the course that was changed on the server, not by b12course.

    Attributes:
        uid: The event's UID.
        href: The calendar object's URL.
        reason: What was found, in words.
        overwritten: True when the sync replaced the server's version
            (``on_conflict="overwrite"``); False when it was kept.

    >>> str(Conflict(uid="x-p0-d1@b12course", href="https://dav/x.ics",
    ...              reason="edited on the server", overwritten=False))
    'x-p0-d1@b12course: edited on the server (kept)'
    """

    uid: str
    href: str
    reason: str
    overwritten: bool = False

    def __str__(self) -> str:
        outcome = "overwritten" if self.overwritten else "kept"
        return f"{self.uid}: {self.reason} ({outcome})"


@attrs.frozen(kw_only=True)
class SyncReport:
    """What one :func:`sync` did, by event UID.

    Attributes:
        created: Events written that the calendar did not have.
        updated: Events replaced because their content changed.
        cancelled: Events marked ``STATUS:CANCELLED`` (or deleted, with
            ``cancelled="delete"``) in this sync.
        unchanged: Events already on the server as they should be.
        conflicts: Events changed on the server (kept or overwritten).
        failed: Events the server refused to store (a ``5xx``); the next
            sync tries them again.
        requests: How many HTTP requests the sync sent.

    >>> SyncReport(updated=("a@b12course",)).changed
    True
    """

    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    cancelled: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    failed: tuple[str, ...] = ()
    requests: int = 0

    @property
    def changed(self) -> bool:
        """Whether the sync changed anything on the server."""
        overwritten = any(c.overwritten for c in self.conflicts)
        return bool(self.created or self.updated or self.cancelled or overwritten)

    def __str__(self) -> str:
        counts = (
            ("created", len(self.created)),
            ("updated", len(self.updated)),
            ("cancelled", len(self.cancelled)),
            ("unchanged", len(self.unchanged)),
            ("conflicts", len(self.conflicts)),
            ("failed", len(self.failed)),
        )
        return ", ".join(f"{n} {name}" for name, n in counts)


# -- talking to the server -----------------------------------------------


def _public(url: str) -> str:
    """Return ``url`` without any user name or password in it."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "<unreadable URL>"
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=host))


@attrs.frozen
class _Answer:
    status: int
    headers: Mapping[str, str]
    tree: Any  # the parsed XML body (lxml, as caldav parsed it), or None


@attrs.define
class _Server:
    """One calendar collection, reached through a ``caldav`` client."""

    client: Any
    url: str
    requests: int = 0
    writes: int = 0  # PUTs and DELETEs sent
    guard: Guard = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        timeout = getattr(self.client, "timeout", None)
        if not isinstance(timeout, (int, float)) or timeout <= 0:
            timeout = _TIMEOUT
        self.guard = Guard(self.url, float(timeout))

    @property
    def public(self) -> str:
        return _public(self.url)

    def send(
        self, method: str, url: str, body: str = "", headers: Mapping[str, str] = {}
    ) -> _Answer:
        """Send one request; every failure to talk becomes a ``CalDavError``."""
        from caldav.lib import error  # noqa: PLC0415 - the optional extra

        self.requests += 1
        if method in {"PUT", "DELETE"}:
            self.writes += 1
        try:
            _response, reply = self.guard.request(
                self.client, method, url, body, headers
            )
        except error.AuthorizationError as exc:
            if getattr(exc, "status", None) == 403 and method == "REPORT":  # noqa: PLR2004
                raise CalDavError(
                    self.public,
                    "the server will not list events here (HTTP 403): this URL "
                    "is not a calendar, or this user may not read it; give the "
                    "URL of one calendar, e.g. https://host/dav/calendars/user/b12/",
                    403,
                ) from None
            raise CalDavError(
                self.public,
                "the server refused the user name and password, or this user "
                "may not use this calendar",
                401,
            ) from None
        except error.RateLimitError:
            return _Answer(503, {}, None)
        except CalDavNetworkError as exc:
            detail = str(exc).removeprefix(f"{exc.url}: ")
            raise CalDavNetworkError(
                self.public, f"{detail}; {self._left_as_it_was()}"
            ) from None
        except (error.DAVError, OSError) as exc:
            raise CalDavNetworkError(
                self.public,
                f"the server could not be reached ({type(exc).__name__}) after "
                f"{self.requests - 1} requests; {self._left_as_it_was()}",
            ) from None
        return _Answer(reply.status, reply.headers, reply.tree)

    def _left_as_it_was(self) -> str:
        if self.writes == 0:
            return "nothing was changed on it"
        return "every event on it is whole, and the next sync finishes the job"

    def href(self, uid: str) -> str:
        """Return the URL b12course gives the object of ``uid``."""
        name = uid if _SAFE_NAME.match(uid) else _token(f"uid:{uid}")
        return urllib.parse.urljoin(self.url, urllib.parse.quote(name) + ".ics")


def _server(calendar: object) -> _Server:
    client = getattr(calendar, "client", None)
    url = getattr(calendar, "url", None)
    if client is None or url is None:
        raise SettingError(
            "calendar is a caldav.Calendar reached through a caldav.DAVClient, "
            f"not {type(calendar).__name__}"
        )
    try:
        return _Server(client, str(url))
    except ValueError:
        raise CalDavError(
            _public(str(url)), "the calendar URL is not an http(s) URL with a host"
        ) from None


def _token(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _owner(course: Course | Timeline) -> str:
    """The token that marks the course's objects: equal length, so a match is exact."""
    ident = course.id if isinstance(course, Course) else course.course_id
    return _token(f"b12course:{ident}")


@attrs.frozen
class _Listed:
    href: str
    etag: str
    event: Event
    edited: bool

    @property
    def uid(self) -> str:
        return str(self.event["UID"])

    @property
    def sequence(self) -> int:
        return int(self.event.get("SEQUENCE", 0))

    @property
    def cancelled(self) -> bool:
        return str(self.event.get("STATUS", "")).upper() == "CANCELLED"


def _responses(tree: Any) -> Iterator[tuple[str, str, str]]:  # noqa: ANN401 - lxml
    """Yield href, ETag and calendar data of each object in a multistatus."""
    for response in tree.iter(f"{{{_DAV}}}response"):
        href = response.findtext(f"{{{_DAV}}}href") or ""
        for propstat in response.iter(f"{{{_DAV}}}propstat"):
            if " 200 " not in (propstat.findtext(f"{{{_DAV}}}status") or ""):
                continue
            etag = propstat.findtext(f".//{{{_DAV}}}getetag") or ""
            data = propstat.findtext(f".//{{{_CALDAV}}}calendar-data") or ""
            if href and data:
                yield href, etag, data


def _event_of(data: str) -> Event | None:
    """Return the one VEVENT of an object of the course, if it is readable."""
    return read_object(data)


def _listing(server: _Server, owner: str) -> tuple[list[_Listed], list[str]]:
    """List the course's objects with one REPORT; return them and unreadable hrefs."""
    answer = server.send(
        "REPORT",
        server.url,
        _LISTING.format(token=owner),
        {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
    )
    if answer.status != 207 or answer.tree is None:  # noqa: PLR2004 - Multi-Status
        raise CalDavError(
            server.public, _refusal("list its events", answer), answer.status
        )
    listed, unreadable = _course_objects(answer.tree, server.url, owner)
    # Before anything is written: every object must be on the calendar's host.
    for href in [item.href for item in listed] + unreadable:
        server.guard.resolve(href)
    return listed, unreadable


def _course_objects(
    tree: Any,  # noqa: ANN401 - lxml, as caldav parsed it
    base: str,
    owner: str,
) -> tuple[list[_Listed], list[str]]:
    """Return the course's objects in a multistatus, and those it cannot read."""
    listed, unreadable = [], []
    for href, etag, data in _responses(tree):
        if owner not in data:
            continue  # the server did not filter: not the course's, so not ours
        event = _event_of(data)
        try:
            url = urllib.parse.urljoin(base, href)
        except ValueError:  # not a URL: the guard refuses it before any write
            url = href
        if event is None or str(event.get(_OWNER, "")) != owner:
            unreadable.append(url)
        else:
            edited = str(event.get(_SYNCED, "")) != _fingerprint(event)
            listed.append(_Listed(url, etag, event, edited))
    return listed, unreadable


def _refusal(what: str, answer: _Answer) -> str:
    if answer.status == 404:  # noqa: PLR2004 - Not Found
        return "there is no calendar at this URL"
    return (
        f"the server would not {what} (HTTP {answer.status}); "
        "is this a CalDAV calendar?"
    )


def _check_calendar(server: _Server) -> None:
    """Refuse a URL that is not a calendar collection (PUTs would land elsewhere)."""
    answer = server.send("PROPFIND", server.url, _RESOURCETYPE, {"Depth": "0"})
    found = answer.tree is not None and any(
        True for _ in answer.tree.iter(f"{{{_CALDAV}}}calendar")
    )
    if answer.status != 207 or not found:  # noqa: PLR2004 - Multi-Status
        raise CalDavError(
            server.public,
            "this URL is not a CalDAV calendar (a calendar collection); give the "
            "URL of one calendar, e.g. https://host/dav/calendars/user/b12/",
            answer.status,
        )


# -- the events to write -------------------------------------------------


def _fingerprint(event: Event, *, leave_out: frozenset[str] = frozenset()) -> str:
    """Return a digest of what a person sees of ``event``, however it is serialised.

    Bookkeeping properties of calendar apps, and the names in ``leave_out``,
    are left out (see :func:`b12course.ical._objects.fingerprint`).
    """
    return fingerprint(event, leave_out=_BOOKKEEPING | leave_out, keep_prefix=_OURS)


def _content(event: Event) -> str:
    """The fingerprint of an event's content: what changes, not its version."""
    return _fingerprint(event, leave_out=_VERSION)


def _previous(header: bytes, listed: Iterable[_Listed]) -> bytes:
    """Return the server's events as the export ``to_ical`` wrote before."""
    return previous_export(header, (item.event for item in listed))


@attrs.frozen
class _Wanted:
    event: Event
    prefix: str  # the object's header and VTIMEZONE, shared by every object

    @property
    def uid(self) -> str:
        return str(self.event["UID"])

    @property
    def cancelled(self) -> bool:
        return str(self.event.get("STATUS", "")).upper() == "CANCELLED"

    def seal(self, owner: str, sequence: int | None = None) -> None:
        """Mark the event as the course's and add its fingerprint."""
        event = self.event
        if sequence is not None and sequence > int(event.get("SEQUENCE", 0)):
            replace_property(event, "SEQUENCE", sequence)
        replace_property(event, _OWNER, owner)
        replace_property(event, _SYNCED, _fingerprint(event))

    def body(self) -> str:
        """The calendar object resource: the export's header, VTIMEZONE, one event."""
        return CalendarObject(self.event, self.prefix).body()


def _split(data: bytes) -> list[_Wanted]:
    """Split an export into one object per VEVENT, each with the VTIMEZONE."""
    return [_Wanted(o.event, o.prefix) for o in split_objects(data)]


# -- the sync ------------------------------------------------------------


@attrs.define
class _Tally:
    created: list[str] = attrs.Factory(list)
    updated: list[str] = attrs.Factory(list)
    cancelled: list[str] = attrs.Factory(list)
    unchanged: list[str] = attrs.Factory(list)
    conflicts: list[Conflict] = attrs.Factory(list)
    failed: list[str] = attrs.Factory(list)

    def report(self, requests: int) -> SyncReport:
        return SyncReport(
            created=tuple(self.created),
            updated=tuple(self.updated),
            cancelled=tuple(self.cancelled),
            unchanged=tuple(self.unchanged),
            conflicts=tuple(self.conflicts),
            failed=tuple(self.failed),
            requests=requests,
        )


_EDITED = "edited on the server since b12course wrote it"
_RACED = "changed on the server during the sync"
_TAKEN = "an object b12course did not write already holds this UID or name"
_UNREADABLE = "the server's copy is not a readable b12course event"


def _check_choices(on_conflict: object, cancelled: object) -> None:
    if on_conflict not in {"keep", "overwrite"}:
        raise SettingError(f"on_conflict is 'keep' or 'overwrite', not {on_conflict!r}")
    if cancelled not in {"mark", "delete"}:
        raise SettingError(f"cancelled is 'mark' or 'delete', not {cancelled!r}")


def _export(
    course: Course | Timeline,
    listed: list[_Listed],
    *,
    until: dt.datetime,
    now: dt.datetime,
    alarms: Iterable[dt.timedelta],
    include_flare: bool,
    include_reviews: bool,
    provisional_horizon: dt.timedelta | None = None,
) -> list[_Wanted]:
    """Render the course (or view) with ``to_ical``; the server's events: previous."""
    if isinstance(course, Timeline):
        return _split(
            to_ical(
                course,
                alarms=alarms,
                previous=_header(course, now, listed),
                include_flare=include_flare,
                include_reviews=include_reviews,
            )
        )
    data = to_ical(
        course,
        until=until,
        now=now,
        alarms=alarms,
        previous=_header(course, now, listed),
        include_flare=include_flare,
        include_reviews=include_reviews,
        provisional_horizon=provisional_horizon,
    )
    return _split(data)


def _moment(
    course: object, until: dt.datetime | None, now: dt.datetime | None
) -> tuple[dt.datetime, dt.datetime]:
    """The horizon and present of a sync: a view's own, or as asked for a course."""
    if isinstance(course, Timeline):
        # A view is synced as it is: its horizon and its now.
        if course.course_id is None or course.until is None:
            raise NotACourseError(course)
        if course.now is None:
            raise SettingError("sync a view built with now (Course.timeline(now=...))")
        return course.until, course.now
    if not isinstance(course, Course):
        raise NotACourseError(course)
    if now is None:
        raise SettingError("sync needs now (an aware datetime), for statuses")
    now = require_aware("now", now)
    if until is None:
        return horizon_for(course.first_dose, now=now).firm, now
    return require_aware("until", until), now


def _header(
    course: Course | Timeline, now: dt.datetime, listed: list[_Listed]
) -> bytes | None:
    """The server's events as the previous export, under the export's own header."""
    if not listed:
        return None
    # The export's own header (PRODID, course id) with nothing in it yet.
    empty = (
        to_ical(course.of_kind(), alarms=(), include_flare=False, include_reviews=False)
        if isinstance(course, Timeline)
        else to_ical(
            course,
            until=course.first_dose,
            now=now,
            alarms=(),
            include_flare=False,
            include_reviews=False,
        )
    )
    return _previous(empty, listed)


def sync(
    course: Course | Timeline,
    calendar: Calendar,
    *,
    until: dt.datetime | None = None,
    now: dt.datetime | None = None,
    alarms: Iterable[dt.timedelta] = DEFAULT_ALARMS,
    on_conflict: OnConflict = "keep",
    cancelled: Cancelled = "mark",
    include_flare: bool = True,
    include_reviews: bool = True,
    provisional_horizon: dt.timedelta | None = None,
) -> SyncReport:
    """Bring a CalDAV calendar in step with ``course``; return what was done.

    Args:
        course: The course, or its view (a :class:`~b12course.Timeline` from
            ``Course.timeline(now=...)``, synced as it is: ``until``, ``now``
            and ``provisional_horizon`` are then its own).
        calendar: A ``caldav.Calendar`` (from ``caldav.DAVClient``).
        until: The exclusive horizon, as for :func:`~b12course.ical.to_ical`
            (by default the one horizon policy's: a year past ``now``, and
            provisional doses 12 weeks past it).  Events already on the
            server stay in step even past it.
        now: The present, for statuses (given, overdue) and reminders;
            needed with a course.
        alarms: How long before each dose a reminder fires; ``()`` for none.
        on_conflict: ``"keep"`` leaves an event edited on the server as it
            is and reports it; ``"overwrite"`` replaces it.
        cancelled: ``"mark"`` keeps dropped and skipped doses as
            ``STATUS:CANCELLED`` events; ``"delete"`` deletes them.
            Provisional doses a phase decision dropped (they were never
            firm) and the "plan continues" event are deleted either way.
        include_flare: Write the flare window as an all-day event.
        include_reviews: Write review points as all-day events.
        provisional_horizon: How far past ``now`` provisional doses are
            written (12 weeks when None; see :func:`b12course.horizon_for`).

    Returns:
        The report; ``report.failed`` lists events to try again.

    Raises:
        NotACourseError: ``course`` is not a Course.
        NaiveDatetimeError: ``until`` or ``now`` is naive.
        SettingError: ``on_conflict`` or ``cancelled`` is not one of its values.
        CalDavError: The server cannot be reached, refuses the credentials,
            the URL is not a calendar, or an answer is refused by the guard
            (another origin, a redirect, over 32 MB, unreadable XML).  The
            message never holds credentials.
        CalDavNetworkError: The server cannot be reached or does not finish
            an answer within the client's ``timeout`` (a ``CalDavError``).
    """
    until, now = _moment(course, until, now)
    _check_choices(on_conflict, cancelled)
    server = _server(calendar)
    owner = _owner(course)
    listed, unreadable = _listing(server, owner)
    if not listed and not unreadable:
        _check_calendar(server)
    # Events already cancelled stay as they are: given to to_ical as the
    # previous export, they would come back as doses that "moved" whenever its
    # search for moved doses reaches them, and one sync would undo another.
    delete = cancelled == "delete"
    wanted = _export(
        course,
        [item for item in listed if delete or not item.cancelled],
        until=until,
        now=now,
        alarms=alarms,
        include_flare=include_flare,
        include_reviews=include_reviews,
        provisional_horizon=provisional_horizon,
    )
    tally = _Tally()
    tally.conflicts.extend(
        Conflict(uid="", href=href, reason=_UNREADABLE) for href in unreadable
    )
    on_server = {item.uid: item for item in listed}
    for want in wanted:
        _apply(
            server,
            want,
            on_server.get(want.uid),
            owner,
            tally,
            overwrite=on_conflict == "overwrite",
            delete=delete,
        )
    return tally.report(server.requests)


def _apply(
    server: _Server,
    want: _Wanted,
    old: _Listed | None,
    owner: str,
    tally: _Tally,
    *,
    overwrite: bool,
    delete: bool,
) -> None:
    """Bring one event in step: create, replace, cancel, delete or leave it."""
    if old is not None and old.edited and not overwrite:
        tally.conflicts.append(Conflict(uid=old.uid, href=old.href, reason=_EDITED))
        return
    if (
        old is not None
        and not old.edited
        and _content(old.event) == _content(want.event)
    ):
        tally.unchanged.append(want.uid)
        return
    # A replaced event's SEQUENCE is always above the server's, whatever the
    # export counted, so every client takes the new version.
    want.seal(owner, sequence=None if old is None else old.sequence + 1)
    # A provisional dose (or the plan-continues event) was never firm: once
    # the plan drops it, it goes, whatever `cancelled` says for firm doses.
    if want.cancelled and (delete or is_provisional(want.event)):
        _delete(server, want, old, tally)
    elif old is None:
        _put(server, want, href=server.href(want.uid), done=tally.created, tally=tally)
    else:
        done = (
            tally.cancelled if want.cancelled and not old.cancelled else tally.updated
        )
        _put(server, want, href=old.href, done=done, tally=tally, old=old)


def _put(
    server: _Server,
    want: _Wanted,
    *,
    href: str,
    done: list[str],
    tally: _Tally,
    old: _Listed | None = None,
) -> None:
    """Write one object: create it only if absent, replace it only if unchanged."""
    condition = {"If-None-Match": "*"} if old is None else {"If-Match": old.etag}
    answer = server.send(
        "PUT",
        href,
        want.body(),
        {"Content-Type": "text/calendar; charset=utf-8", **condition},
    )
    _settle(
        answer,
        Conflict(
            uid=want.uid,
            href=href,
            reason=_TAKEN if old is None else _RACED,
            overwritten=old is not None and old.edited,
        ),
        done,
        tally,
    )


def _delete(server: _Server, want: _Wanted, old: _Listed | None, tally: _Tally) -> None:
    if old is None:
        return  # never written, or already deleted: nothing to do
    answer = server.send("DELETE", old.href, "", {"If-Match": old.etag})
    if answer.status == 404:  # noqa: PLR2004 - already gone: the same outcome
        tally.cancelled.append(want.uid)
        return
    conflict = Conflict(
        uid=want.uid, href=old.href, reason=_RACED, overwritten=old.edited
    )
    _settle(answer, conflict, tally.cancelled, tally)


def _settle(
    answer: _Answer, conflict: Conflict, done: list[str], tally: _Tally
) -> None:
    """Record the outcome of one write (``conflict`` says what a refusal means)."""
    if 200 <= answer.status < 300:  # noqa: PLR2004 - success
        done.append(conflict.uid)
        if conflict.overwritten:
            tally.conflicts.append(attrs.evolve(conflict, reason=_EDITED))
    elif answer.status == 412:  # noqa: PLR2004 - Precondition Failed
        tally.conflicts.append(attrs.evolve(conflict, overwritten=False))
    elif answer.status == 409:  # noqa: PLR2004 - Conflict: no-uid-conflict
        tally.conflicts.append(attrs.evolve(conflict, reason=_TAKEN, overwritten=False))
    else:
        tally.failed.append(conflict.uid)


def sync_url(
    course: Course,
    url: str,
    username: str,
    password: str,
    *,
    until: dt.datetime | None = None,
    now: dt.datetime,
    alarms: Iterable[dt.timedelta] = DEFAULT_ALARMS,
    on_conflict: OnConflict = "keep",
    cancelled: Cancelled = "mark",
    include_flare: bool = True,
    include_reviews: bool = True,
    timeout: int = 30,
) -> SyncReport:
    """Connect to the calendar at ``url`` and :func:`sync` ``course`` into it.

    Args:
        course: The course.
        url: The calendar collection's URL, e.g.
            ``https://host/remote.php/dav/calendars/alice/b12/``; without
            credentials in it.
        username: The user name.
        password: The password (or app password).
        until: The exclusive horizon; the one horizon policy's by default.
        now: The present.
        alarms: As for :func:`sync`.
        on_conflict: As for :func:`sync`.
        cancelled: As for :func:`sync`.
        include_flare: As for :func:`sync`.
        include_reviews: As for :func:`sync`.
        timeout: Seconds one request may take in all (connecting, and
            reading the whole answer), however slowly the server sends it.

    Returns:
        The report of :func:`sync`.

    Raises:
        CalDavError: The URL holds credentials, is not http(s) or cannot be
            read, the server cannot be reached or refuses the credentials, the
            URL is not a calendar, or an answer is refused (as for
            :func:`sync`).  The message never holds credentials.
        CalDavNetworkError: As for :func:`sync`.
        NotACourseError, NaiveDatetimeError, SettingError: As for :func:`sync`.
    """
    from caldav.davclient import DAVClient  # noqa: PLC0415 - the optional extra

    public = _public(url) if isinstance(url, str) else repr(url)
    _check_url(url, public)
    try:
        client = DAVClient(
            url=url, username=username, password=password, timeout=timeout
        )
    except ValueError:
        raise CalDavError(public, "the calendar URL cannot be read") from None
    try:
        calendar = client.calendar(url=url)  # type: ignore[no-untyped-call]
        return sync(
            course,
            calendar,
            until=until,
            now=now,
            alarms=alarms,
            on_conflict=on_conflict,
            cancelled=cancelled,
            include_flare=include_flare,
            include_reviews=include_reviews,
        )
    finally:
        client.close()


def _check_url(url: object, public: str) -> None:
    if not isinstance(url, str):
        raise CalDavError(
            public, "the calendar URL is text, e.g. https://host/dav/b12/"
        )
    if any(c.isspace() or not c.isprintable() for c in url):
        raise CalDavError(
            public,
            "the calendar URL has a space or control character in it; "
            "write a space as %20",
        )
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        raise CalDavError(
            public,
            "the calendar URL cannot be read (a bracketed IPv6 host, or a port "
            "from 1 to 65535, e.g. https://[::1]:8443/dav/b12/)",
        ) from None
    if port == 0:
        raise CalDavError(public, "the calendar URL's port is from 1 to 65535")
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise CalDavError(
            public,
            "the calendar URL starts with https:// (or http://) and names a host",
        )
    if "@" in parts.netloc:
        raise CalDavError(
            public,
            "give the user name and password separately, not in the URL",
        )
