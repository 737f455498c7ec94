"""Flow (treintjes), reserved capacity, requests and the capacity advice."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gebied.errors import GebiedError
from gebied.schedule.model import STAGES
from gebied.schedule.run import advise, compare, schedule
from tests.schedule.test_schedule import CAP, check_invariants, programme


def _periods(result) -> pd.DataFrame:
    a = result.addresses
    return pd.DataFrame({s: pd.to_numeric(a[f"{s}_periode"]).astype(float) for s in STAGES})


def test_single_cluster_runs_in_consecutive_periods():
    a = programme(40, seed=2, cell=1000.0)  # one cluster
    a["ncg_fase"] = a["ncg_fase"].where(a["ncg_fase"].isna(), "1.2")
    a["uitkomst"] = a["uitkomst"].where(a["ncg_fase"].isna(), "versterken")
    a["cluster_id"] = a["cluster_id"].where(a["ncg_fase"].isna(), "C0")
    r = schedule(a, None, {"opname": 100, "beoordeling": 100, "uitvoering": 100}, strategy="gebied")
    per = _periods(r).dropna()
    assert (per["opname"] == 1).all() and (per["beoordeling"] == 2).all() and (per["uitvoering"] == 3).all()
    assert r.metrics["wachttijd_gemiddeld"] == 0 and r.metrics["doorlooptijd_gemiddeld"] == 3


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(20, 120), seed=st.integers(0, 50), strategy=st.sampled_from(["plan", "gebied", "risico"]),
       cap=st.tuples(st.integers(8, 40), st.integers(8, 40), st.integers(3, 20)))
def test_flow_never_waits_between_stages(n, seed, strategy, cap):
    a = programme(n, seed=seed)
    capacity = dict(zip(STAGES, cap))
    r = schedule(a, None, capacity, strategy=strategy, flow=True)
    check_invariants(r, capacity)
    wait = r.addresses["wachttijd"].dropna().astype(int)
    assert (wait == 0).all()
    per = _periods(r)
    for s0, s1 in zip(STAGES, STAGES[1:]):
        both = per[s0].notna() & per[s1].notna()
        assert (per.loc[both, s1] == per.loc[both, s0] + 1).all()


def test_flow_paces_upstream_to_works_capacity():
    a = programme(200, seed=4)
    cap = {"opname": 40, "beoordeling": 40, "uitvoering": 5}
    with_flow = schedule(a, None, cap, strategy="gebied", flow=True).metrics
    without = schedule(a, None, cap, strategy="gebied", flow=False).metrics
    assert with_flow["wachttijd_gemiddeld"] == 0 < without["wachttijd_gemiddeld"]
    assert with_flow["grootste_stuwmeer"] <= without["grootste_stuwmeer"]
    assert with_flow["duidelijkheid_gemiddeld"] >= without["duidelijkheid_gemiddeld"]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 40), strategy=st.sampled_from(["plan", "gebied", "risico"]), reserve=st.integers(1, 4))
def test_reserved_capacity_is_never_used_by_the_plan(seed, strategy, reserve):
    a = programme(100, seed=seed)
    res = {"opname": reserve, "beoordeling": reserve, "uitvoering": 1}
    r = schedule(a, None, CAP, strategy=strategy, reserve=res)
    check_invariants(r, {s: CAP[s] - res[s] for s in STAGES})


def _requests(tmp_path, a, rows):
    path = tmp_path / "verzoeken.csv"
    ids = a["adres_id"].astype(str).tolist()
    lines = ["adres_id,soort,datum"] + [f"{ids[k]},{soort},{datum}" for k, soort, datum in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_requests_meet_their_target_and_keep_capacity(tmp_path):
    a = programme(150, seed=7)
    rows = [(k, "opname_op_verzoek", "2027-02-01") for k in range(6)] + [(10 + k, "herbeoordeling", "2027-05-15") for k in range(4)]
    path = _requests(tmp_path, a, rows)
    res = {"opname": 2, "beoordeling": 2, "uitvoering": 0}
    runs = compare(a, None, CAP, reserve=res, requests=path, request_target=2)
    for r in runs.values():
        req = r.requests
        assert len(req) == 10 and req["binnen_termijn"].all()
        assert r.metrics["verzoeken_binnen_termijn"] == 1.0
        # plan + requests within capacity; the plan never uses the reserve
        for s in ("opname", "beoordeling"):
            by_req = pd.to_numeric(req[f"{s}_periode"]).dropna().astype(int).value_counts()
            plan = pd.to_numeric(r.addresses[f"{s}_periode"]).dropna().astype(int).value_counts()
            for t, used in plan.items():
                assert used + by_req.get(t, 0) <= CAP[s]
                assert used <= CAP[s] - max(res[s], by_req.get(t, 0))


def test_requests_by_coordinates_and_bad_rows(tmp_path):
    a = programme(60, seed=3)
    x, y = a.geometry.x.iloc[0] + 2, a.geometry.y.iloc[0]
    path = tmp_path / "v.csv"
    path.write_text(f"x,y,soort,datum\n{x},{y},herbeoordeling,2027-01-10\n", encoding="utf-8")
    r = schedule(a, None, CAP, strategy="gebied", requests=path)
    assert r.requests["adres_id"].iloc[0] == str(a["adres_id"].iloc[0])
    bad = tmp_path / "bad.csv"
    bad.write_text("adres_id,soort,datum\nA00001,keuring,2027-01-10\n", encoding="utf-8")
    with pytest.raises(GebiedError) as exc:
        schedule(a, None, CAP, strategy="gebied", requests=bad)
    assert exc.value.row == 2 and exc.value.column == "soort"
    bad.write_text("adres_id,soort,datum\nA00001,herbeoordeling,gisteren\n", encoding="utf-8")
    with pytest.raises(GebiedError) as exc:
        schedule(a, None, CAP, strategy="gebied", requests=bad)
    assert exc.value.row == 2 and exc.value.column == "datum"


@pytest.mark.parametrize("strategy", ["gebied", "plan"])
def test_capacity_advice_applied_finishes_and_five_percent_less_does_not(strategy):
    a = programme(160, seed=11)
    given_end = schedule(a, None, CAP, strategy=strategy).metrics["laatste_periode"]
    target = max(3, given_end - 3)
    advice = advise(a, None, CAP, target=target, strategy=strategy)
    assert advice["eind_periode_gegeven"] == given_end
    cap = advice["capaciteit"]
    assert schedule(a, None, cap, strategy=strategy).metrics["laatste_periode"] <= target
    less = {s: v * 0.95 for s, v in cap.items()}
    assert schedule(a, None, less, strategy=strategy).metrics["laatste_periode"] > target
    smallest = advice["capaciteit_per_fase"]
    assert all(smallest[s] <= cap[s] for s in STAGES)
    assert schedule(a, None, smallest, strategy=strategy).metrics["laatste_periode"] <= target
    for s in STAGES:
        one_less = {**smallest, s: smallest[s] * 0.95}
        end = schedule(a, None, one_less, strategy=strategy).metrics["laatste_periode"]
        assert end > target and end == advice["per_fase_5_procent_minder"][s]


def test_capacity_advice_bad_target():
    with pytest.raises(GebiedError):
        advise(programme(40), None, CAP, target=0, strategy="gebied")


def test_flow_columns_are_consistent():
    r = schedule(programme(120, seed=6), None, CAP, strategy="risico", flow=False)
    a = r.addresses
    per = _periods(r)
    planned = per.notna().sum(axis=1)
    first = per.min(axis=1)
    has = planned > 0
    g = a["gereed_periode"].astype(float)
    assert (a.loc[has, "doorlooptijd"].astype(float) == (g - first + 1)[has]).all()
    assert (a.loc[has, "wachttijd"].astype(float) == (g - first + 1 - planned)[has]).all()
    clear = per["beoordeling"].notna()
    assert (a.loc[clear, "duidelijkheid_periode"].astype(float) == per.loc[clear, "beoordeling"]).all()
    assert np.isfinite(r.metrics["duidelijkheid_gemiddeld"])
