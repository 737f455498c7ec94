"""Input files that used to be read wrongly or crash: each a Dutch message, exit 2, nothing written."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely

from gebied.areas import read_areas
from gebied.errors import GebiedError
from gebied.io import write_table
from gebied.validate import read_addresses

HEADER = "adres_id,pand_id,postcode,huisnummer,x,y,bouwjaar,typologie,eigendom,risicoprofiel,batch,ncg_fase,uitkomst,img_status"
ROW = "0014200000000{i:03d},0014100000013{i:03d},9731JL,{i},{x},583541.81,1932,arbeiderswoning,koop,P90,hra,1.2,onbekend,geen_melding"


def _csv(path, n=3, header=HEADER):
    rows = [ROW.format(i=i, x=236146.44 + 10 * i) for i in range(1, n + 1)]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _points(n=3):
    text = "\n".join([HEADER, *(ROW.format(i=i, x=236146.44 + 10 * i) for i in range(1, n + 1))])
    raw = pd.read_csv(io.StringIO(text), dtype=str)
    xy = gpd.points_from_xy(raw["x"].astype(float), raw["y"].astype(float))
    return gpd.GeoDataFrame(raw.drop(columns=["x", "y"]), geometry=xy, crs=28992)


def _cli(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k != "GEBIED_DEBUG"}
    return subprocess.run([sys.executable, "-m", "gebied", *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def test_reference_file_reads(tmp_path):
    assert len(read_addresses(_csv(tmp_path / "a.csv"))) == 3


def test_duplicated_column_name(tmp_path):
    path = _csv(tmp_path / "a.csv", header=HEADER.replace("pand_id", "adres_id"))
    with pytest.raises(GebiedError, match="kolomnaam 'adres_id' komt meer dan eens voor") as err:
        read_addresses(path)
    assert err.value.row == 1 and err.value.column == "adres_id"


def test_geopackage_with_several_point_layers(tmp_path):
    path = tmp_path / "adressen.gpkg"
    pts = _points()
    pts.to_file(path, layer="adressen_2025", engine="pyogrio")
    pts.iloc[:2].to_file(path, layer="adressen_2026", engine="pyogrio")
    with pytest.raises(GebiedError, match="2 puntlagen .*adressen_2025, adressen_2026.*BESTAND#LAAG"):
        read_addresses(path)
    assert len(read_addresses(f"{path}#adressen_2026")) == 2
    assert len(read_addresses(f"{path}#adressen_2025")) == 3
    with pytest.raises(GebiedError, match="laag 'bestaat_niet' bestaat niet"):
        read_addresses(f"{path}#bestaat_niet")


def test_one_point_layer_beside_polygons_is_chosen(tmp_path):
    path = tmp_path / "mix.gpkg"
    gpd.GeoDataFrame({"code": ["A"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=28992).to_file(path, layer="gebieden", engine="pyogrio")
    _points().to_file(path, layer="adressen", engine="pyogrio")
    assert len(read_addresses(path)) == 3


@pytest.mark.parametrize("kind", [pa.int64(), pa.float64()], ids=["int", "float"])
def test_numeric_adres_id_in_parquet(tmp_path, kind):
    frame = pd.read_csv(_csv(tmp_path / "a.csv"), dtype=str)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.set_column(0, "adres_id", pa.array([14200000000001, 14200000000002, 14200000000003]).cast(kind))
    pq.write_table(table, tmp_path / "a.parquet")
    with pytest.raises(GebiedError, match="kolom 'adres_id' is numeriek") as err:
        read_addresses(tmp_path / "a.parquet")
    assert err.value.column == "adres_id"


def test_directory_as_input_and_as_output_file(tmp_path):
    (tmp_path / "map.csv").mkdir()
    with pytest.raises(GebiedError, match="dit is een map"):
        read_addresses(tmp_path / "map.csv")
    (tmp_path / "uit.gpkg").mkdir()
    with pytest.raises(GebiedError, match="dit is een map"):
        write_table(_points(), tmp_path / "uit.gpkg")


def test_directory_through_the_cli(tmp_path):
    _csv(tmp_path / "a.csv")
    (tmp_path / "gekoppeld.csv").mkdir()
    gebieden = tmp_path / "g.gpkg"
    gpd.GeoDataFrame({"code": ["A"]}, geometry=[shapely.box(236000, 583000, 237000, 584000)], crs=28992).to_file(gebieden, engine="pyogrio")
    for args in (["controleer", tmp_path], ["koppel", tmp_path / "a.csv", "--gebieden", f"buurt={gebieden}", "--uit", tmp_path / "gekoppeld.csv"]):
        run = _cli(*args, cwd=tmp_path)
        assert run.returncode == 2, run.stdout + run.stderr
        assert "dit is een map" in run.stdout + run.stderr
        assert "Traceback" not in run.stderr
    assert list((tmp_path / "gekoppeld.csv").iterdir()) == []


def test_xy_and_lonlat_that_disagree(tmp_path):
    frame = pd.read_csv(_csv(tmp_path / "a.csv"), dtype=str)
    pts = gpd.GeoSeries(gpd.points_from_xy(frame["x"].astype(float), frame["y"].astype(float)), crs=28992).to_crs(4326)
    frame["lon"], frame["lat"] = pts.x.round(7).astype(str), pts.y.round(7).astype(str)
    frame.to_csv(tmp_path / "goed.csv", index=False)
    assert len(read_addresses(tmp_path / "goed.csv")) == 3
    frame.loc[1, "lon"] = str(float(frame.loc[1, "lon"]) + 0.01)  # about 700 m east
    frame.to_csv(tmp_path / "fout.csv", index=False)
    with pytest.raises(GebiedError, match="wijzen naar verschillende plekken") as err:
        read_addresses(tmp_path / "fout.csv")
    assert err.value.row == 3 and err.value.column == "lon"


def test_area_layer_with_only_empty_codes(tmp_path):
    path = tmp_path / "g.gpkg"
    gpd.GeoDataFrame({"code": ["", " "], "naam": ["a", "b"]}, geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], crs=28992).to_file(path, engine="pyogrio")
    with pytest.raises(GebiedError, match="overal leeg") as err:
        read_areas(path)
    assert err.value.column == "code"
