"""Public map: the publication table drawn, merging of small areas, and a privacy proof on the HTML."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, box

from gebied.errors import GebiedError
from gebied.maps import aggregate_public, public_map
from gebied.maps.aggregate import COUNT_COLUMNS
from gebied.maps.assets import external_references
from gebied.maps.plan import period_labels
from gebied.privacy import HIDDEN, TOTAL, display, failures, intervals, publish
from tests.plan_fixture import plan_layers

NUMBER_PAIR = re.compile(r"\[(-?\d+\.\d+),(-?\d+\.\d+)\]")


def assert_private(html: str, addresses: gpd.GeoDataFrame, threshold: int) -> None:
    """No coordinate, id, street+number or postcode of any address; no shown count below threshold."""
    assert external_references(html) == []
    wgs = addresses.to_crs(4326)
    homes = {(round(p.x, 4), round(p.y, 4)) for p in wgs.geometry}
    homes |= {(lat, lon) for lon, lat in homes}  # [lat, lon] pairs (views, bounds) too
    pairs = {(round(float(a), 4), round(float(b), 4)) for a, b in NUMBER_PAIR.findall(html)}
    assert len(pairs) > 8, "hardly any coordinates found: the check would be empty"
    assert not homes & pairs
    for value in addresses["adres_id"].astype(str):
        assert value not in html
    if "postcode" in addresses:
        for value in addresses["postcode"].dropna().astype(str).unique():
            assert value not in html
    if "straat" in addresses and "huisnummer" in addresses:
        for straat, nr in zip(addresses["straat"], addresses["huisnummer"], strict=True):
            if pd.notna(straat) and pd.notna(nr):
                assert f"{straat} {nr}" not in html
                assert f"{straat}" not in html
    # every count shown in a popup is a published cell: hidden ones are ×, none is small
    shown = 0
    for m in re.finditer(r"GK\.areas\(\w+, ", html):
        data, _ = json.JSONDecoder().raw_decode(html, m.end())
        for f in data["geojson"]["features"]:
            soup = BeautifulSoup(f["properties"]["popup"], "html.parser")
            for cell in soup.find_all("td"):
                text = cell.get_text()
                if text.isdigit():
                    shown += 1
                    assert int(text) == 0 or int(text) >= threshold, text
                elif not any(ch.isdigit() for ch in text):
                    assert text in (HIDDEN, "") or text.isalpha() or " " in text
            for number in re.findall(r"\b(\d+) adressen", soup.get_text()):
                assert int(number) >= threshold
    assert shown > 0


@pytest.fixture(scope="module")
def plan():
    return plan_layers()


@given(st.one_of(st.none(), st.integers(0, 10_000)))
def test_display_shows_a_published_cell_or_the_hidden_mark(n):
    text = display(n)
    assert text == HIDDEN if n is None else int(text.replace(".", "")) == n


@pytest.mark.parametrize("threshold", [5, 10, 20])
def test_aggregates_are_the_publication_table(plan, threshold):
    agg = aggregate_public(plan, level="buurt", threshold=threshold)
    table = publish(plan, level="buurt", threshold=threshold).table
    units = table[table["code"] != TOTAL].reset_index(drop=True)
    assert agg["code"].tolist() == units["code"].tolist()
    for col in COUNT_COLUMNS:
        assert agg[col].tolist() == [display(v) for v in units[col]]
        for value in agg[col]:
            assert value == HIDDEN or value == "0" or int(value.replace(".", "")) >= threshold
    sizes = units["aantal_adressen"].astype(int)  # every unit has at least `threshold` addresses
    assert (sizes >= threshold).all()
    assert "adres_id" not in agg.columns


def test_small_area_goes_to_the_neighbour_with_the_longest_border():
    # "klein" touches A over 300 m and B over 100 m; C is another gemeente with a longer border
    areas = gpd.GeoDataFrame(
        {
            "niveau": "buurt",
            "code": ["A", "B", "K", "C"],
            "naam": ["Aa", "Bee", "Klein", "Cee"],
            "gemeente_code": ["GM1", "GM1", "GM1", "GM2"],
        },
        geometry=[box(0, 0, 1000, 300), box(0, 300, 1000, 400), box(1000, 0, 1100, 400), box(1100, -500, 2000, 900)],
        crs=28992,
    )
    pts, codes = [], []
    for code, (x, y, count) in {"A": (500, 150, 30), "B": (500, 350, 20), "K": (1050, 200, 3), "C": (1500, 200, 40)}.items():
        pts += [Point(x + i, y) for i in range(count)]
        codes += [code] * count
    addresses = gpd.GeoDataFrame({"adres_id": [f"id{i}" for i in range(len(pts))], "buurt_code": codes, "ncg_fase": "2.1"}, geometry=pts, crs=28992)
    agg = aggregate_public({"gebieden": areas, "adressen": addresses}, level="buurt", threshold=10)
    merged = agg.set_index("code")
    assert "A+K" in merged.index and "B" in merged.index and "C" in merged.index
    assert merged.loc["A+K", "aantal_adressen"] == "33"
    assert merged.loc["A+K", "naam"] == "Aa + Klein" and merged.loc["A+K", "samengevoegd"] == "Aa; Klein"


def test_small_area_without_neighbour_is_hidden():
    areas = gpd.GeoDataFrame(
        {"niveau": "dorp", "code": ["A", "Z"], "naam": ["Groot", "Eenzaam"], "gemeente_code": "GM1"},
        geometry=[box(0, 0, 100, 100), box(5000, 5000, 5100, 5100)],
        crs=28992,
    )
    addresses = gpd.GeoDataFrame(
        {"adres_id": [f"i{i}" for i in range(14)], "dorp_code": ["A"] * 12 + ["Z"] * 2, "ncg_fase": "1.2"},
        geometry=[Point(50, 50)] * 12 + [Point(5050, 5050)] * 2,
        crs=28992,
    )
    agg = aggregate_public({"gebieden": areas, "adressen": addresses}, level="dorp", threshold=10)
    assert agg["code"].tolist() == ["A"]  # Z (2 addresses, no neighbour) is left out, also from the total


def test_threshold_below_five_is_refused(plan):
    with pytest.raises(GebiedError, match="minstens 5"):
        aggregate_public(plan, level="buurt", threshold=4)


@pytest.mark.parametrize("level", ["buurt", "woonplaats"])
def test_public_html_exposes_no_home(plan, level):
    labels = period_labels(plan)
    agg = aggregate_public(plan, level=level, threshold=10, labels=labels)
    html = public_map(agg, labels=labels, data_date="2026-01-01")
    assert len(html.encode()) < 2_000_000
    assert "GK.points(" not in html and "GK.flags(" not in html
    assert_private(html, plan["adressen"], 10)
    assert "versterkingsprogramma" in html


def test_privacy_check_catches_a_leak(plan):
    """The check above must fail on the municipal map (which does show homes)."""
    from gebied.maps import municipal_map

    with pytest.raises(AssertionError):
        assert_private(municipal_map(plan), plan["adressen"], 10)


def test_public_map_refuses_address_rows(plan):
    with pytest.raises(ValueError, match="adreskolommen"):
        public_map(plan["adressen"])
    raw = aggregate_public(plan, level="buurt").copy()
    raw["in_programma"] = 3
    with pytest.raises(ValueError, match="niet onderdrukt"):
        public_map(raw)


def test_public_map_is_the_table_and_survives_the_attack():
    """The regression of the demo audit: nothing on the map beyond the table, no cell pinned."""
    layers = plan_layers(seed=3)
    for threshold in (5, 10, 20):
        pub = publish(layers, level="buurt", threshold=threshold)
        assert failures(intervals(pub.values, pub.hidden, pub.structure), threshold=threshold).empty
        assert pub.hidden.to_numpy().any()  # the fixture does have small counts to hide
        html = public_map(aggregate_public(layers, level="buurt", threshold=threshold))
        for m in re.finditer(r"GK\.areas\(\w+, ", html):
            data, _ = json.JSONDecoder().raw_decode(html, m.end())
            for f in data["geojson"]["features"]:
                row = pub.table.set_index("code").loc[f["properties"]["code"]]
                for col, value in f["properties"]["cijfers"].items():
                    assert value == (None if pd.isna(row[col]) else int(row[col])), (col, value)
