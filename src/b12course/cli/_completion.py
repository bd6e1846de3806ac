"""Shell completion: ``b12course completion bash|zsh|fish`` and the completer hook.

Completion is an optional extra (``pip install 'b12course[completion]'``), built
on argcomplete: the shell calls ``b12course`` with ``_ARGCOMPLETE`` set, and
:func:`complete` answers from the same parser the command line uses, so the
completions never disagree with the commands.  Without the extra nothing is
imported and start-up pays nothing.

Install it once, for example in bash::

    eval "$(b12course completion bash)"
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from b12course.cli import _args as shared
from b12course.cli import _course as base

__all__ = ["SHELLS", "complete", "register"]

#: The shells ``b12course completion`` writes a script for.
SHELLS = ("bash", "zsh", "fish")

_EXTRA = "pip install 'b12course[completion]'"


def complete(parser: argparse.ArgumentParser) -> None:
    """Answer a shell's completion request (and exit), if this run is one."""
    if "_ARGCOMPLETE" not in os.environ:
        return
    try:
        import argcomplete  # noqa: PLC0415 - only a completion request needs it
    except ImportError:
        return  # the shell asked, but the extra is not installed: no completions
    argcomplete.autocomplete(parser)


def run(args: argparse.Namespace) -> int:
    """Print the completion script for ``args.shell``."""
    try:
        from argcomplete.shell_integration import shellcode  # noqa: PLC0415 - extra
    except ImportError:
        msg = f"shell completion needs the completion extra: {_EXTRA}"
        raise base.InputError(msg) from None
    print(shellcode([base.PROG], shell=args.shell), end="")
    return 0


def register(commands: Any) -> None:  # noqa: ANN401 - argparse's subparsers action is private
    """Add the ``completion`` command to ``commands``."""
    parser = shared.add(
        commands,
        "completion",
        run,
        "print the shell completion script (needs b12course[completion])",
        "Print the script that makes your shell complete b12course's commands, "
        'options and values, e.g. `eval "$(b12course completion bash)"` in '
        "~/.bashrc, or `b12course completion fish | source` in fish.  Needs "
        f"the completion extra: {_EXTRA}.",
    )
    parser.add_argument("shell", choices=SHELLS, help="the shell")
