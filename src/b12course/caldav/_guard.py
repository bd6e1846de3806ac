"""The one guard every CalDAV server answer passes: a server is not trusted.

:class:`Guard` sits between the sync and the ``caldav`` client.  Every request
of a sync goes through :meth:`Guard.request`, which

- **keeps to one origin**: a URL whose scheme, host or port differ from the
  calendar's is refused before anything is sent (no ``PUT``, ``DELETE`` or
  credentials to another host), and redirects are not followed;
- **caps the answer**: a body longer than :data:`MAX_ANSWER` bytes (after
  decompression) is refused while it is read, never held whole;
- **enforces a total deadline**: the whole request (connect, headers, body)
  must be over within ``timeout`` seconds, however slowly the server trickles
  its bytes;
- **parses safely**: a multistatus is parsed by lxml without entities, DTDs,
  network access or huge text nodes, at most 256 levels deep; an answer that
  cannot be parsed (broken or hostile XML, binary garbage) is a
  :class:`~b12course.exceptions.CalDavError`, as is any failure of the
  ``caldav`` library to read it.

The sync itself never sees an answer the guard has not checked.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from b12course.exceptions import CalDavError, CalDavNetworkError

__all__ = ["MAX_ANSWER", "Guard", "Reply", "origin"]

#: The longest answer body read from a server, in bytes (a calendar of years
#: of daily doses is a few MB).
MAX_ANSWER = 32 * 1024 * 1024
_CHUNK = 64 * 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int]:
    """Return the scheme, host and port of ``url`` (the port filled in).

    Raises:
        ValueError: ``url`` has no http(s) scheme or host, or a bad port.

    >>> origin("https://Dav.Example:443/cal/")
    ('https', 'dav.example', 443)
    """
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        msg = f"not an http(s) URL with a host: {url!r}"
        raise ValueError(msg)
    return scheme, parts.hostname.lower(), parts.port or _DEFAULT_PORTS[scheme]


@attrs.frozen
class Reply:
    """A checked answer: its status, headers and parsed multistatus (or None)."""

    status: int
    headers: Mapping[str, str]
    tree: Any  # lxml's root element of a 207 answer, or None


class _Refused(Exception):  # noqa: N818 - internal signal, turned into CalDavError
    """An answer the guard refused while it was being read."""

    def __init__(self, detail: str, *, network: bool = False) -> None:
        super().__init__(detail)
        self.network = network


@attrs.define
class Guard:
    """Checks every request and answer of one sync against one calendar URL.

    Attributes:
        url: The calendar collection's URL (no credentials in it).
        timeout: Seconds one whole request may take.
        max_answer: The longest answer body, in bytes.
    """

    url: str
    timeout: float
    max_answer: int = attrs.field(factory=lambda: MAX_ANSWER)
    _origin: tuple[str, str, int] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self._origin = origin(self.url)

    def resolve(self, href: str) -> str:
        """Return ``href`` joined to the calendar's URL, refused on another origin.

        Raises:
            CalDavError: ``href`` is on another scheme, host or port, or is not
                a URL at all.
        """
        try:
            joined = urllib.parse.urljoin(self.url, href)
            same = origin(joined) == self._origin
        except ValueError:
            same = False
        if not same:
            raise CalDavError(
                _public(self.url),
                f"the server named an object outside this calendar's host "
                f"({_public(href)[:200]!r}); nothing is sent there",
            )
        return joined

    def request(
        self,
        client: Any,  # noqa: ANN401 - a caldav.DAVClient
        method: str,
        url: str,
        body: str,
        headers: Mapping[str, str],
    ) -> tuple[Any, Reply]:
        """Send one request through ``client``; return its response and the reply.

        Exceptions of the ``caldav`` library (refused credentials, rate
        limits) pass through for the caller; everything the guard refuses is
        a :class:`CalDavError` (a :class:`CalDavNetworkError` when the server
        was too slow).
        """
        target = self.resolve(url)
        deadline = time.monotonic() + self.timeout
        session = client.session
        seen: dict[str, Any] = {}
        client.session = _GuardedSession(session, self, deadline, seen)
        try:
            response = _within(
                deadline,
                self.timeout,
                lambda: client.request(target, method, body, dict(headers)),
            )
        except _Refused as refused:
            kind = CalDavNetworkError if refused.network else CalDavError
            raise kind(_public(self.url), str(refused)) from None
        except Exception as exc:
            if _is_xml_error(exc):
                raise CalDavError(
                    _public(self.url), f"the server's answer to {method} is not XML"
                ) from None
            if isinstance(exc, OSError) or _is_caldav_error(exc):
                raise  # refused credentials, rate limits, network: the caller's
            # Anything else the client tripped over is an answer it could not read.
            raise CalDavError(
                _public(self.url),
                f"the server's answer to {method} cannot be read "
                f"({type(exc).__name__})",
            ) from None
        finally:
            client.session = session
        status = int(seen.get("status", response.status))
        if 300 <= status < 400:  # noqa: PLR2004 - redirects are not followed
            raise CalDavError(
                _public(self.url),
                f"the server redirects {method} elsewhere (HTTP {status}); give "
                "the calendar's own URL",
                status,
            )
        data: bytes = seen.get("body", b"")
        tree = self.parse(data, method) if status == 207 and data else None  # noqa: PLR2004
        return response, Reply(status, response.headers, tree)

    def parse(self, data: bytes, method: str = "REPORT") -> Any:  # noqa: ANN401 - lxml
        """Parse a multistatus safely; anything unreadable is a ``CalDavError``."""
        from lxml import etree  # type: ignore[import-untyped]  # noqa: PLC0415

        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_blank_text=True,
        )
        try:
            root = etree.fromstring(data, parser)
        except (etree.LxmlError, ValueError):
            root = None
        if root is None or root.getroottree().docinfo.doctype:
            raise CalDavError(
                _public(self.url),
                f"the server's answer to {method} is not readable XML "
                "(broken, too deep, or with a DTD)",
            )
        return root


class _GuardedSession:
    """Wraps the client's HTTP session: deadline, no redirects, capped body."""

    def __init__(
        self,
        session: Any,  # noqa: ANN401 - requests or niquests
        guard: Guard,
        deadline: float,
        seen: dict[str, Any],
    ) -> None:
        self._session = session
        self._guard = guard
        self._deadline = deadline
        self._seen = seen

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - the session's own
        return getattr(self._session, name)

    def request(self, method: str, url: str, **kwargs: Any) -> Any:  # noqa: ANN401
        self._guard.resolve(url)
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise _Refused(_too_slow(self._guard.timeout), network=True)
        kwargs["timeout"] = left  # each socket read, within what is left
        kwargs["stream"] = True
        kwargs["allow_redirects"] = False
        response = self._session.request(method, url, **kwargs)
        try:
            data = self._read(response)
        except BaseException:
            response.close()
            raise
        if time.monotonic() > self._deadline:  # headers, then no body, too late
            response.close()
            raise _Refused(_too_slow(self._guard.timeout), network=True)
        # The caldav library reads `content`: give it the checked bytes.
        response._content = data  # noqa: SLF001 - requests/niquests cache
        response._content_consumed = True  # noqa: SLF001 - as above
        self._seen["status"] = response.status_code
        self._seen["body"] = data
        return response

    def _read(self, response: Any) -> bytes:  # noqa: ANN401 - requests/niquests
        cap = self._guard.max_answer
        try:
            declared = int(response.headers.get("Content-Length", "0"))
        except ValueError:
            declared = 0
        if declared > cap:
            raise _Refused(_too_long(cap))
        parts: list[bytes] = []
        size = 0
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > cap:
                raise _Refused(_too_long(cap))
            if time.monotonic() > self._deadline:
                raise _Refused(_too_slow(self._guard.timeout), network=True)
            parts.append(chunk)
        return b"".join(parts)


