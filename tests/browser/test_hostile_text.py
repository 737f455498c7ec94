"""Hostile titles and street names never run as script: a real browser opens both maps and
the report and no dialog appears (regression of the unescaped ``--titel``)."""

from __future__ import annotations

import pytest

from gebied.maps import aggregate_public, municipal_map, public_map, save_map
from gebied.maps.plan import period_labels
from gebied.report.render import render_report, write_report
from tests.browser.conftest import NEEDS_CHROMIUM, open_page
from tests.plan_fixture import plan_layers, report_inputs

HOSTILE = [
    "x</title><script>alert(7)</script>",
    "<img src=x onerror=alert(8)>",
    "Kerkstraat<!--<script>alert(9)//",
    '"><svg onload=alert(10)>',
]

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("vijandig")
    plan = plan_layers()
    adr = plan["adressen"].copy()
    adr["straat"] = [HOSTILE[i % len(HOSTILE)] for i in range(len(adr))]
    plan["adressen"] = adr
    info = plan["plan_info"].copy()
    info.loc[info["sleutel"] == "titel", "waarde"] = HOSTILE[0]  # an edited plan_info.titel in plan.gpkg
    plan["plan_info"] = info
    labels = period_labels(plan)
    save_map(municipal_map(plan, level="buurt"), out / "kaart.html")
    agg = aggregate_public(plan, level="buurt", threshold=10, labels=labels)
    save_map(public_map(agg, labels=labels, title=HOSTILE[0], data_date=HOSTILE[1]), out / "publiek.html")
    inputs = report_inputs()
    layers = inputs.pop("layers")
    layers["plan_info"] = layers["plan_info"].assign(
        waarde=lambda f: f["waarde"].where(f["sleutel"] != "titel", HOSTILE[0]))
    write_report(render_report(layers, **inputs), out / "rapport.html")
    return out


@pytest.mark.parametrize("name", ["kaart.html", "publiek.html"])
def test_maps_run_no_hostile_script(browser, hostile_pages, name):
    page, errors = open_page(browser, hostile_pages / name)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.wait_for_timeout(500)
    if name == "kaart.html":  # open popups and the search list, where street names are drawn
        page.fill("#gk-zoek", "Kerkstraat")
        page.wait_for_timeout(300)
    assert dialogs == [] and errors == []
    assert page.title().startswith("x</title>")  # shown as text, not parsed as markup
    page.close()


def test_report_runs_no_hostile_script(browser, hostile_pages):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.route(lambda url: not url.startswith("file:"), lambda route: route.abort())
    page.goto((hostile_pages / "rapport.html").as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    assert dialogs == []
    assert HOSTILE[0] in page.inner_text("body")
    page.close()
