"""Municipal map, plan reading and the `gebied kaart` command on a hand-built plan."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gebied.cli import app
from gebied.errors import GebiedError
from gebied.maps import municipal_map, read_plan, save_map
from gebied.maps.assets import external_references
from gebied.maps.layers import progress_by_period
from gebied.maps.render import plan_renderers
from tests.plan_fixture import plan_layers, write_plan


@pytest.fixture(scope="module")
def plan():
    return plan_layers()


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory):
    return write_plan(tmp_path_factory.mktemp("plan"), maps=False)


@pytest.fixture(scope="module")
def html(plan):
    return municipal_map(plan, level="buurt")


def payload(html: str, factory: str) -> list[dict]:
    """The JSON payloads passed to GK.<factory>(map, {...}) in the page."""
    out = []
    for m in re.finditer(rf"GK\.{factory}\(\w+, ", html):
        obj, _ = json.JSONDecoder().raw_decode(html, m.end())
        out.append(obj)
    return out


def test_page_is_self_contained(html):
    assert external_references(html) == []
    assert "<script>" in html and "L.map(" in html
    # lean page: Leaflet only, no jQuery / Bootstrap / Font Awesome inlined
    assert "jQuery v3" not in html and "Bootstrap v5" not in html and "Font Awesome" not in html


def test_external_reference_check_detects_cdn_links():
    page = '<script src="https://cdn.jsdelivr.net/npm/leaflet.js"></script><link href="//x.org/a.css" rel=stylesheet>'
    assert len(external_references(page)) == 2


def test_base_layers_title_and_date(html, plan):
    for laag in ("standaard", "grijs", "water"):
        assert f"achtergrondkaart/wmts/v2_0/{laag}/EPSG:3857" in html
    assert "tile.openstreetmap.org" in html
    titel = dict(zip(plan["plan_info"]["sleutel"], plan["plan_info"]["waarde"], strict=True))
    [title] = payload(html, "title")
    assert title["title"] == titel["titel"]
    assert titel["peildatum"] in title["subtitle"]


def test_addresses_are_compact_arrays_matching_the_input(html, plan):
    [points] = payload(html, "points")
    addresses = plan["adressen"].to_crs(4326)
    assert len(points["lat"]) == len(addresses)
    assert points["id"] == addresses["adres_id"].tolist()
    lat = np.array(points["lat"]) / points["scale"]
    assert np.allclose(lat, addresses.geometry.y, atol=1e-5)
    fase = [points["fase_labels"][i].split(" ")[0] for i in points["fase"]]
    expected = addresses["ncg_fase"].fillna("niet").tolist()
    assert fase == expected
    # no GeoJSON feature per address
    assert html.count('"type":"Feature"') < len(addresses)


def test_layers_and_legend_are_dutch(html):
    for name in ("Voortgang per buurt", "Ongelijkheid per buurt", "Clusters (treintjes)", "Vlaggen: ongelijke", "Adressen naar fase"):
        assert name in html
    [legend] = payload(html, "legend")
    titles = [s["title"] for s in legend["sections"]]
    assert "Adressen: fase (NCG)" in titles and "Vlaggen: ernst" in titles


def test_cluster_popups_explain_why_together(html, plan):
    [clusters] = payload(html, "clusters")
    feats = clusters["geojson"]["features"]
    assert len(feats) == len(plan["clusters"])
    for f, (_, row) in zip(feats, plan["clusters"].iterrows(), strict=True):
        assert "Waarom samen" in f["properties"]["popup"]
        assert f["properties"]["start"] == row["start_periode"]


def test_area_progress_matches_addresses(html, plan):
    [progress, *_] = payload(html, "areas")
    a = plan["adressen"]
    for f in progress["geojson"]["features"]:
        code = f["properties"]["code"]
        sub = a[a["buurt_code"] == code]
        done_now = int((sub["ncg_fase"] == "gereed").sum())
        planned = int(sub["gereed_periode"].notna().sum())
        cum = f["properties"]["cum"]
        assert cum[0] == done_now and cum[-1] == done_now + planned


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["A", "B", "C"]), st.sampled_from(["gereed", "2.1", None]), st.one_of(st.none(), st.integers(1, 6))),
        min_size=1,
        max_size=60,
    )
)
def test_progress_is_cumulative(rows):
    frame = pd.DataFrame(rows, columns=["code", "ncg_fase", "gereed_periode"])
    out = progress_by_period(frame, "code", 6)
    for code, cum in out.items():
        sub = frame[frame["code"] == code]
        assert len(cum) == 7
        assert all(b >= a for a, b in zip(cum, cum[1:], strict=False))
        assert cum[0] == (sub["ncg_fase"] == "gereed").sum()
        assert cum[-1] <= len(sub)


def test_unknown_level_is_a_dutch_error(plan):
    with pytest.raises(GebiedError, match="niveau 'straat' komt niet voor"):
        municipal_map(plan, level="straat")


def test_map_without_addresses_still_draws_areas(plan):
    page = municipal_map({"gebieden": plan["gebieden"]}, level="wijk")
    assert "GK.points(" not in page
    wijken = plan["gebieden"].loc[plan["gebieden"]["niveau"] == "wijk", "code"]
    drawn = [f["properties"]["code"] for f in payload(page, "areas")[0]["geojson"]["features"]]
    assert sorted(drawn) == sorted(wijken) and len(drawn) == 4


def test_read_plan_round_trip(plan_file, plan):
    layers = read_plan(plan_file)
    assert set(layers) == set(plan)
    assert len(layers["adressen"]) == len(plan["adressen"])
    assert external_references(municipal_map(layers)) == []


def test_read_plan_errors(tmp_path, plan):
    with pytest.raises(GebiedError, match="niet gevonden"):
        read_plan(tmp_path / "geen.gpkg")
    bad = tmp_path / "kapot.gpkg"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x01" * 100)
    with pytest.raises(GebiedError, match="onleesbaar") as exc:
        read_plan(bad)
    assert exc.value.file == str(bad)
    from gebied.io import write_layers

    only = write_layers({"adressen": plan["adressen"]}, tmp_path / "zonder.gpkg")
    with pytest.raises(GebiedError, match="laag 'gebieden' ontbreekt"):
        read_plan(only)


def test_save_map_is_atomic_and_checks_suffix(tmp_path):
    target = save_map("<html></html>", tmp_path / "k.html")
    assert target.read_text() == "<html></html>"
    assert [p.name for p in tmp_path.iterdir()] == ["k.html"]
    with pytest.raises(GebiedError, match=".html"):
        save_map("x", tmp_path / "k.txt")


def test_plan_renderers_write_both_maps(tmp_path, plan):
    from gebied.settings import PlanSettings

    settings_ = PlanSettings()
    settings_.uitvoer.peildatum = "2026-02-01"
    for name, render in plan_renderers().items():
        render(plan, settings_, tmp_path / name)
        text = (tmp_path / name).read_text()
        assert "2026-02-01" in text and external_references(text) == []
    public = (tmp_path / "kaart_publiek.html").read_text()
    municipal = (tmp_path / "kaart.html").read_text()
    ids = plan["adressen"]["adres_id"]
    assert ids.iloc[0] in municipal and not any(i in public for i in ids)


runner = CliRunner()


def test_cli_kaart_municipal_and_public(plan_file, tmp_path):
    res = runner.invoke(app, ["kaart", str(plan_file), "--uit", str(tmp_path / "k.html")])
    assert res.exit_code == 0, res.output
    assert "gemeentelijke kaart" in res.output
    res = runner.invoke(app, ["kaart", str(plan_file), "--uit", str(tmp_path / "p.html"), "--publiek", "--niveau", "woonplaats"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "p.html").stat().st_size < (tmp_path / "k.html").stat().st_size


@pytest.mark.parametrize(
    "args, message",
    [
        (["--niveau", "straat"], "niveau 'straat'"),
        (["--publiek", "--drempel", "3"], "--drempel"),
    ],
)
def test_cli_kaart_bad_input_exit_2(plan_file, tmp_path, args, message):
    out = tmp_path / "k.html"
    res = runner.invoke(app, ["kaart", str(plan_file), "--uit", str(out), *args])
    assert res.exit_code == 2
    assert "Fout" in res.output and message in res.output
    assert not out.exists()


def test_cli_kaart_missing_plan(tmp_path):
    res = runner.invoke(app, ["kaart", str(tmp_path / "weg.gpkg"), "--uit", str(tmp_path / "k.html")])
    assert res.exit_code == 2 and "planbestand niet gevonden" in res.output


def test_house_numbers_read_back_from_a_geopackage_show_without_decimals():
    """Regression: `gebied plan` showed `Dorpsstraat 1.0` (huisnummer read back as float with gaps)."""
    from gebied.maps.layers import address_label

    frame = pd.DataFrame({"adres_id": ["1", "2", "3"], "straat": ["Dorpsstraat", "Kerkweg", ""],
                          "huisnummer": [1.0, 12.0, np.nan], "huisletter": ["a", None, None]})
    assert address_label(frame).tolist() == ["Dorpsstraat 1a", "Kerkweg 12", "adres 3"]
