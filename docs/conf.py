"""Sphinx configuration for the b12course documentation.

Build offline (as CI does) or online:

    sphinx-build -W --keep-going -n docs docs/_build/html        # offline, the default
    B12COURSE_DOCS_ONLINE=1 sphinx-build -W -n docs docs/_build/html

Offline (the default, because CI and this project's machines reach no web
server but the package registries), intersphinx fetches no inventories and
references to the standard library, attrs and icalendar render as plain text.
Online, they link to those projects' documentation.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

import b12course  # noqa: E402 - after the path set-up

project = "b12course"
author = "b12course developers"
copyright = "2026, b12course developers"  # noqa: A001 - Sphinx's name
release = b12course.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.doctest",
    "sphinx_autodoc_typehints",
    "sphinx_copybutton",
    "b12docs",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

html_theme = "furo"
html_title = f"b12course {release}"

# Google-style docstrings, as the code writes them.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False

autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_typehints = "description"
always_document_param_types = False
typehints_fully_qualified = False

copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True

# The plot module's Figure is imported for type checking only.
suppress_warnings = ["sphinx_autodoc_typehints.forward_reference"]

ONLINE = os.environ.get("B12COURSE_DOCS_ONLINE") == "1"
intersphinx_mapping = (
    {
        "python": ("https://docs.python.org/3", None),
        "attrs": ("https://www.attrs.org/en/stable/", None),
        "icalendar": ("https://icalendar.readthedocs.io/en/stable/", None),
    }
    if ONLINE
    else {}
)

# Offline, names from other projects have no inventory to resolve against:
# they render as text.  Online, intersphinx resolves them.
_EXTERNAL = (
    r"(dt|datetime|zoneinfo|collections|typing|typing_extensions|pathlib|os|io|enum|"
    r"decimal|fractions|argparse|attr|attrs|icalendar|matplotlib|hypothesis|cattrs|"
    r"dateutil|fhir|caldav|pydantic|_io|types|InvalidArgument)(\..*)?"
)
nitpick_ignore_regex = [
    (
        r"py:.*",
        (
            r"(str|int|float|bool|bytes|object|None|NoneType|type|tuple|list|"
            r"dict|set|frozenset|Exception|ValueError|TypeError|LookupError|"
            r"RuntimeError|UserWarning|Iterator|Iterable|Sequence|Mapping|Callable|"
            r"Any|Self|TypeVar|Literal|Union|Optional|ellipsis|Ellipsis)"
        ),
    ),
    (r"py:.*", r"(~)?[A-Za-z_.]*\b_[SVT]\b"),  # private type variables
    (r"py:.*", r"b12course\.(.*\.)?_[A-Z]\w*"),  # private classes (e.g. _Unit)
]
if not ONLINE:
    nitpick_ignore_regex.append((r"py:.*", _EXTERNAL))


def _publish_structure_definitions(app: object, exception: Exception | None) -> None:
    """Copy each FHIR extension's StructureDefinition to its canonical URL's path.

    The extensions' URLs are ``<site>/fhir/StructureDefinition/<name>``; the
    HTML build serves each definition there (and as ``<name>.json``).
    """
    builder = getattr(app, "builder", None)
    if exception is not None or getattr(builder, "format", "") != "html":
        return
    import json

    from b12course.fhir import structure_definitions

    target = Path(str(getattr(app, "outdir", ""))) / "fhir" / "StructureDefinition"
    target.mkdir(parents=True, exist_ok=True)
    for name, definition in structure_definitions().items():
        text = json.dumps(definition, indent=2, ensure_ascii=False) + "\n"
        for file_name in (name, f"{name}.json"):
            (target / file_name).write_text(text, encoding="utf-8")


def setup(app: object) -> None:
    """Publish the FHIR StructureDefinitions with the HTML pages."""
    app.connect("build-finished", _publish_structure_definitions)  # type: ignore[attr-defined]
