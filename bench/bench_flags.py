"""Benchmark of the neighbour graph and the inequality flags (issue 4).

Two inputs:

* the shared programme file ``../shared/data/programma_stad_groningen.csv`` (25,000 real
  address points in the city of Groningen, synthetic status), when present;
* generated addresses (300,000 by default): towns of streets with homes every 8 m on both
  sides, 15 % flat streets (12 addresses per pand), statuses per street with noise.

Timed per input:

* ``neighbour_pairs`` (KD-tree pairs within 50 m + same-pand pairs) against the baseline
  ``libpysal.graph.Graph.build_distance_band(threshold=50)`` in the same run (our pairs
  restricted to <= 50 m must be exactly the baseline's edges; checked);
* ``flag_inequality`` end to end (neighbour search, four rules, explanations, lines);
* ``flag_summary`` per area (PC4 for the shared file, 1 x 1 km cells for the generated one)
  with the join-count permutation test;
* ``find_hot_spots`` (issue 15) against the baseline ``sklearn.cluster.DBSCAN`` (eps = 50 m,
  at least 4 homes) over the flagged homes, in the same run; the pair flags plus the hot
  spots should stay under 5 s at 300,000 addresses.

Usage::

    python bench/bench_flags.py              # shared file + 300,000 generated addresses
    python bench/bench_flags.py --snel       # 50,000 generated addresses only
    python bench/bench_flags.py --adressen 1000000
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gebied.codes import NCG_FASEN  # noqa: E402
from gebied.flags.hotspots import MIN_HOMES, find_hot_spots  # noqa: E402
from gebied.flags.rules import flag_inequality  # noqa: E402
from gebied.flags.summary import flag_summary  # noqa: E402
from gebied.neighbours import neighbour_pairs  # noqa: E402

PROGRAMMA = ROOT.parent / "shared" / "data" / "programma_stad_groningen.csv"
DISTANCE = 50.0
TYPES = np.array(["rijwoning", "arbeiderswoning", "herenhuis", "portiekflat", "twee-onder-een-kap", "vrijstaand"])
OUTCOMES = np.array(["onbekend", "geen_maatregelen", "versterken", "sloop_nieuwbouw"])
IMG = np.array(["geen_melding", "afgehandeld", "voorbereiding", "opname", "zienswijze", "beschikking"])


def generate(n: int, seed: int = 4) -> gpd.GeoDataFrame:
    """About ``n`` addresses along generated streets in a 60 x 60 km box (EPSG:28992)."""
    rng = np.random.default_rng(seed)
    towns = rng.uniform([200_000, 560_000], [260_000, 620_000], (max(1, n // 2500), 2))
    xs, ys, pand, street_of = [], [], [], []
    count, street, pand_nr = 0, 0, 0
    while count < n:
        c = towns[rng.integers(len(towns))] + rng.normal(0, 900, 2)
        angle = rng.uniform(0, np.pi)
        length = rng.uniform(100, 400)
        steps = np.arange(0, length, 8.0)
        d = np.array([np.cos(angle), np.sin(angle)])
        normal = np.array([-d[1], d[0]])
        pts = np.concatenate([c + steps[:, None] * d + side * 10 * normal for side in (-1, 1)])
        if rng.random() < 0.15:  # flat street: 12 addresses per pand, 1 m jitter
            pts = np.repeat(pts[::3], 12, axis=0) + rng.normal(0, 1, (len(pts[::3]) * 12, 2))
            pids = np.repeat(np.arange(len(pts) // 12) + pand_nr, 12)
        else:
            pids = np.arange(len(pts)) + pand_nr
        pand_nr = int(pids.max()) + 1
        xs.append(pts[:, 0])
        ys.append(pts[:, 1])
        pand.append(pids)
        street_of.append(np.full(len(pts), street))
        count += len(pts)
        street += 1
    x, y = np.concatenate(xs)[:n], np.concatenate(ys)[:n]
    st = np.concatenate(street_of)[:n]
    n_st = st.max() + 1
    typ = np.where(rng.random(n) < 0.85, TYPES[rng.integers(0, 6, n_st)][st], TYPES[rng.integers(0, 6, n)])
    year = (rng.integers(1900, 2010, n_st)[st] + rng.integers(-6, 7, n)).astype(float)
    in_prog = (rng.random(n_st) < 0.25)[st] & (rng.random(n) < 0.9)
    phase = np.clip(rng.integers(0, 8, n_st)[st] + rng.integers(-2, 3, n), 0, 7)
    outcome = np.where(phase >= 3, OUTCOMES[rng.choice(4, n, p=[0.2, 0.35, 0.37, 0.08])], "onbekend")
    batch = np.array(["hra", "batch_1", "batch_2", "batch_3"])[rng.integers(0, 4, n_st)][st]
    s = lambda values, mask: pd.array(np.where(mask, values, None), dtype="string")  # noqa: E731
    frame = pd.DataFrame(
        {
            "adres_id": pd.array([f"G{k:07d}" for k in range(n)], dtype="string"),
            "straat": pd.array([f"Straat {k}" for k in st], dtype="string"),
            "pand_id": pd.array([f"P{k:07d}" for k in np.concatenate(pand)[:n]], dtype="string"),
            "bouwjaar": pd.array(year, dtype="Int64"),
            "typologie": pd.array(typ, dtype="string"),
            "batch": s(batch, in_prog),
            "ncg_fase": s(np.array(NCG_FASEN)[phase], in_prog),
            "uitkomst": s(outcome, in_prog),
            "img_status": pd.array(IMG[rng.choice(6, n, p=[0.66, 0.29, 0.015, 0.015, 0.01, 0.01])], dtype="string"),
        }
    )
    # areas: 1 x 1 km cells
    frame["gebied_code"] = pd.array([f"C{cx}_{cy}" for cx, cy in zip(x // 1000, y // 1000, strict=True)], dtype="string")
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(x, y), crs=28992)


def timed(fn, repeat: int):
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def run(name: str, addresses: gpd.GeoDataFrame, repeat: int, baseline: bool) -> None:
    from libpysal.graph import Graph

    n = len(addresses)
    print(f"\n== {name}: {n:,} adressen".replace(",", "."))
    t_ours, pairs = timed(lambda: neighbour_pairs(addresses, distance=DISTANCE), repeat)
    print(f"neighbour_pairs (KD-tree + zelfde pand): {t_ours:7.2f} s  {len(pairs):,} paren".replace(",", "."))
    if baseline:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_base, graph = timed(lambda: Graph.build_distance_band(addresses, DISTANCE), 1)
        adj = graph.adjacency.reset_index()
        adj = adj[adj["focal"] < adj["neighbor"]]
        base = set(zip(adj["focal"].to_numpy(), adj["neighbor"].to_numpy(), strict=True))
        ours = pairs[pairs["afstand_m"] <= DISTANCE]
        # libpysal labels by index; our positions equal the RangeIndex here
        same = base == set(zip(ours["i"].to_numpy(), ours["j"].to_numpy(), strict=True))
        print(
            f"baseline libpysal Graph.build_distance_band:   {t_base:7.2f} s  {len(base):,} paren "
            f"(zelfde paren: {'ja' if same else 'NEE'})".replace(",", ".")
        )
        print(f"ratio baseline / ons: {t_base / t_ours:.1f}x sneller")
    t_flags, flags = timed(lambda: flag_inequality(addresses, distance=DISTANCE), repeat)
    counts = ", ".join(f"{k} {v}" for k, v in flags["vlag"].value_counts().items())
    print(f"flag_inequality totaal: {t_flags:7.2f} s  {len(flags):,} vlaggen".replace(",", ".") + f" ({counts})")
    print(f"ratio flags / neighbour graph alone: {t_flags / t_ours:.1f}")
    if "gebied_code" in addresses.columns:
        t_sum, summary = timed(
            lambda: flag_summary(addresses, flags, area_column="gebied", distance=DISTANCE, pairs=pairs), 1
        )
        tested = int(summary["jc_p"].notna().sum())
        print(f"flag_summary (999 permutaties): {t_sum:7.2f} s  {len(summary)} gebieden, {tested} getoetst")
    hot_spots(addresses, flags, pairs, t_flags, repeat)


def hot_spots(addresses, flags, pairs, t_flags: float, repeat: int) -> None:
    """Time find_hot_spots, and DBSCAN over the flagged homes as the named baseline."""
    from sklearn.cluster import DBSCAN

    t_hot, (hot, _) = timed(lambda: find_hot_spots(addresses, flags, pairs=pairs, distance=DISTANCE), repeat)
    per = len(flags) / max(len(hot), 1)
    print(f"find_hot_spots: {t_hot:7.2f} s  {len(hot):,} brandhaarden ({per:,.0f} vlaggen per brandhaard)".replace(",", "."))
    total = t_flags + t_hot
    print(f"vlaggen + brandhaarden samen: {total:7.2f} s (doel: onder 5 s) {'gehaald' if total < 5 else 'NIET gehaald'}")
    # the named baseline: density clusters of the flagged homes (same run, always measured)
    ids = pd.concat([flags["adres_id"], flags["buur_adres_id"]]).astype(str).unique()
    pos = pd.Series(np.arange(len(addresses)), index=addresses["adres_id"].astype(str).to_numpy())
    xy = np.column_stack([addresses.geometry.x, addresses.geometry.y])[pos.reindex(ids).to_numpy()]
    t_db, labels = timed(lambda: DBSCAN(eps=DISTANCE, min_samples=MIN_HOMES).fit(xy).labels_, 1)
    n_db = len(set(labels.tolist()) - {-1})
    print(f"baseline sklearn DBSCAN (eps {DISTANCE:.0f} m) op {len(xy):,} gevlagde woningen: {t_db:7.2f} s  "
          f"{n_db:,} clusters".replace(",", "."))
    print(f"ratio baseline / find_hot_spots: {t_db / t_hot:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--adressen", type=int, default=300_000)
    parser.add_argument("--herhaal", type=int, default=2)
    parser.add_argument("--snel", action="store_true")
    parser.add_argument("--zonder-baseline", action="store_true")
    args = parser.parse_args()
    if args.snel:
        args.adressen, args.herhaal = 50_000, 1
    elif PROGRAMMA.exists():
        from gebied.validate import read_addresses

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            shared = read_addresses(PROGRAMMA)
        shared["gebied_code"] = shared["postcode"].str[:4]  # PC4 as areas
        run("gedeeld programmabestand stad Groningen", shared, args.herhaal, not args.zonder_baseline)
    t = time.perf_counter()
    generated = generate(args.adressen)
    print(f"\n(gegenereerd in {time.perf_counter() - t:.1f} s)")
    run("gegenereerde adressen", generated, args.herhaal, not args.zonder_baseline)


if __name__ == "__main__":
    main()
