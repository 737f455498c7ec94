"""Join address points to area polygons: one row out per address in.

Rule for a point on a shared border or in an overlap: of all polygons that *cover*
the point (interior or boundary), it goes to the one it lies deepest inside (largest
distance to that polygon's boundary, rounded to the micrometre); on an exact tie, such as
a point on a shared border (depth 0 in both), to the polygon whose code sorts first. A point
outside every polygon goes to the nearest polygon within ``max_distance`` metres (ties again
to the lowest code); beyond that it stays empty.

Speed comes from a grid pre-index. The polygon boundaries are rasterised onto a fine grid
(every cell a boundary passes through, or comes within a micrometre of, is *mixed*). The
remaining cells fall apart into connected regions that no boundary crosses; every point of
such a region is covered by the same polygons, so one exact test of one cell centre per
region decides all of them. Points in a region covered by exactly one polygon get it
without any test, points in a region covered by none go straight to the nearest-polygon
search, and only points in mixed cells (and in overlaps) get an exact point-in-polygon test
against prepared polygons.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import ndimage

from gebied.areas.read import prepare_areas, report_overlaps
from gebied.codes import JOIN_DISTANCE
from gebied.errors import GebiedError, GebiedWarning

EMPTY_CELL = -2
MIXED_CELL = -1
#: Cells a boundary comes closer to than this (metres) count as mixed.
EPSILON = 1e-6
#: Largest number of grid cells (memory: about 20 bytes per cell while building).
MAX_CELLS = 32_000_000


class GridIndex:
    """Point-in-polygon index over areas sorted by code (index = position in areas).

    Parameters
    ----------
    geoms
        Polygon geometries (EPSG:28992), position = area position.
    n_points
        Number of points that will be located; sets the grid resolution.
    """

    def __init__(self, geoms: np.ndarray, *, n_points: int) -> None:
        self.geoms = np.asarray(geoms, dtype=object)
        self.tree = shapely.STRtree(self.geoms)
        self._prepared: np.ndarray | None = None
        usable = ~(shapely.is_missing(self.geoms) | shapely.is_empty(self.geoms))
        self.nx = self.ny = 0
        self.owner = np.empty(0, dtype=np.int32)
        self.x0 = self.y0 = 0.0
        self.size = 1.0
        if not usable.any():
            return
        xmin, ymin, xmax, ymax = shapely.total_bounds(self.geoms[usable])
        w, h = max(xmax - xmin, 1.0), max(ymax - ymin, 1.0)
        n_cells = int(np.clip(2 * n_points, 4096, MAX_CELLS))
        size = float(np.sqrt(w * h / n_cells))
        # one spare cell on every side: points just outside the polygons fall in empty cells
        self.x0, self.y0, self.size = xmin - size, ymin - size, size
        self.nx = int(np.ceil(w / size)) + 3
        self.ny = int(np.ceil(h / size)) + 3
        crossed = self._rasterize(self.geoms[usable])
        self.owner = self._fill(crossed)

    def _rasterize(self, geoms: np.ndarray) -> np.ndarray:
        """Boolean grid (flat, x-major) of cells that a polygon boundary passes near."""
        rings = shapely.get_rings(shapely.get_parts(geoms))
        rings = shapely.segmentize(rings, self.size / 2)  # pieces span at most 2x2 cells
        coords = shapely.get_coordinates(rings)
        fx = (coords[:, 0] - self.x0) / self.size
        fy = (coords[:, 1] - self.y0) / self.size
        e = EPSILON / self.size
        cell, wide = self._span(fx, e)
        row, tall = self._span(fy, e)
        cell *= self.ny
        cell += row
        # consecutive coordinates form the pieces; a pair that joins two rings is no piece
        joins = np.cumsum(shapely.get_num_coordinates(rings))[:-1] - 1
        cell[joins] = cell[joins - 1]
        wide[joins] = tall[joins] = False
        crossed = np.zeros(self.nx * self.ny, dtype=bool)
        crossed[cell] = True
        crossed[cell[wide] + self.ny] = True
        crossed[cell[tall] + 1] = True
        crossed[cell[wide & tall] + self.ny + 1] = True
        return crossed

    @staticmethod
    def _span(f: np.ndarray, e: float) -> tuple[np.ndarray, np.ndarray]:
        """First grid column of each piece (coordinates f[i], f[i+1]) and whether it spans two."""
        lo = np.minimum(f[:-1], f[1:])
        hi = np.maximum(f[:-1], f[1:])
        lo -= e
        hi += e
        # positive values (spare cell on every side): truncation is floor
        first = lo.astype(np.int64)
        return first, hi.astype(np.int64) > first

    def _fill(self, crossed: np.ndarray) -> np.ndarray:
        """Owner per cell: area position, EMPTY_CELL or MIXED_CELL."""
        labels, n = ndimage.label(~crossed.reshape(self.nx, self.ny))
        labels = labels.ravel()
        rep = np.zeros(n + 1, dtype=np.int64)
        rep[labels] = np.arange(len(labels))  # any cell of a region represents it
        rep = rep[1:]
        cx = self.x0 + (rep // self.ny + 0.5) * self.size
        cy = self.y0 + (rep % self.ny + 0.5) * self.size
        p, g = self.tree.query(shapely.points(cx, cy), predicate="intersects")
        counts = np.bincount(p, minlength=n)
        region = np.full(n + 1, MIXED_CELL, dtype=np.int32)  # label 0 = crossed cells
        region[1:][counts == 0] = EMPTY_CELL
        single = counts[p] == 1
        region[1:][p[single]] = g[single]  # two or more: an overlap, decided per point
        return region[labels]

    def cells(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Flat cell number per coordinate, -1 outside the grid."""
        fx = np.floor((x - self.x0) / self.size)
        fy = np.floor((y - self.y0) / self.size)
        inside = (fx >= 0) & (fx < self.nx) & (fy >= 0) & (fy < self.ny)  # False for NaN
        cell = np.where(inside, fx * self.ny + fy, -1.0)
        return cell.astype(np.int64)

    def locate(self, x: np.ndarray, y: np.ndarray, points: np.ndarray | None = None) -> np.ndarray:
        """Area position per point, or -1 where no polygon covers it."""
        if self.nx == 0:
            return np.full(len(x), -1, dtype=np.int64)
        cell = self.cells(x, y)
        state = np.where(cell >= 0, self.owner[np.maximum(cell, 0)], EMPTY_CELL)
        result = np.where(state >= 0, state, -1).astype(np.int64)
        todo = np.flatnonzero(state == MIXED_CELL)
        if len(todo):
            pts = points[todo] if points is not None else shapely.points(x[todo], y[todo])
            result[todo] = self.exact(pts, x[todo], y[todo])
        return result

    def exact(self, pts: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Exact location of points: covering areas by bounding box, then prepared tests."""
        p, g = self.tree.query(pts)
        if self._prepared is None:
            # prepare own copies: the caller's geometries (perhaps shared between threads)
            # are never changed
            self._prepared = shapely.transform(self.geoms, lambda c: c)
            shapely.prepare(self._prepared)
        hit = shapely.intersects_xy(self._prepared[g], x[p], y[p])
        return self._resolve(pts, p[hit], g[hit], len(pts))

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
    points: np.ndarray | gpd.GeoSeries, areas: gpd.GeoDataFrame, *, max_distance: float = JOIN_DISTANCE
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
    pts = np.asarray(points.values if hasattr(points, "values") else points, dtype=object)
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    index = GridIndex(np.asarray(areas.geometry.values), n_points=len(pts))
    pos = index.locate(x, y, pts)
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


def _layer_for_join(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Prepare a raw layer; pass a prepared one (``code``, ``naam``, EPSG:28992) through."""
    prepared = (
        {"code", "naam"} <= set(layer.columns)
        and layer.crs is not None
        and layer.crs.to_epsg() == 28992
        and bool(shapely.is_valid(np.asarray(layer.geometry.values)).all())
    )
    if not prepared:
        layer = prepare_areas(layer)
        report_overlaps(layer)
    elif not layer["code"].is_monotonic_increasing:
        layer = layer.sort_values("code", kind="stable").reset_index(drop=True)
    return layer


def _take_strings(values: pd.Series, pos: np.ndarray) -> pd.arrays.StringArray:
    """``values[pos]`` as a ``string`` array, ``<NA>`` where ``pos`` is -1."""
    table = np.append(values.astype("string").to_numpy(dtype=object, na_value=pd.NA), [pd.NA])
    return pd.arrays.StringArray(table[pos])


def join_areas(
    addresses: gpd.GeoDataFrame,
    areas: Mapping[str, gpd.GeoDataFrame],
    *,
    max_distance: float = JOIN_DISTANCE,
) -> gpd.GeoDataFrame:
    """Join addresses to one or more area layers.

    Parameters
    ----------
    addresses
        Validated addresses (point geometry).
    areas
        ``{naam: areas}``; raw layers are prepared (code/name columns detected, invalid
        polygons repaired, overlaps reported).
    max_distance
        Largest distance in metres for assigning a point outside all polygons to the
        nearest one.

    Returns
    -------
    geopandas.GeoDataFrame
        The input with, per layer ``naam``, the columns ``naam_code``, ``naam_naam``
        (``string``, ``<NA>`` when unassigned) and ``naam_afstand_m`` (0 inside, the
        distance rounded up to the centimetre for a nearest area, NaN when unassigned);
        same rows, same order, same index.
    """
    pts = addresses.geometry
    if pts.crs is None:
        raise GebiedError("de adressen hebben geen coördinaatsysteem (CRS)")
    pts = pts.to_crs(28992)
    out = addresses.copy(deep=False)
    for name, layer in areas.items():
        layer = _layer_for_join(layer)
        pos, dist = assign_points(pts, layer, max_distance=max_distance)
        hit = pos >= 0
        out[f"{name}_code"] = _take_strings(layer["code"], pos)
        out[f"{name}_naam"] = _take_strings(layer["naam"], pos)
        out[f"{name}_afstand_m"] = np.where(dist > 0, np.ceil(dist * 100) / 100, dist)
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
