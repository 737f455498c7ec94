"""`check_clusters` exactly at its size bounds: max is allowed, max + 1 is not (unless one pand);
min is allowed, min - 1 is not when a neighbouring cluster can take it in."""

from __future__ import annotations

import pytest

from gebied.clusters.check import check_clusters
from tests.clusters.helpers import frame

MAX = 10


def street(n: int, *, pand: str | None = None):
    """``n`` homes 10 m apart on one street in area B1, each its own pand unless ``pand``."""
    return frame([{"x": 10 * i, "y": 0, "gebied": "B1", "pand_id": pand or f"P{i}"} for i in range(n)])


@pytest.mark.parametrize(("n", "expected"), [(MAX - 1, []), (MAX, []), (MAX + 1, ["te_groot"]), (MAX + 2, ["te_groot"])])
def test_size_violation_starts_at_max_plus_one(n, expected):
    homes = street(n)
    homes["cluster_id"] = "B1-C01"
    v = check_clusters(homes, area_column="gebied", min_size=1, max_size=MAX)
    assert v["regel"].tolist() == expected
    if expected:
        assert v["cluster_id"].tolist() == ["B1-C01"]
        assert f"telt {n} adressen, meer dan het maximum {MAX}" in v["toelichting"].iat[0]


def test_one_pand_over_the_maximum_is_allowed():
    homes = street(MAX + 1, pand="FLAT")  # one building is never split, so it may exceed max
    homes["cluster_id"] = "B1-C01"
    assert check_clusters(homes, area_column="gebied", min_size=1, max_size=MAX).empty


@pytest.mark.parametrize(("small", "expected"), [(5, []), (4, ["te_klein"])])
def test_size_violation_starts_at_min_minus_one(small, expected):
    homes = street(12)
    homes["cluster_id"] = ["B1-C01"] * small + ["B1-C02"] * (12 - small)  # the neighbour can take it in
    v = check_clusters(homes, area_column="gebied", min_size=5, max_size=12)
    assert v["regel"].tolist() == expected
    if expected:
        assert v["cluster_id"].tolist() == ["B1-C01"]
