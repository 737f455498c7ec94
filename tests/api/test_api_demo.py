"""The API on the demo plan (`gebied demo`): the store reads what `gebied plan` writes."""

from __future__ import annotations

import geopandas as gpd
import pytest

from gebied.api.auth import create_key
from gebied.store import open_plan_store, store_dir_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(demo_plan, tmp_path_factory, module_serve, module_kind, request):
    """The demo plan on either store: (client, keys, plan.gpkg, gemeente, PostGIS URL or None)."""
    import shutil

    out = tmp_path_factory.mktemp("api_demo") / "uitvoer"
    shutil.copytree(demo_plan, out)  # the API writes priorities into its copy
    keys = out.parent / "sleutels.toml"
    gm = sorted(set(gpd.read_file(out / "plan.gpkg", layer="gebieden")["gemeente_code"].dropna()))[0]
    k = {
        "ncg": create_key(keys, rol="ncg"),
        "gemeente": create_key(keys, rol="gemeente", gemeenten=[gm]),
        "ander": create_key(keys, rol="gemeente", gemeenten=["GM0001" if gm != "GM0001" else "GM0002"]),
    }
    client = module_serve(out, keys)
    database = request.getfixturevalue("module_database_url") if module_kind == "postgis" else None
    return client, k, out / "plan.gpkg", gm, database


def test_demo_plan_served(demo):
    client, keys, plan, gm, _ = demo
    adr = gpd.read_file(plan, layer="adressen", engine="pyogrio")
    clusters = gpd.read_file(plan, layer="clusters", engine="pyogrio")
    health = client.get("/gezondheid").json()
    assert health["adressen"] == len(adr) and health["clusters"] == len(clusters)
    ncg = {"X-API-Key": keys["ncg"]}
    for _, row in adr.sample(20, random_state=1).iterrows():
        body = client.get(f"/adressen/{row['adres_id']}", headers=ncg).json()
        assert body["gebieden"]["gemeente"]["code"] == row["gemeente_code"]
        assert (body["cluster"] or {}).get("cluster_id") == (None if row.isna()["cluster_id"] else row["cluster_id"])
        own = client.get(f"/adressen/{row['adres_id']}", headers={"X-API-Key": keys["gemeente"]})
        assert own.status_code == (200 if row["gemeente_code"] == gm else 404)
        assert client.get(f"/adressen/{row['adres_id']}", headers={"X-API-Key": keys["ander"]}).status_code == 404
    minx, miny, maxx, maxy = clusters.to_crs(4326).total_bounds
    r = client.get(f"/clusters?bbox={minx - 0.01},{miny - 0.01},{maxx + 0.01},{maxy + 0.01}&limit=1", headers=ncg)
    assert r.json()["totaal"] == len(clusters)


def test_demo_public_figures_are_suppressed(demo):
    client, keys, plan, gm, _ = demo
    ids = set(gpd.read_file(plan, layer="adressen", columns=["adres_id"], engine="pyogrio")["adres_id"])
    body = client.get("/gebieden?limit=1000")
    assert not any(i in body.text for i in ids)
    items = body.json()["items"]
    assert items
    for item in items:
        for key in ("aantal_adressen", "in_programma", "fase_gereed", "met_vlag"):
            value = item.get(key)
            assert value is None or value == 0 or value >= 10


def test_demo_priority_roundtrip(demo):
    client, keys, plan, gm, database = demo
    h = {"X-API-Key": keys["gemeente"]}
    feats = client.get("/clusters?limit=1", headers=h).json()["features"]
    cid = feats[0]["id"]
    etag = client.get(f"/clusters/{cid}", headers=h).headers["ETag"]
    assert client.put(f"/clusters/{cid}/prioriteit", json={"prioriteit": 1}, headers={**h, "If-Match": etag}).status_code == 200
    assert client.put(f"/clusters/{cid}/prioriteit", json={"prioriteit": 2}, headers={**h, "If-Match": etag}).status_code == 412
    other = open_plan_store(output=plan.parent, database=database, create=False)  # a second handle on the store
    assert other.read_input()[cid].prioriteit == 1
    other.close()
    if database is None:  # the embedded store's own file: input beside the output folder, apart from the plan
        table = gpd.read_file(store_dir_for(plan.parent) / "opslag.gpkg", layer="prioriteiten")
        assert table.set_index("cluster_id").loc[cid, "prioriteit"] == 1


def test_real_uvicorn_on_the_demo_store(demo_plan_copy):
    """`gebied server` as a real process on the demo plan: roles, public figures, map, ETag.

    Embedded only: `gebied server --database` as a real process is tested in
    tests/store/test_store_live.py (re-planning, two servers, a killed server, gemeente keys).
    """
    import httpx

    from tests.api.live_server import running_server

    plan = demo_plan_copy / "plan.gpkg"
    keys = demo_plan_copy / "sleutels.toml"
    ncg = create_key(keys, rol="ncg")
    with running_server(plan, keys) as base:
        adressen = gpd.read_file(plan, layer="adressen", engine="pyogrio")
        one = adressen.iloc[123]
        with httpx.Client(base_url=base, timeout=20) as c:
            assert c.get(f"/adressen/{one['adres_id']}").status_code == 401
            got = c.get(f"/adressen/{one['adres_id']}", headers={"X-API-Key": ncg})
            assert got.status_code == 200 and got.json()["adres_id"] == one["adres_id"]
            public = c.get("/gebieden")
            assert public.status_code == 200
            text = public.text
            for adres_id in adressen["adres_id"].iloc[::500]:
                assert adres_id not in text
            code = str(adressen["buurt_code"].dropna().iloc[0])
            page = c.get(f"/kaart/{code}")
            assert page.status_code == 200 and "text/html" in page.headers["content-type"]
            assert one["adres_id"] not in page.text
            cid = str(adressen["cluster_id"].dropna().iloc[0])
            etag = c.get(f"/clusters/{cid}", headers={"X-API-Key": ncg}).headers["etag"]
            ok = c.put(f"/clusters/{cid}/prioriteit", json={"prioriteit": 1}, headers={"X-API-Key": ncg, "If-Match": etag})
            assert ok.status_code == 200
            stale = c.put(f"/clusters/{cid}/prioriteit", json={"prioriteit": 3}, headers={"X-API-Key": ncg, "If-Match": etag})
            assert stale.status_code == 412
