"""End-to-end tests of the HTTP API through TestClient on a hand-built plan."""

from __future__ import annotations

import json
import shutil
import time

import geopandas as gpd
import pytest
import shapely

from gebied.api.auth import create_key
from gebied.api.store import open_database, open_store
from gebied.store import open_plan_store, store_dir_for
from tests.plan_fixture import OTHER, OWN, TINY_BUURT, plan_layers, write_plan


@pytest.fixture(scope="module")
def frames():
    return plan_layers()


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan")
    write_plan(folder)
    (folder / f"kaart_{OWN}.html").write_text("<html>kaart GM9901</html>", "utf-8")
    return folder


@pytest.fixture(scope="module")
def keys(plan_dir):
    path = plan_dir / "sleutels.toml"
    return {
        "gemeente": create_key(path, rol="gemeente", gemeenten=[OWN], naam="stuurgroep-oost"),
        "ncg": create_key(path, rol="ncg"),
        "img": create_key(path, rol="img"),
        "fout": "dit-is-geen-geldige-sleutel",
        "_path": path,
    }


@pytest.fixture()
def client(plan_dir, keys, tmp_path, serve):
    """A fresh copy of the plan per test on either store (PostGIS: a fresh schema too), so
    priority writes and removed map pages do not leak between tests."""
    folder = tmp_path / "p"
    shutil.copytree(plan_dir, folder)
    return serve(folder, keys["_path"])


def hdr(keys, role):
    return {} if role == "publiek" else {"X-API-Key": keys[role]}


def ids_of(frames, gemeente):
    a = frames["adressen"]
    return a.loc[a["gemeente_code"] == gemeente, "adres_id"].tolist()


def cluster_of(frames, gemeente):
    c = frames["clusters"]
    return c.loc[c["gemeente_code"] == gemeente, "cluster_id"].iloc[0]


ROLES = ["publiek", "fout", "gemeente", "ncg", "img"]


def matrix(frames):
    """(method, url, expected status per role) — the full role × route matrix."""
    own_adr, other_adr = ids_of(frames, OWN)[0], ids_of(frames, OTHER)[0]
    own_cl, other_cl = cluster_of(frames, OWN), cluster_of(frames, OTHER)
    own_bu = frames["adressen"].loc[frames["adressen"]["gemeente_code"] == OWN, "buurt_code"].iloc[0]
    return [
        ("GET", "/gezondheid", [200, 200, 200, 200, 200]),
        ("GET", "/gebieden", [200, 401, 200, 200, 200]),
        ("GET", "/gebieden?formaat=geojson", [200, 401, 200, 200, 200]),
        ("GET", f"/gebieden/{own_bu}", [200, 401, 200, 200, 200]),
        ("GET", "/gebieden/BU00000000", [404, 401, 404, 404, 404]),
        ("GET", f"/gebieden/{own_bu}/adressen", [401, 401, 200, 200, 200]),
        ("GET", f"/gebieden/{TINY_BUURT}/adressen", [401, 401, 404, 200, 200]),
        ("GET", f"/adressen/{own_adr}", [401, 401, 200, 200, 200]),
        ("GET", f"/adressen/{other_adr}", [401, 401, 404, 200, 200]),
        ("GET", "/adressen/0000000000000000", [401, 401, 404, 404, 404]),
        ("GET", "/clusters", [401, 401, 200, 200, 200]),
        ("GET", "/clusters?bbox=6.0,53.0,7.0,53.5", [401, 401, 200, 200, 200]),
        ("GET", f"/clusters?gemeente={OTHER}", [401, 401, 404, 200, 200]),
        ("GET", f"/clusters/{own_cl}", [401, 401, 200, 200, 200]),
        ("GET", f"/clusters/{other_cl}", [401, 401, 404, 200, 200]),
        ("GET", "/vlaggen", [401, 401, 200, 200, 200]),
        ("GET", f"/vlaggen?gebied={OTHER}", [401, 401, 404, 200, 200]),
        ("GET", "/signalen?lijst=samenwerking", [401, 401, 403, 200, 200]),
        ("GET", "/signalen?lijst=gezamenlijke_opname", [401, 401, 403, 200, 200]),
        ("GET", f"/kaart/{OWN}", [200, 401, 200, 200, 200]),
        ("GET", f"/kaart/{OWN}?variant=gemeente", [401, 401, 200, 200, 200]),
        ("GET", f"/kaart/{OTHER}?variant=gemeente", [401, 401, 404, 200, 200]),
        ("PUT", f"/clusters/{own_cl}/prioriteit", [401, 401, 200, 200, 403]),
        ("PUT", f"/clusters/{other_cl}/prioriteit", [401, 401, 404, 200, 403]),
    ]


