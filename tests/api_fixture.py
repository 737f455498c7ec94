"""A small hand-built plan.gpkg (docs/PLAN_SCHEMA.md) for the API tests.

Two fictitious gemeenten (GM9901, GM9902), two wijken each, two buurten per wijk,
about 300 addresses; one tiny buurt (BU99020202, 4 addresses) to exercise the
small-count suppression of public figures.
"""

from __future__ import annotations

import contextlib

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString, Point, box

from gebied.codes import NCG_FASEN
from gebied.cooperation import cooperation_groups
from gebied.io import write_layers

GEMEENTEN = {"GM9901": "Oostdorp", "GM9902": "Westerveen"}
X0, Y0 = 233000.0, 582000.0
TINY_BUURT = "BU99020202"


def _buurten() -> list[dict]:
    """Buurt squares of 500 m: gemeente i, wijk j, buurt k."""
    rows = []
    for gi, gm in enumerate(GEMEENTEN):
        for wj in range(2):
            for bk in range(2):
                x = X0 + gi * 2000 + wj * 1000 + bk * 500
                rows.append(
                    {
                        "gemeente_code": gm,
                        "wijk_code": f"WK{gm[2:]}0{wj + 1}",
                        "buurt_code": f"BU{gm[2:]}0{wj + 1}0{bk + 1}",
                        "geometry": box(x, Y0, x + 500, Y0 + 500),
                    }
                )
    return rows


