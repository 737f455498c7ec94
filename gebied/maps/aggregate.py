"""Aggregates for the public map: counts per area, small areas merged, small counts suppressed.

The public map only ever receives the frame :func:`aggregate_public` returns: one row per
(possibly merged) area, every count already turned into display text.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebied.codes import NCG_FASEN
from gebied.errors import GebiedError
from gebied.maps.plan import check_layers
from gebied.privacy import (
    DEFAULT_THRESHOLD,
    MIN_THRESHOLD,
    TOTAL_AND_PARTS,
    merge_small_areas,
    suppress,
    suppress_table,
)

#: The counts of an area on the public map (shown as text, small counts suppressed).
COUNT_COLUMNS: tuple[str, ...] = (
    "aantal_adressen",
    *TOTAL_AND_PARTS,
    "risico_verhoogd",
    "aantal_vlaggen",
)


def _area_counts(layers: dict[str, pd.DataFrame], areas: gpd.GeoDataFrame, level: str) -> pd.DataFrame:
    """Counts per area code from the addresses (or from ``gebieden`` when they are absent)."""
    codes = areas["code"].astype(str)
    out = pd.DataFrame(index=pd.Index(codes, name="code"))
    addresses = layers.get("adressen")
    column = f"{level}_code"
    if addresses is not None and column in addresses.columns:
        a = pd.DataFrame(
            {
                "code": addresses[column].astype("string"),
                "fase": addresses["ncg_fase"].astype("string") if "ncg_fase" in addresses else pd.NA,
                "risico": addresses["risicoprofiel"].astype("string") if "risicoprofiel" in addresses else pd.NA,
                "start": pd.to_numeric(addresses.get("opname_periode", np.nan), errors="coerce"),
                "eind": pd.to_numeric(addresses.get("gereed_periode", np.nan), errors="coerce"),
            }
        ).dropna(subset=["code"])
        g = a.groupby("code")
        out["aantal_adressen"] = g.size()
        out["in_programma"] = g["fase"].count()
        for f in NCG_FASEN:
            out[f"fase_{f}"] = (a["fase"] == f).fillna(False).groupby(a["code"]).sum()
        out["risico_verhoogd"] = a["risico"].isin(["P50", "P90"]).fillna(False).groupby(a["code"]).sum()
        out["start_periode"] = g["start"].min()
        out["gereed_periode"] = g["eind"].max()
        out["aantal_vlaggen"] = _flag_counts(layers, addresses, column)
    else:
        src = areas.set_index(codes)
        for col in COUNT_COLUMNS:
            out[col] = pd.to_numeric(src[col], errors="coerce") if col in src else 0
        for col in ("start_periode", "gereed_periode"):
            out[col] = pd.to_numeric(src[col], errors="coerce") if col in src else np.nan
    counts = list(COUNT_COLUMNS)
    out[counts] = out[counts].fillna(0).astype(int)
    return out.reset_index()


def _flag_counts(layers: dict[str, pd.DataFrame], addresses: pd.DataFrame, column: str) -> pd.Series:
    """Flags per area: a flag counts in the area of each of its two homes (once per area)."""
    flags = layers.get("vlaggen")
    if flags is None or flags.empty or "adres_id" not in flags.columns:
        return pd.Series(dtype=int)
    where = dict(zip(addresses["adres_id"].astype(str), addresses[column].astype("string"), strict=False))
    a = flags["adres_id"].astype(str).map(where)
    b = flags["buur_adres_id"].astype(str).map(where) if "buur_adres_id" in flags else a
    pairs = pd.DataFrame({"i": range(len(flags)), "a": a, "b": b})
    long = pd.concat([pairs[["i", "a"]].rename(columns={"a": "code"}), pairs[["i", "b"]].rename(columns={"b": "code"})])
    return long.dropna().drop_duplicates().groupby("code").size()


def _cell(x: float, y: float) -> tuple[float, float]:
    return (round(x, 4), round(y, 4))


def public_geometry(frame: gpd.GeoDataFrame, homes: gpd.GeoSeries | None, *, simplify_m: float = 5.0) -> gpd.GeoSeries:
    """Area outlines for publication in EPSG:4326, rounded to 5 decimals.

    A vertex that rounds (to 4 decimals, about 7 × 11 m) to the same place as a home is
    moved to the nearest free cell, so no home's position can be read from an outline.
    """
    geo = frame.geometry.to_crs(28992).simplify(simplify_m, preserve_topology=True).to_crs(4326)
    taken: set[tuple[float, float]] = set()
    if homes is not None and len(homes):
        wgs = homes.to_crs(4326)
        taken = {_cell(x, y) for x, y in zip(wgs.x, wgs.y, strict=True)}
    steps = [(dx, dy) for r in (1, 2, 3) for dx in (-r, 0, r) for dy in (-r, 0, r) if (dx, dy) != (0, 0)]

    def fix(coords: np.ndarray) -> np.ndarray:
        out = np.round(coords, 5)
        for k, (x, y) in enumerate(out):
            if _cell(x, y) not in taken:
                continue
            for dx, dy in steps:
                nx, ny = round(x + dx * 1e-4, 5), round(y + dy * 1e-4, 5)
                if _cell(nx, ny) not in taken:
                    out[k] = (nx, ny)
                    break
        return out

    return gpd.GeoSeries(shapely.transform(geo.values, fix), index=frame.index, crs=4326)


def explain(row: pd.Series, *, rank: int, total: int, labels: dict[int, str], threshold: int) -> str:
    """A short Dutch text for residents: when the area goes, and why in this order."""
    def label(p: object) -> str:
        return labels.get(int(p), f"periode {int(p)}") if pd.notna(p) else ""

    naam = row["naam"]
    parts = []
    if pd.notna(row["start_periode"]):
        parts.append(
            f"In {naam} begint het werk naar verwachting in {label(row['start_periode'])}"
            + (f" en is het gereed in {label(row['gereed_periode'])}." if pd.notna(row["gereed_periode"]) else ".")
        )
        parts.append(f"Het is gebied {rank} van {total} in de volgorde.")
    else:
        parts.append(f"Voor {naam} is nog geen start gepland.")
    risk = row["risico_verhoogd"]
    if risk >= threshold:
        parts.append(f"Hier staan {risk} adressen met een verhoogd risico (P50 of P90); die gaan voor.")
    elif risk > 0:
        parts.append("Hier staan enkele adressen met een verhoogd risico (P50 of P90).")
    else:
        parts.append("Hier staan geen adressen met een verhoogd risico (P50 of P90).")
    parts.append(
        "De volgorde volgt het risico van de gebouwen; buren en gelijke woningen blijven samen in één "
        "treintje, zodat niemand in de straat achterblijft, en het werk wordt verdeeld over wat per kwartaal kan."
    )
    if row["aantal_vlaggen"] > 0:
        parts.append("Er zijn verschillen tussen buren gesignaleerd; die worden in de planning rechtgetrokken.")
    if len(row["samengevoegd"]) > 1:
        parts.append(f"Samengevoegd uit {', '.join(row['samengevoegd'])} omdat er per gebied te weinig adressen zijn om apart te tonen.")
    return " ".join(parts)


def aggregate_public(
    layers: dict[str, pd.DataFrame],
    *,
    level: str = "buurt",
    threshold: int = DEFAULT_THRESHOLD,
    labels: dict[int, str] | None = None,
) -> gpd.GeoDataFrame:
    """Per-area public figures: merged small areas and suppressed small counts.

    Parameters
    ----------
    layers
        Plan layers (``gebieden`` required; counts come from ``adressen`` when present).
    level
        Area level (``woonplaats`` or ``buurt``, any value of ``gebieden.niveau``).
    threshold
        Counts from 1 to ``threshold - 1`` are shown as ``"< threshold"``; areas with fewer
        addresses are merged into a neighbour or hidden. At least 5.
    labels
        Period labels for the explanation texts.

    Returns
    -------
    GeoDataFrame
        EPSG:28992; ``code``, ``naam``, the count columns as text, ``start_periode``,
        ``gereed_periode``, ``samengevoegd`` and ``toelichting``. ``attrs`` holds
        ``drempel`` and ``verborgen`` (areas hidden for want of a neighbour).
    """
    if int(threshold) < MIN_THRESHOLD:
        raise GebiedError(f"de drempel moet minstens {MIN_THRESHOLD} zijn (zoals CBS), niet {threshold}", column="drempel")
    threshold = int(threshold)
    areas = check_layers(layers, level=level)
    counts = _area_counts(layers, areas, level)
    keep = ["code", "naam", *([c for c in ("gemeente_code",) if c in areas.columns])]
    base = areas[keep + [areas.geometry.name]].copy()
    base["code"] = base["code"].astype(str)
    frame = gpd.GeoDataFrame(base.merge(counts, on="code", how="left"), geometry=areas.geometry.name, crs=areas.crs or 28992)
    frame[list(COUNT_COLUMNS)] = frame[list(COUNT_COLUMNS)].fillna(0).astype(int)
    frame = frame.to_crs(28992)
    merged, hidden = merge_small_areas(frame, threshold, count_columns=COUNT_COLUMNS)
    merged["naam"] = [" + ".join(n) if len(n) > 1 else n[0] for n in merged["samengevoegd"]]
    order = merged.sort_values(["start_periode", "code"], na_position="last").index
    rank = {i: r + 1 for r, i in enumerate(order)}
    merged["toelichting"] = [
        explain(row, rank=rank[i], total=len(merged), labels=labels or {}, threshold=threshold) for i, row in merged.iterrows()
    ]
    # in_programma is the total of the phase counts: hide one more phase where a single hidden
    # phase could be computed back by subtraction (secondary suppression, shown as ×)
    block = list(TOTAL_AND_PARTS)
    texts = {col: [suppress(v, threshold) for v in merged[col]] for col in COUNT_COLUMNS if col not in block}
    table = suppress_table(merged[block].to_numpy(dtype=np.int64), threshold)
    texts |= {col: [row[j] for row in table] for j, col in enumerate(block)}
    for col in COUNT_COLUMNS:
        merged[col] = texts[col]
    for col in ("start_periode", "gereed_periode"):
        merged[col] = pd.to_numeric(merged[col], errors="coerce").round().astype("Int64")
    merged["samengevoegd"] = [", ".join(n) for n in merged["samengevoegd"]]
    merged = merged.drop(columns=[c for c in ("gemeente_code",) if c in merged.columns])
    addresses = layers.get("adressen")
    homes = addresses.geometry if isinstance(addresses, gpd.GeoDataFrame) else None
    merged = merged.set_geometry(public_geometry(merged, homes)).to_crs(4326)
    merged.attrs = {"drempel": threshold, "verborgen": hidden, "niveau": level}
    return merged
