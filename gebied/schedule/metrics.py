"""Per-period table and metrics of a schedule, computed from the per-address output only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gebied.codes import NEIGHBOUR_DISTANCE, STAGES
from gebied.neighbours import neighbour_pairs
from gebied.periods import period_label
from gebied.schedule.measures import flow_columns
from gebied.schedule.model import SCALE

#: Work counts as full capacity from this share of the capacity on.
FULL_SHARE = 0.95


def _period_columns(addresses: pd.DataFrame) -> dict[str, np.ndarray]:
    return {
        s: pd.to_numeric(addresses[f"{s}_periode"], errors="coerce").to_numpy(dtype=float)
        for s in STAGES
    }


def _works(addresses: pd.DataFrame) -> np.ndarray:
    if "werk_verwacht" in addresses.columns:
        return pd.to_numeric(addresses["werk_verwacht"], errors="coerce").fillna(0).to_numpy(dtype=float)
    return np.ones(len(addresses))


def period_table(
    addresses: pd.DataFrame,
    capacity: np.ndarray,
    *,
    start: str = "2027-K1",
    periode: str = "kwartaal",
) -> pd.DataFrame:
    """Work, capacity and backlog (``voorraad``) per period and stage.

    ``S_werk`` is the capacity used (works count with ``werk_verwacht``);
    ``S_voorraad`` counts the addresses that finished the previous stage (or start at
    stage S) and wait for S at the end of the period; ``gereed_cumulatief`` counts the
    addresses done by the end of the period.
    """
    per = _period_columns(addresses)
    gereed = pd.to_numeric(addresses["gereed_periode"], errors="coerce").to_numpy(dtype=float)
    last = int(np.nanmax(np.r_[gereed, 1.0])) if len(gereed) else 1
    horizon = max(last, 1)
    t = np.arange(1, horizon + 1)
    out = {"periode": t, "periode_label": [period_label(i, start=start, periode=periode) for i in t]}
    cap = capacity[:horizon] / SCALE if len(capacity) >= horizon else np.vstack(
        [capacity, np.repeat(capacity[-1:], horizon - len(capacity), axis=0)]
    ) / SCALE
    werk = _works(addresses)
    for k, s in enumerate(STAGES):
        p = per[s]
        weights = werk if s == "uitvoering" else np.ones(len(p))
        has = ~np.isnan(p)
        used = np.bincount(p[has].astype(int), weights=weights[has], minlength=horizon + 1)[1 : horizon + 1]
        out[f"{s}_capaciteit"] = cap[:, k]
        out[f"{s}_werk"] = np.round(used, 2)
        out[f"{s}_voorraad"] = backlog(addresses, s, horizon)
    done = np.bincount(gereed[~np.isnan(gereed)].astype(int), minlength=horizon + 1)
    out["gereed_cumulatief"] = np.cumsum(done)[1 : horizon + 1]
    return pd.DataFrame(out)


def backlog(addresses: pd.DataFrame, stage: str, horizon: int) -> np.ndarray:
    """Addresses waiting for ``stage`` at the end of each period 1 … horizon."""
    per = _period_columns(addresses)
    k = STAGES.index(stage)
    p = per[stage]
    has = ~np.isnan(p)
    if k == 0:
        ready = np.ones(len(p))  # waiting for opname since before the plan
    else:
        prev = per[STAGES[k - 1]]
        ready = np.where(np.isnan(prev), 1.0, prev + 1)  # from the period after the previous stage
    # waiting at end of t when ready <= t < p
    counts = np.zeros(horizon + 2)
    r = ready[has].astype(int)
    q = p[has].astype(int)
    keep = r < q
    np.add.at(counts, np.minimum(r[keep], horizon + 1), 1)
    np.add.at(counts, np.minimum(q[keep], horizon + 1), -1)
    return np.cumsum(counts)[1 : horizon + 1].astype(int)


def compute_metrics(
    addresses: pd.DataFrame, periods: pd.DataFrame, *, distance: float = NEIGHBOUR_DISTANCE, pairs: np.ndarray | None = None
) -> dict[str, float]:
    """Metrics of a schedule from its per-address output and its period table.

    Returns a flat dict: mean and 90th percentile of ``gereed_periode`` for P50 addresses
    and for all scheduled addresses; ``buur_ongelijkheid`` (mean absolute difference in
    ``gereed_periode`` over neighbouring programme address pairs within ``distance`` m
    that both still have work in the plan, ``gereed_periode`` ≥ 1; ``_incl_gereed``
    also counts pairs with an address done before the plan, ``gereed_periode`` 0);
    ``grootste_stuwmeer`` (largest backlog before beoordeling or uitvoering in any period);
    ``aandeel_vol_S`` (share of the periods 1 … last in which stage S used at least 95% of
    its capacity); the flow measures of :mod:`gebied.schedule.measures` as means
    (``duidelijkheid_gemiddeld`` over addresses with a planned beoordeling,
    ``doorlooptijd_gemiddeld`` over addresses with a planned stage, ``wachttijd_gemiddeld``
    and ``wachttijd_max`` over addresses with more than one planned stage); and counts.

    ``pairs`` (positions i, j within the scheduled programme addresses, as from
    :func:`gebied.neighbours.neighbour_pairs` on them) skips the neighbour search.
    """
    gereed = pd.to_numeric(addresses["gereed_periode"], errors="coerce")
    scheduled = gereed.notna().to_numpy()
    g = gereed.to_numpy(dtype=float)
    p50 = scheduled & (addresses["risicoprofiel"].astype("string") == "P50").fillna(False).to_numpy() if "risicoprofiel" in addresses else np.zeros(len(g), bool)

    def stat(mask: np.ndarray, q: float | None) -> float:
        if not mask.any():
            return float("nan")
        return float(np.mean(g[mask]) if q is None else np.percentile(g[mask], q))

    programme = scheduled & addresses["ncg_fase"].astype("string").notna().to_numpy()
    sub = addresses.iloc[np.flatnonzero(programme)]
    if pairs is None:
        found = neighbour_pairs(sub, distance=distance) if len(sub) > 1 else pd.DataFrame({"i": [], "j": []})
        pairs = np.c_[found["i"].to_numpy(int), found["j"].to_numpy(int)].reshape(-1, 2)
    gs = g[programme]
    gi, gj = gs[pairs[:, 0]], gs[pairs[:, 1]]
    diffs_all = np.abs(gi - gj)
    diffs = diffs_all[(gi >= 1) & (gj >= 1)]  # both still have work in the plan
    horizon = int(np.nanmax(np.r_[g[scheduled], 1.0])) if scheduled.any() else 1
    stuw = max(int(backlog(addresses, s, horizon).max(initial=0)) for s in STAGES[1:])
    metrics = {
        "adressen": int(scheduled.sum()),
        "adressen_P50": int(p50.sum()),
        "gereed_gemiddeld_P50": stat(p50, None),
        "gereed_p90_P50": stat(p50, 90),
        "gereed_gemiddeld": stat(scheduled, None),
        "gereed_p90": stat(scheduled, 90),
        "buurparen": int(len(diffs)),
        "buur_ongelijkheid": float(diffs.mean()) if len(diffs) else 0.0,
        "buurparen_incl_gereed": int(len(diffs_all)),
        "buur_ongelijkheid_incl_gereed": float(diffs_all.mean()) if len(diffs_all) else 0.0,
        "grootste_stuwmeer": stuw,
        "laatste_periode": horizon,
    }
    per = periods[periods["periode"] <= horizon]
    for s in STAGES:
        cap = per[f"{s}_capaciteit"].to_numpy(float)
        work = recomputed_work(addresses, s, horizon)
        metrics[f"aandeel_vol_{s}"] = float(np.mean(work >= FULL_SHARE * cap)) if len(cap) else 0.0
    return metrics | flow_metrics(addresses.iloc[np.flatnonzero(scheduled)])


def flow_metrics(addresses: pd.DataFrame) -> dict[str, float]:
    """Means of the flow measures (see :func:`compute_metrics`) from the stage periods."""
    per = np.column_stack([np.nan_to_num(v, nan=0.0) for v in _period_columns(addresses).values()]).astype(np.int64)
    per = per.reshape(-1, 3)
    cols = flow_columns(per)
    multi = (per > 0).sum(axis=1) > 1

    def mean(values: np.ndarray) -> float:
        values = values[~np.isnan(values)]
        return float(values.mean()) if len(values) else 0.0

    wait = cols["wachttijd"][multi]
    return {
        "duidelijkheid_gemiddeld": mean(np.where(per[:, 1] > 0, per[:, 1], np.nan).astype(float)),
        "doorlooptijd_gemiddeld": mean(cols["doorlooptijd"]),
        "wachttijd_gemiddeld": mean(wait),
        "wachttijd_max": int(np.nanmax(wait)) if len(wait) else 0,
    }


def recomputed_work(addresses: pd.DataFrame, stage: str, horizon: int) -> np.ndarray:
    """Capacity used per period 1 … horizon at ``stage``, from the per-address output."""
    p = _period_columns(addresses)[stage]
    w = _works(addresses) if stage == "uitvoering" else np.ones(len(p))
    has = ~np.isnan(p)
    return np.bincount(p[has].astype(int), weights=w[has], minlength=horizon + 1)[1 : horizon + 1]
