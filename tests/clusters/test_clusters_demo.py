"""Treintjes on the fictitious demo region (gebied.demo)."""

from __future__ import annotations

import warnings

import pytest

from gebied.clusters.make import check_clusters, make_clusters, planning_level, summarize_clusters
from gebied.demo.region import make_demo_region
from gebied.join import join_areas


@pytest.fixture(scope="module")
def demo():
    layers, addresses = make_demo_region()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return join_areas(addresses, layers)


@pytest.mark.parametrize("column", ["buurt_code", "woonplaats_code"])
def test_demo_clusters_hold_the_hard_rules(demo, column):
    out = make_clusters(demo, area_column=column)
    assert check_clusters(out, area_column=column).empty
    clusters = summarize_clusters(out, area_column=column)
    normal = clusters[clusters["cluster_status"] == "normaal"]
    assert normal["aantal"].between(10, 150).all()
    assert len(normal) / len(clusters) > 0.8
    assert (clusters.loc[clusters["cluster_status"] == "groot_pand", "aantal"] > 150).all()
    # Every cluster outline contains its addresses.
    joined = out.dropna(subset=["cluster_id"]).merge(
        clusters[["cluster_id", "geometry"]].rename(columns={"geometry": "outline"}), on="cluster_id"
    )
    import shapely

    assert shapely.contains(joined["outline"].values, joined["geometry"].values).all()
    assert clusters["toelichting"].str.len().gt(20).all()


def test_demo_planning_levels_cover_every_place(demo):
    cols = ["gemeente_code", "woonplaats_code", "wijk_code", "buurt_code"]
    levels = planning_level(demo, area_columns=cols)
    for col in cols:
        base = col[:-5]
        assert set(levels.loc[levels["niveau"] == base, "code"]) == set(demo[col].dropna())
    assert levels["planningsniveau"].isin(["gemeente", "dorp", "wijk", "buurt", "straat/blok"]).all()
    assert levels["toelichting"].notna().all()


@pytest.mark.parametrize(
    ("niveau", "naam", "expected"),
    [
        ("woonplaats", "Klaarwolde", "dorp"),  # farms and detached homes mixed in every street
        ("wijk", "Maarhorn-Zuid", "wijk"),  # post-war wijk of identical rijwoningen
        ("woonplaats", "Maarhorn", "buurt"),  # a town whose buurten differ, each alike inside
        ("wijk", "Maarhorn-Noord", "buurt"),
        ("wijk", "Maarhorn-Centrum", "straat/blok"),  # mixed old centre
    ],
)
def test_demo_shows_every_planning_level(demo, niveau, naam, expected):
    cols = ["gemeente_code", "woonplaats_code", "wijk_code", "buurt_code"]
    levels = planning_level(demo, area_columns=cols)
    code = demo.loc[demo[f"{niveau}_naam"] == naam, f"{niveau}_code"].iloc[0]
    row = levels[(levels["niveau"] == niveau) & (levels["code"] == code)].iloc[0]
    assert row["planningsniveau"] == expected, row["toelichting"]
    assert "% tussen de" in row["toelichting"] and "Verscheidenheid" in row["toelichting"]
