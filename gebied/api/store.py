"""One plan version loaded into memory with look-up indexes.

Why in memory: every read route is then a dict look-up or an STRtree query on
pre-serialised records (no SQL, no geometry decoding, no CRS transform per request),
which keeps p99 latency of address look-ups far under 50 ms even on a busy 2-core
machine. The durable store is a plan store (:mod:`gebied.store`): the layers of each
plan version, and the steering-group input apart from them. Input is shared by every
version in memory (:class:`gebied.api.live.Inputs`); changes by other processes are
picked up through the store's change token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import pyogrio
import shapely

from gebied.api.area_index import index_areas, index_public, rounded_4326, to_records
from gebied.api.flag_index import index_flags, index_hot_spots
from gebied.api.inputs import Inputs
from gebied.codes import NCG_FASE_OMSCHRIJVING
from gebied.cooperation import GROEPEN, SIGNAL_TEXT, cooperation_groups, signal_lists
from gebied.errors import GebiedError
from gebied.privacy import DEFAULT_THRESHOLD, publish
from gebied.schedule.priorities import read_priorities
from gebied.store import EmbeddedStore, Writer, open_plan_store, store_dir_for

REQUIRED_LAYERS = ("adressen", "clusters", "gebieden")

#: Cooperation groups (docs/begrippen.md) with their Dutch description.
SAMENWERKING = GROEPEN

#: Signal lists: name → description. The first three are the library's lists
#: (:func:`gebied.cooperation.signal_lists`, as written by ``gebied signalen``).
SIGNAALLIJSTEN: dict[str, str] = {
    **SIGNAL_TEXT,
    "samenwerking": "Alle adressen met een lopend dossier bij zowel NCG als IMG (groepen A–F).",
    **{f"groep_{g}": f"Groep {g}: {d}" for g, d in GROEPEN.items()},
}

ADDRESS_PARTS = (
    "pand_id", "straat", "huisnummer", "huisletter", "toevoeging", "postcode", "woonplaats",
    "bouwjaar", "typologie", "eigendom", "risicoprofiel", "batch",
)
STATUS_COLUMNS = ("ncg_fase", "uitkomst", "img_status")
PERIOD_COLUMNS = ("opname_periode", "beoordeling_periode", "uitvoering_periode", "gereed_periode")


@dataclass
class Priority:
    """The current steering-group input of a cluster (priority, fixed start); ``versie`` is its ETag."""

    prioriteit: int | None
    versie: int = 0
    gewijzigd_op: str | None = None
    door: str | None = None
    start_periode: str | None = None


@dataclass
class PlanStore:
    """A plan loaded into memory with indexes; see the module docstring."""

    path: Path
    drempel: int
    info: dict[str, str]
    levels: list[str]
    addresses: dict[str, dict]
    address_gemeente: dict[str, str | None]
    address_cluster: dict[str, str | None]
    area_addresses: dict[str, np.ndarray]
    address_ids: np.ndarray
    flags: list[dict]
    flags_by_address: dict[str, list[int]]
    flag_gemeente: list[str | None]
    clusters: dict[str, dict]
    cluster_ids: list[str]
    cluster_gemeente: list[str | None]
    cluster_geometry: list[orjson.Fragment]
    cluster_tree: shapely.STRtree
    areas: list[dict]
    area_by_code: dict[str, list[int]]
    area_geometry: list[orjson.Fragment]
    #: The publication table (one record per public unit and ``totaal``): all that the
    #: public sees of the areas (:func:`gebied.privacy.publish`).
    public: list[dict]
    public_by_code: dict[str, int]
    public_geometry: list[orjson.Fragment]
    signals: dict[str, list[int]]
    plan_dir: Path | None
    #: The plan version (None for a plan file served without a store).
    versie: int | None = None
    #: The steering-group input shared by every version (set by :func:`open_store` / ``Live``).
    inputs: object = None
    #: Priorities given in the computed plan (``clusters.prioriteit``): shown while no input is stored.
    base_priorities: dict[str, int | None] = field(default_factory=dict)
    #: Hot spots (most severe first) and the gemeente of each (:mod:`gebied.api.flag_index`).
    hot_spots: list[dict] = field(default_factory=list)
    hot_spot_gemeente: list[str | None] = field(default_factory=list)
    #: Of the whole version, also in a gemeente's view (no addresses): area code → gemeente,
    #: and the gemeenten that have addresses in the plan.
    area_gemeente: dict[str, str | None] = field(default_factory=dict)
    plan_gemeenten: frozenset[str] = frozenset()
    #: Serialised GeoJSON features per cluster: (input version, fragment).
    feature_cache: dict[str, tuple[int, object]] = field(default_factory=dict)

    @property
    def writable(self) -> bool:
        """Can input be written (False for a read-only store)?"""
        return bool(self.inputs is not None and self.inputs.writable)

    @property
    def priorities(self) -> dict[str, Priority]:
        """The current priority of every cluster of this version."""
        return {cid: self.priority(cid) for cid in self.cluster_ids}

    def refresh(self) -> None:
        """Pick up input written by other processes."""
        if self.inputs is not None:
            self.inputs.refresh()

    def priority(self, cluster_id: str) -> Priority:
        """The current input of a cluster: stored input, else the plan's own priority."""
        row = None if self.inputs is None else self.inputs.rows.get(cluster_id)
        if row is None:
            return Priority(self.base_priorities.get(cluster_id))
        return Priority(row.prioriteit, row.versie, row.gewijzigd_op, row.door, row.start_periode)

    def set_input(self, cluster_id: str, values: dict[str, object], *, expected_version: int, writer: Writer) -> Priority:
        """Compare-and-set input fields in the store (raises ``VersionConflict`` / ``NotVisible``)."""
        if not self.writable:
            raise PermissionError("plan is alleen-lezen")
        row = self.inputs.write(cluster_id, values, expected_version=expected_version, writer=writer)
        return Priority(row.prioriteit, row.versie, row.gewijzigd_op, row.door, row.start_periode)

    def set_priority(
        self, cluster_id: str, prioriteit: int | None, *, expected_version: int, writer: Writer | None = None, door: str | None = None
    ) -> Priority:
        """Compare-and-set a priority; ``door`` (a name) may stand in for ``writer`` (who may touch every gemeente)."""
        writer = writer or Writer(door or "gebied")
        return self.set_input(cluster_id, {"prioriteit": prioriteit}, expected_version=expected_version, writer=writer)

    def close(self) -> None:
        """Close the store behind the input (when this view owns it)."""
        if self.inputs is not None:
            self.inputs.close()


