"""The plan store on both backends: versions, input with ETag rules, audit log, gemeente limits."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gebied.api.app import create_app
from gebied.api.auth import create_key, load_keys
from gebied.api.store import open_database, open_store, read_plan_file
from gebied.errors import GebiedError
from gebied.store import NotVisible, VersionConflict, Writer, open_plan_store
from tests.plan_fixture import OTHER, OWN, write_plan
from tests.store.conftest import needs_postgis


@pytest.fixture()
def filled(store_args, tmp_path):
    """A store with the fixture plan (two gemeenten) as version 1."""
    plan = write_plan(tmp_path / "uit")
    layers = read_plan_file(plan)
    store = open_plan_store(**store_args)
    version = store.add_version(layers, settings={"titel": "proef"}, input_hash="sha256:abc", output=str(plan.parent), plan_file=plan)
    yield store, layers, version, plan
    store.close()


def clusters_of(layers, gemeente):
    c = layers["clusters"]
    return sorted(c.loc[c["gemeente_code"] == gemeente, "cluster_id"].astype(str))


def test_versions_are_numbered_and_read_back(filled):
    store, layers, version, _ = filled
    assert version.versie == 1 and store.newest() == 1
    again = store.add_version(layers, settings={"titel": "twee"}, input_hash="sha256:def", output=None)
    assert again.versie == 2
    listed = store.versions()
    assert [(v.versie, v.instellingen["titel"], v.invoer_hash) for v in listed] == [(1, "proef", "sha256:abc"), (2, "twee", "sha256:def")]
    assert listed[0].gemaakt_op <= listed[1].gemaakt_op
    back = store.read_layers(2)
    assert set(back) == set(layers)
    for name in layers:
        assert len(back[name]) == len(layers[name])
    a = back["adressen"].set_index("adres_id")
    b = layers["adressen"].set_index("adres_id")
    assert a["cluster_id"].fillna("").to_dict() == b["cluster_id"].fillna("").to_dict()
    assert back["adressen"].crs.to_epsg() == 28992


def test_input_follows_the_etag_rules_and_is_audited(filled):
    store, layers, _, _ = filled
    cid = clusters_of(layers, OWN)[0]
    ncg = Writer("ncg-sleutel", None, "ncg")
    first = store.write_input(cid, values={"prioriteit": 3}, expected_version=0, writer=ncg)
    assert (first.versie, first.prioriteit, first.door, first.gemeente_code) == (1, 3, "ncg-sleutel", OWN)
    with pytest.raises(VersionConflict) as stale:
        store.write_input(cid, values={"prioriteit": 5}, expected_version=0, writer=ncg)
    assert stale.value.current == 1
    second = store.write_input(cid, values={"prioriteit": None}, expected_version=1, writer=Writer("gm-oost", frozenset({OWN}), "gemeente"))
    assert second.versie == 2 and second.prioriteit is None
    assert store.read_input()[cid].versie == 2
    log = store.audit()
    assert [(e["sleutel"], e["cluster_id"], e["nieuw"], e["versie"]) for e in log] == [("ncg-sleutel", cid, "3", 1), ("gm-oost", cid, None, 2)]
    assert all(e["tijd"] for e in log)


def test_fixed_start_and_priority_are_written_apart_and_audited_per_field(filled):
    store, layers, _, _ = filled
    cid = clusters_of(layers, OWN)[0]
    gm = Writer("gm-oost", frozenset({OWN}), "gemeente")
    first = store.write_input(cid, values={"start_periode": "2028-K2"}, expected_version=0, writer=gm)
    assert (first.versie, first.prioriteit, first.start_periode) == (1, None, "2028-K2")
    second = store.write_input(cid, values={"prioriteit": 2}, expected_version=1, writer=gm)
    assert (second.versie, second.prioriteit, second.start_periode) == (2, 2, "2028-K2")  # the start is kept
    third = store.write_input(cid, values={"start_periode": None, "prioriteit": 1}, expected_version=2, writer=gm)
    assert (third.prioriteit, third.start_periode) == (1, None)
    row = store.read_input()[cid]
    assert (row.prioriteit, row.start_periode, row.versie) == (1, None, 3)
    log = [(e["veld"], e["oud"], e["nieuw"], e["versie"]) for e in store.audit()]
    assert log == [("start_periode", None, "2028-K2", 1), ("prioriteit", None, "2", 2),
                   ("prioriteit", "2", "1", 3), ("start_periode", "2028-K2", None, 3)]
    with pytest.raises(ValueError):
        store.write_input(cid, values={"cluster_id": "x"}, expected_version=3, writer=gm)


def test_a_gemeente_writes_and_reads_only_its_own_clusters(filled):
    store, layers, _, _ = filled
    own, other = clusters_of(layers, OWN)[0], clusters_of(layers, OTHER)[0]
    ncg = Writer("ncg", None, "ncg")
    store.write_input(other, values={"prioriteit": 1}, expected_version=0, writer=ncg)
    gm = Writer("gm-oost", frozenset({OWN}), "gemeente")
    with pytest.raises(NotVisible):
        store.write_input(other, values={"prioriteit": 2}, expected_version=1, writer=gm)
    with pytest.raises(NotVisible):
        store.write_input("bestaat-niet", values={"prioriteit": 2}, expected_version=0, writer=ncg)
    store.write_input(own, values={"prioriteit": 4}, expected_version=0, writer=gm)
    assert set(store.read_input(gm)) == {own}
    assert set(store.read_input()) == {own, other}
    assert {e["cluster_id"] for e in store.audit(gm)} == {own}
    assert store.read_input()[other].prioriteit == 1


@pytest.mark.parametrize("url", ["/gebieden", "/gebieden?formaat=geojson", "/clusters?limit=1000", "/vlaggen?limit=1000",
                                 "/signalen?lijst=samenwerking", "/gebieden?niveau=buurt&limit=1000", "ADRES", "GEBIED",
                                 "CLUSTER", "/versies/verschil?van=1&naar=1"])
def test_both_stores_serve_the_same_answers(tmp_path, url, request):
    """The API over PostGIS answers exactly as over the embedded store."""
    db = request.getfixturevalue("database_url")
    plan = write_plan(tmp_path / "uit")
    a = read_plan_file(plan)["adressen"]
    first = a[a["cluster_id"].notna()].iloc[0]
    url = {"ADRES": f"/adressen/{first['adres_id']}", "GEBIED": f"/gebieden/{first['buurt_code']}/adressen",
           "CLUSTER": f"/clusters/{first['cluster_id']}"}.get(url, url)
    backend = open_plan_store(database=db)
    backend.add_version(read_plan_file(plan), settings={}, input_hash="", output=str(plan.parent))
    backend.close()
    keys = tmp_path / "sleutels.toml"
    key = create_key(keys, rol="ncg")
    answers = []
    for store in (open_store(plan), open_database(db)):
        with TestClient(create_app(store, load_keys(keys))) as client:
            answers.append(client.get(url, headers={"X-API-Key": key}).json())
        store.close()
    assert answers[0] == answers[1]


@needs_postgis
def test_row_level_security_cannot_be_bypassed_with_plain_sql(database_url, tmp_path):
    """In a gemeente's transaction, SQL without any filter still sees and changes only that gemeente."""
    plan = write_plan(tmp_path / "uit")
    layers = read_plan_file(plan)
    store = open_plan_store(database=database_url)
    store.add_version(layers, settings={}, input_hash="", output=None)
    other = clusters_of(layers, OTHER)[0]
    store.write_input(other, values={"prioriteit": 1}, expected_version=0, writer=Writer("ncg", None, "ncg"))
    gm = Writer("gm-oost", frozenset({OWN}), "gemeente")
    a = layers["adressen"]
    with store._as(gm) as conn:
        seen = {r[0] for r in conn.execute("SELECT DISTINCT gemeente_code FROM plan_adressen")}
        assert seen == {OWN}
        assert conn.execute("SELECT count(*) FROM plan_adressen").fetchone()[0] == int((a["gemeente_code"] == OWN).sum())
        # tables without addresses only; flags row by row, of the own gemeente only
        assert {r[0] for r in conn.execute("SELECT laag FROM plan_tabellen")} <= {"plan_info", "planning"}
        own_flags = [r[0] for r in conn.execute("SELECT gegevens->>'adres_id' FROM plan_rijen WHERE laag = 'vlaggen'")]
        gemeente = dict(zip(a["adres_id"].astype(str), a["gemeente_code"]))
        assert own_flags and {gemeente[x] for x in own_flags} == {OWN}
        assert conn.execute("UPDATE prioriteiten SET prioriteit = 9").rowcount == 0
        assert conn.execute("DELETE FROM prioriteiten").rowcount == 0
        assert conn.execute("SELECT count(*) FROM auditlog").fetchone()[0] == 0
    with pytest.raises(Exception, match="row-level security"), store._as(gm) as conn:
        conn.execute("INSERT INTO prioriteiten (cluster_id, gemeente_code, prioriteit, versie, gewijzigd_op, door) "
                     "VALUES ('x', %s, 1, 1, 'nu', 'gm')", (OTHER,))
    assert store.read_input()[other].prioriteit == 1
    store.close()


