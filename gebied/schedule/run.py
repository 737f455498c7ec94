"""Schedule treintjes under capacity and compare strategies (``risico``, ``gebied``, ``plan``).

See :mod:`gebied.schedule.model` for the stage model. Under flow (``doorstroom``, a
treintje) a started unit passes its remaining stages in consecutive periods, so upstream
stages are paced to the capacity downstream; it is on by default for ``plan`` and
``gebied`` (:data:`FLOW_DEFAULT`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from gebied.codes import DEFAULT_CAPACITY, STAGES, STRATEGIES
from gebied.errors import GebiedError
from gebied.periods import period_label
from gebied.schedule.advice import capacity_advice
from gebied.schedule.bound import exposure_bound
from gebied.schedule.greedy import (
    Groups,
    HorizonError,
    Units,
    cluster_priorities,
    make_groups,
    make_units,
    pack,
)
from gebied.schedule.measures import Scores, address_periods, flow_columns
from gebied.schedule.metrics import compute_metrics, period_table
from gebied.schedule.optimise import strategy_order
from gebied.schedule.prepare import Setup, prepare
from gebied.schedule.requests import request_metrics
from gebied.schedule.select import (
    EQUALITY_TARGET,
    FINE_LIMIT,
    FINE_WEIGHTS,
    FLOW_TOLERANCE,
    LARGE_FINE_WEIGHTS,
    SAFETY_TOLERANCE,
    Candidate,
    choose,
    evaluate,
    plan_candidates,
    weighted,
)

#: Default size of the parts a cluster may be split into by ``plan`` (addresses).
DEFAULT_PART = 40
#: Strategies that run in flow (treintjes) unless told otherwise.
FLOW_DEFAULT: tuple[str, ...] = ("plan", "gebied")
#: Periods a request may wait by default (``verzoek_termijn``).
DEFAULT_REQUEST_TARGET = 2
#: Idle periods allowed between stages for the flow trade-off curve (None: no limit).
FLOW_CURVE_WAITS: tuple[int | None, ...] = (0, 1, 2, 4, None)

T = TypeVar("T")


@dataclass
class ScheduleResult:
    """A schedule: per address, per cluster, per period, and its metrics.

    ``requests`` holds the served requests (``None`` without requests); ``info`` how the
    plan was made (``keuze``, ``kandidaten``, ``doorstroom``, …).
    """

    addresses: pd.DataFrame
    clusters: pd.DataFrame
    periods: pd.DataFrame
    metrics: dict[str, Any]
    strategy: str = "plan"
    info: dict[str, Any] = field(default_factory=dict)
    requests: pd.DataFrame | None = None


def _max_wait(flow: bool, max_wait: int | None) -> int | None:
    if not flow:
        return None
    if max_wait is not None and max_wait < 0:
        raise GebiedError(f"maximale wachttijd {max_wait} moet 0 of meer zijn", column="max_wachttijd")
    return 0 if max_wait is None else int(max_wait)


def _retry(setup: Setup, run: Callable[[], T]) -> T:
    """Run, doubling the horizon while the plan does not fit in it."""
    for _ in range(4):
        try:
            return run()
        except HorizonError:
            setup.extend()
    return run()


def _units(setup: Setup, strategy: str, part_size: int) -> tuple[Units, Groups]:
    size = {"risico": 1, "gebied": None, "plan": part_size}[strategy]
    units = make_units(setup.pop, size=size, cap_min=setup.cap_min, core=strategy == "plan")
    return units, make_groups(setup.fixed, units, setup.gebied_of)


def _simple(setup: Setup, strategy: str, *, max_wait: int | None) -> Candidate:
    units, groups = _units(setup, strategy, DEFAULT_PART)
    order = strategy_order(strategy, setup.pop, units, setup.addresses, setup.gebied_of)
    return evaluate(setup, strategy, units, order, pack(units, order, setup.cap, groups, max_wait=max_wait), groups)


def _baseline(setup: Setup) -> Scores:
    """Scores of the risk-only baseline without flow (today's order)."""
    return _retry(setup, lambda: _simple(setup, "risico", max_wait=None)).scores


def _strategy(
    setup: Setup, strategy: str, *, max_wait: int | None, weight: float | None, part_size: int, base: Scores | None = None,
    bound: bool | None = None,
) -> tuple[Candidate, dict[str, Any]]:
    if strategy != "plan":
        return _retry(setup, lambda: _simple(setup, strategy, max_wait=max_wait)), {}
    units, groups = _units(setup, "plan", part_size)
    if weight is not None:
        if not 0.0 <= weight <= 1.0:
            raise GebiedError(f"gewicht {weight} ligt niet tussen 0 en 1", column="gewicht")
        chosen = _retry(setup, lambda: weighted(setup, units, groups, weight=weight, max_wait=max_wait))
        return chosen, {"keuze": chosen.name}
    area = _retry(setup, lambda: _simple(setup, "gebied", max_wait=max_wait))
    active = int(setup.pop.needs.any(axis=1).sum())
    fine = _units(setup, "plan", 1) if part_size > 1 else None
    weights = FINE_WEIGHTS if active <= FINE_LIMIT else LARGE_FINE_WEIGHTS
    candidates = _retry(
        setup, lambda: plan_candidates(setup, units, groups, area, max_wait=max_wait, fine=fine, fine_weights=weights)
    )
    base = base if base is not None else _baseline(setup)
    chosen, info = choose(candidates, base)
    if bound or (bound is None and chosen.scores.ratios(base)["ongelijkheid"] > EQUALITY_TARGET):
        info["ondergrens"] = exposure_bound(setup, base, safety=SAFETY_TOLERANCE, flow=FLOW_TOLERANCE).as_info()
    return chosen, info


def _flow_curve(setup: Setup, chosen: Candidate) -> list[dict[str, Any]]:
    """Early clarity against short chains: the chosen order packed with each allowed
    number of idle periods between stages."""
    rows = []
    for wait in FLOW_CURVE_WAITS:
        plan = _retry(setup, lambda w=wait: pack(chosen.units, chosen.order, setup.cap, chosen.groups, max_wait=w))
        sc = evaluate(setup, "", chosen.units, chosen.order, plan, chosen.groups).scores
        rows.append({
            "max_wachttijd": "geen grens" if wait is None else str(wait),
            "duidelijkheid_gemiddeld": round(sc.duidelijkheid, 3),
            "wachttijd_gemiddeld": round(sc.wachttijd, 3),
            "doorlooptijd_gemiddeld": round(sc.doorlooptijd, 3),
            "gereed_gemiddeld": round(sc.alle, 3),
            "grootste_stuwmeer": sc.stuwmeer,
        })
    return rows


def schedule(
    addresses: pd.DataFrame,
    clusters: pd.DataFrame | None = None,
    capacity: Mapping[str, float] | pd.DataFrame | str | os.PathLike = DEFAULT_CAPACITY,
    *,
    strategy: str = "plan",
    flow: bool | None = None,
    max_wait: int | None = None,
    periode: str = "kwartaal",
    start: str = "2027-K1",
    fixed: pd.DataFrame | str | os.PathLike | None = None,
    works_share: float | None = None,
    weight: float | None = None,
    part_size: int = DEFAULT_PART,
    reserve: Mapping[str, float] | None = None,
    requests: pd.DataFrame | str | os.PathLike | None = None,
    request_target: int = DEFAULT_REQUEST_TARGET,
    bound: bool | None = None,
    setup: Setup | None = None,
    base: Scores | None = None,
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
        clusters, area by area) or ``plan`` (the most equal candidate within the safety
        and flow limits of :mod:`gebied.schedule.select`).
    flow
        Treintjes in flow: a started unit passes its remaining stages in consecutive
        periods. ``None``: on for the strategies in :data:`FLOW_DEFAULT`.
    max_wait
        Under flow: idle periods allowed between stages (default 0).
    periode, start
        Period kind and label of period 1.
    fixed
        Steering-group input (``cluster_id`` or ``gebied_code``; ``prioriteit`` and/or
        ``start_periode``): a table from :func:`~gebied.schedule.model.read_fixed` or a CSV path.
    works_share
        Expected share of works for an unknown outcome; default from the data.
    weight
        ``plan``: a fixed weight of safety against neighbour equality (0 … 1) instead of
        the choice among candidates.
    part_size
        ``plan``: clusters may be split into compact parts of about this many addresses.
    reserve
        Capacity per stage and period kept free for requests (never used by the plan).
    requests, request_target
        Requests (a table from :func:`~gebied.schedule.requests.read_requests` or a CSV
        path), served first within ``request_target`` periods where capacity allows.
    setup, base
        Shared input and baseline scores (used by :func:`compare`).

    Returns
    -------
    ScheduleResult
    """
    if strategy not in STRATEGIES:
        raise GebiedError(f"onbekende strategie '{strategy}'; kies uit {', '.join(STRATEGIES)}", column="strategie")
    if setup is None:
        setup = prepare(
            addresses, clusters, capacity, periode=periode, start=start, fixed=fixed, works_share=works_share,
            reserve=reserve, requests=requests, request_target=request_target,
        )
    flow = strategy in FLOW_DEFAULT if flow is None else bool(flow)
    wait = _max_wait(flow, max_wait)
    chosen, info = _strategy(setup, strategy, max_wait=wait, weight=weight, part_size=part_size, base=base, bound=bound)
    info = {"eenheden": len(chosen.units.load), "doorstroom": flow, **info}
    if strategy == "plan":
        info["doorstroom_curve"] = _flow_curve(setup, chosen)
    result = _result(setup, chosen, strategy=strategy, info=info)
    if "ondergrens" in info:
        result.metrics["buur_ongelijkheid_ondergrens"] = info["ondergrens"]["ondergrens"]
    return result


def _result(setup: Setup, chosen: Candidate, *, strategy: str, info: dict[str, Any]) -> ScheduleResult:
    pop, addresses = setup.pop, setup.addresses
    n = len(addresses)
    rows = pop.index
    per = address_periods(pop, chosen.units.of, chosen.plan)
    flow = flow_columns(per, assessed=~pop.needs[:, 0] & ~pop.needs[:, 1])
    out = addresses.copy()
    for k, s in enumerate(STAGES):
        col = np.zeros(n, dtype=np.int64)
        col[rows] = per[:, k]
        out[f"{s}_periode"] = pd.array(np.where(col > 0, col, 0), dtype="Int64")
        out.loc[col <= 0, f"{s}_periode"] = pd.NA
    gereed = np.full(n, -1, dtype=np.int64)
    gereed[rows] = per.max(axis=1) if len(per) else 0  # 0: nothing left, done before the plan
    out["gereed_periode"] = pd.array(gereed, dtype="Int64")
    out.loc[gereed < 0, "gereed_periode"] = pd.NA
    werk = np.full(n, np.nan)
    werk[rows] = pop.werk
    out["werk_verwacht"] = pd.array(werk, dtype="Float64")
    for name, values in flow.items():
        col = np.full(n, np.nan)
        col[rows] = values
        out[name] = pd.array(col, dtype="Float64").astype("Int64")
    periods = period_table(out, setup.cap_full, start=setup.start, periode=setup.periode)
    metrics = compute_metrics(out, periods, pairs=setup.pairs)
    metrics["werk_aandeel_onbekend"] = round(pop.works_share, 4)
    metrics |= request_metrics(setup.requests)
    return ScheduleResult(
        addresses=out,
        clusters=cluster_table(
            out, start=setup.start, periode=setup.periode, priorities=cluster_priorities(chosen.units, chosen.groups)
        ),
        periods=periods,
        metrics=metrics,
        strategy=strategy,
        info=info,
        requests=None if setup.requests is None else setup.requests.table,
    )


def cluster_table(
    scheduled: pd.DataFrame, *, start: str = "2027-K1", periode: str = "kwartaal", priorities: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Per cluster: ``aantal_ingepland``, first period of each stage, ``start_periode``, ``gereed_periode``
    and ``prioriteit`` (the order of the plan, 1 first: by start period, then the steering
    group's ``priorities`` (per cluster, lower first, clusters without one last), then
    ``gereed_periode``)."""
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
    out["_prio"] = out["cluster_id"].map(dict(priorities or {})).astype("Float64").fillna(np.inf)
    out = out.sort_values(["start_periode", "_prio", "gereed_periode", "cluster_id"], kind="stable").drop(columns="_prio")
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
    flow: Collection[str] | None = None,
    **options: Any,
) -> dict[str, ScheduleResult]:
    """Run every strategy on the same input, ``lead`` first; options as for :func:`schedule`.

    ``flow`` names the strategies that run in flow (default :data:`FLOW_DEFAULT`). The
    population, neighbour pairs, requests and the baseline are computed once.

    Returns
    -------
    dict
        ``{strategy: ScheduleResult}`` in the order run: ``lead``, then the others in the
        order of :data:`gebied.codes.STRATEGIES`.
    """
    options.pop("strategy", None)
    flow = FLOW_DEFAULT if flow is None else tuple(flow)
    unknown = [s for s in flow if s not in STRATEGIES]
    if unknown:
        raise GebiedError(f"onbekende strategie '{unknown[0]}' bij doorstroom; kies uit {', '.join(STRATEGIES)}", column="doorstroom")
    prep_keys = ("periode", "start", "fixed", "works_share", "reserve", "requests", "request_target")
    setup = prepare(addresses, clusters, capacity, **{k: options.pop(k) for k in prep_keys if k in options})
    base = _baseline(setup)
    return {
        s: schedule(addresses, clusters, capacity, strategy=s, flow=s in flow, setup=setup, base=base, **options)
        for s in dict.fromkeys([lead, *STRATEGIES])
    }