def _read_layer(path: Path, layer: str, available: set[str]) -> pd.DataFrame | None:
    if layer not in available:
        return None
    frame = pyogrio.read_dataframe(path, layer=layer, fid_as_index=False)
    return frame


def read_plan_file(path: str | Path) -> dict[str, pd.DataFrame]:
    """The layers of a plan GeoPackage (``gebied plan`` output), checked.

    Raises
    ------
    GebiedError
        When the file is missing, not a GeoPackage, or lacks a required layer.
    """
    path = Path(path)
    if not path.exists():
        raise GebiedError("planbestand niet gevonden", file=str(path))
    try:
        available = {str(name) for name, _ in pyogrio.list_layers(path)}
    except Exception:  # noqa: BLE001 - pyogrio raises several types for broken files
        raise GebiedError("dit is geen leesbare GeoPackage", file=str(path)) from None
    missing = [layer for layer in REQUIRED_LAYERS if layer not in available]
    if missing:
        raise GebiedError(f"laag '{missing[0]}' ontbreekt in het plan (zie docs/PLAN_SCHEMA.md)", file=str(path))
    names = ("adressen", "clusters", "gebieden", "vlaggen", "brandhaarden", "plan_info", "publiek", "planning")
    return {name: frame for name in names if (frame := _read_layer(path, name, available)) is not None}


