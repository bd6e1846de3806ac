"""Rewrite the outputs the documentation shows with what its examples print now.

tests/test_docs_examples.py fails when an example's output differs from the
output its page shows.  After a deliberate change of an output, run this from
the repository's root, read the diff, and commit it::

    python docs/update_outputs.py README.md docs/tutorials/cli.md

It runs a page as the test does (the blocks in order, in one empty temporary
folder) and rewrites the lines under each ``$ b12course ...`` line of a
``console`` block (stdout, then stderr) and the ``text`` block right after each
``python`` block.  With ``--add``, it also adds an output block after each
``python`` block that prints but shows nothing.  Pages whose commands need a
CalDAV server (docs/guides/caldav.md) are not supported.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
import tempfile
from pathlib import Path

from b12course.cli import main as cli

FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def _tidy(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()).rstrip("\n")


def _run_command(line: str) -> str:
    if line.startswith("$ mkdir "):
        for folder in shlex.split(line.removeprefix("$ mkdir ")):
            Path(folder).mkdir(parents=True)
        return ""
    argv = shlex.split(line.removeprefix("$ b12course "))
    out, err = io.BytesIO(), io.BytesIO()
    out_text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    err_text = io.TextIOWrapper(err, encoding="utf-8", newline="\n")
    with contextlib.redirect_stdout(out_text), contextlib.redirect_stderr(err_text):
        status = cli(argv)
    out_text.flush()
    err_text.flush()
    printed = (out.getvalue() + err.getvalue()).decode("utf-8")
    if status != 0:
        raise SystemExit(f"{line!r} exited {status}: {printed}")
    return _tidy(printed)


def _console(code: str) -> str:
    shown = []
    for line in code.splitlines():
        if line.startswith("$ "):
            shown.append(line)
            printed = _run_command(line)
            if printed:
                shown.append(printed)
    return "\n".join(shown) + "\n"


def update(text: str, *, add: bool = False) -> str:
    """Return the page ``text`` with its outputs rewritten as run in this folder."""
    namespace: dict[str, object] = {"__name__": "__docs__"}
    matches = list(FENCE.finditer(text))
    pieces: list[str] = []
    position = 0
    skip = None
    for index, match in enumerate(matches):
        if match is skip:
            continue
        language, code = match.group(1), match.group(2)
        if language not in {"console", "python"}:
            continue
        pieces.append(text[position : match.start(2)])
        position = match.end(2)
        if language == "console":
            pieces.append(_console(code))
            continue
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            exec(compile(code, "<docs>", "exec"), namespace)  # noqa: S102 - the docs' own code
        printed = _tidy(buffer.getvalue())
        pieces.append(code)
        following = matches[index + 1] if index + 1 < len(matches) else None
        if (
            following is not None
            and following.group(1) == "text"
            and not text[match.end() : following.start()].strip()
        ):
            pieces += [text[match.end(2) : following.start(2)], printed + "\n"]
            position = following.end(2)
            skip = following
        elif printed and add:
            pieces += ["```\n\n```text\n", printed + "\n"]
    pieces.append(text[position:])
    return "".join(pieces)


def main() -> int:
    """Rewrite each page named on the command line; return the exit status."""
    add = "--add" in sys.argv[1:]
    for name in (argument for argument in sys.argv[1:] if argument != "--add"):
        page = Path(name).resolve()
        here = Path.cwd()
        with tempfile.TemporaryDirectory() as folder:
            os.chdir(folder)
            try:
                new = update(page.read_text(encoding="utf-8"), add=add)
            finally:
                os.chdir(here)
        page.write_text(new, encoding="utf-8")
        print(f"updated {name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
