"""Maps of the real demo plan (`gebied demo` writes plan.gpkg, kaart.html, kaart_publiek.html)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gebied.maps import read_plan
from gebied.maps.assets import external_references
from tests.maps.test_maps_privacy import assert_private

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(demo_plan):
    return demo_plan


def test_demo_writes_both_maps(demo):
    municipal = (demo / "kaart.html").read_text(encoding="utf-8")
    public = (demo / "kaart_publiek.html").read_text(encoding="utf-8")
    assert external_references(municipal) == [] and external_references(public) == []
    assert len(municipal.encode()) < 15_000_000 and len(public.encode()) < 2_000_000
    layers = read_plan(demo / "plan.gpkg")
    assert "GK.points(" in municipal
    assert_private(public, layers["adressen"], 10)


def test_gebied_kaart_on_demo_plan(demo, tmp_path):
    for extra in ([], ["--publiek", "--niveau", "woonplaats"]):
        out = tmp_path / "k.html"
        run = subprocess.run(
            [sys.executable, "-m", "gebied", "kaart", str(demo / "plan.gpkg"), "--uit", str(out), *extra],
            capture_output=True, text=True,
        )
        assert run.returncode == 0, run.stderr + run.stdout
        assert external_references(out.read_text(encoding="utf-8")) == []
