"""Benchmark of the maps: HTML size, build time and time to a drawn map in headless Chromium.

Baseline (measured in the same run): a naive folium map with one ``folium.CircleMarker``
per address (folium-offline's default map, so it also opens without network).

Data: the demo plan (``gebied demo``; the hand-built test plan when the demo cannot run)
and the shared 25,000-address file joined to real PC4 polygons.

    python bench/bench_maps.py [--snel]      # --snel: skip the 25,000-address baseline page

Targets: municipal map < 15 MB and < 3 s to a drawn map; public map < 2 MB.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gebied.maps import aggregate_public, municipal_map, public_map, read_plan, save_map  # noqa: E402
from gebied.maps.plan import period_labels  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHARED = ROOT.parent / "shared" / "data"


def demo_plan(tmp: Path) -> tuple[str, dict]:
    out = tmp / "demo"
    run = subprocess.run([sys.executable, "-m", "gebied", "demo", "--uit", str(out)], capture_output=True, text=True)
    if run.returncode == 0 and (out / "plan.gpkg").exists():
        return "demo (gebied demo)", read_plan(out / "plan.gpkg")
    from tests.plan_fixture import plan_layers

    return "testplan (demo niet beschikbaar)", plan_layers()


def shared_plan() -> tuple[str, dict] | None:
    if not (SHARED / "programma_stad_groningen.csv").exists():
        return None
    from tests.plan_fixture import plan_from_real

    from gebied import join_areas, read_addresses, read_areas

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        addresses = read_addresses(SHARED / "programma_stad_groningen.csv")
        pc4 = read_areas(SHARED / "real" / "pc4_polygons_groningen_cbs2020.gpkg", code_column="postcode")
        joined = join_areas(addresses, {"pc4": pc4})
    return "stad Groningen (25.000 adressen, PC4)", plan_from_real(joined, pc4, level="pc4")["layers"]


def naive_map(addresses) -> str:
    """One folium.CircleMarker with a popup per address (the baseline)."""
    import offlinefolium as folium

    wgs = addresses.to_crs(4326)
    fmap = folium.Map(location=[wgs.geometry.y.mean(), wgs.geometry.x.mean()], zoom_start=13)
    for x, y, ident in zip(wgs.geometry.x, wgs.geometry.y, wgs["adres_id"], strict=True):
        folium.CircleMarker([y, x], radius=3, popup=str(ident)).add_to(fmap)
    return fmap.get_root().render()


def time_to_drawn(browser, path: Path, *, ours: bool) -> float:
    """Seconds from navigation start until the map (all own layers) is painted, network blocked."""
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route(lambda url: not url.startswith("file:"), lambda route: route.abort())
    page.goto(path.as_uri(), wait_until="load", timeout=300_000)
    if ours:
        page.wait_for_function("window.GK && GK.readyAt > 0 && (!GK.pts || GK.firstTileAt > 0)", timeout=300_000)
        ms = page.evaluate("Math.max(GK.readyAt, GK.firstTileAt || 0)")
    else:
        ms = page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))")
    page.close()
    if errors:
        raise RuntimeError(f"JavaScript-fouten in {path.name}: {errors[:3]}")
    return ms / 1000


def measure(name: str, build, path: Path, browser, *, ours: bool = True) -> dict:
    t0 = time.perf_counter()
    html = build()
    build_s = time.perf_counter() - t0
    save_map(html, path)
    drawn = time_to_drawn(browser, path, ours=ours) if browser else float("nan")
    row = {"kaart": name, "MB": len(html.encode()) / 1e6, "bouwen_s": build_s, "getekend_s": drawn}
    print(f"  {name:<34} {row['MB']:7.2f} MB   bouwen {build_s:6.2f} s   getekend {drawn:6.2f} s", flush=True)
    return row


def main(quick: bool = False) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmpdir, sync_playwright() as p:
        tmp = Path(tmpdir)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        datasets = [demo_plan(tmp)]
        shared = shared_plan()
        if shared:
            datasets.append(shared)
        for label, layers in datasets:
            level = "buurt" if "buurt" in set(layers["gebieden"]["niveau"]) else str(layers["gebieden"]["niveau"].iloc[0])
            n = len(layers.get("adressen", []))
            print(f"\n{label}: {n} adressen, niveau {level}")
            labels = period_labels(layers)
            ours = measure("gemeentelijke kaart", lambda: municipal_map(layers, level=level), tmp / "kaart.html", browser)
            pub = measure(
                "openbare kaart",
                lambda: public_map(aggregate_public(layers, level=level, labels=labels), labels=labels),
                tmp / "publiek.html",
                browser,
            )
            if quick and n > 5000:
                print("  (basislijn overgeslagen: --snel)")
                continue
            base = measure("basislijn: CircleMarker per adres", lambda: naive_map(layers["adressen"]), tmp / "naief.html", browser, ours=False)
            print(
                f"  verhouding gemeentelijke kaart / basislijn: grootte {ours['MB'] / base['MB']:.2f}×, "
                f"bouwen {ours['bouwen_s'] / base['bouwen_s']:.2f}×, getekend {ours['getekend_s'] / base['getekend_s']:.2f}×"
            )
            print(
                f"  doelen: gemeentelijk < 15 MB: {'ja' if ours['MB'] < 15 else 'NEE'}, "
                f"< 3 s getekend: {'ja' if ours['getekend_s'] < 3 else 'NEE'}, openbaar < 2 MB: {'ja' if pub['MB'] < 2 else 'NEE'}"
            )
        browser.close()


if __name__ == "__main__":
    main(quick="--snel" in sys.argv)
