"""The plan store in PostgreSQL with PostGIS: the same model as the embedded store, for many users.

The tool creates and migrates the schema itself (table ``gebied_schema`` holds the
version; migrations run under an advisory lock). Geometry is stored in EPSG:28992 with
GiST indexes; the other columns of a layer are kept as ``jsonb`` with their dtypes in
``plan_versies.kolommen``, so a version reads back as the frames that were written.

Rules enforced by the database itself, not only by the API:

* **gemeente**: row-level security (forced, also for the table owner) on addresses,
  clusters, areas, input and audit log. Every transaction sets ``gebied.rol`` and
  ``gebied.gemeenten``; a gemeente sees and writes only rows of its own gemeenten.
  The database user must therefore be no superuser and lack ``BYPASSRLS``.
* **ETag**: a write is ``UPDATE … WHERE cluster_id = $1 AND versie = $2`` (or an insert
  that does nothing on conflict), so of two writers on one version exactly one wins.
* **audit**: a trigger writes every insert or update of ``prioriteiten`` to ``auditlog``
  with the key's name and the time.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

import geopandas as gpd
import orjson
import pandas as pd
import psycopg
import shapely

from gebied.errors import GebiedError
from gebied.schedule.priorities import COLUMNS
from gebied.store.model import (
    ROW_LAYERS,
    TOOL,
    VERSION_LAYERS,
    InputRow,
    NotVisible,
    PlanVersion,
    VersionConflict,
    Writer,
    check_values,
    now_iso,
    row_gemeenten,
)

#: Layers with a geometry, their table and key columns.
GEO_TABLES = {"adressen": "plan_adressen", "clusters": "plan_clusters", "gebieden": "plan_gebieden", "publiek": "plan_publiek"}
_EXTRA = {"adressen": ("adres_id", "cluster_id"), "clusters": ("cluster_id",), "gebieden": ("code", "niveau"), "publiek": ("code",)}
CRS = 28992

_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE plan_versies (versie integer PRIMARY KEY, gemaakt_op timestamptz NOT NULL, instellingen jsonb NOT NULL,
        invoer_hash text NOT NULL, uitvoer text, kolommen jsonb NOT NULL);
    CREATE TABLE plan_adressen (versie integer NOT NULL REFERENCES plan_versies ON DELETE CASCADE, rij integer NOT NULL,
        adres_id text NOT NULL, cluster_id text, gemeente_code text, geom geometry(Geometry, 28992), gegevens jsonb NOT NULL,
        PRIMARY KEY (versie, rij));
    CREATE UNIQUE INDEX plan_adressen_id ON plan_adressen (versie, adres_id);
    CREATE TABLE plan_clusters (versie integer NOT NULL REFERENCES plan_versies ON DELETE CASCADE, rij integer NOT NULL,
        cluster_id text NOT NULL, gemeente_code text, geom geometry(Geometry, 28992), gegevens jsonb NOT NULL,
        PRIMARY KEY (versie, rij));
    CREATE UNIQUE INDEX plan_clusters_id ON plan_clusters (versie, cluster_id);
    CREATE TABLE plan_gebieden (versie integer NOT NULL REFERENCES plan_versies ON DELETE CASCADE, rij integer NOT NULL,
        code text, niveau text, gemeente_code text, geom geometry(Geometry, 28992), gegevens jsonb NOT NULL,
        PRIMARY KEY (versie, rij));
    CREATE TABLE plan_publiek (versie integer NOT NULL REFERENCES plan_versies ON DELETE CASCADE, rij integer NOT NULL,
        code text, gemeente_code text, geom geometry(Geometry, 28992), gegevens jsonb NOT NULL, PRIMARY KEY (versie, rij));
    CREATE TABLE plan_tabellen (versie integer NOT NULL REFERENCES plan_versies ON DELETE CASCADE, laag text NOT NULL,
        gegevens jsonb NOT NULL, PRIMARY KEY (versie, laag));
    CREATE INDEX plan_adressen_geom ON plan_adressen USING gist (geom);
    CREATE INDEX plan_clusters_geom ON plan_clusters USING gist (geom);
    CREATE INDEX plan_gebieden_geom ON plan_gebieden USING gist (geom);
    CREATE INDEX plan_publiek_geom ON plan_publiek USING gist (geom);
    CREATE TABLE prioriteiten (cluster_id text PRIMARY KEY, gemeente_code text, prioriteit integer, start_periode text,
        versie integer NOT NULL, gewijzigd_op text NOT NULL, door text NOT NULL);
    CREATE TABLE auditlog (id bigserial PRIMARY KEY, tijd text NOT NULL, sleutel text NOT NULL, rol text,
        cluster_id text NOT NULL, gemeente_code text, veld text NOT NULL, oud text, nieuw text, versie integer NOT NULL);
    CREATE FUNCTION gebied_mag(g text) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT coalesce(current_setting('gebied.rol', true), '') IN ('beheer', 'ncg', 'img')
            OR (coalesce(current_setting('gebied.rol', true), '') = 'gemeente'
                AND g = ANY (string_to_array(current_setting('gebied.gemeenten', true), ',')))
    $$;
    CREATE FUNCTION gebied_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO auditlog (tijd, sleutel, rol, cluster_id, gemeente_code, veld, oud, nieuw, versie)
        VALUES (NEW.gewijzigd_op, NEW.door, current_setting('gebied.rol', true), NEW.cluster_id, NEW.gemeente_code,
                'prioriteit', CASE WHEN TG_OP = 'UPDATE' THEN OLD.prioriteit::text END, NEW.prioriteit::text, NEW.versie);
        RETURN NEW;
    END $$;
    CREATE TRIGGER prioriteiten_audit AFTER INSERT OR UPDATE ON prioriteiten FOR EACH ROW EXECUTE FUNCTION gebied_audit();
    """
    + "".join(
        f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY; ALTER TABLE {t} FORCE ROW LEVEL SECURITY; "
        f"CREATE POLICY gemeente ON {t} USING (gebied_mag({col})) WITH CHECK (gebied_mag({col}));"
        for t, col in (("plan_adressen", "gemeente_code"), ("plan_clusters", "gemeente_code"), ("plan_gebieden", "gemeente_code"),
                       ("prioriteiten", "gemeente_code"), ("auditlog", "gemeente_code"), ("plan_tabellen", "NULL"))
    ),
    # 2: fixed start periods written through the API; one audit row per field a write names
    # (the writer lists them in gebied.velden for its transaction)
    """
    CREATE OR REPLACE FUNCTION gebied_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE veld text;
    BEGIN
        FOREACH veld IN ARRAY string_to_array(coalesce(nullif(current_setting('gebied.velden', true), ''), 'prioriteit'), ',') LOOP
            INSERT INTO auditlog (tijd, sleutel, rol, cluster_id, gemeente_code, veld, oud, nieuw, versie)
            VALUES (NEW.gewijzigd_op, NEW.door, current_setting('gebied.rol', true), NEW.cluster_id, NEW.gemeente_code, veld,
                    CASE WHEN TG_OP = 'UPDATE' THEN
                        CASE veld WHEN 'prioriteit' THEN OLD.prioriteit::text ELSE OLD.start_periode END END,
                    CASE veld WHEN 'prioriteit' THEN NEW.prioriteit::text ELSE NEW.start_periode END, NEW.versie);
        END LOOP;
        RETURN NEW;
    END $$;
    """,
    # 3: flags and hot spots row by row with their gemeente (a flag also with its neighbour's), under
    # row-level security, so that a gemeente's transaction reads only its own; plan_info and planning
    # (no addresses) readable for every role, written only by the tool
    """
    CREATE TABLE plan_rijen (versie integer NOT NULL REFERENCES plan_versies ON DELETE CASCADE, laag text NOT NULL,
        rij integer NOT NULL, gemeente_code text, gemeente_buur text, gegevens jsonb NOT NULL, PRIMARY KEY (versie, laag, rij));
    ALTER TABLE plan_rijen ENABLE ROW LEVEL SECURITY; ALTER TABLE plan_rijen FORCE ROW LEVEL SECURITY;
    CREATE POLICY gemeente ON plan_rijen USING (gebied_mag(gemeente_code) OR gebied_mag(gemeente_buur))
        WITH CHECK (gebied_mag(NULL));
    CREATE POLICY lezen ON plan_tabellen FOR SELECT USING (laag IN ('plan_info', 'planning'));
    INSERT INTO plan_rijen (versie, laag, rij, gemeente_code, gemeente_buur, gegevens)
        SELECT t.versie, t.laag, e.n - 1, a.gemeente_code, b.gemeente_code, e.rec
        FROM plan_tabellen t CROSS JOIN LATERAL jsonb_array_elements(t.gegevens) WITH ORDINALITY AS e(rec, n)
        LEFT JOIN plan_adressen a ON a.versie = t.versie AND a.adres_id = e.rec->>'adres_id'
        LEFT JOIN plan_adressen b ON b.versie = t.versie AND b.adres_id = e.rec->>'buur_adres_id'
        WHERE t.laag = 'vlaggen';
    DELETE FROM plan_tabellen WHERE laag = 'vlaggen';
    """,
)


