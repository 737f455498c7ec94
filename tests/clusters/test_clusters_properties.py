"""Property tests: the hard cluster rules hold on random inputs."""

from __future__ import annotations

import warnings

import networkx as nx
import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gebied.clusters.make import make_clusters
from gebied.clusters.check import check_clusters
from gebied.clusters.graph import delaunay_edges
from tests.clusters.helpers import frame

FASEN = ["1.2", "2.1", "3.1", "5.2", "gereed", ""]


@st.composite
def instances(draw):
    n = draw(st.integers(1, 70))
    flat = draw(st.booleans())  # all homes on one line now and then
    span = draw(st.sampled_from([3, 10, 40]))
    rows = []
    for _ in range(n):
        x = draw(st.integers(0, span)) * 7.0
        y = 0.0 if flat else draw(st.integers(0, span)) * 5.0
        rows.append(
            {
                "x": x,
                "y": y,
                "gebied": draw(st.sampled_from(["A", "B", "C", ""])),
                "pand_id": draw(st.sampled_from(["", "", "", "P1", "P2", "P3", "P4"])),
                "ncg_fase": draw(st.sampled_from(FASEN)),
                "straat": draw(st.sampled_from(["Dorpsstraat", "Kerkpad", ""])),
                "risicoprofiel": draw(st.sampled_from(["P50", "P90", "overig", ""])),
            }
        )
    lo = draw(st.integers(1, 15))
    hi = draw(st.integers(lo, lo + 40))
    target = draw(st.integers(lo, hi))
    include_all = draw(st.booleans())
    return rows, lo, hi, target, include_all


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_hard_rules_hold_on_random_inputs(case):
    rows, lo, hi, target, include_all = case
    addresses = frame(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = make_clusters(
            addresses, area_column="gebied", min_size=lo, max_size=hi, target_size=target,
            include_all=include_all,
        )
        violations = check_clusters(
            out, area_column="gebied", min_size=lo, max_size=hi, include_all=include_all
        )
    assert violations.empty, violations.to_string()

    # Population, independently of the library.
    fase = addresses["ncg_fase"]
    in_pop = addresses["gebied"].astype("string").str.strip().replace("", pd.NA).notna()
    if not include_all:
        in_pop &= fase.notna() & (fase != "gereed")
    assert np.array_equal(out["cluster_id"].notna().to_numpy(), in_pop.fillna(False).to_numpy(bool))

    clustered = out[out["cluster_id"].notna()]
    if clustered.empty:
        return
    # A building is never split.
    per_pand = clustered.dropna(subset=["pand_id"]).groupby("pand_id")["cluster_id"].nunique()
    assert (per_pand <= 1).all()
    # Sizes and statuses agree.
    size = clustered.groupby("cluster_id").size()
    status = clustered.groupby("cluster_id")["cluster_status"].agg(lambda s: set(s))
    assert (status.map(len) == 1).all()
    status = status.map(lambda s: next(iter(s)))
    assert size[status == "normaal"].between(lo, hi).all()
    assert (size[status == "te_klein"] < lo).all()
    assert (size[status == "groot_pand"] > hi).all()
    # A cluster above max is one block of addresses linked by building or by location.
    for cid in size[size > hi].index:
        members = clustered[clustered["cluster_id"] == cid]
        g = nx.Graph()
        g.add_nodes_from(members.index)
        for key in (members["pand_id"], members.geometry.x.astype(str) + members.geometry.y.astype(str)):
            for _, group in members.index.to_series().groupby(key.to_numpy()):
                g.add_edges_from(zip(group.iloc[:-1], group.iloc[1:]))
        assert nx.is_connected(g)
    # The cluster id names its area.
    area_mode = clustered.groupby("cluster_id")["gebied"].agg(lambda s: s.mode().iloc[0])
    assert all(cid.startswith(f"{a}-C") for cid, a in area_mode.items())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=80),
    st.booleans(),
)
def test_delaunay_graph_is_connected_and_planar(coords, flat):
    pts = np.unique(np.array([(x, 0 if flat else y) for x, y in coords], dtype=float), axis=0)
    edges = delaunay_edges(pts)
    g = nx.Graph()
    g.add_nodes_from(range(len(pts)))
    g.add_edges_from(map(tuple, edges))
    assert nx.is_connected(g)
    assert len(edges) <= max(3 * len(pts) - 6, len(pts) - 1)
    assert nx.check_planarity(g)[0]
