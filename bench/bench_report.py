"""Benchmark of the lokaal plan van aanpak report: HTML (with charts and maps) and PDF.

Plan: the shared 25,000 real address points (../shared/data) joined to the real PC4
polygons; clusters of at most 100 addresses per PC4, started in order of their share of
P50 addresses under a capacity of 150 addresses per quarter; neighbour flags from
``gebied.flags``. Without shared data: the hand-built test plan (200 addresses).

Baseline (same run, same layers): writing the plan layers to a GeoPackage with
``gebied.io.write_layers`` — the step the report follows in ``gebied plan``. The ratios say
how much the report costs next to writing the plan itself. Each step runs ``--herhaal``
times (default 2); the best time counts. The second run also checks that the HTML and PDF
are byte-identical.

    python bench/bench_report.py [--herhaal 2]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"


def build_plan_from_shared() -> dict:
    from gebied import join_areas, read_addresses, read_areas
    from tests.plan_fixture import plan_from_real

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        adr = read_addresses(SHARED / "programma_stad_groningen.csv")
        pc4 = read_areas(SHARED / "real" / "pc4_polygons_groningen_cbs2020.gpkg", code_column="postcode")
        adr = join_areas(adr, {"pc4": pc4})
    return plan_from_real(adr, pc4, level="pc4")


def best_of(n: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(n):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--herhaal", type=int, default=2)
    args = parser.parse_args()

    from gebied.io import write_layers
    from gebied.report.render import render_report, write_pdf

    if (SHARED / "programma_stad_groningen.csv").exists():
        plan = build_plan_from_shared()
        source = "gedeelde echte adrespunten (stad Groningen)"
    else:
        from tests.plan_fixture import report_inputs

        plan = report_inputs()
        source = "handgemaakt testplan"
    layers = plan.pop("layers")
    n = len(layers["adressen"])
    print(f"Plan: {source}; {n} adressen, {len(layers['clusters'])} clusters, "
          f"{(layers['gebieden']['niveau'] != 'gemeente').sum()} gebieden, {len(layers['vlaggen'])} vlaggen")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t_gpkg, _ = best_of(args.herhaal, lambda: write_layers(layers, tmp / "plan.gpkg"))
        t_html, html = best_of(args.herhaal, lambda: render_report(layers, **plan))
        html2 = render_report(layers, **plan)
        t_pdf, _ = best_of(args.herhaal, lambda: write_pdf(html, tmp / "rapport.pdf"))
        first = hashlib.sha256((tmp / "rapport.pdf").read_bytes()).hexdigest()
        write_pdf(html2, tmp / "rapport2.pdf")
        second = hashlib.sha256((tmp / "rapport2.pdf").read_bytes()).hexdigest()
        from pypdf import PdfReader

        pages = len(PdfReader(tmp / "rapport.pdf").pages)

    print(f"baseline  plan.gpkg wegschrijven (write_layers): {t_gpkg:7.2f} s")
    print(f"rapport   HTML met grafieken en kaarten:          {t_html:7.2f} s  "
          f"= {t_html / t_gpkg:5.2f} × baseline  ({len(html) / 1e6:.1f} MB)")
    print(f"rapport   PDF uit de HTML (WeasyPrint):           {t_pdf:7.2f} s  "
          f"= {t_pdf / t_gpkg:5.2f} × baseline  ({pages} pagina's)")
    print(f"herhaalbaar: HTML gelijk {html == html2}, PDF gelijk {first == second}")


if __name__ == "__main__":
    main()
