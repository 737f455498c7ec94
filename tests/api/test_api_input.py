"""Steering-group input through the API: priority and fixed start period share one ETag per cluster."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from fastapi import HTTPException

from gebied.api.auth import create_key
from gebied.api.routes_clusters import start_label
from tests.plan_fixture import OTHER, OWN, plan_layers, write_plan


@pytest.fixture()
def setup(serve, tmp_path):
    """The fixture plan on either store (a fresh store per test: the tests write)."""
    folder = write_plan(tmp_path / "uit").parent
    path = tmp_path / "sleutels.toml"
    keys = {"gemeente": create_key(path, rol="gemeente", gemeenten=[OWN]), "ncg": create_key(path, rol="ncg"),
            "img": create_key(path, rol="img")}
    return serve(folder, path), {k: {"X-API-Key": v} for k, v in keys.items()}


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
                                              ("2028-K5", "kwartaal"), ("volgend jaar", "kwartaal"), ("  ", "lege startperiode"),
                                              ("9999-K4", "meer dan 30 jaar")])
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


def test_role_and_visibility_come_before_the_label(setup):
    client, h = setup
    assert put_start(client, cluster_of(OWN), "onzin", h["img"], '"0"').status_code == 403
    assert put_start(client, cluster_of(OTHER), "onzin", h["gemeente"], '"0"').status_code == 404
    assert put_start(client, cluster_of(OWN), "onzin", h["gemeente"], '"7"').status_code == 412


@pytest.mark.parametrize(("periode", "start", "text", "label"), [
    ("jaar", "2027", "2029", "2029"), ("jaar", "2027", "3", None), ("maand", "2027-01", "2027-3", "2027-03"),
    ("halfjaar", "2027-H1", "2028-h2", "2028-H2"), ("kwartaal", "2027-K1", " 2027k3 ", "2027-K3"),
    ("maand", None, "2027-05", None),  # plan_info without startperiode (default 2027-K1 fits no month): 422, not 500
])
def test_start_labels_in_every_period_scheme(periode, start, text, label):
    info = {"periode": periode} | ({"startperiode": start} if start else {})
    store = SimpleNamespace(info=info)
    if label is None:
        with pytest.raises(HTTPException) as refused:
            start_label(store, text)
        assert refused.value.status_code == 422
    else:
        assert start_label(store, text) == label


def test_input_is_written_in_the_newest_version_only(setup, kind, request, tmp_path):
    from gebied.api.store import read_plan_file
    from gebied.store import open_plan_store

    client, h = setup
    database = request.getfixturevalue("database_url") if kind == "postgis" else None
    backend = open_plan_store(output=None if database else tmp_path / "uit", database=database)
    backend.add_version(read_plan_file(tmp_path / "uit" / "plan.gpkg"), settings={}, input_hash="", output=None)
    backend.close()
    live = client.app.state.live
    for _ in range(600):
        if live.current.versie == 2:
            break
        client.get("/gezondheid")
        time.sleep(0.1)
    cid = cluster_of(OWN)
    old = client.put(f"/clusters/{cid}/startperiode?versie=1", json={"start_periode": "2028-K1"},
                     headers={**h["ncg"], "If-Match": '"0"'})
    assert old.status_code == 422 and "nieuwste planversie" in old.json()["detail"]
    assert put_start(client, cid, "2028-K1", h["ncg"], '"0"').status_code == 200
