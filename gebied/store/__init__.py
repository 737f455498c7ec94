"""Plan stores: steering-group input apart from the computed plan versions.

:func:`open_plan_store` opens the embedded store (a GeoPackage beside the output folder,
:mod:`gebied.store.embedded`) or PostgreSQL/PostGIS (:mod:`gebied.store.postgis`) with
the same model (:mod:`gebied.store.model`). ``gebied plan`` reads the input from it and
adds a plan version; ``gebied server`` serves the newest version and writes input.
"""

from __future__ import annotations

import os
from pathlib import Path

from gebied.errors import GebiedError
from gebied.store.diff import version_diff
from gebied.store.embedded import EmbeddedStore, store_dir_for
from gebied.store.model import (
    TOOL,
    InputRow,
    NotVisible,
    PlanStoreBackend,
    PlanVersion,
    VersionConflict,
    Writer,
    input_frame,
    input_hash,
)


def is_database_url(text: str | None) -> bool:
    """Is ``text`` a PostgreSQL URL?"""
    return bool(text) and str(text).startswith(("postgresql://", "postgres://"))


def open_plan_store(*, output: str | os.PathLike | None = None, database: str | None = None, create: bool = True) -> PlanStoreBackend:
    """Open (and create or migrate) the store of an output folder or a PostgreSQL database.

    Parameters
    ----------
    output
        The ``--uit`` folder; its embedded store is ``<uit>.opslag/`` beside it.
    database
        A ``postgresql://`` URL; then ``output`` is only recorded with each version.
    create
        Create the store when it does not exist yet.
    """
    if database:
        if not is_database_url(database):
            raise GebiedError(f"--database moet een URL zijn die begint met postgresql:// (gekregen: '{database[:40]}')")
        from gebied.store.postgis import PostgisStore  # start-up cost: psycopg takes 0.12 s; only --database needs it

        return PostgisStore(database)
    if output is None:
        raise GebiedError("geef een uitvoermap of --database op")
    return EmbeddedStore(store_dir_for(output), create=create)


__all__ = [
    "TOOL",
    "EmbeddedStore",
    "InputRow",
    "NotVisible",
    "PlanStoreBackend",
    "PlanVersion",
    "VersionConflict",
    "Writer",
    "input_frame",
    "input_hash",
    "is_database_url",
    "open_plan_store",
    "store_dir_for",
    "version_diff",
]