def build_view(
    layers: dict[str, pd.DataFrame], *, path: Path, plan_dir: Path | None, versie: int | None = None, public_from: PlanStore | None = None
) -> PlanStore:
    """Index the layers of one plan version in memory (raises GebiedError on bad layers).

    ``public_from``: a view of the same version whose publication table is taken over (a
    gemeente's view holds only its own rows, but the public table is the same for everyone).
    """
    adressen, clusters, gebieden = layers.get("adressen"), layers.get("clusters"), layers.get("gebieden")
    vlaggen, info_frame = layers.get("vlaggen"), layers.get("plan_info")
    for layer, frame, column in (
        ("adressen", adressen, "adres_id"),
        ("clusters", clusters, "cluster_id"),
        ("gebieden", gebieden, "code"),
    ):
        if frame is None:
            raise GebiedError(f"laag '{layer}' ontbreekt in het plan (zie docs/PLAN_SCHEMA.md)", file=str(path))
        if column not in frame.columns:
            raise GebiedError(f"laag '{layer}' mist de kolom '{column}'", file=str(path), column=column)
    info = {}
    if info_frame is not None and {"sleutel", "waarde"} <= set(info_frame.columns):
        info = {str(k): str(v) for k, v in zip(info_frame["sleutel"], info_frame["waarde"])}
    try:
        drempel = int(float(info.get("drempel", DEFAULT_THRESHOLD)))
    except ValueError:
        drempel = DEFAULT_THRESHOLD

    store_parts = _index_addresses(adressen, gebieden)
    store_parts.update(index_flags(vlaggen, store_parts["address_gemeente"]))
    store_parts.update(index_hot_spots(layers.get("brandhaarden"), gebieden))
    store_parts.update(_index_clusters(clusters))
    store_parts.update(index_areas(gebieden))
    publiek = layers.get("publiek")
    if public_from is not None:
        store_parts.update(public=public_from.public, public_by_code=public_from.public_by_code,
                           public_geometry=public_from.public_geometry, area_gemeente=public_from.area_gemeente,
                           plan_gemeenten=public_from.plan_gemeenten)
    else:
        codes = gebieden[["code", "gemeente_code"]] if "gemeente_code" in gebieden.columns else gebieden[["code"]].assign(gemeente_code=None)
        store_parts["area_gemeente"] = {str(c): None if pd.isna(g) else str(g) for c, g in codes.itertuples(index=False)}
        store_parts["plan_gemeenten"] = frozenset(g for g in store_parts["address_gemeente"].values() if g is not None)
        if publiek is None:  # a plan from before the publication table: compute it the same way
            planning = layers.get("planning")
            publiek = publish({"adressen": adressen, "gebieden": gebieden, "planning": planning},
                              level=info.get("clusterniveau"), threshold=drempel).table
        store_parts.update(index_public(publiek))
    base = clusters["prioriteit"] if "prioriteit" in clusters.columns else pd.Series(pd.NA, index=clusters.index)
    base_priorities = {str(c): None if pd.isna(p) else int(p) for c, p in zip(clusters["cluster_id"], base)}
    return PlanStore(path=path, drempel=drempel, info=info, plan_dir=plan_dir, versie=versie,
                     base_priorities=base_priorities, **store_parts)


