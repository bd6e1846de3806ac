"""Sphinx directives that generate pages from the code, so they cannot drift.

- ``b12course-presets``: every preset in ``regimens.available()``: an index
  table, then its phases, source and notes.
- ``b12course-cli``: the help of the command line and of each command, from the
  argparse parser itself, with an example of each command run at build time.
- ``b12course-api``: the public names of ``b12course`` defined in the given
  private modules, grouped by module (the reference splits the package by
  concept this way).

It also resolves references to private modules (``b12course._course.Course``,
which type hints name) to the public name the reference documents
(``b12course.Course``).
"""

from __future__ import annotations

import argparse
import importlib
import shlex
import sys
import typing
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)


def _rst_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


class PresetsDirective(SphinxDirective):
    """Render every preset of ``b12course.regimens``: an index, then a section each.

    The index is a two-column table (id, name); each preset's section lists its
    phases, its source and its notes as paragraphs, so no long text sits in a
    narrow table column.
    """

    has_content = False

    def run(self) -> list[nodes.Node]:
        from b12course import regimens

        lines = [
            ".. list-table::",
            "   :header-rows: 1",
            "   :widths: 40 60",
            "",
            "   * - id",
            "     - regimen",
        ]
        for preset_id in regimens.available():
            regimen = regimens.get(preset_id)
            lines += [
                f"   * - ``{preset_id}``",
                f"     - {_rst_cell(regimen.name)}",
            ]
        lines.append("")
        for preset_id in regimens.available():
            regimen = regimens.get(preset_id)
            notes = getattr(regimen, "notes", "")
            notes_text = notes if isinstance(notes, str) else " ".join(notes)
            title = f"``{preset_id}``"
            lines += [
                title,
                "-" * len(title),
                "",
                f"**{_rst_cell(regimen.name)}**",
                "",
            ]
            lines += [f"- {_rst_cell(str(phase))}" for phase in regimen.phases]
            lines += ["", f"*Source:* {_rst_cell(regimen.source)}", ""]
            if notes_text:
                lines += [f"*Notes:* {_rst_cell(notes_text)}", ""]
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, StringList(lines), container)
        return list(container.children)


class ApiDirective(SphinxDirective):
    """Document the names of ``b12course.__all__`` that live in the given modules.

    ``.. b12course-api:: b12course._course b12course._records`` documents, in
    that order, one section per private module (titled by the first line of
    its docstring) with an entry per public name it defines, the names of the
    ``:first:`` option first.  The reference pages split the package this way
    by concept; ``docs/check_reference.py`` fails when a public name is on no
    page.  A type alias (``PhaseEnd``) is documented as a ``py:type`` whose
    text is the ``#:`` comment above its definition, never the docstring of
    ``typing``'s objects.
    """

    has_content = False
    required_arguments = 1
    optional_arguments = 20
    option_spec: ClassVar[dict[str, Any]] = {"first": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        import b12course

        homes: dict[str, tuple[str, ...]] = getattr(b12course, "_HOMES", {})
        first = self.options.get("first", "").split()
        lines: list[str] = []
        for module_name in self.arguments:
            module = importlib.import_module(module_name)
            names = list(homes.get(module_name, ()))
            if not names:
                names = [
                    name
                    for name in b12course.__all__
                    if getattr(getattr(b12course, name), "__module__", None)
                    == module_name
                ]
            names.sort(key=lambda name: first.index(name) if name in first else 99)
            doc = (module.__doc__ or module_name).strip().splitlines()[0]
            title = doc.rstrip(".")
            lines += [title, "-" * len(title), ""]
            for name in names:
                lines += self._entry(module_name, name)
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, StringList(lines), container)
        return list(container.children)

    def _entry(self, module_name: str, name: str) -> list[str]:
        import inspect

        import b12course

        obj = getattr(b12course, name)
        if _is_type_alias(obj):
            return self._type_alias(module_name, name, obj)
        kind = (
            "autoclass"
            if inspect.isclass(obj)
            else "autofunction"
            if callable(obj)
            else "autodata"
        )
        return [f".. {kind}:: b12course.{name}", ""]

    def _type_alias(self, module_name: str, name: str, obj: object) -> list[str]:
        from sphinx.pycode import ModuleAnalyzer

        docs = ModuleAnalyzer.for_module(module_name).find_attr_docs()
        text = list(docs.get(("", name), []))
        if not text:
            logger.warning(
                "type alias b12course.%s has no #: comment in %s",
                name,
                module_name,
                location=self.get_location(),
            )
        value = " | ".join(_type_name(arg) for arg in typing.get_args(obj))
        lines = [
            f".. py:type:: {name}",
            "   :module: b12course",
            f"   :canonical: {value or repr(obj)}",
            "",
        ]
        return lines + [f"   {line}" for line in text] + [""]


