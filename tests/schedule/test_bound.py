"""The certified lower bound on neighbour exposure (gebied.schedule.bound)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gebied.report.planning import planning_context
from gebied.schedule.bound import exposure_bound
from gebied.schedule.prepare import prepare
from gebied.schedule.run import (
    DEFAULT_PART,
    _baseline,
    _simple,
    _units,
    compare,
    schedule,
    schedule_info,
)
from gebied.schedule.select import EQUALITY_TARGET, acceptable, plan_candidates
from gebied.validate import validate_addresses
from tests.schedule.test_schedule import CAP, programme

ONE = {"opname": 1, "beoordeling": 1, "uitvoering": 1}


def star() -> pd.DataFrame:
    """A P50 address with three other neighbours 40 m away (69 m from each other); only
    works left and one works slot per period: the P50 address must come first, so its
    neighbours wait 1, 2 and 3 periods in every plan (exposure 1.0 × risico)."""
    angle = np.deg2rad([0.0, 120.0, 240.0])
    raw = pd.DataFrame({
        "adres_id": [f"A{i}" for i in range(4)],
        "pand_id": [f"P{i}" for i in range(4)],
        "x": np.r_[233000.0, 233000.0 + 40 * np.cos(angle)],
        "y": np.r_[582000.0, 582000.0 + 40 * np.sin(angle)],
        "risicoprofiel": ["P50", "overig", "overig", "overig"],
        "batch": "batch_1",
        "ncg_fase": "4.1",
        "uitkomst": "versterken",
    })
    addresses = validate_addresses(raw)
    addresses["cluster_id"] = pd.array(["C0"] * 4, dtype="string")
    return addresses


def test_bound_proves_target_infeasible_on_star():
    setup = prepare(star(), None, ONE)
    bound = exposure_bound(setup, _baseline(setup))
    assert bound.status == "opgelost"
    assert bound.ratio > EQUALITY_TARGET
    assert abs(bound.ratio - 2 / 3) < 1e-6  # P50 at 1.5 at most, the others share 2 … 4
    runs = compare(star(), None, ONE)
    metrics = runs["plan"].metrics
    assert metrics["buur_ongelijkheid_ondergrens"] > EQUALITY_TARGET
    ratio = metrics["buur_ongelijkheid_incl_gereed"] / runs["risico"].metrics["buur_ongelijkheid_incl_gereed"]
    assert ratio >= metrics["buur_ongelijkheid_ondergrens"] - 1e-9
    assert runs["plan"].info["ondergrens"]["adressen"] == 4


def test_bound_reaches_planning_info_and_report():
    info = schedule_info(compare(star(), None, ONE), "plan")
    assert info["ondergrens"]["ondergrens"] > EQUALITY_TARGET
    assert planning_context(info)["gelijkheid_grafiek"].startswith("data:image/png")


def test_bound_without_limits_may_be_lower():
    setup = prepare(star(), None, ONE)
    base = _baseline(setup)
    free = exposure_bound(setup, base, safety=None, flow=None)
    assert free.exposure <= exposure_bound(setup, base).exposure + 1e-9


def test_bound_only_when_target_missed_unless_asked():
    a = programme(80, seed=3)
    r = schedule(a, None, CAP, strategy="plan")
    ratio = r.info["kandidaten"][r.info["keuze"]]["ongelijkheid"]
    assert ("ondergrens" in r.info) == (ratio > EQUALITY_TARGET)
    asked = schedule(a, None, CAP, strategy="plan", bound=True)
    assert "buur_ongelijkheid_ondergrens" in asked.metrics
    assert "ondergrens" not in schedule(a, None, CAP, strategy="plan", bound=False).info


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(15, 70), seed=st.integers(0, 60),
       cap=st.tuples(st.integers(4, 20), st.integers(4, 20), st.integers(2, 8)))
def test_bound_below_every_plan(n, seed, cap):
    a = programme(n, seed=seed)
    capacity = dict(zip(("opname", "beoordeling", "uitvoering"), cap))
    setup = prepare(a, None, capacity)
    base = _baseline(setup)
    limited = exposure_bound(setup, base)
    free = exposure_bound(setup, base, safety=None, flow=None)
    coarse = exposure_bound(setup, base, max_cells=40)  # most addresses in classes
    assert coarse.exposure <= limited.exposure + 1e-6
    units, groups = _units(setup, "plan", DEFAULT_PART)
    area = _simple(setup, "gebied", max_wait=0)
    candidates = plan_candidates(setup, units, groups, area, max_wait=0, fine=_units(setup, "plan", 1))
    for c in candidates:
        assert free.exposure <= c.scores.blootstelling + 1e-6
        if acceptable(c.scores.ratios(base))[0]:
            assert limited.exposure <= c.scores.blootstelling + 1e-6
    for strategy in ("risico", "gebied", "plan"):
        for flow in (False, True):
            r = schedule(a, None, capacity, strategy=strategy, flow=flow)
            assert free.exposure <= r.metrics["buur_ongelijkheid_incl_gereed"] + 1e-6
