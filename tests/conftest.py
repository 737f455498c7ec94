"""Shared fixtures. Real-data fixtures skip with a reason when ../shared is absent."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
PROGRAMMA = SHARED / "programma_stad_groningen.csv"
PC4 = SHARED / "real" / "pc4_polygons_groningen_cbs2020.gpkg"
GEMEENTEN_2017 = SHARED / "real" / "gemeenten_2017_groningen_cbs_wijkbuurtkaart.gpkg"
ARTEFACTS = ROOT / "tests" / "artefacten"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data folder; skips the test when it is absent."""
    if not PROGRAMMA.exists():
        pytest.skip(f"gedeelde data ontbreekt: {SHARED} (alleen beschikbaar naast de projectmap)")
    return SHARED


@pytest.fixture(scope="session")
def programma(shared_data):
    """The shared programme file, validated and joined to the real PC4 polygons (`pc4_*`)."""
    from gebied import join_areas, read_addresses, read_areas

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        addresses = read_addresses(PROGRAMMA)
        pc4 = read_areas(PC4, code_column="postcode")
        return join_areas(addresses, {"pc4": pc4})


@pytest.fixture(scope="session")
def real_plan(programma) -> dict:
    """A plan of the shape of ``plan_fixture.report_inputs`` on the shared real addresses (PC4).

    Shared by the real-data map and report tests; copy before changing it.
    """
    from gebied import read_areas
    from tests.plan_fixture import plan_from_real

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pc4 = read_areas(PC4, code_column="postcode")
        return plan_from_real(programma, pc4, level="pc4")


@pytest.fixture(scope="session")
def artefacts() -> Path:
    """Folder for test artefacts (screenshots, rendered pages)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS


@pytest.fixture(scope="session")
def demo_plan(tmp_path_factory) -> Path:
    """The output folder of one real `gebied demo` run (with PDF), shared by all tests.

    Tests that change files must copy the folder first (see ``demo_plan_copy``).
    """
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("demo") / "demo_uitvoer"
    run = subprocess.run(
        [sys.executable, "-m", "gebied", "demo", "--uit", str(out)],
        capture_output=True,
        text=True,
        timeout=1200,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr + run.stdout
    return out


@pytest.fixture
def demo_plan_copy(demo_plan, tmp_path) -> Path:
    """A private copy of the demo output folder, for tests that write into it."""
    import shutil

    target = tmp_path / "demo_uitvoer"
    shutil.copytree(demo_plan, target)
    return target
