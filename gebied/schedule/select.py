"""The default ``plan`` strategy: the most equal plan that keeps safety and flow.

An ε-constraint choice among candidate plans. Candidates are the weighted cluster plans
along the trade-off curve (weights 0 … 0.6) and the area-by-area order; each is a fast
greedy list schedule. Measured against the risk-only baseline (``risico``) on the same
input and capacity, a candidate is acceptable when

- the mean ``gereed_periode`` of P50 addresses is at most ``safety_tolerance`` × the
  baseline's (default 1.5: keep most of the safety benefit),
- the mean ``gereed_periode`` of all addresses is at most ``flow_tolerance`` × the
  baseline's (default 1.1: clusters must not waste capacity),
- the largest backlog between stages is no larger than the baseline's.

Of the acceptable candidates the one with the lowest neighbour inequality wins (ties:
the better P50 mean). When none is acceptable, the candidate with the smallest sum of
the three normalised excesses is taken and the result says so. The winner, when it is a
weighted plan, is then polished by CP-SAT within ``time_limit``.
"""

from __future__ import annotations

from typing import Any

#: Weights tried along the safety ↔ equality trade-off curve.
CANDIDATE_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)


def _ratios(m: dict[str, Any], base: dict[str, Any]) -> dict[str, float]:
    def r(key: str) -> float:
        b = float(base.get(key) or 0.0)
        v = float(m.get(key) or 0.0)
        return v / b if b > 0 else (1.0 if v == 0 else float("inf"))

    return {
        "p50": r("gereed_gemiddeld_P50"),
        "alle": r("gereed_gemiddeld"),
        "stuwmeer": r("grootste_stuwmeer"),
        "ongelijkheid": r("buur_ongelijkheid"),
    }


def choose_plan(schedule_fn, addresses, clusters, capacity, *, safety_tolerance: float = 1.5,
                flow_tolerance: float = 1.1, time_limit: float = 10.0, **options):
    """Run the candidates with ``schedule_fn`` and return the chosen ``ScheduleResult``.

    ``options`` are passed to every ``schedule_fn`` call (periode, start, fixed, …).
    """
    base = schedule_fn(addresses, clusters, capacity, strategy="risico", **options)
    candidates: list[tuple[str, Any]] = []
    for w in CANDIDATE_WEIGHTS:
        res = schedule_fn(addresses, clusters, capacity, strategy="plan", weight=w, time_limit=0.0, **options)
        candidates.append((f"gewicht {w:g}", res))
    candidates.append(("gebiedsvolgorde", schedule_fn(addresses, clusters, capacity, strategy="gebied", **options)))

    scored = []
    for k, (name, res) in enumerate(candidates):
        q = _ratios(res.metrics, base.metrics)
        ok = q["p50"] <= safety_tolerance + 1e-9 and q["alle"] <= flow_tolerance + 1e-9 and q["stuwmeer"] <= 1.0 + 1e-9
        excess = max(0.0, q["p50"] - safety_tolerance) + max(0.0, q["alle"] - flow_tolerance) + max(0.0, q["stuwmeer"] - 1.0)
        scored.append((0 if ok else 1, excess if not ok else 0.0, q["ongelijkheid"], q["p50"], k))
    best = min(scored)
    name, chosen = candidates[best[-1]]
    if name.startswith("gewicht") and time_limit > 0:
        weight = CANDIDATE_WEIGHTS[best[-1]]
        polished = schedule_fn(addresses, clusters, capacity, strategy="plan", weight=weight, time_limit=time_limit, **options)
        q_new = _ratios(polished.metrics, base.metrics)
        q_old = _ratios(chosen.metrics, base.metrics)
        if (q_new["ongelijkheid"], q_new["p50"]) <= (q_old["ongelijkheid"], q_old["p50"]):
            chosen = polished
    chosen.strategy = "plan"
    chosen.info = dict(chosen.info) | {
        "keuze": name,
        "binnen_grenzen": best[0] == 0,
        "grenzen": {"veiligheid_P50": safety_tolerance, "doorstroming": flow_tolerance, "stuwmeer": 1.0},
        "kandidaten": {n: {k: round(v, 3) for k, v in _ratios(r.metrics, base.metrics).items()} for n, r in candidates},
    }
    return chosen
