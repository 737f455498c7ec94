"""Units of work and greedy list scheduling under capacity.

A *unit* is a set of addresses that share their stage periods: a single address
(strategy ``risico``), a whole cluster (``gebied``), or a spatially compact part of a
cluster (``plan``). Units larger than the capacity of a period are split.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gebied.codes import STAGES
from gebied.errors import GebiedError, GebiedWarning
from gebied.frames import mode_per_group
from gebied.schedule.model import Population


@dataclass
class Units:
    """Units over a population: ``of`` maps population position → unit number."""

    of: np.ndarray
    load: np.ndarray
    cluster: np.ndarray
    members: list[np.ndarray]
    p50: np.ndarray
    size: np.ndarray
    xy: np.ndarray


@dataclass
class Groups:
    """Steering-group constraints over clusters: fixed starts and priorities.

    ``units[g]`` are the unit numbers of group g; ``start[g]`` a fixed start period or 0;
    ``prioriteit[g]`` an order number or 0.
    """

    units: list[np.ndarray] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    prioriteit: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


def _bisect(pos: np.ndarray, xy: np.ndarray, load: np.ndarray, size: int, cap_min: np.ndarray) -> list[np.ndarray]:
    """Split positions into spatially compact parts of at most ``size`` addresses and
    at most the smallest capacity per stage."""
    too_big = len(pos) > size or (load[pos].sum(axis=0) > cap_min).any()
    if not too_big or len(pos) <= 1:
        return [pos]
    pts = xy[pos]
    axis = int(np.argmax(pts.max(axis=0) - pts.min(axis=0)))
    order = pos[np.argsort(pts[:, axis], kind="stable")]
    half = len(order) // 2
    return _bisect(order[:half], xy, load, size, cap_min) + _bisect(order[half:], xy, load, size, cap_min)


def make_units(pop: Population, *, size: int | None, cap_min: np.ndarray, core: bool = False) -> Units:
    """Build units: single addresses (``size`` 1), whole clusters (``size`` None) or parts.

    With ``core`` each cluster is first split in its P50 core (the P50 addresses and the
    other addresses in their buildings) and the rest, each split in compact parts.

    Addresses with nothing left to do (already gereed, or no works after an assessment)
    form no unit (``of`` is -1).
    """
    n = len(pop.index)
    active = np.flatnonzero(pop.needs.any(axis=1))
    members: list[np.ndarray] = []
    if size == 1:
        members = [np.array([i]) for i in active]
    else:
        limit = size or np.iinfo(np.int64).max
        clusters = pop.cluster[active]
        order = np.argsort(clusters, kind="stable")
        sorted_c = clusters[order]
        cuts = np.flatnonzero(sorted_c[1:] != sorted_c[:-1]) + 1
        first_stage = np.argmax(pop.needs, axis=1)
        pieces = []
        for part in np.split(active[order], cuts):
            if core:  # units of one starting stage: the works queue can start at once
                pieces.extend(part[first_stage[part] == k] for k in range(3))
            else:
                pieces.append(part)
        for part in pieces:
            if not len(part):
                continue
            if core and pop.p50[part].any() and not pop.p50[part].all():
                pand = pop.pand[part]
                hot = pop.p50[part] | (np.isin(pand, pand[pop.p50[part]]) & (pand != ""))
                members.extend(_bisect(part[hot], pop.xy, pop.load, limit, cap_min))
                members.extend(_bisect(part[~hot], pop.xy, pop.load, limit, cap_min))
            else:
                members.extend(_bisect(part, pop.xy, pop.load, limit, cap_min))
    members = [m for m in members if len(m)]
    of = np.full(n, -1, dtype=np.int64)
    for u, m in enumerate(members):
        of[m] = u
    load = np.array([pop.load[m].sum(axis=0) for m in members], dtype=np.int64).reshape(-1, 3)
    return Units(
        of=of,
        load=load,
        cluster=np.array([pop.cluster[m[0]] for m in members], dtype=object),
        members=members,
        p50=np.array([int(pop.p50[m].sum()) for m in members], dtype=np.int64),
        size=np.array([len(m) for m in members], dtype=np.int64),
        xy=np.array([pop.xy[m].mean(axis=0) for m in members]).reshape(-1, 2),
    )


class HorizonError(GebiedError):
    """The plan does not fit within the capacity table's horizon (the caller may extend it)."""


