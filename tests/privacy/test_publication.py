"""The publication table and the attacker's audit, on hand-built tables and areas.

Regression cases are named after the leaks found in the demo plan: a parent minus its
published children, a one-address buurt, shares times counts.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from gebied.privacy.audit import Structure, Sum, failures, intervals
from gebied.errors import GebiedError
from gebied.privacy.table import COUNTS, PHASES, TOTAL, publication_table, publish, suppress_until_safe

T = 10


def _one_sum(total, parts):
    values = pd.DataFrame([[total, *parts]], index=["r"], columns=["tot", *(f"p{i}" for i in range(len(parts)))])
    structure = Structure(sums=[Sum(("r", "tot"), [("r", c) for c in values.columns[1:]])])
    return values, structure


def test_lone_hidden_part_is_pinned_by_subtraction():
    values, structure = _one_sum(30, [3, 27])
    hidden = values == 3
    bad = failures(intervals(values, hidden, structure), threshold=T)
    assert bad[["kolom", "reden"]].values.tolist() == [["p0", "vastgepind"]]


def test_parent_minus_published_children_gives_the_hidden_child():
    """The leak of the API: every level published, one child hidden."""
    values = pd.DataFrame({"n": [40, 4, 16, 20]}, index=["wijk", "buurt_a", "buurt_b", "buurt_c"])
    structure = Structure(sums=[Sum(("wijk", "n"), [("buurt_a", "n"), ("buurt_b", "n"), ("buurt_c", "n")])])
    primary = (values > 0) & (values < T)
    found = intervals(values, primary, structure)
    assert found.loc[0, ["onder", "boven"]].tolist() == [4.0, 4.0]
    safe = suppress_until_safe(values, structure, T)
    assert failures(intervals(values, safe, structure), threshold=T).empty
    assert safe.loc["buurt_a", "n"] and safe["n"].sum() >= 2


def test_two_small_hidden_parts_with_a_narrow_sum_are_widened():
    values, structure = _one_sum(24, [2, 3, 19])
    primary = (values > 0) & (values < T)
    bad = failures(intervals(values, primary, structure), threshold=T)
    assert set(bad["reden"]) == {"interval te smal"}  # 2 + 3 = 5: each in [1, 4]
    safe = suppress_until_safe(values, structure, T)
    assert failures(intervals(values, safe, structure), threshold=T).empty


def test_bounds_are_part_of_the_attack():
    values = pd.DataFrame({"alle": [12], "deel": [12]}, index=["r"])
    structure = Structure(at_most=[(("r", "deel"), ("r", "alle"))])
    hidden = pd.DataFrame({"alle": [False], "deel": [True]}, index=["r"])
    found = intervals(values, hidden, structure)
    assert found.loc[0, ["onder", "boven"]].tolist() == [1.0, 12.0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), min_size=3, max_size=3), min_size=2, max_size=5))
def test_suppression_always_passes_its_own_audit(rows):
    """Invariant: whatever the counts, the suppressed table survives the attack."""
    names = [f"r{i}" for i in range(len(rows))]
    values = pd.DataFrame(rows, index=names, columns=["a", "b", "c"])
    values.insert(0, "tot", values.sum(axis=1))
    values.loc[TOTAL] = values.sum()
    sums = [Sum((r, "tot"), [(r, c) for c in "abc"]) for r in values.index]
    sums += [Sum((TOTAL, c), [(r, c) for r in names]) for c in values.columns]
    structure = Structure(sums=sums)
    hidden = suppress_until_safe(values, structure, T)
    assert failures(intervals(values, hidden, structure), threshold=T).empty
    assert (hidden | ~((values > 0) & (values < T))).all().all()  # every small count hidden


def _street(n_homes, x0, code, phase="2.1"):
    xs = x0 + np.arange(n_homes) * 10.0
    return pd.DataFrame({"buurt_code": code, "ncg_fase": phase, "risicoprofiel": "P90", "aantal_vlaggen": 0, "x": xs})


@pytest.fixture()
def village():
    """Three buurten side by side; BU3 holds one address (the one-address buurt of the demo)."""
    areas = gpd.GeoDataFrame(
        {"code": ["BU1", "BU2", "BU3"], "naam": ["Noord", "Midden", "Hoek"], "gemeente_code": "GM1"},
        geometry=[shapely.box(0, 0, 400, 100), shapely.box(400, 0, 800, 100), shapely.box(800, 0, 900, 100)],
        crs=28992,
    )
    homes = pd.concat([_street(30, 5, "BU1"), _street(25, 405, "BU2", "gereed"), _street(1, 805, "BU3", "5.2")], ignore_index=True)
    homes.loc[:4, "aantal_vlaggen"] = 1
    homes["opname_periode"] = 2
    homes["gereed_periode"] = 7
    return homes, areas


def test_one_address_buurt_is_merged_into_its_neighbour(village):
    homes, areas = village
    pub = publication_table(homes, areas, level="buurt", threshold=T)
    table = pub.table
    units = table[table["code"] != TOTAL]
    assert "BU3" not in set(units["code"])
    merged = units[units["code"].str.contains("BU3")].iloc[0]
    assert merged["samengevoegd"] == "Midden; Hoek" and merged["aantal_adressen"] == 26
    assert (units["aantal_adressen"].dropna() >= T).all()
    assert failures(intervals(pub.values, pub.hidden, pub.structure), threshold=T).empty


def test_shares_only_from_published_counts(village):
    homes, areas = village
    table = publication_table(homes, areas, level="buurt", threshold=T).table
    for _, row in table.iterrows():
        if pd.notna(row["aandeel_met_vlag"]):
            assert pd.notna(row["met_vlag"]) and pd.notna(row["aantal_adressen"])
            assert row["aandeel_met_vlag"] == round(row["met_vlag"] / row["aantal_adressen"], 4)
        if pd.notna(row["aandeel_gereed"]):
            assert pd.notna(row["fase_gereed"]) and pd.notna(row["in_programma"])
    noord = table[table["code"] == "BU1"].iloc[0]
    assert pd.isna(noord["met_vlag"]) and pd.isna(noord["aandeel_met_vlag"])  # 5 flagged homes


def test_texts_use_only_published_figures(village):
    homes, areas = village
    table = publication_table(homes, areas, level="buurt", threshold=T).table
    noord = table[table["code"] == "BU1"].iloc[0]
    assert "30 adressen" in noord["toelichting"]
    for col in COUNTS:
        if pd.isna(noord[col]):
            assert col in noord["afgeschermd"]
    assert all(c in COUNTS for row in table["afgeschermd"] for c in row.split(", ") if c)
    assert set(PHASES) <= set(table.columns)


@pytest.fixture()
def wijk_and_buurten():
    """Wijk W1 holds buurten B1 (30 homes), B2 (25) and B3 (4); wijk W2 holds B4 (40)."""
    areas = gpd.GeoDataFrame(
        {"niveau": ["wijk", "wijk", "buurt", "buurt", "buurt", "buurt"], "code": ["W1", "W2", "B1", "B2", "B3", "B4"],
         "naam": ["Oost", "West", "Noord", "Midden", "Hoek", "Veld"], "gemeente_code": "GM1"},
        geometry=[shapely.box(0, 0, 900, 100), shapely.box(900, 0, 1300, 100), shapely.box(0, 0, 400, 100),
                  shapely.box(400, 0, 800, 100), shapely.box(800, 0, 900, 100), shapely.box(900, 0, 1300, 100)],
        crs=28992,
    )
    homes = pd.concat([_street(30, 5, "B1"), _street(25, 405, "B2", "gereed"), _street(4, 805, "B3", "5.2"),
                       _street(40, 905, "B4", "4.1")], ignore_index=True)
    homes["wijk_code"] = homes["buurt_code"].map({"B1": "W1", "B2": "W1", "B3": "W1", "B4": "W2"})
    homes["opname_periode"], homes["gereed_periode"] = 2, 7
    return homes, areas


def test_two_nested_levels_are_suppressed_together(wijk_and_buurten):
    homes, areas = wijk_and_buurten
    layers = {"adressen": homes, "gebieden": areas, "planning": None}
    pub = publish(layers, level="buurt", threshold=T, parent="wijk")
    table = pub.table.set_index("code")
    assert table.loc["W1", "niveau"] == "wijk" and table.loc["B1", "binnen"] == "W1"
    assert "B3" not in table.index and table.loc["B2+B3", "binnen"] == "W1"  # merged inside its own wijk
    # the identity wijk = sum of its buurten is part of the attack, and the table survives it
    assert any(s.total == ("W1", "aantal_adressen") for s in pub.structure.sums)
    assert failures(intervals(pub.values, pub.hidden, pub.structure), threshold=T).empty
    for code in ("W1", "B1", "B2+B3"):
        assert table.loc[code, "aantal_adressen"] >= T


def test_a_second_level_must_nest(wijk_and_buurten):
    homes, areas = wijk_and_buurten
    homes.loc[homes["buurt_code"] == "B1", "wijk_code"] = ["W1", "W2"] * 15
    with pytest.raises(GebiedError, match="in meer dan één wijk"):
        publish({"adressen": homes, "gebieden": areas, "planning": None}, level="buurt", threshold=T, parent="wijk")
