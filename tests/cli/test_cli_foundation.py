"""`gebied controleer` and `gebied koppel` end to end: exit codes, Dutch messages, no partial output."""

from __future__ import annotations

import json

import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Polygon, box
from typer.testing import CliRunner

from gebied.cli import app

runner = CliRunner()
GOOD = "adres_id,pand_id,x,y,ncg_fase,risicoprofiel,img_status\nA1,P1,250010,590010,2.1,P50,geen_melding\nA2,P2,250150,590020,,overig,afgehandeld\n"


@pytest.fixture
def areas(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"buurtcode": ["BU01", "BU02"], "buurtnaam": ["West", "Oost"]},
        geometry=[box(249900, 589900, 250100, 590100), box(250100, 589900, 250300, 590100)],
        crs=28992,
    )
    path = tmp_path / "buurten.gpkg"
    gdf.to_file(path)
    return path


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_controleer_prints_summary(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(GOOD)
    result = run("controleer", path)
    assert result.exit_code == 0, result.output
    assert "2 adressen" in result.output
    assert "risicoprofiel" in result.output and "P50" in result.output


def test_koppel_detects_cbs_columns(tmp_path, areas):
    src = tmp_path / "a.csv"
    src.write_text(GOOD)
    out = tmp_path / "uit.gpkg"
    result = run("koppel", src, "--gebieden", f"buurt={areas}", "--uit", out)
    assert result.exit_code == 0, result.output
    got = gpd.read_file(out)
    assert list(got["adres_id"]) == ["A1", "A2"]
    assert list(got["buurt_code"]) == ["BU01", "BU02"]
    assert list(got["buurt_naam"]) == ["West", "Oost"]


def read_back(path):
    """An output of `gebied koppel` read the way a user would (texts stay texts in CSV)."""
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype={c: "string" for c in ("adres_id", "pand_id", "ncg_fase", "buurt_code")})
    if path.suffix == ".parquet":
        return gpd.read_parquet(path)
    return gpd.read_file(path)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".geojson"])
def test_koppel_output_formats(tmp_path, areas, suffix):
    src = tmp_path / "a.csv"
    src.write_text(GOOD)
    out = tmp_path / f"uit{suffix}"
    result = run("koppel", src, "-g", f"buurt={areas}:buurtcode:buurtnaam", "--uit", out)
    assert result.exit_code == 0, result.output
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".uit")]
    got = read_back(out)
    # every input column, then code, name and distance of the area layer; one row per address
    assert [c for c in got.columns if c != "geometry"] == [
        "adres_id", "pand_id", "x", "y", "ncg_fase", "risicoprofiel", "img_status",
        "buurt_code", "buurt_naam", "buurt_afstand_m",
    ]
    assert len(got) == 2
    assert got["adres_id"].tolist() == ["A1", "A2"] and got["pand_id"].tolist() == ["P1", "P2"]
    assert got["buurt_code"].tolist() == ["BU01", "BU02"] and got["buurt_naam"].tolist() == ["West", "Oost"]
    assert got["ncg_fase"].iloc[0] == "2.1" and pd.isna(got["ncg_fase"].iloc[1])
    assert got["risicoprofiel"].tolist() == ["P50", "overig"]
    assert got["img_status"].tolist() == ["geen_melding", "afgehandeld"]
    assert got["x"].tolist() == [250010.0, 250150.0] and got["y"].tolist() == [590010.0, 590020.0]
    assert got["buurt_afstand_m"].tolist() == [0.0, 0.0]
    if suffix != ".csv":
        # the points themselves, in the documented CRS (GeoJSON: WGS84, RFC 7946)
        assert got.crs.to_epsg() == (4326 if suffix == ".geojson" else 28992)
        rd = got.geometry.to_crs(28992)
        assert rd.x.round(2).tolist() == [250010.0, 250150.0] and rd.y.round(2).tolist() == [590010.0, 590020.0]
    if suffix == ".geojson":  # the collection carries the layer name, not that of the temporary file
        assert json.loads(out.read_text(encoding="utf-8"))["name"] == "adressen"


