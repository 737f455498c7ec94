"""Treintjes on small hand-built geometries: hard rules, corner cases and edited clusterings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gebied.clusters.make import make_clusters
from gebied.clusters.check import check_clusters
from gebied.clusters.graph import delaunay_edges
from gebied.errors import GebiedError
from tests.clusters.helpers import frame, grid, sizes


def test_grid_is_split_within_bounds_and_passes_the_check():
    addresses = frame(grid(20, 15))  # 300 homes
    out = make_clusters(addresses, area_column="gebied", min_size=20, max_size=50, target_size=35)
    s = sizes(out)
    assert s.sum() == 300
    assert s.between(20, 50).all(), s.to_dict()
    assert (out["cluster_status"] == "normaal").all()
    assert out["cluster_id"].str.startswith("B1-C").all()
    assert check_clusters(out, area_column="gebied", min_size=20, max_size=50).empty
    # About total / target clusters.
    assert 300 // 50 <= len(s) <= 300 // 20


def test_sizes_near_target():
    out = make_clusters(frame(grid(30, 20)), area_column="gebied", target_size=60)
    s = sizes(out)
    assert len(s) == pytest.approx(600 / 60, abs=2)
    assert s.between(10, 150).all()


def test_population_excludes_gereed_and_empty_phase_unless_alle():
    rows = grid(6, 5)
    for i, r in enumerate(rows):
        r["ncg_fase"] = ["2.1", "gereed", "", "5.2", "1.2"][i % 5]
    addresses = frame(rows)
    out = make_clusters(addresses, area_column="gebied", min_size=2, max_size=10)
    in_pop = addresses["ncg_fase"].notna() & (addresses["ncg_fase"] != "gereed")
    assert out["cluster_id"].notna().equals(in_pop.astype(bool))
    assert out.loc[~in_pop, "cluster_status"].isna().all()
    everyone = make_clusters(addresses, area_column="gebied", min_size=2, max_size=10, include_all=True)
    assert everyone["cluster_id"].notna().all()
    assert check_clusters(everyone, area_column="gebied", min_size=2, max_size=10, include_all=True).empty


def test_clusters_stay_within_their_area():
    rows = grid(10, 10, area="B1") + [dict(r, x=r["x"] + 5, gebied="B2") for r in grid(10, 10)]
    out = make_clusters(frame(rows), area_column="gebied", min_size=10, max_size=40)
    per = out.groupby("cluster_id")["gebied"].nunique()
    assert (per == 1).all()
    assert set(out["cluster_id"].str[:2]) == {"B1", "B2"}


def test_pand_is_never_split_even_when_its_addresses_lie_apart():
    rows = grid(12, 12)
    for i in range(0, 144, 11):  # one building with addresses spread over the whole grid
        rows[i]["pand_id"] = "P1"
    out = make_clusters(frame(rows), area_column="gebied", min_size=10, max_size=40)
    assert out.loc[out["pand_id"] == "P1", "cluster_id"].nunique() == 1
    assert check_clusters(out, area_column="gebied", min_size=10, max_size=40).empty


def test_big_building_is_its_own_cluster():
    rows = grid(8, 8) + [{"x": 35, "y": 35.5, "gebied": "B1", "pand_id": "FLAT"} for _ in range(70)]
    out = make_clusters(frame(rows), area_column="gebied", min_size=10, max_size=50)
    flat = out[out["pand_id"] == "FLAT"]
    assert flat["cluster_id"].nunique() == 1
    assert (flat["cluster_status"] == "groot_pand").all()
    assert sizes(out)[flat["cluster_id"].iloc[0]] == 70
    others = out[out["pand_id"] != "FLAT"]
    assert (others["cluster_status"] != "groot_pand").all()
    assert check_clusters(out, area_column="gebied", min_size=10, max_size=50).empty


def test_small_area_is_one_te_klein_cluster():
    rows = grid(10, 10) + [{"x": 500 + i, "y": 0, "gebied": "KLEIN"} for i in range(4)]
    out = make_clusters(frame(rows), area_column="gebied", min_size=10, max_size=40)
    small = out[out["gebied"] == "KLEIN"]
    assert small["cluster_id"].nunique() == 1
    assert (small["cluster_status"] == "te_klein").all()
    assert check_clusters(out, area_column="gebied", min_size=10, max_size=40).empty


def test_infeasible_area_keeps_max_and_marks_the_rest_te_klein():
    # 155 homes: a building of 150 and 5 single homes; min 10, max 150 cannot both hold.
    rows = [{"x": 0, "y": 0, "gebied": "B1", "pand_id": "GROOT"} for _ in range(150)]
    rows += [{"x": 20 + 10 * i, "y": 0, "gebied": "B1"} for i in range(5)]
    out = make_clusters(frame(rows), area_column="gebied", min_size=10, max_size=150)
    s = sizes(out).sort_values()
    assert s.tolist() == [5, 150]
    status = out.groupby("cluster_id")["cluster_status"].first()
    assert status[s.index[0]] == "te_klein" and status[s.index[1]] == "normaal"
    assert check_clusters(out, area_column="gebied", min_size=10, max_size=150).empty


def test_co_located_addresses_count_as_one_point():
    rows = [{"x": 0, "y": 0, "gebied": "B1"} for _ in range(12)] + grid(5, 5)
    rows[0]["x"] = rows[0]["x"]  # 12 flats at one point (no pand_id) next to a grid
    out = make_clusters(frame(rows), area_column="gebied", min_size=5, max_size=20)
    assert out.iloc[:12]["cluster_id"].nunique() == 1
    assert check_clusters(out, area_column="gebied", min_size=5, max_size=20).empty


def test_collinear_homes_are_linked_along_the_line():
    rows = [{"x": 7 * i, "y": 3 * i, "gebied": "B1"} for i in range(40)]
    out = make_clusters(frame(rows), area_column="gebied", min_size=5, max_size=12)
    ids = out["cluster_id"].to_numpy()
    # Along the line every cluster is one run.
    runs = 1 + int((ids[1:] != ids[:-1]).sum())
    assert runs == len(set(ids))
    assert sizes(out).between(5, 12).all()


def test_delaunay_edges_connect_all_points_and_are_planar():
    rng = np.random.default_rng(1)
    pts = np.unique(rng.integers(0, 50, size=(200, 2)).astype(float), axis=0)
    e = delaunay_edges(pts)
    assert len(e) <= 3 * len(pts) - 6
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(len(pts)))
    g.add_edges_from(map(tuple, e))
    assert nx.is_connected(g)
    assert len(delaunay_edges(pts[:1])) == 0
    assert delaunay_edges(pts[:2]).tolist() == [[0, 1]]


# ---------------------------------------------------------------- edited clusterings


@pytest.fixture()
def line():
    """Ten homes on a street, clustered as two runs of five."""
    rows = [{"x": 10 * i, "y": 0, "gebied": "B1", "pand_id": f"P{i}"} for i in range(10)]
    out = make_clusters(frame(rows), area_column="gebied", min_size=5, max_size=5)
    assert sizes(out).tolist() == [5, 5]
    return out


def rules(v: pd.DataFrame) -> set[str]:
    return set(v["regel"])


def test_check_flags_a_jump_over_another_clusters_homes(line):
    edited = line.copy()
    a, b = edited["cluster_id"].iloc[0], edited["cluster_id"].iloc[9]
    edited.loc[[0, 1, 8, 9], "cluster_id"] = a  # a jumps over b's homes in between
    edited.loc[2:7, "cluster_id"] = b
    v = check_clusters(edited, area_column="gebied", min_size=4, max_size=6)
    assert rules(v) == {"samenhang"}
    assert set(v["adres_id"]) in ({"A00000", "A00001"}, {"A00008", "A00009"})


def test_check_accepts_a_long_edge_over_empty_land():
    rows = grid(3, 3) + [dict(r, x=r["x"] + 2000) for r in grid(3, 3)]
    out = make_clusters(frame(rows), area_column="gebied", min_size=18, max_size=18)
    assert sizes(out).tolist() == [18]
    assert check_clusters(out, area_column="gebied", min_size=18, max_size=18).empty


def test_check_flags_split_pand_area_size_and_missing(line):
    edited = line.copy()
    edited["pand_id"] = edited["pand_id"].astype(object)
    edited.loc[[4, 5], "pand_id"] = "SAMEN"  # one building in both clusters
    v = check_clusters(edited, area_column="gebied", min_size=5, max_size=5)
    assert rules(v) == {"pand"}

    merged = line.copy()
    merged["cluster_id"] = merged["cluster_id"].iloc[0]
    v = check_clusters(merged, area_column="gebied", min_size=5, max_size=5)
    assert rules(v) == {"te_groot"}

    dropped = line.copy()
    dropped.loc[0, "cluster_id"] = pd.NA
    v = check_clusters(dropped, area_column="gebied", min_size=4, max_size=6)
    assert rules(v) == {"zonder_cluster"}

    moved = line.copy()
    moved.loc[9, "gebied"] = "B2"
    v = check_clusters(moved, area_column="gebied", min_size=4, max_size=6)
    assert "gebied" in rules(v)


def test_check_flags_small_cluster_that_a_neighbour_can_take(line):
    edited = line.copy()
    edited.loc[[3, 4], "cluster_id"] = "B1-C99"  # 3 | 2 | 5 on a line
    v = check_clusters(edited, area_column="gebied", min_size=3, max_size=6)
    assert rules(v) == {"te_klein"}
    assert set(v["cluster_id"]) == {"B1-C99"}
    # 4 | 2 | 4 with max 5: no neighbour can take it in, so it is allowed.
    edited["cluster_id"] = ["A"] * 4 + ["C99"] * 2 + ["B"] * 4
    v = check_clusters(edited, area_column="gebied", min_size=3, max_size=5)
    assert v.empty
    v = check_clusters(edited, area_column="gebied", min_size=3, max_size=6)
    assert rules(v) == {"te_klein"}


def test_missing_area_column_is_a_dutch_error():
    with pytest.raises(GebiedError, match="kolom 'buurt' ontbreekt"):
        make_clusters(frame(grid(3, 3)), area_column="buurt")
    with pytest.raises(GebiedError, match="--max"):
        make_clusters(frame(grid(3, 3)), area_column="gebied", min_size=20, max_size=10)