def open_store(path: str | Path, *, opslag: bool = True) -> PlanStore:
    """Open a plan GeoPackage and the embedded plan store beside its output folder.

    Without a store yet (a plan from before the store), the store is created with this
    plan as version 1 and the plan's stored priorities as input. When the store already
    holds this plan (byte for byte, as ``gebied plan`` keeps it), its newest version is
    served; a plan file the store has never seen (copied in by hand) is added as a new
    version first, so the server always serves at least the plan it was given. With
    ``opslag=False``, or when the folder is read-only, the plan file alone is served and
    input cannot be written.
    """
    path = Path(path)
    layers = read_plan_file(path)
    view = build_view(layers, path=path, plan_dir=path.parent)
    if not opslag:
        return view
    try:
        backend = EmbeddedStore(store_dir_for(path.parent))
    except GebiedError:
        return view
    newest = backend.newest()
    known = newest is not None and backend.holds(path)
    if not known and not backend.writable:
        backend.close()
        return view
    if not known:
        if newest is None:
            backend.import_input(read_priorities(path))
        newest = backend.add_version(layers, settings={}, input_hash="", output=str(path.parent.absolute()), plan_file=path).versie
        view.versie = newest
    else:
        view = build_view(backend.read_layers(newest), path=path, plan_dir=backend.plan_dir(newest) or path.parent, versie=newest)
    view.inputs = Inputs(backend)
    return view


def open_database(url: str) -> PlanStore:
    """The newest plan version in a PostgreSQL/PostGIS store (raises GebiedError without one)."""
    backend = open_plan_store(database=url)
    newest = backend.newest()
    if newest is None:
        backend.close()
        raise GebiedError("de database bevat nog geen planversie; draai eerst gebied plan … --database met deze URL")
    view = build_view(backend.read_layers(newest), path=Path(f"planversie {newest}"), plan_dir=backend.plan_dir(newest), versie=newest)
    view.inputs = Inputs(backend)
    return view


def _index_addresses(adressen: gpd.GeoDataFrame, gebieden: pd.DataFrame) -> dict:
    adressen = adressen.copy()
    adressen["adres_id"] = adressen["adres_id"].astype(str)
    if adressen["adres_id"].duplicated().any():
        dup = adressen.loc[adressen["adres_id"].duplicated(), "adres_id"].iloc[0]
        raise GebiedError(f"adres_id '{dup}' komt meer dan eens voor in laag 'adressen'", column="adres_id")
    levels = [c[: -len("_code")] for c in adressen.columns if c.endswith("_code") and f"{c[:-5]}_naam" in adressen.columns]
    niveaus = list(dict.fromkeys(gebieden["niveau"].astype(str))) if "niveau" in gebieden.columns else []
    levels = sorted(levels, key=lambda n: (niveaus.index(n) if n in niveaus else len(niveaus), n))
    if "samenwerkingsgroep" not in adressen.columns and {"ncg_fase", "img_status"} <= set(adressen.columns):
        adressen["samenwerkingsgroep"] = cooperation_groups(adressen)
    if adressen.crs is not None and len(adressen):
        pts = adressen.geometry.to_crs(4326)
        lon, lat = np.round(pts.x.to_numpy(), 6), np.round(pts.y.to_numpy(), 6)
        rd = adressen.geometry.to_crs(28992)
        xs, ys = np.round(rd.x.to_numpy(), 2), np.round(rd.y.to_numpy(), 2)
    else:
        lon = lat = xs = ys = np.full(len(adressen), np.nan)
    records = to_records(adressen)
    used = {"adres_id", "cluster_id", "cluster_status", "samenwerkingsgroep", "aantal_vlaggen", "x", "y"}
    used |= set(ADDRESS_PARTS) | set(STATUS_COLUMNS) | set(PERIOD_COLUMNS)
    used |= {f"{lv}_{s}" for lv in levels for s in ("code", "naam", "afstand_m")}
    addresses: dict[str, dict] = {}
    for i, rec in enumerate(records):
        fase = rec.get("ncg_fase")
        groep = rec.get("samenwerkingsgroep")
        addresses[rec["adres_id"]] = {
            "adres_id": rec["adres_id"],
            **{k: rec.get(k) for k in ADDRESS_PARTS},
            "lon": None if np.isnan(lon[i]) else float(lon[i]),
            "lat": None if np.isnan(lat[i]) else float(lat[i]),
            "x": None if np.isnan(xs[i]) else float(xs[i]),
            "y": None if np.isnan(ys[i]) else float(ys[i]),
            "gebieden": {
                lv: {"code": rec.get(f"{lv}_code"), "naam": rec.get(f"{lv}_naam"), "afstand_m": rec.get(f"{lv}_afstand_m")}
                for lv in levels
            },
            "in_programma": fase is not None,
            "fase": {
                "ncg_fase": fase,
                "ncg_fase_omschrijving": NCG_FASE_OMSCHRIJVING.get(str(fase)) if fase is not None else None,
                "uitkomst": rec.get("uitkomst"),
                "img_status": rec.get("img_status"),
                **{k: rec.get(k) for k in PERIOD_COLUMNS},
            },
            "samenwerkingsgroep": groep,
            "samenwerkingsgroep_omschrijving": SAMENWERKING.get(groep) if groep else None,
            "cluster_id": rec.get("cluster_id"),
            "cluster_status": rec.get("cluster_status"),
            "kenmerken": {k: v for k, v in rec.items() if k not in used},
        }
    ids = adressen["adres_id"].to_numpy(dtype=object)
    area_addresses: dict[str, np.ndarray] = {}
    for lv in levels:
        codes = adressen[f"{lv}_code"].astype("string")
        for code, idx in codes.groupby(codes, sort=False).indices.items():
            area_addresses.setdefault(str(code), np.asarray(idx))
    gem = adressen["gemeente_code"].astype("string") if "gemeente_code" in adressen.columns else None
    address_gemeente = dict(zip(ids, [None if gem is None or pd.isna(g) else str(g) for g in (gem if gem is not None else [None] * len(ids))]))
    cl = adressen["cluster_id"].astype("string") if "cluster_id" in adressen.columns else pd.Series(pd.NA, index=adressen.index)
    address_cluster = dict(zip(ids, [None if pd.isna(c) else str(c) for c in cl]))
    signals = _signal_positions(adressen)
    return {
        "levels": levels,
        "addresses": addresses,
        "address_gemeente": address_gemeente,
        "address_cluster": address_cluster,
        "area_addresses": area_addresses,
        "address_ids": ids,
        "signals": signals,
    }


