"""The plan store on the shared city file, through the CLI, on both stores: a steering group sets a
fixed start through the API, the next `gebied plan` honours it as a new version, and a gemeente key
sees only its own gemeente."""

from __future__ import annotations

import geopandas as gpd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from gebied.api.app import create_app
from gebied.api.auth import create_key, load_keys
from gebied.api.store import open_database, open_store
from gebied.cli import app
from tests.conftest import GEMEENTEN_2017, PC4, PROGRAMMA
from tests.postgis import database_url, kind  # noqa: F401 - fixtures


def test_fixed_start_through_the_api_on_the_city_file(shared_data, kind, request, tmp_path):
    database = request.getfixturevalue("database_url") if kind == "postgis" else None
    out = tmp_path / "plan"
    args = ["plan", str(PROGRAMMA), "-g", f"gemeente={GEMEENTEN_2017}", "-g", f"pc4={PC4}:postcode", "--uit", str(out),
            "--geen-pdf", *(["--database", database] if database else [])]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    adressen = gpd.read_file(out / "plan.gpkg", layer="adressen", columns=["adres_id", "gemeente_code"])
    clusters = gpd.read_file(out / "plan.gpkg", layer="clusters").sort_values("cluster_id")
    cid = str(clusters.loc[clusters["start_periode"] == 1, "cluster_id"].iloc[0])
    keys = tmp_path / "sleutels.toml"
    ncg = {"X-API-Key": create_key(keys, rol="ncg")}
    small = {"X-API-Key": create_key(keys, rol="gemeente", gemeenten=["GM0017"])}

    def serve():
        return open_database(database) if database else open_store(out / "plan.gpkg")

    store = serve()
    with TestClient(create_app(store, load_keys(keys))) as client:
        etag = client.get(f"/clusters/{cid}", headers=ncg).headers["ETag"]
        put = client.put(f"/clusters/{cid}/startperiode", json={"start_periode": "2028-K3"}, headers={**ncg, "If-Match": etag})
        assert put.status_code == 200, put.text
        own = adressen.loc[adressen["gemeente_code"] == "GM0017", "adres_id"].astype(str)
        other = adressen.loc[adressen["gemeente_code"] == "GM0014", "adres_id"].astype(str)
        assert len(own) and client.get(f"/adressen/{own.iloc[0]}", headers=small).status_code == 200
        assert client.get(f"/adressen/{other.iloc[0]}", headers=small).status_code == 404
        assert client.get("/clusters?limit=1000", headers=small).json()["totaal"] == 0  # every cluster lies in GM0014
    store.close()

    second = CliRunner().invoke(app, args)
    assert second.exit_code == 0, second.output
    assert "Planversie 2 opgeslagen" in " ".join(second.output.split())
    again = gpd.read_file(out / "plan.gpkg", layer="clusters").set_index("cluster_id")
    assert again.loc[cid, "start_periode"] == 7  # 2028-K3 in a plan from 2027-K1
    store = serve()
    with TestClient(create_app(store, load_keys(keys))) as client:
        assert client.get("/gezondheid").json()["versie"] == 2
        moved = client.get("/versies/verschil?van=1&naar=2", headers=ncg).json()["clusters"]
        change = next(c for c in moved if c["cluster_id"] == cid)
        assert (change["start_oud"], change["start_nieuw"]) == (1, 7)
    store.close()
