"""Sphinx configuration of the spindex documentation.

Build with ``make docs``: the HTML site into ``docs/_build/html`` and the examples of the
narrative pages run by Sphinx's doctest builder, both with warnings as errors.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path
from typing import Any

import spindex

project = "spindex"
author = "spindex developers"
project_copyright = "spindex developers, MIT licence"
release = spindex.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "numpydoc",
    "myst_parser",
    "matplotlib.sphinxext.plot_directive",
]

# The gallery (gallery.md) draws every figure of spindex.plot when the site builds.
plot_html_show_source_link = False
plot_formats = [("png", 100)]
plot_include_source = True

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
templates_path = ["_templates"]

# The API reference: one page per public name, generated from the docstrings at build time.
autosummary_generate = True
autodoc_typehints = "none"  # the numpydoc Parameters sections carry the types
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# numpydoc turns each References entry into a citation; a docstring need not cite every one.
suppress_warnings = ["ref.citation"]

# Markdown pages (methods.md, soft-power.md): heading anchors make their "#section" links work.
myst_heading_anchors = 3

# Only the explicit ``.. doctest::`` blocks of the narrative pages run here; the docstrings'
# examples run under pytest (--doctest-modules), with their modules' names in scope.
doctest_test_doctest_blocks = ""
doctest_default_flags = (
    doctest.ELLIPSIS | doctest.IGNORE_EXCEPTION_DETAIL | doctest.DONT_ACCEPT_TRUE_FOR_1
    | doctest.NORMALIZE_WHITESPACE
)
doctest_global_setup = """
import pandas as pd
pd.set_option("display.width", 100)
pd.set_option("display.max_columns", 12)
"""

html_theme = "furo"
html_title = f"spindex {release}"
html_show_sourcelink = False


def _documented_names(app: Any) -> set[str]:
    """Names listed in the autosummary tables of ``api.rst``."""
    text = Path(app.srcdir, "api.rst").read_text(encoding="utf-8")
    return set(re.findall(r"^\s+~?spindex\.([A-Za-z_][\w.]*)\s*$", text, flags=re.MULTILINE))


def _check_api_reference(app: Any) -> None:
    """Fail the build (a warning under -W) when a public name is missing from api.rst."""
    from sphinx.util import logging

    documented = _documented_names(app)
    missing = [
        name for name in spindex.__all__
        if not name.startswith("__") and name not in documented
    ]
    if missing:
        logging.getLogger(__name__).warning(
            "docs/api.rst (the API reference) does not list these names of spindex.__all__; "
            "add them to a section there: %s", ", ".join(missing)
        )


def _skip_top_level(
    app: Any, what: str, name: str, obj: Any, skip: bool, options: Any
) -> bool | None:
    """On a module's page, leave out what already has its page as ``spindex.<name>``."""
    if what == "module" and obj is not None and getattr(spindex, name, None) is obj:
        return True
    return None


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _check_api_reference)
    app.connect("autodoc-skip-member", _skip_top_level)
    return {"parallel_read_safe": True}
