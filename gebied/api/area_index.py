"""Indexes of the area records for the API: every area in full, and the publication table.

Also the helpers that turn a layer into JSON-ready records and rounded WGS84 geometries.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import shapely


def to_records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: Python scalars, None for missing values."""
    plain = pd.DataFrame(frame).drop(columns=["geometry"], errors="ignore")
    obj = plain.astype(object)
    return obj.where(plain.notna(), None).to_dict("records")


def rounded_4326(geoms: gpd.GeoSeries) -> np.ndarray:
    """Geometries in WGS84 with coordinates rounded to 6 decimals."""
    wgs = geoms.to_crs(4326).values
    return shapely.transform(np.asarray(wgs, dtype=object), lambda c: np.round(c, 6))


def index_areas(gebieden: gpd.GeoDataFrame) -> dict:
    gebieden = gebieden.copy()
    gebieden["code"] = gebieden["code"].astype(str)
    if "niveau" in gebieden.columns:
        gebieden = gebieden.sort_values(["niveau", "code"], kind="stable").reset_index(drop=True)
    records = to_records(gebieden)
    if "geometry" in gebieden.columns and gebieden.crs is not None:
        geoms = rounded_4326(gebieden.geometry)
        frags = [orjson.Fragment(shapely.to_geojson(g).encode()) if g is not None else orjson.Fragment(b"null") for g in geoms]
        for rec, g in zip(records, geoms):
            rec["bbox"] = None if g is None or g.is_empty else [float(v) for v in shapely.bounds(g)]
    else:
        frags = [orjson.Fragment(b"null")] * len(records)
    by_code: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        by_code.setdefault(r["code"], []).append(i)
    return {"areas": records, "area_by_code": by_code, "area_geometry": frags}


def index_public(publiek: gpd.GeoDataFrame) -> dict:
    publiek = publiek.copy()
    publiek["code"] = publiek["code"].astype(str)
    records = []
    for rec in to_records(publiek):
        hidden = [c for c in str(rec.get("afgeschermd") or "").split(", ") if c]
        records.append(rec | {"afgeschermd": hidden, "onderdrukt": bool(hidden)})
    frags = [orjson.Fragment(b"null")] * len(records)
    if "geometry" in publiek.columns and publiek.crs is not None:
        geoms = publiek.geometry.to_crs(4326).values  # already the published (rounded) outlines
        frags = [orjson.Fragment(shapely.to_geojson(g).encode()) if g is not None else orjson.Fragment(b"null") for g in geoms]
    by_code: dict[str, int] = {}
    for i, rec in enumerate(records):
        for member in rec["code"].split("+"):
            by_code.setdefault(member, i)
        by_code[rec["code"]] = i
    return {"public": records, "public_by_code": by_code, "public_geometry": frags}
