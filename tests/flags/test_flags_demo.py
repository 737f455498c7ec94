"""The planted inequality streets of the fictitious demo region are all flagged."""

from __future__ import annotations

import warnings

import pytest

from gebied.flags.rules import flag_inequality
from gebied.flags.summary import flag_summary


@pytest.fixture(scope="module")
def demo():
    from gebied.demo.region import make_demo_region

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layers, addresses = make_demo_region()
    from gebied.join import join_areas

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        joined = join_areas(addresses, {"buurt": layers["buurt"]})
    return joined, flag_inequality(joined)


def on_street(demo_addresses, flags, street: str):
    streets = demo_addresses.set_index("adres_id")["straat"]
    both = (flags["adres_id"].map(streets) == street) & (flags["buur_adres_id"].map(streets) == street)
    return flags[both.fillna(False).to_numpy(bool)]


@pytest.mark.parametrize(
    ("street", "kind", "ernst"),
    [
        ("Meedenweg", "uitkomst_verschil", 3),  # identical houses: demolished next to nothing
        ("Reigerstraat", "uitkomst_verschil", 3),  # identical flats: two rebuilt, rest declared safe
        ("Havenstraat", "regime_verschil", 1),  # alternating batches, years apart (timing, no outcome yet)
        ("Havenstraat", "tempo_verschil", 2),  # 5.2 next to 2.1
        ("Zijlstraat", "buiten_programma", 1),  # one side strengthened, the other side not in it
    ],
)
def test_planted_situations_are_flagged(demo, street, kind, ernst):
    addresses, flags = demo
    found = on_street(addresses, flags, street)
    found = found[found["vlag"] == kind]
    assert len(found) > 0, f"{kind} niet gevonden in {street}"
    assert found["ernst"].max() >= ernst


def test_demo_summary_per_buurt(demo):
    addresses, flags = demo
    summary = flag_summary(addresses, flags, area_column="buurt", permutations=199)
    assert summary["gebied_naam"].notna().all()
    assert summary[["uitkomst_verschil", "tempo_verschil", "buiten_programma", "regime_verschil"]].to_numpy().sum() == len(flags)
    assert summary["aandeel_met_vlag"].dropna().between(0, 1).all()


def test_demo_hot_spots_are_a_short_explained_list(demo):
    from gebied.flags.hotspots import find_hot_spots

    addresses, flags = demo
    hot, ids = find_hot_spots(addresses, flags, area_column="buurt_code")
    assert len(hot) <= 100 and len(hot) < len(flags) / 100
    assert ids.notna().mean() > 0.5  # most pair flags fall in a hot spot
    # each planted situation is a hot spot with the fitting suggestion
    expected = {"Meedenweg": "herbeoordelen", "Reigerstraat": "herbeoordelen", "Havenstraat": "meenemen",
                "Zijlstraat": "meenemen"}
    for street, action in expected.items():
        mine = hot[hot["straat"] == street]
        assert len(mine) >= 1, street
        assert mine.iloc[0]["actie"] == action, mine.iloc[0]["toelichting"]
    top = hot.head(10)
    assert top["toelichting"].str.len().gt(150).all() and top["huisnummers"].notna().all()
    assert top["toelichting"].str.contains(r"[\d.]+ woningen in [\d.]+ paren buren").all()
