"""Cluster territories: a piece of land per treintje that overlaps no other and stays near its homes.

Every address position gets its Voronoi cell (shapely/GEOS ``voronoi_polygons`` over all
addresses, clustered or not, so a territory never reaches past a neighbour's home). Each cell
is clipped to a circle of ``radius`` metres around its address and to the area the address was
joined to, and the cells are dissolved per cluster. Voronoi cells do not overlap, so neither do
the territories; each contains its own addresses.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebied.frames import mode_per_group

#: Radius (m) around each address that its territory may cover.
TERRITORY_RADIUS_M = 40.0


def _cells(xy: np.ndarray) -> np.ndarray:
    """Voronoi cell per (unique) point, in input order."""
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    pad = float(max(hi - lo)) + 1000.0
    # four far corner points: robust for one, two or collinear points
    frame = np.array([[lo[0] - pad, lo[1] - pad], [hi[0] + pad, lo[1] - pad], [hi[0] + pad, hi[1] + pad], [lo[0] - pad, hi[1] + pad]])
    points = shapely.multipoints(np.vstack([xy, frame]))
    cells = shapely.get_parts(shapely.voronoi_polygons(points, ordered=True))
    if len(cells) != len(xy) + 4:  # GEOS merged points closer than its tolerance: fall back to matching
        tree = shapely.STRtree(cells)
        idx = tree.query(shapely.points(xy), predicate="intersects")
        first = pd.Series(idx[1]).groupby(idx[0]).first()
        return cells[first.reindex(range(len(xy))).to_numpy(dtype=int)]
    return cells[: len(xy)]


def cluster_territories(
    addresses: gpd.GeoDataFrame,
    *,
    cluster_column: str = "cluster_id",
    areas: gpd.GeoDataFrame | None = None,
    area_column: str | None = None,
    radius: float = TERRITORY_RADIUS_M,
) -> gpd.GeoSeries:
    """One territory per cluster: Voronoi cells of its addresses, clipped and dissolved.

    Parameters
    ----------
    addresses
        Point addresses (EPSG:28992) with ``cluster_column`` (empty for addresses outside any
        cluster; they still take their own cell, so no territory reaches over them).
    areas, area_column
        Optional prepared areas (``code``, geometry) and the address column holding the
        area code: a cell is clipped to its address's area where the area covers the address.
    radius
        Largest distance (m) from an address that its territory covers.

    Returns
    -------
    geopandas.GeoSeries
        Territory per cluster id (index), sorted by id; pairwise overlap area zero.
    """
    keys = addresses[cluster_column].astype("string")
    if addresses.empty or keys.isna().all():
        return gpd.GeoSeries([], index=pd.Index([], name=cluster_column, dtype="string"), crs=addresses.crs)
    xy = np.round(shapely.get_coordinates(addresses.geometry.values), 2)
    uniq, inverse = np.unique(xy, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    # a position shared by several clusters (rare) goes to the cluster with most addresses there
    owner = mode_per_group(keys, inverse)
    cells = _cells(uniq)
    centres = shapely.points(uniq)
    cells = shapely.intersection(cells, shapely.buffer(centres, radius, quad_segs=8))
    if areas is not None and area_column is not None and area_column in addresses:
        cells = _clip_to_areas(cells, centres, inverse, addresses[area_column], areas)
    own = owner.reindex(range(len(uniq)))
    keep = own.notna().to_numpy()
    key = own[keep].to_numpy()
    order = np.argsort(key, kind="stable")
    labels, names = pd.factorize(key[order], sort=True)
    # union per cluster (not a coverage union: clipping added vertices that neighbours do not share)
    merged = [shapely.union_all(part) for part in np.split(cells[keep][order], np.flatnonzero(np.diff(labels)) + 1)]
    index = pd.Index(names, name=cluster_column, dtype="string")
    return gpd.GeoSeries(merged, index=index, crs=addresses.crs)


def _clip_to_areas(cells: np.ndarray, centres: np.ndarray, inverse: np.ndarray, codes: pd.Series, areas: gpd.GeoDataFrame) -> np.ndarray:
    """Clip each cell to the area of its address, where that area covers the address."""
    first = pd.Series(np.arange(len(inverse))).groupby(inverse).first().to_numpy()
    code = codes.astype("string").to_numpy(dtype=object, na_value=None)[first]
    lookup = pd.Series(np.asarray(areas.geometry.values, dtype=object), index=areas["code"].astype(str).to_numpy())
    lookup = lookup[~lookup.index.duplicated()]
    area = np.array([lookup.get(c, shapely.Point()) if c is not None else shapely.Point() for c in code], dtype=object)
    usable = shapely.covers(area, centres)
    out = cells.copy()
    out[usable] = shapely.intersection(cells[usable], area[usable])
    return out
