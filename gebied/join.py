"""Join address points to area polygons: one row out per address in.

Rule for a point on a shared border or in an overlap: of all polygons that *cover*
the point (interior or boundary), it goes to the one it lies deepest inside (largest
distance to that polygon's boundary, to the micrometre); on an exact tie, such as a
point on a shared border (depth 0 in both), to the polygon whose code sorts first. A point
outside every polygon goes to the nearest polygon within ``max_distance`` metres
(ties again to the lowest code); beyond that it stays empty.

Speed comes from a grid pre-index: grid cells that lie wholly inside one polygon
assign their points without an exact test; cells that touch no polygon skip straight
to the nearest-polygon search; only points in boundary cells get an exact
point-in-polygon test through shapely's STRtree.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebied.areas import prepare_areas
from gebied.errors import GebiedError, GebiedWarning

EMPTY_CELL = -2
MIXED_CELL = -1


class GridIndex:
    """Point-in-polygon index over areas sorted by code (index = position in areas)."""

    def __init__(self, geoms: np.ndarray, *, n_points: int) -> None:
        self.geoms = geoms
        self.tree = shapely.STRtree(geoms)
        xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
        w, h = max(xmax - xmin, 1.0), max(ymax - ymin, 1.0)
        n_cells = int(np.clip(n_points / 6, 4096, 2_000_000))
        n_cells = max(n_cells, 16 * len(geoms)) if n_cells < 2_000_000 else n_cells
        size = float(np.sqrt(w * h / n_cells))
        self.x0, self.y0, self.size = xmin, ymin, size
        self.nx, self.ny = int(np.ceil(w / size)) + 1, int(np.ceil(h / size)) + 1
        ix, iy = np.meshgrid(np.arange(self.nx), np.arange(self.ny), indexing="ij")
        ix, iy = ix.ravel(), iy.ravel()
        boxes = shapely.box(
            xmin + ix * size, ymin + iy * size, xmin + (ix + 1) * size, ymin + (iy + 1) * size
        )
        owner = np.full(len(boxes), EMPTY_CELL, dtype=np.int64)
        b, g = self.tree.query(boxes, predicate="intersects")
        owner[b] = MIXED_CELL
        b, g = self.tree.query(boxes, predicate="within")
        # a cell within two overlapping polygons stays mixed (border rule decides)
        counts = np.bincount(b, minlength=len(boxes))
        single = counts[b] == 1
        owner[b[single]] = g[single]
        self.owner = owner

    def cells(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        ix = np.floor((x - self.x0) / self.size).astype(np.int64)
        iy = np.floor((y - self.y0) / self.size).astype(np.int64)
        inside = (ix >= 0) & (ix < self.nx) & (iy >= 0) & (iy < self.ny)
        cell = np.full(len(x), -1, dtype=np.int64)
        cell[inside] = ix[inside] * self.ny + iy[inside]
        return cell

    def locate(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Area position per point, or -1 where no polygon covers it."""
        cell = self.cells(x, y)
        result = np.full(len(x), -1, dtype=np.int64)
        known = cell >= 0
        state = np.full(len(x), EMPTY_CELL, dtype=np.int64)
        state[known] = self.owner[cell[known]]
        direct = state >= 0
        result[direct] = state[direct]
        todo = np.flatnonzero(state == MIXED_CELL)
        if len(todo):
            pts = shapely.points(x[todo], y[todo])
            p, g = self.tree.query(pts, predicate="intersects")
            if len(p):
                result[todo] = self._resolve(pts, p, g, len(todo))
        return result

    def _resolve(self, pts: np.ndarray, p: np.ndarray, g: np.ndarray, n: int) -> np.ndarray:
        """One area per point from (point, area) hit pairs: deepest inside, then lowest code."""
        out = np.full(n, -1, dtype=np.int64)
        counts = np.bincount(p, minlength=n)
        single = counts[p] == 1
        out[p[single]] = g[single]
        multi = ~single
        if multi.any():
            mp, mg = p[multi], g[multi]
            depth = shapely.distance(pts[mp], shapely.boundary(self.geoms[mg]))
            # sort by point, then depth descending, then area position (= code) ascending
            order = np.lexsort((mg, -np.round(depth, 6), mp))
            mp, mg = mp[order], mg[order]
            first = np.ones(len(mp), dtype=bool)
            first[1:] = mp[1:] != mp[:-1]
            out[mp[first]] = mg[first]
        return out


