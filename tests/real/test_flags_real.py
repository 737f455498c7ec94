"""Flags and damage × strengthening signals on the shared 25,000-address programme file."""

from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from gebied.codes import NCG_FASEN
from gebied.cooperation import cooperation, damage_shares
from gebied.flags.rules import FLAG_TYPES, flag_counts, flag_inequality
from gebied.flags.summary import flag_summary
from tests.conftest import PROGRAMMA


def raw_rows() -> list[dict[str, str]]:
    with open(PROGRAMMA, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_damage_shares_as_in_the_data(programma):
    rows = [r for r in raw_rows() if r["ncg_fase"].strip()]
    n = len(rows)
    none = sum(r["img_status"] == "geen_melding" for r in rows) / n
    closed = sum(r["img_status"] == "afgehandeld" for r in rows) / n
    running = sum(r["img_status"] in ("voorbereiding", "opname", "zienswijze", "beschikking") for r in rows) / n
    shares = damage_shares(programma)
    assert shares["aantal"].sum() == n
    assert math.isclose(shares.at["geen_melding", "aandeel"], none)
    assert math.isclose(shares.at["afgehandeld", "aandeel"], closed)
    assert math.isclose(shares.at["lopend", "aandeel"], running)
    # the synthetic file is calibrated on the NCG figures (66% / 29% / 5%, docs/begrippen.md)
    assert abs(none - 0.66) < 0.05 and abs(closed - 0.29) < 0.05 and abs(running - 0.05) < 0.03


def test_groups_only_with_running_dossier_at_both(programma):
    raw = {r["adres_id"]: r for r in raw_rows()}
    out = cooperation(programma)
    for adres_id, group in zip(out["adres_id"], out["samenwerkingsgroep"], strict=True):
        r = raw[adres_id]
        both = r["ncg_fase"] not in ("", "gereed") and r["img_status"] in ("voorbereiding", "opname", "zienswijze", "beschikking")
        assert (group is not pd.NA) == both


def test_every_flag_satisfies_its_rule(programma):
    flags = flag_inequality(programma, distance=50)
    assert set(flags["vlag"]) == set(FLAG_TYPES)
    key = [frozenset(p) for p in zip(flags["adres_id"], flags["buur_adres_id"], strict=True)]
    assert not pd.Series(list(zip(flags["vlag"], key, strict=True))).duplicated().any()

    raw = pd.DataFrame(raw_rows()).set_index("adres_id")
    a = raw.loc[flags["adres_id"]].reset_index(drop=True)
    b = raw.loc[flags["buur_adres_id"]].reset_index(drop=True)
    dist = np.hypot(a["x"].astype(float) - b["x"].astype(float), a["y"].astype(float) - b["y"].astype(float))
    same_pand = (a["pand_id"] != "") & (a["pand_id"] == b["pand_id"])
    assert ((dist <= 50 + 1e-6) | same_pand).all()
    assert np.allclose(flags["afstand_m"], dist, atol=0.06)
    phase = {f: k for k, f in enumerate(NCG_FASEN)}
    pa, pb = a["ncg_fase"].map(phase), b["ncg_fase"].map(phase)
    kind = flags["vlag"]
    t = kind == "tempo_verschil"
    assert ((pb[t] - pa[t]) >= 3).all()
    u = kind == "uitkomst_verschil"
    assert (a["typologie"][u] == b["typologie"][u]).all() and (a["uitkomst"][u] != b["uitkomst"][u]).all()
    assert (~a["uitkomst"][u].isin(["", "onbekend"]) & ~b["uitkomst"][u].isin(["", "onbekend"])).all()
    assert ((a["bouwjaar"][u].astype(int) - b["bouwjaar"][u].astype(int)).abs() <= 10).all()
    o = kind == "buiten_programma"
    assert (a["ncg_fase"][o] == "").all() and b["uitkomst"][o].isin(["versterken", "sloop_nieuwbouw"]).all()
    assert (a["typologie"][o] == b["typologie"][o]).all()
    r = kind == "regime_verschil"
    assert (a["batch"][r] != b["batch"][r]).all() and (a["batch"][r] != "").all() and (b["batch"][r] != "").all()


def test_summary_per_pc4(programma):
    flags = flag_inequality(programma, distance=50)
    summary = flag_summary(programma, flags, area_column="pc4", permutations=199)
    assert summary["gebied_code"].tolist() == sorted(programma["pc4_code"].dropna().unique())
    assert summary[list(FLAG_TYPES)].to_numpy().sum() == len(flags)
    assert summary["in_programma"].sum() == programma["ncg_fase"].notna().sum()
    flagged = flag_counts(programma, flags) > 0
    in_prog = programma["ncg_fase"].notna()
    assert summary["adressen_met_vlag"].sum() == int((flagged & in_prog).sum())
    tested = summary["in_programma"] >= 10
    assert summary.loc[tested, "jc_p"].notna().mean() > 0.9
    assert summary.loc[~tested, "jc_p"].isna().all()


def test_signalen_cli_prints_the_shares(shared_data, tmp_path):
    from gebied.cli import app

    result = CliRunner().invoke(app, ["signalen", str(PROGRAMMA), "--uit", str(tmp_path / "sig")])
    assert result.exit_code == 0, result.output
    rows = [r for r in raw_rows() if r["ncg_fase"]]
    none = sum(r["img_status"] == "geen_melding" for r in rows)
    assert f"geen schademelding: {none:,}".replace(",", ".") in result.output
    invite = pd.read_csv(tmp_path / "sig" / "melding_uitnodigen.csv", dtype=str)
    assert len(invite) == sum(r["img_status"] == "geen_melding" and r["ncg_fase"] != "gereed" for r in rows)


def test_hot_spots_on_the_city_file(programma):
    from gebied.flags.hotspots import find_hot_spots
    from gebied.flags.summary import add_hot_spots

    flags = flag_inequality(programma, distance=50)
    hot, ids = find_hot_spots(programma, flags, area_column="pc4_code")
    assert 0 < len(hot) < len(flags) / 20  # a list to act on, not a mesh of pairs
    assert hot["ernst"].is_monotonic_decreasing and hot["rang"].tolist() == list(range(1, len(hot) + 1))
    assert hot["straat"].notna().all() and hot["gebied_code"].notna().all()
    assert hot["toelichting"].str.contains("Voorstel:").all() and hot["actie"].isin(["herbeoordelen", "meenemen", "uitleggen"]).all()
    streets = programma.set_index("adres_id")["straat"]
    inside = ids.notna()
    assert (flags.loc[inside, "adres_id"].map(streets).notna()).all()
    summary = add_hot_spots(flag_summary(programma, flags, area_column="pc4", permutations=99), hot)
    assert summary["brandhaarden"].sum() == len(hot)
    assert summary["jc_q"].dropna().ge(summary["jc_p"].dropna()).all()
