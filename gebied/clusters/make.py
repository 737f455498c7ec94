"""Treintjes: split the programme per area into contiguous clusters of ``min``–``max`` homes.

Hard rules (see ``docs/opdrachten/cluster.md``): a cluster lies within one value of the area
column; a building (``pand_id``) is never split; a cluster is one connected piece of the
Delaunay graph of the population within its area; sizes lie within [min, max], except
``te_klein`` (the whole area is smaller than min, or no neighbouring cluster can take the
cluster in without exceeding max) and ``groot_pand`` (one building above max).
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix

from gebied.clusters.check import check_clusters
from gebied.clusters.graph import (
    AreaGraph,
    area_graphs,
    effective_area,
    population_mask,
    rounded_xy,
)
from gebied.clusters.level import planning_level
from gebied.clusters.partition import UnitGraph, partition
from gebied.clusters.summary import summarize_clusters
from gebied.codes import MAX_CLUSTER_SIZE, MIN_CLUSTER_SIZE, TARGET_CLUSTER_SIZE
from gebied.errors import GebiedError, GebiedWarning
from gebied.frames import mode_per_group, require_column, text_column

__all__ = ["check_clusters", "make_clusters", "planning_level", "summarize_clusters"]

STATUS_NORMAAL = "normaal"
STATUS_TE_KLEIN = "te_klein"
STATUS_GROOT_PAND = "groot_pand"


def check_sizes(min_size: int, max_size: int) -> None:
    """Raise a Dutch GebiedError for inconsistent size options."""
    if min_size < 1:
        raise GebiedError(f"--min moet minstens 1 zijn (gekregen: {min_size})")
    if max_size < min_size:
        raise GebiedError(f"--max ({max_size}) moet minstens gelijk zijn aan --min ({min_size})")


def _codes(values: pd.Series) -> np.ndarray:
    """Integer codes of a text column, -1 for NA."""
    return pd.factorize(values, use_na_sentinel=True)[0]


def _unit_mode(codes: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    """Most common non-negative code per group (-1 when none)."""
    ok = codes >= 0
    out = np.full(n, -1, dtype=np.int64)
    if not ok.any():
        return out
    first = mode_per_group(codes[ok], groups[ok])
    out[first.index.to_numpy()] = first.to_numpy()
    return out


def unit_graph(
    ag: AreaGraph, xy: np.ndarray, street: np.ndarray, typ: np.ndarray, p50: np.ndarray
) -> tuple[UnitGraph, np.ndarray]:
    """Contract an area graph to its building units; returns the graph and unit per row."""
    n = ag.n_units
    unit_of_row = ag.unit[ag.loc]
    w = np.bincount(unit_of_row, minlength=n)
    sx = np.bincount(unit_of_row, weights=xy[:, 0], minlength=n) / w
    sy = np.bincount(unit_of_row, weights=xy[:, 1], minlength=n) / w
    e = ag.unit[ag.edges] if len(ag.edges) else np.empty((0, 2), dtype=np.int64)
    e = e[e[:, 0] != e[:, 1]]
    e = np.unique(np.sort(e, axis=1), axis=0) if len(e) else e
    rows = np.r_[e[:, 0], e[:, 1]]
    cols = np.r_[e[:, 1], e[:, 0]]
    adj = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n)).tocsr()
    adj.sum_duplicates()
    g = UnitGraph(
        w=w,
        xy=np.column_stack([sx, sy]),
        street=_unit_mode(street, unit_of_row, n),
        typ=_unit_mode(typ, unit_of_row, n),
        p50=np.bincount(unit_of_row, weights=p50.astype(float), minlength=n),
        adj=adj,
    )
    return g, unit_of_row


def _part_order(g: UnitGraph, parts: list[np.ndarray]) -> list[np.ndarray]:
    """Order parts north to south, then west to east, for readable numbering."""
    keys = []
    for p in parts:
        c = (g.xy[p] * g.w[p, None]).sum(axis=0) / g.w[p].sum()
        keys.append((-round(float(c[1]), -1), float(c[0])))
    return [parts[i] for i in sorted(range(len(parts)), key=lambda i: keys[i])]


def make_clusters(
    addresses: gpd.GeoDataFrame,
    *,
    area_column: str,
    min_size: int = MIN_CLUSTER_SIZE,
    max_size: int = MAX_CLUSTER_SIZE,
    target_size: int = TARGET_CLUSTER_SIZE,
    include_all: bool = False,
) -> gpd.GeoDataFrame:
    """Form treintjes: contiguous clusters of ``min_size``–``max_size`` addresses per area.

    Parameters
    ----------
    addresses
        Validated addresses (EPSG:28992) with the area column, e.g. from ``join_areas``.
    area_column
        Column whose values bound the clusters (e.g. ``buurt_code`` or ``woonplaats``).
    min_size, max_size
        Hard size bounds of a cluster (in addresses).
    target_size
        Preferred size (clipped to [min_size, max_size]); a piece of the area is split into
        about its size / target clusters.
    include_all
        Cluster all addresses, not only those in the programme (``ncg_fase`` set, not gereed).

    Returns
    -------
    geopandas.GeoDataFrame
        The input with ``cluster_id`` (``<areacode>-C01`` …; NA outside the population) and
        ``cluster_status`` (``normaal``, ``te_klein``, ``groot_pand``; NA outside).
    """
    check_sizes(min_size, max_size)
    target_size = min(max(target_size, min_size), max_size)
    require_column(addresses, area_column)
    out = addresses.copy()
    for col in ("cluster_id", "cluster_status"):
        if col in out.columns:
            out = out.drop(columns=col)
    cluster_id = np.full(len(out), None, dtype=object)
    status = np.full(len(out), None, dtype=object)

    in_pop = population_mask(out, area_column=area_column, include_all=include_all)
    fase_ok = (
        np.ones(len(out), dtype=bool)
        if include_all
        else (text_column(out, "ncg_fase").notna() & (text_column(out, "ncg_fase") != "gereed"))
        .fillna(False)
        .to_numpy(dtype=bool)
    )
    no_area = int((fase_ok & ~in_pop).sum())
    if no_area:
        warnings.warn(
            GebiedWarning(
                f"{no_area} adres(sen) zonder waarde in kolom '{area_column}' krijgen geen cluster"
            ),
            stacklevel=2,
        )
    pop = np.flatnonzero(in_pop)
    if len(pop):
        area = text_column(out, area_column).iloc[pop].reset_index(drop=True)
        pand = text_column(out, "pand_id").iloc[pop].reset_index(drop=True)
        eff, straddling = effective_area(area, pand)
        if straddling:
            warnings.warn(
                GebiedWarning(
                    f"{straddling} pand(en) liggen in meer dan één gebied van '{area_column}'; "
                    "elk pand gaat in zijn geheel mee met het gebied van de meeste adressen"
                ),
                stacklevel=2,
            )
        sub = out.iloc[pop]
        xy = rounded_xy(sub.geometry)
        street = _codes(text_column(sub, "straat"))
        typ = _codes(text_column(sub, "typologie"))
        p50 = (text_column(sub, "risicoprofiel") == "P50").fillna(False).to_numpy(dtype=bool)
        for code, ag in area_graphs(xy, eff, pand).items():
            r = ag.rows
            g, unit_of_row = unit_graph(ag, xy[r], street[r], typ[r], p50[r])
            parts = _part_order(
                g, partition(g, min_size=min_size, max_size=max_size, target=target_size)
            )
            width = max(2, len(str(len(parts))))
            part_of_unit = np.empty(g.n, dtype=np.int64)
            labels = []
            for i, p in enumerate(parts):
                part_of_unit[p] = i
                size = int(g.w[p].sum())
                if size > max_size:
                    labels.append(STATUS_GROOT_PAND)
                elif size < min_size:
                    labels.append(STATUS_TE_KLEIN)
                else:
                    labels.append(STATUS_NORMAAL)
            part_of_row = part_of_unit[unit_of_row]
            ids = np.array([f"{code}-C{i + 1:0{width}d}" for i in range(len(parts))], dtype=object)
            cluster_id[pop[r]] = ids[part_of_row]
            status[pop[r]] = np.array(labels, dtype=object)[part_of_row]
    out["cluster_id"] = pd.array(cluster_id, dtype="string")
    out["cluster_status"] = pd.array(status, dtype="string")
    return out
