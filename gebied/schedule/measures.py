"""Measures of a schedule on positional arrays: safety, neighbour equality and flow.

The arrays are over the scheduling population (:class:`gebied.schedule.model.Population`):
``per`` is an (n, 3) integer array with the period of each stage, 0 where the address
does not need the stage. These fast measures choose among candidate plans; the reported
metrics (:func:`gebied.schedule.metrics.compute_metrics`) are recomputed from the
per-address output and agree with them.

Flow measures per address (periods):

``duidelijkheid_periode``
    the period in which the beoordeling is done (time to clarity); 0 when the address was
    assessed before the plan; empty when it gets no beoordeling in the plan but has an
    opname (cannot happen) or has nothing left.
``doorlooptijd``
    periods from the first planned stage up to and including gereed (3 for a treintje that
    runs opname, beoordeling and uitvoering in consecutive periods).
``wachttijd``
    periods between stages without work for the address: doorlooptijd − planned stages.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gebied.schedule.model import Population


@dataclass(frozen=True)
class Scores:
    """Fast measures of one candidate plan (means in periods)."""

    p50: float
    alle: float
    blootstelling: float
    ongelijkheid: float
    stuwmeer: int
    duidelijkheid: float
    doorlooptijd: float
    wachttijd: float
    laatste: int

    def ratios(self, base: Scores) -> dict[str, float]:
        """This plan against a baseline: ``p50``, ``alle``, ``stuwmeer``, ``ongelijkheid``
        (neighbour exposure incl. gereed neighbours) as ratios."""

        def r(v: float, b: float) -> float:
            return v / b if b > 0 else (1.0 if v == 0 else float("inf"))

        return {
            "p50": r(self.p50, base.p50),
            "alle": r(self.alle, base.alle),
            "stuwmeer": r(self.stuwmeer, base.stuwmeer),
            "ongelijkheid": r(self.blootstelling, base.blootstelling),
        }


def address_periods(pop: Population, unit_of: np.ndarray, plan: np.ndarray) -> np.ndarray:
    """Stage periods per population address from a unit plan (0 = stage not planned)."""
    if len(plan) == 0:
        return np.zeros((len(pop.index), 3), dtype=np.int64)
    has = (unit_of >= 0)[:, None] & pop.needs
    return np.where(has, plan[np.maximum(unit_of, 0)], 0).astype(np.int64)


def flow_columns(per: np.ndarray, *, assessed: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Per address ``duidelijkheid_periode``, ``doorlooptijd`` and ``wachttijd`` (floats,
    NaN where not defined). ``assessed`` marks addresses assessed before the plan
    (clarity 0); by default those without opname and beoordeling in ``per``."""
    planned = per > 0
    count = planned.sum(axis=1)
    big = np.iinfo(np.int64).max
    first = np.where(planned, per, big).min(axis=1)
    last = per.max(axis=1)
    doorloop = np.where(count > 0, last - first + 1, np.nan).astype(float)
    wacht = np.where(count > 0, doorloop - count, np.nan)
    if assessed is None:
        assessed = ~planned[:, 0] & ~planned[:, 1]
    clarity = np.where(planned[:, 1], per[:, 1], np.where(assessed, 0, np.nan)).astype(float)
    return {"duidelijkheid_periode": clarity, "doorlooptijd": doorloop, "wachttijd": wacht}


def max_backlog(per: np.ndarray) -> int:
    """Largest number of addresses waiting for beoordeling or uitvoering at the end of a
    period (as :func:`gebied.schedule.metrics.backlog`)."""
    if not len(per):
        return 0
    horizon = int(per.max(initial=1))
    best = 0
    for k in (1, 2):
        p = per[:, k]
        has = p > 0
        prev = per[has, k - 1]
        ready = np.where(prev > 0, prev + 1, 1)
        q = p[has]
        keep = ready < q
        counts = np.zeros(horizon + 2, dtype=np.int64)
        np.add.at(counts, np.minimum(ready[keep], horizon + 1), 1)
        np.add.at(counts, np.minimum(q[keep], horizon + 1), -1)
        best = max(best, int(np.cumsum(counts)[1 : horizon + 1].max(initial=0)))
    return best


def score(per: np.ndarray, pop: Population, pairs: np.ndarray) -> Scores:
    """The fast measures of a plan; ``pairs`` are neighbour pairs over population positions."""
    g = per.max(axis=1).astype(float) if len(per) else np.zeros(0)
    gi, gj = g[pairs[:, 0]], g[pairs[:, 1]]
    diffs = np.abs(gi - gj)
    active = (gi >= 1) & (gj >= 1)
    flow = flow_columns(per)
    multi = (per > 0).sum(axis=1) > 1

    def mean(values: np.ndarray) -> float:
        values = values[~np.isnan(values)]
        return float(values.mean()) if len(values) else 0.0

    return Scores(
        p50=float(g[pop.p50].mean()) if pop.p50.any() else 0.0,
        alle=float(g.mean()) if len(g) else 0.0,
        blootstelling=float(diffs.mean()) if len(diffs) else 0.0,
        ongelijkheid=float(diffs[active].mean()) if active.any() else 0.0,
        stuwmeer=max_backlog(per),
        duidelijkheid=mean(np.where(per[:, 1] > 0, per[:, 1], np.nan)) if len(per) else 0.0,
        doorlooptijd=mean(flow["doorlooptijd"]),
        wachttijd=mean(np.where(multi, flow["wachttijd"], np.nan)),
        laatste=int(g.max(initial=0)),
    )
