"""Benchmark: generating the demo region versus reading it back from files.

Baseline ("inlezen"): ``read_addresses(adressen.csv)`` plus ``read_areas`` of the four
layers of ``gebieden.gpkg`` written by ``write_demo_inputs`` in the same run. The ratio
tells whether generating the region on the fly (as ``gebied demo`` does) costs more than
shipping the files would.

Run: ``python bench/bench_demo.py [--herhalingen 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import warnings
from pathlib import Path

from gebied import read_addresses, read_areas
from gebied.demo.region import LAYERS, make_demo_region, write_demo_inputs


def _best(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--herhalingen", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_demo_inputs(Path(tmp))

        def read_back() -> None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                read_addresses(paths["adressen"])
                for name in LAYERS:
                    read_areas(f"{name}={paths['gebieden']}#{name}")

        baseline = _best(read_back, args.herhalingen)
        generate = _best(make_demo_region, args.herhalingen)
        write = _best(lambda: write_demo_inputs(Path(tmp) / "opnieuw"), args.herhalingen)
    _, adressen = make_demo_region()
    print(f"adressen: {len(adressen)}")
    print(f"baseline inlezen (read_addresses + read_areas x4): {baseline:.2f} s")
    print(f"make_demo_region:                                  {generate:.2f} s")
    print(f"write_demo_inputs (genereren + schrijven):         {write:.2f} s")
    print(f"verhouding genereren / inlezen: {generate / baseline:.2f}")


if __name__ == "__main__":
    main()
