"""What a gemeente reads from a plan version, on both stores: only its own rows of every layer
that names addresses (row-level security in PostGIS), and the layers without addresses whole."""

from __future__ import annotations

import pytest

from gebied.store import Writer, open_plan_store
from tests.plan_fixture import OTHER, OWN, hot_spot_layer, plan_layers

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
    flags_own = [g == OWN for g in layers["vlaggen"]["adres_id"].astype(str).map(gemeente)]
    assert 0 < len(own["vlaggen"]) == sum(flags_own) < len(layers["vlaggen"])
    assert {gemeente[str(x)] for x in own["vlaggen"]["adres_id"]} == {OWN}
    assert list(own["brandhaarden"]["brandhaard_id"]) == ["BH0002"]  # BH0001 lies in OTHER
    for name in ("publiek", "planning", "plan_info"):  # no addresses: the same for everyone
        if name in layers:
            assert len(own[name]) == len(layers[name])
    both = store.read_layers(1, Writer("gm-beide", frozenset({OWN, OTHER}), "gemeente"))
    assert len(both["adressen"]) == len(a[a["gemeente_code"].isin([OWN, OTHER])])
