"""Plan versions through the API on both stores: switching without restart, ?versie=, the
difference route, public answers with ETag and 304, and the report section."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from gebied.api.app import create_app
from gebied.api.auth import create_key, load_keys
from gebied.api.store import open_database, open_store, read_plan_file
from gebied.report.versions import version_section
from gebied.store import open_plan_store, version_diff
from tests.plan_fixture import OTHER, OWN, write_plan


def moved(layers: dict) -> tuple[dict, str, str]:
    """A copy of the layers in which the first cluster starts two periods later (and its addresses)."""
    new = {k: v.copy() for k, v in layers.items()}
    c, a = new["clusters"], new["adressen"]
    cid = str(c.loc[c["gemeente_code"] == OTHER, "cluster_id"].iloc[0])
    c.loc[c["cluster_id"] == cid, "start_periode"] = c.loc[c["cluster_id"] == cid, "start_periode"] + 2
    rows = a["cluster_id"] == cid
    a.loc[rows, "uitvoering_periode"] = a.loc[rows, "uitvoering_periode"] + 2
    return new, cid, str(a.loc[rows, "adres_id"].iloc[0])


@pytest.fixture()
def served(kind, store_args, tmp_path):
    """A server over version 1 of the fixture plan, a second store handle, and keys."""
    plan = write_plan(tmp_path / "uit")
    layers = read_plan_file(plan)
    keys = tmp_path / "sleutels.toml"
    ncg = create_key(keys, rol="ncg")
    gm = create_key(keys, rol="gemeente", gemeenten=[OWN])
    if kind == "postgis":
        backend = open_plan_store(**store_args)
        backend.add_version(layers, settings={}, input_hash="een", output=str(plan.parent))
        store = open_database(store_args["database"])
    else:
        store = open_store(plan)
        backend = open_plan_store(**store_args)
    with TestClient(create_app(store, load_keys(keys))) as client:
        yield client, backend, layers, {"X-API-Key": ncg}, {"X-API-Key": gm}
    backend.close()
    store.close()


def wait_for_version(client, versie: int) -> None:
    deadline = time.time() + 60
    while client.get("/gezondheid").json()["versie"] != versie:
        assert time.time() < deadline, f"de server schakelde niet over op versie {versie}"
        time.sleep(0.2)


def test_new_version_without_restart_older_readable_and_the_difference(served):
    client, backend, layers, ncg, gm = served
    first = client.get("/gebieden")
    etag = first.headers["etag"]
    assert client.get("/gebieden", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/gebieden", headers={"If-None-Match": '"iets-anders"'}).status_code == 200
    new, cid, aid = moved(layers)
    backend.add_version(new, settings={"run": 2}, input_hash="twee", output=None)
    wait_for_version(client, 2)
    assert client.get("/gebieden", headers={"If-None-Match": etag}).status_code == 200  # a new version, new ETag
    assert client.get("/gebieden?versie=1").json() == first.json()
    assert client.get("/gebieden?versie=99").status_code == 404
    old = client.get(f"/clusters/{cid}?versie=1", headers=ncg).json()["properties"]["start_periode"]
    now = client.get(f"/clusters/{cid}", headers=ncg).json()["properties"]["start_periode"]
    assert now == old + 2
    listed = client.get("/versies").json()
    assert listed["huidige"] == 2 and [v["versie"] for v in listed["items"]] == [1, 2]
    assert "instellingen" not in listed["items"][0]  # settings only with a key
    diff = client.get("/versies/verschil?van=1&naar=2", headers=ncg).json()
    assert [c["cluster_id"] for c in diff["clusters"]] == [cid]
    assert aid in {a["adres_id"] for a in diff["adressen"]}
    # the cluster lies in the other gemeente: a gemeente key does not see it in the difference
    mine = client.get("/versies/verschil?van=1&naar=2", headers=gm).json()
    assert mine["clusters"] == [] and mine["adressen"] == []
    assert client.get("/versies/verschil?van=1&naar=2").status_code == 401
    assert client.get("/versies/verschil?van=1&naar=7", headers=ncg).status_code == 404


def test_the_report_section_names_the_moved_clusters():
    layers = read_plan_file(write_plan_tmp())
    new, cid, _ = moved(layers)
    diff = version_diff(layers, new)
    section = version_section(diff, old=1, new=2, labels={})
    assert section["clusters"] == 1 and section["adressen"] >= 1
    assert section["tabel"].rows[0][0] == cid
    assert version_section(None, old=None, new=1, labels={}) is None


def write_plan_tmp():
    import tempfile
    from pathlib import Path

    return write_plan(Path(tempfile.mkdtemp(prefix="gebied-versie-")) / "p")
