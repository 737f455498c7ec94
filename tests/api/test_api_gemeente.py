"""A gemeente key is answered from a view that holds only its own gemeente's rows, on both stores,
also after the server switched to a new plan version."""

from __future__ import annotations

import time

from gebied.api.auth import create_key
from gebied.io import write_layers
from gebied.store import open_plan_store, store_dir_for
from tests.plan_fixture import OTHER, OWN, hot_spot_layer, plan_layers


def test_a_gemeente_key_is_answered_from_its_own_rows(serve, kind, request, tmp_path):
    layers = plan_layers()
    layers["brandhaarden"] = hot_spot_layer(layers)
    folder = tmp_path / "uit"
    folder.mkdir()
    write_layers(layers, folder / "plan.gpkg")
    keys = tmp_path / "sleutels.toml"
    gm = {"X-API-Key": create_key(keys, rol="gemeente", gemeenten=[OWN])}
    ncg = {"X-API-Key": create_key(keys, rol="ncg")}
    client = serve(folder, keys)
    a = layers["adressen"]
    own_id = str(a.loc[a["gemeente_code"] == OWN, "adres_id"].iloc[0])
    other_id = str(a.loc[a["gemeente_code"] == OTHER, "adres_id"].iloc[0])
    assert client.get(f"/adressen/{own_id}", headers=gm).status_code == 200
    assert client.get(f"/adressen/{other_id}", headers=gm).status_code == 404
    assert client.get(f"/adressen/{other_id}", headers=ncg).status_code == 200
    assert [h["brandhaard_id"] for h in client.get("/brandhaarden", headers=gm).json()["items"]] == ["BH0002"]

    live = client.app.state.live
    principal = next(p for p in client.app.state.keys.values() if p.rol == "gemeente")
    view = live.cached_gemeente_view(live.current, principal)
    assert view is not None and view is not live.current
    assert set(view.address_gemeente.values()) == {OWN}  # the other gemeente is not in this memory at all
    assert set(view.cluster_gemeente) == {OWN} and set(view.flag_gemeente) == {OWN}
    assert set(view.hot_spot_gemeente) == {OWN}
    assert len(live.current.address_gemeente) == len(a)

    # a new version: the gemeente's view is ready when the server switches
    database = request.getfixturevalue("database_url") if kind == "postgis" else None
    backend = open_plan_store(output=folder if database is None else None, database=database)
    assert database is not None or backend.folder == store_dir_for(folder)
    backend.add_version(layers, settings={}, input_hash="", output=str(folder))
    backend.close()
    deadline = time.time() + 60
    while live.current.versie != 2 and time.time() < deadline:
        client.get("/gezondheid")
        time.sleep(0.1)
    assert live.current.versie == 2
    again = live.cached_gemeente_view(live.current, principal)
    assert again is not None and again.versie == 2 and set(again.address_gemeente.values()) == {OWN}
    assert client.get(f"/adressen/{own_id}", headers=gm).status_code == 200


def test_a_server_prepares_the_gemeente_views_before_the_first_request(tmp_path):
    from gebied.api.app import app_from_paths
    from tests.plan_fixture import write_plan

    plan = write_plan(tmp_path / "uit")
    keys = tmp_path / "sleutels.toml"
    create_key(keys, rol="gemeente", gemeenten=[OWN])
    create_key(keys, rol="ncg")
    app = app_from_paths(plan, keys)
    live = app.state.live
    try:
        principal = next(p for p in app.state.keys.values() if p.rol == "gemeente")
        view = live.cached_gemeente_view(live.current, principal)
        assert view is not None and set(view.address_gemeente.values()) == {OWN}
    finally:
        live.close()


def test_the_whole_plan_map_is_not_for_a_gemeente_key(serve, tmp_path):
    """Only ``kaart.html`` (every gemeente, address level) and ``kaart_publiek.html`` lie beside the
    plan, as after ``gebied plan``: a key of one of its two gemeenten must not get the whole map."""
    from tests.plan_fixture import write_plan

    folder = write_plan(tmp_path / "uit").parent
    keys = tmp_path / "sleutels.toml"
    gm = {"X-API-Key": create_key(keys, rol="gemeente", gemeenten=[OWN])}
    ncg = {"X-API-Key": create_key(keys, rol="ncg")}
    client = serve(folder, keys)
    for code in (OWN, "WK990101", "BU99010101"):
        assert client.get(f"/kaart/{code}?variant=gemeente", headers=gm).status_code == 404
    assert "gemeentekaart" in client.get(f"/kaart/{OWN}?variant=gemeente", headers=ncg).text
    both = {"X-API-Key": create_key(keys, rol="gemeente", gemeenten=[OWN, OTHER])}
    client = serve(folder, keys)
    assert "gemeentekaart" in client.get(f"/kaart/{OWN}?variant=gemeente", headers=both).text
    # the public map of another gemeente's area, with or without a key
    for headers in ({}, gm):
        assert "publieke kaart" in client.get(f"/kaart/{OTHER}", headers=headers).text


def test_old_versions_never_push_out_the_current_gemeente_views(tmp_path, monkeypatch):
    """One key reading many old versions (``?versie=``) must not evict the other keys' views of
    the newest version (behaviour of the server's cache, the same for both stores)."""
    import gebied.api.live as live_module
    from gebied.api.auth import Principal
    from gebied.api.live import Live
    from gebied.api.store import open_store, read_plan_file
    from tests.plan_fixture import write_plan

    plan = write_plan(tmp_path / "uit")
    layers = read_plan_file(plan)
    store = open_store(plan)
    backend = store.inputs.backend
    for _ in range(3):
        backend.add_version(layers, settings={}, input_hash="", output=None)
    live = Live(store)
    monkeypatch.setattr(live_module, "KEEP_GEMEENTE", 2)
    live.poll()
    for _ in range(300):
        if live.current.versie == 4:
            break
        time.sleep(0.05)
        live.poll()
    assert live.current.versie == 4
    oost, west = Principal("gemeente", "oost", frozenset({OWN})), Principal("gemeente", "west", frozenset({OTHER}))
    live.gemeente_view(live.current, oost)
    for versie in (1, 2, 3):
        old = live.gemeente_view(live.view(versie), west)
        assert old.versie == versie and set(old.address_gemeente.values()) == {OTHER}
    assert live.cached_gemeente_view(live.current, oost) is not None
    live.close()
