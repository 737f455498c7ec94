"""Hot spots (brandhaarden) on hand-built streets, and significance after multiple testing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gebied.flags.hotspots import HOT_SPOT_COLUMNS, find_hot_spots, street_segments
from gebied.flags.rules import flag_inequality
from gebied.flags.summary import add_hot_spots, significance
from tests.homes import addresses, home


def row_houses(street: str, n: int, *, y: float = 0.0, x0: float = 0.0, step: float = 6.0, odd: bool = True, **kw):
    """``n`` row houses along a street, numbered 1, 3, 5 … (or 2, 4, …)."""
    return [
        home(f"{street[:3]}{y:.0f}-{k}", x0 + k * step, y, straat=street, huisnummer=2 * k + (1 if odd else 2), **kw)
        for k in range(n)
    ]


def spots(rows):
    a = addresses(rows)
    flags = flag_inequality(a)
    hot, ids = find_hot_spots(a, flags)
    return a, flags, hot, ids


def test_identical_row_houses_with_one_demolished():
    rows = row_houses("Meedenweg", 12, ncg_fase="4.2", uitkomst="geen_maatregelen", batch="1467")
    rows[5] = {**rows[5], "uitkomst": "sloop_nieuwbouw"}
    a, flags, hot, ids = spots(rows)
    assert len(hot) == 1
    h = hot.iloc[0]
    assert list(hot.columns) == [*HOT_SPOT_COLUMNS, "geometry"]
    assert h["straat"] == "Meedenweg" and h["huisnummers"] == "1–23"
    assert h["uitkomst_verschil"] == 11 and h["adressen"] == 12  # one demolished, 11 identical neighbours
    assert h["uitkomst_gat"] == 2 and h["identiek"] == 11
    assert h["ernst"] == pytest.approx(12 * (1 + 2 + 0 + 1))
    assert h["actie"] == "herbeoordelen"
    text = h["toelichting"]
    assert "sloop en nieuwbouw naast geen maatregelen" in text and "identieke woning ernaast veilig" in text
    assert "Meedenweg 1–23" in text and "Herbeoordeel" in text
    assert ids.notna().all() and set(ids) == {"BH0001"}
    assert hot.crs.to_epsg() == 28992 and hot.geometry.iloc[0].contains(a.geometry).all()


def test_two_sides_of_a_street_in_different_batches():
    odd = row_houses("Havenstraat", 10, y=0, ncg_fase="5.2", uitkomst="versterken", batch="1467")
    even = row_houses("Havenstraat", 10, y=16, odd=False, ncg_fase="2.1", batch="1588")
    a, flags, hot, ids = spots(odd + even)
    assert set(flags["vlag"]) == {"regime_verschil", "tempo_verschil"}
    assert len(hot) == 1
    h = hot.iloc[0]
    assert h["adressen"] == 20 and h["huisnummers"] == "1–20" and h["fase_gat"] == 5
    assert h["regime_verschil"] > 0 and h["tempo_verschil"] > 0 and h["identiek"] == 0
    assert h["actie"] == "meenemen" and "hetzelfde treintje" in h["actie_tekst"]
    assert h["ernst"] == pytest.approx(20 * (1 + 0 + 5 / 3.5), abs=0.05)
    assert "5 fasen verschil" in h["toelichting"]


def test_same_batch_different_phase_only_is_no_regime_flag_and_equal_street_no_hot_spot():
    rows = row_houses("Kerkstraat", 10, ncg_fase="3.1", batch="1467")
    rows += row_houses("Kerkstraat", 10, y=16, odd=False, ncg_fase="3.1", batch="1588")  # other batch, same phase
    a, flags, hot, ids = spots(rows)
    assert flags.empty and hot.empty and ids.empty
    assert list(hot.columns) == [*HOT_SPOT_COLUMNS, "geometry"]


def test_scattered_flags_are_no_hot_spot_but_concentrated_ones_are():
    # a long street of 60 identical homes in phase 3.1; one home far ahead is no concentration
    rows = row_houses("Lange Laan", 60, ncg_fase="3.1", batch="1467", step=8.0)
    rows[0] = {**rows[0], "ncg_fase": "5.2"}
    a, flags, hot, _ = spots(rows)
    assert set(flags["vlag"]) == {"tempo_verschil"} and hot.empty
    # every other home far ahead on one stretch: a hot spot there only
    rows = [{**r, "ncg_fase": "5.2"} if 40 <= k < 52 and k % 2 else r for k, r in enumerate(rows)]
    a, flags, hot, _ = spots(rows)
    assert len(hot) == 1
    lo, hi = (int(v) for v in hot.iloc[0]["huisnummers"].split("–"))
    assert 60 <= lo and hi <= 120
    assert hot.iloc[0]["aandeel_paren"] >= 1 / 3


def test_identical_homes_with_another_outcome_are_a_hot_spot_even_when_scattered():
    rows = row_houses("Lange Laan", 60, ncg_fase="4.2", uitkomst="versterken", batch="1467", step=8.0)
    rows[0] = {**rows[0], "uitkomst": "geen_maatregelen"}
    a, flags, hot, _ = spots(rows)
    assert len(hot) == 1 and hot.iloc[0]["aandeel_paren"] < 1 / 3 and hot.iloc[0]["identiek"] > 0


def test_segments_follow_the_street_and_split_long_ones():
    rows = row_houses("Lange Laan", 60, step=8.0) + row_houses("Korte Laan", 5, y=300)
    seg, street_of, k_of = street_segments(addresses(rows), length=150.0)
    lange = seg[:60]
    assert len(set(lange)) == 4  # 472 m of street in 150 m stretches
    assert (np.diff(k_of[lange]) >= 0).all()
    assert len(set(seg[60:])) == 1 and not set(seg[60:]) & set(lange)


def test_outside_programme_side_is_taken_along():
    strengthened = row_houses("Zijlstraat", 10, ncg_fase="gereed", uitkomst="versterken", batch="1467")
    outside = row_houses("Zijlstraat", 10, y=16, odd=False)
    a, flags, hot, _ = spots(strengthened + outside)
    h = hot.iloc[0]
    assert h["buiten_programma"] >= 10 and h["actie"] == "meenemen" and h["identiek"] == 0


def test_hot_spots_per_area_and_significance():
    summary = pd.DataFrame({
        "gebied_code": ["A", "B", "C", "D"],
        "jc_p": [0.001, 0.04, 0.5, np.nan],
        "jc_statistiek": [30.0, 20.0, 5.0, np.nan],
        "jc_verwacht": [10.0, 10.0, 6.0, np.nan],
    })
    out = significance(summary)
    # Benjamini–Hochberg over the three tested areas: 0.001·3/1, 0.04·3/2, 0.5
    assert out["jc_q"].tolist()[:3] == pytest.approx([0.003, 0.06, 0.5])
    assert out["jc_significant"].tolist()[:3] == [True, False, False] and pd.isna(out["jc_significant"][3])
    hot = pd.DataFrame({"gebied_code": ["A", "A", "C"], "ernst": [10.0, 30.0, 5.0], "brandhaard_id": ["BH2", "BH1", "BH3"],
                        "straat": ["X", "Y", "Z"], "huisnummers": ["1–9", "2–8", pd.NA]})
    out = add_hot_spots(out, hot)
    assert out["brandhaarden"].tolist() == [2, 0, 1, 0]
    assert out["brandhaard_ernst"].tolist()[0] == 30.0
    assert out["brandhaard_top"].tolist()[0] == "BH1 Y 2–8" and out["brandhaard_top"].tolist()[2] == "BH3 Z"
