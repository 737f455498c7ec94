"""End-to-end tests of `gebied cluster` through the CLI."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

from gebied.cli import app
from tests.clusters.helpers import frame, grid

runner = CliRunner()


@pytest.fixture()
def gekoppeld(tmp_path):
    rows = grid(12, 10, area="BU01", straat="Dorpsstraat", typologie="rijwoning") + [
        dict(r, x=r["x"] + 400, gebied="BU02") for r in grid(4, 2)
    ]
    path = tmp_path / "gekoppeld.gpkg"
    frame(rows).to_file(path, layer="adressen")
    return path


def test_cluster_writes_layers_and_check_passes(gekoppeld, tmp_path):
    out = tmp_path / "clusters.gpkg"
    r = runner.invoke(app, ["cluster", str(gekoppeld), "--gebied", "gebied", "--min", "10", "--max", "40",
                            "--uit", str(out)])
    assert r.exit_code == 0, r.output
    assert "clusters" in r.output and "Geschreven" in r.output
    adressen = gpd.read_file(out, layer="adressen")
    clusters = gpd.read_file(out, layer="clusters")
    levels = gpd.read_file(out, layer="planningsniveau")
    assert adressen["cluster_id"].notna().all()
    assert set(clusters["cluster_id"]) == set(adressen["cluster_id"])
    assert clusters["aantal"].sum() == len(adressen)
    small = clusters[clusters["gebied_code"] == "BU02"]
    assert small["cluster_status"].tolist() == ["te_klein"]  # 8 homes < 10
    assert set(levels["code"]) == {"BU01", "BU02"}

    r = runner.invoke(app, ["cluster", str(out), "--gebied", "gebied", "--min", "10", "--max", "40",
                            "--controleer"])
    assert r.exit_code == 0, r.output
    assert "Geen overtredingen" in r.output


def test_edited_clustering_lists_violations_and_exits_2(gekoppeld, tmp_path):
    out = tmp_path / "clusters.csv"
    r = runner.invoke(app, ["cluster", str(gekoppeld), "--gebied", "gebied", "--min", "10", "--max", "40",
                            "--uit", str(out)])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "clusters_clusters.csv").exists()
    assert (tmp_path / "clusters_planningsniveau.csv").exists()
    df = pd.read_csv(out, dtype=str)
    ids = sorted(df.loc[df["gebied"] == "BU01", "cluster_id"].unique())
    df.loc[df["cluster_id"] == ids[1], "cluster_id"] = ids[0]  # merge two clusters: too big
    edited = tmp_path / "bewerkt.csv"
    df.to_csv(edited, index=False)
    violations = tmp_path / "overtredingen.csv"
    r = runner.invoke(app, ["cluster", str(edited), "--gebied", "gebied", "--min", "10", "--max", "40",
                            "--controleer", "--uit", str(violations)])
    assert r.exit_code == 2, r.output
    assert "te_groot" in r.output and "overtreding" in r.output
    v = pd.read_csv(violations, dtype=str)
    assert "te_groot" in set(v["regel"]) and ids[0] in set(v["cluster_id"])


def test_missing_column_names_file_and_column(gekoppeld, tmp_path):
    r = runner.invoke(app, ["cluster", str(gekoppeld), "--gebied", "buurt_code", "--uit", str(tmp_path / "x.gpkg")])
    assert r.exit_code == 2
    assert "gekoppeld.gpkg" in r.output and "buurt_code" in r.output and "ontbreekt" in r.output
    assert not (tmp_path / "x.gpkg").exists()
    r = runner.invoke(app, ["cluster", str(gekoppeld), "--gebied", "gebied", "--controleer"])
    assert r.exit_code == 2 and "cluster_id" in r.output
    r = runner.invoke(app, ["cluster", str(gekoppeld), "--gebied", "gebied", "--min", "50", "--max", "20",
                            "--uit", str(tmp_path / "x.gpkg")])
    assert r.exit_code == 2 and "--max" in r.output


def test_help_is_dutch():
    r = runner.invoke(app, ["cluster", "--help"])
    assert r.exit_code == 0
    assert "treintjes" in r.output and "--controleer" in r.output
