"""Damage × strengthening: cooperation groups A–F, matrix, shares and signal lists."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from gebied.codes import IMG_STATUSSEN, NCG_FASEN
from gebied.cooperation import cooperation, cooperation_matrix, damage_shares, signal_lists
from tests.homes import addresses, home


@pytest.mark.parametrize(
    ("fase", "img", "group"),
    [
        ("1.2", "opname", "A"),
        ("2.1", "voorbereiding", "B"),
        ("2.1", "opname", "B"),
        ("2.1", "zienswijze", "C"),
        ("2.1", "beschikking", "C"),
        ("3.1", "beschikking", "D"),
        ("4.1", "voorbereiding", "E"),
        ("4.2", "zienswijze", "E"),
        ("5.1", "opname", "F"),
        ("5.2", "beschikking", "F"),
        ("gereed", "opname", None),  # NCG dossier closed
        ("4.1", "afgehandeld", None),  # IMG dossier closed
        ("4.1", "geen_melding", None),
        (None, "opname", None),  # not in the programme
        ("2.1", None, None),
    ],
)
def test_cooperation_group(fase, img, group):
    a = addresses([home("a", 0, 0, ncg_fase=fase, img_status=img)])
    out = cooperation(a)
    assert str(out["samenwerkingsgroep"].dtype) == "string"
    value = out["samenwerkingsgroep"].iloc[0]
    assert (value is pd.NA) if group is None else value == group
    assert out.drop(columns="samenwerkingsgroep").equals(a)  # input columns untouched


def small_programme():
    rows = [
        home("g1", 0, 0, ncg_fase="2.1", img_status="geen_melding"),
        home("g2", 1, 0, ncg_fase="5.1", img_status="geen_melding"),
        home("g3", 2, 0, ncg_fase="gereed", img_status="geen_melding"),
        home("af", 3, 0, ncg_fase="3.1", img_status="afgehandeld"),
        home("b", 4, 0, ncg_fase="2.1", img_status="opname"),
        home("e", 5, 0, ncg_fase="4.2", img_status="beschikking"),
        home("out", 6, 0, ncg_fase=None, img_status="opname"),
        home("out2", 7, 0, ncg_fase=None, img_status="geen_melding"),
    ]
    return addresses(rows)


def test_matrix_order_and_totals():
    m = cooperation_matrix(small_programme())
    assert m.index.tolist() == [*NCG_FASEN, "niet in programma", "totaal"]
    assert m.columns.tolist() == [*IMG_STATUSSEN, "totaal"]
    assert m.at["2.1", "geen_melding"] == 1 and m.at["2.1", "opname"] == 1
    assert m.at["niet in programma", "opname"] == 1 and m.at["niet in programma", "geen_melding"] == 1
    assert m.at["totaal", "totaal"] == 8
    assert m.at["totaal", "geen_melding"] == 4
    assert (m.loc[m.index[:-1], "totaal"] == m.loc[m.index[:-1], IMG_STATUSSEN].sum(axis=1)).all()


def test_damage_shares_count_programme_only():
    s = damage_shares(small_programme())
    # six programme addresses: 3 without report, 1 closed, 2 running
    assert s["aantal"].to_dict() == {"geen_melding": 3, "afgehandeld": 1, "lopend": 2, "onbekend": 0}
    assert s.at["geen_melding", "aandeel"] == pytest.approx(0.5)
    assert s["aandeel"].sum() == pytest.approx(1.0)


def test_signal_lists():
    lists = signal_lists(small_programme())
    assert set(lists) == {"melding_uitnodigen", "gezamenlijke_opname", "schadeherstel_in_uitvoeringsplan"}
    # not yet finished, no report; works start soonest first
    assert lists["melding_uitnodigen"]["adres_id"].tolist() == ["g2", "g1"]
    assert lists["gezamenlijke_opname"]["adres_id"].tolist() == ["b"]
    assert lists["schadeherstel_in_uitvoeringsplan"]["adres_id"].tolist() == ["e"]
    for frame in lists.values():
        assert frame["toelichting"].notna().all()
        assert frame.geometry.crs.to_epsg() == 28992


def test_demo_region_groups_agree_with_matrix():
    from gebied.demo.region import make_demo_region

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, demo = make_demo_region()
    m = cooperation_matrix(demo)
    groups = cooperation(demo)["samenwerkingsgroep"].value_counts()
    assert m.at["totaal", "totaal"] == len(demo)
    assert groups.get("B", 0) == m.at["2.1", "voorbereiding"] + m.at["2.1", "opname"]
    assert groups.get("C", 0) == m.at["2.1", "zienswijze"] + m.at["2.1", "beschikking"]
    running = ["voorbereiding", "opname", "zienswijze", "beschikking"]
    assert groups.get("E", 0) == m.loc[["4.1", "4.2"], running].to_numpy().sum()
    assert groups.sum() == m.loc[[f for f in NCG_FASEN if f != "gereed"], running].to_numpy().sum()
    lists = signal_lists(demo)
    assert len(lists["gezamenlijke_opname"]) == groups.get("B", 0)
    assert len(lists["melding_uitnodigen"]) == m.loc[[f for f in NCG_FASEN if f != "gereed"], "geen_melding"].sum()
