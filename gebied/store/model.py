"""The plan store's model, shared by the embedded (GeoPackage) and the PostGIS store.

Two kinds of data live apart:

* **steering-group input** (table ``prioriteiten``: a priority and/or a fixed start
  period per cluster, with an ETag ``versie``), written through the API and read by
  ``gebied plan``, which never overwrites it; every write adds a row to ``auditlog``;
* **plan versions** (table ``plan_versies``: number, time, settings, input hash), each
  with the computed layers of one ``gebied plan`` run. A version is never changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

import orjson
import pandas as pd

#: The input table (one definition, :mod:`gebied.schedule.priorities`).
INPUT_COLUMNS: tuple[str, ...] = (
    "cluster_id", "gemeente_code", "prioriteit", "start_periode", "versie", "gewijzigd_op", "door",
)
#: Input fields a steering group writes per cluster (each write names the fields it sets).
INPUT_FIELDS: tuple[str, ...] = ("prioriteit", "start_periode")
#: Non-geometry layers that name addresses, kept row by row with a gemeente: flags by the
#: gemeente of their address, hot spots by the gemeente of their area (:func:`row_gemeenten`).
ROW_LAYERS: tuple[str, ...] = ("vlaggen", "brandhaarden")
#: Layers whose rows carry ``gemeente_code`` themselves.
GEMEENTE_LAYERS: tuple[str, ...] = ("adressen", "clusters", "gebieden")
#: Layers of a plan version kept in a store.
VERSION_LAYERS: tuple[str, ...] = ("adressen", "clusters", "gebieden", "publiek", "vlaggen", "brandhaarden", "planning", "plan_info")


@dataclass(frozen=True)
class PlanVersion:
    """One run of ``gebied plan`` in a store."""

    versie: int
    gemaakt_op: str
    instellingen: dict
    invoer_hash: str
    uitvoer: str | None = None

    def as_dict(self) -> dict:
        """JSON-ready form (for the API)."""
        return {"versie": self.versie, "gemaakt_op": self.gemaakt_op, "instellingen": self.instellingen,
                "invoer_hash": self.invoer_hash, "uitvoer": self.uitvoer}


@dataclass(frozen=True)
class Writer:
    """Who writes or reads input: the key's name and the gemeenten it may touch (None: all)."""

    naam: str
    gemeenten: frozenset[str] | None = None
    rol: str = "beheer"


#: The tool itself (``gebied plan``, loading a version into the server).
TOOL = Writer("gebied", None, "beheer")


@dataclass(frozen=True)
class InputRow:
    """The stored steering-group input of one cluster; ``versie`` is its ETag."""

    cluster_id: str
    gemeente_code: str | None
    prioriteit: int | None
    start_periode: str | None
    versie: int
    gewijzigd_op: str | None
    door: str | None


class VersionConflict(Exception):
    """The stored version differs from the one the client based its change on."""

    def __init__(self, current: int) -> None:
        super().__init__(current)
        self.current = current


class NotVisible(Exception):
    """The cluster does not exist in the newest version or belongs to another gemeente."""


class PlanStoreBackend(Protocol):
    """What both stores offer (:mod:`gebied.store.embedded`, :mod:`gebied.store.postgis`)."""

    name: str
    writable: bool

    def versions(self) -> list[PlanVersion]: ...
    def newest(self) -> int | None: ...
    def read_layers(self, versie: int, writer: Writer = TOOL) -> dict[str, pd.DataFrame]: ...
    def plan_dir(self, versie: int) -> Path | None: ...
    def add_version(self, layers: Mapping[str, pd.DataFrame], *, settings: dict, input_hash: str, output: str | None) -> PlanVersion: ...
    def read_input(self, writer: Writer = TOOL) -> dict[str, InputRow]: ...
    def write_input(self, cluster_id: str, *, values: Mapping[str, object], expected_version: int, writer: Writer) -> InputRow: ...
    def change_token(self) -> tuple: ...
    def audit(self, writer: Writer = TOOL) -> list[dict]: ...
    def close(self) -> None: ...