def test_role_route_matrix(client, keys, frames):
    failures = []
    for method, url, expected in matrix(frames):
        for role, status in zip(ROLES, expected):
            if method == "PUT":
                etag = client.get(url.removesuffix("/prioriteit"), headers=hdr(keys, "ncg")).headers["ETag"]
                r = client.put(url, json={"prioriteit": 3}, headers={**hdr(keys, role), "If-Match": etag})
            else:
                r = client.get(url, headers=hdr(keys, role))
            if r.status_code != status:
                failures.append(f"{role} {method} {url}: {r.status_code} != {status} ({r.text[:80]})")
            if r.status_code >= 400:
                assert r.headers["content-type"].startswith("application/json")
                assert isinstance(r.json()["detail"], str) and "Traceback" not in r.text
    assert not failures, "\n".join(failures)


def test_gemeente_key_sees_only_own_addresses(client, keys, frames):
    own = set(ids_of(frames, OWN))
    seen = set()
    for code in sorted(set(frames["adressen"]["buurt_code"])):
        r = client.get(f"/gebieden/{code}/adressen?limit=1000", headers=hdr(keys, "gemeente"))
        if r.status_code == 200:
            seen |= {a["adres_id"] for a in r.json()["items"]}
    assert seen == own
    flags = client.get("/vlaggen?limit=1000", headers=hdr(keys, "gemeente")).json()["items"]
    assert flags and all(f["adres_id"] in own for f in flags)
    assert all(f["buur_adres_id"] is None or f["buur_adres_id"] in own for f in flags)
    feats = client.get("/clusters?limit=1000", headers=hdr(keys, "gemeente")).json()["features"]
    assert {f["properties"]["gemeente_code"] for f in feats} == {OWN}


def test_address_record_content(client, keys, frames):
    a = frames["adressen"]
    row = a.loc[a["samenwerkingsgroep"].notna()].iloc[0]
    body = client.get(f"/adressen/{row['adres_id']}", headers=hdr(keys, "ncg")).json()
    assert body["gebieden"]["buurt"]["code"] == row["buurt_code"]
    assert body["gebieden"]["gemeente"]["code"] == row["gemeente_code"]
    assert body["cluster"]["cluster_id"] == row["cluster_id"]
    assert body["fase"]["ncg_fase"] == row["ncg_fase"]
    assert body["samenwerkingsgroep"] == row["samenwerkingsgroep"]
    v = frames["vlaggen"]
    expected = ((v["adres_id"] == row["adres_id"]) | (v["buur_adres_id"] == row["adres_id"])).sum()
    assert len(body["vlaggen"]) == expected
    pt = gpd.GeoSeries([row.geometry], crs=28992).to_crs(4326).iloc[0]
    assert body["lon"] == pytest.approx(pt.x, abs=1e-5) and body["lat"] == pytest.approx(pt.y, abs=1e-5)


def _walk(client, url, headers):
    items, total = [], None
    while url:
        body = client.get(url, headers=headers).json()
        total = body["totaal"]
        items += body.get("items", body.get("features", []))
        url = body["volgende"]
    return items, total


def test_pagination_walks_every_item_once(client, keys, frames):
    items, total = _walk(client, "/vlaggen?limit=7", hdr(keys, "ncg"))
    assert total == len(frames["vlaggen"]) == len(items)
    assert len({(f["adres_id"], f["buur_adres_id"], f["vlag"]) for f in items}) == len(items)
    feats, total = _walk(client, "/clusters?limit=4", hdr(keys, "img"))
    assert sorted(f["id"] for f in feats) == sorted(frames["clusters"]["cluster_id"])


def test_limit_is_capped(client, keys):
    assert client.get("/vlaggen?limit=1001", headers=hdr(keys, "ncg")).status_code == 422
    assert client.get("/vlaggen?limit=0", headers=hdr(keys, "ncg")).status_code == 422
    assert "limit" in client.get("/gebieden?limit=abc").json()["detail"]


