"""The embedded plan store: a GeoPackage (``opslag.gpkg``) beside the output folder.

For ``--uit plan_uitvoer`` the store is the folder ``plan_uitvoer.opslag/``, which
``gebied plan`` never replaces (the output folder itself is replaced as a whole):

* ``opslag.gpkg`` holds the steering-group input (``prioriteiten``), the audit log
  (``auditlog``), the list of plan versions (``plan_versies``) and the clusters of each
  version with their gemeente (``versie_clusters``); it opens in QGIS;
* ``versies/plan_0001.gpkg``, … hold the computed layers of each version. A version file
  is written completely before its row is committed and is never changed or deleted,
  so a server never reads a half-written or deleted plan.

Writes run in ``BEGIN IMMEDIATE`` transactions in WAL mode with ``synchronous=FULL``:
an acknowledged write survives a killed process, and the ETag check and the write
are one transaction, so two processes cannot both succeed on the same version.
"""

from __future__ import annotations

import contextlib
import filecmp
import json
import os
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd
import pyogrio

from gebied.errors import GebiedError
from gebied.io import write_layers
from gebied.schedule.priorities import COLUMNS, TABLE, create_priority_table
from gebied.store.model import (
    INPUT_FIELDS,
    TOOL,
    VERSION_LAYERS,
    InputRow,
    NotVisible,
    PlanVersion,
    VersionConflict,
    Writer,
    check_values,
    now_iso,
    visible_layers,
)

#: Name of the store file inside the store folder.
STORE_FILE = "opslag.gpkg"
#: Suffix of the store folder beside the output folder.
SUFFIX = ".opslag"

_TABLES = (
    ("plan_versies", "Planversies (gebied plan)",
     "CREATE TABLE IF NOT EXISTS plan_versies (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
     "versie INTEGER NOT NULL UNIQUE, gemaakt_op TEXT NOT NULL, instellingen TEXT NOT NULL, "
     "invoer_hash TEXT NOT NULL, uitvoer TEXT, bestand TEXT NOT NULL)"),
    ("versie_clusters", "Clusters per planversie met hun gemeente",
     "CREATE TABLE IF NOT EXISTS versie_clusters (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
     "versie INTEGER NOT NULL, cluster_id TEXT NOT NULL, gemeente_code TEXT, UNIQUE (versie, cluster_id))"),
    ("auditlog", "Logboek van elke wijziging van de invoer (sleutel en tijd)",
     "CREATE TABLE IF NOT EXISTS auditlog (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
     "tijd TEXT NOT NULL, sleutel TEXT NOT NULL, rol TEXT, cluster_id TEXT NOT NULL, gemeente_code TEXT, "
     "veld TEXT NOT NULL, oud TEXT, nieuw TEXT, versie INTEGER NOT NULL)"),
)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def store_dir_for(output: str | os.PathLike) -> Path:
    """The store folder that belongs to an output folder (``<uit>.opslag`` beside it)."""
    folder = Path(output).absolute()
    return folder.with_name(folder.name + SUFFIX)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def _create(path: Path) -> None:
    """Create the store GeoPackage atomically (a concurrent creator wins or loses as a whole)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.parent / "versies").mkdir(exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".opslag.", suffix=".gpkg", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        # a GeoPackage with GDAL's metadata tables, so QGIS opens it
        pyogrio.write_dataframe(pd.DataFrame({"leeg": [0]}), tmp, layer="_leeg", driver="GPKG")
        conn = _connect(tmp)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DROP TABLE _leeg")
            conn.execute("DELETE FROM gpkg_contents WHERE table_name = '_leeg'")
            with contextlib.suppress(sqlite3.DatabaseError):
                conn.execute("DELETE FROM gpkg_ogr_contents WHERE table_name = '_leeg'")
            _ensure_tables(conn)
            conn.execute("COMMIT")
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)


def _ensure_tables(conn: sqlite3.Connection) -> None:
    """Create or migrate the store tables (inside the caller's transaction)."""
    create_priority_table(conn)
    for name, description, ddl in _TABLES:
        conn.execute(ddl)
        conn.execute(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description) "
            "VALUES (?, 'attributes', ?, ?)",
            (name, name, description),
        )


