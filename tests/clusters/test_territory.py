"""Cluster territories: no overlap, near their homes, inside their area."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebied.clusters.territory import TERRITORY_RADIUS_M, cluster_territories


def _addresses(xy, keys, area=None):
    frame = gpd.GeoDataFrame({"cluster_id": pd.array(keys, dtype="string")}, geometry=gpd.points_from_xy(*np.array(xy).T), crs=28992)
    if area is not None:
        frame["buurt_code"] = area
    return frame


def _overlap(geoms):
    g = np.asarray(geoms)
    left, right = shapely.STRtree(g).query(g, predicate="intersects")
    pair = left < right
    return float(shapely.area(shapely.intersection(g[left[pair]], g[right[pair]])).sum())


def test_interleaved_rows_get_disjoint_territories():
    # two streets 20 m apart, houses every 10 m, plus an address outside any cluster
    xy = [(x, 0) for x in range(0, 200, 10)] + [(x, 20) for x in range(0, 200, 10)] + [(100, 10)]
    keys = ["a"] * 20 + ["b"] * 20 + [None]
    terr = cluster_territories(_addresses(xy, keys))
    assert list(terr.index) == ["a", "b"]
    assert _overlap(terr.values) < 1e-6
    pts = _addresses(xy, keys)
    assert terr["a"].covers(shapely.MultiPoint(xy[:20])) and terr["b"].covers(shapely.MultiPoint(xy[20:40]))
    assert not terr["a"].contains(shapely.Point(100, 10)) and not terr["b"].contains(shapely.Point(100, 10))
    # near the homes: nothing farther than the radius from the cluster's own addresses
    hull = shapely.buffer(shapely.MultiPoint(xy[:20]), TERRITORY_RADIUS_M + 1e-6)
    assert hull.covers(terr["a"])
    assert len(pts) == 41


def test_clipped_to_the_area_of_the_addresses():
    xy = [(0, 0), (10, 0), (30, 0)]
    areas = gpd.GeoDataFrame({"code": ["BU1", "BU2"]}, geometry=[shapely.box(-100, -100, 20, 100), shapely.box(20, -100, 100, 100)], crs=28992)
    terr = cluster_territories(_addresses(xy, ["a", "a", "b"], area=["BU1", "BU1", "BU2"]), areas=areas, area_column="buurt_code")
    assert areas.geometry[0].buffer(1e-6).covers(terr["a"]) and areas.geometry[1].buffer(1e-6).covers(terr["b"])


def test_one_address_and_shared_positions():
    assert cluster_territories(_addresses([(5, 5)], ["a"])).iloc[0].area > 0
    terr = cluster_territories(_addresses([(0, 0), (0, 0), (0, 0), (50, 0)], ["a", "a", "b", "b"]))
    assert terr["a"].contains(shapely.Point(0, 0)) and not terr["b"].contains(shapely.Point(0, 0))
    assert _overlap(terr.values) < 1e-6
