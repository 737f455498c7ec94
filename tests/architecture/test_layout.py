"""The shape of the code: no import cycles, the library never reaches the map, API or CLI
layers, imports at the top of modules, and no file over about 400 lines."""

from __future__ import annotations

import ast
import functools
import pkgutil
from pathlib import Path

import networkx as nx
import pytest

import gebied

ROOT = Path(gebied.__file__).resolve().parent
FACES = ("gebied.cli", "gebied.maps", "gebied.api", "gebied.__main__")
#: Imports kept inside a function because of a measured start-up cost (``python -X importtime``):
#: WeasyPrint 1.2 s, uvicorn + FastAPI 0.8 s, psycopg 0.12 s, paid by every ``gebied`` command otherwise.
LAZY = {
    ("gebied.report.render", "weasyprint"),
    ("gebied.cli.server", "uvicorn"),
    ("gebied.cli.server", "gebied.api.app"),
    ("gebied.cli.audit", "gebied.api"),
    ("gebied.cli.audit", "fastapi"),
    ("gebied.cli.i18n", "typer._click"),
    ("gebied.store", "gebied.store.postgis"),  # psycopg 0.12 s, only with --database  # optional: only in typer versions that vendor click
}
MAX_LINES = 420


def _modules() -> dict[str, Path]:
    out = {"gebied": ROOT / "__init__.py"}
    for info in pkgutil.walk_packages([str(ROOT)], prefix="gebied."):
        spec = info.module_finder.find_spec(info.name.rsplit(".", 1)[-1])
        out[info.name] = Path(spec.origin)
    return out


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The module of this package that an imported dotted name refers to."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, at module level) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{a.name}" for a in node.names] if base else []
        else:
            continue
        for name in names:
            found.append((name, node.lineno, id(node) in top))
    return found


@functools.cache
def _graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for module, path in MODULES.items():
        graph.add_node(module)
        for name, _, _ in _imports(module, path):
            target = _resolve(name) if name.startswith("gebied") else None
            if target and target != module:
                graph.add_edge(module, target)
    return graph


def test_every_module_is_walked():
    assert {"gebied.clusters.make", "gebied.schedule.run", "gebied.maps.render", "gebied.api.app", "gebied.cli"} <= set(MODULES)
    assert len(MODULES) > 60


def test_no_import_cycles():
    cycles = [sorted(c) for c in nx.strongly_connected_components(_graph()) if len(c) > 1]
    assert cycles == [], f"importkringen: {cycles}"


def test_cycle_detector_sees_a_cycle():
    graph = _graph().copy()
    graph.add_edge("gebied.codes", "gebied.schedule.run")  # schedule.run imports codes
    assert any(len(c) > 1 for c in nx.strongly_connected_components(graph))


@pytest.mark.parametrize("module", sorted(m for m in MODULES if not m.startswith(FACES)))
def test_library_never_imports_the_faces(module):
    reached = [t for t in _graph().successors(module) if t.startswith(FACES)]
    assert reached == [], f"{module} importeert {reached}"


def test_maps_and_api_never_import_the_cli():
    graph = _graph()
    for module in MODULES:
        if module.startswith(("gebied.maps", "gebied.api")):
            assert not [t for t in graph.successors(module) if t.startswith("gebied.cli")], module


def test_imports_at_the_top():
    late = []
    for module, path in MODULES.items():
        for name, line, at_top in _imports(module, path):
            root_name = name if not name.startswith("gebied") else (_resolve(name) or name)
            if not at_top and not any(module == m and root_name.startswith(lazy) for m, lazy in LAZY):
                late.append(f"{path.relative_to(ROOT.parent)}:{line} {name}")
    assert late == []


def test_files_are_short():
    long = {str(p.relative_to(ROOT.parent)): n for p in ROOT.rglob("*.py") if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}
