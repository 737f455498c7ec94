"""Reading plan.gpkg (docs/PLAN_SCHEMA.md) for the maps, and writing map HTML atomically."""

from __future__ import annotations

import os
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from gebied.errors import GebiedError
from gebied.io import atomic_path
from gebied.periods import period_labels as labels_of

#: Layers the map builders know; ``gebieden`` is required, the rest is drawn when present.
PLAN_LAYERS = ("adressen", "clusters", "gebieden", "vlaggen", "planning", "plan_info", "publiek")


def read_plan(path: str | os.PathLike) -> dict[str, pd.DataFrame]:
    """Read the layers of a plan GeoPackage.

    Parameters
    ----------
    path
        plan.gpkg as written by ``gebied plan``.

    Returns
    -------
    dict
        Layer name → GeoDataFrame (spatial layers) or DataFrame (``planning``, ``plan_info``).
    """
    p = Path(path)
    if not p.exists():
        raise GebiedError("planbestand niet gevonden", file=str(p))
    if p.suffix.lower() != ".gpkg":
        raise GebiedError("het plan moet een GeoPackage (.gpkg) zijn, zoals 'gebied plan' die schrijft", file=str(p))
    try:
        names = [str(n) for n in pyogrio.list_layers(p)[:, 0]]
    except Exception as exc:  # pyogrio raises several types for broken files
        raise GebiedError(f"het planbestand is onleesbaar ({str(exc).splitlines()[0][:200]})", file=str(p)) from None
    if "gebieden" not in names:
        raise GebiedError(
            f"laag 'gebieden' ontbreekt in het plan (gevonden: {', '.join(names) or 'geen lagen'})", file=str(p)
        )
    layers: dict[str, pd.DataFrame] = {}
    for name in PLAN_LAYERS:
        if name not in names:
            continue
        try:
            frame = pyogrio.read_dataframe(p, layer=name)
        except Exception as exc:  # noqa: BLE001
            raise GebiedError(f"laag '{name}' is onleesbaar ({str(exc).splitlines()[0][:200]})", file=str(p)) from None
        layers[name] = frame
    _check_columns(layers, str(p))
    return layers


#: Columns a layer needs before the maps can draw it.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "gebieden": ("niveau", "code", "naam"),
    "adressen": ("adres_id",),
    "clusters": ("cluster_id",),
    "vlaggen": ("ernst",),
    "planning": ("periode", "periode_label"),
    "plan_info": ("sleutel", "waarde"),
}


def _check_columns(layers: dict[str, pd.DataFrame], file: str | None) -> None:
    for name, frame in layers.items():
        for col in REQUIRED_COLUMNS.get(name, ()):
            if col not in frame.columns:
                raise GebiedError(f"laag '{name}' mist kolom '{col}'", file=file, column=col)


def check_layers(layers: dict[str, pd.DataFrame], *, level: str) -> gpd.GeoDataFrame:
    """Check the layers a map needs and return the areas of ``level``.

    Raises
    ------
    GebiedError
        When ``gebieden`` is missing, a needed column is missing or the level is unknown.
    """
    if "gebieden" not in layers:
        raise GebiedError("laag 'gebieden' ontbreekt in het plan")
    _check_columns(layers, None)
    areas = layers["gebieden"]
    levels = sorted(str(v) for v in areas["niveau"].dropna().unique())
    if level not in levels:
        raise GebiedError(
            f"niveau '{level}' komt niet voor in laag 'gebieden' (wel: {', '.join(levels) or 'geen'})",
            column="niveau",
        )
    return areas[areas["niveau"] == level].reset_index(drop=True)


def plan_info(layers: dict[str, pd.DataFrame]) -> dict[str, str]:
    """The ``plan_info`` layer as a dict (empty when absent)."""
    info = layers.get("plan_info")
    if info is None or info.empty:
        return {}
    return {str(k): str(v) for k, v in zip(info["sleutel"], info["waarde"], strict=False) if pd.notna(v)}


def period_labels(layers: dict[str, pd.DataFrame]) -> dict[int, str]:
    """Period number → label from the ``planning`` layer (empty when absent)."""
    return labels_of(layers.get("planning"))


def to_wgs84(frame: gpd.GeoDataFrame, *, simplify_m: float = 0.0) -> gpd.GeoDataFrame:
    """Frame in EPSG:4326 for the map, optionally simplified (in metres) first."""
    if frame.crs is None:
        frame = frame.set_crs(28992)
    if simplify_m > 0:
        frame = frame.copy()
        rd = frame.geometry.to_crs(28992)
        frame = frame.set_geometry(rd.simplify(simplify_m, preserve_topology=True))
    return frame.to_crs(4326)


_FOLIUM_ID = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])")


def stable_ids(html: str) -> str:
    """Replace folium's random element ids by sequential ones, so equal maps are equal bytes."""
    seen: dict[str, str] = {}

    def repl(match: re.Match[str]) -> str:
        return seen.setdefault(match.group(0), f"{len(seen):032x}")

    return _FOLIUM_ID.sub(repl, html)


def save_map(html: str, path: str | os.PathLike) -> Path:
    """Write map HTML to ``path`` atomically (temporary file, then rename), with stable ids."""
    html = stable_ids(html)
    target = Path(path)
    if target.suffix.lower() not in (".html", ".htm"):
        raise GebiedError("de kaart wordt als HTML geschreven; gebruik een naam op .html", file=str(target))
    with atomic_path(target) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return target


def plain_layers(layers: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The layers as they read back from plan.gpkg: nullable dtypes as float/object.

    In-memory pipeline layers carry pandas ``Int64``/``string`` columns with ``pd.NA``;
    the map builders expect what pyogrio gives (NaN and None).
    """
    out = {}
    for name, frame in layers.items():
        frame = frame.copy()
        for col in frame.columns:
            dtype = frame[col].dtype
            if isinstance(dtype, pd.StringDtype):
                frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
            elif pd.api.types.is_extension_array_dtype(dtype) and pd.api.types.is_numeric_dtype(dtype):
                frame[col] = frame[col].astype("float64")
            elif isinstance(dtype, pd.BooleanDtype):
                frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
        out[name] = frame
    return out
