"""`gebied plan` on the shared 25,000-address programme file with the real PC4 polygons."""

from __future__ import annotations

import json

import geopandas as gpd
import pyogrio
from pypdf import PdfReader
from typer.testing import CliRunner

from gebied.cli import app
from tests.conftest import GEMEENTEN_2017, PC4, PROGRAMMA


def test_plan_on_real_addresses_and_pc4(shared_data, tmp_path):
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        app,
        ["plan", str(PROGRAMMA), "-g", f"gemeente={GEMEENTEN_2017}", "-g", f"pc4={PC4}:postcode", "--uit", str(out),
         "--peildatum", "2026-11-01"],
    )
    assert result.exit_code == 0, result.output
    layers = set(pyogrio.list_layers(out / "plan.gpkg")[:, 0])
    assert {"adressen", "clusters", "gebieden", "vlaggen", "planning", "plan_info"} <= layers
    adressen = gpd.read_file(out / "plan.gpkg", layer="adressen")
    assert len(adressen) == 25000
    # clusters formed within the finest layer (pc4), never across two postcode areas
    clustered = adressen.dropna(subset=["cluster_id"])
    assert clustered.groupby("cluster_id")["pc4_code"].nunique().max() == 1
    # every address of the population is scheduled
    population = adressen["ncg_fase"].notna() & (adressen["ncg_fase"] != "gereed")
    assert adressen.loc[population, "gereed_periode"].notna().all()
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["plan"]["adressen"] == metrics["risico"]["adressen"]
    assert len(PdfReader(out / "rapport.pdf").pages) >= 3
    public = (out / "kaart_publiek.html").read_text(encoding="utf-8")
    for adres_id in adressen["adres_id"].sample(200, random_state=1):
        assert adres_id not in public
    # the attacker's audit on every public output of the real plan (PC4 areas)
    toets = CliRunner().invoke(app, ["publiek-toets", str(out)])
    assert toets.exit_code == 0, toets.output
    assert "Geslaagd" in toets.output and "kaart_publiek.html (" in toets.output
    publiek = gpd.read_file(out / "plan.gpkg", layer="publiek")
    units = publiek[publiek["code"] != "totaal"]
    assert units["niveau"].eq("pc4").all() and (units["aantal_adressen"].dropna() >= 10).all()
