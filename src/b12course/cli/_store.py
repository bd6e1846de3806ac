"""Files written whole or not at all, and course files changed under a lock.

The command line keeps a course in a JSON file that several processes may
change (a person records a dose while a script logs a symptom).  Three rules
keep that file whole and every change in it:

- **Atomic writes.**  New content goes to a temporary file in the same folder,
  is flushed and ``fsync``-ed, and then renamed over the target (``os.replace``,
  atomic on POSIX and Windows); the folder is ``fsync``-ed so the rename itself
  survives a power cut.  A symbolic link is followed first: the temporary file
  goes beside the real file and replaces it, so the link stays a link.  A
  writer killed at any moment leaves either the old file or the new one, never
  a mix (at worst a stray ``.name.*.tmp`` file, which the next change removes
  once it is a minute old).
- **One change at a time.**  A change takes an exclusive ``flock`` on the
  course file, then checks that the path still names the file it locked (a
  writer that got there first has renamed a new file into place) and starts
  again on the new file if not.  A second process waits for the first and then
  applies its change to the first one's result, so neither change is lost.
- **Compare and swap.**  Just before the rename, the file is read again; if its
  bytes are not those the change was computed from (something that does not
  take the lock, an editor say, wrote it meanwhile), nothing is written and
  :class:`FileChangedError` says so.

A refused change (the library raises before anything is written) leaves the
file byte-for-byte as it was.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: compare-and-swap alone
    fcntl = None  # type: ignore[assignment]

from b12course.exceptions import B12CourseError

__all__ = [
    "FileBusyError",
    "FileChangedError",
    "create",
    "replace",
    "update",
]

#: How long a change waits for another process's change to the same file.
LOCK_TIMEOUT = 10.0
_POLL = 0.02
#: A temporary file this old, found while holding the lock, was left by a
#: writer that died before its rename.
STALE_AFTER = 60.0


class FileBusyError(B12CourseError, OSError):
    """Raised when another process holds a course file for longer than the timeout.

    Attributes:
        path: The file.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(
            f"{path} is being changed by another b12course process; nothing was "
            "written, try again in a moment"
        )


class FileChangedError(B12CourseError, OSError):
    """Raised when a file changed between reading it and writing the change.

    Attributes:
        path: The file.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(
            f"{path} was changed by another program while this change was being "
            "made; nothing was written, run the command again"
        )


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open a folder
        return
    try:
        os.fsync(descriptor)
    except OSError:  # pragma: no cover - some file systems refuse it
        pass
    finally:
        os.close(descriptor)


def _real(path: str | Path) -> Path:
    """The file ``path`` names, through any symbolic links (it may not exist yet)."""
    return Path(os.path.realpath(path))


@contextlib.contextmanager
def _naming(path: str | Path) -> Iterator[None]:
    """Make an error about a hidden temporary file name the user's file instead."""
    try:
        yield
    except OSError as exc:
        if exc.errno is None or not (
            exc.filename is None or _is_temporary(exc.filename)
        ):
            raise
        raise type(exc)(exc.errno, exc.strerror, os.fspath(path)) from None


def _is_temporary(name: object) -> bool:
    return isinstance(name, (str, Path)) and Path(name).name.endswith(".tmp")


def _temporary(target: Path, mode: int) -> tuple[Path, int]:
    name = target.with_name(f".{target.name}.{os.urandom(4).hex()}.tmp")
    descriptor = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    return name, descriptor


def _write_temporary(target: Path, data: bytes) -> Path:
    """Write ``data`` to a new temporary file beside ``target``; return its path."""
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        mode = 0o600  # a course is health data: private unless it was shared
    temporary, descriptor = _temporary(target, mode)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def replace(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, replacing any file there.

    Raises:
        OSError: The folder cannot be written (nothing is changed).
    """
    target = _real(path)
    with _naming(path):
        temporary = _write_temporary(target, data)
        try:
            temporary.replace(target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    _fsync_folder(target.parent)


def create(path: str | Path, data: bytes) -> None:
    """Write ``data`` to a new file ``path`` atomically; never replace one.

    Raises:
        FileExistsError: ``path`` exists (it is left as it was).
        OSError: The folder cannot be written.
    """
    target = _real(path)
    with _naming(path):
        temporary = _write_temporary(target, data)
        try:
            _link_or_move(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    _fsync_folder(target.parent)


def _link_or_move(temporary: Path, target: Path) -> None:
    try:
        # A hard link fails if the name is taken, atomically: two `new`
        # commands racing for one name cannot both win.
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError:
        # A file system without hard links (FAT, some network shares):
        # check, then rename; a race between two `new` is then possible.
        if target.exists():
            raise FileExistsError(target) from None
        temporary.replace(target)


def _try_lock(stream: IO[bytes]) -> bool:
    try:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _lock(stream: IO[bytes], path: str, timeout: float) -> None:
    if fcntl is None:  # pragma: no cover - Windows
        return
    deadline = time.monotonic() + timeout
    while not _try_lock(stream):
        if time.monotonic() >= deadline:
            raise FileBusyError(path)
        time.sleep(_POLL)


@contextlib.contextmanager
def _locked(path: Path, timeout: float) -> Iterator[bytes]:
    """Hold ``path`` locked and yield its bytes, as they are under the lock."""
    while True:
        with path.open("rb") as stream:
            _lock(stream, str(path), timeout)
            # Whoever held the lock before us may have renamed a new file into
            # place: our descriptor would then be the old file's.  Start again.
            if not _same_file(stream, path):
                continue
            yield stream.read()
            return


def _same_file(stream: IO[bytes], path: Path) -> bool:
    try:
        now = path.stat()
    except FileNotFoundError:
        return False
    mine = os.fstat(stream.fileno())
    return (mine.st_dev, mine.st_ino) == (now.st_dev, now.st_ino)


def _remove_stale(target: Path) -> None:
    """Remove the temporary files of writers of ``target`` that died before renaming."""
    cutoff = time.time() - STALE_AFTER
    # Matched exactly, never as a glob: "my**course.json" or "[ab].json" must
    # neither fail nor match the temporaries of another course.
    ours = re.compile(re.escape(f".{target.name}.") + r"[0-9a-f]{8}\.tmp")
    try:
        names = [p for p in target.parent.iterdir() if ours.fullmatch(p.name)]
    except OSError:  # a folder that cannot be listed has nothing to clean
        return
    for leftover in names:
        with contextlib.suppress(OSError):  # gone already, or not ours to remove
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def _check_unchanged(target: Path, before: bytes) -> None:
    if target.read_bytes() != before:
        raise FileChangedError(str(target))


def update(
    path: str | Path,
    change: Callable[[bytes], bytes],
    *,
    timeout: float = LOCK_TIMEOUT,
) -> bytes:
    """Replace the content of ``path`` by ``change(content)``, under a lock.

    ``change`` runs while the file is locked; if it raises, nothing is
    written.  Returns the bytes written.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        FileBusyError: Another process held the file for ``timeout`` seconds.
        FileChangedError: The file was changed meanwhile by a writer that does
            not take the lock; nothing was written.
        OSError: The file cannot be read or its folder written.
    """
    target = _real(path)
    with _locked(target, timeout) as before:
        _remove_stale(target)
        after = change(before)
        with _naming(path):
            temporary = _write_temporary(target, after)
            try:
                _check_unchanged(target, before)
                temporary.replace(target)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
        _fsync_folder(target.parent)
    return after
