"""Treintjes on the shared city file (25,000 real BAG points) joined to real PC4 polygons.

Behaviour only; how long it takes is measured in bench/bench_clusters.py.
"""

from __future__ import annotations

import numpy as np

from gebied.clusters.make import check_clusters, make_clusters, summarize_clusters


def test_programme_clusters_hold_the_rules_within_pc4(programma):
    out = make_clusters(programma, area_column="pc4_code")
    assert check_clusters(out, area_column="pc4_code").empty
    fase = programma["ncg_fase"]
    in_pop = (fase.notna() & (fase != "gereed")).to_numpy(bool)
    assert np.array_equal(out["cluster_id"].notna().to_numpy(), in_pop)
    clusters = summarize_clusters(out, area_column="pc4_code")
    pop_per_area = out[in_pop].groupby("pc4_code").size()
    for row in clusters.itertuples():
        if row.cluster_status == "te_klein":
            # Only allowed for areas with fewer than 10 programme homes, or when every
            # neighbouring cluster is too full (the check above covers that case).
            assert row.aantal < 10
        else:
            assert 10 <= row.aantal <= 150
    # A distance threshold of 250 m left 55 groups below 10 homes; we leave almost none.
    assert (clusters["cluster_status"] == "te_klein").sum() <= (pop_per_area < 10).sum() + 2


def test_all_25000_addresses_get_a_cluster(programma):
    out = make_clusters(programma, area_column="pc4_code", include_all=True)
    assert out["cluster_id"].notna().all()
    sizes = out.groupby("cluster_id").size()
    assert sizes.between(10, 150).mean() > 0.99
    assert abs(sizes.median() - 60) <= 10
    assert check_clusters(out, area_column="pc4_code", include_all=True).empty


def test_planning_level_on_the_city_file(programma):
    """Each populated PC4 gets a level with its figures; the streets of the city file differ."""
    from gebied.clusters.level import CUTOFF, planning_level

    levels = planning_level(programma, area_columns=["pc4_code"])
    populated = levels[levels["aantal_adressen"] >= 10]
    assert len(populated) >= 25
    assert populated["aandeel_tussen_straten"].between(0, 1).all()
    assert populated["toelichting"].str.contains("tussen de").all()
    # typology is set per street in this file: most of the diversity lies between the streets
    split = populated["aandeel_tussen_straten"] >= CUTOFF
    assert (populated.loc[split, "planningsniveau"] == "straat/blok").all()
    assert (populated.loc[~split, "planningsniveau"] == "buurt").all()
