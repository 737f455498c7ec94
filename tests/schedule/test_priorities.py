"""A steering group's priority moves its cluster: on a hand-built village, as a property over
random priorities, and end to end through `gebied planning` and `gebied plan` with `--vast`.

The rule (docs/opdrachten/planning.md, "Het model"): a cluster with priority 1 goes first, as a
whole, within the capacity: it starts no later than every cluster without a priority and no
later than clusters with a larger number (a fixed start period still wins), and the order of
the plan (`volgorde`) puts it first among the clusters that start in the same period.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gebied.cli import app
from gebied.errors import GebiedWarning
from gebied.schedule.run import STRATEGIES, compare, schedule
from gebied.validate import validate_addresses

runner = CliRunner()
CAP60 = {"opname": 60, "beoordeling": 60, "uitvoering": 60}
#: every mode that honours priorities: each strategy with and without flow (doorstroom)
MODES = [(s, f) for s in STRATEGIES for f in (False, True)]


def village(n_clusters: int = 5, size: int = 30, *, phases=("1.2", "3.1", "4.1"), risky: bool = True) -> pd.DataFrame:
    """Clusters ``C0``… of ``size`` addresses in a row of blocks; all high-risk (P50/P90) except
    the last one (overig) when ``risky``. The addresses cycle through ``phases``, so with
    mixed phases every cluster has work in period 1 at each stage (as in a real village)."""
    rows = []
    for c in range(n_clusters):
        for i in range(size):
            low = c == n_clusters - 1 or not risky
            fase = phases[i % len(phases)]
            rows.append({
                "adres_id": f"A{c:02d}{i:03d}", "pand_id": f"P{c:02d}{i:03d}",
                "x": 233000.0 + c * 200 + (i % 6) * 10, "y": 582000.0 + (i // 6) * 10,
                "risicoprofiel": "overig" if low else ("P50" if i % 2 == 0 else "P90"), "batch": "batch_1",
                "ncg_fase": fase, "uitkomst": "onbekend" if fase in ("1.2", "2.1", "3.1") else "versterken",
            })
    a = validate_addresses(pd.DataFrame(rows))
    a["cluster_id"] = pd.array([f"C{k // size}" for k in range(len(a))], dtype="string")
    a["cluster_status"] = pd.array(["normaal"] * len(a), dtype="string")
    return a


def fixed(priorities: dict[str, int], starts: dict[str, int] | None = None) -> pd.DataFrame:
    starts = starts or {}
    ids = sorted(set(priorities) | set(starts))
    return pd.DataFrame({
        "cluster_id": ids,
        "prioriteit": pd.array([priorities.get(c) for c in ids], dtype="Int64"),
        "start_periode": pd.array([starts.get(c) for c in ids], dtype="Int64"),
    })


def assert_goes_first(c: pd.DataFrame, first: str, label) -> None:
    others = c.drop(index=first)
    assert c.loc[first, "start_periode"] <= others["start_periode"].min(), label
    assert c.loc[first, "gereed_periode"] <= others["gereed_periode"].min(), label
    assert c.loc[first, "prioriteit"] == 1, label  # the order of the plan (`volgorde` in plan.gpkg)


@pytest.mark.parametrize("phases", [("1.2",), ("1.2", "3.1", "4.1")], ids=["opname", "gemengd"])
@pytest.mark.parametrize(("strategy", "flow"), MODES)
def test_low_risk_cluster_with_priority_1_goes_first(strategy, flow, phases):
    a = village(size=60, phases=phases)
    plain = schedule(a, None, CAP60, strategy=strategy, flow=flow).clusters.set_index("cluster_id")
    assert plain.loc["C4", "prioriteit"] > 1 and plain.loc["C4", "gereed_periode"] > plain["gereed_periode"].min()  # last without
    r = schedule(a, None, CAP60, strategy=strategy, flow=flow, fixed=fixed({"C4": 1}))
    assert_goes_first(r.clusters.set_index("cluster_id"), "C4", (strategy, flow))


def test_every_strategy_compared_honours_the_priority():
    a = village()
    runs = compare(a, None, CAP60, fixed=fixed({"C4": 1}))  # flow as by default (plan and gebied)
    for name, r in runs.items():
        assert_goes_first(r.clusters.set_index("cluster_id"), "C4", name)


def test_fixed_start_still_wins_and_the_next_priority_follows():
    a = village(phases=("1.2",))
    # C0 fixed in period 1 (no priority) fills half of period 1; C4 priority 1, C3 priority 2
    for strategy, flow in MODES:
        r = schedule(a, None, CAP60, strategy=strategy, flow=flow, fixed=fixed({"C4": 1, "C3": 2}, {"C0": 1}))
        c = r.clusters.set_index("cluster_id")
        label = (strategy, flow)
        assert c.loc["C0", "start_periode"] == 1, label
        assert c.loc["C4", "start_periode"] <= c.loc["C3", "start_periode"] <= c.loc[["C1", "C2"], "start_periode"].min(), label
        assert c.loc["C4", "prioriteit"] < c.loc["C3", "prioriteit"], label


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prio=st.lists(st.sampled_from([0, 1, 2, 3]), min_size=5, max_size=5),
    cap=st.sampled_from([20, 30, 45, 60]),
    mode=st.sampled_from(MODES),
)
def test_property_start_and_order_follow_priority(prio, cap, mode):
    """Equal clusters (all in opname, all overig): the start period is monotone in priority
    (no priority counts as last), and so is the order of the plan within a start period."""
    strategy, flow = mode
    a = village(size=20, phases=("1.2",), risky=False)
    given = {f"C{k}": p for k, p in enumerate(prio) if p}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GebiedWarning)
        r = schedule(a, None, dict.fromkeys(CAP60, cap), strategy=strategy, flow=flow, fixed=fixed(given) if given else None)
    c = r.clusters.set_index("cluster_id")
    key = {f"C{k}": (p or np.inf) for k, p in enumerate(prio)}
    for g in c.index:
        for h in c.index:
            if key[g] < key[h]:
                assert c.loc[g, "start_periode"] <= c.loc[h, "start_periode"], (g, h, mode)
                if c.loc[g, "start_periode"] == c.loc[h, "start_periode"]:
                    assert c.loc[g, "prioriteit"] < c.loc[h, "prioriteit"], (g, h, mode)


def test_planning_cli_with_vast(tmp_path):
    a = village()
    path = tmp_path / "geclusterd.gpkg"
    a.to_file(path, layer="adressen")
    vast = tmp_path / "prio.csv"
    vast.write_text("cluster_id,prioriteit\nC4,1\n", encoding="utf-8")
    for doorstroom in (["--doorstroom", "geen"], []):
        out = tmp_path / f"planning{len(doorstroom)}"
        res = runner.invoke(app, ["planning", str(path), "--capaciteit", "opname=60,beoordeling=60,uitvoering=60",
                                  "--vast", str(vast), "--uit", str(out), *doorstroom])
        assert res.exit_code == 0, res.output
        c = pd.read_csv(out / "clusters.csv").set_index("cluster_id")
        assert_goes_first(c, "C4", doorstroom)


@pytest.fixture(scope="module")
def ravenwerd(tmp_path_factory):
    """One demo village (the reported case) as input files for `gebied plan`."""
    from tests.homes import write_demo_village

    return write_demo_village(tmp_path_factory.mktemp("dorp"))


@pytest.mark.parametrize("doorstroom", [["--doorstroom", "geen"], []], ids=["geen", "standaard"])
def test_plan_cli_vast_moves_the_last_cluster_first(ravenwerd, tmp_path, doorstroom):
    import geopandas as gpd

    def run(out, *extra):
        g = ravenwerd / "gebieden.gpkg"
        res = runner.invoke(app, ["plan", str(ravenwerd / "adressen.csv"), "-g", f"gemeente={g}#gemeente",
                                  "-g", f"buurt={g}#buurt", "--uit", str(out), "--geen-pdf", "--max", "60",
                                  "--capaciteit", "opname=60,beoordeling=60,uitvoering=60", *doorstroom, *extra])
        assert res.exit_code == 0, res.output
        return gpd.read_file(out / "plan.gpkg", layer="clusters").set_index("cluster_id")

    before = run(tmp_path / "zonder")
    last = before["volgorde"].idxmax()
    vast = tmp_path / "prio.csv"
    vast.write_text(f"cluster_id,prioriteit\n{last},1\n", encoding="utf-8")
    after = run(tmp_path / "met", "--vast", str(vast))
    assert after.loc[last, "prioriteit"] == 1 and after["prioriteit"].notna().sum() == 1
    assert after.loc[last, "volgorde"] == 1
    assert after.loc[last, "start_periode"] <= after["start_periode"].min()
    assert after.loc[last, "gereed_periode"] < before.loc[last, "gereed_periode"]
