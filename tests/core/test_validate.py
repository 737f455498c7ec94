"""Address ingest: formats, coordinates and the data contract (docs/gegevenscontract.md)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from gebied import GebiedError, GebiedWarning, read_addresses

HEADER = "adres_id,pand_id,straat,huisnummer,postcode,woonplaats,x,y,bouwjaar,typologie,eigendom,risicoprofiel,batch,ncg_fase,uitkomst,img_status"
ROWS = [
    "A1,P1,Dorpsstraat,1,9999AA,Testdorp,250000.0,590000.0,1930,rijwoning,koop,P50,1467,2.1,onbekend,geen_melding",
    "A2,P1,Dorpsstraat,3,9999AA,Testdorp,250010.5,590000.0,1930,rijwoning,corporatie,P90,1467,4.1,versterken,opname",
    "A3,P2,Kerkweg,2,9999AB,Testdorp,250100.0,590050.0,,vrijstaand,,overig,,,,",
]


def write(tmp_path, text: str, name: str = "adressen.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_comma_reads_all_columns(tmp_path):
    gdf = read_addresses(write(tmp_path, "\n".join([HEADER, *ROWS])))
    assert list(gdf["adres_id"]) == ["A1", "A2", "A3"]
    assert gdf.crs.to_epsg() == 28992
    assert gdf.geometry.iloc[1].x == pytest.approx(250010.5)
    assert gdf["bouwjaar"].iloc[0] == 1930 and pd.isna(gdf["bouwjaar"].iloc[2])
    assert pd.isna(gdf["ncg_fase"].iloc[2]) and gdf["ncg_fase"].iloc[1] == "4.1"


def test_csv_semicolon_with_bom_and_decimal_comma(tmp_path):
    text = "\ufeff" + "adres_id;x;y;ncg_fase\nA1;250000,5;590000,25;2.1\n"
    gdf = read_addresses(write(tmp_path, text))
    assert gdf.geometry.iloc[0].x == pytest.approx(250000.5)
    assert gdf.geometry.iloc[0].y == pytest.approx(590000.25)


def test_latin1_reads_with_warning(tmp_path):
    text = "adres_id,straat,x,y\nA1,Hoofdstraße,250000,590000\n"
    with pytest.warns(GebiedWarning, match="latin-1"):
        gdf = read_addresses(write(tmp_path, text, encoding="latin-1"))
    assert gdf["straat"].iloc[0] == "Hoofdstraße"


def test_lonlat_converted_to_rd(tmp_path):
    gdf = read_addresses(write(tmp_path, "adres_id,lon,lat\nA1,6.5665,53.2194\n"))
    assert 230000 < gdf.geometry.iloc[0].x < 240000
    assert 580000 < gdf.geometry.iloc[0].y < 585000


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".parquet"])
def test_vector_formats_roundtrip(tmp_path, suffix):
    gdf = gpd.GeoDataFrame(
        {"adres_id": ["A1", "A2"], "ncg_fase": ["2.1", None]},
        geometry=[Point(250000, 590000), Point(250050, 590010)],
        crs=28992,
    )
    path = tmp_path / f"a{suffix}"
    if suffix == ".parquet":
        gdf.to_parquet(path)
    else:
        gdf.to_file(path)
    out = read_addresses(path)
    assert list(out["adres_id"]) == ["A1", "A2"]
    assert out.geometry.iloc[1].x == pytest.approx(250050, abs=0.01)


def test_codes_are_normalised_case_insensitively(tmp_path):
    gdf = read_addresses(write(tmp_path, "adres_id,x,y,risicoprofiel,img_status\nA1,250000,590000,p50,GEEN_MELDING\n"))
    assert gdf["risicoprofiel"].iloc[0] == "P50"
    assert gdf["img_status"].iloc[0] == "geen_melding"


def test_unknown_extra_columns_are_kept(tmp_path):
    gdf = read_addresses(write(tmp_path, "adres_id,x,y,eigen_notitie\nA1,250000,590000,hallo\n"))
    assert gdf["eigen_notitie"].iloc[0] == "hallo"


@pytest.mark.parametrize(
    ("text", "fragment", "row", "column"),
    [
        ("adres_id,x,y\nA1,250000,590000\nA1,250001,590001\n", "meer dan eens", None, "adres_id"),
        ("adres_id,x,y,ncg_fase\nA1,250000,590000,9.9\n", "onbekende code", 2, "ncg_fase"),
        ("adres_id,x,y,uitkomst\nA1,250000,590000,afgekeurd\n", "onbekende code", 2, "uitkomst"),
        ("adres_id,x,y\nA1,250000,abc\n", "geen getal", 2, "y"),
        ("adres_id,x,y\nA1,250000,590000\nA2,950000,590000\n", "buiten Nederland", 3, "x"),
        ("adres_id,lon,lat\nA1,53.2194,6.5665\n", "verwisseld", 2, "lon"),
        ("adres_id,lon,lat\nA1,250000,590000\n", "RD-meters", 2, "lon"),
        ("adres_id,lon,lat\nA1,-73.9,40.7\n", "buiten Nederland", 2, "lon"),
        ("adres_id,x,y\nA1,6.56,53.21\n", "graden", None, "x"),
        ("adres_id,x,y,bouwjaar\nA1,250000,590000,19x0\n", "geheel getal", 2, "bouwjaar"),
        ("adres_id,x,y\n,250000,590000\n", "leeg", 2, "adres_id"),
    ],
)
def test_bad_rows_name_row_and_column(tmp_path, text, fragment, row, column):
    with pytest.raises(GebiedError) as info:
        read_addresses(write(tmp_path, text))
    err = info.value
    assert fragment in err.render()
    assert err.column == column
    if row is not None:
        assert err.row == row or any(p.row == row for p in err.problems)
    assert "adressen.csv" in err.render()


def test_missing_columns(tmp_path):
    with pytest.raises(GebiedError, match="'adres_id' ontbreekt"):
        read_addresses(write(tmp_path, "id,x,y\nA1,250000,590000\n"))
    with pytest.raises(GebiedError, match="coördinaten ontbreken"):
        read_addresses(write(tmp_path, "adres_id,straat\nA1,Dorpsstraat\n"))


def test_empty_and_header_only(tmp_path):
    with pytest.raises(GebiedError, match="leeg"):
        read_addresses(write(tmp_path, ""))
    with pytest.raises(GebiedError, match="geen rijen"):
        read_addresses(write(tmp_path, HEADER + "\n"))


def test_binary_file(tmp_path):
    path = tmp_path / "adressen.csv"
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(GebiedError, match="geen tekstbestand"):
        read_addresses(path)


def test_geojson_without_geometry(tmp_path):
    path = write(
        tmp_path,
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adres_id":"A1"},"geometry":null}]}',
        name="a.geojson",
    )
    with pytest.raises(GebiedError, match="geen geometrie"):
        read_addresses(path)


def test_truncated_geojson(tmp_path):
    path = write(
        tmp_path,
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adres_id":"A1"},"geometry":{"type":"Point","coordinates":[6.5,',
        name="a.geojson",
    )
    with pytest.raises(GebiedError, match="onleesbaar"):
        read_addresses(path)


def test_geometry_without_crs(tmp_path):
    gdf = gpd.GeoDataFrame({"adres_id": ["A1"]}, geometry=[Point(250000, 590000)])
    path = tmp_path / "a.gpkg"
    gdf.to_file(path)
    with pytest.raises(GebiedError, match="coördinaatsysteem"):
        read_addresses(path)


def test_unknown_extension(tmp_path):
    with pytest.raises(GebiedError, match="onbekend bestandstype"):
        read_addresses(write(tmp_path, "x", name="a.xlsx"))
