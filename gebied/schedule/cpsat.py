"""The ``plan`` strategy's optimisation: a time-indexed CP-SAT model over units.

Each unit (a cluster, or a spatially compact part of one) gets one period per stage it
needs; stages keep their order; the work per stage and period stays within capacity;
steering-group starts and priorities hold. The objective adds, all in periods:

* ``weight`` × mean completion of P50 addresses (safety),
* (1 − ``weight``) × mean ``|difference in completion|`` over neighbour pairs (inequality),
* mean completion of all addresses (no wasted capacity),
* ``flow`` × mean wait between stages per address (stuwmeer).

The solver starts from the greedy plan (``AddHint``) and returns it unchanged when it
finds nothing better within the time limit.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from gebied.schedule.greedy import Groups, Units

#: Integer scale of the objective coefficients.
OBJ_SCALE = 10_000
#: Weight of the waiting time between stages in the objective.
FLOW_WEIGHT = 0.25
#: Solver workers; interleaved search keeps the result deterministic.
WORKERS = 2


def unit_edges(units: Units, pairs: np.ndarray, done_at: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Neighbour pairs between units, as (unit pairs, counts) and per-unit pairs to fixed
    addresses (``done_at`` > 0 gives the fixed completion period of an address without unit).

    ``pairs`` are population positions (i, j).
    """
    ui, uj = units.of[pairs[:, 0]], units.of[pairs[:, 1]]
    both = (ui >= 0) & (uj >= 0) & (ui != uj)
    a = np.minimum(ui[both], uj[both])
    b = np.maximum(ui[both], uj[both])
    key, counts = np.unique(a * len(units.load) + b, return_counts=True)
    edge = np.c_[key // len(units.load), key % len(units.load)]
    # pairs of a unit address with an address that has a fixed completion
    anchor = np.zeros((len(units.load), 2))  # [:,0] count, [:,1] sum of fixed periods
    for x, y in ((ui, uj), (uj, ui)):
        m = (x >= 0) & (y < 0)
        other = np.where(x == ui, pairs[:, 1], pairs[:, 0])[m]
        np.add.at(anchor[:, 0], x[m], 1)
        np.add.at(anchor[:, 1], x[m], done_at[other])
    return edge, counts, anchor


def improve(
    units: Units,
    start_plan: np.ndarray,
    cap: np.ndarray,
    groups: Groups,
    *,
    edges: np.ndarray,
    edge_counts: np.ndarray,
    anchor: np.ndarray,
    n_pairs: int,
    n_all: int,
    n_p50: int,
    weight: float,
    time_limit: float,
    seed: int,
    slack: int = 2,
    window: int = 2,
) -> tuple[np.ndarray, str]:
    """Improve ``start_plan`` ((units, 3) periods, 0 = stage not needed) with CP-SAT.

    Each stage may move at most ``window`` periods from the start plan (a large
    neighbourhood around the greedy plan that CP-SAT searches in seconds).

    Returns the improved plan and the solver status name.
    """
    nu = len(units.load)
    if nu == 0:
        return start_plan, "LEEG"
    needs = units.load > 0
    horizon = int(start_plan.max()) + slack
    m = cp_model.CpModel()
    x: dict[tuple[int, int], list] = {}
    p = np.empty((nu, 3), dtype=object)
    comp = []
    first = []
    by_slot: dict[tuple[int, int], list] = {}
    for u in range(nu):
        k = 0
        prev = None
        for s in range(3):
            if not needs[u, s]:
                continue
            lo = max(1 + k, int(start_plan[u, s]) - window)
            hi = min(horizon - int(needs[u, s + 1 :].sum()), int(start_plan[u, s]) + window)
            ts = range(lo, hi + 1)
            bs = [m.NewBoolVar("") for _ in ts]
            m.AddExactlyOne(bs)
            x[u, s] = list(zip(ts, bs))
            var = m.NewIntVar(lo, hi, "")
            m.Add(var == sum(t * b for t, b in zip(ts, bs)))
            m.AddHint(var, int(start_plan[u, s]))
            p[u, s] = var
            for t, b in zip(ts, bs):
                m.AddHint(b, int(start_plan[u, s] == t))
                by_slot.setdefault((s, t), []).append((int(units.load[u, s]), b))
            if prev is not None:
                m.Add(var >= prev + 1)
            else:
                first.append(var)
            prev = var
            k += 1
        comp.append(prev)
    for (s, t), terms in by_slot.items():
        if sum(c for c, _ in terms) > cap[t - 1, s]:
            m.Add(sum(c * b for c, b in terms) <= int(cap[t - 1, s]))
    # steering groups
    starts = {}
    for g, us in enumerate(groups.units):
        if not len(us) or not (groups.start[g] or groups.prioriteit[g]):
            continue
        sv = m.NewIntVar(1, horizon, "")
        m.AddMinEquality(sv, [first[u] for u in us])
        m.AddHint(sv, int(min(start_plan[u][start_plan[u] > 0].min() for u in us)))
        if groups.start[g]:
            m.Add(sv == groups.start[g])
        starts[g] = sv
    prio = sorted({groups.prioriteit[g] for g in starts if groups.prioriteit[g]})
    for lo_p, hi_p in zip(prio, prio[1:]):
        for g in starts:
            for h in starts:
                if groups.prioriteit[g] == lo_p and groups.prioriteit[h] == hi_p:
                    m.Add(starts[g] <= starts[h])
    # objective
    coef = np.zeros(nu)
    coef += units.size / max(n_all, 1)
    if n_p50:
        coef += weight * units.p50 / n_p50
    eq = (1.0 - weight) / max(n_pairs, 1)
    terms = [int(round(OBJ_SCALE * c)) * comp[u] for u, c in enumerate(coef)]
    last = [int(start_plan[u][start_plan[u] > 0][-1]) for u in range(nu)]
    for (a, b), w in zip(edges, edge_counts):
        d = m.NewIntVar(0, horizon, "")
        m.Add(d >= comp[a] - comp[b])
        m.Add(d >= comp[b] - comp[a])
        m.AddHint(d, abs(last[a] - last[b]))
        terms.append(int(round(OBJ_SCALE * eq * w)) * d)
    fw = FLOW_WEIGHT / max(n_all, 1)
    for u in range(nu):
        chain = [s for s in range(3) if needs[u, s]]
        for s0, s1 in zip(chain, chain[1:]):
            c = int(round(OBJ_SCALE * fw * units.load[u, s1] / 100))
            if c:
                terms.append(c * (p[u, s1] - p[u, s0]))
    m.Minimize(sum(terms))
    solver = cp_model.CpSolver()
    # The deterministic limit decides (same input, same plan); the wall-clock limit is only
    # a safety net on a very slow machine.
    solver.parameters.max_deterministic_time = float(time_limit)
    solver.parameters.max_time_in_seconds = float(time_limit) * 20
    solver.parameters.num_workers = WORKERS
    solver.parameters.interleave_search = True
    solver.parameters.random_seed = int(seed)
    status = solver.Solve(m)
    name = solver.StatusName(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return start_plan, name
    out = np.zeros_like(start_plan)
    for (u, s), lst in x.items():
        out[u, s] = next(t for t, b in lst if solver.Value(b))
    return out, name
