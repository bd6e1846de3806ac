"""Run the test suite on every Python the classifiers claim (``nox``).

Sessions for versions the machine lacks are skipped with a message (nox's own
"Missing interpreters will be skipped"), never failed, except on CI where
``--error-on-missing-interpreters`` may be passed.  Interpreters installed with
pyenv but not on PATH are found too.

    nox                 # tests on 3.10, 3.11, 3.12 (those present)
    nox -s fast         # the fast tier: no slow, integration or fuzz tests
    nox -s docs lint    # the documentation build and the linters
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nox
import tomllib

ROOT = Path(__file__).parent
nox.options.sessions = ["tests"]
nox.options.error_on_missing_interpreters = False
nox.options.default_venv_backend = "venv"


def _claimed_pythons() -> list[str]:
    """Return the Python versions the classifiers of pyproject.toml claim."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pattern = re.compile(r"Programming Language :: Python :: (3\.\d+)$")
    return [m.group(1) for c in project["classifiers"] if (m := pattern.match(c))]


def _add_pyenv_to_path() -> None:
    """Put pyenv's interpreters on PATH, so nox finds ``python3.X`` there too."""
    versions = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if not versions.is_dir():
        return
    bins = [str(v / "bin") for v in sorted(versions.iterdir()) if (v / "bin").is_dir()]
    os.environ["PATH"] = os.pathsep.join([*bins, os.environ.get("PATH", "")])


_add_pyenv_to_path()
PYTHONS = _claimed_pythons()


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the whole test suite with the coverage gate."""
    session.install("-e", ".[test]", "--group", "dask")
    session.run("python", "-m", "pytest", "--cov=b12course", *session.posargs)


# The fast tier (docs/testing.md): every module, none of the costly tests.
FAST = "not slow and not integration and not fuzz"


@nox.session(python=PYTHONS[-1])
def fast(session: nox.Session) -> None:
    """Run the fast tier and print its own coverage (no gate: the full suite has it)."""
    session.install("-e", ".[test]")
    session.run(
        "python",
        "-m",
        "pytest",
        "-n",
        "auto",
        "-m",
        FAST,
        "-p",
        "no:cacheprovider",
        "--cov=b12course",
        "--cov-report=term:skip-covered",
        "--cov-fail-under=0",
        *session.posargs,
    )


@nox.session(python=PYTHONS[-1])
def lint(session: nox.Session) -> None:
    """Run ruff, mypy --strict and the import-linter contract."""
    session.install("-e", ".", "--group", "lint")
    session.run("ruff", "check", "src", "tests", "examples", "benchmarks", "docs")
    session.run("ruff", "format", "--check", "src", "tests", "examples", "benchmarks")
    session.run("mypy", "--strict", "src")
    session.run("lint-imports")


@nox.session(python=PYTHONS[-1])
def docs(session: nox.Session) -> None:
    """Build the documentation with warnings as errors (offline by default)."""
    session.install("-e", ".[strategies,plot]", "--group", "docs")
    out = "docs/_build/html"
    session.run("sphinx-build", "-W", "--keep-going", "-n", "docs", out)
    session.run("python", "docs/check_reference.py", f"{out}/objects.inv")
