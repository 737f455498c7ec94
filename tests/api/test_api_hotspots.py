"""Hot spots in the API: only behind a key, per gemeente, nothing on public routes."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from fastapi.testclient import TestClient

from gebied.api.app import create_app
from gebied.api.auth import create_key, load_keys
from gebied.api.store import open_store
from gebied.io import write_layers
from tests.plan_fixture import OTHER, OWN, plan_layers


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("brandhaarden")
    layers = plan_layers()
    adr = layers["adressen"]
    own_bu = adr.loc[adr["gemeente_code"] == OWN, "buurt_code"].iloc[0]
    other_bu = adr.loc[adr["gemeente_code"] == OTHER, "buurt_code"].iloc[0]
    layers["brandhaarden"] = gpd.GeoDataFrame(
        {
            "brandhaard_id": ["BH0001", "BH0002"], "rang": [1, 2], "woonplaats": ["Oostdorp", "Westdorp"],
            "straat": ["Kerkstraat", "Molenweg"], "huisnummers": ["1–23", "2–40"], "gebied_code": [other_bu, own_bu],
            "adressen": [12, 20], "ernst": [48.0, 40.0], "actie": ["herbeoordelen", "meenemen"],
            "toelichting": ["Kerkstraat 1–23: …", "Molenweg 2–40: …"],
        },
        geometry=[shapely.box(0, 0, 10, 10), shapely.box(20, 0, 30, 10)], crs=28992,
    )
    write_layers(layers, folder / "plan.gpkg")
    path = folder / "sleutels.toml"
    keys = {"gemeente": create_key(path, rol="gemeente", gemeenten=[OWN], naam="stuurgroep-oost"),
            "ncg": create_key(path, rol="ncg")}
    store = open_store(folder / "plan.gpkg")
    with TestClient(create_app(store, load_keys(path))) as client:
        yield client, keys, own_bu, other_bu
    store.close()


def test_hot_spots_need_a_key_and_follow_the_gemeente(setup):
    client, keys, own_bu, other_bu = setup
    assert client.get("/brandhaarden").status_code == 401
    everything = client.get("/brandhaarden", headers={"X-API-Key": keys["ncg"]}).json()
    assert [h["brandhaard_id"] for h in everything["items"]] == ["BH0001", "BH0002"]  # most severe first
    assert everything["items"][0]["straat"] == "Kerkstraat" and "geometry" not in everything["items"][0]
    own = client.get("/brandhaarden", headers={"X-API-Key": keys["gemeente"]}).json()["items"]
    assert [h["gebied_code"] for h in own] == [own_bu]
    r = client.get(f"/brandhaarden?gebied={other_bu}", headers={"X-API-Key": keys["gemeente"]})
    assert r.status_code == 200 and r.json()["items"] == []
    assert client.get("/brandhaarden?gebied=BU00000000", headers={"X-API-Key": keys["ncg"]}).status_code == 404


def test_no_hot_spot_on_public_routes(setup):
    client, *_ = setup
    paths = client.get("/openapi.json").json()["paths"]
    for url in ("/gebieden", "/gebieden?formaat=geojson"):
        text = client.get(url).text
        assert "Kerkstraat" not in text and "BH0001" not in text and "Molenweg" not in text
    assert "/brandhaarden" in paths
