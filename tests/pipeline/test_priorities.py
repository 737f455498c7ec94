"""Steering-group input for `gebied plan`: priorities stored through the API and a `--vast` file.

The documented rule (docs/opdrachten/plan.md, "Prioriteiten van de stuurgroep"): a next plan
into the same `--uit` keeps the priorities stored through the API, but a `--vast` file goes
first: per `cluster_id` the file wins, and a file per `gebied_code` replaces the stored
cluster priorities altogether, with a warning.
"""

from __future__ import annotations

import shutil

import geopandas as gpd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from gebied.api.app import create_app
from gebied.api.auth import create_key, load_keys
from gebied.api.store import open_store
from gebied.cli import app
from gebied.schedule.priorities import read_priorities

runner = CliRunner()
#: Small capacity and no flow-through, so a fixed start period is visible in the plan.
OPTIONS = ["--geen-pdf", "--max", "60", "--capaciteit", "opname=60,beoordeling=60,uitvoering=60",
           "--doorstroom", "geen"]


@pytest.fixture(scope="module")
def village(tmp_path_factory):
    """One demo village (about 800 addresses) as input files, and a first plan of it."""
    from tests.homes import write_demo_village

    folder = write_demo_village(tmp_path_factory.mktemp("dorp"))
    first = folder / "eerste"
    result = runner.invoke(app, plan(folder, first))
    assert result.exit_code == 0, result.output
    return folder, first


def plan(folder, out, *extra) -> list[str]:
    g = folder / "gebieden.gpkg"
    return ["plan", str(folder / "adressen.csv"), "-g", f"gemeente={g}#gemeente", "-g", f"buurt={g}#buurt",
            "--uit", str(out), *OPTIONS, *extra]


def clusters_of(out):
    return gpd.read_file(out / "plan.gpkg", layer="clusters").set_index("cluster_id")


def put_priorities(out, keys, wanted: dict[str, int]) -> None:
    """Set priorities the way a steering group does: PUT with the cluster's ETag."""
    key = create_key(keys, rol="ncg", naam="stuurgroep")
    store = open_store(out / "plan.gpkg")
    try:
        with TestClient(create_app(store, load_keys(keys))) as client:
            for cid, prio in wanted.items():
                etag = client.get(f"/clusters/{cid}", headers={"X-API-Key": key}).headers["ETag"]
                r = client.put(f"/clusters/{cid}/prioriteit", json={"prioriteit": prio},
                               headers={"X-API-Key": key, "If-Match": etag})
                assert r.status_code == 200, r.text
    finally:
        store.close()


@pytest.fixture()
def setup(village, tmp_path):
    """A copy of the first plan in its own --uit, and three clusters: two in the biggest buurt, one elsewhere."""
    folder, first = village
    out = tmp_path / "uit"
    shutil.copytree(first, out)
    c = clusters_of(out)
    big = c["gebied_code"].value_counts().index[0]
    x, z = sorted(c.index[c["gebied_code"] == big])[:2]
    y = sorted(c.index[c["gebied_code"] != big])[0]
    assert (c.loc[c["gebied_code"] == big, "start_periode"] < 4).all()  # so a fixed start in period 4 is a change
    return folder, out, tmp_path / "sleutels.toml", x, y, z


def test_vast_file_wins_per_cluster_and_api_priorities_fill_in(setup, tmp_path):
    folder, out, keys, x, y, z = setup
    put_priorities(out, keys, {x: 1, y: 1, z: 1})
    vast = tmp_path / "vast.csv"
    # x: the file fixes a late start and gives no priority; z: the file's priority 2 against the API's 1
    vast.write_text(f"cluster_id,prioriteit,start_periode\n{x},,2027-K4\n{z},2,\n", encoding="utf-8")
    result = runner.invoke(app, plan(folder, out, "--vast", str(vast)))
    assert result.exit_code == 0, result.output
    assert "niet gebruikt" not in result.output
    c = clusters_of(out)
    # the file wins for x and z; y, only set through the API, keeps its priority
    assert c.loc[x, "start_periode"] == 4 and c["prioriteit"].isna()[x]
    assert c.loc[z, "prioriteit"] == 2
    assert c.loc[y, "prioriteit"] == 1
    assert c["prioriteit"].notna().sum() == 2
    # the stored table itself is carried over unchanged into the new plan
    stored = read_priorities(out / "plan.gpkg").set_index("cluster_id")
    assert stored["prioriteit"].to_dict() == {x: 1, y: 1, z: 1}


def test_without_vast_file_the_api_priorities_are_used(setup):
    folder, out, keys, x, y, z = setup
    put_priorities(out, keys, {x: 1, y: 2})
    result = runner.invoke(app, plan(folder, out))
    assert result.exit_code == 0, result.output
    c = clusters_of(out)
    assert c.loc[x, "prioriteit"] == 1 and c.loc[y, "prioriteit"] == 2 and c["prioriteit"].notna().sum() == 2
    assert c.loc[x, "start_periode"] <= c.loc[y, "start_periode"]


def test_vast_file_per_area_replaces_the_api_priorities_with_a_warning(setup, tmp_path):
    folder, out, keys, x, y, z = setup
    put_priorities(out, keys, {x: 1, y: 2})
    area = clusters_of(out).loc[x, "gebied_code"]
    vast = tmp_path / "vast.csv"
    vast.write_text(f"gebied_code,start_periode\n{area},2027-K4\n", encoding="utf-8")
    result = runner.invoke(app, plan(folder, out, "--vast", str(vast)))
    assert result.exit_code == 0, result.output
    assert "de opgeslagen clusterprioriteiten worden niet gebruikt" in " ".join(result.output.split())
    c = clusters_of(out)
    assert c["prioriteit"].isna().all()  # neither x nor y keeps its API priority
    assert (c.loc[c["gebied_code"] == area, "start_periode"] >= 4).all()
    assert c.loc[c["gebied_code"] == area, "start_periode"].min() == 4
