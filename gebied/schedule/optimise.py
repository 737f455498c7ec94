"""Unit orders of the strategies and the candidate plans of ``plan``.

Every strategy is a greedy list schedule (:func:`gebied.schedule.greedy.pack`) of its
units in an order:

``risico``
    address by address: risicoprofiel, then batch, then adres_id.
``gebied``
    whole clusters, areas with the highest P50 share first, clusters in id order.
``plan``
    compact parts of clusters in the order of :func:`grow_order`: region growing that
    mixes P50 density (safety) with ties to neighbours already planned or already gereed
    (equality), finishing started clusters first.
"""

from __future__ import annotations

import heapq

import numpy as np
import pandas as pd
from scipy import sparse

from gebied.schedule.greedy import Units
from gebied.schedule.model import Population


def strategy_order(strategy: str, pop: Population, units: Units, addresses: pd.DataFrame, gebied_of: dict[str, str]) -> np.ndarray:
    """Unit order of the greedy list schedule of ``risico``, ``gebied`` or plain ``plan``."""
    nu = len(units.load)
    if nu == 0:
        return np.zeros(0, np.int64)
    if strategy == "risico":
        first = np.array([m[0] for m in units.members], dtype=np.int64)
        ids = addresses["adres_id"].astype(str).to_numpy()[pop.index[first]]
        return np.lexsort((ids, pop.batch[first].astype(str), pop.risk_rank[first]))
    frame = pd.DataFrame({"u": np.arange(nu), "cluster": units.cluster, "p50": units.p50, "n": units.size})
    frame["gebied"] = [gebied_of.get(c, "") for c in units.cluster]
    if strategy == "gebied":
        area = frame.groupby("gebied")[["p50", "n"]].sum()
        frame = frame.join((area["p50"] / area["n"]).rename("area_share"), on="gebied")
        frame = frame.sort_values(["area_share", "gebied", "cluster", "u"], ascending=[False, True, True, True])
        return frame["u"].to_numpy()
    cl = frame.groupby("cluster")[["p50", "n"]].sum()
    frame = frame.join((cl["p50"] / cl["n"]).rename("cl_share"), on="cluster")
    frame["share"] = frame["p50"] / frame["n"]
    frame = frame.sort_values(["cl_share", "cluster", "share", "u"], ascending=[False, True, False, True])
    return frame["u"].to_numpy()


def unit_graph(units: Units, pairs: np.ndarray, done: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Neighbour pairs between units as a symmetric sparse count matrix, and per unit the
    number of pairs with an address already gereed (``done``)."""
    nu = len(units.load)
    ui, uj = units.of[pairs[:, 0]], units.of[pairs[:, 1]]
    both = (ui >= 0) & (uj >= 0) & (ui != uj)
    a, b = ui[both], uj[both]
    w = sparse.coo_matrix((np.ones(2 * len(a)), (np.r_[a, b], np.r_[b, a])), shape=(nu, nu)).tocsr()
    w.sum_duplicates()
    anchor = np.zeros(nu)
    for x, other in ((ui, pairs[:, 1]), (uj, pairs[:, 0])):
        m = (x >= 0) & done[other]
        np.add.at(anchor, x[m], 1.0)
    return w, anchor


def grow_order(units: Units, w: sparse.csr_matrix, anchor: np.ndarray, *, weight: float, anchored: bool = True) -> np.ndarray:
    """Greedy region growing: repeatedly take the unit with the best mix of P50 density
    (safety, ``weight``) and ties to units already taken or to addresses already gereed
    (equality, with ``anchored``), finishing started clusters first.

    Returns the unit order.
    """
    nu = len(units.load)
    if nu == 0:
        return np.zeros(0, np.int64)
    anchor = anchor if anchored else np.zeros(nu)
    deg = np.maximum(np.asarray(w.sum(axis=1)).ravel() + anchor, 1)
    dens = units.p50 / np.maximum(units.size, 1)
    _codes, cl = np.unique(units.cluster, return_inverse=True)
    by_cluster = np.split(np.argsort(cl, kind="stable"), np.flatnonzero(np.diff(np.sort(cl))) + 1)
    started = np.zeros(cl.max() + 1, bool)
    link = anchor.astype(float).copy()
    base = 2 * weight * dens
    rest = 1 - weight

    def value(u: int) -> float:
        return float(base[u] + rest * (link[u] / deg[u] + started[cl[u]]))

    # Scores only grow, so a max-heap with lazy deletion finds the argmax (ties: lowest u).
    heap = [(-value(u), u) for u in range(nu)]
    heapq.heapify(heap)
    free = np.ones(nu, bool)
    order = np.empty(nu, dtype=np.int64)
    indptr, indices, data = w.indptr, w.indices, w.data
    k = 0
    while k < nu:
        neg, u = heapq.heappop(heap)
        if not free[u] or -neg != value(u):
            continue
        order[k] = u
        k += 1
        free[u] = False
        touched = []
        if not started[cl[u]]:
            started[cl[u]] = True
            touched.extend(by_cluster[cl[u]].tolist())
        lo, hi = indptr[u], indptr[u + 1]
        link[indices[lo:hi]] += data[lo:hi]
        touched.extend(indices[lo:hi].tolist())
        for v in touched:
            if free[v]:
                heapq.heappush(heap, (-value(v), v))
    return order