def build_plan_frames(seed: int = 7) -> dict[str, pd.DataFrame]:
    """The plan layers as frames (EPSG:28992)."""
    rng = np.random.default_rng(seed)
    buurten = _buurten()
    rows = []
    n = 0
    for b in buurten:
        count = 4 if b["buurt_code"] == TINY_BUURT else 40
        minx, miny, _, _ = b["geometry"].bounds
        for i in range(count):
            n += 1
            fase = rng.choice(list(NCG_FASEN) + [None], p=[0.1] * 8 + [0.2])
            img = rng.choice(["geen_melding", "voorbereiding", "opname", "zienswijze", "afgehandeld"])
            rows.append(
                {
                    "adres_id": f"0{9990000000000000 + n}",
                    "pand_id": f"P{n // 2:05d}",
                    "straat": f"Straat {b['buurt_code'][-2:]}",
                    "huisnummer": i + 1,
                    "postcode": "9999AA",
                    "woonplaats": GEMEENTEN[b["gemeente_code"]],
                    "bouwjaar": int(rng.integers(1900, 2000)),
                    "typologie": rng.choice(["rijwoning", "vrijstaand", "URM3L"]),
                    "eigendom": rng.choice(["koop", "corporatie"]),
                    "risicoprofiel": rng.choice(["P50", "P90", "overig"]),
                    "ncg_fase": fase,
                    "uitkomst": "onbekend",
                    "img_status": img,
                    "gemeente_code": b["gemeente_code"],
                    "gemeente_naam": GEMEENTEN[b["gemeente_code"]],
                    "gemeente_afstand_m": 0.0,
                    "wijk_code": b["wijk_code"],
                    "wijk_naam": f"Wijk {b['wijk_code']}",
                    "wijk_afstand_m": 0.0,
                    "buurt_code": b["buurt_code"],
                    "buurt_naam": f"Buurt {b['buurt_code']}",
                    "buurt_afstand_m": 0.0,
                    "geometry": Point(minx + 20 + (i % 8) * 55, miny + 20 + (i // 8) * 55),
                }
            )
    adressen = gpd.GeoDataFrame(rows, crs=28992)
    adressen["huisnummer"] = adressen["huisnummer"].astype("Int64")
    # clusters: chunks of 20 per buurt (the tiny buurt is one te_klein cluster)
    adressen["cluster_id"] = [
        f"C-{b}-{k // 20 + 1}" for b, k in zip(adressen["buurt_code"], adressen.groupby("buurt_code").cumcount())
    ]
    sizes = adressen.groupby("cluster_id")["adres_id"].transform("size")
    adressen["cluster_status"] = np.where(sizes < 10, "te_klein", "normaal")
    groep = cooperation_groups(adressen)
    adressen["samenwerkingsgroep"] = groep
    for i, stage in enumerate(["opname", "beoordeling", "uitvoering", "gereed"]):
        adressen[f"{stage}_periode"] = pd.array(
            adressen.groupby("cluster_id").ngroup() % 5 + 1 + i, dtype="Int64"
        )

    # flags between consecutive neighbours within a buurt (every 7th address)
    vl = []
    for k in range(0, len(adressen) - 1, 7):
        a, b = adressen.iloc[k], adressen.iloc[k + 1]
        if a["buurt_code"] != b["buurt_code"]:
            continue
        vl.append(
            {
                "vlag": "tempo_verschil" if k % 2 else "uitkomst_verschil",
                "adres_id": a["adres_id"],
                "buur_adres_id": b["adres_id"],
                "afstand_m": float(a.geometry.distance(b.geometry)),
                "ernst": int(1 + k % 3),
                "toelichting": "Buren in een andere fase.",
                "geometry": LineString([a.geometry, b.geometry]),
            }
        )
    vlaggen = gpd.GeoDataFrame(vl, crs=28992)
    counts = pd.concat([vlaggen["adres_id"], vlaggen["buur_adres_id"]]).value_counts()
    adressen["aantal_vlaggen"] = adressen["adres_id"].map(counts).fillna(0).astype(int)

    cl = []
    for cid, g in adressen.groupby("cluster_id", sort=True):
        row = {
            "cluster_id": cid,
            "gebied_code": g["buurt_code"].iloc[0],
            "gemeente_code": g["gemeente_code"].iloc[0],
            "aantal": len(g),
        }
        for p in ["P50", "P90", "overig", "onbekend"]:
            row[f"aantal_{p}"] = int((g["risicoprofiel"] == p).sum())
        for f in NCG_FASEN[:-1]:
            row[f"fase_{f}"] = int((g["ncg_fase"] == f).sum())
        row["uitkomst_onbekend"] = len(g)
        row["typologie_dominant"] = g["typologie"].mode().iloc[0]
        row["cluster_status"] = g["cluster_status"].iloc[0]
        row["toelichting"] = "Treintje in één buurt."
        row["prioriteit"] = pd.NA
        row["start_periode"] = int(g["opname_periode"].min())
        row["gereed_periode"] = int(g["gereed_periode"].max())
        row["geometry"] = g.geometry.union_all().convex_hull.buffer(10)
        cl.append(row)
    clusters = gpd.GeoDataFrame(cl, crs=28992)
    clusters["prioriteit"] = clusters["prioriteit"].astype("Int64")

    ge = []
    flagged = set(vlaggen["adres_id"]) | set(vlaggen["buur_adres_id"])
    for niveau in ["gemeente", "wijk", "buurt"]:
        for code, g in adressen.groupby(f"{niveau}_code", sort=True):
            inp = g["ncg_fase"].notna()
            row = {
                "niveau": niveau,
                "code": code,
                "naam": g[f"{niveau}_naam"].iloc[0],
                "gemeente_code": g["gemeente_code"].iloc[0],
                "aantal_adressen": len(g),
                "in_programma": int(inp.sum()),
                "gereed": int((g["ncg_fase"] == "gereed").sum()),
            }
            row["aandeel_gereed"] = row["gereed"] / row["in_programma"] if row["in_programma"] else None
            for f in NCG_FASEN[:-1]:
                row[f"fase_{f}"] = int((g["ncg_fase"] == f).sum())
            row["aantal_vlaggen"] = int(g["aantal_vlaggen"].sum())
            row["aandeel_met_vlag"] = float(g["adres_id"].isin(flagged).mean())
            row["start_periode"] = int(g["opname_periode"].min())
            row["gereed_periode"] = int(g["gereed_periode"].max())
            row["planningsniveau"] = "buurt"
            row["toelichting"] = f"{niveau} {code}"
            row["geometry"] = g.geometry.union_all().convex_hull.buffer(30)
            ge.append(row)
    gebieden = gpd.GeoDataFrame(ge, crs=28992)

    planning = pd.DataFrame(
        {
            "periode": range(1, 9),
            "periode_label": [f"2027-K{i % 4 + 1}" for i in range(8)],
            "opname_capaciteit": 60,
            "opname_werk": 50,
            "opname_voorraad": 10,
            "beoordeling_capaciteit": 60,
            "beoordeling_werk": 50,
            "beoordeling_voorraad": 10,
            "uitvoering_capaciteit": 40,
            "uitvoering_werk": 30,
            "uitvoering_voorraad": 5,
            "gereed_cumulatief": np.arange(1, 9) * 30,
        }
    )
    plan_info = pd.DataFrame(
        {"sleutel": ["titel", "drempel", "fictief"], "waarde": ["Testplan", "10", "ja"]}
    )
    return {
        "adressen": adressen,
        "clusters": clusters,
        "gebieden": gebieden,
        "vlaggen": vlaggen,
        "planning": planning,
        "plan_info": plan_info,
    }


def write_plan(folder: str | Path, *, maps: bool = True) -> Path:
    """Write plan.gpkg (and two map pages) into ``folder``; return the plan path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = write_layers(build_plan_frames(), folder / "plan.gpkg")
    if maps:
        (folder / "kaart_publiek.html").write_text("<html><body>publieke kaart</body></html>", "utf-8")
        (folder / "kaart.html").write_text("<html><body>gemeentekaart</body></html>", "utf-8")
    return path


@contextlib.contextmanager
def running_server(plan: Path, keys: Path, *, timeout: float = 120.0):
    """`python -m gebied server` on a free loopback port; yields its base URL, stops it after."""
    import os
    import socket
    import subprocess
    import sys
    import time

    import httpx

    root = Path(__file__).resolve().parents[1]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "gebied", "server", "--plan", str(plan), "--poort", str(port), "--sleutels", str(keys)],
        cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                if httpx.get(base + "/gezondheid", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError("server startte niet: " + (proc.stdout.read() if proc.stdout else ""))
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
