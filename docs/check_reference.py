"""Fail when a public name or public module has no entry in the built reference.

Run after ``sphinx-build`` (``.ci/run`` does)::

    python docs/check_reference.py docs/_build/html/objects.inv

Every name in ``b12course.__all__`` (other than modules) must be documented as
``b12course.<name>``, and every public module (``b12course.<name>`` whose file
name does not start with an underscore) must have its own reference entry.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

from sphinx.util.inventory import InventoryFile

import b12course


def documented(inventory_path: Path) -> set[str]:
    """Return every Python object name the inventory documents."""
    with inventory_path.open("rb") as stream:
        inventory = InventoryFile.load(stream, "", lambda _base, uri: uri)
    items = inventory.items() if hasattr(inventory, "items") else inventory.data.items()
    names: set[str] = set()
    for kind, entries in items:
        if kind.startswith("py:"):
            names.update(entries)
    return names


def public_modules() -> list[str]:
    """Return the public modules and packages of b12course."""
    found = []
    for info in pkgutil.iter_modules(b12course.__path__):
        if info.name.startswith("_"):
            continue
        found.append(f"b12course.{info.name}")
    return sorted(found)


def missing(names: set[str]) -> list[str]:
    """Return the public names and modules the reference lacks."""
    lacking = []
    for name in b12course.__all__:
        if name.startswith("__"):
            continue
        if inspect.ismodule(getattr(b12course, name)):
            continue
        if f"b12course.{name}" not in names:
            lacking.append(f"b12course.{name}")
    for module in public_modules():
        if module == "b12course.cli":
            continue  # documented by the generated command-line page
        try:
            importlib.import_module(module)
        except ImportError as exc:  # an optional extra that is not installed
            lacking.append(f"{module} (cannot import: {exc})")
            continue
        if module not in names:
            lacking.append(module)
    return lacking


def main() -> int:
    """Check the inventory given on the command line; return the exit status."""
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/_build/html/objects.inv")
    lacking = missing(documented(path))
    for name in lacking:
        print(f"no reference entry: {name}", file=sys.stderr)
    if not lacking:
        print(f"reference complete: {len(b12course.__all__)} names in __all__")
    return 1 if lacking else 0


if __name__ == "__main__":
    raise SystemExit(main())
