"""Fixtures for the plan-store tests: each test runs on the embedded store and on PostGIS.

The PostGIS fixtures live in :mod:`tests.postgis` (shared with tests/api).
"""

from __future__ import annotations

from tests.postgis import REASON, URL, database_url, kind, needs_postgis, store_args  # noqa: F401 - fixtures and marks
