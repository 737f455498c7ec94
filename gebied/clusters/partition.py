"""Partition the building units of one area into contiguous parts within [min, max].

The graph is a unit graph (CSR adjacency); every function returns parts as lists of unit
indices. The steps are: peel compact regions of about the target size from the edge of each
connected piece (each region grown along the graph, so it is contiguous), merge parts below
the minimum into a neighbour when that stays within the maximum, and smooth the borders by
moving units to the part that holds most of their neighbours.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

#: Weight bonus of a graph edge between units on the same street / of the same typology.
STREET_BONUS = 0.5
TYPOLOGY_BONUS = 0.25


@dataclass
class UnitGraph:
    """Units of one area with their weights, centroids, attributes and adjacency."""

    w: np.ndarray  # addresses per unit
    xy: np.ndarray  # weighted centroid per unit
    street: np.ndarray  # street code per unit (-1 unknown)
    typ: np.ndarray  # typology code per unit (-1 unknown)
    p50: np.ndarray  # P50 addresses per unit
    adj: csr_matrix  # symmetric 0/1 adjacency

    @property
    def n(self) -> int:
        return len(self.w)

    def neighbours(self, u: int) -> np.ndarray:
        return self.adj.indices[self.adj.indptr[u] : self.adj.indptr[u + 1]]


def _pieces(g: UnitGraph, nodes: np.ndarray) -> list[np.ndarray]:
    """Connected pieces of the subgraph induced by ``nodes``."""
    if len(nodes) <= 1:
        return [nodes] if len(nodes) else []
    sub = g.adj[nodes][:, nodes]
    k, labels = connected_components(sub, directed=False)
    if k == 1:
        return [nodes]
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    return [nodes[part] for part in np.split(order, cuts)]


def _grow(g: UnitGraph, nodes: np.ndarray, in_set: np.ndarray, goal: float, min_size: int,
          max_size: int) -> np.ndarray:
    """Grow a contiguous region of about ``goal`` addresses from the edge of ``nodes``."""
    w = g.w
    pts = g.xy[nodes]
    centre = (pts * w[nodes, None]).sum(axis=0) / w[nodes].sum()
    seed = int(nodes[np.argmax(((pts - centre) ** 2).sum(axis=1))])
    sx, sy = g.xy[seed]
    s_street, s_typ = g.street[seed], g.typ[seed]
    heap: list[tuple[float, int]] = [(0.0, seed)]
    seen = {seed}
    region: list[int] = []
    size = 0
    while heap:
        _, u = heapq.heappop(heap)
        wu = int(w[u])
        if size + wu > max_size:
            continue
        if size >= min_size and size + wu > goal and (size + wu - goal) > (goal - size):
            break
        region.append(u)
        size += wu
        if size >= goal:
            break
        for v in g.neighbours(u):
            v = int(v)
            if in_set[v] and v not in seen:
                seen.add(v)
                d = math.hypot(g.xy[v, 0] - sx, g.xy[v, 1] - sy)
                factor = 1.0
                if s_street >= 0 and g.street[v] == s_street:
                    factor -= 0.25
                if s_typ >= 0 and g.typ[v] == s_typ:
                    factor -= 0.1
                heapq.heappush(heap, (d * factor, v))
    return np.array(region, dtype=np.int64)


def split_units(g: UnitGraph, *, min_size: int, max_size: int, target: int) -> list[np.ndarray]:
    """First partition: buildings above the maximum alone, the rest peeled into regions."""
    w = g.w
    big = np.flatnonzero(w > max_size)
    parts: list[np.ndarray] = [np.array([u]) for u in big]
    rest = np.flatnonzero(w <= max_size)
    queue = _pieces(g, rest)
    in_set = np.zeros(g.n, dtype=bool)
    while queue:
        nodes = queue.pop()
        total = int(w[nodes].sum())
        lo = math.ceil(total / max_size)
        hi = max(lo, total // max(min_size, 1))
        k = min(max(round(total / target), lo), hi)
        if k <= 1:
            parts.append(nodes)
            continue
        in_set[nodes] = True
        region = _grow(g, nodes, in_set, total / k, min_size, max_size)
        in_set[nodes] = False
        if len(region) == 0:  # cannot happen: every unit fits within max
            parts.append(nodes)
            continue
        mask = np.ones(len(nodes), dtype=bool)
        mask[np.searchsorted(np.sort(nodes), region)] = False
        remaining = np.sort(nodes)[mask]
        size = int(w[region].sum())
        keep = [region]
        for piece in sorted(_pieces(g, remaining), key=lambda p: int(w[p].sum())):
            pw = int(w[piece].sum())
            if pw < min_size and size + pw <= max_size:
                keep.append(piece)
                size += pw
            else:
                queue.append(piece)
        parts.append(np.concatenate(keep))
    return parts


class _Parts:
    """Mutable partition with sizes, centroids and part adjacency."""

    def __init__(self, g: UnitGraph, parts: list[np.ndarray]) -> None:
        self.g = g
        self.label = np.empty(g.n, dtype=np.int64)
        for i, p in enumerate(parts):
            self.label[p] = i
        self.members = [set(map(int, p)) for p in parts]
        self.size = np.array([int(g.w[p].sum()) for p in parts], dtype=np.int64)
        self.sum_xy = np.array([(g.xy[p] * g.w[p, None]).sum(axis=0) for p in parts])
        self.alive = np.ones(len(parts), dtype=bool)
        coo = g.adj.tocoo()
        a, b = self.label[coo.row], self.label[coo.col]
        self.nbrs = [set() for _ in parts]
        for x, y in zip(a[a != b].tolist(), b[a != b].tolist()):
            self.nbrs[x].add(y)

    def centroid(self, p: int) -> np.ndarray:
        return self.sum_xy[p] / self.size[p]

    def merge(self, p: int, q: int) -> None:
        """Merge part p into part q."""
        for u in self.members[p]:
            self.label[u] = q
        self.members[q] |= self.members[p]
        self.members[p] = set()
        self.size[q] += self.size[p]
        self.sum_xy[q] += self.sum_xy[p]
        self.alive[p] = False
        for r in self.nbrs[p]:
            self.nbrs[r].discard(p)
            if r != q:
                self.nbrs[r].add(q)
                self.nbrs[q].add(r)
        self.nbrs[q].discard(p)
        self.nbrs[p] = set()

    def merge_small(self, min_size: int, max_size: int) -> None:
        """Merge parts below ``min_size`` into the nearest neighbour that keeps ≤ max."""
        heap = [(int(s), p) for p, s in enumerate(self.size) if s < min_size]
        heapq.heapify(heap)
        while heap:
            s, p = heapq.heappop(heap)
            if not self.alive[p] or self.size[p] != s or s >= min_size:
                continue
            fits = [q for q in self.nbrs[p] if self.size[q] + s <= max_size]
            if not fits:
                continue
            c = self.centroid(p)
            q = min(fits, key=lambda q: (float(((self.centroid(q) - c) ** 2).sum()), q))
            self.merge(p, q)
            if self.size[q] < min_size:
                heapq.heappush(heap, (int(self.size[q]), q))

    def _edge_weight(self, u: int, v: int) -> float:
        g = self.g
        wt = 1.0
        if g.street[u] >= 0 and g.street[u] == g.street[v]:
            wt += STREET_BONUS
        if g.typ[u] >= 0 and g.typ[u] == g.typ[v]:
            wt += TYPOLOGY_BONUS
        return wt

    def _stays_connected(self, p: int, u: int) -> bool:
        rest = self.members[p] - {u}
        if not rest:
            return False
        start = next(iter(rest))
        seen = {start}
        stack = [start]
        while stack:
            x = stack.pop()
            for y in self.g.neighbours(x):
                y = int(y)
                if y in rest and y not in seen:
                    seen.add(y)
                    stack.append(y)
        return len(seen) == len(rest)

    def refine(self, min_size: int, max_size: int, passes: int = 3) -> int:
        """Move border units to the part holding most of their neighbours (P50 first)."""
        g = self.g
        moved = 0
        order = np.lexsort((np.arange(g.n), -g.p50))
        for _ in range(passes):
            changed = 0
            for u in order.tolist():
                a = int(self.label[u])
                nb = g.neighbours(u)
                if len(nb) == 0 or (self.label[nb] == a).all():
                    continue
                score: dict[int, float] = {}
                for v in nb.tolist():
                    lv = int(self.label[v])
                    score[lv] = score.get(lv, 0.0) + self._edge_weight(u, v)
                best = max(score, key=lambda k: (score[k], -k))
                wu = int(g.w[u])
                if (
                    best == a
                    or score[best] <= score.get(a, 0.0)
                    or self.size[best] + wu > max_size
                    or self.size[a] - wu < min_size
                    or not self._stays_connected(a, u)
                ):
                    continue
                self._move(u, a, best)
                changed += 1
            moved += changed
            if not changed:
                break
        return moved

    def _move(self, u: int, a: int, b: int) -> None:
        g = self.g
        self.label[u] = b
        self.members[a].discard(u)
        self.members[b].add(u)
        self.size[a] -= g.w[u]
        self.size[b] += g.w[u]
        self.sum_xy[a] -= g.xy[u] * g.w[u]
        self.sum_xy[b] += g.xy[u] * g.w[u]
        for p in (a, b):  # recompute the neighbour sets of the two parts
            for r in self.nbrs[p]:
                self.nbrs[r].discard(p)
            labels = {int(self.label[v]) for x in self.members[p] for v in g.neighbours(x)}
            labels.discard(p)
            self.nbrs[p] = labels
            for r in labels:
                self.nbrs[r].add(p)

    def result(self) -> list[np.ndarray]:
        return [np.array(sorted(self.members[p]), dtype=np.int64) for p in np.flatnonzero(self.alive)]


def partition(g: UnitGraph, *, min_size: int, max_size: int, target: int) -> list[np.ndarray]:
    """Partition the units of one area; see the module docstring.

    Guarantees: every part is connected in the unit graph; a part above ``max_size`` is one
    unit; a part below ``min_size`` has no neighbouring part it could join within
    ``max_size``.
    """
    if g.n == 0:
        return []
    parts = _Parts(g, split_units(g, min_size=min_size, max_size=max_size, target=target))
    parts.merge_small(min_size, max_size)
    if parts.refine(min_size, max_size):
        parts.merge_small(min_size, max_size)
    return parts.result()