def test_bbox_selects_intersecting_clusters(client, keys, frames):
    c = frames["clusters"].to_crs(4326)
    minx, miny, maxx, maxy = c[c["gemeente_code"] == OWN].total_bounds
    bbox = (minx, miny, (minx + maxx) / 2, maxy)
    expected = set(c.loc[c.intersects(shapely.box(*bbox)), "cluster_id"])
    r = client.get("/clusters", params={"bbox": ",".join(map(str, bbox)), "limit": 1000}, headers=hdr(keys, "ncg"))
    assert r.headers["content-type"].startswith("application/geo+json")
    got = {f["id"] for f in r.json()["features"]}
    assert got == expected and 0 < len(got) < len(c)
    swapped = ",".join(map(str, (bbox[2], bbox[3], bbox[0], bbox[1])))
    r2 = client.get("/clusters", params={"bbox": swapped, "limit": 1000}, headers=hdr(keys, "ncg"))
    assert {f["id"] for f in r2.json()["features"]} == expected
    assert client.get("/clusters?bbox=1,2,3", headers=hdr(keys, "ncg")).status_code == 422


def test_public_routes_never_return_an_address(client, frames):
    ids = set(frames["adressen"]["adres_id"])
    bodies = [client.get("/gezondheid").text]
    for fmt in ("json", "geojson"):
        bodies.append(client.get(f"/gebieden?limit=1000&formaat={fmt}").text)
    for code in frames["gebieden"]["code"]:
        bodies.append(client.get(f"/gebieden/{code}").text)
    for text in bodies:
        assert not any(i in text for i in ids)
    items = client.get("/gebieden?limit=1000").json()["items"]
    assert len({item["niveau"] for item in items if item["code"] != "totaal"}) == 1  # one level only
    for item in items:
        for key, value in item.items():
            if isinstance(value, int) and not isinstance(value, bool) and key not in ("start_periode", "gereed_periode"):
                assert value == 0 or value >= 10, (item["code"], key, value)
    # the tiny buurt is merged into a neighbour: asking for it gives that public unit
    tiny = client.get(f"/gebieden/{TINY_BUURT}").json()
    assert TINY_BUURT in tiny["code"].split("+") and "+" in tiny["code"] and tiny["aantal_adressen"] >= 10


def test_keys_see_full_figures_where_allowed(client, keys, frames):
    g = frames["gebieden"].set_index("code")
    assert client.get(f"/gebieden/{TINY_BUURT}", headers=hdr(keys, "ncg")).json()["aantal_adressen"] == g.loc[TINY_BUURT, "aantal_adressen"]
    # a gemeente key sees its own areas in full, another gemeente's only as the public table
    seen = client.get(f"/gebieden/{TINY_BUURT}", headers=hdr(keys, "gemeente")).json()
    tiny_gm = g.loc[TINY_BUURT, "gemeente_code"]
    if tiny_gm == OWN:
        assert seen["aantal_adressen"] == g.loc[TINY_BUURT, "aantal_adressen"]
    else:
        assert "+" in seen["code"] and seen["aantal_adressen"] >= 10


