"""A certified lower bound on neighbour exposure under the safety and flow limits.

Neighbour exposure is the mean ``|gereed period difference|`` over the neighbour pairs
(neighbours already gereed count as period 0; :func:`gebied.schedule.measures.score`). The
bound answers: *how equal can any plan be* that keeps the P50 mean at most ``safety`` × and
the mean of all addresses at most ``flow`` × the risk-only baseline? When it exceeds the
target (0.5 × the baseline's exposure), no plan reaches the target.

It is the optimum of a time-indexed linear programme over single addresses (solved with
HiGHS through :func:`scipy.optimize.linprog`). Per address ``i`` and period ``t < T``,
``F[i, t]`` is the (fractional) share of the address gereed by the end of period ``t``;
gereed ``C[i] = T − Σ_t F[i, t]``. Constraints:

- ``F`` is non-decreasing in ``t``, 0 before the address can be gereed (one period per
  remaining stage) and 1 from period ``T`` on;
- per stage ``s`` and period ``t``: the load of the addresses that are gereed by
  ``t + (stages after s)`` is at most the cumulative capacity left for the plan up to
  ``t`` (an address gereed then has done stage ``s`` by ``t``);
- ``d[p] ≥ |C[i] − C[j]|`` for every pair of neighbours in the plan; a pair with one
  neighbour already gereed contributes ``C[j]``;
- the P50 mean and the mean of all addresses of ``C`` within the limits.

Every real plan (integral periods, whole addresses per period) is a solution of this
programme with exposure at least the programme's objective, once periods after ``T`` are
counted as ``T`` (that lowers every difference and mean). So the optimum is a lower bound.
It relaxes: fractional completion (an address may be gereed "a third in period 4 and two
thirds in period 7"), capacity only cumulative per stage (not per period), no units,
treintjes or flow, no steering-group starts, no backlog limit, and periods after ``T``.
The reported value is the objective of a dual solution checked in exact terms of the
programme (weak duality), so solver tolerances cannot make it too high.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from gebied.schedule.measures import Scores
from gebied.schedule.model import Population
from gebied.schedule.prepare import Setup

#: Largest number of single address × period variables; beyond it addresses are taken
#: together in classes (their mutual pairs left out: a weaker bound, still valid).
MAX_CELLS = 10_000
#: Periods beyond the baseline's last period that the programme looks ahead (factor).
HORIZON_FACTOR = 1.25


@dataclass(frozen=True)
class Bound:
    """The lower bound on neighbour exposure (periods, and as ratio to the baseline)."""

    exposure: float
    ratio: float
    horizon: int
    addresses: int
    pairs: int
    status: str

    def as_info(self) -> dict[str, Any]:
        """JSON-safe summary for ``planning_info`` and the metrics."""
        return {
            "ondergrens": round(self.ratio, 4),
            "ondergrens_perioden": round(self.exposure, 4),
            "horizon": self.horizon,
            "adressen": self.addresses,
            "buurparen": self.pairs,
            "status": self.status,
        }


@dataclass
class _Items:
    """The programme's items: the first ``individual`` are single addresses (their pairs
    kept), the rest classes of interchangeable addresses (same stages, load, P50 and
    number of gereed neighbours; their pairs among addresses in the plan left out)."""

    count: np.ndarray
    release: np.ndarray
    last: np.ndarray
    load: np.ndarray
    p50: np.ndarray
    done_degree: np.ndarray
    pairs: np.ndarray
    individual: int


def _items(pop: Population, act: np.ndarray, pairs: np.ndarray, budget: int) -> _Items:
    """Up to ``budget`` single addresses (P50 addresses and their neighbours first, then
    the addresses with most neighbours in the plan), the others in classes."""
    n = len(pop.index)
    needs = pop.needs
    last = 2 - np.argmax(needs[:, ::-1], axis=1)
    release = last - np.argmax(needs, axis=1) + 1
    active = needs.any(axis=1)
    both = active[pairs[:, 0]] & active[pairs[:, 1]]
    one = active[pairs[:, 0]] ^ active[pairs[:, 1]]
    ends = pairs[one].ravel()
    done_degree = np.bincount(ends[active[ends]], minlength=n)
    ap = pairs[both]
    degree = np.bincount(ap.ravel(), minlength=n)
    near_p50 = np.zeros(n, bool)
    near_p50[ap[pop.p50[ap[:, 0]], 1]] = True
    near_p50[ap[pop.p50[ap[:, 1]], 0]] = True
    rank = np.lexsort((-degree[act], ~near_p50[act], ~pop.p50[act]))
    single = act[rank[: min(len(act), budget)]]
    rest = np.setdiff1d(act, single)
    # gereed neighbours rounded down to a power of two: fewer classes, still a lower bound
    floor = np.where(done_degree > 0, 2 ** np.floor(np.log2(np.maximum(done_degree, 1))), 0).astype(np.int64)
    key = np.c_[release[rest], last[rest], pop.load[rest], pop.p50[rest], floor[rest]]
    _, first, count = np.unique(key, axis=0, return_index=True, return_counts=True)
    rep = np.r_[single, rest[first]].astype(np.int64)
    pos = np.full(n, -1, dtype=np.int64)
    pos[single] = np.arange(len(single))
    kept = (pos[ap[:, 0]] >= 0) & (pos[ap[:, 1]] >= 0)
    return _Items(
        count=np.r_[np.ones(len(single), np.int64), count],
        release=release[rep],
        last=last[rep],
        load=pop.load[rep].astype(float) / 100.0,
        p50=pop.p50[rep],
        done_degree=np.r_[done_degree[single], floor[rest[first]]].astype(float),
        pairs=pos[ap[kept]],
        individual=len(single),
    )


def exposure_bound(
    setup: Setup,
    base: Scores,
    *,
    safety: float | None = 1.5,
    flow: float | None = 1.1,
    horizon: int | None = None,
    max_cells: int = MAX_CELLS,
) -> Bound:
    """Lower bound on the neighbour exposure of every plan within the limits.

    Parameters
    ----------
    setup
        The shared input (population, capacity left for the plan, neighbour pairs).
    base
        Scores of the risk-only baseline (the limits and the ratio are against it).
    safety, flow
        Largest P50 mean and mean of all, as factor on the baseline (``None``: no limit).
    horizon
        Periods ``T`` of the programme; default about ``HORIZON_FACTOR`` × the
        baseline's last period, shortened to stay within ``max_cells`` variables.
    max_cells
        Largest number of address × period variables.

    Returns
    -------
    Bound
    """
    pop = setup.pop
    act = np.flatnonzero(pop.needs.any(axis=1))
    pairs = setup.pairs
    total_pairs = len(pairs)
    if len(act) == 0 or total_pairs == 0:
        return Bound(0.0, 0.0, 0, 0, total_pairs, "geen buren of niets te plannen")
    T = horizon or int(np.ceil(HORIZON_FACTOR * max(base.laatste, 1))) + 1
    T = int(max(min(T, len(setup.cap)), 4))
    it = _items(pop, act, pairs, max(1, max_cells // T))
    n, m = len(it.count), it.individual
    # x[k, t]: members of item k gereed in period t (release … T; period T stands for
    # "T or later"); C[k] = Σ_t t·x[k, t], the sum of their gereed periods. Variables:
    # x (nx), C (n), d (pairs of individual addresses), carry (capacity left over).
    lengths = T - it.release + 1
    offset = np.concatenate([[0], np.cumsum(lengths)])
    nx = int(offset[-1])
    a_row = np.repeat(np.arange(n), lengths)
    t_of = np.arange(nx) - offset[a_row] + it.release[a_row]
    pi, pj = it.pairs[:, 0], it.pairs[:, 1]
    na = len(pi)
    c0, d0, k0 = nx, nx + n, nx + n + na
    nv = k0 + 3 * (T - 1)
    rows, cols, vals, rhs = [], [], [], []
    r = 0
    # capacity per stage s and period τ < T, with carry-over (so only cumulative):
    # Σ load · x[k, τ + stages after s] + carry[τ] − carry[τ − 1] ≤ cap[τ]
    cap = setup.cap[: T - 1].astype(float) / 100.0
    tau = np.arange(1, T)
    for s in range(3):
        var = np.flatnonzero((it.load[a_row, s] > 0) & (t_of < T))
        t_cap = t_of[var] - (it.last[a_row[var]] - s)
        rows += [r + t_cap - 1, r + tau - 1, r + tau[1:] - 1]
        cols += [var, k0 + s * (T - 1) + tau - 1, k0 + s * (T - 1) + tau[:-1] - 1]
        vals += [it.load[a_row[var], s], np.ones(T - 1), -np.ones(T - 2)]
        rhs.append(cap[:, s])
        r += T - 1
    # d ≥ |C_i − C_j| for pairs of two individual addresses in the plan
    k = np.arange(na)
    for sign in (1.0, -1.0):
        rows += [r + k, r + k, r + k]
        cols += [c0 + pi, c0 + pj, d0 + k]
        vals += [np.full(na, sign), np.full(na, -sign), -np.ones(na)]
        rhs.append(np.zeros(na))
        r += na
    # limits on the means of the gereed periods over the population (done: period 0)
    for factor, sel, count, mean in ((safety, it.p50, int(pop.p50.sum()), base.p50), (flow, np.ones(n, bool), len(pop.index), base.alle)):
        if factor is None or not count:
            continue
        idx = np.flatnonzero(sel)
        rows.append(np.full(len(idx), r))
        cols.append(c0 + idx)
        vals.append(np.ones(len(idx)))
        rhs.append([factor * mean * count])
        r += 1
    a_ub = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r, nv))
    b_ub = np.concatenate([np.asarray(x, dtype=float) for x in rhs])
    # Σ_t x[k, t] = members and C[k] − Σ_t t·x[k, t] = 0
    eq_rows = np.concatenate([a_row, n + a_row, n + np.arange(n)])
    eq_cols = np.concatenate([np.arange(nx), np.arange(nx), c0 + np.arange(n)])
    eq_vals = np.concatenate([np.ones(nx), -t_of.astype(float), np.ones(n)])
    a_eq = sparse.csr_matrix((eq_vals, (eq_rows, eq_cols)), shape=(2 * n, nv))
    b_eq = np.r_[it.count.astype(float), np.zeros(n)]
    # objective: (Σ d + Σ_{pairs with one neighbour gereed} gereed period) / all pairs
    c = np.zeros(nv)
    c[d0:k0] = 1.0
    c[c0:d0] = it.done_degree
    c /= total_pairs
    big = float(cap.sum(axis=0).max(initial=0.0)) + 1.0
    upper = np.concatenate([np.repeat(it.count, lengths).astype(float), T * it.count.astype(float),
                            np.full(na, float(T)), np.full(3 * (T - 1), big)])
    bounds = np.c_[np.zeros(nv), upper]
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs-ipm")
    if res.status != 0:
        return Bound(0.0, 0.0, T, n, total_pairs, f"niet opgelost: {res.message}")
    value = _dual_value(c, a_ub, b_ub, a_eq, b_eq, upper, res)
    exposure = max(0.0, value)
    ratio = exposure / base.blootstelling if base.blootstelling > 0 else 0.0
    return Bound(exposure, ratio, T, m, total_pairs, "opgelost")


def _dual_value(c: np.ndarray, a_ub: sparse.csr_matrix, b_ub: np.ndarray, a_eq: sparse.csr_matrix,
                b_eq: np.ndarray, upper: np.ndarray, res: Any) -> float:
    """Weak-duality bound from the solver's duals: valid for any duals (inequality duals
    clipped to ≤ 0), so the bound does not rely on the solver's tolerances."""
    y_ub = np.minimum(res.ineqlin.marginals, 0.0)
    y_eq = res.eqlin.marginals
    reduced = c - a_ub.T @ y_ub - a_eq.T @ y_eq
    return float(b_ub @ y_ub + b_eq @ y_eq + np.minimum(reduced, 0.0) @ upper)