def _bad_inputs(tmp_path, areas):
    """(name, address text or path, area spec, expected fragment)."""
    nocrs = tmp_path / "zonder_crs.gpkg"
    gpd.GeoDataFrame({"code": ["X"]}, geometry=[box(0, 0, 1, 1)]).to_file(nocrs)
    binary = tmp_path / "binair.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    nogeom = tmp_path / "zonder.geojson"
    nogeom.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adres_id":"A1"},"geometry":null}]}')
    trunc = tmp_path / "afgebroken.geojson"
    trunc.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adres_id":"A1"},"geom')
    return [
        ("ontbrekende kolom", "id,x,y\nA1,250000,590000\n", f"buurt={areas}", "'adres_id' ontbreekt"),
        ("dubbel id", "adres_id,x,y\nA1,250000,590000\nA1,250001,590000\n", f"buurt={areas}", "meer dan eens"),
        ("lon/lat verwisseld", "adres_id,lon,lat\nA1,53.2,6.56\n", f"buurt={areas}", "verwisseld"),
        ("RD in lon/lat", "adres_id,lon,lat\nA1,250000,590000\n", f"buurt={areas}", "RD-meters"),
        ("onbekende fase", "adres_id,x,y,ncg_fase\nA1,250000,590000,6.1\n", f"buurt={areas}", "onbekende code"),
        ("leeg bestand", "", f"buurt={areas}", "leeg"),
        ("binair bestand", binary, f"buurt={areas}", "geen tekstbestand"),
        ("GeoJSON zonder geometrie", nogeom, f"buurt={areas}", "geen geometrie"),
        ("afgebroken GeoJSON", trunc, f"buurt={areas}", "onleesbaar"),
        ("codekolom ontbreekt", GOOD, f"buurt={areas}:wijkcode", "codekolom 'wijkcode' ontbreekt"),
        ("gebied zonder CRS", GOOD, f"buurt={nocrs}", "geen coördinaatsysteem"),
        ("gebiedenbestand ontbreekt", GOOD, f"buurt={tmp_path / 'nergens.gpkg'}", "niet gevonden"),
        ("slechte laagspec", GOOD, "buurt", "NAAM=BESTAND"),
    ]


def test_bad_inputs_exit_2_with_dutch_message_and_no_output(tmp_path, areas):
    for name, source, spec, fragment in _bad_inputs(tmp_path, areas):
        if isinstance(source, str):
            src = tmp_path / "adressen.csv"
            src.write_text(source)
        else:
            src = source
        out = tmp_path / "uit.gpkg"
        result = run("koppel", src, "--gebieden", spec, "--uit", out)
        assert result.exit_code == 2, (name, result.output)
        assert fragment in result.output, (name, result.output)
        assert "Traceback" not in result.output, name
        assert not out.exists(), name
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".uit")], name


def test_failed_run_keeps_earlier_output(tmp_path, areas):
    src = tmp_path / "a.csv"
    src.write_text(GOOD)
    out = tmp_path / "uit.csv"
    assert run("koppel", src, "-g", f"buurt={areas}", "--uit", out).exit_code == 0
    before = out.read_bytes()
    src.write_text("adres_id,x,y\nA1,250000,590000\nA1,1,1\n")
    assert run("koppel", src, "-g", f"buurt={areas}", "--uit", out).exit_code == 2
    assert out.read_bytes() == before


def test_invalid_polygon_is_repaired_with_warning(tmp_path):
    bowtie = Polygon([(249900, 589900), (250300, 590100), (250300, 589900), (249900, 590100)])
    path = tmp_path / "kapot.gpkg"
    gpd.GeoDataFrame({"code": ["K1"]}, geometry=[bowtie], crs=28992).to_file(path)
    src = tmp_path / "a.csv"
    src.write_text(GOOD)
    result = run("koppel", src, "-g", f"k={path}", "--uit", tmp_path / "uit.csv")
    assert result.exit_code == 0, result.output
    assert "make_valid" in result.output


def test_python_m_gebied_subprocess_no_traceback(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text("adres_id,lon,lat\nA1,53.2,6.56\n")
    proc = subprocess.run(
        [sys.executable, "-m", "gebied", "controleer", str(src)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "verwisseld" in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr
    help_proc = subprocess.run([sys.executable, "-m", "gebied", "--help"], capture_output=True, text=True)
    assert help_proc.returncode == 0 and "koppel" in help_proc.stdout


def test_help_and_usage_errors_are_dutch():
    result = run("--help")
    assert result.exit_code == 0
    assert "Gebruik" in result.output and "Opdrachten" in result.output
    assert "Show this message" not in result.output
    result = run("koppel")
    assert result.exit_code == 2
    assert "ontbreekt" in result.output
