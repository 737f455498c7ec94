"""End-to-end tests of `gebied planning` through the CLI."""

from __future__ import annotations

import json
import re

import pandas as pd
from typer.testing import CliRunner

from gebied.cli import app
from gebied.schedule.metrics import compute_metrics
from tests.schedule.test_schedule import programme

runner = CliRunner()


def _input(tmp_path):
    a = programme(150, seed=11)
    path = tmp_path / "geclusterd.gpkg"
    a.to_file(path, layer="adressen")
    return a, path


def test_planning_vergelijk(tmp_path):
    a, path = _input(tmp_path)
    out = tmp_path / "planning"
    res = runner.invoke(app, ["planning", str(path), "--capaciteit", "opname=12,beoordeling=10,uitvoering=6",
                              "--uit", str(out), "--vergelijk"])
    assert res.exit_code == 0, res.output
    assert "buur-ongelijkheid" in res.output
    # numbers as a Dutch reader writes them: a decimal comma, never a decimal point
    text = " ".join(res.output.split())
    assert re.search(r"gereed in periode \d+,\d\b", text) and not re.search(r"\d\.\d", text)
    for name in ("adressen.csv", "clusters.csv", "perioden.csv", "metrics.json"):
        assert (out / name).exists()
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert set(metrics["strategieen"]) == {"plan", "risico", "gebied"}
    adressen = pd.read_csv(out / "adressen.csv", dtype={"adres_id": str})
    assert len(adressen) == len(a)
    pop = a["cluster_id"].notna() & a["ncg_fase"].notna()
    assert adressen["gereed_periode"].notna().sum() == int(pop.sum())
    perioden = pd.read_csv(out / "perioden.csv")
    assert (perioden["uitvoering_werk"] <= 6 + 1e-9).all()
    # the plan metrics in metrics.json follow from the written per-address output
    import geopandas as gpd

    geo = gpd.GeoDataFrame(adressen, geometry=gpd.points_from_xy(adressen["x"], adressen["y"]), crs=28992)
    again = compute_metrics(geo, perioden)
    for key in ("gereed_gemiddeld_P50", "gereed_gemiddeld", "buur_ongelijkheid", "grootste_stuwmeer"):
        assert again[key] == metrics["strategieen"]["plan"][key]


def test_planning_bad_input_exit_2(tmp_path):
    a, path = _input(tmp_path)
    out = tmp_path / "planning"
    res = runner.invoke(app, ["planning", str(path), "--capaciteit", "opname=veel", "--uit", str(out)])
    assert res.exit_code == 2 and "geen getal" in res.output
    res = runner.invoke(app, ["planning", str(path), "--strategie", "snel", "--uit", str(out)])
    assert res.exit_code == 2 and "onbekende strategie" in res.output
    vast = tmp_path / "vast.csv"
    vast.write_text("cluster_id,prioriteit\nC0-0,nul\n", encoding="utf-8")
    res = runner.invoke(app, ["planning", str(path), "--vast", str(vast), "--uit", str(out)])
    assert res.exit_code == 2 and "rij 2" in res.output and "prioriteit" in res.output
    plain = tmp_path / "zonder.csv"
    a.drop(columns=["cluster_id", "geometry"]).assign(x=a.geometry.x, y=a.geometry.y).to_csv(plain, index=False)
    res = runner.invoke(app, ["planning", str(plain), "--uit", str(out)])
    assert res.exit_code == 2 and "cluster_id" in res.output
    assert not out.exists()


def test_planning_help_is_dutch():
    res = runner.invoke(app, ["planning", "--help"])
    assert res.exit_code == 0 and "capaciteit" in res.output and "Uitvoermap" in res.output
