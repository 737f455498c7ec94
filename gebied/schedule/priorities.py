"""Steering-group input (table ``prioriteiten``): one definition for every store.

The table lives in the plan store (:mod:`gebied.store`), apart from the computed plan:
the API's ``PUT /clusters/{id}/prioriteit`` writes it, ``gebied plan`` reads it and
never overwrites it. Each plan.gpkg carries a read-only copy of the input it was
computed from (for QGIS); :func:`read_priorities` also reads that copy of older plans.
"""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

import pandas as pd

from gebied.errors import GebiedError, GebiedWarning
from gebied.periods import period_number

#: The table with steering-group priorities in a plan GeoPackage (an attribute table).
TABLE = "prioriteiten"
#: Its columns besides the GeoPackage ``fid``.
COLUMNS: tuple[str, ...] = ("cluster_id", "gemeente_code", "prioriteit", "start_periode", "versie", "gewijzigd_op", "door")
#: Columns added after the first release (added to older tables by :func:`create_priority_table`).
ADDED_COLUMNS: dict[str, str] = {"gemeente_code": "TEXT", "start_periode": "TEXT"}
#: Its description in ``gpkg_contents``.
DESCRIPTION = "Prioriteiten van lokale stuurgroepen (gebied server)"
CREATE_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
    "cluster_id TEXT NOT NULL UNIQUE, gemeente_code TEXT, prioriteit INTEGER, start_periode TEXT, versie INTEGER NOT NULL, "
    "gewijzigd_op TEXT NOT NULL, door TEXT NOT NULL)"
)


def create_priority_table(con: sqlite3.Connection) -> None:
    """Create the ``prioriteiten`` table if missing and register it in ``gpkg_contents``.

    Runs no transaction statements: the caller commits (or holds a transaction).
    """
    con.execute(CREATE_TABLE)
    present = {r[1] for r in con.execute(f"PRAGMA table_info({TABLE})")}
    for name, kind in ADDED_COLUMNS.items():
        if name not in present:
            con.execute(f"ALTER TABLE {TABLE} ADD COLUMN {name} {kind}")
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
        present = {r[1] for r in con.execute(f"PRAGMA table_info({TABLE})")}
        picked = ", ".join(c if c in present else f"NULL AS {c}" for c in COLUMNS)
        frame = pd.read_sql_query(f"SELECT {picked} FROM {TABLE} ORDER BY cluster_id", con)
    except sqlite3.DatabaseError:
        return empty
    finally:
        con.close()
    frame["prioriteit"] = pd.to_numeric(frame["prioriteit"], errors="coerce").astype("Int64")
    return frame


def as_fixed(priorities: pd.DataFrame, *, start: str = "2027-K1", periode: str = "kwartaal") -> pd.DataFrame:
    """Stored input as schedule input (``cluster_id``, ``prioriteit``, ``start_periode`` as period number)."""
    starts = priorities["start_periode"] if "start_periode" in priorities else pd.Series(pd.NA, index=priorities.index)
    rows = priorities[priorities["prioriteit"].notna() | starts.notna()]
    numbers = [_stored_start(cid, text, start=start, periode=periode) for cid, text in zip(rows["cluster_id"], starts.loc[rows.index])]
    return pd.DataFrame(
        {
            "cluster_id": rows["cluster_id"].astype(str).to_numpy(),
            "prioriteit": rows["prioriteit"].astype("Int64").to_numpy(),
            "start_periode": pd.array(numbers, dtype="Int64"),
            "rij": [f"prioriteiten {c}" for c in rows["cluster_id"]],
        }
    )


def _stored_start(cluster_id: object, text: object, *, start: str, periode: str) -> object:
    """The period number of a stored fixed start; one that no longer fits the plan (e.g. before a
    later ``--start``) is left out with a Dutch warning naming the cluster, so that one cluster's
    stale start does not stop the plan of every gemeente. The stored input itself is kept."""
    if pd.isna(text) or not str(text).strip():
        return pd.NA
    try:
        return period_number(str(text), start=start, periode=periode)
    except GebiedError as exc:
        warnings.warn(
            GebiedWarning(
                f"planopslag, tabel {TABLE}: vaste startperiode van cluster {cluster_id} past niet bij dit plan en is "
                f"niet gebruikt ({exc.message}); pas haar aan met PUT /clusters/{cluster_id}/startperiode"
            ),
            stacklevel=2,
        )
        return pd.NA


def write_priorities(gpkg: str | Path, priorities: pd.DataFrame) -> None:
    """Carry ``priorities`` into the ``prioriteiten`` table of a (new) plan GeoPackage."""
    if priorities.empty:
        return
    con = sqlite3.connect(gpkg)
    try:
        create_priority_table(con)
        con.executemany(
            f"INSERT OR REPLACE INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            [
                (r.cluster_id, None if pd.isna(r.gemeente_code) else str(r.gemeente_code),
                 None if pd.isna(r.prioriteit) else int(r.prioriteit),
                 None if pd.isna(r.start_periode) else str(r.start_periode),
                 int(r.versie), str(r.gewijzigd_op), str(r.door))
                for r in priorities.itertuples()
            ],
        )
        con.commit()
    finally:
        con.close()
