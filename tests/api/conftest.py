"""Fixtures for the API tests: each test runs on the embedded store and on PostGIS.

``serve(folder, keys)`` gives a TestClient over the plan in ``folder`` on the store of the
test: the embedded store beside that folder, or the plan as version 1 in a fresh PostGIS
schema. ``module_serve`` does the same once per module (one schema for the module: for
tests that do not write, or whose writes the other tests do not see).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gebied.api.app import create_app
from gebied.api.auth import load_keys
from gebied.api.store import PlanStore, open_database, open_store, read_plan_file
from gebied.store import open_plan_store
from tests.postgis import database_url, kind, module_database_url, module_kind  # noqa: F401 - fixtures


def open_view(store_kind: str, plan: Path, database: str | None) -> PlanStore:
    """The API's view of ``plan`` (a plan.gpkg) on one store; for PostGIS the plan is added as a version first."""
    if store_kind == "ingebed":
        return open_store(plan)
    backend = open_plan_store(database=database)
    try:
        backend.add_version(read_plan_file(plan), settings={}, input_hash="", output=str(plan.parent))
    finally:
        backend.close()
    return open_database(database)


@contextlib.contextmanager
def serving(store_kind: str, folder: Path, keys: Path, database: str | None) -> Iterator[TestClient]:
    """A started TestClient over ``folder/plan.gpkg`` on the store ``store_kind``; the store is closed after."""
    store = open_view(store_kind, Path(folder) / "plan.gpkg", database)
    try:
        with TestClient(create_app(store, load_keys(keys))) as client:
            yield client
    finally:
        store.close()


def _factory(store_kind: str, request: pytest.FixtureRequest, schema_fixture: str):
    stack = contextlib.ExitStack()

    def serve(folder: Path, keys: Path) -> TestClient:
        database = request.getfixturevalue(schema_fixture) if store_kind == "postgis" else None
        return stack.enter_context(serving(store_kind, folder, keys, database))

    return stack, serve


@pytest.fixture()
def serve(kind, request):  # noqa: F811 - the fixture imported above
    """``serve(folder, keys)`` → a TestClient over that plan on this test's store (fresh schema for PostGIS)."""
    stack, start = _factory(kind, request, "database_url")
    with stack:
        yield start


@pytest.fixture(scope="module")
def module_serve(module_kind, request):  # noqa: F811 - the fixture imported above
    """:func:`serve` for module-scoped fixtures: one PostGIS schema per module (call it once per module)."""
    stack, start = _factory(module_kind, request, "module_database_url")
    with stack:
        yield start
