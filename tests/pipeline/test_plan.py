"""`gebied plan` / `gebied demo` end to end: outputs, determinism, repeatability, killed runs."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from gebied.cli import app
from gebied.pipeline import run_plan
from gebied.settings import PlanSettings, load_settings
from tests.report.pages import assert_page_image, chapter_pages, page_texts, render_pages

ROOT = Path(__file__).resolve().parents[2]
LAYERS = {"adressen", "clusters", "gebieden", "vlaggen", "brandhaarden", "planning", "plan_info", "publiek"}
FILES = ["plan.gpkg", "kaart.html", "kaart_publiek.html", "rapport.html", "rapport.pdf", "metrics.json", "plan.toml"]


@pytest.fixture(scope="module")
def small_inputs(tmp_path_factory):
    """Two villages of the demo region (about 2,000 addresses) as real input files."""
    from gebied.demo.region import make_demo_region
    from gebied.io import write_layers, write_table

    layers, addresses = make_demo_region()
    folder = tmp_path_factory.mktemp("klein")
    part = addresses[addresses["woonplaats"].isin(["Ravenwerd", "Boltum", "Spijkmeer"])]
    write_table(part.drop(columns="geometry"), folder / "adressen.csv")
    write_layers({name: layer for name, layer in layers.items()}, folder / "gebieden.gpkg")
    return folder


def plan_args(inputs: Path, out: Path, *extra: str) -> list[str]:
    g = inputs / "gebieden.gpkg"
    return ["plan", str(inputs / "adressen.csv"), "-g", f"gemeente={g}#gemeente", "-g", f"buurt={g}#buurt",
            "--uit", str(out), "--geen-pdf", *extra]


def digest(folder: Path) -> dict[str, str]:
    """Hash of every file, with GeoPackages hashed by their attribute tables."""
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = str(path.relative_to(folder))
        if path.suffix == ".gpkg":
            h = hashlib.sha256()
            for name in pyogrio.list_layers(path)[:, 0]:
                frame = pyogrio.read_dataframe(path, layer=name)
                if "geometry" in frame:
                    frame = pd.DataFrame(frame.assign(geometry=frame.geometry.to_wkb(hex=True)))
                h.update(name.encode() + pd.util.hash_pandas_object(frame.astype(str), index=False).values.tobytes())
            out[rel] = h.hexdigest()
        else:
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


class StrictParser(HTMLParser):
    """Checks that tags close in order (void elements excepted)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> na {self.stack[-3:]}")
        else:
            self.stack.pop()


def test_demo_writes_every_output(demo_plan):
    for name in FILES:
        assert (demo_plan / name).stat().st_size > 0, name
    assert LAYERS <= set(pyogrio.list_layers(demo_plan / "plan.gpkg")[:, 0])
    adressen = gpd.read_file(demo_plan / "plan.gpkg", layer="adressen")
    clusters = gpd.read_file(demo_plan / "plan.gpkg", layer="clusters")
    assert adressen.crs.to_epsg() == 28992 and len(adressen) > 20000
    assert adressen["cluster_id"].notna().sum() > 5000
    assert set(clusters["cluster_id"]) == set(adressen["cluster_id"].dropna())
    in_pop = adressen["cluster_id"].notna()
    assert adressen.loc[in_pop, "gereed_periode"].notna().all()
    assert len(PdfReader(demo_plan / "rapport.pdf").pages) >= 3
    metrics = json.loads((demo_plan / "metrics.json").read_text())
    assert {"plan", "risico", "gebied"} <= set(metrics)
    settings = load_settings(demo_plan / "plan.toml")
    assert settings.cluster.gebied == "buurt" and settings.uitvoer.fictief
    styles = sqlite3.connect(demo_plan / "plan.gpkg").execute("SELECT f_table_name FROM layer_styles").fetchall()
    assert {"adressen", "clusters", "gebieden", "vlaggen"} == {s[0] for s in styles}


def test_demo_report_parses_and_matches_the_gpkg(demo_plan):
    html = (demo_plan / "rapport.html").read_text(encoding="utf-8")
    parser = StrictParser()
    parser.feed(html)
    assert parser.errors == [] and parser.stack == []
    clusters = gpd.read_file(demo_plan / "plan.gpkg", layer="clusters")
    adressen = pyogrio.read_dataframe(demo_plan / "plan.gpkg", layer="adressen", read_geometry=False)
    text = " ".join(html.split())
    # the report states the totals of the plan: addresses, programme, clusters (Dutch thousands dot)
    for number in (len(adressen), int(adressen["ncg_fase"].notna().sum()), len(clusters)):
        assert f"{number:,}".replace(",", ".") in text, number
    assert "FICTIEF" in html.upper()


