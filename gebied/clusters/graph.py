"""The neighbour graph behind the treintjes: population, areas, Delaunay graph, building units.

Shared by :func:`gebied.clusters.make_clusters` and :func:`gebied.clusters.check.check_clusters`
so that forming and checking a clustering use exactly the same rules.

Definitions (documented in ``docs/opdrachten/cluster.md``):

- *population*: addresses with ``ncg_fase`` set and not ``gereed`` (or all addresses), and a
  value in the area column;
- *effective area*: the area value of an address, except that all addresses of one
  ``pand_id`` take the most common area value of that building (a building is never split);
- *location*: the address point rounded to the millimetre; addresses at one location are one
  point of the graph;
- *graph*: per effective area, the Delaunay triangulation of the population's locations, plus
  links between the locations of one building (a building counts as one piece);
- *unit*: a connected group of locations linked by buildings; the indivisible block of
  clustering.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import Delaunay, QhullError

from gebied.errors import GebiedError
from gebied.frames import ranked_counts, require_column, text_column


def population_mask(
    addresses: pd.DataFrame, *, area_column: str, include_all: bool = False
) -> np.ndarray:
    """Boolean mask of the addresses that are to be clustered.

    Addresses in the programme (``ncg_fase`` set and not ``gereed``), or all addresses when
    ``include_all``; in both cases only addresses with a value in ``area_column``.
    """
    require_column(addresses, area_column)
    has_area = text_column(addresses, area_column).notna().to_numpy()
    if include_all:
        return has_area
    if "ncg_fase" not in addresses.columns:
        raise GebiedError(
            "kolom 'ncg_fase' ontbreekt, dus geen enkel adres zit in het programma; "
            "gebruik --alle om alle adressen te clusteren",
            column="ncg_fase",
        )
    fase = text_column(addresses, "ncg_fase")
    return (fase.notna() & (fase != "gereed")).fillna(False).to_numpy(dtype=bool) & has_area


def effective_area(area: pd.Series, pand: pd.Series) -> tuple[pd.Series, int]:
    """Area per address where every building takes its most common area value.

    Returns the effective areas and the number of buildings that straddled areas.
    """
    df = pd.DataFrame({"area": area.to_numpy(), "pand": pand.to_numpy()})
    counts = ranked_counts(df["area"], df["pand"])
    split = int((counts.groupby("key").size() > 1).sum())
    if split == 0:
        return area.copy(), 0
    majority = counts.drop_duplicates("key").set_index("key")["value"]
    out = df["pand"].map(majority)
    out = out.where(df["pand"].notna(), df["area"])
    return pd.Series(out.to_numpy(), index=area.index, dtype="string"), split


def rounded_xy(geometry) -> np.ndarray:
    """Point coordinates rounded to the millimetre (robust to CSV round trips)."""
    return np.round(np.column_stack([geometry.x.to_numpy(), geometry.y.to_numpy()]), 3)


def delaunay_edges(points: np.ndarray) -> np.ndarray:
    """Edges (E, 2) of the Delaunay triangulation of distinct points, lowest index first.

    Fewer than three points, or points on one line, are linked in order along the line.
    Points that Qhull leaves out (numerically coplanar) are linked to their nearest vertex.
    """
    n = len(points)
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    centred = points - points.mean(axis=0)
    sv = np.linalg.svd(centred, compute_uv=False)
    tri = None
    if n >= 3 and sv[1] > 1e-9 * max(sv[0], 1e-12):
        try:
            tri = Delaunay(centred)
        except QhullError:
            tri = None
    if tri is None:
        # Path along the principal axis (also for two points).
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        order = np.lexsort((points[:, 1], points[:, 0], centred @ vt[0]))
        edges = np.column_stack([order[:-1], order[1:]])
    else:
        s = tri.simplices
        edges = np.vstack([s[:, [0, 1]], s[:, [1, 2]], s[:, [0, 2]]])
        if len(tri.coplanar):
            edges = np.vstack([edges, tri.coplanar[:, [0, 2]]])
    edges = np.sort(edges, axis=1).astype(np.int64)
    return np.unique(edges, axis=0)


@dataclass
class AreaGraph:
    """The graph of one effective area.

    Attributes
    ----------
    rows
        Positions (in the full frame) of the area's population addresses.
    loc
        Location index per address in ``rows``.
    xy
        Coordinates per location.
    edges
        Location edges: Delaunay plus building links.
    unit
        Unit index per location.
    n_units
        Number of units.
    """

    rows: np.ndarray
    loc: np.ndarray
    xy: np.ndarray
    edges: np.ndarray
    unit: np.ndarray
    n_units: int


def building_links(loc: np.ndarray, pand: np.ndarray) -> np.ndarray:
    """Edges chaining the distinct locations of each building."""
    df = pd.DataFrame({"pand": pand, "loc": loc}).dropna(subset=["pand"]).drop_duplicates()
    if df.empty:
        return np.empty((0, 2), dtype=np.int64)
    df = df.sort_values(["pand", "loc"])
    p = df["pand"].to_numpy()
    l = df["loc"].to_numpy(dtype=np.int64)
    same = p[1:] == p[:-1]
    return np.column_stack([l[:-1][same], l[1:][same]])


def components(n: int, edges: np.ndarray) -> tuple[int, np.ndarray]:
    """Connected components of a graph on ``n`` nodes."""
    if n == 0:
        return 0, np.empty(0, dtype=np.int64)
    if len(edges) == 0:
        return n, np.arange(n)
    m = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    k, labels = connected_components(m, directed=False)
    return k, labels


def area_graphs(xy: np.ndarray, area: pd.Series, pand: pd.Series) -> dict[str, AreaGraph]:
    """Build the graph of every effective area.

    Parameters
    ----------
    xy
        Rounded coordinates of all rows.
    area
        Effective area per row (NA rows are skipped).
    pand
        ``pand_id`` per row (``string``, NA allowed).
    """
    out: dict[str, AreaGraph] = {}
    codes = area.to_numpy(dtype=object)
    valid = ~pd.isna(codes)
    pand_arr = pand.to_numpy(dtype=object)
    if not valid.any():
        return out
    idx = np.flatnonzero(valid)
    order = idx[np.argsort(codes[idx].astype(str), kind="stable")]
    sorted_codes = codes[order].astype(str)
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    ends = np.r_[starts[1:], len(order)]
    for s, e in zip(starts, ends):
        rows = np.sort(order[s:e])
        pts, loc = np.unique(xy[rows], axis=0, return_inverse=True)
        loc = loc.reshape(-1)
        links = building_links(loc, pand_arr[rows])
        n_units, unit = components(len(pts), links)
        edges = delaunay_edges(pts)
        if len(links):
            edges = np.unique(np.vstack([edges, np.sort(links, axis=1)]), axis=0)
        out[str(sorted_codes[s])] = AreaGraph(rows, loc, pts, edges, unit, n_units)
    return out
