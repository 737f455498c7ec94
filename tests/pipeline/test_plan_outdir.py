"""`gebied plan` never deletes what the user made: regression tests for the lost `werk/` folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gebied.demo.region import make_demo_region
from gebied.io import write_layers, write_table
from gebied.outdir import MARKER


@pytest.fixture(scope="module")
def werk(tmp_path_factory) -> Path:
    """A user's working folder: addresses and PC4-style areas of one demo village, plus notes."""
    layers, addresses = make_demo_region()
    folder = tmp_path_factory.mktemp("gebruiker") / "werk"
    folder.mkdir()
    part = addresses[addresses["woonplaats"] == "Ravenwerd"]
    write_table(part.drop(columns="geometry"), folder / "adressen.csv")
    write_layers({"buurt": layers["buurt"]}, folder / "pc4.gpkg")
    (folder / "notities.txt").write_text("mijn aantekeningen")
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _plan(werk: Path, uit: str, cwd: Path) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "gebied", "plan", str(werk / "adressen.csv"),
            "--gebieden", f"buurt={werk / 'pc4.gpkg'}:code", "--uit", uit, "--geen-pdf"]
    env = {k: v for k, v in os.environ.items() if k != "GEBIED_DEBUG"}
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


def test_uit_is_the_input_folder(werk):
    before = _snapshot(werk)
    run = _plan(werk, str(werk), cwd=werk.parent)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "invoerbestand" in run.stderr + run.stdout
    assert "Traceback" not in run.stderr
    assert _snapshot(werk) == before


def test_uit_is_the_current_folder(werk):
    before = _snapshot(werk)
    run = _plan(werk, ".", cwd=werk)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "huidige map" in run.stderr + run.stdout
    assert _snapshot(werk) == before


def test_uit_is_a_foreign_folder(werk, tmp_path):
    rapporten = tmp_path / "rapporten"
    rapporten.mkdir()
    (rapporten / "raad_2026.docx").write_bytes(b"PK\x03\x04")
    run = _plan(werk, str(rapporten), cwd=tmp_path)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "geen eerdere uitvoer van gebied" in run.stderr + run.stdout
    assert _snapshot(rapporten) == {"raad_2026.docx": b"PK\x03\x04"}


@pytest.mark.slow
def test_output_below_the_input_folder_works_and_is_marked(werk):
    before = _snapshot(werk)
    run = _plan(werk, str(werk / "uitvoer"), cwd=werk)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (werk / "uitvoer" / MARKER).is_file()
    assert (werk / "uitvoer" / "plan.gpkg").is_file()
    assert {k: v for k, v in _snapshot(werk).items() if not k.startswith(("uitvoer/", "uitvoer.opslag/"))} == before  # output and its plan store


def test_failed_run_leaves_no_store_behind(werk, tmp_path):
    """Bad input found during the run: exit 2, and neither the output nor a new store folder exists."""
    bad = tmp_path / "verzoeken.csv"
    bad.write_text("adres_id;soort;datum\n1;onbekend;2020-01-01\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "GEBIED_DEBUG"}
    args = [sys.executable, "-m", "gebied", "plan", str(werk / "adressen.csv"), "--gebieden", f"buurt={werk / 'pc4.gpkg'}:code",
            "--uit", str(tmp_path / "uit"), "--geen-pdf", "--verzoeken", str(bad)]
    run = subprocess.run(args, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "rij 2" in run.stderr + run.stdout and "Traceback" not in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["verzoeken.csv"]
