"""Schedule treintjes under capacity and compare strategies (``risico``, ``gebied``, ``plan``).

See :mod:`gebied.schedule.model` for the stage model.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gebied.codes import DEFAULT_CAPACITY, STAGES, STRATEGIES
from gebied.errors import GebiedError
from gebied.periods import check_periode, period_label, period_number
from gebied.schedule.greedy import (
    Units,
    cluster_attribute,
    make_groups,
    make_units,
    pack,
)
from gebied.schedule.metrics import compute_metrics, period_table
from gebied.schedule.model import (
    Population,
    capacity_table,
    prepare_population,
    read_capacity,
    read_fixed,
)
from gebied.schedule.optimise import optimise
from gebied.schedule.select import choose_plan

#: Default trade-off: share of the objective for safety (the rest for equality).
DEFAULT_WEIGHT = 0.45
#: Default size of the parts a cluster may be split into by ``plan`` (addresses).
DEFAULT_PART = 40


@dataclass
class ScheduleResult:
    """A schedule: per address, per cluster, per period, and its metrics."""

    addresses: pd.DataFrame
    clusters: pd.DataFrame
    periods: pd.DataFrame
    metrics: dict[str, Any]
    strategy: str = "plan"
    info: dict[str, Any] = field(default_factory=dict)


def _order(strategy: str, pop: Population, units: Units, addresses: pd.DataFrame, gebied_of: dict[str, str]) -> np.ndarray:
    """Unit order of the greedy list schedule for a strategy."""
    nu = len(units.load)
    if strategy == "risico":
        first = np.array([m[0] for m in units.members], dtype=np.int64)
        ids = addresses["adres_id"].astype(str).to_numpy()[pop.index[first]] if nu else np.array([])
        return np.lexsort((ids, pop.batch[first].astype(str), pop.risk_rank[first])) if nu else np.zeros(0, int)
    # cluster strategies: areas with the highest P50 share first, clusters in id order
    frame = pd.DataFrame({"u": np.arange(nu), "cluster": units.cluster, "p50": units.p50, "n": units.size})
    frame["gebied"] = [gebied_of.get(c, "") for c in units.cluster]
    if strategy == "gebied":
        area = frame.groupby("gebied")[["p50", "n"]].sum()
        share = (area["p50"] / area["n"]).rename("area_share")
        frame = frame.join(share, on="gebied")
        frame = frame.sort_values(["area_share", "gebied", "cluster", "u"], ascending=[False, True, True, True])
        return frame["u"].to_numpy()
    # plan greedy: clusters by P50 share, parts within a cluster by P50 share
    cl = frame.groupby("cluster")[["p50", "n"]].sum()
    frame = frame.join((cl["p50"] / cl["n"]).rename("cl_share"), on="cluster")
    frame["share"] = frame["p50"] / frame["n"]
    frame = frame.sort_values(["cl_share", "cluster", "share", "u"], ascending=[False, True, False, True])
    return frame["u"].to_numpy()


def _capacity_input(capacity: Any, start: str, periode: str) -> Mapping[str, float] | pd.DataFrame:
    if isinstance(capacity, (str, os.PathLike)):
        return read_capacity(Path(capacity), start=start, periode=periode)
    if isinstance(capacity, pd.DataFrame):
        table = capacity.copy()
        for col in ("periode", *STAGES):
            if col not in table.columns:
                raise GebiedError(f"kolom '{col}' ontbreekt in de capaciteitstabel", column=col)
        table["periode"] = [period_number(v, start=start, periode=periode) for v in table["periode"]]
        return table
    return dict(capacity)


def schedule(
    addresses: pd.DataFrame,
    clusters: pd.DataFrame | None = None,
    capacity: Mapping[str, float] | pd.DataFrame | str | os.PathLike = DEFAULT_CAPACITY,
    *,
    strategy: str = "plan",
    periode: str = "kwartaal",
    start: str = "2027-K1",
    fixed: pd.DataFrame | str | os.PathLike | None = None,
    works_share: float | None = None,
    weight: float | None = None,
    part_size: int = DEFAULT_PART,
    seed: int = 0,
    time_limit: float = 10.0,
) -> ScheduleResult:
    """Schedule the clustered programme under capacity per stage and period.

    Parameters
    ----------
    addresses
        Addresses with ``cluster_id`` (NA = not in the population) and ``ncg_fase``.
    clusters
        Optional cluster layer (``cluster_id``, ``gebied_code``, ``gemeente_code``).
    capacity
        Addresses per stage per period: a dict, a table (``periode`` + stage columns,
        capacity from that period on) or the path of such a CSV.
    strategy
        ``risico`` (address by address by risicoprofiel, then batch), ``gebied`` (whole
        clusters, area by area) or ``plan`` (clusters optimised with CP-SAT).
    periode, start
        Period kind and label of period 1.
    fixed
        Steering-group input (``cluster_id`` or ``gebied_code``; ``prioriteit`` and/or
        ``start_periode``): a table from :func:`read_fixed` or a CSV path.
    works_share
        Expected share of works for an unknown outcome; default from the data.
    weight
        ``plan``: weight of safety against neighbour equality (0 … 1). ``None`` (the
        default) chooses the most equal candidate plan within the safety and flow limits
        of :mod:`gebied.schedule.select` (an ε-constraint choice along the trade-off curve).
    part_size
        ``plan``: clusters may be split into compact parts of about this many addresses.
    seed, time_limit
        ``plan``: solver seed and time limit in seconds.

    Returns
    -------
    ScheduleResult
    """
    if strategy not in STRATEGIES:
        raise GebiedError(f"onbekende strategie '{strategy}'; kies uit {', '.join(STRATEGIES)}", column="strategie")
    check_periode(periode)
    period_label(1, start=start, periode=periode)
    if strategy == "plan" and weight is None:
        return choose_plan(
            schedule, addresses, clusters, capacity, time_limit=time_limit,
            periode=periode, start=start, fixed=fixed, works_share=works_share, part_size=part_size, seed=seed,
        )
    weight = DEFAULT_WEIGHT if weight is None else weight
    if not 0.0 <= weight <= 1.0:
        raise GebiedError(f"gewicht {weight} ligt niet tussen 0 en 1", column="gewicht")
    cap_in = _capacity_input(capacity, start, periode)
    if isinstance(fixed, (str, os.PathLike)):
        fixed = read_fixed(Path(fixed), start=start, periode=periode)
    pop = prepare_population(addresses, works_share=works_share)
    total = pop.load.sum(axis=0)
    probe = capacity_table(cap_in, 1 if not isinstance(cap_in, pd.DataFrame) else int(cap_in["periode"].max()))
    tail = probe[-1]
    for s in range(3):
        if total[s] and tail[s] <= 0:
            raise GebiedError(f"de {STAGES[s]}-capaciteit is 0 in de laatste periode van de capaciteitstabel", column=STAGES[s])
    fixed_max = int(fixed["start_periode"].max()) if fixed is not None and fixed["start_periode"].notna().any() else 0
    horizon = int(2 * np.ceil((total / np.maximum(tail, 1)).max()) + len(probe) + fixed_max + 12)
    cap = capacity_table(cap_in, horizon)
    cap_min = np.array([cap[:, s][cap[:, s] > 0].min() for s in range(3)])
    size = {"risico": 1, "gebied": None, "plan": part_size}[strategy]
    units = make_units(pop, size=size, cap_min=cap_min, core=strategy == "plan")
    gebied_of = cluster_attribute(addresses, clusters, pop, "gebied_code")
    groups = make_groups(fixed, units, gebied_of)
    order = _order(strategy, pop, units, addresses, gebied_of)
    plan = pack(units, order, cap, groups)
    info: dict[str, Any] = {"eenheden": len(units.load)}
    if strategy == "plan":
        plan, info_plan = optimise(
            addresses, clusters, pop, units, plan, cap, groups,
            weight=weight, seed=seed, time_limit=time_limit,
        )
        info |= info_plan
    return _result(addresses, pop, units, plan, cap, strategy=strategy, start=start, periode=periode, info=info)


def _result(addresses, pop, units, plan, cap, *, strategy, start, periode, info) -> ScheduleResult:
    n = len(addresses)
    cols = {s: np.full(n, -1, dtype=np.int64) for s in STAGES}
    gereed = np.full(n, -1, dtype=np.int64)
    werk = np.full(n, np.nan)
    has_unit = units.of >= 0
    rows = pop.index
    for k, s in enumerate(STAGES):
        if len(plan) == 0:  # nothing to schedule
            val = np.full(len(units.of), -1, dtype=np.int64)
        else:
            val = np.where(has_unit & pop.needs[:, k], plan[np.maximum(units.of, 0), k], -1)
        cols[s][rows] = val
    last = np.max(np.vstack([cols[s][rows] for s in STAGES]), axis=0)
    gereed[rows] = np.where(last > 0, last, 0)  # nothing left to do: done before the plan
    werk[rows] = pop.werk
    out = addresses.copy()
    for s in STAGES:
        out[f"{s}_periode"] = pd.array(np.where(cols[s] > 0, cols[s], 0), dtype="Int64").astype("Int64")
        out.loc[cols[s] <= 0, f"{s}_periode"] = pd.NA
    out["gereed_periode"] = pd.array(gereed, dtype="Int64")
    out.loc[gereed < 0, "gereed_periode"] = pd.NA
    out["werk_verwacht"] = pd.array(werk, dtype="Float64")
    periods = period_table(out, cap, start=start, periode=periode)
    metrics = compute_metrics(out, periods)
    metrics["werk_aandeel_onbekend"] = round(pop.works_share, 4)
    return ScheduleResult(
        addresses=out,
        clusters=cluster_table(out, start=start, periode=periode),
        periods=periods,
        metrics=metrics,
        strategy=strategy,
        info=info,
    )


def cluster_table(scheduled: pd.DataFrame, *, start: str = "2027-K1", periode: str = "kwartaal") -> pd.DataFrame:
    """Per cluster: ``aantal_ingepland``, first period of each stage, ``start_periode``, ``gereed_periode``
    and ``prioriteit`` (the order of the plan, 1 first)."""
    sub = scheduled[scheduled["gereed_periode"].notna() & scheduled["cluster_id"].notna()]
    frame = pd.DataFrame({"cluster_id": sub["cluster_id"].astype(str)})
    for s in STAGES:
        frame[s] = pd.to_numeric(sub[f"{s}_periode"], errors="coerce")
    frame["gereed"] = pd.to_numeric(sub["gereed_periode"], errors="coerce")
    frame["first"] = frame[list(STAGES)].min(axis=1)
    g = frame.groupby("cluster_id", sort=True)
    out = pd.DataFrame({"aantal_ingepland": g.size()})
    for s in STAGES:
        out[f"{s}_periode"] = g[s].min()
    out["start_periode"] = g["first"].min()
    out["gereed_periode"] = g["gereed"].max()
    out["gereed_gemiddeld"] = g["gereed"].mean().round(2)
    out = out.reset_index()
    out["start_periode"] = out["start_periode"].fillna(out["gereed_periode"])
    out = out.sort_values(["start_periode", "gereed_periode", "cluster_id"], kind="stable")
    out["prioriteit"] = np.arange(1, len(out) + 1)
    for col in [*(f"{s}_periode" for s in STAGES), "start_periode", "gereed_periode"]:
        out[col] = out[col].astype("Int64")
    out["start_label"] = [period_label(int(v), start=start, periode=periode) if pd.notna(v) and v > 0 else pd.NA for v in out["start_periode"]]
    out["gereed_label"] = [period_label(int(v), start=start, periode=periode) if pd.notna(v) and v > 0 else pd.NA for v in out["gereed_periode"]]
    return out.reset_index(drop=True)


def compare(
    addresses: pd.DataFrame,
    clusters: pd.DataFrame | None = None,
    capacity: Any = DEFAULT_CAPACITY,
    *,
    lead: str = STRATEGIES[0],
    **options: Any,
) -> dict[str, ScheduleResult]:
    """Run every strategy on the same input, ``lead`` first; options as for :func:`schedule`.

    Returns
    -------
    dict
        ``{strategy: ScheduleResult}`` in the order run: ``lead``, then the others in the
        order of :data:`gebied.codes.STRATEGIES`.
    """
    options.pop("strategy", None)
    return {s: schedule(addresses, clusters, capacity, strategy=s, **options) for s in dict.fromkeys([lead, *STRATEGIES])}
