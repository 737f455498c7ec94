"""Sphinx-configuratie van de documentatie van gebied (Markdown via myst-parser).

Bouwen: ``pip install -e ".[docs]"`` en dan ``sphinx-build -W --keep-going -b html docs docs/_build/html``.
"""

from __future__ import annotations

import importlib
import pkgutil
from importlib.metadata import PackageNotFoundError, version

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

project = "gebied"
author = "de ontwikkelaars van gebied"
copyright = "2026, de ontwikkelaars van gebied"  # noqa: A001
try:
    release = version("gebied")
except PackageNotFoundError:  # documentatie gebouwd zonder installatie
    release = "onbekend"
version = release

language = "nl"
root_doc = "index"
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
]

# -- Markdown (myst) ---------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist"]
# kopjes tot en met niveau 3 krijgen een anker, zodat [tekst](pagina.md#kopje) werkt
myst_heading_anchors = 3

# -- API-referentie uit de numpydoc-docstrings ---------------------------------
autosummary_generate = False  # de API-pagina's staan met de hand in docs/api/
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
autodoc_class_signature = "separated"
autodoc_preserve_defaults = True
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True

# -- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = "gebied"
html_static_path: list[str] = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_show_sourcelink = False


# -- De modules van een package, automatisch ------------------------------------
class ModulesDirective(SphinxDirective):
    """``gebied-modules PACKAGE``: ``automodule`` for every module of a package.

    The list follows the code, so a module that is added, split or removed never leaves the
    reference behind. Options: ``:members:`` (document the members too), ``:exclude:``
    (comma-separated module names documented elsewhere), ``:no-packages:`` (leave out
    subpackages).
    """

    required_arguments = 1
    option_spec = {
        "members": directives.flag,
        "exclude": directives.unchanged,
        "no-packages": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        package = importlib.import_module(self.arguments[0])
        exclude = {n.strip() for n in self.options.get("exclude", "").split(",") if n.strip()}
        lines: list[str] = []
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            if info.name.startswith("_") or info.name in exclude:
                continue
            if info.ispkg and "no-packages" in self.options:
                continue
            lines.append(f".. automodule:: {package.__name__}.{info.name}")
            if "members" in self.options:
                lines.append("   :members:")
            lines.append("")
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, StringList(lines, source=self.get_source_info()[0]), container)
        return container.children


def setup(app):
    app.add_directive("gebied-modules", ModulesDirective)
    return {"parallel_read_safe": True}