def _signal_positions(adressen: pd.DataFrame) -> dict[str, list[int]]:
    """Row positions per signal list, in the library's order."""
    position = {a: i for i, a in enumerate(adressen["adres_id"])}
    groups = adressen["samenwerkingsgroep"].astype("string") if "samenwerkingsgroep" in adressen.columns else None
    out: dict[str, list[int]] = {}
    lists = signal_lists(adressen) if {"ncg_fase", "img_status"} <= set(adressen.columns) else {}
    for name in SIGNAL_TEXT:
        frame = lists.get(name)
        out[name] = [] if frame is None else [position[a] for a in frame["adres_id"].astype(str)]
    for name, members in [("samenwerking", list(GROEPEN))] + [(f"groep_{g}", [g]) for g in GROEPEN]:
        out[name] = [] if groups is None else np.flatnonzero(groups.isin(members).fillna(False).to_numpy()).tolist()
    return out


def _index_clusters(clusters: gpd.GeoDataFrame) -> dict:
    clusters = clusters.copy()
    clusters["cluster_id"] = clusters["cluster_id"].astype(str)
    records = to_records(clusters)
    geoms = rounded_4326(clusters.geometry)
    fragments = [orjson.Fragment(shapely.to_geojson(g).encode()) if g is not None else orjson.Fragment(b"null") for g in geoms]
    gem = clusters["gemeente_code"].astype("string") if "gemeente_code" in clusters.columns else pd.Series(pd.NA, index=clusters.index)
    return {
        "clusters": {r["cluster_id"]: {**r, "_pos": i} for i, r in enumerate(records)},
        "cluster_ids": [r["cluster_id"] for r in records],
        "cluster_gemeente": [None if pd.isna(g) else str(g) for g in gem],
        "cluster_geometry": fragments,
        "cluster_tree": shapely.STRtree(geoms),
    }


def now_iso() -> str:
    """Current UTC time as ISO text."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
