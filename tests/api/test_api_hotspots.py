"""Hot spots in the API: only behind a key, per gemeente, nothing on public routes."""

from __future__ import annotations

import pytest

from gebied.api.auth import create_key
from gebied.io import write_layers
from tests.plan_fixture import OWN, hot_spot_layer, plan_layers


def plan_with_hot_spots(folder):
    """Write the fixture plan with two hot spots into ``folder``; (keys path, keys, own buurt, other buurt)."""
    layers = plan_layers()
    layers["brandhaarden"] = hot_spot_layer(layers)
    other_bu, own_bu = layers["brandhaarden"]["gebied_code"]
    write_layers(layers, folder / "plan.gpkg")
    path = folder / "sleutels.toml"
    keys = {"gemeente": create_key(path, rol="gemeente", gemeenten=[OWN], naam="stuurgroep-oost"),
            "ncg": create_key(path, rol="ncg")}
    return path, keys, own_bu, other_bu


@pytest.fixture(scope="module")
def setup(tmp_path_factory, module_serve):
    """The plan with two hot spots, on either store (read-only tests: one store per module)."""
    folder = tmp_path_factory.mktemp("brandhaarden")
    path, keys, own_bu, other_bu = plan_with_hot_spots(folder)
    return module_serve(folder, path), keys, own_bu, other_bu


def test_hot_spots_are_kept_in_the_plan_store(tmp_path, serve):
    """Served from the store's own copy of the plan (a restart; PostGIS always), the hot spots are there."""
    path, keys, _, _ = plan_with_hot_spots(tmp_path)
    serve(tmp_path, path)  # embedded: the first start puts the plan into the store as version 1
    client = serve(tmp_path, path)  # a restart: served from the store (PostGIS: its version 2)
    items = client.get("/brandhaarden", headers={"X-API-Key": keys["ncg"]}).json()["items"]
    assert [h["brandhaard_id"] for h in items] == ["BH0001", "BH0002"]


def test_hot_spots_need_a_key_and_follow_the_gemeente(setup):
    client, keys, own_bu, other_bu = setup
    assert client.get("/brandhaarden").status_code == 401
    everything = client.get("/brandhaarden", headers={"X-API-Key": keys["ncg"]}).json()
    assert [h["brandhaard_id"] for h in everything["items"]] == ["BH0001", "BH0002"]  # most severe first
    assert everything["items"][0]["straat"] == "Kerkstraat" and "geometry" not in everything["items"][0]
    own = client.get("/brandhaarden", headers={"X-API-Key": keys["gemeente"]}).json()["items"]
    assert [h["gebied_code"] for h in own] == [own_bu]
    # another gemeente's area is not found for a gemeente key, as with /vlaggen?gebied=
    r = client.get(f"/brandhaarden?gebied={other_bu}", headers={"X-API-Key": keys["gemeente"]})
    assert r.status_code == 404 and "BH0001" not in r.text
    assert client.get("/brandhaarden?gebied=BU00000000", headers={"X-API-Key": keys["ncg"]}).status_code == 404


def test_no_hot_spot_on_public_routes(setup):
    client, *_ = setup
    paths = client.get("/openapi.json").json()["paths"]
    for url in ("/gebieden", "/gebieden?formaat=geojson"):
        text = client.get(url).text
        assert "Kerkstraat" not in text and "BH0001" not in text and "Molenweg" not in text
    assert "/brandhaarden" in paths