class EmbeddedStore:
    """A plan store in a folder (see the module docstring)."""

    name = "ingebed"

    def __init__(self, folder: str | os.PathLike, *, create: bool = True) -> None:
        self.folder = Path(folder)
        self.path = self.folder / STORE_FILE
        self.writable = True
        if not self.path.exists():
            if not create:
                raise GebiedError("geen planopslag gevonden", file=str(self.path))
            try:
                _create(self.path)
            except OSError as exc:
                raise GebiedError(f"kan de planopslag niet maken ({exc.strerror or exc})", file=str(self.path)) from None
        self._lock = threading.Lock()
        try:
            self.conn = _connect(self.path)
            self.conn.execute("PRAGMA synchronous = FULL")
            with self._write():
                _ensure_tables(self.conn)
        except sqlite3.OperationalError:
            self.writable = False
            self.conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        except sqlite3.DatabaseError:
            raise GebiedError("dit is geen leesbare planopslag (GeoPackage)", file=str(self.path)) from None

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self.conn.execute(sql, params).fetchall()

    # ----------------------------------------------------------------- versions
    def versions(self) -> list[PlanVersion]:
        """Every plan version, oldest first."""
        rows = self._read("SELECT versie, gemaakt_op, instellingen, invoer_hash, uitvoer FROM plan_versies ORDER BY versie")
        return [PlanVersion(int(v), t, json.loads(s), h, u) for v, t, s, h, u in rows]

    def newest(self) -> int | None:
        """The number of the newest version (None when there is none)."""
        row = self._read("SELECT max(versie) FROM plan_versies")
        return None if row[0][0] is None else int(row[0][0])

    def version_file(self, versie: int) -> Path:
        """The GeoPackage with the layers of a version."""
        row = self._read("SELECT bestand FROM plan_versies WHERE versie = ?", (versie,))
        if not row:
            raise GebiedError(f"planversie {versie} bestaat niet", file=str(self.path))
        return self.folder / row[0][0]

    def holds(self, plan_file: Path) -> bool:
        """Is ``plan_file`` byte for byte one of the stored versions?"""
        size = Path(plan_file).stat().st_size
        for (name,) in self._read("SELECT bestand FROM plan_versies ORDER BY versie DESC"):
            stored = self.folder / name
            if stored.exists() and stored.stat().st_size == size and filecmp.cmp(stored, plan_file, shallow=False):
                return True
        return False

    def plan_dir(self, versie: int) -> Path | None:
        """The output folder the version was written to (maps are looked up there)."""
        row = self._read("SELECT uitvoer FROM plan_versies WHERE versie = ?", (versie,))
        return Path(row[0][0]) if row and row[0][0] else None

    def read_layers(self, versie: int, writer: Writer = TOOL) -> dict[str, pd.DataFrame]:
        """The layers of a version (those of :data:`VERSION_LAYERS` it has); for a gemeente
        ``writer`` only its rows (:func:`gebied.store.model.visible_layers`)."""
        path = self.version_file(versie)
        available = {str(name) for name, _ in pyogrio.list_layers(path)}
        layers = {layer: pyogrio.read_dataframe(path, layer=layer) for layer in VERSION_LAYERS if layer in available}
        return visible_layers(layers, writer)

    def add_version(
        self,
        layers: Mapping[str, pd.DataFrame],
        *,
        settings: dict,
        input_hash: str,
        output: str | None,
        plan_file: Path | None = None,
    ) -> PlanVersion:
        """Add a version: copy ``plan_file`` (or write ``layers``), then commit its row."""
        if not self.writable:
            raise GebiedError("de planopslag is alleen-lezen", file=str(self.path))
        clusters = layers["clusters"]
        gem = clusters["gemeente_code"] if "gemeente_code" in clusters else pd.Series(None, index=clusters.index)
        pairs = [(str(c), None if pd.isna(g) else str(g)) for c, g in zip(clusters["cluster_id"], gem)]
        with self._write() as conn:
            versie = int(conn.execute("SELECT coalesce(max(versie), 0) + 1 FROM plan_versies").fetchone()[0])
            name = f"versies/plan_{versie:04d}.gpkg"
            target = self.folder / name
            target.parent.mkdir(exist_ok=True)
            tmp = target.with_name(f".{target.stem}.tmp.gpkg")
            if plan_file is not None:
                shutil.copyfile(plan_file, tmp)
            else:
                tmp.unlink(missing_ok=True)
                write_layers({k: v for k, v in layers.items() if k in VERSION_LAYERS}, tmp)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target)
            when = now_iso()
            conn.execute(
                "INSERT INTO plan_versies (versie, gemaakt_op, instellingen, invoer_hash, uitvoer, bestand) VALUES (?, ?, ?, ?, ?, ?)",
                (versie, when, json.dumps(settings, ensure_ascii=False, default=str), input_hash, output, name),
            )
            conn.executemany("INSERT INTO versie_clusters (versie, cluster_id, gemeente_code) VALUES (?, ?, ?)",
                             [(versie, c, g) for c, g in pairs])
        return PlanVersion(versie, when, settings, input_hash, output)

    # -------------------------------------------------------------------- input
    def read_input(self, writer: Writer = TOOL) -> dict[str, InputRow]:
        """The stored steering-group input (only the writer's gemeenten)."""
        rows = self._read(f"SELECT {', '.join(COLUMNS)} FROM {TABLE}")
        out = {}
        for r in rows:
            row = InputRow(str(r[0]), r[1], None if r[2] is None else int(r[2]), r[3], int(r[4]), r[5], r[6])
            if writer.gemeenten is None or row.gemeente_code in writer.gemeenten:
                out[row.cluster_id] = row
        return out

    def write_input(self, cluster_id: str, *, values: Mapping[str, object], expected_version: int, writer: Writer) -> InputRow:
        """Compare-and-set input fields of a cluster (``values``: priority and/or fixed start); one
        transaction with an audit row per field written.

        Raises
        ------
        VersionConflict
            When the stored version is not ``expected_version``.
        NotVisible
            When the cluster is not in the newest version or not in the writer's gemeenten.
        """
        values = check_values(values)
        if not self.writable:
            raise PermissionError("de planopslag is alleen-lezen")
        with self._write() as conn:
            cur = conn.execute(f"SELECT versie, prioriteit, start_periode, gemeente_code FROM {TABLE} WHERE cluster_id = ?", (cluster_id,)).fetchone()
            gem = conn.execute(
                "SELECT gemeente_code FROM versie_clusters WHERE cluster_id = ? AND versie = (SELECT max(versie) FROM plan_versies)",
                (cluster_id,),
            ).fetchone()
            if gem is None and cur is None:
                raise NotVisible(cluster_id)
            gemeente = gem[0] if gem is not None else cur[3]
            if writer.gemeenten is not None and gemeente not in writer.gemeenten:
                raise NotVisible(cluster_id)
            current = int(cur[0]) if cur else 0
            if current != expected_version:
                raise VersionConflict(current)
            old = dict(zip(INPUT_FIELDS, cur[1:3])) if cur else dict.fromkeys(INPUT_FIELDS)
            new = {**old, **values}
            when = now_iso()
            conn.execute(
                f"""INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(cluster_id) DO UPDATE SET prioriteit = excluded.prioriteit, start_periode = excluded.start_periode,
                    gemeente_code = excluded.gemeente_code, versie = excluded.versie, gewijzigd_op = excluded.gewijzigd_op,
                    door = excluded.door WHERE {TABLE}.versie = ?""",
                (cluster_id, gemeente, new["prioriteit"], new["start_periode"], current + 1, when, writer.naam, current),
            )
            conn.executemany(
                "INSERT INTO auditlog (tijd, sleutel, rol, cluster_id, gemeente_code, veld, oud, nieuw, versie) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(when, writer.naam, writer.rol, cluster_id, gemeente, name, _text(old[name]), _text(new[name]), current + 1)
                 for name in values],
            )
        return InputRow(cluster_id, gemeente, new["prioriteit"], new["start_periode"], current + 1, when, writer.naam)

    def import_input(self, frame: pd.DataFrame) -> int:
        """Take over the priorities of a plan.gpkg from before the store (only where none are stored)."""
        if frame.empty or not self.writable:
            return 0
        with self._write() as conn:
            before = conn.total_changes
            for r in frame.itertuples():
                conn.execute(
                    f"INSERT OR IGNORE INTO {TABLE} ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (str(r.cluster_id), None if pd.isna(r.gemeente_code) else str(r.gemeente_code),
                     None if pd.isna(r.prioriteit) else int(r.prioriteit),
                     None if pd.isna(r.start_periode) else str(r.start_periode), int(r.versie), str(r.gewijzigd_op), str(r.door)),
                )
            return conn.total_changes - before

    def audit(self, writer: Writer = TOOL) -> list[dict]:
        """The audit log, oldest first (only the writer's gemeenten)."""
        rows = self._read("SELECT tijd, sleutel, rol, cluster_id, gemeente_code, veld, oud, nieuw, versie FROM auditlog ORDER BY fid")
        keys = ("tijd", "sleutel", "rol", "cluster_id", "gemeente_code", "veld", "oud", "nieuw", "versie")
        return [dict(zip(keys, r)) for r in rows if writer.gemeenten is None or r[4] in writer.gemeenten]

    def change_token(self) -> tuple:
        """Changes when any process commits to the store (SQLite's ``data_version`` and the newest version)."""
        with self._lock:
            dv = self.conn.execute("PRAGMA data_version").fetchone()[0]
        return (dv,)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self.conn.close()
