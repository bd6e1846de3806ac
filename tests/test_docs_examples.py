"""Every Python block of the README and the documentation runs as written.

The blocks of one page run in order in one namespace, as a reader would type
them, in a temporary folder.  ``console`` blocks run each ``$ b12course ...``
line through the command line and expect exit status 0.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(
    [ROOT / "README.md"]
    + [page for page in (ROOT / "docs").rglob("*.md") if "_build" not in page.parts]
)
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(page: Path, language: str) -> list[str]:
    """Return the fenced blocks of ``language`` in ``page``, in order."""
    return [
        match.group(2)
        for match in FENCE.finditer(page.read_text(encoding="utf-8"))
        if match.group(1) == language
    ]


def page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


class TestPythonBlocks:
    @pytest.mark.parametrize(
        "page", [p for p in PAGES if blocks(p, "python")], ids=page_id
    )
    def test_blocks_run_in_order(self, page, in_tmp, capsys):
        """Each Python block of the page runs after the ones before it, without error."""
        namespace: dict[str, object] = {"__name__": "__docs__"}
        for number, code in enumerate(blocks(page, "python"), start=1):
            compiled = compile(code, f"{page_id(page)} block {number}", "exec")
            exec(compiled, namespace)  # noqa: S102 - the documentation's own code
        capsys.readouterr()

    def test_pages_have_code(self):
        """The README and the guides show runnable Python, so these tests check something."""
        assert blocks(ROOT / "README.md", "python")
        assert blocks(ROOT / "docs" / "guides" / "apps.md", "python")


class TestConsoleBlocks:
    @pytest.mark.parametrize(
        "page", [p for p in PAGES if blocks(p, "console")], ids=page_id
    )
    def test_commands_succeed(self, page, in_tmp, capsys):
        """Each `$ b12course ...` line of the page exits with status 0."""
        from b12course.cli import main

        for code in blocks(page, "console"):
            for line in code.splitlines():
                if not line.startswith("$ b12course "):
                    continue
                argv = shlex.split(line.removeprefix("$ b12course "))
                status = main(argv)
                _out, err = capsys.readouterr()
                assert status == 0, f"{line!r} exited {status}: {err}"


def test_readme_starts_with_the_two_commands():
    """The README's first code block holds the main job and the test command."""
    first = FENCE.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert first is not None
    text = first.group(2)
    assert "b12course plan" in text
    assert "b12course ics" in text
    assert "pytest" in text
