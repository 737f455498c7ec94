"""`python -m gebied server` as a real process for the API tests (no tests here)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from tests.store.servers import server, source_args


@contextlib.contextmanager
def running_server(plan: Path, keys: Path, *, timeout: float = 120.0):
    """`python -m gebied server` on a free loopback port; yields its base URL, stops it after."""
    with server(source_args(plan=plan), keys, timeout=timeout) as (base, _process):
        yield base
