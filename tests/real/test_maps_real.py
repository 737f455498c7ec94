"""Maps on the shared 25,000 real addresses joined to real PC4 polygons."""

from __future__ import annotations

import pytest

from gebied.maps import aggregate_public, municipal_map, public_map
from gebied.maps.assets import external_references
from gebied.maps.plan import period_labels
from tests.maps.test_maps_privacy import assert_private
from tests.maps_fixture import plan_from_addresses


@pytest.fixture(scope="module")
def real_plan(programma):
    import warnings

    from gebied import read_areas
    from tests.conftest import PC4

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        areas = read_areas(PC4, code_column="postcode")
    return plan_from_addresses(programma, areas, level="pc4")


def test_municipal_map_of_25000_addresses_is_small_and_complete(real_plan):
    html = municipal_map(real_plan, level="pc4")
    size = len(html.encode())
    assert size < 15_000_000, size
    assert external_references(html) == []
    n = len(real_plan["adressen"])
    assert n >= 25_000
    # one id per address in the compact arrays, not one GeoJSON feature per address
    assert html.count('"type":"Feature"') < n / 2


@pytest.mark.parametrize("threshold", [5, 10])
def test_public_map_of_real_addresses_is_private(real_plan, threshold):
    labels = period_labels(real_plan)
    agg = aggregate_public(real_plan, level="pc4", threshold=threshold, labels=labels)
    html = public_map(agg, labels=labels, data_date="2026-01-01")
    assert len(html.encode()) < 2_000_000
    assert_private(html, real_plan["adressen"], threshold)
    assert (agg["aantal_adressen"].astype(int) >= threshold).all()
