"""Maps on the shared 25,000 real addresses joined to real PC4 polygons."""

from __future__ import annotations

import pytest

from gebied.maps import aggregate_public, municipal_map, public_map
from gebied.maps.assets import external_references
from gebied.maps.plan import period_labels
from gebied.privacy import HIDDEN
from tests.maps.test_maps_privacy import assert_private


@pytest.fixture(scope="module")
def layers(real_plan):
    return real_plan["layers"]


def test_municipal_map_of_25000_addresses_is_small_and_complete(layers):
    html = municipal_map(layers, level="pc4")
    size = len(html.encode())
    assert size < 15_000_000, size
    assert external_references(html) == []
    n = len(layers["adressen"])
    assert n >= 25_000
    # one id per address in the compact arrays, not one GeoJSON feature per address
    assert html.count('"type":"Feature"') < n / 2


@pytest.mark.parametrize("threshold", [5, 10])
def test_public_map_of_real_addresses_is_private(layers, threshold):
    labels = period_labels(layers)
    agg = aggregate_public(layers, level="pc4", threshold=threshold, labels=labels)
    html = public_map(agg, labels=labels, data_date="2026-01-01")
    assert len(html.encode()) < 2_000_000
    assert_private(html, layers["adressen"], threshold)
    shown = [int(v.replace(".", "")) for v in agg["aantal_adressen"] if v != HIDDEN]
    assert shown and min(shown) >= threshold