def _records(frame: pd.DataFrame) -> list[dict]:
    plain = pd.DataFrame(frame).drop(columns=["geometry"], errors="ignore")
    return plain.astype(object).where(plain.notna(), None).to_dict("records")


def _json(value: object) -> str:
    return orjson.dumps(value, default=str, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS).decode()


def _restore(records: list[dict], dtypes: Mapping[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=list(dtypes) or None)
    for col, dtype in dtypes.items():
        if col not in frame or dtype in ("object", "geometry"):
            continue
        try:
            frame[col] = frame[col].astype(dtype)
        except (TypeError, ValueError):
            with contextlib.suppress(TypeError, ValueError):
                frame[col] = frame[col].astype("Int64" if dtype.startswith("int") else "object")
    return frame


class PostgisStore:
    """A plan store in PostgreSQL/PostGIS (see the module docstring)."""

    name = "postgis"
    writable = True

    #: A server looks for input written by other processes at most this often (seconds).
    refresh_seconds = 0.25

    def __init__(self, url: str) -> None:
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise GebiedError(f"kan geen verbinding maken met de database ({first})") from None
        self._lock = threading.Lock()
        row = self.conn.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user").fetchone()
        if row and row[0]:
            self.conn.close()
            raise GebiedError(
                "de databasegebruiker is superuser of mag rijbeveiliging omzeilen (BYPASSRLS); dan kan de database "
                "gemeentesleutels niet tot hun eigen gemeente beperken. Gebruik een gewone gebruiker (zie docs/opdrachten/server.md)"
            )
        self._migrate()

    def _migrate(self) -> None:
        with self._lock, self.conn.transaction():
            if not self.conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
                try:
                    with self.conn.transaction():
                        self.conn.execute("CREATE EXTENSION postgis")
                except psycopg.Error:
                    raise GebiedError("PostGIS ontbreekt in de database; laat de beheerder 'CREATE EXTENSION postgis' uitvoeren") from None
            self.conn.execute("SELECT pg_advisory_xact_lock(hashtext('gebied-schema'))")
            self.conn.execute("SELECT set_config('gebied.rol', 'beheer', true)")  # data moved by a migration: every row
            self.conn.execute("CREATE TABLE IF NOT EXISTS gebied_schema (versie integer NOT NULL)")
            done = self.conn.execute("SELECT max(versie) FROM gebied_schema").fetchone()[0] or 0
            for number, sql in enumerate(_MIGRATIONS[done:], start=done + 1):
                self.conn.execute(sql)
                self.conn.execute("INSERT INTO gebied_schema (versie) VALUES (%s)", (number,))

    @contextlib.contextmanager
    def _as(self, writer: Writer) -> Iterator[psycopg.Connection]:
        """A transaction in which the database applies ``writer``'s gemeenten."""
        gemeenten = "" if writer.gemeenten is None else ",".join(sorted(writer.gemeenten))
        rol = writer.rol if writer.gemeenten is None else "gemeente"
        with self._lock, self.conn.transaction():
            self.conn.execute("SELECT set_config('gebied.rol', %s, true), set_config('gebied.gemeenten', %s, true)", (rol, gemeenten))
            yield self.conn

    # ----------------------------------------------------------------- versions
    def versions(self) -> list[PlanVersion]:
        """Every plan version, oldest first."""
        with self._as(TOOL) as conn:
            rows = conn.execute("SELECT versie, gemaakt_op, instellingen, invoer_hash, uitvoer FROM plan_versies ORDER BY versie").fetchall()
        return [PlanVersion(int(v), t.isoformat(), s, h, u) for v, t, s, h, u in rows]

    def newest(self) -> int | None:
        """The number of the newest version (None when there is none)."""
        with self._lock:
            row = self.conn.execute("SELECT max(versie) FROM plan_versies").fetchone()
        return None if row[0] is None else int(row[0])

    def plan_dir(self, versie: int) -> Path | None:
        """The output folder the version was written to (maps are looked up there)."""
        with self._lock:
            row = self.conn.execute("SELECT uitvoer FROM plan_versies WHERE versie = %s", (versie,)).fetchone()
        return Path(row[0]) if row and row[0] else None

    def add_version(self, layers: Mapping[str, pd.DataFrame], *, settings: dict, input_hash: str, output: str | None, **_: object) -> PlanVersion:
        """Write the layers and the version row in one transaction."""
        kolommen = {name: {c: str(t) for c, t in pd.DataFrame(layers[name]).drop(columns="geometry", errors="ignore").dtypes.items()}
                    for name in VERSION_LAYERS if name in layers}
        with self._as(TOOL) as conn:
            conn.execute("LOCK TABLE plan_versies IN EXCLUSIVE MODE")
            versie = int(conn.execute("SELECT coalesce(max(versie), 0) + 1 FROM plan_versies").fetchone()[0])
            when = conn.execute(
                "INSERT INTO plan_versies (versie, gemaakt_op, instellingen, invoer_hash, uitvoer, kolommen) "
                "VALUES (%s, clock_timestamp(), %s::jsonb, %s, %s, %s::jsonb) RETURNING gemaakt_op",
                (versie, _json(settings), input_hash, output, _json(kolommen)),
            ).fetchone()[0]
            for name, table in GEO_TABLES.items():
                if name in layers:
                    self._copy_layer(conn, versie, name, table, layers[name])
            for name in VERSION_LAYERS:
                if name in ROW_LAYERS and name in layers:
                    own, other = row_gemeenten(name, layers)
                    cols = "versie, laag, rij, gemeente_code, gemeente_buur, gegevens"
                    conn.execute("CREATE TEMP TABLE laden (LIKE plan_rijen) ON COMMIT DROP")  # COPY skips row-level security
                    with conn.cursor().copy(f"COPY laden ({cols}) FROM STDIN") as copy:
                        for i, rec in enumerate(_records(layers[name])):
                            copy.write_row((versie, name, i, own[i], other[i], _json(rec)))
                    conn.execute(f"INSERT INTO plan_rijen ({cols}) SELECT {cols} FROM laden")
                    conn.execute("DROP TABLE laden")
                elif name in layers and name not in GEO_TABLES:
                    conn.execute("INSERT INTO plan_tabellen (versie, laag, gegevens) VALUES (%s, %s, %s::jsonb)",
                                 (versie, name, _json(_records(layers[name]))))
        return PlanVersion(versie, when.isoformat(), settings, input_hash, output)

    @staticmethod
    def _copy_layer(conn: psycopg.Connection, versie: int, name: str, table: str, frame: pd.DataFrame) -> None:
        extra = list(dict.fromkeys((*_EXTRA[name], "gemeente_code")))
        geoms = None
        if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame:
            series = frame.geometry if frame.crs is None else frame.geometry.to_crs(CRS)
            geoms = shapely.to_wkb(shapely.set_srid(series.to_numpy(), CRS), hex=True, include_srid=True)
        records = _records(frame)
        cols = ", ".join(["versie", "rij", *extra, "geom", "gegevens"])
        conn.execute(f"CREATE TEMP TABLE laden (LIKE {table}) ON COMMIT DROP")
        with conn.cursor().copy(f"COPY laden ({cols}) FROM STDIN") as copy:
            for i, rec in enumerate(records):
                values = [None if rec.get(c) is None else str(rec.get(c)) for c in extra]
                copy.write_row((versie, i, *values, None if geoms is None else geoms[i], _json(rec)))
        conn.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM laden")
        conn.execute("DROP TABLE laden")

    def read_layers(self, versie: int, writer: Writer = TOOL) -> dict[str, pd.DataFrame]:
        """The layers of a version, as they were written (geometry in EPSG:28992).

        With a gemeente ``writer`` the database returns only that gemeente's rows of every
        layer with addresses (row-level security); the API serves such a key from them.
        """
        out: dict[str, pd.DataFrame] = {}
        with self._as(writer) as conn:
            row = conn.execute("SELECT kolommen FROM plan_versies WHERE versie = %s", (versie,)).fetchone()
            if row is None:
                raise GebiedError(f"planversie {versie} bestaat niet in de database")
            kolommen = row[0]
            for name, table in GEO_TABLES.items():
                if name not in kolommen:
                    continue
                rows = conn.execute(f"SELECT ST_AsBinary(geom), gegevens FROM {table} WHERE versie = %s ORDER BY rij", (versie,)).fetchall()
                frame = _restore([r[1] for r in rows], kolommen[name])
                geometry = shapely.from_wkb([None if r[0] is None else bytes(r[0]) for r in rows])
                out[name] = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=CRS, index=frame.index))
            for name, gegevens in conn.execute("SELECT laag, gegevens FROM plan_tabellen WHERE versie = %s", (versie,)).fetchall():
                out[name] = _restore(gegevens, kolommen.get(name, {}))
            for name in ROW_LAYERS:
                if name in kolommen:
                    rows = conn.execute("SELECT gegevens FROM plan_rijen WHERE versie = %s AND laag = %s ORDER BY rij", (versie, name))
                    out[name] = _restore([r[0] for r in rows.fetchall()], kolommen[name])
        return out

    # -------------------------------------------------------------------- input
    def read_input(self, writer: Writer = TOOL) -> dict[str, InputRow]:
        """The stored steering-group input that ``writer`` may see."""
        with self._as(writer) as conn:
            rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM prioriteiten").fetchall()
        return {r[0]: InputRow(r[0], r[1], r[2], r[3], int(r[4]), r[5], r[6]) for r in rows}

    def write_input(self, cluster_id: str, *, values: Mapping[str, object], expected_version: int, writer: Writer) -> InputRow:
        """Compare-and-set input fields of a cluster; the database decides (see the module docstring)."""
        values = check_values(values)
        when = now_iso()
        cols = ", ".join(COLUMNS)
        names = list(values)
        with self._as(writer) as conn:
            conn.execute("SELECT set_config('gebied.velden', %s, true)", (",".join(names),))
            if expected_version == 0:
                row = conn.execute(
                    f"""INSERT INTO prioriteiten ({cols})
                        SELECT c.cluster_id, c.gemeente_code, %s, %s, 1, %s, %s FROM plan_clusters c
                        WHERE c.cluster_id = %s AND c.versie = (SELECT max(versie) FROM plan_versies)
                        ON CONFLICT (cluster_id) DO NOTHING RETURNING {cols}""",
                    (values.get("prioriteit"), values.get("start_periode"), when, writer.naam, cluster_id),
                ).fetchone()
            else:
                assignments = ", ".join(f"{name} = %s" for name in names)
                row = conn.execute(
                    f"""UPDATE prioriteiten SET {assignments}, versie = versie + 1, gewijzigd_op = %s, door = %s
                        WHERE cluster_id = %s AND versie = %s RETURNING {cols}""",
                    (*values.values(), when, writer.naam, cluster_id, expected_version),
                ).fetchone()
            if row is None:
                current = conn.execute("SELECT versie FROM prioriteiten WHERE cluster_id = %s", (cluster_id,)).fetchone()
                if current is not None:
                    raise VersionConflict(int(current[0]))
                seen = conn.execute(
                    "SELECT 1 FROM plan_clusters WHERE cluster_id = %s AND versie = (SELECT max(versie) FROM plan_versies)", (cluster_id,)
                ).fetchone()
                if seen is None:
                    raise NotVisible(cluster_id)
                raise VersionConflict(0)
        return InputRow(row[0], row[1], row[2], row[3], int(row[4]), row[5], row[6])

    def audit(self, writer: Writer = TOOL) -> list[dict]:
        """The audit log that ``writer`` may see, oldest first."""
        keys = ("tijd", "sleutel", "rol", "cluster_id", "gemeente_code", "veld", "oud", "nieuw", "versie")
        with self._as(writer) as conn:
            rows = conn.execute(f"SELECT {', '.join(keys)} FROM auditlog ORDER BY id").fetchall()
        return [dict(zip(keys, r)) for r in rows]

    def change_token(self) -> tuple:
        """Moves with every new version and every input write."""
        with self._as(TOOL) as conn:
            return tuple(conn.execute(
                "SELECT (SELECT coalesce(max(versie), 0) FROM plan_versies), (SELECT coalesce(max(id), 0) FROM auditlog)"
            ).fetchone())

    def close(self) -> None:
        """Close the connection."""
        with contextlib.suppress(psycopg.Error):
            self.conn.close()
