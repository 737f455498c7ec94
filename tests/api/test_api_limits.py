"""Request limits of the API: bodies (also chunked), headers, and paging links that never
echo the client's Host header."""

from __future__ import annotations

import pytest

from gebied.api.app import MAX_BODY, MAX_HEADERS
from gebied.api.auth import create_key
from tests.plan_fixture import plan_layers, write_plan


@pytest.fixture()
def setup(tmp_path, serve):
    """A plan of its own per test on either store (the tests write priorities)."""
    plan = write_plan(tmp_path / "plan")
    keys = tmp_path / "sleutels.toml"
    key = create_key(keys, rol="ncg")
    return serve(plan.parent, keys), {"X-API-Key": key}, plan_layers()


def _cluster(client, headers, frames):
    cid = str(frames["clusters"]["cluster_id"].iloc[0])
    etag = client.get(f"/clusters/{cid}", headers=headers).headers["etag"]
    return cid, headers | {"If-Match": etag}


def test_body_over_the_limit_with_content_length(setup):
    client, headers, frames = setup
    cid, write = _cluster(client, headers, frames)
    big = b'{"prioriteit": 1, "x": "' + b"a" * MAX_BODY + b'"}'
    r = client.put(f"/clusters/{cid}/prioriteit", content=big, headers=write | {"Content-Type": "application/json"})
    assert r.status_code == 413 and "te groot" in r.json()["detail"]


def test_chunked_body_over_the_limit(setup):
    client, headers, frames = setup
    cid, write = _cluster(client, headers, frames)

    def chunks():
        yield b'{"prioriteit": 1, "x": "'
        for _ in range(MAX_BODY // 1024 + 2):
            yield b"a" * 1024
        yield b'"}'

    r = client.put(f"/clusters/{cid}/prioriteit", content=chunks(), headers=write | {"Content-Type": "application/json"})
    assert r.status_code == 413


def test_chunked_body_under_the_limit_still_works(setup):
    client, headers, frames = setup
    cid, write = _cluster(client, headers, frames)

    def chunks():
        yield b'{"prioriteit"'
        yield b": 3}"

    r = client.put(f"/clusters/{cid}/prioriteit", content=chunks(), headers=write | {"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    assert r.json()["prioriteit"] == 3


def test_headers_over_the_limit(setup):
    client, _, _ = setup
    r = client.get("/gebieden", headers={"X-Opvulling": "a" * MAX_HEADERS})
    assert r.status_code == 431 and r.json()["detail"].startswith("headers te groot")
    assert client.get("/gebieden", headers={"X-Opvulling": "a" * 100}).status_code == 200


def test_paging_link_does_not_echo_the_host(setup):
    client, headers, frames = setup
    body = client.get("/vlaggen?limit=1", headers=headers | {"Host": "aanvaller.example"}).json()
    assert body["volgende"].startswith("/vlaggen?")
    assert "aanvaller" not in body["volgende"]
    assert "offset=1" in body["volgende"] and "limit=1" in body["volgende"]