_NO_ROOM = "de planning past niet binnen de horizon; verhoog de capaciteit"


class _Room:
    """Capacity left per stage and period (plain lists: fast for one unit at a time), with
    per stage the first period that still has any room, and per stage and need the first
    period that may still have room for it (room only shrinks, so these only move on)."""

    def __init__(self, cap: np.ndarray) -> None:
        self.left = [cap[:, s].tolist() for s in range(3)]
        self.horizon = len(cap)
        self.low = [0, 0, 0]
        self.first: list[dict[int, int]] = [{}, {}, {}]

    def first_fit(self, s: int, need: int) -> int:
        """First period index with room for ``need`` at stage ``s`` (the horizon if none)."""
        col = self.left[s]
        t = max(self.low[s], self.first[s].get(need, 0))
        while t < self.horizon and col[t] < need:
            t += 1
        self.first[s][need] = t
        return t

    def _advance(self, s: int) -> None:
        col, t = self.left[s], self.low[s]
        while t < self.horizon and col[t] <= 0:
            t += 1
        self.low[s] = t

    def take(self, s: int, t: int, need: int) -> None:
        """Use ``need`` at stage ``s`` in period index ``t`` (0-based)."""
        self.left[s][t] -= need
        if t == self.low[s]:
            self._advance(s)

    def fit(self, s: int, need: int, t: int) -> int:
        """First period index ≥ t (0-based) with room for ``need`` at stage ``s``."""
        col = self.left[s]
        t = max(t, self.first_fit(s, need))
        while t < self.horizon and col[t] < need:
            t += 1
        if t >= self.horizon:
            raise HorizonError(_NO_ROOM)
        return t

    def fit_chain(self, chain: list[int], need: np.ndarray, t: int, max_wait: int) -> list[int]:
        """Period indices for the stages ``chain`` of one unit: the first stage as early as
        possible from ``t`` such that each next stage follows within ``max_wait`` idle
        periods (0: consecutive periods, a treintje in flow)."""
        needs = [int(need[s]) for s in chain]
        cols = [self.left[s] for s in chain]
        span = len(chain)
        step = 1 if max_wait == 0 else max_wait + 1  # stage j lies at most j·step after the first
        t = max([t, *(self.first_fit(s, needs[j]) - j * step for j, s in enumerate(chain))])
        if max_wait == 0:
            while t + span <= self.horizon:
                for j in range(span):
                    if cols[j][t + j] < needs[j]:
                        break
                else:
                    return [t + j for j in range(span)]
                t += 1
            raise HorizonError(_NO_ROOM)

        def follow(j: int, lo: int) -> list[int] | None:
            if j == span:
                return []
            for u in range(lo, min(lo + max_wait + 1, self.horizon)):
                if cols[j][u] >= needs[j]:
                    rest = follow(j + 1, u + 1)
                    if rest is not None:
                        return [u, *rest]
            return None

        while t < self.horizon:
            if cols[0][t] >= needs[0]:
                rest = follow(1, t + 1)
                if rest is not None:
                    return [t, *rest]
            t += 1
        raise HorizonError(_NO_ROOM)


