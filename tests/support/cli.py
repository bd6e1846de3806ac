"""Running the command line in process, as the CLI tests do."""

from __future__ import annotations

from typing import Any

from b12course.cli import main


def run(capsys: Any, *argv: object) -> tuple[int, str, str]:
    """Run ``b12course *argv`` (each argument as text); its status, stdout and stderr."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err