def check_values(values: Mapping[str, object]) -> dict[str, object]:
    """The input fields of one write (at least one, only :data:`INPUT_FIELDS`)."""
    unknown = sorted(set(values) - set(INPUT_FIELDS))
    if unknown or not values:
        raise ValueError(f"invoervelden moeten uit {', '.join(INPUT_FIELDS)} komen (gekregen: {', '.join(unknown) or 'geen'})")
    return {name: values[name] for name in INPUT_FIELDS if name in values}


def row_gemeenten(name: str, layers: Mapping[str, pd.DataFrame]) -> tuple[list[str | None], list[str | None]]:
    """The gemeenten of each row of a layer of :data:`ROW_LAYERS`: its own (a flag's address, a
    hot spot's area) and, for a flag, its neighbour's (a flag across a gemeente border is seen by
    both gemeenten; the API leaves out the other's address). None where unknown."""
    frame = layers[name]

    def lookup_in(source: str, by: str, keys: pd.Series | None) -> list[str | None]:
        table = layers.get(source)
        if keys is None or table is None or by not in table or "gemeente_code" not in table:
            return [None] * len(frame)
        known = pd.DataFrame(table)[[by, "gemeente_code"]].dropna().astype(str).drop_duplicates(by)
        gemeente = dict(zip(known[by], known["gemeente_code"]))
        return [None if pd.isna(k) else gemeente.get(str(k)) for k in keys]

    if name == "vlaggen":
        return lookup_in("adressen", "adres_id", frame.get("adres_id")), lookup_in("adressen", "adres_id", frame.get("buur_adres_id"))
    return lookup_in("gebieden", "code", frame.get("gebied_code")), [None] * len(frame)


def visible_layers(layers: Mapping[str, pd.DataFrame], writer: Writer) -> dict[str, pd.DataFrame]:
    """The rows of a version that ``writer`` may read: for a gemeente only the rows of its gemeenten
    in every layer that names addresses (what row-level security gives in PostGIS)."""
    if writer.gemeenten is None:
        return dict(layers)
    allowed = set(writer.gemeenten)
    out = dict(layers)
    for name in ROW_LAYERS:
        if name in layers:
            own, other = row_gemeenten(name, layers)
            keep = [a in allowed or b in allowed for a, b in zip(own, other)]
            out[name] = layers[name][keep].reset_index(drop=True)
    for name in GEMEENTE_LAYERS:
        frame = layers.get(name)
        if frame is not None:
            keep = frame["gemeente_code"].isin(allowed).fillna(False) if "gemeente_code" in frame else False
            out[name] = frame[keep].reset_index(drop=True) if "gemeente_code" in frame else frame.iloc[0:0]
    return out


def now_iso() -> str:
    """Current UTC time as ISO text (microseconds, so audit rows sort)."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def input_frame(rows: Mapping[str, InputRow]) -> pd.DataFrame:
    """Input rows as the table ``gebied plan`` reads (:func:`gebied.schedule.priorities.as_fixed`)."""
    frame = pd.DataFrame([r.__dict__ for r in rows.values()], columns=list(INPUT_COLUMNS))
    frame["prioriteit"] = pd.to_numeric(frame["prioriteit"], errors="coerce").astype("Int64")
    return frame.sort_values("cluster_id").reset_index(drop=True)


def input_hash(rows: Mapping[str, InputRow], files: Iterable[Path] = ()) -> str:
    """SHA-256 over the steering-group input and the run's input files."""
    digest = hashlib.sha256()
    for cid in sorted(rows):
        r = rows[cid]
        digest.update(orjson.dumps([r.cluster_id, r.prioriteit, r.start_periode]))
    for path in files:
        p = Path(path)
        digest.update(p.name.encode())
        if p.is_file():
            with p.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
    return "sha256:" + digest.hexdigest()


@dataclass
class Change:
    """What an input write did (for the audit log)."""

    cluster_id: str
    oud: int | None
    nieuw: int | None
    versie: int
    door: str
    tijd: str = field(default_factory=now_iso)
