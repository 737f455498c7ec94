"""The default ``plan``: the most equal plan that keeps safety and flow.

An ε-constraint choice among candidate plans. Candidates are the region-growing orders
of :func:`gebied.schedule.optimise.grow_order` along the trade-off curve (weights 0 … 0.6,
with and without ties to neighbours already gereed) and the area-by-area order; each is
a fast greedy list schedule. Measured against the risk-only baseline (``risico`` without
flow, today's order) on the same input and capacity, a candidate is acceptable when

- the mean ``gereed_periode`` of P50 addresses is at most ``safety_tolerance`` × the
  baseline's (default 1.5: keep most of the safety benefit),
- the mean ``gereed_periode`` of all addresses is at most ``flow_tolerance`` × the
  baseline's (default 1.1: clusters must not waste capacity),
- the largest backlog between stages is no larger than the baseline's.

Of the acceptable candidates the one with the lowest neighbour exposure wins (mean
``|gereed period difference|`` between programme neighbours within 50 m, neighbours already
gereed counting as period 0; ties: the better P50 mean). When none is acceptable, the
candidate with the smallest sum of the three normalised excesses is taken and the result
says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from gebied.schedule.greedy import Groups, Units, check_groups, pack, retime_late
from gebied.schedule.measures import Scores, address_periods, score
from gebied.schedule.optimise import grow_order, unit_graph
from gebied.schedule.prepare import Setup

#: Weights tried along the safety ↔ equality trade-off curve.
CANDIDATE_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)
#: Weights tried with address-sized parts (a finer grain reaches more equality).
FINE_WEIGHTS = (0.3, 0.4, 0.45, 0.5)
#: All of :data:`FINE_WEIGHTS` are tried up to this many addresses with work; above it
#: only :data:`LARGE_FINE_WEIGHTS` (an address-sized candidate costs about 0.6 s on the
#: tiled city file, 54,000 addresses with work).
FINE_LIMIT = 100_000
LARGE_FINE_WEIGHTS = (0.4, 0.45)
#: Limits against the baseline: P50 mean, mean of all, largest backlog.
SAFETY_TOLERANCE = 1.5
FLOW_TOLERANCE = 1.1
#: Target on neighbour exposure against the baseline (below it no lower bound is computed).
EQUALITY_TARGET = 0.5


@dataclass
class Candidate:
    """One candidate plan: its name, units, unit order and plan, steering groups, scores."""

    name: str
    units: Units
    order: np.ndarray
    plan: np.ndarray
    groups: Groups
    scores: Scores


def unit_plan(setup: Setup, units: Units, order: np.ndarray, groups: Groups, *, max_wait: int | None, just_in_time: bool) -> np.ndarray:
    """Pack ``order`` in the plan capacity; without flow, optionally retime upstream stages
    just in time (as late as possible before the next stage)."""
    plan = pack(units, order, setup.cap, groups, max_wait=max_wait)
    if just_in_time and max_wait is None:
        jit = retime_late(units, plan, setup.cap)
        if check_groups(units, jit, groups):
            plan = jit
    return plan


def evaluate(setup: Setup, name: str, units: Units, order: np.ndarray, plan: np.ndarray, groups: Groups) -> Candidate:
    """Score a unit plan on the population."""
    per = address_periods(setup.pop, units.of, plan)
    return Candidate(name, units, order, plan, groups, score(per, setup.pop, setup.pairs))


def acceptable(ratios: dict[str, float]) -> tuple[bool, float]:
    """Whether a candidate keeps the limits, and by how much it exceeds them."""
    excess = (
        max(0.0, ratios["p50"] - SAFETY_TOLERANCE)
        + max(0.0, ratios["alle"] - FLOW_TOLERANCE)
        + max(0.0, ratios["stuwmeer"] - 1.0)
    )
    return excess <= 1e-9, excess


def plan_candidates(
    setup: Setup,
    plan_units: Units,
    plan_groups: Groups,
    area: Candidate | None,
    *,
    max_wait: int | None,
    fine: tuple[Units, Groups] | None = None,
    fine_weights: tuple[float, ...] = FINE_WEIGHTS,
) -> list[Candidate]:
    """The weighted region-growing candidates (and the area order when given); with
    ``fine`` also candidates of address-sized parts for ``fine_weights``."""
    out = []
    runs = [(plan_units, plan_groups, CANDIDATE_WEIGHTS, (True,), "")]
    if fine is not None:
        runs.append((*fine, fine_weights, (True,), ", per adres"))
    for units, groups, weights, anchors, label in runs:
        w, anchor = unit_graph(units, setup.pairs, setup.pop.done)
        for anchored in anchors:
            for weight in weights:
                order = grow_order(units, w, anchor, weight=weight, anchored=anchored)
                plan = unit_plan(setup, units, order, groups, max_wait=max_wait, just_in_time=True)
                name = f"gewicht {weight:g}" + ("" if anchored else " (zonder gereed-buren)") + label
                out.append(evaluate(setup, name, units, order, plan, groups))
    if area is not None:
        out.append(Candidate("gebiedsvolgorde", area.units, area.order, area.plan, area.groups, area.scores))
    return out


def choose(candidates: list[Candidate], base: Scores) -> tuple[Candidate, dict[str, Any]]:
    """The most equal acceptable candidate, and information on the choice (incl. the
    trade-off curve: every candidate's ratios against the baseline)."""
    ranked = []
    for k, c in enumerate(candidates):
        q = c.scores.ratios(base)
        ok, excess = acceptable(q)
        ranked.append((0 if ok else 1, 0.0 if ok else excess, round(q["ongelijkheid"], 9), round(q["p50"], 9), k))
    best = min(ranked)
    chosen = candidates[best[-1]]
    info = {
        "keuze": chosen.name,
        "binnen_grenzen": best[0] == 0,
        "grenzen": {"veiligheid_P50": SAFETY_TOLERANCE, "doorstroming": FLOW_TOLERANCE, "stuwmeer": 1.0},
        "kandidaten": {c.name: {k: round(v, 3) for k, v in c.scores.ratios(base).items()} for c in candidates},
    }
    return chosen, info


def weighted(setup: Setup, plan_units: Units, plan_groups: Groups, *, weight: float, max_wait: int | None) -> Candidate:
    """The plan of one given weight (``--gewicht``)."""
    w, anchor = unit_graph(plan_units, setup.pairs, setup.pop.done)
    order = grow_order(plan_units, w, anchor, weight=weight)
    plan = unit_plan(setup, plan_units, order, plan_groups, max_wait=max_wait, just_in_time=True)
    return evaluate(setup, f"gewicht {weight:g}", plan_units, order, plan, plan_groups)
