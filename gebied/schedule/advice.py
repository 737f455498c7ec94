"""Capacity advice: the smallest capacity with which the programme is gereed by a target.

One scale factor on the given capacity per stage is searched (bisection on the factor,
each step a full schedule of the strategy). The advice is a whole number of addresses per
stage and period (or, where a greedy plan is not monotone in capacity and 5 % less still
finishes, that smaller capacity in hundredths); it is checked to finish by the target
period, and the same capacity 5 % smaller is checked not to.

Then, from that advice, the smallest capacity *per stage*: stage by stage (opname,
beoordeling, uitvoering) the smallest whole number of addresses with which the plan still
finishes by the target, the other stages as found so far (bisection). Each stage 5 %
smaller on its own is checked. Stages that are not the bottleneck shrink a lot; the result
is one smallest capacity (no stage can be lowered alone), not the cheapest of all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from gebied.codes import STAGES
from gebied.errors import GebiedError
from gebied.schedule.model import SCALE

#: The advice is checked against a capacity this much smaller.
MARGIN = 0.05
#: Largest scale factor tried.
MAX_FACTOR = 64.0


def scaled(capacity: Mapping[str, float], factor: float) -> dict[str, float]:
    """Capacity per stage times ``factor``, rounded up to whole addresses (at least 1)."""
    return {s: float(max(1, math.ceil(float(capacity[s]) * factor - 1e-9))) for s in STAGES}


def capacity_advice(
    run: Callable[[Mapping[str, float]], int], capacity: Mapping[str, float], *, target: int, precision: float = 0.01
) -> dict[str, Any]:
    """The smallest scaled capacity with which the last gereed period is ≤ ``target``.

    Parameters
    ----------
    run
        Returns the last gereed period of a plan made with the given capacity.
    capacity
        The capacity per stage and period to scale.
    target
        Target end period (1 is the first period of the plan).
    precision
        Relative precision of the factor.

    Returns
    -------
    dict
        ``doel_periode``, ``factor``, ``capaciteit`` (the advice per stage),
        ``eind_periode`` (with the advice) and ``eind_periode_bij_5_procent_minder``; and
        ``capaciteit_per_fase`` (the smallest capacity per stage), ``eind_periode_per_fase``
        and ``per_fase_5_procent_minder`` (per stage: the end period with only that stage
        5 % smaller).
    """
    if target < 1:
        raise GebiedError(f"de doelperiode ({target}) moet 1 of later zijn", column="doel_periode")
    missing = [s for s in STAGES if s not in capacity]
    if missing:
        raise GebiedError(f"capaciteit ontbreekt voor {', '.join(missing)}", column="capaciteit")
    cache: dict[tuple[float, ...], int] = {}

    def end(cap: Mapping[str, float]) -> int:
        key = tuple(float(cap[s]) for s in STAGES)
        if key not in cache:
            cache[key] = run(dict(zip(STAGES, key)))
        return cache[key]

    def less(cap: Mapping[str, float]) -> dict[str, float]:
        # in hundredths of an address, as the capacity table rounds
        return {s: round(float(cap[s]) * (1 - MARGIN) * SCALE) / SCALE for s in STAGES}

    hi = 1.0
    while end(scaled(capacity, hi)) > target:
        hi *= 2
        if hi > MAX_FACTOR:
            raise GebiedError(
                f"ook met {MAX_FACTOR:g} keer de capaciteit is het programma niet gereed in periode {target}",
                column="doel_periode",
            )
    lo = 0.0
    while hi - lo > precision * hi:
        mid = (lo + hi) / 2
        if end(scaled(capacity, mid)) <= target:
            hi = mid
        else:
            lo = mid
    advice = scaled(capacity, hi)
    while less(advice) != advice and end(less(advice)) <= target:  # not monotone: 5 % less still finishes
        advice = less(advice)
    smallest = _per_stage(end, advice, target)
    return {
        "doel_periode": int(target),
        "factor": round(hi, 4),
        "capaciteit": advice,
        "eind_periode": end(advice),
        "eind_periode_bij_5_procent_minder": end(less(advice)),
        "capaciteit_per_fase": smallest,
        "eind_periode_per_fase": end(smallest),
        "per_fase_5_procent_minder": {s: end({**smallest, s: less(smallest)[s]}) for s in STAGES},
    }


def _per_stage(end: Callable[[Mapping[str, float]], int], advice: Mapping[str, float], target: int) -> dict[str, float]:
    """Lower each stage in turn to the smallest whole number of addresses that still
    finishes by ``target`` (``advice`` does); where 5 % less of a stage still finishes
    (a greedy plan is not monotone in capacity), lower it further."""
    cap = {s: float(advice[s]) for s in STAGES}
    for s in STAGES:
        lo, hi = 0, cap[s]  # lo does not finish (no capacity), hi does
        while True:
            mid = (lo + math.ceil(hi)) // 2
            if mid <= lo or mid >= hi:
                break
            if end({**cap, s: float(mid)}) <= target:
                hi = float(mid)
            else:
                lo = mid
        while True:
            smaller = round(hi * (1 - MARGIN) * SCALE) / SCALE
            if smaller < 1 or smaller >= hi or end({**cap, s: smaller}) > target:
                break
            hi = smaller
        cap[s] = hi
    return cap
