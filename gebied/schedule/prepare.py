"""The shared input of one scheduling run: population, capacity, neighbours, steering input.

Built once by :func:`gebied.schedule.run.compare` and used by every strategy, so that the
population, the neighbour pairs and the requests are computed only once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gebied.codes import STAGES
from gebied.errors import GebiedError
from gebied.neighbours import neighbour_pairs
from gebied.periods import check_periode, period_label, period_number
from gebied.schedule.greedy import cluster_attribute
from gebied.schedule.model import SCALE, Population, capacity_table, prepare_population, read_capacity, read_fixed
from gebied.schedule.requests import RequestPlan, plan_requests, reserve_table

#: Neighbour distance of the equality measure (metres).
EQUALITY_DISTANCE = 50.0


def capacity_input(capacity: Any, start: str, periode: str) -> Mapping[str, float] | pd.DataFrame:
    """Capacity as a dict, or a table with period numbers (from a table or a CSV path)."""
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


@dataclass
class Setup:
    """Everything the strategies share.

    ``cap`` is the capacity left for the plan per period and stage (hundredths of an
    address), after reserved capacity and the requests; ``cap_full`` the capacity given.
    """

    addresses: pd.DataFrame
    clusters: pd.DataFrame | None
    pop: Population
    cap_in: Mapping[str, float] | pd.DataFrame
    cap_full: np.ndarray
    cap: np.ndarray
    horizon: int
    start: str
    periode: str
    fixed: pd.DataFrame | None
    requests: RequestPlan | None = None
    reserve: np.ndarray | None = None
    gebied_of: dict[str, str] = field(default_factory=dict)

    @cached_property
    def pairs(self) -> np.ndarray:
        """Neighbour pairs (within 50 m or in one pand) over population positions."""
        sub = self.addresses.iloc[self.pop.index]
        if len(sub) < 2:
            return np.zeros((0, 2), dtype=np.int64)
        return neighbour_pairs(sub, distance=EQUALITY_DISTANCE)[["i", "j"]].to_numpy(np.int64)

    @cached_property
    def cap_min(self) -> np.ndarray:
        """Smallest positive capacity per stage (units are split to fit it)."""
        big = np.iinfo(np.int64).max
        return np.array([self.cap[:, s][self.cap[:, s] > 0].min(initial=big) for s in range(3)])

    def extend(self) -> None:
        """Double the horizon (when a plan does not fit)."""
        self.horizon *= 2
        self.cap_full = capacity_table(self.cap_in, self.horizon)
        used = np.zeros_like(self.cap_full)
        if self.requests is not None:
            used[: len(self.requests.used)] = self.requests.used
        reserve = np.zeros_like(self.cap_full)
        if self.reserve is not None:
            reserve[: len(self.reserve)] = self.reserve
            reserve[len(self.reserve) :] = self.reserve[-1]
        self.cap = self.cap_full - np.maximum(reserve, used)
        self.__dict__.pop("cap_min", None)


def prepare(
    addresses: pd.DataFrame,
    clusters: pd.DataFrame | None,
    capacity: Any,
    *,
    periode: str = "kwartaal",
    start: str = "2027-K1",
    fixed: pd.DataFrame | str | os.PathLike | None = None,
    works_share: float | None = None,
    reserve: Mapping[str, float] | None = None,
    requests: pd.DataFrame | str | os.PathLike | None = None,
    request_target: int = 2,
) -> Setup:
    """Check the options and build the shared input of a scheduling run."""
    check_periode(periode)
    period_label(1, start=start, periode=periode)
    cap_in = capacity_input(capacity, start, periode)
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
    reserved = reserve_table(reserve, len(probe)) if reserve else None
    free_tail = tail - (reserved[-1] if reserved is not None else 0)
    if reserved is not None and (free_tail <= 0).any() and (total > 0).any():
        stage = STAGES[int(np.argmax(free_tail <= 0))]
        raise GebiedError(f"de gereserveerde {stage}-capaciteit is even groot als de capaciteit of groter", column="reserve")
    horizon = int(2 * np.ceil((total / np.maximum(free_tail, 1)).max()) + len(probe) + fixed_max + 12)
    request_plan = None
    if requests is not None:
        request_plan = plan_requests(
            requests, addresses, capacity_table(cap_in, horizon), reserved,
            start=start, periode=periode, target=request_target,
        )
        horizon = max(horizon, len(request_plan.used) + 12)
    setup = Setup(
        addresses=addresses, clusters=clusters, pop=pop, cap_in=cap_in, cap_full=np.zeros((0, 3), np.int64),
        cap=np.zeros((0, 3), np.int64), horizon=(horizon + 1) // 2, start=start, periode=periode, fixed=fixed,
        requests=request_plan, reserve=reserved,
    )
    setup.extend()  # builds the capacity tables at ``horizon``
    setup.gebied_of = cluster_attribute(addresses, clusters, pop, "gebied_code")
    return setup