@needs_postgis
def test_a_superuser_connection_is_refused(monkeypatch):
    from gebied.store import postgis

    class Fake:
        def execute(self, *_):
            return self

        def fetchone(self):
            return (True,)

        def close(self):
            pass

    monkeypatch.setattr(postgis.psycopg, "connect", lambda *a, **k: Fake())
    with pytest.raises(GebiedError, match="superuser"):
        postgis.PostgisStore("postgresql://x@localhost/y")


def test_a_bad_database_url_is_a_dutch_error():
    with pytest.raises(GebiedError, match="postgresql://"):
        open_plan_store(database="mysql://x")
    with pytest.raises(GebiedError, match="geen verbinding"):
        open_plan_store(database="postgresql://niemand@127.0.0.1:1/geen")


def test_a_plan_file_the_store_has_never_seen_is_served_as_a_new_version(tmp_path):
    """Embedded only (it is about the plan file beside the store): a plan.gpkg copied in by hand
    is what the server serves; a plan.gpkg equal to an older version (a run that added a version
    but had not yet replaced the folder) does not hide the newest."""
    plan = write_plan(tmp_path / "uit")
    first = open_store(plan)
    assert first.versie == 1
    first.close()

    def phases(view):
        return {a: rec["fase"]["ncg_fase"] for a, rec in view.addresses.items()}

    old_phases = phases(first)
    newer = write_plan(tmp_path / "elders", seed=11)
    plan.write_bytes(newer.read_bytes())  # copied in by hand
    second = open_store(plan)
    assert second.versie == 2 and phases(second) != old_phases
    assert phases(second) == phases(open_store(newer, opslag=False))
    second.close()
    again = open_store(plan)  # the same file once more: no new version
    assert again.versie == 2
    again.close()
    backend = open_plan_store(output=tmp_path / "uit")
    backend.add_version(read_plan_file(write_plan(tmp_path / "derde", seed=5)), settings={}, input_hash="", output=None)
    backend.close()
    third = open_store(plan)  # plan.gpkg equals version 2, the store has 3: serve 3
    assert third.versie == 3 and phases(third) != phases(second)
    third.close()
