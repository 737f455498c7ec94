"""PostGIS for the tests that run on both plan stores (tests/store and tests/api).

PostGIS comes from ``GEBIED_TEST_DATABASE`` (a ``postgresql://`` URL of a user without
superuser rights; ``.ci/postgres`` starts one). Each test gets its own schema; read-only
module fixtures may share one (``module_database_url``). Without that variable or server
the PostGIS variant is skipped with the reason; CI sets it.

The conftests of tests/store and tests/api import the fixtures from here (one copy).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest

URL = os.environ.get("GEBIED_TEST_DATABASE", "")


def _server_reason() -> str | None:
    if not URL:
        return "GEBIED_TEST_DATABASE is niet gezet: geen PostgreSQL/PostGIS-server voor deze test (.ci/postgres start er een)"
    try:
        import psycopg

        with psycopg.connect(URL, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means: no server to test against
        return f"PostgreSQL op GEBIED_TEST_DATABASE is niet bereikbaar ({str(exc).strip().splitlines()[0] if str(exc).strip() else exc})"
    return None


REASON = _server_reason()
needs_postgis = pytest.mark.skipif(REASON is not None, reason=REASON or "")
#: The two stores, for ``params=``: ``ingebed`` (GeoPackage beside the output) and ``postgis``.
KINDS = ["ingebed", pytest.param("postgis", marks=needs_postgis)]


@contextlib.contextmanager
def fresh_schema() -> Iterator[str]:
    """A new schema in the test database, as a URL whose search_path points there; dropped after."""
    if REASON is not None:
        pytest.skip(REASON)
    import psycopg

    schema = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in URL else "?"
    try:
        yield f"{URL}{sep}options={quote(f'-csearch_path={schema},public')}"
    finally:
        with psycopg.connect(URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture()
def database_url():
    """A fresh schema for this test (see :func:`fresh_schema`)."""
    with fresh_schema() as url:
        yield url


@pytest.fixture(scope="module")
def module_database_url():
    """One schema for a whole module: only for fixtures whose tests do not write."""
    with fresh_schema() as url:
        yield url


@pytest.fixture(params=KINDS)
def kind(request) -> str:
    """Which store: ``ingebed`` (GeoPackage beside the output) or ``postgis``."""
    return request.param


@pytest.fixture(scope="module", params=KINDS)
def module_kind(request) -> str:
    """:func:`kind` for module-scoped fixtures."""
    return request.param


@pytest.fixture()
def store_args(kind, tmp_path, request) -> dict:
    """``open_plan_store`` arguments for the store of this test (output folder ``tmp_path/uit``)."""
    if kind == "postgis":
        return {"output": tmp_path / "uit", "database": request.getfixturevalue("database_url")}
    return {"output": tmp_path / "uit", "database": None}
