"""A real Radicale CalDAV server on 127.0.0.1 for the CalDAV tests and benchmark.

Radicale runs as a subprocess with htpasswd authentication (plain passwords),
its storage in a temporary folder, on a free port.  ``stop()`` and ``start()``
may be called any number of times: the storage stays, so a test can stop the
server in the middle of a sync and bring it back with the same calendars.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

USER = "alice"
PASSWORD = "s3cret-Pa55word"  # noqa: S105 - the test server's own password
OTHER_USER = "bob"
OTHER_PASSWORD = "bobs-own-Pa55word"  # noqa: S105 - as above
_START_TIMEOUT = 30.0
# Radicale's own entry point, with one privileged setting more: no fsync after
# each write, which makes a test server several times faster (a test server
# need not survive a power cut).
_LAUNCH = """
import sys
from radicale import config, log, server
log.setup()
configuration = config.load([(sys.argv[1], False)])
configuration.update(
    {"storage": {"_filesystem_fsync": "False"}}, "tests", privileged=True
)
log.set_level(configuration.get("logging", "level"), False)
server.serve(configuration)
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RadicaleServer:
    """One Radicale server with its configuration in ``folder``.

    The collections live in memory (``/dev/shm``) where the machine has it:
    Radicale reads every item of a calendar for each new one, so a disk makes a
    test of hundreds of events several times slower.  ``close()`` removes them.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        shm = Path("/dev/shm")  # noqa: S108 - our own private temporary folder
        self.storage = Path(
            tempfile.mkdtemp(
                prefix="b12course-radicale-", dir=shm if shm.is_dir() else folder
            )
        )
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = folder / "radicale.log"
        users = folder / "users"
        users.write_text(f"{USER}:{PASSWORD}\n{OTHER_USER}:{OTHER_PASSWORD}\n")
        self.config = folder / "config"
        self.config.write_text(
            "[server]\n"
            f"hosts = 127.0.0.1:{self.port}\n"
            "delay_on_error = 0\n"
            "[auth]\n"
            "type = htpasswd\n"
            f"htpasswd_filename = {users}\n"
            "htpasswd_encryption = plain\n"
            "delay = 0\n"
            "[rights]\n"
            "type = owner_only\n"
            "[storage]\n"
            f"filesystem_folder = {self.storage}\n"
            "use_mtime_and_size_for_item_cache = True\n"
            "[web]\n"
            "type = none\n"
            "[logging]\n"
            "level = warning\n"
        )

    @property
    def base(self) -> str:
        """The server's root URL."""
        return f"http://127.0.0.1:{self.port}"

    def calendar_url(self, name: str = "b12", user: str = USER) -> str:
        """Return the URL of the calendar ``name`` of ``user``."""
        return f"{self.base}/{user}/{name}/"

    def start(self) -> None:
        """Start the server and wait until it answers."""
        if self.process is not None:
            return
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter
                [sys.executable, "-c", _LAUNCH, str(self.config)],
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                msg = f"Radicale exited: {self.log.read_text()[-2000:]}"
                raise RuntimeError(msg)
            try:
                with urllib.request.urlopen(f"{self.base}/", timeout=2):  # noqa: S310
                    return
            except urllib.error.HTTPError:
                return  # it answered (401: no credentials given)
            except OSError:
                time.sleep(0.05)
        self.stop()
        msg = "Radicale did not answer in time"
        raise RuntimeError(msg)

    def stop(self) -> None:
        """Stop the server (its storage stays)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def close(self) -> None:
        """Stop the server and remove its collections."""
        self.stop()
        shutil.rmtree(self.storage, ignore_errors=True)

    def make_calendar(self, name: str = "b12", user: str = USER) -> str:
        """Create the calendar ``name`` of ``user`` (MKCALENDAR) and return its URL."""
        password = PASSWORD if user == USER else OTHER_PASSWORD
        url = self.calendar_url(name, user)
        request("MKCALENDAR", url, user=user, password=password)
        return url


def request(
    method: str,
    url: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    user: str = USER,
    password: str = PASSWORD,
) -> tuple[int, dict[str, str], bytes]:
    """Send one raw HTTP request with basic auth; return status, headers, body."""
    import base64

    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    sent = urllib.request.Request(  # noqa: S310 - a local test server
        url, data=body or None, method=method
    )
    sent.add_header("Authorization", f"Basic {token}")
    for name, value in (headers or {}).items():
        sent.add_header(name, value)
    try:
        with urllib.request.urlopen(sent, timeout=10) as answer:  # noqa: S310
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        with contextlib.closing(error):
            return error.code, dict(error.headers), error.read()