def test_etag_conflict_and_durable_priority(client, keys, frames, kind, request):
    cid = cluster_of(frames, OWN)
    h = hdr(keys, "gemeente")
    def listed():
        feats = client.get("/clusters?limit=1000", headers=h).json()["features"]
        return next(f["properties"]["prioriteit"] for f in feats if f["id"] == cid)

    assert listed() is None  # fills the feature cache
    first = client.get(f"/clusters/{cid}", headers=h)
    etag = first.headers["ETag"]
    missing = client.put(f"/clusters/{cid}/prioriteit", json={"prioriteit": 1}, headers=h)
    assert missing.status_code == 422 and "if-match" in missing.json()["detail"].lower()
    empty = client.put(f"/clusters/{cid}/prioriteit", json={"prioriteit": 1}, headers={**h, "If-Match": " "})
    assert empty.status_code == 428
    ok = client.put(f"/clusters/{cid}/prioriteit", json={"prioriteit": 1}, headers={**h, "If-Match": etag})
    assert ok.status_code == 200 and ok.headers["ETag"] != etag
    # a second user with the old ETag may not silently overwrite
    late = client.put(f"/clusters/{cid}/prioriteit", json={"prioriteit": 9}, headers={**hdr(keys, "ncg"), "If-Match": etag})
    assert late.status_code == 412 and "gewijzigd" in late.json()["detail"]
    assert listed() == 1
    now = client.get(f"/clusters/{cid}", headers=h)
    assert now.json()["properties"]["prioriteit"] == 1 and now.headers["ETag"] == ok.headers["ETag"]
    a = frames["adressen"]
    addr = a.loc[a["cluster_id"] == cid, "adres_id"].iloc[0]
    assert client.get(f"/adressen/{addr}", headers=h).json()["cluster"]["prioriteit"] == 1
    # durable: another process (a second handle on the same store) sees it, and its write is seen here
    plan = client.app.state.store.plan_dir / "plan.gpkg"
    database = request.getfixturevalue("database_url") if kind == "postgis" else None
    other = open_store(plan) if kind == "ingebed" else open_database(database)
    assert other.priorities[cid].prioriteit == 1 and other.priorities[cid].versie == 1
    other.set_priority(cid, 5, expected_version=1, door="elders")
    other.close()
    # the server looks for input of other processes at most every `interval` seconds (0 embedded)
    time.sleep(client.app.state.store.inputs.interval)
    again = client.get(f"/clusters/{cid}", headers=h)
    assert again.json()["properties"]["prioriteit"] == 5 and again.headers["ETag"] == '"2"'
    assert listed() == 5
    # the input lives apart from the computed plan: the stored plan version has no priority
    backend = open_plan_store(output=plan.parent, database=database, create=False)
    stored = backend.read_layers(backend.newest())["clusters"].set_index("cluster_id")
    backend.close()
    assert stored["prioriteit"].isna()[cid]
    if kind == "ingebed":  # the embedded store's own files: input beside the output folder, plan.gpkg untouched
        table = gpd.read_file(store_dir_for(plan.parent) / "opslag.gpkg", layer="prioriteiten")
        assert table.set_index("cluster_id").loc[cid, "prioriteit"] == 5
        layer = gpd.read_file(plan, layer="clusters").set_index("cluster_id")
        assert layer["prioriteit"].isna()[cid]


def test_request_limits(client, keys, frames):
    cid = cluster_of(frames, OWN)
    big = json.dumps({"prioriteit": 1, "x": "a" * 100_000})
    r = client.put(f"/clusters/{cid}/prioriteit", content=big, headers={**hdr(keys, "ncg"), "If-Match": '"0"', "Content-Type": "application/json"})
    assert r.status_code == 413
    assert client.get("/gebieden?niveau=" + "x" * 9000).status_code == 414
    assert client.get("/gebieden?onbekend=1").status_code == 422
    assert client.get("/gebieden?limit=1&limit=2").status_code == 422
    bad = client.put(f"/clusters/{cid}/prioriteit", json={"prioriteit": 0}, headers={**hdr(keys, "ncg"), "If-Match": '"0"'})
    assert bad.status_code == 422 and "prioriteit" in bad.json()["detail"]


def test_map_pages(client, keys, plan_dir):
    assert "publieke kaart" in client.get(f"/kaart/{OWN}").text
    assert "kaart GM9901" in client.get(f"/kaart/{OWN}?variant=gemeente", headers=hdr(keys, "gemeente")).text
    assert "gemeentekaart" in client.get(f"/kaart/{OTHER}?variant=gemeente", headers=hdr(keys, "ncg")).text
    (client.app.state.store.plan_dir / "kaart_publiek.html").unlink()
    r = client.get(f"/kaart/{OWN}")
    assert r.status_code == 404 and "kaart" in r.json()["detail"]


def test_signal_lists_match_groups(client, keys, frames):
    a = frames["adressen"]
    body = client.get("/signalen?lijst=gezamenlijke_opname&limit=1000", headers=hdr(keys, "img")).json()
    assert {s["adres_id"] for s in body["items"]} == set(a.loc[a["samenwerkingsgroep"] == "B", "adres_id"])
    assert client.get("/signalen?lijst=bestaat_niet", headers=hdr(keys, "ncg")).status_code == 422


def test_openapi_documents_examples(client):
    spec = client.get("/openapi.json").json()
    assert {"/gebieden", "/gebieden/{code}", "/gebieden/{code}/adressen", "/adressen/{adres_id}", "/clusters",
            "/vlaggen", "/signalen", "/kaart/{code}", "/gezondheid", "/clusters/{cluster_id}/prioriteit"} <= set(spec["paths"])
    assert "X-API-Key" in json.dumps(spec["components"]["securitySchemes"])
    assert "examples" in json.dumps(spec["components"]["schemas"]["Adres"])