def _is_type_alias(obj: object) -> bool:
    """Return whether ``obj`` is a type alias (``Union[...]``, ``X | Y``...)."""
    import types

    if isinstance(obj, types.UnionType):
        return True
    return getattr(obj, "__module__", None) == "typing" and bool(typing.get_origin(obj))


def _type_name(arg: object) -> str:
    return getattr(arg, "__name__", None) or repr(arg)


def _parser() -> argparse.ArgumentParser:
    cli = importlib.import_module("b12course.cli")
    build = getattr(cli, "build_parser", None) or cli._parser  # noqa: SLF001
    parser: argparse.ArgumentParser = build()
    return parser


class CliDirective(SphinxDirective):
    """Render ``b12course --help`` and each command's ``--help``, with examples.

    The directive's content is a list of ``$ b12course ...`` lines.  They run
    in order, at build time, in one empty temporary folder (so a later line can
    read the file an earlier one wrote), and each command's section shows its
    examples with the output they printed (stdout, then stderr; long outputs
    cut after 30 lines).  A line that exits with a non-zero status fails the
    build.  The commands of the ``:not-run:`` option (``caldav``, which needs a
    server) are shown without output; tests/test_docs_examples.py parses them.
    """

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"not-run": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        parser = _parser()
        parser.formatter_class = _wide
        not_run = set(self.options.get("not-run", "").split())
        examples: dict[str, list[str]] = {}
        for line, status, output in run_examples(list(self.content), not_run):
            command = shlex.split(line)[2]
            if status != 0:
                logger.warning(
                    "example %r exited %s: %s",
                    line,
                    status,
                    output,
                    location=self.get_location(),
                )
            examples.setdefault(command, []).append(f"{line}\n{output}".rstrip())
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
                    if name not in examples:
                        logger.warning(
                            "command %r has no example",
                            name,
                            location=self.get_location(),
                        )
                    else:
                        section += nodes.rubric(text="Example")
                        section += nodes.literal_block(
                            text="\n\n".join(examples[name]), language="console"
                        )
                    result.append(section)
        return result


MAX_OUTPUT_LINES = 30


def run_examples(lines: list[str], not_run: set[str]) -> list[tuple[str, int, str]]:
    """Run each ``$ b12course ...`` line in one temporary folder, in order.

    Returns:
        ``(line, exit status, output)`` for each line; the output is stdout then
        stderr, cut after ``MAX_OUTPUT_LINES`` lines.  A line whose command is
        in ``not_run`` is only parsed (status 0 if its arguments parse).
    """
    import contextlib
    import io
    import os
    import tempfile
    from pathlib import Path

    from b12course.cli import main

    found = []
    here = Path.cwd()
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        try:
            for line in (line.strip() for line in lines):
                if not line:
                    continue
                argv = shlex.split(line.removeprefix("$ b12course "))
                out, err = io.StringIO(), io.StringIO()
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    if argv[0] in not_run:
                        try:
                            _parser().parse_args(argv)
                            status = 0
                        except SystemExit as exit_:
                            status = int(exit_.code or 0)
                    else:
                        status = main(argv)
                shown = (out.getvalue() + err.getvalue()).rstrip().splitlines()
                if len(shown) > MAX_OUTPUT_LINES:
                    more = len(shown) - MAX_OUTPUT_LINES
                    shown = [*shown[:MAX_OUTPUT_LINES], f"... ({more} more lines)"]
                found.append((line, status, "\n".join(shown)))
        finally:
            os.chdir(here)
    return found


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


def _drop_builtin_docstrings(*event: Any) -> None:
    """Drop the docstring a constant inherits from its type (``str``'s, ``tuple``'s).

    autodoc falls back to ``type(obj).__doc__`` for a module constant with no
    ``#:`` comment beside it, which would put the standard library's text under
    a b12course name.
    """
    import inspect

    _app, what, _name, obj, _options, lines = event
    if what not in {"data", "attribute"} or inspect.isclass(obj):
        return
    inherited = inspect.cleandoc(type(obj).__doc__ or "")
    if inherited and "\n".join(lines).strip() == inherited.strip():
        lines.clear()


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directives and the reference resolver with Sphinx."""
    app.add_directive("b12course-presets", PresetsDirective)
    app.add_directive("b12course-cli", CliDirective)
    app.add_directive("b12course-api", ApiDirective)
    app.connect("missing-reference", _resolve_private)
    app.connect("autodoc-process-docstring", _drop_builtin_docstrings)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
