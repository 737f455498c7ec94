"""The store as users run it, on both stores: re-planning while a steering group writes,
two servers on one store, a killed server, and gemeente keys on PostGIS."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from gebied.api.app import create_app
from gebied.api.auth import create_key, load_keys
from gebied.api.store import open_database, read_plan_file
from gebied.store import NotVisible, VersionConflict, Writer, open_plan_store
from tests.plan_fixture import OTHER, OWN, write_plan
from tests.store.servers import finish, run_plan, server, source_args

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def village(tmp_path_factory):
    """One demo village (about 800 addresses) as input files."""
    from gebied.demo.region import make_demo_region
    from gebied.io import write_layers, write_table

    layers, addresses = make_demo_region()
    folder = tmp_path_factory.mktemp("dorp")
    write_table(addresses[addresses["woonplaats"] == "Ravenwerd"].drop(columns="geometry"), folder / "adressen.csv")
    write_layers(dict(layers), folder / "gebieden.gpkg")
    return folder


@pytest.fixture()
def planned(village, store_args, tmp_path):
    """A first plan version in the store of this test, and an ncg key."""
    out, database = store_args["output"], store_args["database"]
    finish(run_plan(village, out, database=database))
    keys = tmp_path / "sleutels.toml"
    key = create_key(keys, rol="ncg", naam="stuurgroep")
    return {"out": out, "database": database, "keys": keys, "key": key,
            "source": source_args(plan=out / "plan.gpkg", database=database)}


def cluster_ids(base: str, key: str) -> list[str]:
    feats = httpx.get(base + "/clusters?limit=1000", headers={"X-API-Key": key}, timeout=30).json()["features"]
    return sorted(f["id"] for f in feats)


class Writer_:
    """A client that sets a priority every ``pause`` seconds and remembers what was acknowledged."""

    def __init__(self, base: str, key: str, clusters: list[str], *, pause: float) -> None:
        self.base, self.key, self.clusters, self.pause = base, key, clusters, pause
        self.acknowledged: dict[str, tuple[int, int]] = {}  # cluster → (versie, prioriteit)
        self.statuses: list[int] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        h = {"X-API-Key": self.key}
        with httpx.Client(base_url=self.base, timeout=30) as c:
            n = 0
            while not self.stop.is_set():
                cid = self.clusters[n % len(self.clusters)]
                prio = n % 9 + 1
                n += 1
                try:
                    etag = c.get(f"/clusters/{cid}", headers=h).headers["etag"]
                    r = c.put(f"/clusters/{cid}/prioriteit", json={"prioriteit": prio}, headers={**h, "If-Match": etag})
                except httpx.HTTPError:
                    continue  # the server may be killed mid-request: that write was not acknowledged
                self.statuses.append(r.status_code)
                if r.status_code == 200:
                    self.acknowledged[cid] = (r.json()["versie"], prio)
                time.sleep(self.pause)


def test_replan_while_a_steering_group_writes(planned, village):
    p = planned
    with server(p["source"], p["keys"]) as (base, _):
        clusters = cluster_ids(base, p["key"])
        writer = Writer_(base, p["key"], clusters[:6], pause=0.25)
        failed_reads: list[str] = []
        stop = threading.Event()

        def read() -> None:
            with httpx.Client(base_url=base, timeout=30) as c:
                while not stop.is_set():
                    for url in ("/gebieden", f"/clusters/{clusters[0]}", "/gezondheid"):
                        try:
                            r = c.get(url, headers={"X-API-Key": p["key"]} if "clusters" in url else {})
                            if r.status_code != 200:
                                failed_reads.append(f"{url} {r.status_code}")
                        except httpx.HTTPError as exc:
                            failed_reads.append(f"{url} {exc!r}")
                    time.sleep(0.05)

        reader = threading.Thread(target=read, daemon=True)
        writer.thread.start()
        reader.start()
        finish(run_plan(village, p["out"], database=p["database"]))
        deadline = time.time() + 120
        while httpx.get(base + "/gezondheid", timeout=10).json()["versie"] != 2:
            assert time.time() < deadline, "de server schakelde niet over op planversie 2"
            time.sleep(0.2)
        time.sleep(1.0)  # keep writing on the new version
        writer.stop.set()
        stop.set()
        writer.thread.join(30)
        reader.join(30)
        assert not [s for s in writer.statuses if s >= 500]
        assert set(writer.statuses) == {200}
        assert failed_reads == []
        assert len(writer.acknowledged) >= 3
        for cid, (versie, prio) in writer.acknowledged.items():
            r = httpx.get(f"{base}/clusters/{cid}", headers={"X-API-Key": p["key"]}, timeout=30)
            assert (r.headers["etag"], r.json()["properties"]["prioriteit"]) == (f'"{versie}"', prio)
    # the next version is computed with every acknowledged write
    finish(run_plan(village, p["out"], database=p["database"]))
    store = open_plan_store(output=p["out"], database=p["database"])
    try:
        assert store.newest() == 3
        stored = store.read_input()
        assert {c: (stored[c].versie, stored[c].prioriteit) for c in writer.acknowledged} == writer.acknowledged
        computed = store.read_layers(3)["clusters"].set_index("cluster_id")["prioriteit"]
        assert {c: int(computed[c]) for c in writer.acknowledged} == {c: v[1] for c, v in writer.acknowledged.items()}
        assert len(store.versions()) == 3 and len({v.invoer_hash for v in store.versions()}) >= 2
    finally:
        store.close()
    # and after a restart of the server
    with server(p["source"], p["keys"]) as (base, _):
        for cid, (versie, prio) in writer.acknowledged.items():
            r = httpx.get(f"{base}/clusters/{cid}", headers={"X-API-Key": p["key"]}, timeout=30)
            assert r.json()["properties"]["prioriteit"] == prio
        assert httpx.get(f"{base}/versies/verschil?van=1&naar=3", headers={"X-API-Key": p["key"]}, timeout=60).status_code == 200


def test_two_servers_with_the_same_stale_etag(planned):
    p = planned
    with server(p["source"], p["keys"]) as (a, _), server(p["source"], p["keys"]) as (b, _):
        cid = cluster_ids(a, p["key"])[0]
        h = {"X-API-Key": p["key"]}
        etag_a = httpx.get(f"{a}/clusters/{cid}", headers=h).headers["etag"]
        etag_b = httpx.get(f"{b}/clusters/{cid}", headers=h).headers["etag"]
        assert etag_a == etag_b == '"0"'
        barrier = threading.Barrier(2)
        results: dict[str, int] = {}

        def put(base: str, prio: int) -> None:
            barrier.wait()
            results[base] = httpx.put(f"{base}/clusters/{cid}/prioriteit", json={"prioriteit": prio},
                                      headers={**h, "If-Match": etag_a}, timeout=30).status_code

        threads = [threading.Thread(target=put, args=(base, n)) for n, base in ((1, a), (2, b))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results.values()) == [200, 412]


def test_the_database_decides_between_two_writers_with_one_version(planned):
    """Two connections (as two server processes) write on version 0 at once: one wins, one conflicts."""
    p = planned
    stores = [open_plan_store(output=p["out"], database=p["database"]) for _ in range(2)]
    cid = sorted(stores[0].read_layers(1)["clusters"]["cluster_id"])[0]
    barrier = threading.Barrier(2)
    outcome: list[str] = []

    def write(store, prio):
        barrier.wait()
        try:
            store.write_input(cid, values={"prioriteit": prio}, expected_version=0, writer=Writer(f"sleutel-{prio}"))
            outcome.append("ok")
        except VersionConflict:
            outcome.append("conflict")

    threads = [threading.Thread(target=write, args=(s, n)) for n, s in enumerate(stores, start=1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcome) == ["conflict", "ok"]
    assert stores[0].read_input()[cid].versie == 1 and len(stores[1].audit()) == 1
    for s in stores:
        s.close()


def test_killing_the_server_mid_write_loses_no_acknowledged_write(planned):
    p = planned
    with server(p["source"], p["keys"]) as (base, proc):
        writer = Writer_(base, p["key"], cluster_ids(base, p["key"])[:4], pause=0.0)
        writer.thread.start()
        deadline = time.time() + 60
        while len(writer.statuses) < 20 and time.time() < deadline:
            time.sleep(0.05)
        proc.kill()
        proc.wait()
        writer.stop.set()
        writer.thread.join(30)
    assert writer.acknowledged
    store = open_plan_store(output=p["out"], database=p["database"])
    try:
        stored = store.read_input()
        for cid, (versie, prio) in writer.acknowledged.items():
            assert stored[cid].versie >= versie
            if stored[cid].versie == versie:
                assert stored[cid].prioriteit == prio
    finally:
        store.close()


def test_a_gemeente_key_cannot_reach_another_gemeente_in_postgis(database_url, tmp_path):
    plan = write_plan(tmp_path / "uit")
    layers = read_plan_file(plan)
    backend = open_plan_store(database=database_url)
    backend.add_version(layers, settings={}, input_hash="", output=str(plan.parent))
    backend.close()
    keys = tmp_path / "sleutels.toml"
    key = create_key(keys, rol="gemeente", gemeenten=[OWN])
    a, c = layers["adressen"], layers["clusters"]
    other_address = a.loc[a["gemeente_code"] == OTHER, "adres_id"].iloc[0]
    own_cluster = c.loc[c["gemeente_code"] == OWN, "cluster_id"].iloc[0]
    other_cluster = c.loc[c["gemeente_code"] == OTHER, "cluster_id"].iloc[0]
    store = open_database(database_url)
    h = {"X-API-Key": key}
    with TestClient(create_app(store, load_keys(keys))) as client:
        assert client.get(f"/adressen/{other_address}", headers=h).status_code == 404
        assert client.get(f"/clusters/{other_cluster}", headers=h).status_code == 404
        put = client.put(f"/clusters/{other_cluster}/prioriteit", json={"prioriteit": 1}, headers={**h, "If-Match": '"0"'})
        assert put.status_code == 404
        ok = client.put(f"/clusters/{own_cluster}/prioriteit", json={"prioriteit": 1}, headers={**h, "If-Match": '"0"'})
        assert ok.status_code == 200
        listed = client.get("/clusters?limit=1000", headers=h).json()["features"]
        assert {f["properties"]["gemeente_code"] for f in listed} == {OWN}
    # and past the API: the database refuses the other gemeente for this key
    with pytest.raises(NotVisible):
        store.inputs.backend.write_input(other_cluster, values={"prioriteit": 3}, expected_version=0,
                                         writer=Writer("gm", frozenset({OWN}), "gemeente"))
    log = store.inputs.backend.audit()
    assert [(e["cluster_id"], e["sleutel"]) for e in log] == [(own_cluster, "gemeente-GM9901-1")]
    store.close()
