"""`gebied plan` on the published files: outputs only where the addresses are, territories.

One run of the whole plan through the CLI on the CBS wijk- en buurtkaart and BAG fixtures
(built from the real files), with the coordinate-free programme list.
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gebied.privacy import seamless_union
from tests.areas.published_fixture import write_bag, write_wijkenbuurten
from tests.areas.test_published import WATER_CODES, cli

#: Margin (degrees, about 1 km) allowed around the addresses' extent for the opening view.
MARGIN_DEG = 0.015


@pytest.fixture(scope="module")
def plan_run(tmp_path_factory, shared_data):
    folder = tmp_path_factory.mktemp("plan_gepubliceerd")
    cbs = write_wijkenbuurten(folder)
    bag, programme = write_bag(folder)
    out = folder / "uit"
    run = cli("plan", bag, "-g", f"cbs={cbs}", "--programma", programme, "--uit", out, "--geen-pdf", cwd=folder)
    assert run.returncode == 0, run.stderr
    return {"out": out, "run": run, "cbs": cbs}


def test_three_levels_recognised_and_water_left_out(plan_run):
    assert "herkend als CBS wijk- en buurtkaart 2022" in plan_run["run"].stderr
    gebieden = gpd.read_file(plan_run["out"] / "plan.gpkg", layer="gebieden")
    assert set(gebieden["niveau"]) == {"gemeente", "wijk", "buurt"}
    assert not set(gebieden["code"]) & WATER_CODES


def test_no_area_without_addresses_in_the_outputs(plan_run):
    out = plan_run["out"]
    gebieden = gpd.read_file(out / "plan.gpkg", layer="gebieden")
    assert (gebieden["aantal_adressen"] > 0).all()
    assert len(gebieden[gebieden["niveau"] == "buurt"]) < 100  # of 987 buurten in the file
    # the buurten of Stadskanaal (GM0037, far from the city) are in the file but nowhere in the outputs
    far = [c for c in gpd.read_file(plan_run["cbs"], layer="buurten")["buurtcode"] if c.startswith("BU0037")]
    assert far
    report = (out / "rapport.html").read_text(encoding="utf-8")
    kaart = (out / "kaart.html").read_text(encoding="utf-8")
    publiek = (out / "kaart_publiek.html").read_text(encoding="utf-8")
    for code in far[:5]:
        assert code not in report and code not in kaart and code not in publiek
    assert not set(far) & set(gebieden["code"])


def test_map_opens_on_the_addresses(plan_run):
    out = plan_run["out"]
    addresses = gpd.read_file(out / "plan.gpkg", layer="adressen").to_crs(4326)
    xmin, ymin, xmax, ymax = addresses.total_bounds
    html = (out / "kaart.html").read_text(encoding="utf-8")
    boxes = [json.loads(b) for b in re.findall(r"fitBounds\(\s*(\[\[[^\]]*\],\s*\[[^\]]*\]\])", html)]
    boxes = [b for b in boxes if b != [[-90, -180], [90, 180]]]
    assert boxes
    (south, west), (north, east) = boxes[0]
    assert south >= ymin - MARGIN_DEG and north <= ymax + MARGIN_DEG
    assert west >= xmin - MARGIN_DEG and east <= xmax + MARGIN_DEG


def test_cluster_territories_do_not_overlap_and_hold_their_addresses(plan_run):
    gpkg = plan_run["out"] / "plan.gpkg"
    clusters = gpd.read_file(gpkg, layer="clusters")
    addresses = gpd.read_file(gpkg, layer="adressen")
    geoms = clusters.geometry.values
    assert shapely.is_valid(geoms).all() and not shapely.is_empty(geoms).any()
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pair = left < right
    overlap = shapely.area(shapely.intersection(geoms[left[pair]], geoms[right[pair]]))
    assert overlap.sum() < 1e-3  # m², floating-point noise along shared edges only
    member = addresses[addresses["cluster_id"].notna()]
    own = clusters.set_index("cluster_id").geometry.reindex(member["cluster_id"]).values
    assert shapely.covers(shapely.buffer(own, 1e-6), member.geometry.values).all()


def test_merged_public_units_have_no_slivers():
    left = shapely.box(0, 0, 100, 100)
    right = shapely.Polygon([(101, 0), (200, 0), (200, 100), (100.5, 100)])  # a gap of 0.5-1 m
    plain = left.union(right)
    merged = seamless_union(left, right)
    assert plain.geom_type == "MultiPolygon"
    assert merged.geom_type == "Polygon" and len(merged.interiors) == 0
    assert np.isclose(merged.area, 200 * 100, rtol=0.01)
    assert merged.buffer(0.01).covers(left) and merged.buffer(0.01).covers(right)
