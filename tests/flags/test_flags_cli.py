"""End-to-end tests of `gebied vlaggen` and `gebied signalen` through the CLI."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from typer.testing import CliRunner

from gebied.cli import app
from gebied.outdir import MARKER
from gebied.io import write_table
from tests.homes import addresses, home

runner = CliRunner()


@pytest.fixture
def gekoppeld(tmp_path):
    rows = [
        home("A", 0, 0, ncg_fase="4.1", uitkomst="sloop_nieuwbouw", img_status="opname", huisnummer=1),
        home("B", 10, 0, ncg_fase="4.1", uitkomst="geen_maatregelen", img_status="geen_melding", huisnummer=3),
        home("C", 20, 0, ncg_fase="gereed", uitkomst="versterken", img_status="afgehandeld", huisnummer=5),
        home("D", 30, 0, ncg_fase="1.2", img_status="geen_melding", huisnummer=7, batch="hra"),
        home("E", 40, 0, img_status="geen_melding", huisnummer=9),
        home("F", 500, 0, ncg_fase="2.1", img_status="voorbereiding", huisnummer=11),
    ]
    a = addresses(rows)
    a["buurt_code"] = pd.array(["BU1"] * 5 + ["BU2"], dtype="string")
    path = tmp_path / "gekoppeld.gpkg"
    write_table(a, path, layer="adressen")
    return path


def test_vlaggen_gpkg_with_area_layer(gekoppeld, tmp_path):
    out = tmp_path / "vlaggen.gpkg"
    result = runner.invoke(app, ["vlaggen", str(gekoppeld), "--uit", str(out), "--gebied", "buurt"])
    assert result.exit_code == 0, result.output
    assert "uitkomst_verschil" in result.output and "Geschreven" in result.output
    assert {tuple(x) for x in pyogrio.list_layers(out)} == {("vlaggen", "LineString"), ("vlaggen_per_gebied", None)}
    flags = gpd.read_file(out, layer="vlaggen")
    assert flags.crs.to_epsg() == 28992
    assert {"vlag", "adres_id", "buur_adres_id", "afstand_m", "ernst", "toelichting"} <= set(flags.columns)
    uv = flags[flags["vlag"] == "uitkomst_verschil"]
    assert set(zip(uv["adres_id"], uv["buur_adres_id"], strict=True)) == {("B", "A"), ("B", "C"), ("C", "A")}
    per_area = gpd.read_file(out, layer="vlaggen_per_gebied")
    assert per_area["gebied_code"].tolist() == ["BU1", "BU2"]
    # the table printed per type matches the file
    for kind, n in flags["vlag"].value_counts().items():
        assert any(line.strip().startswith(f"│ {kind}") and line.rstrip().endswith(f"{n} │") for line in result.output.splitlines())


def test_vlaggen_csv_and_distance(gekoppeld, tmp_path):
    out = tmp_path / "vlaggen.csv"
    result = runner.invoke(app, ["vlaggen", str(gekoppeld), "--uit", str(out), "--afstand", "5", "--gebied", "buurt_code"])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out).empty  # homes are 10 m apart: no neighbours within 5 m
    assert (tmp_path / "vlaggen_per_gebied.csv").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--gebied", "wijk"], "gebiedskolom 'wijk' bestaat niet"),
        (["--afstand", "-3"], "--afstand moet 0 of meer zijn"),
    ],
)
def test_vlaggen_bad_options_exit_2_without_output(gekoppeld, tmp_path, args, message):
    out = tmp_path / "vlaggen.gpkg"
    result = runner.invoke(app, ["vlaggen", str(gekoppeld), "--uit", str(out), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_vlaggen_bad_input_file(tmp_path):
    bad = tmp_path / "adressen.csv"
    bad.write_text("adres_id,x,y\n1,abc,580000\n", encoding="utf-8")
    out = tmp_path / "v.gpkg"
    result = runner.invoke(app, ["vlaggen", str(bad), "--uit", str(out)])
    assert result.exit_code == 2 and "adressen.csv" in result.output and "rij 2" in result.output
    assert not out.exists()


def test_signalen_writes_folder(gekoppeld, tmp_path):
    out = tmp_path / "signalen"
    out.mkdir()
    (out / "oud.txt").write_text("oud")  # a file gebied did not make: refused and kept
    refused = runner.invoke(app, ["signalen", str(gekoppeld), "--uit", str(out)])
    assert refused.exit_code == 2 and (out / "oud.txt").read_text() == "oud"
    (out / "oud.txt").unlink()
    for _ in range(2):  # into an empty folder, then over its own earlier output
        result = runner.invoke(app, ["signalen", str(gekoppeld), "--uit", str(out)])
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if p.name != MARKER) == [
        "gezamenlijke_opname.csv",
        "matrix.csv",
        "melding_uitnodigen.csv",
        "samenwerkingsgroepen.csv",
        "schadeherstel_in_uitvoeringsplan.csv",
    ]
    matrix = pd.read_csv(out / "matrix.csv", dtype={"ncg_fase": str}).set_index("ncg_fase")
    assert matrix.at["totaal", "totaal"] == 6
    assert matrix.at["4.1", "opname"] == 1
    invite = pd.read_csv(out / "melding_uitnodigen.csv", dtype=str)
    assert sorted(invite["adres_id"]) == ["B", "D"]
    groups = pd.read_csv(out / "samenwerkingsgroepen.csv", dtype=str)
    assert dict(zip(groups["adres_id"], groups["samenwerkingsgroep"], strict=True)) == {"A": "E", "F": "B"}
    assert pd.read_csv(out / "gezamenlijke_opname.csv", dtype=str)["adres_id"].tolist() == ["F"]
    # four programme addresses not finished … five in programme: 2 no report, 1 closed, 2 running
    assert "geen schademelding: 2 (40,0%)" in result.output
    assert "lopend dossier: 2 (40,0%)" in result.output


def test_signalen_bad_input_leaves_folder(tmp_path):
    out = tmp_path / "signalen"
    out.mkdir()
    (out / "oud.txt").write_text("oud")
    missing = tmp_path / "bestaat_niet.csv"
    result = runner.invoke(app, ["signalen", str(missing), "--uit", str(out)])
    assert result.exit_code == 2 and "bestand niet gevonden" in result.output
    assert [p.name for p in out.iterdir()] == ["oud.txt"]
