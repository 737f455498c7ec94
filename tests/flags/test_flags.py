"""Hand-built cases for every flag type and its ernst, incl. Ten Boer and 't Zandt."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from gebied.errors import GebiedError
from gebied.flags.rules import FLAG_COLUMNS, flag_counts, flag_inequality
from gebied.neighbours import neighbour_pairs
from tests.homes import X0, Y0, addresses, home, pairs_of


# ----------------------------------------------------------------------------- neighbours


def test_neighbour_pairs_distance_band_and_same_pand():
    a = addresses(
        [
            home("a", 0, 0),
            home("b", 49.9, 0),  # just inside 50 m of a
            home("c", 100.1, 0),  # 50.2 m from b: outside
            home("d", 400, 0, pand_id="P1"),
            home("e", 700, 0, pand_id="P1"),  # same pand, 300 m away
        ]
    )
    pairs = neighbour_pairs(a, distance=50)
    got = {(int(r.i), int(r.j)): (round(r.afstand_m, 1), bool(r.zelfde_pand)) for r in pairs.itertuples()}
    assert got == {(0, 1): (49.9, False), (3, 4): (300.0, True)}
    assert sorted(neighbour_pairs(a, distance=51)["i"].tolist()) == [0, 1, 3]


def test_same_pand_pair_on_the_distance_boundary_once():
    a = addresses([home("a", 0, 0, pand_id="P"), home("b", 50, 0, pand_id="P"), home("c", 100, 0, pand_id="P")])
    pairs = neighbour_pairs(a, distance=50)
    assert sorted(zip(pairs["i"], pairs["j"], strict=True)) == [(0, 1), (0, 2), (1, 2)]
    assert pairs["zelfde_pand"].all()


def test_neighbour_pairs_are_unique_and_ordered():
    rng = np.random.default_rng(1)
    rows = [home(f"a{k}", *rng.uniform(0, 120, 2), pand_id=f"P{k % 4}") for k in range(60)]
    pairs = neighbour_pairs(addresses(rows), distance=30)
    assert (pairs["i"] < pairs["j"]).all()
    assert not pairs.duplicated(["i", "j"]).any()


# ----------------------------------------------------------------------------- uitkomst_verschil


def test_ten_boer_identical_blocks_different_outcome():
    """Four identical blocks on one street: two demolished/rebuilt, two get nothing."""
    a = addresses(
        [
            home("A", 0, 0, ncg_fase="4.1", uitkomst="sloop_nieuwbouw", huisnummer=1),
            home("B", 10, 0, ncg_fase="4.1", uitkomst="sloop_nieuwbouw", huisnummer=3),
            home("C", 20, 0, ncg_fase="4.1", uitkomst="geen_maatregelen", huisnummer=5),
            home("D", 30, 0, ncg_fase="4.1", uitkomst="geen_maatregelen", huisnummer=7),
            # same type but built 15 years later: not "identical", no flag
            home("E", 40, 0, ncg_fase="4.1", uitkomst="geen_maatregelen", bouwjaar=1980, huisnummer=9),
        ]
    )
    flags = flag_inequality(a)
    uv = flags[flags["vlag"] == "uitkomst_verschil"]
    assert pairs_of(flags, "uitkomst_verschil") == {("C", "A"), ("C", "B"), ("D", "A"), ("D", "B")}
    assert (uv["ernst"] == 3).all()
    row = uv[(uv["adres_id"] == "C") & (uv["buur_adres_id"] == "A")].iloc[0]
    assert row["afstand_m"] == 20.0
    assert "Dorpsstraat 5 hoeft niet versterkt te worden" in row["toelichting"]
    assert "Dorpsstraat 1 wordt gesloopt en opnieuw gebouwd" in row["toelichting"]
    assert "bouwjaar 1965" in row["toelichting"]
    line = row["geometry"]
    assert shapely.get_coordinates(line).tolist() == [[X0 + 20, Y0], [X0, Y0]]
    assert list(flags.columns) == [*FLAG_COLUMNS, "geometry"]
    assert flags.crs.to_epsg() == 28992


def test_uitkomst_ernst_per_combination_and_unknown_year():
    a = addresses(
        [
            home("g", 0, 0, ncg_fase="3.1", uitkomst="geen_maatregelen", bouwjaar=None),
            home("v", 10, 0, ncg_fase="3.1", uitkomst="versterken"),
            home("s", 20, 0, ncg_fase="3.1", uitkomst="sloop_nieuwbouw"),
            home("o", 30, 0, ncg_fase="3.1", uitkomst="onbekend"),  # unknown outcome: never flagged
            home("t", 5, 5, ncg_fase="3.1", uitkomst="sloop_nieuwbouw", typologie="portiekflat"),
        ]
    )
    flags = flag_inequality(a)
    uv = flags[flags["vlag"] == "uitkomst_verschil"]
    got = {(r.adres_id, r.buur_adres_id): r.ernst for r in uv.itertuples()}
    assert got == {("g", "s"): 3, ("g", "v"): 2, ("v", "s"): 1}


# ----------------------------------------------------------------------------- 't Zandt


def zandt(south_in_programme: bool):
    rows = []
    for k in range(3):
        rows.append(home(f"N{k}", 8 * k, 15, ncg_fase="5.2", uitkomst="versterken", straat="Hoofdstraat", huisnummer=2 * k + 2))
        rows.append(
            home(
                f"Z{k}",
                8 * k,
                0,
                ncg_fase="4.2" if south_in_programme else None,
                uitkomst="geen_maatregelen" if south_in_programme else None,
                straat="Hoofdstraat",
                huisnummer=2 * k + 1,
            )
        )
    return addresses(rows)


def test_t_zandt_one_side_strengthened_other_side_nothing():
    flags = flag_inequality(zandt(True))
    expected = {(f"Z{s}", f"N{n}") for s in range(3) for n in range(3)}
    assert pairs_of(flags, "uitkomst_verschil") == expected
    uv = flags[flags["vlag"] == "uitkomst_verschil"]
    assert (uv["ernst"] == 2).all()
    across = uv[(uv["adres_id"] == "Z0") & (uv["buur_adres_id"] == "N0")].iloc[0]
    assert across["afstand_m"] == 15.0
    assert "op 15 m afstand" in across["toelichting"]
    assert not (flags["vlag"] == "buiten_programma").any()


def test_t_zandt_other_side_outside_programme():
    flags = flag_inequality(zandt(False))
    bp = flags[flags["vlag"] == "buiten_programma"]
    # one row per home outside the programme, pointing at the home straight across
    assert pairs_of(flags, "buiten_programma") == {("Z0", "N0"), ("Z1", "N1"), ("Z2", "N2")}
    assert (bp["ernst"] == 1).all() and (bp["afstand_m"] == 15.0).all()
    assert bp["toelichting"].str.contains("valt buiten het versterkingsprogramma").all()
    assert bp["toelichting"].str.contains("In totaal krijgen 3 buren").all()
    assert not (flags["vlag"] == "uitkomst_verschil").any()


def test_buiten_programma_ernst_prefers_same_pand_then_demolition():
    a = addresses(
        [
            home("out", 0, 0, pand_id="P"),
            home("v_near", 5, 0, ncg_fase="5.1", uitkomst="versterken"),
            home("s_far", 30, 0, ncg_fase="5.1", uitkomst="sloop_nieuwbouw"),
            home("out2", 200, 0),
            home("v2", 210, 0, ncg_fase="5.1", uitkomst="versterken"),
            home("out3", 400, 0, pand_id="Q"),
            home("pand_mate", 480, 0, pand_id="Q", ncg_fase="5.1", uitkomst="versterken"),
            home("other_type", 205, 5, ncg_fase="5.1", uitkomst="sloop_nieuwbouw", typologie="vrijstaand"),
        ]
    )
    bp = flag_inequality(a).query("vlag == 'buiten_programma'")
    got = {r.adres_id: (r.buur_adres_id, r.ernst) for r in bp.itertuples()}
    assert got == {"out": ("s_far", 2), "out2": ("v2", 1), "out3": ("pand_mate", 3)}
    assert "in hetzelfde gebouw" in bp.set_index("adres_id").at["out3", "toelichting"]


# ----------------------------------------------------------------------------- tempo_verschil


@pytest.mark.parametrize(
    ("behind", "ahead", "ernst"),
    [("2.1", "gereed", 3), ("1.2", "gereed", 3), ("1.2", "4.2", 2), ("2.1", "5.2", 2), ("1.2", "4.1", 1), ("3.1", "5.1", 1), ("3.1", "4.2", None)],
)
def test_tempo_verschil_ernst_by_step_gap(behind, ahead, ernst):
    a = addresses(
        [
            home("voor", 0, 0, ncg_fase=ahead, typologie="vrijstaand"),
            home("achter", 12, 0, ncg_fase=behind, typologie="rijwoning"),
        ]
    )
    tv = flag_inequality(a).query("vlag == 'tempo_verschil'")
    if ernst is None:
        assert tv.empty
    else:
        assert tv[["adres_id", "buur_adres_id", "ernst"]].values.tolist() == [["achter", "voor", ernst]]
        assert "stappen verschil" in tv["toelichting"].iloc[0]


# ----------------------------------------------------------------------------- regime_verschil


def test_regime_verschil_only_with_a_difference_in_outcome_or_timing():
    a = addresses(
        [
            home("b1", 0, 0, ncg_fase="3.1", batch="batch_1"),
            home("b2", 10, 0, ncg_fase="3.1", batch="batch_2"),  # same phase, no outcome: not flagged
            home("hra", 20, 0, ncg_fase="5.1", batch="hra"),  # 2 steps ahead of b1/b2: ernst 1
            home("u1", 200, 0, ncg_fase="4.1", batch="batch_1", uitkomst="versterken"),
            home("u2", 210, 0, ncg_fase="4.1", batch="batch_2", uitkomst="geen_maatregelen"),  # ernst 2 (level: file order)
            home("u3", 220, 0, ncg_fase="4.1", batch="batch_3", uitkomst="versterken"),  # same as u1: none
            home("f1", 300, 0, ncg_fase="3.1", batch="batch_1", pand_id="F", typologie="portiekflat"),
            home("f2", 300, 3, ncg_fase="5.1", batch="batch_3", pand_id="F", typologie="portiekflat"),
            home("f3", 300, 6, ncg_fase="3.1", batch="batch_4", pand_id="F", typologie="portiekflat"),
            home("x", 5, 5, ncg_fase="5.2", batch="batch_9", typologie="vrijstaand"),  # other type
            home("nobatch", 8, 0, ncg_fase="5.2"),
        ]
    )
    rv = flag_inequality(a).query("vlag == 'regime_verschil'")
    got = {(r.adres_id, r.buur_adres_id): r.ernst for r in rv.itertuples()}
    assert got == {("b1", "hra"): 1, ("b2", "hra"): 1, ("u1", "u2"): 2, ("u2", "u3"): 2, ("f1", "f2"): 3,
                   ("f3", "f2"): 3}


# ----------------------------------------------------------------------------- misc


def test_several_types_on_one_pair_and_counts():
    a = addresses(
        [
            home("p", 0, 0, ncg_fase="1.2", uitkomst="geen_maatregelen", batch="batch_1"),
            home("q", 10, 0, ncg_fase="gereed", uitkomst="sloop_nieuwbouw", batch="hra"),
            home("r", 500, 0, ncg_fase="1.2"),
        ]
    )
    flags = flag_inequality(a)
    assert sorted(flags["vlag"]) == ["regime_verschil", "tempo_verschil", "uitkomst_verschil"]
    assert set(zip(flags["adres_id"], flags["buur_adres_id"], strict=True)) == {("p", "q")}
    counts = flag_counts(a, flags)
    assert counts.tolist() == [3, 3, 0]
    assert counts.index.equals(a.index) and counts.name == "aantal_vlaggen"


def test_no_neighbours_no_flags_and_empty_frame_shape():
    a = addresses([home("a", 0, 0, ncg_fase="1.2"), home("b", 1000, 0, ncg_fase="gereed")])
    flags = flag_inequality(a)
    assert flags.empty and list(flags.columns) == [*FLAG_COLUMNS, "geometry"]
    assert flag_counts(a, flags).tolist() == [0, 0]


def test_missing_optional_columns_give_no_flags_not_errors():
    a = addresses([home("a", 0, 0), home("b", 5, 0)])[["adres_id", "geometry"]]
    assert flag_inequality(a).empty


def test_negative_distance_is_a_dutch_error():
    a = addresses([home("a", 0, 0)])
    with pytest.raises(GebiedError, match="buurafstand"):
        flag_inequality(a, distance=-1)
