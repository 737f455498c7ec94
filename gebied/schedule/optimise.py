"""The ``plan`` strategy: greedy warm start, just-in-time retiming, CP-SAT per gemeente."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from gebied.neighbours import neighbour_pairs
from gebied.schedule.cpsat import improve, unit_edges
from gebied.schedule.greedy import (
    Groups,
    Units,
    check_groups,
    cluster_attribute,
    pack,
    retime_late,
)
from gebied.schedule.model import Population

#: Units above which the model is split per gemeente (capacity shared by workload).
MAX_JOINT_UNITS = 400


def grow_order(units: Units, edges: np.ndarray, counts: np.ndarray, *, weight: float) -> np.ndarray:
    """Greedy region growing: repeatedly take the unit with the best mix of P50 density
    (safety, ``weight``) and ties to units already taken (equality), finishing started
    clusters first. Returns the unit order."""
    nu = len(units.load)
    if nu == 0:
        return np.zeros(0, np.int64)
    w = np.zeros((nu, nu))
    w[edges[:, 0], edges[:, 1]] = counts
    w[edges[:, 1], edges[:, 0]] = counts
    deg = np.maximum(w.sum(axis=1), 1)
    dens = units.p50 / np.maximum(units.size, 1)
    codes, cl = np.unique(units.cluster, return_inverse=True)
    started = np.zeros(len(codes), bool)
    link = np.zeros(nu)
    taken = np.zeros(nu, bool)
    order = []
    for _ in range(nu):
        score = 2 * weight * dens + (1 - weight) * (link / deg + started[cl])
        score[taken] = -np.inf
        u = int(np.argmax(score))
        order.append(u)
        taken[u] = True
        started[cl[u]] = True
        link += w[u]
    return np.array(order, dtype=np.int64)


def _feasible(units: Units, plan: np.ndarray, cap: np.ndarray, groups: Groups) -> bool:
    needs = units.load > 0
    for s in range(3):
        used = np.bincount(plan[needs[:, s], s], weights=units.load[needs[:, s], s], minlength=len(cap) + 1)
        if len(used) > len(cap) + 1 or (used[1:] > cap[: len(used) - 1, s]).any():
            return False
    for a, b in ((0, 1), (1, 2), (0, 2)):
        both = needs[:, a] & needs[:, b]
        if (plan[both, b] <= plan[both, a]).any():
            return False
    return check_groups(units, plan, groups)


def _gemeente(addresses: pd.DataFrame, clusters: pd.DataFrame | None, pop: Population, units: Units) -> np.ndarray:
    of = cluster_attribute(addresses, clusters, pop, "gemeente_code")
    return np.array([of.get(c, "") for c in units.cluster], dtype=object)


def optimise(
    addresses: pd.DataFrame,
    clusters: pd.DataFrame | None,
    pop: Population,
    units: Units,
    plan: np.ndarray,
    cap: np.ndarray,
    groups: Groups,
    *,
    weight: float,
    seed: int,
    time_limit: float,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Improve a greedy unit plan; returns the plan and information on the solve."""
    t0 = time.perf_counter()
    info: dict[str, Any] = {}
    sub = addresses.iloc[pop.index]
    pairs = neighbour_pairs(sub, distance=50.0)[["i", "j"]].to_numpy(np.int64)
    done_at = np.where(pop.done, 0, 1).astype(float)
    edges, counts, anchor = unit_edges(units, pairs, done_at)
    grown = pack(units, grow_order(units, edges, counts, weight=weight), cap, groups)
    plan = grown
    jit = retime_late(units, plan, cap)
    if _feasible(units, jit, cap, groups):
        plan = jit
    if time_limit <= 0:
        info["solver"] = "GRETIG"
        return plan, info
    common = dict(
        n_pairs=len(pairs), n_all=len(pop.index), n_p50=int(pop.p50.sum()), weight=weight, seed=seed,
    )
    gm = _gemeente(addresses, clusters, pop, units)
    names = pd.unique(gm)
    grouped = [g for g, us in enumerate(groups.units) if groups.start[g] or groups.prioriteit[g]]
    if len(units.load) <= MAX_JOINT_UNITS or len(names) == 1 or grouped:
        parts = [np.arange(len(units.load))]
    else:
        parts = [np.flatnonzero(gm == n) for n in names]
    statuses = []
    out = plan.copy()
    for k, us in enumerate(parts):
        # a deterministic budget (not the wall clock) keeps equal inputs giving equal plans
        budget = max(0.5, time_limit / len(parts))
        if len(parts) == 1:
            share_cap = cap
        else:
            share_cap = _share(units, us, plan, cap)
        sub_units, sub_plan, sub_groups, remap = _restrict(units, us, plan, groups)
        e_mask = np.isin(edges[:, 0], us) & np.isin(edges[:, 1], us)
        sub_edges = np.c_[remap[edges[e_mask, 0]], remap[edges[e_mask, 1]]].reshape(-1, 2)
        # pairs to other parts count as anchors at their greedy completion
        sub_anchor = anchor[us].copy()
        for col_a, col_b in ((0, 1), (1, 0)):
            cross = np.isin(edges[:, col_a], us) & ~np.isin(edges[:, col_b], us)
            np.add.at(sub_anchor[:, 0], remap[edges[cross, col_a]], counts[cross])
        new, status = improve(
            sub_units, sub_plan, share_cap, sub_groups, edges=sub_edges, edge_counts=counts[e_mask],
            anchor=sub_anchor, time_limit=budget, **common,
        )
        statuses.append(status)
        out[us] = new
    if _feasible(units, out, cap, groups):
        plan = out
    else:
        statuses.append("TERUGVAL_GRETIG")
    info["solver"] = ",".join(statuses)
    info["deelmodellen"] = len(parts)
    info["rekentijd_s"] = round(time.perf_counter() - t0, 2)
    return plan, info


def _share(units: Units, us: np.ndarray, plan: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Capacity share of a part: proportional to its workload, never below what the
    greedy plan already uses per period (so the warm start stays feasible)."""
    total = np.maximum(units.load.sum(axis=0), 1)
    part = units.load[us].sum(axis=0)
    needs_all = units.load > 0
    share = np.zeros_like(cap)
    slack = cap.copy()
    for s in range(3):
        used_all = np.bincount(plan[needs_all[:, s], s], weights=units.load[needs_all[:, s], s], minlength=len(cap) + 1)[1:]
        slack[:, s] -= used_all[: len(cap)].astype(np.int64)
        m = needs_all[us, s]
        used = np.bincount(plan[us][m, s], weights=units.load[us][m, s], minlength=len(cap) + 1)[1:]
        share[:, s] = used[: len(cap)].astype(np.int64)
    share += np.floor(np.maximum(slack, 0) * (part / total)).astype(np.int64)
    return share


def _restrict(units: Units, us: np.ndarray, plan: np.ndarray, groups: Groups):
    remap = np.full(len(units.load), -1)
    remap[us] = np.arange(len(us))
    sub = Units(
        of=np.zeros(0, np.int64),
        load=units.load[us],
        cluster=units.cluster[us],
        members=[units.members[u] for u in us],
        p50=units.p50[us],
        size=units.size[us],
        xy=units.xy[us],
    )
    sg = Groups()
    for g, gu in enumerate(groups.units):
        inside = remap[gu]
        inside = inside[inside >= 0]
        if len(inside):
            sg.units.append(inside)
            sg.start.append(groups.start[g])
            sg.prioriteit.append(groups.prioriteit[g])
            sg.names.append(groups.names[g])
    return sub, plan[us], sg, remap
