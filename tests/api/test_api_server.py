"""The API as users run it: `gebied sleutel`, `gebied server` in a real uvicorn process,
bad input with Dutch errors, and the suppression rule as a property."""

from __future__ import annotations

import tomllib
from pathlib import Path

import geopandas as gpd
import httpx
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from gebied.api.auth import hash_key
from gebied.api.store import open_store
from gebied.cli import app
from gebied.errors import GebiedError
from gebied.io import write_layers
from gebied.privacy import COUNTS as PUBLIC_COUNTS
from gebied.privacy import publish
from tests.api.conftest import open_view
from tests.api.live_server import running_server
from tests.plan_fixture import OTHER, OWN, plan_layers, write_plan

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def new_key(path, *args) -> str:
    result = runner.invoke(app, ["sleutel", "--sleutels", str(path), *args])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_sleutel_stores_only_the_hash(tmp_path):
    path = tmp_path / "sleutels.toml"
    key = new_key(path, "--rol", "gemeente", "--gemeente", "GM9901", "--naam", "oost")
    key2 = new_key(path, "--rol", "ncg")
    text = path.read_text("utf-8")
    assert key not in text and key2 not in text
    data = tomllib.loads(text)
    assert [e["hash"] for e in data["sleutel"]] == [hash_key(key), hash_key(key2)]
    assert data["sleutel"][0]["gemeenten"] == ["GM9901"] and data["sleutel"][0]["naam"] == "oost"
    assert len(key) >= 40


@pytest.mark.parametrize(
    "args, words",
    [
        (["--rol", "gemeente"], "minstens één"),
        (["--rol", "beheerder"], "onbekende rol"),
        (["--rol", "gemeente", "--gemeente", "Groningen"], "geen gemeentecode"),
        (["--rol", "ncg", "--gemeente", "GM0014"], "laat --gemeente weg"),
    ],
)
def test_sleutel_bad_input(tmp_path, args, words):
    result = runner.invoke(app, ["sleutel", "--sleutels", str(tmp_path / "s.toml"), *args])
    assert result.exit_code == 2 and words in result.output
    assert not (tmp_path / "s.toml").exists()


def test_server_bad_input(tmp_path):
    missing = runner.invoke(app, ["server", "--plan", str(tmp_path / "geen.gpkg")])
    assert missing.exit_code == 2 and "planbestand niet gevonden" in missing.output
    frames = plan_layers()
    partial = write_layers({"adressen": frames["adressen"], "gebieden": frames["gebieden"]}, tmp_path / "half.gpkg")
    result = runner.invoke(app, ["server", "--plan", str(partial)])
    assert result.exit_code == 2 and "'clusters' ontbreekt" in result.output
    plan = write_plan(tmp_path / "p")
    bad_keys = tmp_path / "sleutels.toml"
    bad_keys.write_text('[[sleutel]]\nrol = "ncg"\nhash = "abc"\n', "utf-8")
    result = runner.invoke(app, ["server", "--plan", str(plan), "--sleutels", str(bad_keys)])
    assert result.exit_code == 2 and "hash" in result.output and str(bad_keys) in result.output
    bad_keys.write_text("[[sleutel]\n", "utf-8")
    result = runner.invoke(app, ["server", "--plan", str(plan), "--sleutels", str(bad_keys)])
    assert result.exit_code == 2 and "TOML" in result.output


def test_store_rejects_duplicate_ids(tmp_path):
    # embedded only: this is about reading a plan file; PostGIS refuses such a version when it is
    # added (unique index on versie, adres_id), so a served PostGIS version never has duplicates
    frames = plan_layers()
    a = frames["adressen"]
    a.loc[1, "adres_id"] = a.loc[0, "adres_id"]
    with pytest.raises(GebiedError, match="meer dan eens"):
        open_store(write_layers(frames, tmp_path / "dup.gpkg"))


def test_public_records_are_the_publication_table(tmp_path, kind, request):
    """Without a key the store serves the publication table and nothing else of the areas (both stores)."""
    plan = write_plan(tmp_path / "plan")
    layers = {name: gpd.read_file(plan, layer=name, engine="pyogrio") for name in ("adressen", "gebieden", "planning")}
    store = open_view(kind, plan, request.getfixturevalue("database_url") if kind == "postgis" else None)
    try:
        expected = publish(layers, level=store.info.get("clusterniveau"), threshold=store.drempel).table
        assert [r["code"] for r in store.public] == [str(c) for c in expected["code"]]
        for rec, (_, row) in zip(store.public, expected.iterrows(), strict=True):
            for col in PUBLIC_COUNTS:
                assert rec[col] == (None if pd.isna(row[col]) else int(row[col]))
                assert rec[col] is None or rec[col] == 0 or rec[col] >= store.drempel
            assert rec["onderdrukt"] == bool(rec["afgeschermd"])
    finally:
        store.close()


@pytest.fixture()
def live_server(tmp_path):
    """`python -m gebied server` on a free loopback port; stopped at the end."""
    plan = write_plan(tmp_path / "plan")
    keys = tmp_path / "sleutels.toml"
    key_gm = new_key(keys, "--rol", "gemeente", "--gemeente", OWN)
    key_ncg = new_key(keys, "--rol", "ncg")
    with running_server(plan, keys, timeout=60) as base:
        yield base, key_gm, key_ncg, plan


def test_real_uvicorn_roles_and_etag(live_server):
    base, key_gm, key_ncg, plan = live_server
    a = plan_layers()["adressen"]
    own = a.loc[(a["gemeente_code"] == OWN) & a["cluster_id"].notna()].iloc[0]
    other = a.loc[a["gemeente_code"] == OTHER].iloc[0]
    with httpx.Client(base_url=base, timeout=10) as c:
        assert c.get(f"/adressen/{own['adres_id']}").status_code == 401
        assert c.get(f"/adressen/{own['adres_id']}", headers={"X-API-Key": "fout"}).status_code == 401
        assert c.get(f"/adressen/{own['adres_id']}", headers={"X-API-Key": key_gm}).json()["adres_id"] == own["adres_id"]
        assert c.get(f"/adressen/{other['adres_id']}", headers={"X-API-Key": key_gm}).status_code == 404
        assert c.get(f"/adressen/{other['adres_id']}", headers={"X-API-Key": key_ncg}).status_code == 200
        assert c.get("/signalen?lijst=samenwerking", headers={"X-API-Key": key_gm}).status_code == 403
        assert c.get("/gebieden").status_code == 200
        assert "text/html" in c.get(f"/kaart/{OWN}").headers["content-type"]
        cid = own["cluster_id"]
        etag = c.get(f"/clusters/{cid}", headers={"X-API-Key": key_gm}).headers["etag"]
        ok = c.put(f"/clusters/{cid}/prioriteit", json={"prioriteit": 2}, headers={"X-API-Key": key_gm, "If-Match": etag})
        assert ok.status_code == 200
        late = c.put(f"/clusters/{cid}/prioriteit", json={"prioriteit": 7}, headers={"X-API-Key": key_ncg, "If-Match": etag})
        assert late.status_code == 412
        err = c.get("/bestaat-niet")
        assert err.status_code == 404 and err.json() == {"detail": "niet gevonden"}
    # durable while the server still runs: another reader sees the stored priority
    store = open_store(plan)
    assert store.priorities[cid].prioriteit == 2
    store.close()
