"""Course files written whole or not at all, and changed one process at a time."""

import os
import subprocess
import sys
import threading
import time

import pytest

from b12course import json as b12json
from b12course.cli import _store, main


def new_course(tmp_path, capsys):
    path = tmp_path / "course.json"
    code = main(
        [
            "new",
            "bnf-hydroxocobalamin-neuro",
            "--start",
            "2026-12-01T09:00",
            "--tz",
            "Europe/London",
            "--id",
            "c",
            "-o",
            str(path),
        ]
    )
    capsys.readouterr()
    assert code == 0
    return path


def run_cli(*argv, env_code=""):
    """Run the command in a new interpreter, after ``env_code`` (to inject a fault)."""
    code = f"{env_code}\nimport sys\nfrom b12course.cli import main\nsys.exit(main({list(argv)!r}))"
    return subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )


class TestAtomicWrite:
    def test_killed_between_write_and_rename_leaves_the_old_file(
        self, tmp_path, capsys
    ):
        """A writer killed after writing its temporary file, before the rename, leaves the course file as it was."""
        path = new_course(tmp_path, capsys)
        before = path.read_bytes()
        # os._exit: the process dies on the spot, as under kill -9.
        fault = "import os\nos.replace = lambda *a, **k: os._exit(9)"
        result = run_cli(
            "record", str(path), "--at", "2026-12-01T09:00", env_code=fault
        )
        assert result.returncode == 9
        assert path.read_bytes() == before
        b12json.loads(path.read_bytes())
        (leftover,) = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        # The next change removes the dead writer's file once it is stale.
        assert main(["record", str(path), "--at", "2026-12-03T09:00"]) == 0
        assert leftover.exists()  # too fresh: it could be a live writer's
        old = leftover.stat().st_mtime - 2 * _store.STALE_AFTER
        os.utime(leftover, (old, old))
        assert main(["record", str(path), "--at", "2026-12-05T09:00"]) == 0
        assert not leftover.exists()
        assert len(b12json.loads(path.read_bytes()).given) == 2

    def test_a_refused_change_leaves_the_file_byte_for_byte(self, tmp_path, capsys):
        """A change the library refuses exits 2 and leaves the file and folder as they were."""
        path = new_course(tmp_path, capsys)
        assert main(["record", str(path), "--at", "2026-12-01T09:00"]) == 0
        capsys.readouterr()
        before = path.read_bytes()
        assert main(["record", str(path), "--at", "2026-12-01T09:00"]) == 2
        _, err = capsys.readouterr()
        assert "already recorded" in err
        assert len(err.strip().splitlines()) == 1
        assert path.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["course.json"]

    def test_replace_failure_removes_the_temporary_file(self, tmp_path, monkeypatch):
        """When the rename fails, the temporary file is removed and the error raised."""
        target = tmp_path / "out.ics"
        target.write_bytes(b"old")

        def fail(*_args):
            raise PermissionError(13, "denied")

        monkeypatch.setattr(os, "replace", fail)
        with pytest.raises(PermissionError):
            _store.replace(target, b"new")
        assert [p.name for p in tmp_path.iterdir()] == ["out.ics"]
        assert target.read_bytes() == b"old"

    def test_write_failure_removes_the_temporary_file(self, tmp_path, monkeypatch):
        """A failure while writing the temporary file leaves nothing behind."""

        def fail(_descriptor):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", fail)
        with pytest.raises(OSError, match="No space"):
            _store.replace(tmp_path / "out.ics", b"data")
        assert list(tmp_path.iterdir()) == []

    def test_new_keeps_the_mode_private_and_create_never_replaces(self, tmp_path):
        """A new file is readable by its owner only; create refuses an existing name."""
        target = tmp_path / "course.json"
        _store.create(target, b"one")
        assert target.stat().st_mode & 0o777 == 0o600
        with pytest.raises(FileExistsError):
            _store.create(target, b"two")
        assert target.read_bytes() == b"one"
        assert [p.name for p in tmp_path.iterdir()] == ["course.json"]

    def test_create_without_hard_links(self, tmp_path, monkeypatch):
        """Where the file system has no hard links, create still writes a new file only."""

        def no_links(*_args):
            raise OSError(1, "Operation not permitted")

        monkeypatch.setattr(os, "link", no_links)
        target = tmp_path / "course.json"
        _store.create(target, b"one")
        assert target.read_bytes() == b"one"
        with pytest.raises(FileExistsError):
            _store.create(target, b"two")
        assert target.read_bytes() == b"one"
        assert [p.name for p in tmp_path.iterdir()] == ["course.json"]


