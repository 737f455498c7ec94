"""Public units and the display of public figures.

- an area with fewer addresses than the threshold is merged into the neighbouring area of
  the same gemeente with which it shares the longest border (or left out when it has none);
  merged areas are united without sliver lines;
- a published count is shown as a Dutch number, a hidden one as :data:`HIDDEN`; zero stays
  zero (it reveals no home).
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebied.frames import fmt_int, is_missing

#: The smallest threshold allowed (CBS publishes no counts below 5 for small areas).
MIN_THRESHOLD = 5
#: The threshold when none is given.
DEFAULT_THRESHOLD = 10
#: Display text of a hidden cell (small count, or hidden so that none can be computed back).
HIDDEN = "×"


def display(value: object) -> str:
    """Text of a cell of the publication table: a Dutch number, or :data:`HIDDEN` when hidden."""
    return HIDDEN if is_missing(value) else fmt_int(value)


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, (str, list)) and pd.isna(value))


#: Gaps and overlaps narrower than twice this (m) between merged areas are closed (no sliver lines).
SNAP_M = 5.0


def seamless_union(a, b, *, tolerance: float = SNAP_M):
    """Union of two areas that closes the slivers between them (gaps narrower than ``2 * tolerance``).

    Area files such as PC4 are no perfect coverage; a plain union of neighbours leaves thin
    lines where they did not touch. Growing both by ``tolerance``, uniting and shrinking back
    (a morphological closing) removes those lines and keeps the outer boundary.
    """
    grown = shapely.union_all([shapely.buffer(a, tolerance, join_style="mitre"), shapely.buffer(b, tolerance, join_style="mitre")])
    return shapely.make_valid(shapely.buffer(grown, -tolerance, join_style="mitre"))


def merge_small_areas(
    frame: gpd.GeoDataFrame,
    threshold: int,
    *,
    count_columns: Sequence[str],
    size_column: str = "aantal_adressen",
    within: str = "gemeente_code",
) -> tuple[gpd.GeoDataFrame, int]:
    """Merge areas below ``threshold`` addresses into a neighbour (same ``within``, longest border).

    The smallest area is merged first, repeatedly. Counts are added, ``start_periode`` takes
    the minimum and ``gereed_periode`` the maximum, geometries are united, ``code`` becomes
    ``a+b`` and ``samengevoegd`` lists the names. Areas without a neighbour are dropped.

    Returns
    -------
    frame, hidden
        The merged areas (index reset) and the number of areas dropped.
    """
    frame = frame.copy()
    frame["samengevoegd"] = [[str(n)] for n in frame["naam"]]
    hidden = 0
    sizes = lambda f: pd.to_numeric(f[size_column], errors="coerce").fillna(0)  # noqa: E731
    while True:
        small = frame[sizes(frame) < threshold]
        if small.empty:
            return frame.reset_index(drop=True), hidden
        idx = sizes(small).idxmin()
        row = frame.loc[idx]
        others = frame.drop(index=idx)
        if within in frame.columns and not _missing(row.get(within)):
            others = others[others[within] == row[within]]
        border = pd.Series(dtype=float)
        has_geometry = isinstance(frame, gpd.GeoDataFrame)
        if has_geometry and len(others) and row.geometry is not None and not row.geometry.is_empty:
            border = others.geometry.boundary.intersection(row.geometry.buffer(1.0)).length
            border = border[border > 0]
        if border.empty:
            frame = frame.drop(index=idx)
            hidden += 1
            continue
        target = border.idxmax()
        merged = frame.loc[target].copy()
        for col in count_columns:
            if col in frame.columns:
                a, b = merged[col], row[col]
                merged[col] = (0 if _missing(a) else int(a)) + (0 if _missing(b) else int(b))
        for col, fn in (("start_periode", min), ("gereed_periode", max)):
            if col in frame.columns:
                vals = [v for v in (merged[col], row[col]) if not _missing(v)]
                merged[col] = fn(vals) if vals else np.nan
        merged["code"] = f"{merged['code']}+{row['code']}"
        merged["samengevoegd"] = [*merged["samengevoegd"], *row["samengevoegd"]]
        if has_geometry:
            merged[frame.geometry.name] = seamless_union(merged[frame.geometry.name], row[frame.geometry.name])
        frame.loc[target] = merged
        frame = frame.drop(index=idx)


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
