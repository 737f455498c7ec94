"""Benchmark: the ``plan`` schedule against the ``risico`` baseline (same input, capacity).

Baseline ("risico"): address by address by risicoprofiel, then batch, each stage as soon
as capacity allows — today's order. Measured in the same run on the shared programme file
(25,000 addresses, treintjes per PC4) and on the demo region (treintjes per buurt).
Prints the ratios plan/risico with the targets of issue 5, the run times, and the
trade-off curve of the ``plan`` weight (safety against neighbour equality).

Run: ``python bench/bench_schedule.py [--tijdslimiet 5] [--zonder-curve]``.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

from gebied import join_areas, read_addresses, read_areas
from gebied.clusters.make import make_clusters
from gebied.schedule.run import schedule

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
CAPACITY = {"opname": 400, "beoordeling": 400, "uitvoering": 150}
TARGETS = {  # metric: (largest allowed ratio plan/risico, label)
    "buur_ongelijkheid": (0.5, "buur-ongelijkheid"),
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


def run(name: str, clustered, time_limit: float, curve: bool) -> bool:
    print(f"\n== {name}: {int(clustered['cluster_id'].notna().sum())} adressen in de populatie, "
          f"{clustered['cluster_id'].nunique()} treintjes, capaciteit {CAPACITY}")
    results, times = {}, {}
    for strategy in ("risico", "gebied", "plan"):
        t0 = time.perf_counter()
        results[strategy] = schedule(clustered, None, CAPACITY, strategy=strategy, time_limit=time_limit)
        times[strategy] = time.perf_counter() - t0
    keys = ["gereed_gemiddeld_P50", "gereed_p90_P50", "gereed_gemiddeld", "gereed_p90", "buur_ongelijkheid",
            "buur_ongelijkheid_incl_gereed", "grootste_stuwmeer", "aandeel_vol_uitvoering"]
    print(f"{'maatstaf':32s}" + "".join(f"{s:>10s}" for s in results))
    for k in keys:
        print(f"{k:32s}" + "".join(f"{r.metrics[k]:10.2f}" for r in results.values()))
    print(f"{'rekentijd (s)':32s}" + "".join(f"{times[s]:10.2f}" for s in results))
    print(f"plan-solver: {results['plan'].info}")
    ok = True
    base, plan = results["risico"].metrics, results["plan"].metrics
    for k, (limit, label) in TARGETS.items():
        ratio = plan[k] / base[k] if base[k] else float("inf")
        good = ratio <= limit + 1e-9
        ok &= good
        print(f"  plan/risico {label:22s} {ratio:5.2f}x  (doel <= {limit}x)  {'OK' if good else 'NIET GEHAALD'}")
    incl = plan["buur_ongelijkheid_incl_gereed"] / base["buur_ongelijkheid_incl_gereed"]
    print(f"  plan/risico {'buur-ongelijkheid incl. gereed':22s} {incl:5.2f}x  (ter informatie)")
    fast = times["plan"] < 30
    ok &= fast
    print(f"  plan rekentijd {times['plan']:.1f} s (doel < 30 s)  {'OK' if fast else 'NIET GEHAALD'}; "
          f"risico {times['risico']:.1f} s -> {times['plan'] / times['risico']:.1f}x")
    if curve:
        print("  afwegingscurve (gewicht veiligheid; 0 = gelijkheid voorop), plan/risico:")
        print(f"  {'gewicht':>8s} {'P50':>6s} {'alle':>6s} {'buren':>6s} {'stuwmeer':>8s}")
        for w in (0.0, 0.3, 0.4, 0.42, 0.45, 0.47, 0.5, 0.7, 1.0):
            m = schedule(clustered, None, CAPACITY, strategy="plan", weight=w, time_limit=0).metrics
            print(f"  {w:8.2f} {m['gereed_gemiddeld_P50'] / base['gereed_gemiddeld_P50']:6.2f} "
                  f"{m['gereed_gemiddeld'] / base['gereed_gemiddeld']:6.2f} "
                  f"{m['buur_ongelijkheid'] / base['buur_ongelijkheid']:6.2f} "
                  f"{m['grootste_stuwmeer'] / base['grootste_stuwmeer']:8.2f}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tijdslimiet", type=float, default=5.0)
    parser.add_argument("--zonder-curve", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    ok = True
    if (SHARED / "programma_stad_groningen.csv").exists():
        ok &= run("programma stad Groningen", programme(), args.tijdslimiet, not args.zonder_curve)
    else:
        print(f"gedeelde data ontbreekt ({SHARED}); alleen de demo")
    ok &= run("demo Maarhorn", demo(), args.tijdslimiet, not args.zonder_curve)
    print("\nalle doelen gehaald" if ok else "\nNIET alle doelen gehaald")


if __name__ == "__main__":
    main()