def assign_points(
    points: np.ndarray | gpd.GeoSeries, areas: gpd.GeoDataFrame, *, max_distance: float = 50.0
) -> tuple[np.ndarray, np.ndarray]:
    """Assign each point to one area.

    Parameters
    ----------
    points
        Point geometries in the CRS of ``areas``.
    areas
        Prepared areas (``prepare_areas``), sorted by code.
    max_distance
        Largest distance in metres to the nearest area for points outside all areas.

    Returns
    -------
    position, distance
        Area position per point (-1 when none) and the distance in metres
        (0 inside, NaN when unassigned).
    """
    pts = np.asarray(points.values if hasattr(points, "values") else points)
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    index = GridIndex(np.asarray(areas.geometry.values), n_points=len(pts))
    pos = index.locate(x, y)
    dist = np.where(pos >= 0, 0.0, np.nan)
    outside = np.flatnonzero(pos < 0)
    if len(outside) and max_distance > 0:
        p, g = index.tree.query_nearest(
            pts[outside], max_distance=max_distance, return_distance=False, all_matches=True
        )
        if len(p):
            best = np.full(len(outside), np.iinfo(np.int64).max)
            np.minimum.at(best, p, g)
            hit = best != np.iinfo(np.int64).max
            pos[outside[hit]] = best[hit]
            dist[outside[hit]] = shapely.distance(pts[outside[hit]], index.geoms[best[hit]])
    return pos, dist


def join_areas(
    addresses: gpd.GeoDataFrame,
    areas: Mapping[str, gpd.GeoDataFrame],
    *,
    max_distance: float = 50.0,
) -> gpd.GeoDataFrame:
    """Join addresses to one or more area layers.

    Parameters
    ----------
    addresses
        Validated addresses (point geometry).
    areas
        ``{naam: areas}``; raw layers are prepared (code/name columns detected).
    max_distance
        Largest distance in metres for assigning a point outside all polygons to the
        nearest one.

    Returns
    -------
    geopandas.GeoDataFrame
        The input with, per layer ``naam``, the columns ``naam_code``, ``naam_naam``
        and ``naam_afstand_m``; same rows, same order, same index.
    """
    out = addresses.copy()
    pts = addresses.geometry
    if pts.crs is None:
        raise GebiedError("de adressen hebben geen coördinaatsysteem (CRS)")
    pts = pts.to_crs(28992)
    for name, layer in areas.items():
        if not {"code", "naam"} <= set(layer.columns) or layer.crs is None or layer.crs.to_epsg() != 28992:
            layer = prepare_areas(layer)
        elif not layer["code"].is_monotonic_increasing:
            layer = layer.sort_values("code", kind="stable").reset_index(drop=True)
        pos, dist = assign_points(pts, layer, max_distance=max_distance)
        hit = pos >= 0
        codes = pd.array(np.where(hit, layer["code"].to_numpy(dtype=object)[np.maximum(pos, 0)], None), dtype="string")
        names = pd.array(np.where(hit, layer["naam"].to_numpy(dtype=object)[np.maximum(pos, 0)], None), dtype="string")
        out[f"{name}_code"] = codes
        out[f"{name}_naam"] = names
        out[f"{name}_afstand_m"] = np.round(dist, 2)
        near = int((dist > 0).sum())
        lost = int((~hit).sum())
        if near:
            warnings.warn(
                GebiedWarning(
                    f"laag {name}: {near} adres(sen) buiten alle gebieden toegewezen aan het "
                    f"dichtstbijzijnde gebied binnen {max_distance:g} m"
                ),
                stacklevel=2,
            )
        if lost:
            warnings.warn(
                GebiedWarning(
                    f"laag {name}: {lost} adres(sen) liggen verder dan {max_distance:g} m van elk "
                    "gebied en blijven zonder gebied"
                ),
                stacklevel=2,
            )
    return out
