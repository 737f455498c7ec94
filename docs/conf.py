"""Sphinx-configuratie van de documentatie van gebied (Markdown via myst-parser).

Bouwen: ``pip install -e ".[docs]"`` en dan ``sphinx-build -W --keep-going -b html docs docs/_build/html``.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

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
