"""Issue 24: the command line trusts nothing it did not write (files, names, text)."""

from __future__ import annotations

import datetime as dt
import os
import pathlib
import sys
import zoneinfo

import pytest

import b12course as b12
from b12course import json as b12json
from b12course.cli import main

LONDON = zoneinfo.ZoneInfo("Europe/London")


def saved(tmp_path: pathlib.Path, name: str = "course.json") -> pathlib.Path:
    course = b12.Course.begin(
        b12.regimens.get("bnf-hydroxocobalamin-neuro"),
        first_dose=dt.datetime(2027, 1, 4, 9, tzinfo=LONDON),
        id="c",
    )
    path = tmp_path / name
    path.write_text(b12json.dumps(course), encoding="utf-8")
    return path


class TestFhirOutput:
    @pytest.fixture(autouse=True)
    def _needs_fhir(self) -> None:
        pytest.importorskip("fhir.resources")

    def test_output_over_the_course_file_is_refused(self, tmp_path, capsys):
        """`fhir c.json -o c.json --force` refuses, and the course file is kept."""
        path = saved(tmp_path)
        before = path.read_bytes()
        assert main(["fhir", str(path), "-o", str(path), "--force"]) == 2
        assert "course file itself" in capsys.readouterr().err
        assert path.read_bytes() == before

    def test_output_through_a_symlink_to_the_course_file_is_refused(
        self, tmp_path, capsys
    ):
        """An -o that is a link to the course file is the course file too."""
        path = saved(tmp_path)
        before = path.read_bytes()
        link = tmp_path / "bundle.json"
        link.symlink_to(path)
        assert main(["fhir", str(path), "-o", str(link), "--force"]) == 2
        capsys.readouterr()
        assert path.read_bytes() == before
        assert link.is_symlink()

    def test_output_is_private_and_synced(self, tmp_path, capsys, monkeypatch):
        """The bundle is written 0600, fsync-ed and renamed into place (one writer for all)."""
        synced: list[int] = []
        real_fsync = os.fsync

        def counting(descriptor: int) -> None:
            synced.append(descriptor)
            real_fsync(descriptor)

        monkeypatch.setattr(os, "fsync", counting)
        out = tmp_path / "bundle.json"
        assert main(["fhir", str(saved(tmp_path)), "-o", str(out)]) == 0
        capsys.readouterr()
        assert out.stat().st_mode & 0o777 == 0o600
        assert synced
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "bundle.json",
            "course.json",
        ]


class TestNamesTheFile:
    @pytest.mark.parametrize("content", [b"", b"{", b'{"format": "b12course"}'])
    @pytest.mark.parametrize("command", ["status", "plan", "record"])
    def test_a_course_file_that_is_not_a_course_is_named(
        self, tmp_path, capsys, content, command
    ):
        """`status empty.json` names empty.json, not `<document>`."""
        path = tmp_path / "empty.json"
        path.write_bytes(content)
        assert main([command, str(path)]) == 2
        err = capsys.readouterr().err
        assert str(path) in err
        assert "<document>" not in err
        assert path.read_bytes() == content


class TestCalDavCommandLine:
    def _args(self, tmp_path, *more: str) -> list[str]:
        return [
            "caldav",
            str(saved(tmp_path)),
            "--url",
            "http://127.0.0.1:9/alice/b12/",
            "--user",
            "alice",
            *more,
        ]

    def test_a_password_on_the_command_line_is_not_echoed(self, tmp_path, capsys):
        """`caldav --password SECRET` is refused without printing SECRET."""
        secret = "Hunter2-secret"  # noqa: S105 - a password typed by mistake
        for given in (["--password", secret], [f"--password={secret}"]):
            assert main(self._args(tmp_path, *given)) == 2
            out = capsys.readouterr()
            assert secret not in out.out + out.err
            assert "--password-file" in out.err

    def test_now_at_the_end_of_time_is_a_clear_error(
        self, tmp_path, capsys, monkeypatch
    ):
        """`--now 9999-12-31` (a horizon past year 9999) is one clear line, exit 2."""
        monkeypatch.setenv("B12COURSE_CALDAV_PASSWORD", "x")
        for now in ("9999-12-31", "9999-06-01T12:00+14:00"):
            assert main(self._args(tmp_path, "--now", now)) == 2
            err = capsys.readouterr().err
            assert "internal error" not in err
            assert "--now" in err

    def test_a_password_file_that_is_not_utf8(self, tmp_path, capsys):
        """A password file that is not UTF-8 names the file and exits 2."""
        secret = tmp_path / "password"
        secret.write_bytes(b"\xff\xfe\x00bad\n")
        assert main(self._args(tmp_path, "--password-file", str(secret))) == 2
        err = capsys.readouterr().err
        assert "internal error" not in err
        assert str(secret) in err
        assert "UTF-8" in err

    def test_without_the_extra_names_it(self, tmp_path, capsys, monkeypatch):
        """Without the caldav library the command says which extra to install."""
        monkeypatch.setenv("B12COURSE_CALDAV_PASSWORD", "x")
        monkeypatch.setitem(sys.modules, "caldav", None)
        assert main(self._args(tmp_path)) == 2
        err = capsys.readouterr().err
        assert "b12course[caldav]" in err
        assert "internal error" not in err

    def test_an_unreachable_server_has_its_own_exit_status(
        self, tmp_path, capsys, monkeypatch
    ):
        """A network failure exits 3 (not 2, bad input) and promises nothing about a next sync."""
        pytest.importorskip("caldav")
        monkeypatch.setenv("B12COURSE_CALDAV_PASSWORD", "x")
        assert main(self._args(tmp_path)) == 3
        err = capsys.readouterr().err
        assert "could not be reached" in err
        assert "next sync" not in err


class TestStrategiesExtra:
    def test_import_without_hypothesis_names_the_extra(self):
        """`import b12course.strategies` without Hypothesis says which extra to install."""
        import subprocess

        code = (
            "import sys; sys.modules['hypothesis'] = None\n"
            "try:\n    import b12course.strategies\n"
            "except ModuleNotFoundError as e:\n    print(e)\n"
        )
        out = subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ},
        ).stdout
        assert "pip install" in out
        assert "b12course[" in out


class TestChartOutput:
    @pytest.fixture(autouse=True)
    def _needs_matplotlib(self) -> None:
        pytest.importorskip("matplotlib")

    def test_chart_goes_through_the_one_writer(self, tmp_path, capsys):
        """`chart -o` writes a new file 0600, and through a link writes the file it names."""
        path = saved(tmp_path)
        new = tmp_path / "new.svg"
        assert main(["chart", str(path), "-o", str(new), "--now", "2027-01-10"]) == 0
        assert new.stat().st_mode & 0o777 == 0o600
        real = tmp_path / "real.svg"
        real.write_bytes(b"old")
        link = tmp_path / "link.svg"
        link.symlink_to(real.name)
        argv = ["chart", str(path), "-o", str(link), "--force", "--now", "2027-01-10"]
        assert main(argv) == 0
        capsys.readouterr()
        assert link.is_symlink()
        assert real.read_bytes().startswith(b"<?xml")
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "course.json",
            "link.svg",
            "new.svg",
            "real.svg",
        ]
