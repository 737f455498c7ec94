"""Flags per area and the join-count test (checked against esda.Join_Counts)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from gebied.errors import GebiedError
from gebied.flags.rules import FLAG_TYPES, flag_inequality
from gebied.flags.summary import balanced_split, flag_summary, join_count_test
from tests.homes import addresses, home


def test_join_count_agrees_with_esda():
    esda = pytest.importorskip("esda")
    libpysal = pytest.importorskip("libpysal")
    rng = np.random.default_rng(3)
    n = 60
    xy = rng.uniform(0, 100, (n, 2))
    y = xy[:, 0] + rng.normal(0, 15, n) > 50  # spatially trending labels
    edges = np.array([(i, j) for i in range(n) for j in range(i + 1, n) if np.hypot(*(xy[i] - xy[j])) < 20])
    neighbours = {k: [] for k in range(n)}
    for i, j in edges:
        neighbours[i].append(j)
        neighbours[j].append(i)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.W(neighbours)
        np.random.seed(0)
        ref = esda.Join_Counts(y.astype(int), w, permutations=999)
    stat, expected, p = join_count_test(y, edges[:, 0], edges[:, 1], permutations=999, seed=0)
    assert stat == ref.bb
    assert expected == pytest.approx(ref.mean_bb, rel=0.05)
    assert p == pytest.approx(ref.p_sim_bb, abs=0.03)


def test_balanced_split():
    assert balanced_split(np.array([0, 0, 7, 7])).tolist() == [False, False, True, True]
    assert balanced_split(np.array([1, 2, 3, 4, 5])).sum() in (2, 3)
    assert not balanced_split(np.array([3, 3, 3])).any()


def village():
    """Area W: a street of 20 homes, the west half done, the east half just started.

    Area K: five homes only. Area N: two homes, no programme.
    """
    rows = []
    for k in range(20):
        rows.append(home(f"W{k}", 10 * k, 0, ncg_fase="gereed" if k < 10 else "1.2", typologie=f"t{k}"))
    for k in range(5):
        rows.append(home(f"K{k}", 1000 + 10 * k, 0, ncg_fase="3.1", uitkomst="versterken"))
    rows.append(home("N0", 1040, 8))  # outside, next to K4: buiten_programma
    rows.append(home("N1", 5000, 0))
    a = addresses(rows)
    a["dorp_code"] = pd.array(["W"] * 20 + ["K"] * 5 + ["N", "N"], dtype="string")
    return a


def test_flag_summary_per_area():
    a = village()
    flags = flag_inequality(a, distance=15)
    summary = flag_summary(a, flags, area_column="dorp", distance=15, permutations=499).set_index("gebied_code")
    assert summary.index.tolist() == ["K", "N", "W"]
    w = summary.loc["W"]
    # only the junction W9 (gereed) – W10 (1.2) is within 15 m: one tempo flag
    assert (w["aantal_adressen"], w["in_programma"], w["tempo_verschil"], w["aantal_vlaggen"]) == (20, 20, 1, 1)
    assert w["adressen_met_vlag"] == 2 and w["aandeel_met_vlag"] == pytest.approx(0.1)
    # the done half sits together: 9 BB joins on a chain of 19, expected 19·10·9/(20·19) = 4.5
    assert (w["jc_voorlopers"], w["jc_verbindingen"], w["jc_statistiek"]) == (10, 19, 9)
    assert w["jc_verwacht"] == pytest.approx(4.5)
    assert w["jc_p"] < 0.01 and w["jc_conclusie"].startswith("geclusterd")
    k = summary.loc["K"]
    assert np.isnan(k["jc_p"]) and "minder dan 10 adressen" in k["jc_conclusie"]
    n = summary.loc["N"]
    assert n["buiten_programma"] == 1 and n["in_programma"] == 0 and np.isnan(n["aandeel_met_vlag"])
    assert summary[list(FLAG_TYPES)].to_numpy().sum() == len(flags)


def test_flag_summary_random_phases_not_clustered():
    rng = np.random.default_rng(7)
    phases = ["1.2", "gereed"] * 20
    rng.shuffle(phases)
    rows = [home(f"a{k}", 10 * (k % 8), 10 * (k // 8), ncg_fase=phases[k], typologie=f"t{k}") for k in range(40)]
    a = addresses(rows)
    a["dorp_code"] = pd.array(["D"] * 40, dtype="string")
    flags = flag_inequality(a, distance=10.5)
    row = flag_summary(a, flags, area_column="dorp_code", distance=10.5).iloc[0]
    assert row["jc_p"] > 0.05 and row["jc_conclusie"].startswith("niet geclusterd")


def test_unknown_area_column_is_a_dutch_error():
    a = village()
    with pytest.raises(GebiedError, match="gebiedskolom 'wijk' bestaat niet") as info:
        flag_summary(a, flag_inequality(a), area_column="wijk")
    assert info.value.column == "wijk" and "dorp_code" in str(info.value)
