"""Every code block of the README and the documentation runs and prints what it shows.

The blocks of one page run in order in one namespace, as a reader would type
them, in a temporary folder.

- A ``python`` block runs; if a ``text`` block follows it directly (nothing
  but blank lines between), that block is its output: the test compares it with
  what the Python block printed on stdout.
- A ``console`` block runs each ``$ b12course ...`` line through the command
  line and expects exit status 0 (a ``$ mkdir FOLDER`` line makes the folder).
  The lines after a ``$`` line, up to the next ``$`` line, are that command's
  output as a terminal shows it: its stdout, then its stderr (where the command
  line prints its confirmations).  They are compared exactly with what the
  command printed.

The comparison ignores trailing spaces at the ends of lines and blank lines at
the end of an output; nothing else is normalised.  Examples that would print
something volatile (a random course id, the clock) pass ``--id`` and ``--now``
(or ``id=`` and ``now=`` in Python) so that there is nothing to normalise.
After a deliberate change of an output, ``python docs/update_outputs.py PAGE...``
rewrites the outputs a page shows.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(
    [ROOT / "README.md"]
    + [page for page in (ROOT / "docs").rglob("*.md") if "_build" not in page.parts]
)
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
# Pages whose Python examples must each show what they print.
SHOWS_OUTPUT = [
    ROOT / "docs" / "index.md",
    ROOT / "docs" / "guides" / "apps.md",
    ROOT / "docs" / "guides" / "calendars.md",
    ROOT / "docs" / "guides" / "fhir.md",
]


@dataclass(frozen=True)
class Block:
    """One fenced code block: its language, its text, and the block showing its output."""

    language: str
    code: str
    output: str | None


def fenced(page: Path) -> list[Block]:
    """Return the fenced blocks of ``page`` in order, each with its output block."""
    text = page.read_text(encoding="utf-8")
    matches = list(FENCE.finditer(text))
    found = []
    for index, match in enumerate(matches):
        language = match.group(1)
        following = matches[index + 1] if index + 1 < len(matches) else None
        output = None
        if (
            language == "python"
            and following is not None
            and following.group(1) == "text"
            and not text[match.end() : following.start()].strip()
        ):
            output = following.group(2)
        found.append(Block(language, match.group(2), output))
    return found


def blocks(page: Path, language: str) -> list[str]:
    """Return the fenced blocks of ``language`` in ``page``, in order."""
    return [block.code for block in fenced(page) if block.language == language]


def normalised(output: str) -> str:
    """Return ``output`` without trailing spaces on its lines or blank lines at its end."""
    return "\n".join(line.rstrip() for line in output.splitlines()).rstrip("\n")


def commands(block: str) -> list[tuple[str, str]]:
    """Return each ``$ ...`` line of a console block with the output shown under it."""
    found: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            found.append((line, []))
        elif found:
            found[-1][1].append(line)
        else:
            pytest.fail(f"output before any command: {line!r}")
    return [(line, "\n".join(shown)) for line, shown in found]


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
        """Each Python block runs after the ones before it and prints the output shown."""
        namespace: dict[str, object] = {"__name__": "__docs__"}
        python = [block for block in fenced(page) if block.language == "python"]
        for number, block in enumerate(python, start=1):
            where = f"{page_id(page)} block {number}"
            capsys.readouterr()
            exec(compile(block.code, where, "exec"), namespace)  # noqa: S102 - the docs' own code
            printed = capsys.readouterr().out
            if block.output is not None:
                assert normalised(printed) == normalised(block.output), where

    @pytest.mark.parametrize("page", SHOWS_OUTPUT, ids=page_id)
    def test_prints_show_their_output(self, page):
        """On the pages that teach, every Python block that prints shows its output."""
        python = [block for block in fenced(page) if block.language == "python"]
        assert python
        for block in python:
            if "print(" in block.code:
                assert block.output is not None, block.code

    def test_pages_have_code(self):
        """The README and the guides show runnable Python, so these tests check something."""
        assert blocks(ROOT / "README.md", "python")
        assert blocks(ROOT / "docs" / "guides" / "apps.md", "python")


def run_console(page, folder, capsys, server=None):
    """Run the console blocks of ``page`` in ``folder``; check each status and output.

    ``server`` maps the page's example CalDAV URL and user to a real server's
    (and back in the outputs).
    """
    from b12course.cli import main

    for code in blocks(page, "console"):
        for line, shown in commands(code):
            if line.startswith("$ mkdir "):  # the one shell command the pages use
                for name in shlex.split(line.removeprefix("$ mkdir ")):
                    (folder / name).mkdir(parents=True)
                assert not shown, line
                continue
            assert line.startswith("$ b12course "), f"not a b12course command: {line!r}"
            typed = line.removeprefix("$ b12course ")
            for documented, real in (server or {}).items():
                typed = typed.replace(documented, real)
            capsys.readouterr()
            status = main(shlex.split(typed))
            out, err = capsys.readouterr()
            printed = out + err
            for documented, real in (server or {}).items():
                printed = printed.replace(real, documented)
            assert status == 0, f"{line!r} exited {status}: {err}"
            assert normalised(printed) == normalised(shown), line


# Pages whose commands need a CalDAV server: run against a real Radicale.
CALDAV_PAGES = [ROOT / "docs" / "guides" / "caldav.md"]
CALDAV_URL = "https://cloud.example.org/dav/calendars/nurse/ann-b12/"
CALDAV_PASSWORD_FILE = "caldav-password"  # noqa: S105 - a file name, not a password


class TestConsoleBlocks:
    @pytest.mark.parametrize(
        "page",
        [p for p in PAGES if blocks(p, "console") and p not in CALDAV_PAGES],
        ids=page_id,
    )
    def test_commands_print_what_is_shown(self, page, in_tmp, capsys):
        """Each `$ b12course ...` line exits 0 and prints exactly the output shown under it."""
        run_console(page, in_tmp, capsys)

    @pytest.mark.parametrize("page", CALDAV_PAGES, ids=page_id)
    def test_caldav_commands_against_a_real_server(self, page, in_tmp, capsys):
        """The CalDAV guide's commands print what it shows, against a real Radicale.

        The page's URL and user become the server's; the password file the page
        writes in its first step (a ``sh`` block) is written here.
        """
        from support import caldav_server as helper

        assert CALDAV_URL in page.read_text(encoding="utf-8")
        (in_tmp / "radicale").mkdir()
        server = helper.RadicaleServer(in_tmp / "radicale")
        server.start()
        try:
            url = server.make_calendar("ann-b12")
            (in_tmp / CALDAV_PASSWORD_FILE).write_text(f"{helper.PASSWORD}\n")
            mapping = {CALDAV_URL: url, "--user nurse": f"--user {helper.USER}"}
            run_console(page, in_tmp, capsys, server=mapping)
        finally:
            server.close()

    def test_the_tutorial_runs_every_command(self):
        """The command-line tutorial runs every command of the file workflow."""
        tutorial = ROOT / "docs" / "tutorials" / "cli.md"
        ran = {
            shlex.split(line)[2]
            for code in blocks(tutorial, "console")
            for line, _shown in commands(code)
        }
        workflow = {
            "new",
            "log",
            "lab",
            "record",
            "skip",
            "end-phase",
            "status",
            "plan",
            "timeline",
            "ics",
            "csv",
            "summary",
            "chart",
            "worklist",
        }
        assert workflow <= ran, workflow - ran

    def test_cli_reference_has_an_example_per_command(self, in_tmp, capsys):
        """Every command has an example on the reference page, and each runs.

        The page's ``b12course-cli`` directive lists the examples; the build runs
        them and shows their output.  Here they run in order in one folder and
        must exit 0; the commands of its ``:not-run:`` option (``caldav``, which
        needs a server) must parse.
        """
        import argparse

        from b12course.cli import _parser, main

        page = (ROOT / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
        directive = re.search(
            r"^```\{b12course-cli\}\n(.*?)^```", page, re.MULTILINE | re.DOTALL
        )
        assert directive is not None
        content = directive.group(1)
        (option,) = re.findall(r"^:not-run: (.*)$", content, re.MULTILINE)
        not_run = set(option.split())
        lines = [line for line in content.splitlines() if line.startswith("$ ")]
        parser = _parser()
        (sub,) = [
            a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
        ]
        assert set(sub.choices) <= {shlex.split(line)[2] for line in lines}
        for line in lines:
            argv = shlex.split(line.removeprefix("$ b12course "))
            if argv[0] in not_run:
                assert parser.parse_args(argv).run is not None
                continue
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
