"""The architecture of DESIGN.md, checked rather than trusted."""

from __future__ import annotations

import ast
import pathlib

import pytest

import b12course

SRC = pathlib.Path(b12course.__file__).parent


def _modules() -> list[pathlib.Path]:
    return sorted(SRC.rglob("*.py"))


def _module_name(path: pathlib.Path) -> str:
    parts = ["b12course", *path.relative_to(SRC).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(dotted: str) -> bool:
    relative = pathlib.Path(*dotted.split(".")[1:])
    return (SRC / relative).with_suffix(".py").exists() or (
        SRC / relative / "__init__.py"
    ).exists()


def _private_imports(path: pathlib.Path) -> list[str]:
    """Return "module.name" for each private name ``path`` imports from another module."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
            continue
        if node.module.split(".")[0] != "b12course":
            continue
        for alias in node.names:
            name = alias.name
            private = name.startswith("_") and not name.startswith("__")
            if private and not _is_module(f"{node.module}.{name}"):
                found.append(f"{node.module}.{name}")
    return found


def _imports_icalendar(path: pathlib.Path) -> bool:
    """True when ``path`` imports icalendar anywhere (inside functions too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(a.name.split(".")[0] == "icalendar" for a in node.names):
                return True
        elif (
            isinstance(node, ast.ImportFrom)
            and not node.level
            and node.module
            and node.module.split(".")[0] == "icalendar"
        ):
            return True
    return False


class TestOnlyIcalImportsIcalendar:
    def test_no_module_outside_ical_imports_icalendar(self):
        """Only b12course.ical imports icalendar: caldav asks ical to split, read and fingerprint calendar objects."""
        outside = [
            _module_name(path)
            for path in _modules()
            if _imports_icalendar(path)
            and not _module_name(path).startswith("b12course.ical")
        ]
        assert outside == []
        assert _imports_icalendar(SRC / "ical" / "_objects.py")

    def test_the_check_sees_an_import_inside_a_function(self, tmp_path):
        """An import of icalendar in a function body counts; a name like it does not."""
        source = tmp_path / "mod.py"
        source.write_text("def f():\n    from icalendar import Event\n")
        assert _imports_icalendar(source)
        source.write_text("import icalendar_tools\nimport ical\n")
        assert not _imports_icalendar(source)


class TestPrivateNames:
    def test_no_module_imports_a_private_name_of_another(self):
        """No source module imports a _private name from another module: shared code has a public name."""
        offenders = {
            _module_name(path): names
            for path in _modules()
            if (names := _private_imports(path))
        }
        assert offenders == {}

    def test_the_check_sees_a_private_import(self, tmp_path):
        """The check reports a private name imported across modules, and not a private module."""
        source = tmp_path / "mod.py"
        source.write_text(
            "from b12course._flare import _Hidden\n"
            "from b12course import _course\n"
            "from b12course._time import utc\n",
            encoding="utf-8",
        )
        assert _private_imports(source) == ["b12course._flare._Hidden"]


class TestLayers:
    def test_the_import_linter_contracts_hold(self):
        """The layers contract in pyproject.toml holds: no upward import, no circle, no rendering importing another."""
        importlinter = pytest.importorskip("importlinter")
        from importlinter.cli import lint_imports

        root = SRC.parent.parent
        if not (root / "pyproject.toml").exists():  # pragma: no cover - installed
            pytest.skip("needs the source tree's pyproject.toml")
        assert importlinter is not None
        assert lint_imports(config_filename=str(root / "pyproject.toml")) == 0
