"""Steering-group priorities stored in a plan GeoPackage (table ``prioriteiten``).

The API's ``PUT /clusters/{id}/prioriteit`` writes that table; a later ``gebied plan``
into the same folder reads it, keeps the priorities in the new schedule and carries
the table over into the new plan.gpkg.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd

#: The table with steering-group priorities in a plan GeoPackage (an attribute table).
TABLE = "prioriteiten"
#: Its columns besides the GeoPackage ``fid``.
COLUMNS: tuple[str, ...] = ("cluster_id", "prioriteit", "versie", "gewijzigd_op", "door")
#: Its description in ``gpkg_contents``.
DESCRIPTION = "Prioriteiten van lokale stuurgroepen (gebied server)"
CREATE_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
    "cluster_id TEXT NOT NULL UNIQUE, prioriteit INTEGER, versie INTEGER NOT NULL, "
    "gewijzigd_op TEXT NOT NULL, door TEXT NOT NULL)"
)


def create_priority_table(con: sqlite3.Connection) -> None:
    """Create the ``prioriteiten`` table if missing and register it in ``gpkg_contents``.

    Runs no transaction statements: the caller commits (or holds a transaction).
    """
    con.execute(CREATE_TABLE)
    has_contents = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='gpkg_contents'").fetchone()
    if has_contents:
        con.execute(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description) "
            "VALUES (?, 'attributes', ?, ?)",
            (TABLE, TABLE, DESCRIPTION),
        )


def read_priorities(gpkg: str | Path) -> pd.DataFrame:
    """The stored priorities of a plan (empty when the file or table is absent).

    Returns
    -------
    pandas.DataFrame
        Columns ``cluster_id``, ``prioriteit`` (Int64), ``versie``, ``gewijzigd_op``, ``door``.
    """
    path = Path(gpkg)
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
    if not path.exists():
        return empty
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        found = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (TABLE,)).fetchone()
        if not found:
            return empty
        frame = pd.read_sql_query(f"SELECT {', '.join(COLUMNS)} FROM {TABLE} ORDER BY cluster_id", con)
    except sqlite3.DatabaseError:
        return empty
    finally:
        con.close()
    frame["prioriteit"] = pd.to_numeric(frame["prioriteit"], errors="coerce").astype("Int64")
    return frame


def as_fixed(priorities: pd.DataFrame) -> pd.DataFrame:
    """Stored priorities as schedule input (``cluster_id``, ``prioriteit``, ``start_periode``)."""
    rows = priorities[priorities["prioriteit"].notna()]
    return pd.DataFrame(
        {
            "cluster_id": rows["cluster_id"].astype(str).to_numpy(),
            "prioriteit": rows["prioriteit"].astype("Int64").to_numpy(),
            "start_periode": pd.array([pd.NA] * len(rows), dtype="Int64"),
            "rij": [f"prioriteiten {c}" for c in rows["cluster_id"]],
        }
    )


def write_priorities(gpkg: str | Path, priorities: pd.DataFrame) -> None:
    """Carry ``priorities`` into the ``prioriteiten`` table of a (new) plan GeoPackage."""
    if priorities.empty:
        return
    con = sqlite3.connect(gpkg)
    try:
        create_priority_table(con)
        con.executemany(
            f"INSERT OR REPLACE INTO {TABLE} ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
            [
                (r.cluster_id, None if pd.isna(r.prioriteit) else int(r.prioriteit), int(r.versie), str(r.gewijzigd_op), str(r.door))
                for r in priorities.itertuples()
            ],
        )
        con.commit()
    finally:
        con.close()
