"""Sphinx directives that generate pages from the code, so they cannot drift.

- ``b12course-presets``: a table of every preset in ``regimens.available()``
  (id, name, phases, source, notes).
- ``b12course-cli``: the help of the command line and of each command, from the
  argparse parser itself.

It also resolves references to private modules (``b12course._course.Course``,
which type hints name) to the public name the reference documents
(``b12course.Course``).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def _rst_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


class PresetsDirective(SphinxDirective):
    """Render the table of presets from ``b12course.regimens``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        from b12course import regimens

        lines = [
            ".. list-table::",
            "   :header-rows: 1",
            "   :widths: 14 22 34 30",
            "",
            "   * - id",
            "     - name",
            "     - phases",
            "     - source and notes",
        ]
        for preset_id in regimens.available():
            regimen = regimens.get(preset_id)
            phases = "; ".join(str(phase) for phase in regimen.phases)
            notes = getattr(regimen, "notes", "")
            notes_text = notes if isinstance(notes, str) else " ".join(notes)
            lines += [
                f"   * - ``{preset_id}``",
                f"     - {_rst_cell(regimen.name)}",
                f"     - {_rst_cell(phases)}",
                f"     - {_rst_cell(regimen.source)}",
                "",
                f"       *Notes:* {_rst_cell(notes_text)}",
            ]
        return self._parse(lines)

    def _parse(self, lines: list[str]) -> list[nodes.Node]:
        container = nodes.section()
        container.document = self.state.document
        self.state.nested_parse(StringList(lines), self.content_offset, container)
        return list(container.children)


class ApiDirective(SphinxDirective):
    """Document every name in ``b12course.__all__``, grouped by concept.

    The groups are the private modules that define the names, titled by the
    first line of each module's docstring, so a new public name gets its entry
    without anyone editing a page.
    """

    has_content = False

    def run(self) -> list[nodes.Node]:
        import inspect

        import b12course

        groups: dict[str, list[str]] = {}
        for name in b12course.__all__:
            obj = getattr(b12course, name)
            if inspect.ismodule(obj) or name.startswith("__"):
                continue
            module = getattr(obj, "__module__", None) or "b12course"
            groups.setdefault(module, []).append(name)
        lines: list[str] = []
        for module_name in sorted(groups):
            module = importlib.import_module(module_name)
            doc = (module.__doc__ or module_name).strip().splitlines()[0]
            title = doc.rstrip(".")
            lines += [title, "-" * len(title), ""]
            for name in groups[module_name]:
                obj = getattr(b12course, name)
                kind = (
                    "autoclass"
                    if inspect.isclass(obj)
                    else "autofunction"
                    if callable(obj)
                    else "autodata"
                )
                lines += [f".. {kind}:: b12course.{name}", ""]
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, StringList(lines), container)
        return list(container.children)


def _parser() -> argparse.ArgumentParser:
    cli = importlib.import_module("b12course.cli")
    build = getattr(cli, "build_parser", None) or cli._parser  # noqa: SLF001
    parser: argparse.ArgumentParser = build()
    return parser


class CliDirective(SphinxDirective):
    """Render ``b12course --help`` and each command's ``--help``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        parser = _parser()
        parser.formatter_class = _wide
        result: list[nodes.Node] = [
            nodes.literal_block(text=parser.format_help(), language="text")
        ]
        for action in parser._actions:  # noqa: SLF001 - argparse has no public walk
            if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
                for name, sub in action.choices.items():
                    sub.formatter_class = _wide
                    section = nodes.section(ids=[f"command-{name}"])
                    section += nodes.title(text=f"b12course {name}")
                    section += nodes.literal_block(
                        text=sub.format_help(), language="text"
                    )
                    result.append(section)
        return result


def _wide(prog: str) -> argparse.HelpFormatter:
    return argparse.HelpFormatter(prog, width=88, max_help_position=32)


def _candidates(target: str, module: str | None) -> list[str]:
    """Return public names a reference may mean, best first.

    ``b12course._course.Course`` (a type hint) means ``b12course.Course``; a
    bare ``NaiveDatetimeError`` (a Google-style ``Raises:`` section) means
    ``b12course.exceptions.NaiveDatetimeError``.
    """
    import b12course

    parts = target.lstrip("~.").split(".")
    name = parts[-1]
    found: list[str] = []
    if len(parts) == 1:
        found.append(f"b12course.exceptions.{name}")
        if module:
            found.append(f"{module}.{name}")
    if name in getattr(b12course, "__all__", ()):
        found.append(f"b12course.{name}")
    if len(parts) > 1 and parts[0] in getattr(b12course, "__all__", ()):
        found.append(f"b12course.{'.'.join(parts)}")  # Anchoring.GRID
    if len(parts) > 2 and parts[0] == "b12course" and parts[1].startswith("_"):  # noqa: PLR2004
        found.append(f"b12course.{'.'.join(parts[2:])}")
    return found


def _resolve_private(
    app: Sphinx, env: BuildEnvironment, node: Any, contnode: nodes.Element
) -> nodes.Element | None:
    if node.get("refdomain") != "py":
        return None
    domain = env.get_domain("py")
    for target in _candidates(node.get("reftarget", ""), node.get("py:module")):
        for reftype in dict.fromkeys((node["reftype"], "class", "exc", "data", "func")):
            found = domain.resolve_xref(
                env,
                node.get("refdoc", ""),
                app.builder,
                reftype,
                target,
                node,
                contnode,
            )
            if found is not None:
                return found
    return _private_name(node, contnode)


def _private_name(node: Any, contnode: nodes.Element) -> nodes.Element | None:
    """Render a reference to one of b12course's own undocumented names as text.

    Docstrings name private helpers (``expand``) and module constants
    (``IV_REASON``) that have no page, by design; a name that b12course does
    not define stays a broken reference, and fails the build.
    """
    target = node.get("reftarget", "").lstrip("~.")
    if target.startswith("b12course."):
        module_name, _, target = target.rpartition(".")
        modules = [module_name]
    else:
        modules = [node.get("py:module") or ""]
        modules += [name for name in sys.modules if name.startswith("b12course.")]
    owner = node.get("py:class")
    targets = [target, f"{owner}.{target}"] if owner else [target]
    for module_name in modules:
        module = sys.modules.get(module_name)
        if module is None or not module_name.startswith("b12course"):
            continue
        for dotted in targets:
            obj: Any = module
            for part in dotted.split("."):
                obj = getattr(obj, part, None)
                if obj is None:
                    break
            else:
                return contnode
    return None


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directives and the reference resolver with Sphinx."""
    app.add_directive("b12course-presets", PresetsDirective)
    app.add_directive("b12course-cli", CliDirective)
    app.add_directive("b12course-api", ApiDirective)
    app.connect("missing-reference", _resolve_private)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
