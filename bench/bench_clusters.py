"""Benchmark: gebied treintjes vs PySAL spopt max-p (baseline) on the same instance.

Instance: the N addresses (default 2,000) of ../shared/data/programma_stad_groningen.csv
nearest to the centre of the file, with distinct locations, as one area. Both methods get
the same Delaunay neighbour graph; max-p gets the floor = --min and the coordinates as
attributes (so it, too, aims at compact regions). Reported for both: time, number of
clusters, share within [min, max], share contiguous (Delaunay), spread (RMS distance of
the homes to their cluster centre). Then our time on the full 25,000-address file
(programme only and all addresses, per PC4) and on the demo region (per buurt).

Usage: python bench/bench_clusters.py [--n 2000] [--min 10] [--max 150] [--zonder-maxp]
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
PROGRAMMA = SHARED / "programma_stad_groningen.csv"
PC4 = SHARED / "real" / "pc4_polygons_groningen_cbs2020.gpkg"


def quality(frame, labels: np.ndarray, lo: int, hi: int) -> dict:
    """Size, contiguity and spread of a labelling of ``frame`` (one area 'bench')."""
    from gebied.clusters.make import check_clusters

    f = frame.copy()
    f["cluster_id"] = pd.array([f"bench-C{int(v):04d}" for v in labels], dtype="string")
    sizes = f.groupby("cluster_id").size()
    v = check_clusters(f, area_column="bench", min_size=1, max_size=len(f), include_all=True)
    broken = v.loc[v["regel"] == "samenhang", "cluster_id"].nunique()
    xy = np.column_stack([f.geometry.x, f.geometry.y])
    cx = f.assign(x_=xy[:, 0], y_=xy[:, 1]).groupby("cluster_id")[["x_", "y_"]].transform("mean").to_numpy()
    rms = np.sqrt(pd.Series(((xy - cx) ** 2).sum(axis=1)).groupby(f["cluster_id"].to_numpy()).mean())
    return {
        "clusters": len(sizes),
        "binnen [min,max]": f"{sizes.between(lo, hi).mean():.1%}",
        "kleinste": int(sizes.min()),
        "grootste": int(sizes.max()),
        "aaneengesloten": f"{1 - broken / len(sizes):.1%}",
        "spreiding_m (mediaan)": round(float(rms.median()), 1),
    }


def instance(addresses, n: int):
    """The n addresses with distinct locations nearest to the median point."""
    uniq = addresses.loc[~addresses.geometry.duplicated()].copy()
    c = np.array([uniq.geometry.x.median(), uniq.geometry.y.median()])
    d = np.hypot(uniq.geometry.x - c[0], uniq.geometry.y - c[1])
    inst = uniq.loc[d.sort_values(kind="stable").index[:n]].copy().reset_index(drop=True)
    inst["bench"] = "bench"
    inst["pand_id"] = pd.array([None] * len(inst), dtype="string")  # max-p knows no buildings
    return inst


def run_maxp(inst, lo: int, iterations: int) -> tuple[float, np.ndarray]:
    from libpysal.weights import W
    from spopt.region import MaxPHeuristic

    from gebied.clusters.graph import delaunay_edges, rounded_xy

    xy = rounded_xy(inst.geometry)
    edges = delaunay_edges(xy)
    nbrs = {i: [] for i in range(len(inst))}
    for a, b in edges.tolist():
        nbrs[a].append(b)
        nbrs[b].append(a)
    w = W(nbrs, silence_warnings=True)
    gdf = inst[["geometry"]].copy()
    gdf["x_"], gdf["y_"] = xy[:, 0], xy[:, 1]
    gdf["een"] = 1
    start = time.perf_counter()
    model = MaxPHeuristic(gdf, w, ["x_", "y_"], "een", lo, top_n=2,
                          max_iterations_construction=iterations)
    np.random.seed(0)
    model.solve()
    return time.perf_counter() - start, np.asarray(model.labels_)


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--min", type=int, default=10)
    p.add_argument("--max", type=int, default=150)
    p.add_argument("--maxp-iteraties", type=int, default=99, help="max_iterations_construction (spopt default 99)")
    p.add_argument("--zonder-maxp", action="store_true", help="skip the (slow) baseline")
    a = p.parse_args()
    warnings.simplefilter("ignore")

    from gebied import join_areas, read_addresses, read_areas
    from gebied.clusters.make import make_clusters

    addresses = read_addresses(PROGRAMMA)
    joined = join_areas(addresses, {"pc4": read_areas(PC4, code_column="postcode")})
    inst = instance(addresses, a.n)

    print(f"Instance: {len(inst)} addresses (distinct points) of {PROGRAMMA.name}, one area; "
          f"min {a.min}, max {a.max}\n")
    ours_t = timed(lambda: make_clusters(inst, area_column="bench", min_size=a.min, max_size=a.max,
                                         include_all=True))
    ours = make_clusters(inst, area_column="bench", min_size=a.min, max_size=a.max, include_all=True)
    labels = pd.factorize(ours["cluster_id"])[0]
    rows = {"gebied make_clusters": {"tijd_s": round(ours_t, 3), **quality(inst, labels, a.min, a.max)}}
    if not a.zonder_maxp:
        maxp_t, maxp_labels = run_maxp(inst, a.min, a.maxp_iteraties)
        rows[f"spopt MaxPHeuristic (floor {a.min})"] = {
            "tijd_s": round(maxp_t, 1), **quality(inst, maxp_labels, a.min, a.max)}
    table = pd.DataFrame(rows).T
    print(table.to_string())
    if not a.zonder_maxp:
        print(f"\nratio: gebied is {maxp_t / ours_t:,.0f}x faster than max-p (baseline) on this instance")

    print("\nOur time on larger inputs (best of 3):")
    t_prog = timed(lambda: make_clusters(joined, area_column="pc4_code"))
    t_all = timed(lambda: make_clusters(joined, area_column="pc4_code", include_all=True))
    n_prog = int(make_clusters(joined, area_column="pc4_code")["cluster_id"].notna().sum())
    print(f"  shared file, programme only ({n_prog} addresses), per PC4: {t_prog:.2f} s")
    print(f"  shared file, all {len(joined)} addresses, per PC4:        {t_all:.2f} s")
    try:
        from gebied.demo.region import make_demo_region

        layers, demo = make_demo_region()
        demo = join_areas(demo, layers)
        t_demo = timed(lambda: make_clusters(demo, area_column="buurt_code"))
        n_demo = int(make_clusters(demo, area_column="buurt_code")["cluster_id"].notna().sum())
        print(f"  demo region, programme ({n_demo} addresses), per buurt:   {t_demo:.2f} s")
    except ImportError:
        print("  demo region: gebied.demo not available")


if __name__ == "__main__":
    main()
