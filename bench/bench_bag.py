"""Benchmark of reading one municipality from a national BAG-style GeoPackage.

``gebied.bag.read_bag`` (only the data-contract columns, only the features in the bounding box
of the requested areas through the GeoPackage's spatial index, then an exact filter) against
reading the whole layer with ``geopandas.read_file`` (the baseline a user would write).

The GeoPackage is generated: layer ``verblijfsobject`` in EPSG:28992 with the columns of PDOK's
``bag-light.gpkg`` (``identificatie``, ``pand_identificatie``, ``openbare_ruimte_naam``,
``huisnummer``, ``huisletter``, ``toevoeging``, ``postcode``, ``woonplaats_naam``, ``bouwjaar``,
``gebruiksdoel``, ``status``, plus ``oppervlakte``), ``--punten`` random points over the
Netherlands' RD extent plus the 25,000 real city addresses of the shared programme file. It is
written in chunks (never the whole table in memory) to ``bench/uitvoer/`` (not committed) and
kept for the next run. The requested area is the real gemeente Groningen polygon
(``../shared/data/real/gemeenten_provincie_groningen_cbs2022.gpkg``).

Each reading runs in its own process; its peak memory (``VmHWM``, reset after the imports) is
reported in full and as the part above the memory resident before the reading.

Usage::

    python bench/bench_bag.py                    # 3,000,000 points (generating takes a few minutes once)
    python bench/bench_bag.py --punten 200000    # quick
    python bench/bench_bag.py --map /tmp/bag     # keep the generated file elsewhere
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from gebied.bag import read_bag

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
GEMEENTEN = SHARED / "real" / "gemeenten_provincie_groningen_cbs2022.gpkg"
PROGRAMMA = SHARED / "programma_stad_groningen.csv"
OUT = ROOT / "bench" / "uitvoer"
#: RD extent of the Netherlands (m).
RD_BOX = (13_000.0, 306_000.0, 278_000.0, 620_000.0)
CHUNK = 500_000


def _chunk(rng: np.random.Generator, start: int, n: int) -> gpd.GeoDataFrame:
    ids = np.arange(start, start + n)
    x = rng.uniform(RD_BOX[0], RD_BOX[2], n)
    y = rng.uniform(RD_BOX[1], RD_BOX[3], n)
    return gpd.GeoDataFrame(
        {
            "identificatie": pd.Series(ids).map("{:016d}".format),
            "pand_identificatie": pd.Series(ids // 3).map("1{:015d}".format),
            "openbare_ruimte_naam": pd.Series(ids % 5000).map("Straat {}".format),
            "huisnummer": (ids % 300 + 1).astype("int32"),
            "huisletter": np.where(ids % 7 == 0, "A", None),
            "toevoeging": np.where(ids % 11 == 0, "1", None),
            "postcode": pd.Series(ids % 9000 + 1000).map("{}AB".format),
            "woonplaats_naam": pd.Series(ids % 2500).map("Plaats {}".format),
            "bouwjaar": (1850 + ids % 175).astype("int32"),
            "gebruiksdoel": "woonfunctie",
            "status": "Verblijfsobject in gebruik",
            "oppervlakte": (40 + ids % 200).astype("int32"),
        },
        geometry=gpd.points_from_xy(x, y),
        crs=28992,
    )


def generate(path: Path, n: int) -> Path:
    """Write the BAG-style GeoPackage in chunks (appending), with the real city at the end."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    rng = np.random.default_rng(13)
    for start in range(0, n, CHUNK):
        frame = _chunk(rng, start, min(CHUNK, n - start))
        pyogrio.write_dataframe(frame, tmp, layer="verblijfsobject", append=start > 0)
    city = pd.read_csv(PROGRAMMA, dtype=str, keep_default_na=False)
    frame = _chunk(rng, n, len(city))
    frame["identificatie"] = city["adres_id"].to_numpy()
    frame["openbare_ruimte_naam"] = city["straat"].to_numpy()
    frame["woonplaats_naam"] = "Groningen"
    frame["geometry"] = gpd.points_from_xy(city["x"].astype(float), city["y"].astype(float))
    pyogrio.write_dataframe(frame, tmp, layer="verblijfsobject", append=True)
    tmp.rename(path)
    return path


def _memory_mb(key: str) -> float:
    """``VmRSS`` or ``VmHWM`` (peak since the last reset) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(kind: str, path: Path) -> dict:
    """Run one reading in this process; print time, rows and peak memory as JSON.

    The peak is reset after the imports (``/proc/self/clear_refs``), so it is the reading's own
    peak plus what the imports keep resident, not the parent's size inherited at ``fork``.
    """
    warnings.simplefilter("ignore")
    Path("/proc/self/clear_refs").write_text("5")
    base_mb = _memory_mb("VmRSS")
    start = time.perf_counter()
    if kind == "gebied":
        gemeente = gpd.read_file(GEMEENTEN, layer="gemeenten")
        areas = {"gemeente": gemeente[gemeente["gemeente"] == "Groningen"].to_crs(28992)}
        rows = len(read_bag(path, areas=areas, max_distance=50.0))
    else:
        whole = gpd.read_file(path, layer="verblijfsobject")
        rows = len(whole)
    seconds = time.perf_counter() - start
    peak_mb = _memory_mb("VmHWM")
    return {"soort": kind, "seconden": round(seconds, 2), "rijen": rows, "piekgeheugen_mb": round(peak_mb),
            "extra_mb": round(peak_mb - base_mb)}


def run(kind: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--meet", kind, "--bestand", str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--punten", type=int, default=3_000_000)
    parser.add_argument("--meet", choices=["gebied", "geheel"])
    parser.add_argument("--bestand", type=Path)
    parser.add_argument("--map", type=Path, default=OUT, help="map voor het gegenereerde bestand (bench/uitvoer)")
    args = parser.parse_args()
    if args.meet:
        print(json.dumps(_measure(args.meet, args.bestand)))
        return
    if not GEMEENTEN.exists():
        sys.exit(f"gedeelde data ontbreekt: {SHARED}")
    path = args.map / f"bag_{args.punten}.gpkg"
    start = time.perf_counter()
    generate(path, args.punten)
    print(f"bestand: {path} ({path.stat().st_size / 1e9:.2f} GB, {args.punten + 25_000:,} punten; "
          f"klaar in {time.perf_counter() - start:.0f} s)")
    ours, whole = run("gebied", path), run("geheel", path)
    for r in (ours, whole):
        print(f"{r['soort']:7s} {r['seconden']:8.2f} s  piek {r['piekgeheugen_mb']:6d} MB "
              f"(+{r['extra_mb']} MB door het lezen)  {r['rijen']:>10,} rijen")
    print(f"verhouding geheel/gebied: tijd {whole['seconden'] / ours['seconden']:.1f}x, "
          f"piekgeheugen {whole['piekgeheugen_mb'] / ours['piekgeheugen_mb']:.1f}x, "
          f"geheugen door het lezen {whole['extra_mb'] / max(ours['extra_mb'], 1):.1f}x")


if __name__ == "__main__":
    main()
