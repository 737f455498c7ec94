"""Neighbour graph of addresses: pairs within a distance or in the same building (pand).

The pairs are the edges of an undirected graph over the *positions* (0 … n-1) of the
addresses. They are found with a KD-tree (``scipy.spatial.cKDTree``) and completed with
every pair of addresses that share a ``pand_id``, however far apart their points are.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from gebied.codes import NEIGHBOUR_DISTANCE

PAIR_COLUMNS = ("i", "j", "afstand_m", "zelfde_pand")


def address_coordinates(addresses: pd.DataFrame) -> np.ndarray:
    """RD New coordinates (n × 2, metres) of point addresses.

    Uses the geometry when present (reprojected to EPSG:28992 when it has another CRS),
    otherwise the ``x`` and ``y`` columns.
    """
    if isinstance(addresses, gpd.GeoDataFrame) and addresses._geometry_column_name in addresses:
        geom = addresses.geometry
        if geom.crs is not None and geom.crs.to_epsg() != 28992:
            geom = geom.to_crs(28992)
        return np.column_stack([geom.x.to_numpy(float), geom.y.to_numpy(float)])
    return addresses[["x", "y"]].to_numpy(float)


def _same_building_pairs(codes: np.ndarray) -> np.ndarray:
    """All unordered position pairs (i < j) of addresses with the same pand code (>= 0)."""
    idx = np.flatnonzero(codes >= 0)
    if idx.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    order = idx[np.argsort(codes[idx], kind="stable")]
    groups = codes[order]
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    sizes = np.diff(np.r_[starts, order.size])
    parts = []
    for size in np.unique(sizes[sizes > 1]):  # all groups of one size at once
        members = order[starts[sizes == size][:, None] + np.arange(size)]
        a, b = np.triu_indices(size, k=1)
        parts.append(np.column_stack([members[:, a].ravel(), members[:, b].ravel()]))
    if not parts:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(parts).astype(np.int64)
    return np.sort(pairs, axis=1)


def neighbour_pairs(addresses: pd.DataFrame, *, distance: float = NEIGHBOUR_DISTANCE) -> pd.DataFrame:
    """Unique unordered neighbour pairs of addresses.

    Two addresses are neighbours when their points are at most ``distance`` metres apart
    or when they share a ``pand_id``.

    Parameters
    ----------
    addresses
        Point addresses (GeoDataFrame in any CRS, or a frame with RD ``x``/``y``).
    distance
        Neighbour distance in metres (>= 0).

    Returns
    -------
    pandas.DataFrame
        Columns ``i``, ``j`` (row positions, always ``i < j``; each pair once),
        ``afstand_m`` (float, metres) and ``zelfde_pand`` (bool); in no particular order.
    """
    if distance < 0 or not np.isfinite(distance):
        raise ValueError(f"distance must be a finite number >= 0, got {distance!r}")
    n = len(addresses)
    if n < 2:
        return _empty_pairs()
    xy = address_coordinates(addresses)
    x, y = np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1])
    near = np.asarray(cKDTree(xy).query_pairs(r=float(distance), output_type="ndarray"), dtype=np.int64)
    near = near.reshape(-1, 2)  # query_pairs gives i < j already
    if "pand_id" in addresses.columns:
        pand_codes = pd.factorize(addresses["pand_id"].astype("string"), use_na_sentinel=True)[0]
        pand = _same_building_pairs(pand_codes)
    else:
        pand_codes = np.full(n, -1, dtype=np.int64)
        pand = np.empty((0, 2), dtype=np.int64)
    # add the same-pand pairs the KD-tree did not find (farther apart than distance)
    pd_dist = np.hypot(x[pand[:, 0]] - x[pand[:, 1]], y[pand[:, 0]] - y[pand[:, 1]])
    eps = 1e-9 * max(1.0, distance)
    extra = pand[pd_dist > distance + eps]
    edge = pand[np.abs(pd_dist - distance) <= eps]  # rounding may go either way: look up
    if edge.size:
        found = np.isin(edge[:, 0] * n + edge[:, 1], near[:, 0] * n + near[:, 1])
        extra = np.concatenate([extra, edge[~found]])
    i = np.concatenate([near[:, 0], extra[:, 0]])
    j = np.concatenate([near[:, 1], extra[:, 1]])
    # in place: each temporary over millions of pairs costs a fresh allocation
    other = x[j]
    dx = x[i]
    dx -= other
    dy = y[i]
    dy -= np.take(y, j, out=other)
    d = np.hypot(dx, dy, out=dx)
    pi = pand_codes[i]
    same = pi == pand_codes[j]
    same &= pi >= 0
    return pd.DataFrame({"i": i, "j": j, "afstand_m": d, "zelfde_pand": same}, copy=False)


def _empty_pairs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "i": np.empty(0, np.int64),
            "j": np.empty(0, np.int64),
            "afstand_m": np.empty(0, float),
            "zelfde_pand": np.empty(0, bool),
        }
    )
