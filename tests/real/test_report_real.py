"""The report on the shared 25,000 real address points: valid PDF, numbers match the layers."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from gebied.report.render import render_report, write_pdf
from tests.report.pages import assert_page_image, chapter_pages, page_texts, render_pages


def _num(text: str) -> float:
    return float(text.strip().replace(".", "").replace(",", "."))


@pytest.fixture(scope="module")
def real_report(real_plan, tmp_path_factory):
    inputs = dict(real_plan)
    layers = inputs.pop("layers")
    html = render_report(layers, **inputs)
    pdf = tmp_path_factory.mktemp("rapport_echt") / "rapport.pdf"
    write_pdf(html, pdf)
    return layers, html, pdf


def test_real_report_numbers_match_layers(real_report):
    layers, html, pdf = real_report
    soup = BeautifulSoup(html, "html.parser")
    adr = layers["adressen"]
    kern = {s["data-maat"]: _num(s.get_text()) for s in soup.select("#kerncijfers span[data-maat]")}
    assert kern["adressen"] == len(adr)
    assert kern["in_programma"] == adr["ncg_fase"].notna().sum()
    assert kern["gereed"] == (adr["ncg_fase"] == "gereed").sum()
    assert kern["clusters"] == adr["cluster_id"].nunique()
    table = soup.find("table", id="tabel-gebieden-pc4")
    pc4 = layers["gebieden"].query("niveau == 'pc4'").set_index("code")
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in table.select("tbody > tr")]
    assert len(rows) == len(pc4)
    for row in rows:
        assert _num(row[2]) == pc4.loc[row[1], "aantal_adressen"]
        assert _num(row[3]) == pc4.loc[row[1], "in_programma"]
    assert len(PdfReader(pdf).pages) >= 10


def test_real_report_public_section_has_no_small_counts(real_report):
    _, html, _ = real_report
    section = BeautifulSoup(html, "html.parser").find(id="publiek-deel")
    for td in section.select("td.num"):
        text = td.get_text(strip=True)
        if text in ("×", "–") or re.fullmatch(r"\d{4}-K\d|vóór de start", text):
            continue
        value = _num(text)
        assert value == 0 or value >= 10, text


def test_real_report_pages_as_png(real_report, artefacts):
    layers, _, pdf = real_report
    pngs = render_pages(pdf, artefacts / "rapport_echt", 1, 4, dpi=50)
    assert len(pngs) == 4
    for png in pngs:
        assert_page_image(png, dpi=50)
    assert len({png.read_bytes() for png in pngs}) == 4
    texts = page_texts(pdf)
    title = layers["plan_info"].set_index("sleutel").loc["titel", "waarde"]
    assert title in texts[0] and "FICTIEF" in texts[0]
    assert texts[1].startswith("Inhoud")
    pages = chapter_pages(texts)
    assert [h for h, (listed, found) in pages.items() if found is None or listed != found] == [], pages
    assert list(pages.values()) == sorted(pages.values())
