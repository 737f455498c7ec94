"""Benchmark: the ``plan`` schedule against the ``risico`` baseline (same input, capacity).

Baseline ("risico"): address by address by risicoprofiel, then batch, each stage as soon
as capacity allows — today's order. Measured in the same run on the shared programme file
(25,000 addresses, treintjes per PC4) and on the demo region (treintjes per buurt).
Prints the ratios plan/risico with the targets of issue 5, the run times, and the
trade-off curve of the ``plan`` weight (safety against neighbour equality).

Also on the city file tiled 12 times (a province-sized file); timings are of ``compare``
(all strategies).

Where ``plan`` misses the equality target, the certified lower bound
(:mod:`gebied.schedule.bound`) is printed; ``--ondergrens`` computes it always.

Run: ``python bench/bench_schedule.py [--zonder-curve] [--ondergrens]``.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

from gebied import join_areas, read_addresses, read_areas
from gebied.clusters.make import make_clusters
from gebied.schedule.run import compare

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
CAPACITY = {"opname": 400, "beoordeling": 400, "uitvoering": 150}
TARGETS = {  # metric: (largest allowed ratio plan/risico, label)
    "buur_ongelijkheid_incl_gereed": (0.5, "buur-ongelijkheid"),
    "gereed_gemiddeld_P50": (1.5, "gereed gem. P50"),
    "gereed_gemiddeld": (1.1, "gereed gem. alle"),
    "grootste_stuwmeer": (1.0, "grootste stuwmeer"),
}


def programme():
    addresses = read_addresses(SHARED / "programma_stad_groningen.csv")
    pc4 = read_areas(SHARED / "real" / "pc4_polygons_groningen_cbs2020.gpkg", code_column="postcode")
    return make_clusters(join_areas(addresses, {"pc4": pc4}), area_column="pc4_code")


def demo():
    from gebied.demo.region import make_demo_region

    layers, addresses = make_demo_region()
    joined = join_areas(addresses, layers)
    return make_clusters(joined, area_column="buurt_code")


def tiled(clustered, copies: int = 12):
    """The city file tiled ``copies`` times side by side (a province-sized file)."""
    import geopandas as gpd
    import pandas as pd

    parts = []
    for k in range(copies):
        part = clustered.copy()
        part["geometry"] = part.geometry.translate(xoff=20_000 * (k % 4), yoff=15_000 * (k // 4))
        for col in ("adres_id", "pand_id", "cluster_id", "pc4_code"):
            if col in part:
                part[col] = part[col].astype("string") + f"-T{k}"
        parts.append(part)
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=clustered.crs)


def run(name: str, clustered, curve: bool, bound: bool | None = None) -> bool:
    print(f"\n== {name}: {len(clustered)} adressen, {int(clustered['cluster_id'].notna().sum())} in de populatie, "
          f"{clustered['cluster_id'].nunique()} treintjes, capaciteit {CAPACITY}")
    t0, c0 = time.perf_counter(), time.process_time()
    results = compare(clustered, None, CAPACITY, bound=bound)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    keys = ["gereed_gemiddeld_P50", "gereed_gemiddeld", "buur_ongelijkheid_incl_gereed", "buur_ongelijkheid",
            "grootste_stuwmeer", "duidelijkheid_gemiddeld", "doorlooptijd_gemiddeld", "wachttijd_gemiddeld"]
    print(f"{'maatstaf':32s}" + "".join(f"{s:>10s}" for s in results))
    for k in keys:
        print(f"{k:32s}" + "".join(f"{r.metrics[k]:10.2f}" for r in results.values()))
    busy = "; de machine is bezet" if seconds > 1.2 * cpu else ""
    print(f"planning, alle strategieën: {seconds:.2f} s (processortijd {cpu:.2f} s{busy}); "
          f"plan-keuze: {results['plan'].info.get('keuze')}")
    ok = True
    base, plan = results["risico"].metrics, results["plan"].metrics
    for k, (limit, label) in TARGETS.items():
        ratio = plan[k] / base[k] if base[k] else float("inf")
        good = ratio <= limit + 1e-9
        ok &= good
        print(f"  plan/risico {label:22s} {ratio:5.2f}x  (doel <= {limit}x)  {'OK' if good else 'NIET GEHAALD'}")
    bound = results["plan"].info.get("ondergrens")
    if bound:
        print(f"  ondergrens buur-ongelijkheid (LP, zeker): {bound['ondergrens']:.3f}x risico "
              f"({bound['adressen']} losse adressen, horizon {bound['horizon']} perioden)"
              + ("  -> doel aantoonbaar onhaalbaar" if bound["ondergrens"] > TARGETS["buur_ongelijkheid_incl_gereed"][0] else ""))
    if curve:
        print("  afwegingscurve (kandidaten, ×risico):  P50   alle  buren  stuwmeer")
        for cand, q in results["plan"].info.get("kandidaten", {}).items():
            mark = " <= gekozen" if cand == results["plan"].info.get("keuze") else ""
            print(f"  {cand:36s} {q['p50']:5.2f} {q['alle']:5.2f} {q['ongelijkheid']:6.2f} {q['stuwmeer']:6.2f}{mark}")
        print("  doorstroom (gekozen volgorde): max_wachttijd, duidelijkheid, wachttijd, doorlooptijd")
        for row in results["plan"].info.get("doorstroom_curve", []):
            print(f"  {row['max_wachttijd']:>10s} {row['duidelijkheid_gemiddeld']:8.2f} {row['wachttijd_gemiddeld']:8.2f} {row['doorlooptijd_gemiddeld']:8.2f}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zonder-curve", action="store_true")
    parser.add_argument("--ondergrens", action="store_true",
                        help="bereken de ondergrens ook als het doel gehaald wordt (telt mee in de tijd)")
    args = parser.parse_args()
    bound = True if args.ondergrens else None
    warnings.simplefilter("ignore")
    ok = True
    if (SHARED / "programma_stad_groningen.csv").exists():
        city = programme()
        ok &= run("programma stad Groningen", city, not args.zonder_curve, bound)
        ok &= run("stad Groningen 12 keer naast elkaar (provinciegrootte)", tiled(city), not args.zonder_curve, bound)
    else:
        print(f"gedeelde data ontbreekt ({SHARED}); alleen de demo")
    ok &= run("demo Maarhorn", demo(), not args.zonder_curve, bound)
    print("\nalle doelen gehaald" if ok else "\nNIET alle doelen gehaald")


if __name__ == "__main__":
    main()