def _within(deadline: float, timeout: float, call: Callable[[], Any]) -> Any:  # noqa: ANN401
    """Run ``call`` in a worker thread; give up at ``deadline``.

    A socket read is bounded by the time left, but a server can trickle one
    byte of its headers at a time; the worker is then left to end on its own
    (its reads are bounded) and the sync goes on without it.
    """
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="b12course-caldav", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()) + 0.5)
    if worker.is_alive():
        raise _Refused(_too_slow(timeout), network=True)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _too_slow(timeout: float) -> str:
    within = f" within {timeout:g} s" if timeout else " in time"
    return f"the server did not finish its answer{within}"


def _too_long(cap: int) -> str:
    return f"the server's answer is longer than {cap // (1024 * 1024)} MB; refused"


def _is_caldav_error(exc: BaseException) -> bool:
    from caldav.lib import error  # noqa: PLC0415 - the optional extra

    return isinstance(exc, error.DAVError)


def _is_xml_error(exc: BaseException) -> bool:
    try:
        from lxml import etree  # noqa: PLC0415
    except ImportError:  # pragma: no cover - caldav needs lxml
        return False
    return isinstance(exc, etree.LxmlError)


def _public(url: str) -> str:
    """Return ``url`` without any user name or password in it."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "<unreadable URL>"
    return urllib.parse.urlunsplit(
        parts._replace(netloc=parts.netloc.rpartition("@")[2])
    )
