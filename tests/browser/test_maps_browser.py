"""The maps in a real browser: headless Chromium driven by Playwright, network blocked.

The page must load without JavaScript errors, layers must toggle, a popup must open on a
click and the time slider must move; screenshots are kept as test artefacts.
"""

from __future__ import annotations

import pytest

from gebied.maps import aggregate_public, municipal_map, public_map, save_map
from gebied.maps.plan import period_labels
from tests.browser.conftest import NEEDS_CHROMIUM, open_page
from tests.plan_fixture import TITLE, plan_layers

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def maps_dir(tmp_path_factory):
    plan = plan_layers()
    labels = period_labels(plan)
    out = tmp_path_factory.mktemp("kaarten")
    save_map(municipal_map(plan, level="buurt"), out / "kaart.html")
    agg = aggregate_public(plan, level="buurt", threshold=10, labels=labels)
    save_map(public_map(agg, labels=labels, data_date="2026-01-01"), out / "publiek.html")
    return out


def test_municipal_map_in_browser(browser, maps_dir, artefacts):
    page, errors = open_page(browser, maps_dir / "kaart.html")
    page.wait_for_function("GK.drawnTiles > 0", timeout=30_000)
    assert errors == []
    assert page.locator(".gk-title h1").inner_text() == TITLE
    assert page.locator(".leaflet-control-scale").count() == 1
    assert page.locator(".leaflet-control-zoom-fullscreen, .leaflet-control-fullscreen a, [title='Volledig scherm']").count() >= 1

    # layers toggle: switch the addresses off and on through the layer control
    box = page.locator(".leaflet-control-layers-overlays label", has_text="Adressen naar fase").locator("input")
    assert page.evaluate("GK.map.hasLayer(GK.pts.layer)")
    box.uncheck()
    assert not page.evaluate("GK.map.hasLayer(GK.pts.layer)")
    box.check()
    assert page.evaluate("GK.map.hasLayer(GK.pts.layer)")

    # a popup opens on a click on an address point (one clear of the controls)
    target = page.evaluate(
        """() => { const s = GK.map.getSize();
          for (let i = 0; i < GK.pts.n; i++) { const p = GK.map.latLngToContainerPoint(GK.pts.latlng(i));
            if (p.x > 320 && p.x < s.x - 480 && p.y > 160 && p.y < s.y - 200) return {i: i, x: p.x, y: p.y}; }
          return null; }"""
    )
    assert target is not None
    map_box = page.locator(".folium-map").bounding_box()
    page.mouse.click(map_box["x"] + target["x"], map_box["y"] + target["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=20_000)
    assert page.evaluate(f"GK.pts.data.id[{target['i']}]") in popup.inner_text()

    # search by postcode finds the address
    pc = page.evaluate(f"GK.pts.data.pc[{target['i']}]")
    page.fill("#gk-zoek", pc)
    assert page.locator("#gk-resultaten li").first.inner_text().startswith(f"Postcode {pc}")

    # the slider moves: period, label and styles follow
    before = page.evaluate("GK.areaLayers[0].getLayers().map(l => l.options.fillColor).join()")
    last = page.evaluate("GK.labels.length - 1")
    page.fill("#gk-slider", str(last))
    assert page.evaluate("GK.period") == last
    assert page.locator("#gk-slider-label").inner_text().startswith("Eind ")
    after = page.evaluate("GK.areaLayers[0].getLayers().map(l => l.options.fillColor).join()")
    assert before != after
    assert errors == []
    page.screenshot(path=str(artefacts / "kaart_gemeente.png"))
    page.close()


def test_public_map_in_browser(browser, maps_dir, artefacts):
    page, errors = open_page(browser, maps_dir / "publiek.html")
    assert errors == []
    assert page.evaluate("window.GK.pts") is None
    # click a visible point of the first area (not covered by a control: elementFromPoint; inside
    # the polygon: Leaflet's own hit test on the canvas): its popup explains the area's plan
    page.wait_for_timeout(300)
    spot = page.evaluate(
        """(() => {
          const l = GK.areaLayers[0].getLayers()[0], b = l.getBounds();
          const rect = GK.map.getContainer().getBoundingClientRect();
          for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
            const ll = L.latLng(b.getSouth() + (b.getNorth() - b.getSouth()) * i / 12,
                                b.getWest() + (b.getEast() - b.getWest()) * j / 12);
            const p = GK.map.latLngToContainerPoint(ll);
            const x = rect.left + p.x, y = rect.top + p.y;
            const el = document.elementFromPoint(x, y);
            const hit = l._path ? el === l._path
              : el && el.tagName === "CANVAS" && l._containsPoint(GK.map.latLngToLayerPoint(ll));
            if (hit) return [x, y];
          }
          return null;
        })()"""
    )
    assert spot is not None, "geen zichtbaar punt van het eerste gebied gevonden"
    page.mouse.click(spot[0], spot[1])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=20_000)
    assert "versterkingsprogramma" in popup.inner_text() and "gereed" in popup.inner_text()
    page.fill("#gk-slider", "3")
    assert page.evaluate("GK.period") == 3
    assert errors == []
    page.screenshot(path=str(artefacts / "kaart_publiek.png"))
    page.close()
