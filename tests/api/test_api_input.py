"""Steering-group input through the API: priority and fixed start period share one ETag per cluster."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gebied.api.app import create_app
from gebied.api.auth import create_key, load_keys
from gebied.api.store import open_store
from tests.plan_fixture import OTHER, OWN, plan_layers, write_plan


@pytest.fixture()
def setup(tmp_path):
    plan = write_plan(tmp_path / "uit")
    path = tmp_path / "sleutels.toml"
    keys = {"gemeente": create_key(path, rol="gemeente", gemeenten=[OWN]), "ncg": create_key(path, rol="ncg"),
            "img": create_key(path, rol="img")}
    store = open_store(plan)
    with TestClient(create_app(store, load_keys(path))) as client:
        yield client, {k: {"X-API-Key": v} for k, v in keys.items()}
    store.close()


def cluster_of(gemeente: str) -> str:
    clusters = plan_layers()["clusters"]
    return str(clusters.loc[clusters["gemeente_code"] == gemeente, "cluster_id"].iloc[0])


def put_start(client, cid, value, headers, etag):
    return client.put(f"/clusters/{cid}/startperiode", json={"start_periode": value}, headers={**headers, "If-Match": etag})


def test_fixed_start_is_written_read_back_and_shares_the_etag(setup):
    client, h = setup
    cid = cluster_of(OWN)
    got = client.get(f"/clusters/{cid}", headers=h["gemeente"])
    assert got.headers["ETag"] == '"0"' and got.json()["properties"]["vaste_start_periode"] is None
    r = put_start(client, cid, "2028-k2", h["gemeente"], '"0"')
    assert r.status_code == 200, r.text
    assert r.json()["start_periode"] == "2028-K2" and r.headers["ETag"] == '"1"'  # the plan's own label
    back = client.get(f"/clusters/{cid}", headers=h["ncg"])
    assert back.json()["properties"]["vaste_start_periode"] == "2028-K2" and back.headers["ETag"] == '"1"'
    # the priority is part of the same input row: its old ETag is stale now
    stale = client.put(f"/clusters/{cid}/prioriteit", json={"prioriteit": 1}, headers={**h["ncg"], "If-Match": '"0"'})
    assert stale.status_code == 412 and "huidige versie 1" in stale.json()["detail"]
    both = client.put(f"/clusters/{cid}/prioriteit", json={"prioriteit": 1}, headers={**h["ncg"], "If-Match": '"1"'})
    assert both.json()["start_periode"] == "2028-K2" and both.json()["prioriteit"] == 1
    cleared = put_start(client, cid, None, h["gemeente"], '"2"')
    assert cleared.status_code == 200 and cleared.json()["start_periode"] is None and cleared.json()["prioriteit"] == 1


@pytest.mark.parametrize(("value", "words"), [("7", "periodelabel"), ("2026-K4", "startperiode 2027-K1"),
                                              ("2028-K5", "kwartaal"), ("volgend jaar", "kwartaal")])
def test_a_start_that_is_no_period_of_the_plan_is_refused(setup, value, words):
    client, h = setup
    cid = cluster_of(OWN)
    r = put_start(client, cid, value, h["gemeente"], '"0"')
    assert r.status_code == 422 and words in r.json()["detail"]
    assert client.get(f"/clusters/{cid}", headers=h["ncg"]).headers["ETag"] == '"0"'  # nothing written


def test_only_gemeente_and_ncg_write_and_only_their_own(setup):
    client, h = setup
    assert put_start(client, cluster_of(OWN), "2028-K1", h["img"], '"0"').status_code == 403
    assert put_start(client, cluster_of(OWN), "2028-K1", {}, '"0"').status_code in (401, 403)
    assert put_start(client, cluster_of(OTHER), "2028-K1", h["gemeente"], '"0"').status_code == 404
    assert put_start(client, cluster_of(OTHER), "2028-K1", h["ncg"], '"0"').status_code == 200
    r = client.put(f"/clusters/{cluster_of(OWN)}/startperiode", json={"start_periode": "2028-K1"}, headers=h["gemeente"])
    assert r.status_code in (422, 428)
