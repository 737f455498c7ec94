"""Real data: the plan schedule on the shared programme file against the risico baseline.

Behaviour only; how long it takes is measured in bench/bench_schedule.py.
"""

from __future__ import annotations

import warnings

import pytest

from gebied.schedule.metrics import compute_metrics
from gebied.schedule.run import schedule

CAPACITY = {"opname": 400, "beoordeling": 400, "uitvoering": 150}


@pytest.fixture(scope="module")
def clustered(programma):
    from gebied.clusters.make import make_clusters

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make_clusters(programma, area_column="pc4_code")


@pytest.fixture(scope="module")
def runs(clustered):
    out = {}
    for strategy in ("risico", "plan"):
        out[strategy] = schedule(clustered, None, CAPACITY, strategy=strategy)
    return out


def test_plan_targets_against_risico(runs):
    base, plan = runs["risico"].metrics, runs["plan"].metrics
    assert plan["buur_ongelijkheid"] <= 0.5 * base["buur_ongelijkheid"]
    assert plan["gereed_gemiddeld_P50"] <= 1.5 * base["gereed_gemiddeld_P50"]
    assert plan["gereed_gemiddeld"] <= 1.1 * base["gereed_gemiddeld"]
    assert plan["grootste_stuwmeer"] <= base["grootste_stuwmeer"]


def test_real_invariants_and_metrics(runs, clustered):
    from tests.schedule.test_schedule import check_invariants

    for result in runs.values():
        check_invariants(result, CAPACITY)
        again = compute_metrics(result.addresses, result.periods)
        assert again["buur_ongelijkheid"] == pytest.approx(result.metrics["buur_ongelijkheid"])
        assert again["gereed_gemiddeld_P50"] == pytest.approx(result.metrics["gereed_gemiddeld_P50"])
    pop = clustered["cluster_id"].notna() & clustered["ncg_fase"].notna()
    assert runs["plan"].metrics["adressen"] == int(pop.sum())