def advise(
    addresses: pd.DataFrame,
    clusters: pd.DataFrame | None = None,
    capacity: Mapping[str, float] = DEFAULT_CAPACITY,
    *,
    target: int,
    strategy: str = STRATEGIES[0],
    **options: Any,
) -> dict[str, Any]:
    """Capacity advice (:func:`gebied.schedule.advice.capacity_advice`) for ``strategy``:
    the smallest capacity, one factor on ``capacity``, with which every programme address
    is gereed by period ``target``; options as for :func:`schedule`. Also returns
    ``eind_periode_gegeven``: the period in which the programme ends with ``capacity``."""
    if not isinstance(capacity, Mapping):
        raise GebiedError("capaciteitsadvies kan alleen met een vaste capaciteit per fase (geen tabel)", column="capaciteit")

    def end(cap: Mapping[str, float]) -> int:
        return int(schedule(addresses, clusters, cap, strategy=strategy, **options).metrics["laatste_periode"])

    return {"eind_periode_gegeven": end(capacity), **capacity_advice(end, capacity, target=target)}


def schedule_info(runs: Mapping[str, ScheduleResult], lead: str) -> dict[str, Any]:
    """What the report shows of how the plan was made (JSON-safe): the choice and its
    candidates (the equality trade-off curve), the flow trade-off curve and the requests."""
    main = runs[lead]
    info: dict[str, Any] = {
        "strategie": lead,
        "keuze": str(main.info.get("keuze", lead)),
        "binnen_grenzen": bool(main.info.get("binnen_grenzen", True)),
        "doorstroom": {name: bool(r.info.get("doorstroom")) for name, r in runs.items()},
        "kandidaten": main.info.get("kandidaten", {}),
        "doorstroom_curve": main.info.get("doorstroom_curve", []),
    }
    if "ondergrens" in main.info:
        info["ondergrens"] = main.info["ondergrens"]
    if main.requests is not None:
        table = main.requests.astype(object).where(main.requests.notna(), None)
        info["verzoeken"] = table.to_dict("records")
    return info
