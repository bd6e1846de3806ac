"""Shell completion: the scripts `b12course completion` prints, and the answers."""

import os
import subprocess
import sys

import pytest

from b12course.cli import main


def _complete(tmp_path, line):
    """Ask b12course to complete ``line`` the way a shell's completion script does."""
    answer = tmp_path / "answer"
    env = {
        **os.environ,
        "_ARGCOMPLETE": "1",
        "_ARGCOMPLETE_IFS": "\n",
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
        "_ARGCOMPLETE_STDOUT_FILENAME": str(answer),
    }
    subprocess.run(
        [sys.executable, "-m", "b12course"], env=env, check=False, timeout=60
    )
    return [word.strip() for word in answer.read_text(encoding="utf-8").split("\n")]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_a_script_for_each_shell(shell, capsys):
    """`b12course completion SHELL` prints that shell's script naming b12course."""
    assert main(["completion", shell]) == 0
    out, err = capsys.readouterr()
    assert "b12course" in out
    assert "_ARGCOMPLETE" in out
    assert not err


def test_an_unknown_shell_is_a_usage_error(capsys):
    """Only bash, zsh and fish are offered."""
    assert main(["completion", "tcsh"]) == 2
    _, err = capsys.readouterr()
    assert "invalid choice" in err


def test_commands_complete_from_the_parser(tmp_path):
    """Completing `b12course wor` offers the worklist command."""
    assert "worklist" in _complete(tmp_path, "b12course wor")


def test_options_and_choices_complete(tmp_path):
    """Completing an option and a choice of `record --by` offers the parser's words."""
    assert "--site" in _complete(tmp_path, "b12course record x.json --s")
    assert set(_complete(tmp_path, "b12course record x.json --by c")) == {
        "carer",
        "clinician",
    }


def test_without_the_extra_the_command_names_it(capsys, monkeypatch):
    """Without argcomplete, `completion` says which extra to install."""
    monkeypatch.setitem(sys.modules, "argcomplete", None)
    monkeypatch.setitem(sys.modules, "argcomplete.shell_integration", None)
    assert main(["completion", "bash"]) == 2
    _, err = capsys.readouterr()
    assert "b12course[completion]" in err
