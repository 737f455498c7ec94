"""Planning level by how much of a place's diversity lies between its streets (hand-built places)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gebied.clusters.diversity import diversity_split, factorize
from gebied.clusters.level import CUTOFF, planning_level


def homes(streets: dict[str, list[str]], *, wijk: str = "W1", buurt: str | None = None, **fixed) -> pd.DataFrame:
    """One row per home: ``{straat: [typologie, …]}``; other features fixed unless given."""
    rows = [
        {"wijk_code": wijk, "buurt_code": buurt or wijk, "straat": s, "typologie": t, **fixed}
        for s, types in streets.items()
        for t in types
    ]
    return pd.DataFrame(rows)


def level_of(frame: pd.DataFrame, code: str, *, columns=("wijk_code",), **kw) -> pd.Series:
    out = planning_level(frame, area_columns=list(columns), **kw)
    return out[out["code"] == code].iloc[0]


def test_between_share_by_hand():
    # A: 3 x, 1 y; B: 1 x, 3 y. Whole: (64 - 32) / 56 = 4/7; streets (16 - 10) / 12 = 1/2 each.
    frame = homes({"A": list("xxxy"), "B": list("xyyy")})
    row = level_of(frame, "W1")
    assert row["aandeel_tussen_straten"] == pytest.approx(1 - 0.5 / (4 / 7), abs=1e-3)
    assert row["tussen_typologie"] == pytest.approx(0.125, abs=1e-3)
    assert row["aantal_straten"] == 2


def test_same_mix_in_every_street_is_planned_as_a_whole():
    frame = homes({s: ["rijwoning", "vrijstaand"] * 5 for s in "ABCD"})
    row = level_of(frame, "W1")
    assert row["aandeel_tussen_straten"] == 0
    assert row["planningsniveau"] == "wijk"
    assert "plan per wijk als geheel" in row["toelichting"]


def test_one_type_per_street_is_planned_per_street():
    frame = homes({"A": ["rijwoning"] * 10, "B": ["vrijstaand"] * 10, "C": ["portiekflat"] * 10})
    row = level_of(frame, "W1")
    assert row["aandeel_tussen_straten"] == 1
    assert row["planningsniveau"] == "straat/blok"
    assert "100%" in row["toelichting"] and "de 3 straten" in row["toelichting"]


def test_cutoff_edges():
    frame = homes({"A": list("xxxy"), "B": list("xyyy")})
    share = level_of(frame, "W1")["aandeel_tussen_straten"]  # 0.125
    assert level_of(frame, "W1", cutoff=share + 0.001)["planningsniveau"] == "wijk"
    assert level_of(frame, "W1", cutoff=share - 0.001)["planningsniveau"] == "straat/blok"
    assert level_of(frame, "W1", cutoff=share)["planningsniveau"] == "straat/blok"  # "less than" the cut-off


def test_nearly_identical_homes_are_not_split_for_one_rare_feature():
    # identical rijwoningen; only the three homes of a short street B are rented from a corporation
    frame = homes({"A": ["rijwoning"] * 30, "B": ["rijwoning"] * 3}, bouwjaar=1960, eigendom="koop")
    frame.loc[frame["straat"] == "B", "eigendom"] = "corporatie"
    row = level_of(frame, "W1")
    assert row["verscheidenheid"] < 0.1 and row["aandeel_tussen_straten"] > CUTOFF
    assert row["planningsniveau"] == "wijk"
    assert "vrijwel gelijk" in row["toelichting"]
    assert level_of(frame, "W1", min_diversity=0.0)["planningsniveau"] == "straat/blok"


def test_unknown_values_do_not_count():
    frame = homes({"A": ["rijwoning"] * 6, "B": ["rijwoning"] * 6}, eigendom="koop")
    frame.loc[frame["straat"] == "B", "eigendom"] = "onbekend"
    row = level_of(frame, "W1")
    assert pd.isna(row["aandeel_tussen_straten"]) or row["aandeel_tussen_straten"] == 0
    assert row["planningsniveau"] == "wijk"


def test_buurten_that_differ_but_are_alike_inside_give_buurt():
    flats = homes({"A": ["galerijflat"] * 12, "B": ["galerijflat"] * 12}, buurt="B1")
    rows = homes({"C": ["rijwoning"] * 12, "D": ["rijwoning"] * 12}, buurt="B2")
    frame = pd.concat([flats, rows], ignore_index=True)
    out = planning_level(frame, area_columns=["wijk_code", "buurt_code"])
    wijk = out[out["niveau"] == "wijk"].iloc[0]
    assert wijk["planningsniveau"] == "buurt"
    assert wijk["delen"] == "buurt" and wijk["aantal_delen"] == 2 and wijk["aandeel_tussen_delen"] == 1
    assert "de 2 buurten" in wijk["toelichting"] and "plan per buurt" in wijk["toelichting"]
    assert set(out.loc[out["niveau"] == "buurt", "planningsniveau"]) == {"buurt"}


def test_mixed_buurten_give_street_level_for_the_wijk():
    b1 = homes({"A": ["vrijstaand"] * 8, "B": ["portiekflat"] * 8}, buurt="B1")
    b2 = homes({"C": ["vrijstaand"] * 8, "D": ["portiekflat"] * 8}, buurt="B2")
    out = planning_level(pd.concat([b1, b2], ignore_index=True), area_columns=["buurt_code", "wijk_code"])
    assert set(out["planningsniveau"]) == {"straat/blok"}
    wijk = out[out["niveau"] == "wijk"].iloc[0]
    assert wijk["aandeel_tussen_delen"] == 0  # the buurten have the same mix; the streets differ


def test_village_is_dorp_and_blocks_stand_in_for_streets():
    frame = homes({"A": ["boerderij", "vrijstaand"] * 6, "B": ["vrijstaand", "boerderij"] * 6}, wijk="V")
    frame["woonplaats_code"] = "WP1"
    row = level_of(frame, "WP1", columns=("woonplaats_code",))
    assert row["planningsniveau"] == "dorp" and row["niveau"] == "woonplaats"
    no_streets = frame.drop(columns="straat").assign(postcode=np.where(frame["straat"] == "A", "9999AA", "9999AB"))
    row = level_of(no_streets, "WP1", columns=("woonplaats_code",))
    assert row["aantal_straten"] == 2 and "blokken (postcode)" in row["toelichting"]


def test_random_mix_gives_about_zero_between_small_streets():
    rng = np.random.default_rng(3)
    types = np.array(["rijwoning", "vrijstaand", "portiekflat"])
    frame = pd.DataFrame({
        "wijk_code": "W1",
        "straat": np.repeat([f"S{i}" for i in range(40)], 6),
        "typologie": types[rng.integers(0, 3, 240)],
    })
    row = level_of(frame, "W1")
    assert abs(row["aandeel_tussen_straten"]) < 0.1
    assert row["planningsniveau"] == "wijk"


def test_diversity_split_pools_features_by_their_diversity():
    place = np.zeros(8, dtype=np.int64)
    part = np.repeat([0, 1], 4)
    typ = factorize(pd.Series(list("xxxxyyyy")))  # wholly between the parts
    own = factorize(pd.Series(list("abababab")))  # wholly within the parts
    out = diversity_split({"t": typ, "e": own}, place, part, n_places=1).iloc[0]
    assert out["tussen_t"] == 1 and out["tussen_e"] == 0
    g_whole = (64 - 32) / 56  # both features
    g_within = (16 - 8) / 12  # feature e inside each part
    assert out["aandeel_tussen_delen"] == pytest.approx(1 - g_within / (2 * g_whole))
