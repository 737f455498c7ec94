"""What a gemeente reads from a plan version, on both stores: only its own rows of every layer
that names addresses (row-level security in PostGIS), and the layers without addresses whole."""

from __future__ import annotations

import pandas as pd
import pytest

from gebied.store import Writer, open_plan_store
from tests.plan_fixture import OTHER, OWN, hot_spot_layer, plan_layers
from tests.postgis import needs_postgis

GM = Writer("gm-oost", frozenset({OWN}), "gemeente")


@pytest.fixture()
def stored(store_args):
    layers = plan_layers()
    layers["brandhaarden"] = hot_spot_layer(layers)
    store = open_plan_store(**store_args)
    store.add_version(layers, settings={}, input_hash="", output=None)
    yield store, layers
    store.close()


def test_hot_spots_are_kept_with_every_version(stored):
    store, layers = stored
    back = store.read_layers(1)
    assert sorted(back["brandhaarden"]["brandhaard_id"]) == ["BH0001", "BH0002"]
    assert len(back["vlaggen"]) == len(layers["vlaggen"])


def test_a_gemeente_reads_only_its_own_rows(stored):
    store, layers = stored
    own = store.read_layers(1, GM)
    a = layers["adressen"]
    for name in ("adressen", "clusters", "gebieden"):
        assert len(own[name]) == int((layers[name]["gemeente_code"] == OWN).sum()) > 0
        assert set(own[name]["gemeente_code"]) == {OWN}
    gemeente = dict(zip(a["adres_id"].astype(str), a["gemeente_code"]))
    v = layers["vlaggen"]
    sides = pd.DataFrame({"a": v["adres_id"].astype(str).map(gemeente), "b": v["buur_adres_id"].astype(str).map(gemeente)})
    touches = (sides["a"] == OWN) | (sides["b"] == OWN)
    assert ((sides["a"] != sides["b"]) & touches).any()  # the fixture has flags across the border
    assert 0 < len(own["vlaggen"]) == int(touches.sum()) < len(v)  # also a flag whose neighbour is own
    west = store.read_layers(1, Writer("gm-west", frozenset({OTHER}), "gemeente"))["vlaggen"]
    # the flags from OWN's addresses to OTHER's neighbours are OTHER's too
    assert len(west) == int(((sides["a"] == OTHER) | (sides["b"] == OTHER)).sum()) > int((sides["a"] == OTHER).sum())
    seen = own["vlaggen"]
    assert all(OWN in (gemeente[str(x)], gemeente[str(y)]) for x, y in zip(seen["adres_id"], seen["buur_adres_id"]))
    assert list(own["brandhaarden"]["brandhaard_id"]) == ["BH0002"]  # BH0001 lies in OTHER
    for name in ("publiek", "planning", "plan_info"):  # no addresses: the same for everyone
        if name in layers:
            assert len(own[name]) == len(layers[name])
    both = store.read_layers(1, Writer("gm-beide", frozenset({OWN, OTHER}), "gemeente"))
    assert len(both["adressen"]) == len(a[a["gemeente_code"].isin([OWN, OTHER])])


@needs_postgis
def test_migration_3_moves_the_flags_of_older_versions_under_row_level_security(database_url):
    """A database made before migration 3 (flags as one blob in plan_tabellen) keeps its flags,
    now per row with their gemeente."""
    layers = plan_layers()
    store = open_plan_store(database=database_url)
    store.add_version(layers, settings={}, input_hash="", output=None)
    with store._as(Writer("beheer", None, "beheer")) as conn:  # put the database back in its state after migration 2
        conn.execute("""INSERT INTO plan_tabellen (versie, laag, gegevens)
                        SELECT versie, laag, jsonb_agg(gegevens ORDER BY rij) FROM plan_rijen GROUP BY versie, laag""")
        conn.execute("DROP TABLE plan_rijen")
        conn.execute("DROP POLICY lezen ON plan_tabellen")
        conn.execute("DELETE FROM gebied_schema WHERE versie = 3")
    store.close()
    store = open_plan_store(database=database_url)  # migrates
    try:
        assert len(store.read_layers(1)["vlaggen"]) == len(layers["vlaggen"])
        own = store.read_layers(1, GM)["vlaggen"]
        a = layers["adressen"]
        gemeente = dict(zip(a["adres_id"].astype(str), a["gemeente_code"]))
        assert len(own) and all(OWN in (gemeente[str(x)], gemeente[str(y)]) for x, y in zip(own["adres_id"], own["buur_adres_id"]))
        with store._as(GM) as conn:
            assert {r[0] for r in conn.execute("SELECT laag FROM plan_tabellen")} <= {"plan_info", "planning"}
            assert conn.execute("DELETE FROM plan_tabellen").rowcount == 0  # readable, not writable
    finally:
        store.close()
