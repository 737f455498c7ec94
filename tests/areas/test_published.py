"""Published files as users download them: CBS wijk- en buurtkaart, PC4, BAG and the programme."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gebied.areas.published import read_area_layers, without_sentinels
from gebied.areas.read import AreaSpec, read_areas
from gebied.bag import read_bag
from gebied.errors import GebiedError, GebiedNotice
from gebied.programme import join_programme, read_programme
from tests.areas.published_fixture import (
    UNKNOWN_IDS,
    write_bag,
    write_cbs_shapefile,
    write_wijkenbuurten,
)
from tests.conftest import PC4

WATER_CODES = {"GM9999", "WK001499", "BU00149999"}


@pytest.fixture(scope="module")
def published(tmp_path_factory, shared_data):
    folder = tmp_path_factory.mktemp("gepubliceerd")
    cbs = write_wijkenbuurten(folder)
    bag, programme = write_bag(folder, extra_rows=500)
    return {"folder": folder, "cbs": cbs, "bag": bag, "programma": programme}


def cli(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k != "GEBIED_DEBUG"}
    return subprocess.run([sys.executable, "-m", "gebied", *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=600, check=False)


def _read(spec: str) -> tuple[dict, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layers = read_area_layers([AreaSpec.parse(spec)])
    return layers, [str(w.message) for w in caught if issubclass(w.category, GebiedNotice)]


def test_koppel_recognises_the_cbs_geopackage_bag_and_programme(published, tmp_path):
    out = tmp_path / "gekoppeld.gpkg"
    run = cli("koppel", published["bag"], "-g", f"cbs={published['cbs']}", "--programma", published["programma"], "--uit", out, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "herkend als CBS wijk- en buurtkaart 2022: 10 gemeenten, 123 wijken, 987 buurten; 3 waterdelen (water = JA) weggelaten" in run.stderr
    assert "herkend als BAG (laag verblijfsobject): 25.000 verblijfsobjecten" in run.stderr
    # the programme ids not in the BAG, with their line numbers in programma.csv
    assert "2 adres_id('s) uit het programma niet gevonden" in run.stderr
    assert f"rij 7 ({UNKNOWN_IDS[0]})" in run.stderr and f"({UNKNOWN_IDS[1]})" in run.stderr
    joined = gpd.read_file(out)
    assert len(joined) == 25_000  # the 500 points far away in Limburg are not read
    for level in ("gemeente", "wijk", "buurt"):
        assert joined[f"{level}_code"].notna().all()
        assert not set(joined[f"{level}_code"]) & WATER_CODES
    # hierarchy from the codes: a buurt's wijk and gemeente are its own
    assert (joined["buurt_code"].str.slice(2, 8) == joined["wijk_code"].str.slice(2)).all()
    assert (joined["buurt_code"].str.slice(2, 6) == joined["gemeente_code"].str.slice(2)).all()
    assert joined["gemeente_naam"].value_counts().idxmax() == "Groningen"
    programme = pd.read_csv(published["programma"], dtype=str)
    in_prog = joined["adres_id"].isin(programme["adres_id"])
    assert joined.loc[in_prog, "ncg_fase"].notna().all() and joined.loc[~in_prog, "ncg_fase"].isna().all()
    assert {"straat", "huisnummer", "pand_id", "bag_status"} <= set(joined.columns)


def test_one_level_by_name_and_water_left_out(published):
    layers, notes = _read(f"wijk={published['cbs']}")
    assert list(layers) == ["wijk"] and len(layers["wijk"]) == 123
    assert "WK001499" not in set(layers["wijk"]["code"])
    assert notes and "123 wijken" in notes[0]


def test_old_shapefile_with_h2o_gives_three_levels(published, tmp_path):
    shp = write_cbs_shapefile(tmp_path)
    layers, notes = _read(f"cbs={shp}")
    assert set(layers) == {"buurt", "wijk", "gemeente"}
    assert len(layers["buurt"]) == 987 and not set(layers["buurt"]["code"]) & WATER_CODES
    assert layers["wijk"]["code"].str.fullmatch(r"WK\d{6}").all()
    assert set(layers["gemeente"]["naam"]) >= {"Groningen"}
    # a wijk built from its buurten covers them
    wk = layers["wijk"].set_index("code").geometry
    bu = layers["buurt"].iloc[0]
    assert wk[("WK" + bu["code"][2:8])].buffer(0.01).covers(bu.geometry)
    assert "1 waterdeel (water = JA) weggelaten" in notes[0]


def test_pc4_layer_recognised(shared_data):
    layers, notes = _read(f"cbs={PC4}")
    assert list(layers) == ["pc4"] and len(layers["pc4"]) == 253
    assert layers["pc4"]["code"].str.fullmatch(r"\d{4}").all()
    assert "postcodelaag" in notes[0]


def test_name_only_column_is_the_code(shared_data):
    path = shared_data / "real" / "gemeenten_provincie_groningen_cbs2022.gpkg"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        areas = read_areas(f"gemeente={path}#gemeenten")
    assert "Groningen" in set(areas["code"]) and len(areas) == 10


def test_two_name_columns_still_need_a_choice():
    frame = gpd.GeoDataFrame({"naam": ["a"], "gemeente": ["b"]}, geometry=gpd.GeoSeries.from_wkt(["POLYGON((0 0,1 0,1 1,0 0))"]), crs=28992)
    from gebied.areas.read import prepare_areas

    with pytest.raises(GebiedError, match="geen codekolom gevonden"):
        prepare_areas(frame)


def test_sentinels_read_as_empty():
    frame = pd.DataFrame({"aantal_inwoners": [120, -99997, -99995, -99991, 0], "naam": ["a", "b", "c", "d", "e"]})
    clean = without_sentinels(frame)
    assert clean["aantal_inwoners"].isna().tolist() == [False, True, True, True, False]


def test_bag_read_only_near_the_areas(published):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layers = read_area_layers([AreaSpec.parse(f"wijk={published['cbs']}")])
        centre = {"wijk": layers["wijk"][layers["wijk"]["code"] == "WK001400"]}
        addresses = read_bag(published["bag"], areas=centre, max_distance=0)
    assert 0 < len(addresses) < 25_000
    assert centre["wijk"].geometry.iloc[0].buffer(0.01).contains(addresses.geometry).all()
    assert addresses["adres_id"].str.fullmatch(r"\d{16}").all()


def test_programme_bad_code_names_file_row_and_column(tmp_path):
    path = tmp_path / "programma.csv"
    path.write_text("adres_id,ncg_fase\n0014010000000001,2.1\n0014010000000002,9.9\n", encoding="utf-8")
    with pytest.raises(GebiedError) as err:
        read_programme(path)
    assert err.value.row == 3 and err.value.column == "ncg_fase"


def test_programme_with_no_known_id_is_an_error(tmp_path):
    path = tmp_path / "programma.csv"
    path.write_text("adres_id,ncg_fase\n1,2.1\n", encoding="utf-8")
    addresses = gpd.GeoDataFrame({"adres_id": ["0014010000000001"]}, geometry=gpd.points_from_xy([234000], [582000]), crs=28992)
    with pytest.raises(GebiedError, match="geen enkel adres_id"):
        join_programme(addresses, read_programme(path), file=str(path))
    assert np.isfinite(addresses.geometry.x).all()


def test_woonplaats_layer_recognised(tmp_path):
    path = tmp_path / "bag_woonplaatsen.gpkg"
    frame = gpd.GeoDataFrame(
        {"identificatie": ["1234", "2345"], "woonplaats": ["Loppersum", "Garrelsweer"]},
        geometry=[shapely.box(230000, 590000, 232000, 592000), shapely.box(235000, 590000, 236000, 591000)],
        crs=28992,
    )
    frame.to_file(path, layer="woonplaatsen", engine="pyogrio")
    layers, notes = _read(f"cbs={path}")
    assert list(layers) == ["woonplaats"]
    assert dict(zip(layers["woonplaats"]["code"], layers["woonplaats"]["naam"])) == {"1234": "Loppersum", "2345": "Garrelsweer"}
    assert "woonplaatsenlaag: 2 woonplaatsen" in notes[0]
