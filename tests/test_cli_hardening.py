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