def pack(
    units: Units, order: np.ndarray, cap: np.ndarray, groups: Groups | None = None, *, max_wait: int | None = None
) -> np.ndarray:
    """Greedy list scheduling: each unit, in ``order``, gets for each stage it needs the
    first period with room, after its previous stage.

    With ``max_wait`` (flow, a treintje) a unit starts only when each next stage can follow
    within ``max_wait`` idle periods (0: in consecutive periods), so upstream stages are
    paced to the capacity downstream.

    Fixed group starts are placed first and exactly; a group's later units never start
    before its first unit; groups with a priority start in priority order.

    Returns
    -------
    numpy.ndarray
        (units, 3) period per stage, 0 where the unit does not need the stage.
    """
    room = _Room(cap)
    loads = units.load.tolist()
    periods = np.zeros((len(units.load), 3), dtype=np.int64)
    needs = units.load > 0
    done = np.zeros(len(units.load), dtype=bool)
    earliest = np.ones(len(units.load), dtype=np.int64)
    group_of = np.full(len(units.load), -1)
    groups = groups or Groups()
    for g, us in enumerate(groups.units):
        group_of[us] = g

    def place(u: int, first_at: int | None = None) -> None:
        load = loads[u]
        chain = [s for s in range(3) if load[s] > 0]
        t = int(earliest[u]) - 1  # period index, 0-based
        if max_wait is not None and first_at is None:
            for s, p in zip(chain, room.fit_chain(chain, units.load[u], t, max_wait)):
                room.take(s, p, load[s])
                periods[u, s] = p + 1
            done[u] = True
            return
        for s in chain:
            if first_at is not None:
                if first_at > room.horizon or room.left[s][first_at - 1] < load[s]:
                    raise GebiedError(
                        f"vaste startperiode {first_at} voor '{groups.names[group_of[u]]}' past niet: "
                        f"de {STAGES[s]}-capaciteit van die periode is al vol of te klein",
                        column="start_periode",
                    )
                t = first_at - 1
                first_at = None
            else:
                t = room.fit(s, load[s], t)
            room.take(s, t, load[s])
            periods[u, s] = t + 1
            t += 1
        done[u] = True

    group_start = {}
    # fixed starts first, at exactly their period
    position = {int(u): k for k, u in enumerate(order)}
    for g, us in enumerate(groups.units):
        if groups.start[g] and len(us):
            first = min(us, key=lambda u: position.get(int(u), 0))
            place(first, first_at=groups.start[g])
            group_start[g] = groups.start[g]
    # priorities: the units of prioritised groups go to the front, whole groups in priority
    # order, each in its own order (a steering group's "prioriteit 1" means: this cluster
    # goes first); the other units keep their order after them
    order = np.array(order, dtype=np.int64)
    rank = priority_rank(groups, order, group_of)
    if rank:
        order = order[np.argsort([rank.get(int(group_of[u]), len(rank)) for u in order], kind="stable")]
    for u in order:
        if done[u]:
            continue
        g = group_of[u]
        if g >= 0:
            bound = group_start.get(g, 1)
            if groups.prioriteit[g]:
                before = [group_start[h] for h in group_start if groups.prioriteit[h] and groups.prioriteit[h] < groups.prioriteit[g]]
                bound = max([bound, *before])
            earliest[u] = max(earliest[u], bound)
        place(u)
        if g >= 0 and g not in group_start:
            group_start[g] = int(periods[u][needs[u]].min())
    return periods


def priority_rank(groups: Groups, order: np.ndarray, group_of: np.ndarray) -> dict[int, int]:
    """Rank (0 first) of each prioritised group: by priority number, ties by the position of
    the group's first unit in ``order``."""
    first: dict[int, int] = {}
    for k, u in enumerate(order):
        g = int(group_of[u])
        if g >= 0 and groups.prioriteit[g] and g not in first:
            first[g] = k
    return {g: k for k, g in enumerate(sorted(first, key=lambda g: (groups.prioriteit[g], first[g])))}