def test_demo_report_pages_rendered(demo_plan, artefacts):
    pdf = demo_plan / "rapport.pdf"
    pngs = render_pages(pdf, artefacts / "demo_rapport", 1, 3, dpi=50)
    assert len(pngs) == 3
    for png in pngs:
        assert_page_image(png, dpi=50)
    assert len({png.read_bytes() for png in pngs}) == 3
    # title page, contents, first chapter; the contents give the page each chapter really starts on
    texts = page_texts(pdf)
    assert "FICTIEF" in texts[0] and texts[1].startswith("Inhoud")
    pages = chapter_pages(texts)
    assert pages["1. Inleiding en kerncijfers"] == (3, 3)
    assert [h for h, (listed, found) in pages.items() if found is None or listed != found] == [], pages


def test_plan_is_deterministic_and_repeatable(small_inputs, tmp_path):
    runner = CliRunner()
    first, second, third = tmp_path / "een", tmp_path / "twee", tmp_path / "drie"
    for out in (first, second):
        result = runner.invoke(app, plan_args(small_inputs, out))
        assert result.exit_code == 0, result.output
    assert digest(first) == digest(second)
    # repeat from the recorded settings alone
    result = runner.invoke(app, ["plan", "--config", str(first / "plan.toml"), "--uit", str(third)])
    assert result.exit_code == 0, result.output
    assert digest(third) == digest(first)


def test_plan_needs_only_the_required_arguments(small_inputs, tmp_path):
    out = tmp_path / "uit"
    g = small_inputs / "gebieden.gpkg"
    result = CliRunner().invoke(app, ["plan", str(small_inputs / "adressen.csv"), "-g", f"buurt={g}#buurt", "--uit", str(out)])
    assert result.exit_code == 0, result.output
    for name in FILES:
        assert (out / name).exists(), name
    settings = load_settings(out / "plan.toml")
    assert settings.cluster.gebied == "buurt"
    assert settings.planning.capaciteit == {"opname": 400, "beoordeling": 400, "uitvoering": 150}


def test_bad_settings_and_inputs_keep_the_old_output(small_inputs, tmp_path):
    out = tmp_path / "uit"
    runner = CliRunner()
    assert runner.invoke(app, plan_args(small_inputs, out)).exit_code == 0
    before = digest(out)
    bad = tmp_path / "plan.toml"
    bad.write_text("[cluster]\nmaximum = 3\n")
    result = runner.invoke(app, [*plan_args(small_inputs, out), "--config", str(bad)])
    assert result.exit_code == 2 and "cluster.maximum" in result.output
    result = runner.invoke(app, [*plan_args(small_inputs, out), "--strategie", "snelst"])
    assert result.exit_code == 2, result.output
    result = runner.invoke(app, [*plan_args(small_inputs, out), "--drempel", "3"])
    assert result.exit_code == 2 and "drempel" in result.output
    assert digest(out) == before


