"""Low-level access to a plan GeoPackage with the stdlib ``sqlite3`` (for the priority writes).

GDAL-written GeoPackages carry R-tree triggers that call the SpatiaLite-style functions
``ST_IsEmpty``, ``ST_MinX`` … ; plain sqlite3 lacks them, so they are registered here
(reading the envelope of the GeoPackage geometry blob), which makes every statement on
a feature table safe to prepare.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import shapely

from gebied.schedule.priorities import COLUMNS, TABLE, create_priority_table

#: The table with steering-group priorities (one definition: :mod:`gebied.schedule.priorities`).
PRIORITEITEN = TABLE

_ENVELOPE_DOUBLES = {0: 0, 1: 4, 2: 6, 3: 6, 4: 8}


def _geometry(blob: bytes | None) -> shapely.Geometry | None:
    """Decode a GeoPackage geometry blob (header + WKB)."""
    if blob is None or len(blob) < 8 or blob[:2] != b"GP":
        return None
    flags = blob[3]
    header = 8 + 8 * _ENVELOPE_DOUBLES.get((flags >> 1) & 0b111, 0)
    return shapely.from_wkb(bytes(blob[header:]))


def _is_empty(blob: bytes | None) -> int | None:
    if blob is None:
        return None
    if len(blob) >= 4 and blob[:2] == b"GP":
        return int(bool(blob[3] & 0b10000))
    return 1


def _bound(index: int):
    def fn(blob: bytes | None) -> float | None:
        geom = _geometry(blob)
        if geom is None or geom.is_empty:
            return None
        return float(geom.bounds[index])

    return fn


def connect(path: str | Path) -> sqlite3.Connection:
    """Open a GeoPackage for reading and writing, in autocommit mode (explicit BEGIN)."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
    conn.create_function("ST_IsEmpty", 1, _is_empty, deterministic=True)
    conn.create_function("ST_MinX", 1, _bound(0), deterministic=True)
    conn.create_function("ST_MinY", 1, _bound(1), deterministic=True)
    conn.create_function("ST_MaxX", 1, _bound(2), deterministic=True)
    conn.create_function("ST_MaxY", 1, _bound(3), deterministic=True)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def ensure_priority_table(conn: sqlite3.Connection) -> None:
    """Create the ``prioriteiten`` attribute table (registered in gpkg_contents) if missing."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        create_priority_table(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def read_priorities(conn: sqlite3.Connection) -> dict[str, tuple[int | None, int, str, str]]:
    """All stored priorities: cluster_id → (prioriteit, versie, gewijzigd_op, door)."""
    rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM {PRIORITEITEN}").fetchall()
    return {r[0]: (r[1], int(r[2]), r[3], r[4]) for r in rows}


def data_version(conn: sqlite3.Connection) -> int:
    """SQLite's counter of commits by other connections (cheap change detection)."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


class VersionConflict(Exception):
    """The stored version differs from the one the client based its change on."""

    def __init__(self, current: int) -> None:
        super().__init__(current)
        self.current = current


def write_priority(
    conn: sqlite3.Connection,
    cluster_id: str,
    prioriteit: int | None,
    *,
    expected_version: int,
    door: str,
    when: str,
) -> int:
    """Store a priority if the stored version equals ``expected_version``; return the new version.

    The check and the write happen in one ``BEGIN IMMEDIATE`` transaction, so two
    writers (also in other processes) cannot both succeed on the same version.
    The ``clusters`` layer's ``prioriteit`` column is updated in the same transaction.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = conn.execute(
            f"SELECT versie FROM {PRIORITEITEN} WHERE cluster_id = ?", (cluster_id,)
        ).fetchone()
        current = int(row[0]) if row else 0
        if current != expected_version:
            raise VersionConflict(current)
        new = current + 1
        conn.execute(
            f"""INSERT INTO {PRIORITEITEN} ({', '.join(COLUMNS)})
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(cluster_id) DO UPDATE SET prioriteit = excluded.prioriteit,
                versie = excluded.versie, gewijzigd_op = excluded.gewijzigd_op, door = excluded.door""",
            (cluster_id, prioriteit, new, when, door),
        )
        conn.execute("UPDATE clusters SET prioriteit = ? WHERE cluster_id = ?", (prioriteit, cluster_id))
        conn.execute("COMMIT")
        return new
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def layer_names(conn: sqlite3.Connection) -> set[str]:
    """Names of the tables registered in gpkg_contents."""
    try:
        return {r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents")}
    except sqlite3.DatabaseError:
        return set()


__all__ = [
    "PRIORITEITEN",
    "VersionConflict",
    "connect",
    "data_version",
    "ensure_priority_table",
    "layer_names",
    "read_priorities",
    "write_priority",
]