def retime_late(units: Units, periods: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Move opname and beoordeling as late as possible before the unit's next stage
    (just in time, no stuwmeer), keeping capacity. Returns the input when it cannot."""
    needs = units.load > 0
    out = periods.copy()
    remaining = cap.copy()
    remaining[:, 2] -= np.bincount(out[needs[:, 2], 2] - 1, weights=units.load[needs[:, 2], 2], minlength=len(cap)).astype(np.int64)[: len(cap)]
    for s in (1, 0):
        todo = np.flatnonzero(needs[:, s])
        nxt = np.array([out[u, s + 1] if needs[u, s + 1] else 0 for u in todo])
        if not len(todo):
            continue
        if (nxt == 0).any():
            # units whose chain ends here keep their period
            keep = todo[nxt == 0]
            np.subtract.at(remaining[:, s], out[keep, s] - 1, units.load[keep, s])
            todo, nxt = todo[nxt > 0], nxt[nxt > 0]
        for k in np.argsort(-nxt, kind="stable"):
            u, deadline = todo[k], nxt[k] - 1
            col = remaining[:deadline, s]
            hits = np.flatnonzero(col >= units.load[u, s])
            if not len(hits):
                return periods
            t = int(hits[-1]) + 1
            remaining[t - 1, s] -= units.load[u, s]
            out[u, s] = t
    return out


def cluster_attribute(addresses: pd.DataFrame, clusters: pd.DataFrame | None, pop: Population, column: str) -> dict[str, str]:
    """Per cluster the value of ``column`` (``gebied_code``/``gemeente_code``)."""
    ids = pd.unique(pop.cluster)
    if clusters is not None and column in clusters.columns and "cluster_id" in clusters.columns:
        m = clusters.set_index(clusters["cluster_id"].astype(str))[column].astype("string")
        return {c: (str(m.get(c)) if pd.notna(m.get(c, pd.NA)) else "") for c in ids}
    if column in addresses.columns:
        vals = addresses[column].astype("string").iloc[pop.index].fillna("")
        first = mode_per_group(vals, pop.cluster)  # an empty value counts too ("" when most are empty)
        return {c: str(first.get(c, "")) for c in ids}
    if column == "gebied_code":
        return {c: (re.match(r"^(.*)-C\d+$", c).group(1) if re.match(r"^(.*)-C\d+$", c) else c) for c in ids}
    return {c: "" for c in ids}


def make_groups(fixed: pd.DataFrame | None, units: Units, gebied_of: dict[str, str]) -> Groups:
    """Steering-group input as unit groups (fixed start, priority order)."""
    groups = Groups()
    if fixed is None or fixed.empty:
        return groups
    key = "cluster_id" if "cluster_id" in fixed.columns else "gebied_code"
    unit_key = units.cluster if key == "cluster_id" else np.array([gebied_of.get(c, "") for c in units.cluster], dtype=object)
    for rec in fixed.to_dict("records"):
        ident = str(rec[key])
        us = np.flatnonzero(unit_key == ident)
        if not len(us):
            warnings.warn(GebiedWarning(f"vaste invoer: {key} '{ident}' (rij {rec.get('rij', '?')}) komt niet voor in de planning"), stacklevel=3)
            continue
        groups.units.append(us)
        groups.start.append(int(rec["start_periode"]) if pd.notna(rec.get("start_periode")) else 0)
        groups.prioriteit.append(int(rec["prioriteit"]) if pd.notna(rec.get("prioriteit")) else 0)
        groups.names.append(ident)
    return groups


def cluster_priorities(units: Units, groups: Groups) -> dict[str, int]:
    """Per cluster the steering group's priority (clusters without one are left out)."""
    return {str(c): p for us, p in zip(groups.units, groups.prioriteit) if p for c in units.cluster[us]}


def check_groups(units: Units, periods: np.ndarray, groups: Groups) -> bool:
    """Whether a unit plan keeps every fixed start period and the priority order: a group
    with a priority starts no later than a group with a larger number and, unless its own
    start is fixed, no later than any unit outside the prioritised and fixed groups."""
    first = np.where(periods > 0, periods, np.iinfo(np.int64).max).min(axis=1)
    outside = np.ones(len(periods), dtype=bool)
    starts = {}
    for g, us in enumerate(groups.units):
        outside[us] = False
        starts[g] = int(first[us].min())
        if groups.start[g] and starts[g] != groups.start[g]:
            return False
    rest = int(first[outside].min()) if outside.any() else np.iinfo(np.int64).max
    for g, sg in starts.items():
        pg = groups.prioriteit[g]
        if not pg:
            continue
        free = not groups.start[g]  # a fixed start period wins over the priority
        if free and sg > rest:
            return False
        for h, sh in starts.items():
            ph = groups.prioriteit[h]
            after = ph > pg or (free and not ph and not groups.start[h])
            if after and sg > sh:
                return False
    return True