def test_killed_run_leaves_previous_output_intact(small_inputs, tmp_path):
    out = tmp_path / "uit"
    assert CliRunner().invoke(app, plan_args(small_inputs, out)).exit_code == 0
    before = digest(out)
    proc = subprocess.Popen([sys.executable, "-m", "gebied", *plan_args(small_inputs, out)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # wait until the run has started writing its temporary folder, then kill it hard
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        tmp = [p for p in tmp_path.iterdir() if p.name.startswith(".uit.")]
        if tmp and (tmp[0] / "plan.gpkg").exists():
            break
        time.sleep(0.05)
    assert proc.poll() is None, "de run was al klaar voordat hij afgebroken kon worden"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert digest(out) == before


def test_priorities_set_through_the_api_are_kept_by_the_next_plan(small_inputs, tmp_path):
    from gebied.api.store import open_store

    out = tmp_path / "uit"
    runner = CliRunner()
    assert runner.invoke(app, plan_args(small_inputs, out)).exit_code == 0
    clusters = gpd.read_file(out / "plan.gpkg", layer="clusters")
    ordered = clusters.sort_values(["start_periode", "cluster_id"])
    latest, was = ordered.iloc[-1]["cluster_id"], ordered.iloc[-1]["start_periode"]
    store = open_store(out / "plan.gpkg")
    store.set_priority(latest, 1, expected_version=0, door="stuurgroep-test")
    store.close()
    result = runner.invoke(app, plan_args(small_inputs, out))
    assert result.exit_code == 0, result.output
    again = gpd.read_file(out / "plan.gpkg", layer="clusters").set_index("cluster_id")
    assert again.loc[latest, "prioriteit"] == 1
    # the last cluster, given priority 1, now starts earlier than before
    assert again.loc[latest, "start_periode"] < was
    stored = sqlite3.connect(out / "plan.gpkg").execute("SELECT cluster_id, prioriteit, door FROM prioriteiten").fetchall()
    assert stored == [(latest, 1, "stuurgroep-test")]


def test_a_fixed_start_set_through_the_api_is_kept_by_the_next_plan(small_inputs, tmp_path):
    from gebied.api.store import open_store
    from gebied.store import Writer

    out = tmp_path / "uit"
    runner = CliRunner()
    assert runner.invoke(app, plan_args(small_inputs, out)).exit_code == 0
    clusters = gpd.read_file(out / "plan.gpkg", layer="clusters").sort_values(["start_periode", "cluster_id"])
    first = clusters.iloc[0]["cluster_id"]
    assert clusters.iloc[0]["start_periode"] < 6
    store = open_store(out / "plan.gpkg")
    store.set_input(first, {"start_periode": "2028-K2"}, expected_version=0, writer=Writer("stuurgroep-test"))
    store.close()
    result = runner.invoke(app, plan_args(small_inputs, out))
    assert result.exit_code == 0, result.output
    again = gpd.read_file(out / "plan.gpkg", layer="clusters").set_index("cluster_id")
    assert again.loc[first, "start_periode"] == 6  # 2028-K2 is period 6 of a plan from 2027-K1


def test_a_stored_start_before_the_new_plan_start_is_left_out_with_a_warning(small_inputs, tmp_path):
    from gebied.api.store import open_store
    from gebied.store import Writer

    out = tmp_path / "uit"
    runner = CliRunner()
    assert runner.invoke(app, plan_args(small_inputs, out)).exit_code == 0
    cid = gpd.read_file(out / "plan.gpkg", layer="clusters")["cluster_id"].iloc[0]
    store = open_store(out / "plan.gpkg")
    store.set_input(cid, {"start_periode": "2027-K3"}, expected_version=0, writer=Writer("stuurgroep-test"))
    store.close()
    result = runner.invoke(app, plan_args(small_inputs, out, "--start", "2028-K1"))
    assert result.exit_code == 0, result.output  # one cluster's stale start does not stop the plan
    text = " ".join(result.output.split())
    assert f"vaste startperiode van cluster {cid} past niet bij dit plan" in text and "planopslag" in text
    again = open_store(out / "plan.gpkg")
    assert again.priority(cid).start_periode == "2027-K3"  # the stored input is kept
    again.close()


def test_run_plan_returns_every_result_as_a_typed_field(small_inputs, tmp_path):
    settings = PlanSettings()
    settings.invoer.adressen = str(small_inputs / "adressen.csv")
    g = small_inputs / "gebieden.gpkg"
    settings.invoer.gebieden = [f"gemeente={g}#gemeente", f"buurt={g}#buurt"]
    settings.uitvoer.pdf = False
    out = tmp_path / "uit"
    result = run_plan(settings, out)
    assert set(result.layers) == LAYERS  # only plan.gpkg layers, nothing smuggled in
    assert set(result.signals) == {p.stem for p in (out / "signalen").glob("*.csv")}
    assert set(result.strategy_periods["strategie"]) == set(result.metrics) == {"plan", "risico", "gebied"}
    assert {"niveau", "code", "planningsniveau"} <= set(result.planning_levels.columns)
    assert len(pd.read_csv(out / "vlaggen_per_gebied.csv")) == len(result.flags_per_area)
    hot = pd.read_csv(out / "brandhaarden.csv")
    assert len(hot) == len(result.layers["brandhaarden"]) and "toelichting" in hot
    assert result.flags_per_area["brandhaarden"].sum() == hot["gebied_code"].notna().sum()
    matrix = pd.read_csv(out / "samenwerkingsmatrix.csv", index_col=0)
    assert matrix.to_numpy().tolist() == result.cooperation_matrix.to_numpy().tolist()
    assert "rapport.html" in result.files and "kaart.html" not in result.files  # no renderers given