class TestConcurrentChanges:
    def test_two_record_processes_both_land(self, tmp_path, capsys):
        """Two record commands started together both land in the file."""
        path = new_course(tmp_path, capsys)
        # The first holds the lock a while (a slow serializer), so the second
        # must wait for it and then apply its change to the first one's result.
        slow = (
            "import time, b12course.json as j\n"
            "dumps = j.dumps\n"
            "j.dumps = lambda *a, **k: (time.sleep(0.5), dumps(*a, **k))[1]"
        )
        script = (
            f"{slow}\nimport sys\nfrom b12course.cli import main\n"
            f"sys.exit(main(['record', {str(path)!r}, '--at', '2026-12-01T09:00']))"
        )
        first = subprocess.Popen(  # noqa: S603 - this interpreter, our own code
            [sys.executable, "-c", script],
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(0.3)
        second = run_cli("record", str(path), "--at", "2026-12-03T09:00")
        _, first_err = first.communicate(timeout=60)
        assert (first.returncode, second.returncode) == (0, 0), (
            first_err + second.stderr
        )
        course = b12json.loads(path.read_bytes())
        assert len(course.given) == 2

    def test_threads_wait_for_each_other_and_see_the_new_file(self, tmp_path):
        """A change waiting on the lock applies itself to the file the first change wrote."""
        target = tmp_path / "log.txt"
        target.write_bytes(b"")
        inside = threading.Event()
        release = threading.Event()

        def slow(data):
            inside.set()
            release.wait(5)
            return data + b"a"

        thread = threading.Thread(target=_store.update, args=(target, slow))
        thread.start()
        inside.wait(5)
        waiter = threading.Thread(
            target=_store.update, args=(target, lambda d: d + b"b")
        )
        waiter.start()
        time.sleep(0.1)
        release.set()
        thread.join(5)
        waiter.join(5)
        assert target.read_bytes() == b"ab"

    def test_a_lock_held_too_long_is_a_clear_error(self, tmp_path):
        """A change that cannot get the lock in time fails, saying another process is changing the file."""
        target = tmp_path / "log.txt"
        target.write_bytes(b"x")
        inside = threading.Event()
        release = threading.Event()

        def hold(data):
            inside.set()
            release.wait(5)
            return data

        thread = threading.Thread(target=_store.update, args=(target, hold))
        thread.start()
        inside.wait(5)
        try:
            with pytest.raises(_store.FileBusyError, match="another b12course"):
                _store.update(target, lambda d: d + b"y", timeout=0.05)
        finally:
            release.set()
            thread.join(5)
        assert target.read_bytes() == b"x"

    def test_a_writer_that_ignores_the_lock_is_detected(self, tmp_path):
        """A file changed by another program during a change is left as that program wrote it."""
        target = tmp_path / "log.txt"
        target.write_bytes(b"before")

        def edit_meanwhile(data):
            target.write_bytes(b"edited")
            return data + b"!"

        with pytest.raises(_store.FileChangedError, match="run the command again"):
            _store.update(target, edit_meanwhile)
        assert target.read_bytes() == b"edited"
        assert [p.name for p in tmp_path.iterdir()] == ["log.txt"]

    def test_changing_a_missing_file_says_how_to_start_one(self, tmp_path, capsys):
        """The record command on a file that does not exist exits 1 and names `b12course new`."""
        code = main(["record", str(tmp_path / "nope.json")])
        _, err = capsys.readouterr()
        assert code == 1
        assert "b12course new" in err


class TestHardening:
    """Issue 24: symlinks, odd names, unwritable folders."""

    def test_a_change_through_a_symlink_changes_the_real_file(self, tmp_path, capsys):
        """`record` on a symlinked course changes the file it points to; the link stays a link."""
        real = new_course(tmp_path, capsys)
        link = tmp_path / "link.json"
        link.symlink_to(real.name)
        assert main(["record", str(link), "--at", "2026-12-01T09:00"]) == 0
        assert link.is_symlink()
        assert len(b12json.loads(real.read_bytes()).given) == 1
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "course.json",
            "link.json",
        ]

    def test_new_force_and_output_through_a_symlink(self, tmp_path, capsys):
        """`new --force -o LINK` and `ics -o LINK --force` write the file the link names."""
        real = new_course(tmp_path, capsys)
        folder = tmp_path / "elsewhere"
        folder.mkdir()
        link = folder / "link.json"
        link.symlink_to(real)
        argv = ["new", "bnf-hydroxocobalamin-neuro", "--start", "2027-01-01T09:00"]
        argv += ["--tz", "Europe/London", "--id", "again", "-o", str(link), "--force"]
        assert main(argv) == 0
        assert link.is_symlink()
        assert b12json.loads(real.read_bytes()).id == "again"
        target = tmp_path / "out.ics"
        target.write_bytes(b"old")
        ics_link = folder / "out.ics"
        ics_link.symlink_to(target)
        assert main(["ics", str(real), "-o", str(ics_link), "--force"]) == 0
        assert ics_link.is_symlink()
        assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")
        capsys.readouterr()

    def test_create_refuses_a_dangling_symlink_name_without_force(self, tmp_path):
        """`create` through a symlink to a missing file writes that file, never the link."""
        link = tmp_path / "link.json"
        link.symlink_to("real.json")
        _store.create(link, b"one")
        assert link.is_symlink()
        assert (tmp_path / "real.json").read_bytes() == b"one"
        with pytest.raises(FileExistsError):
            _store.create(link, b"two")

    @pytest.mark.parametrize("name", ["my**course.json", "[ab].json", "a?.json"])
    def test_names_with_glob_characters_can_be_changed(self, tmp_path, name):
        """A course named with *, [ or ? changes, and its cleanup removes only its own stale files."""
        target = tmp_path / name
        target.write_bytes(b"x")
        other = tmp_path / ("a" + name.replace("*", "").replace("?", "b"))
        other.write_bytes(b"o")
        theirs = tmp_path / f".{other.name}.0badf00d.tmp"
        theirs.write_bytes(b"t")
        mine = tmp_path / f".{name}.deadbeef.tmp"
        mine.write_bytes(b"m")
        old = time.time() - 2 * _store.STALE_AFTER
        for leftover in (theirs, mine):
            os.utime(leftover, (old, old))
        assert _store.update(target, lambda d: d + b"y") == b"xy"
        assert target.read_bytes() == b"xy"
        assert not mine.exists()
        assert theirs.exists()

    def test_read_only_folder_names_the_course_file(
        self, tmp_path, capsys, monkeypatch
    ):
        """A change in a folder that cannot be written names the course file, not a temporary."""
        path = new_course(tmp_path, capsys)
        real_open = os.open

        def read_only(name, flags, *args, **kwargs):
            # What a read-only folder (as a user other than root) answers.
            if flags & os.O_CREAT:
                raise PermissionError(13, "Permission denied", os.fspath(name))
            return real_open(name, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", read_only)
        code = main(["record", str(path), "--at", "2026-12-01T09:00"])
        _, err = capsys.readouterr()
        assert code == 1
        assert str(path) in err
        assert ".tmp" not in err
        assert "Permission denied" in err

    def test_write_error_names_the_output_file(self, tmp_path, monkeypatch):
        """A failure writing an output names the user's file, not the hidden temporary."""

        def fail(_descriptor):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", fail)
        target = tmp_path / "x.csv"
        with pytest.raises(OSError, match="No space") as caught:
            _store.replace(target, b"data")
        assert caught.value.filename == str(target)
