"""Benchmark of the HTTP API: real uvicorn servers on loopback, load from a separate process.

Load: ``wrk`` (Debian package ``wrk``) with 50 concurrent connections for ``--duur``
seconds (default 30) per route; without wrk, an asyncio + httpx load generator in a
separate process is used. Routes without a key (``/gebieden``, ``/gebieden?formaat=geojson``,
``/gebieden/{code}``: bytes prepared once per plan version) and with an ncg key
(``/adressen/{id}`` with random ids, ``/clusters?bbox=`` with random 1 km windows), and with a
gemeente key (``/adressen/{id}`` in the largest gemeente: served from that gemeente's own rows).

Both stores side by side: the embedded store (``--plan``) and, with ``--database URL`` (or
``GEBIED_TEST_DATABASE``), PostGIS with the same plan loaded as a version (in its own schema
``bench_api``). Baseline (same run, same server): ``GET /gezondheid``, the cheapest route.
Targets (issue 16): ``GET /gebieden`` ≥ 3,000 requests/s with p99 < 50 ms, no route p99 > 100 ms.

Plan: ``--plan PLAN.gpkg``, e.g. the city file's plan::

    gebied plan ../shared/data/programma_stad_groningen.csv \
        --gebieden pc4=../shared/data/real/pc4_polygons_groningen_cbs2020.gpkg:postcode --uit /tmp/stadplan --geen-pdf
    python bench/bench_api.py --plan /tmp/stadplan/plan.gpkg [--duur 30] [--database postgresql://…]

Without ``--plan`` the plan is built from the shared 25,000 real address points
(../shared/data) grouped per PC4 into clusters of at most 100; without shared data, from
the hand-built test plan.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "bench" / "uitvoer" / "api"
CONNECTIONS = 50
#: The schema of the PostGIS store in the benchmark database.
SCHEMA = "bench_api"


def build_plan_from_shared(target: Path) -> Path:
    """A plan.gpkg from the shared real addresses: areas = PC4, clusters of ≤ 100 per PC4."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    from gebied import join_areas, read_addresses, read_areas, write_layers

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        adr = read_addresses(SHARED / "programma_stad_groningen.csv")
        pc4 = read_areas(SHARED / "real" / "pc4_polygons_groningen_cbs2020.gpkg", code_column="postcode")
        adr = join_areas(adr, {"pc4": pc4})
    adr["gemeente_code"], adr["gemeente_naam"], adr["gemeente_afstand_m"] = "GM0014", "Groningen", 0.0
    adr = adr[adr["pc4_code"].notna()].copy()
    adr = adr.sort_values(["pc4_code", "adres_id"]).reset_index(drop=True)
    rank = adr.groupby("pc4_code").cumcount()
    adr["cluster_id"] = adr["pc4_code"].astype(str) + "-" + (rank // 100 + 1).astype(str)
    adr["cluster_status"] = "normaal"
    hulls = adr.dissolve("cluster_id").geometry.convex_hull.buffer(15)
    cl = gpd.GeoDataFrame(
        {
            "cluster_id": hulls.index,
            "gebied_code": [c.split("-")[0] for c in hulls.index],
            "gemeente_code": "GM0014",
            "aantal": adr.groupby("cluster_id").size().reindex(hulls.index).to_numpy(),
            "prioriteit": pd.array([pd.NA] * len(hulls), dtype="Int64"),
        },
        geometry=hulls.values,
        crs=28992,
    )
    counts = adr.groupby("pc4_code").agg(aantal_adressen=("adres_id", "size"), in_programma=("ncg_fase", "count"))
    areas = pc4.merge(counts, left_on="code", right_index=True, how="inner")
    ge = gpd.GeoDataFrame(
        {
            "niveau": "pc4", "code": areas["code"], "naam": areas["code"], "gemeente_code": "GM0014",
            "aantal_adressen": areas["aantal_adressen"], "in_programma": areas["in_programma"],
        },
        geometry=areas.geometry.values,
        crs=pc4.crs,
    ).to_crs(28992)
    info = pd.DataFrame({"sleutel": ["titel", "drempel"], "waarde": ["bench", "10"]})
    adr["aantal_vlaggen"] = np.zeros(len(adr), dtype=int)
    return write_layers({"adressen": adr, "clusters": cl, "gebieden": ge, "plan_info": info}, target)


def build_plan(args) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / "plan.gpkg"
    if args.plan:
        if args.plan.resolve() != target.resolve():
            shutil.copy(args.plan, target)
        return target
    if (SHARED / "programma_stad_groningen.csv").exists():
        return build_plan_from_shared(target)
    from tests.plan_fixture import write_plan

    return write_plan(OUT, maps=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_into_database(plan: Path, url: str) -> str:
    """Load the plan as a version into a fresh schema of ``url``; the URL with that search path."""
    from urllib.parse import quote

    import psycopg

    from gebied.api.store import read_plan_file
    from gebied.store import open_plan_store

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        conn.execute(f"CREATE SCHEMA {SCHEMA}")
    scoped = f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={SCHEMA},public')}"
    store = open_plan_store(database=scoped)
    store.add_version(read_plan_file(plan), settings={}, input_hash="bench", output=str(plan.parent))
    store.close()
    return scoped


def start_server(source: list[str], keys: Path, port: int, werkers: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "gebied", "server", *source, "--poort", str(port), "--sleutels", str(keys),
         "--werkers", str(werkers)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    import httpx

    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server stopte: " + proc.stderr.read().decode())
        try:
            if httpx.get(f"http://127.0.0.1:{port}/gezondheid", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("server startte niet binnen 120 s")


LUA = """
local paths = {%s}
local key = "%s"
if key ~= "" then wrk.headers["X-API-Key"] = key end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(base: str, paths: list[str], key: str, duur: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA % (",".join(json.dumps(p) for p in paths), key))
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{duur}s", "--latency", "-s", f.name, base],
        capture_output=True, text=True, check=True,
    ).stdout
    os.unlink(f.name)
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(lat["50"]),
        "p99": _ms(lat["99"]),
        "fouten": (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0),
        "detail": f"niet-2xx {non2xx.group(1) if non2xx else 0}, socket {sock.groups() if sock else 0} (connect, read, write, timeout)",
    }


async def _httpx_load(base: str, paths: list[str], key: str, duur: int) -> dict:
    import httpx

    lat, errors, stop = [], 0, time.perf_counter() + duur
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": key} if key else {}, limits=limits, timeout=30) as client:

        async def worker():
            nonlocal errors
            while time.perf_counter() < stop:
                t = time.perf_counter()
                try:
                    r = await client.get(random.choice(paths))
                    errors += r.status_code >= 400
                except httpx.HTTPError:
                    errors += 1
                lat.append((time.perf_counter() - t) * 1000)

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
        elapsed = time.perf_counter() - t0
    lat.sort()
    return {"rps": len(lat) / elapsed, "p50": lat[len(lat) // 2], "p99": lat[int(len(lat) * 0.99)], "fouten": errors}


def run_load(base: str, paths: list[str], key: str, duur: int) -> dict:
    """Load from a separate process: wrk if installed, else this script in --lastgever mode."""
    if shutil.which("wrk"):
        return run_wrk(base, paths, key, duur)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(paths, f)
    out = subprocess.run(
        [sys.executable, __file__, "--lastgever", base, f.name, key, str(duur)], capture_output=True, text=True, check=True
    ).stdout
    os.unlink(f.name)
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duur", type=int, default=30, help="seconden per route (standaard 30)")
    parser.add_argument("--plan", type=Path, help="bestaand plan.gpkg")
    parser.add_argument("--rondes", type=int, default=3, help="afwisselende rondes per route (mediaan; standaard 3)")
    parser.add_argument("--werkers", type=int, default=1, help="werkprocessen van de server (standaard 1)")
    parser.add_argument("--database", default=os.environ.get("GEBIED_TEST_DATABASE") or None,
                        help="postgresql://… voor de PostGIS-opslag naast de ingebedde (standaard GEBIED_TEST_DATABASE)")
    parser.add_argument("--lastgever", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.lastgever:
        base, path_file, key, duur = args.lastgever
        print(json.dumps(asyncio.run(_httpx_load(base, json.loads(Path(path_file).read_text()), key, int(duur)))))
        return

    import geopandas as gpd

    from gebied.api.auth import create_key

    t = time.perf_counter()
    plan = build_plan(args)
    print(f"plan: {plan} ({time.perf_counter() - t:.1f} s om te bouwen)")
    keys = OUT / "sleutels.toml"
    keys.unlink(missing_ok=True)
    key = create_key(keys, rol="ncg")
    adr = gpd.read_file(plan, layer="adressen", columns=["adres_id", "gemeente_code"], engine="pyogrio")
    largest = str(adr["gemeente_code"].mode().iloc[0])
    gm_key = create_key(keys, rol="gemeente", gemeenten=[largest])
    cl = gpd.read_file(plan, layer="clusters", engine="pyogrio").to_crs(4326)
    rng = random.Random(1)
    ids = rng.sample(list(adr["adres_id"].astype(str)), min(2000, len(adr)))
    own = adr.loc[adr["gemeente_code"] == largest, "adres_id"].astype(str).tolist()
    own_ids = rng.sample(own, min(2000, len(own)))
    minx, miny, maxx, maxy = cl.total_bounds
    windows = []
    for _ in range(500):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        windows.append(f"/clusters?bbox={x:.5f},{y:.5f},{x + 0.015:.5f},{y + 0.009:.5f}&limit=100")
    stores = {"ingebed": ["--plan", str(plan)]}
    if args.database:
        t = time.perf_counter()
        stores["postgis"] = ["--database", load_into_database(plan, args.database)]
        print(f"PostGIS: plan geladen als versie in schema {SCHEMA} ({time.perf_counter() - t:.1f} s)")
    codes = []
    runs = {"GET /gezondheid (basislijn)": (["/gezondheid"], "")}
    results: dict[str, dict[str, dict]] = {}
    for store, source in stores.items():
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_server(source, keys, port, args.werkers)
        try:
            if not codes:
                import httpx

                items = httpx.get(base + "/gebieden?limit=1000", timeout=60).json()["items"]
                codes = [str(i["code"]) for i in items if i.get("code") != "totaal"][:200] or ["totaal"]
                runs |= {
                    "GET /gebieden (publiek)": (["/gebieden"], ""),
                    "GET /gebieden?formaat=geojson (publiek)": (["/gebieden?formaat=geojson"], ""),
                    "GET /gebieden/{code} (publiek)": ([f"/gebieden/{c}" for c in codes], ""),
                    "GET /adressen/{id} (ncg)": ([f"/adressen/{i}" for i in ids], key),
                    "GET /adressen/{id} (gemeente)": ([f"/adressen/{i}" for i in own_ids], gm_key),
                    "GET /clusters?bbox= (ncg)": (windows, key),
                }
            # interleaved rounds, so that load from other processes on the machine hits all routes alike
            per_round = max(1, args.duur // args.rondes)
            rounds: dict[str, list[dict]] = {name: [] for name in runs}
            for _ in range(args.rondes):
                for name, (paths, k) in runs.items():
                    rounds[name].append(run_load(base, paths, k, per_round))
            results[store] = {}
            for name, rs in rounds.items():
                med = lambda k: statistics.median(r[k] for r in rs)  # noqa: E731
                results[store][name] = {"rps": med("rps"), "p50": med("p50"), "p99": med("p99"),
                                        "fouten": sum(x["fouten"] for x in rs), "p99_max": max(x["p99"] for x in rs)}
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    report(results, n_adr=len(adr), n_cl=len(cl), args=args)


def report(results: dict[str, dict[str, dict]], *, n_adr: int, n_cl: int, args) -> None:
    """Print both stores side by side, the ratios to the baseline and the targets."""
    stores = list(results)
    print(f"\n{'route':42s}" + "".join(f"{s:>40s}" for s in stores))
    for name in results[stores[0]]:
        cells = "".join(
            f"{r['rps']:9.0f}/s p50 {r['p50']:5.1f} p99 {r['p99']:6.1f} ms ({r['p99_max']:.0f}){'' if not r['fouten'] else ' F' + str(r['fouten'])}"
            if (r := results[s][name]) else ""
            for s in stores
        )
        print(f"{name:42s}{cells}")
    print(f"\n{n_adr} adressen, {n_cl} clusters; {CONNECTIONS} verbindingen, {args.duur} s per route in "
          f"{args.rondes} afwisselende rondes (mediaan; tussen haakjes de slechtste p99; F = fouten), "
          f"{args.werkers} werkproces(sen), lastgever: {'wrk' if shutil.which('wrk') else 'httpx (asyncio)'}, {os.cpu_count()} kernen")
    for store in stores:
        base_r = results[store]["GET /gezondheid (basislijn)"]
        for name, r in list(results[store].items())[1:]:
            print(f"[{store}] {name}: doorvoer {r['rps'] / base_r['rps']:.2f}x en p99 {r['p99'] / base_r['p99']:.2f}x de basislijn /gezondheid")
        g = results[store]["GET /gebieden (publiek)"]
        worst = max(r["p99"] for r in results[store].values())
        errors = sum(r["fouten"] for r in results[store].values())
        ok = g["rps"] >= 3000 and g["p99"] < 50 and worst <= 100 and errors == 0
        print(f"[{store}] doel GET /gebieden ≥ 3000/s en p99 < 50 ms, geen route p99 > 100 ms, geen fouten: "
              f"{'gehaald' if ok else 'NIET gehaald'} (gebieden {g['rps']:.0f}/s, p99 {g['p99']:.1f} ms; hoogste p99 {worst:.1f} ms; fouten {errors})")


if __name__ == "__main__":
    main()
