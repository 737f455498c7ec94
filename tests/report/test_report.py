"""The lokaal plan van aanpak report: HTML numbers match the plan layers, PDF is valid."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from gebied.errors import GebiedError
from gebied.privacy import COUNTS, display, publish
from gebied.report.render import render_report, write_pdf, write_report
from tests.plan_fixture import PEILDATUM, THRESHOLD, TITLE, report_inputs
from tests.report.pages import assert_page_image, chapter_pages, page_texts, render_pages


def parse_nl(text: str) -> float:
    """Dutch number in a cell (``1.234``, ``12,5%``) → float."""
    t = text.strip().replace(".", "").replace(",", ".")
    if t.endswith("%"):
        return float(t[:-1]) / 100
    return float(t)


def table_rows(soup: BeautifulSoup, table_id: str) -> tuple[list[str], list[list[str]]]:
    table = soup.find("table", id=table_id)
    assert table is not None, f"tabel {table_id} ontbreekt"
    headers = [th.get_text(strip=True) for th in table.find("thead").find_all("th")]
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in table.select("tbody > tr:not(.detail)")]
    return headers, rows


@pytest.fixture(scope="module")
def plan():
    return report_inputs()


@pytest.fixture(scope="module")
def rendered(plan, tmp_path_factory):
    inputs = dict(plan)
    layers = inputs.pop("layers")
    html = render_report(layers, **inputs)
    out = tmp_path_factory.mktemp("rapport")
    write_report(html, out / "rapport.html")
    write_pdf(html, out / "rapport.pdf")
    return {"html": html, "dir": out, "soup": BeautifulSoup(html, "html.parser")}


def test_output_files_exist_and_are_valid(rendered):
    html_path, pdf_path = rendered["dir"] / "rapport.html", rendered["dir"] / "rapport.pdf"
    assert html_path.read_text(encoding="utf-8") == rendered["html"]
    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
    assert soup.find("html")["lang"] == "nl"
    assert soup.title.get_text() == TITLE
    reader = PdfReader(pdf_path)
    assert len(reader.pages) >= 3
    last = reader.pages[-1].extract_text()
    assert f"Pagina {len(reader.pages)} van {len(reader.pages)}" in last
    # no leftover temporary files from the atomic writes
    assert sorted(p.name for p in rendered["dir"].iterdir()) == ["rapport.html", "rapport.pdf"]


class TagBalance(HTMLParser):
    """Strict check of the HTML: every non-void element is closed in order."""

    VOID = {"meta", "img", "br", "hr", "link", "input", "col", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> bij open {self.stack[-3:]} (regel {self.getpos()[0]})")
        else:
            self.stack.pop()


def test_html_is_well_formed(rendered):
    checker = TagBalance()
    checker.feed(rendered["html"])
    checker.close()
    assert checker.errors == []
    assert checker.stack == []
    ids = [el["id"] for el in rendered["soup"].find_all(id=True)]
    assert len(ids) == len(set(ids)), "dubbele id's"


def test_html_is_self_contained(rendered):
    soup = rendered["soup"]
    images = soup.find_all("img")
    assert len(images) >= 4  # schedule chart, comparison chart, one map per woonplaats
    assert all(img["src"].startswith("data:image/png;base64,") for img in images)
    assert not soup.find_all("link")
    assert not soup.find_all("script")
    assert not re.search(r"(src|href)=\"(https?:)?//", rendered["html"])


def test_table_of_contents_links_resolve(rendered):
    soup = rendered["soup"]
    links = soup.select("nav.inhoud a")
    assert len(links) >= 10
    for a in links:
        assert soup.find(id=a["href"][1:]) is not None, a["href"]


def test_gemeente_summary_matches_addresses(rendered, plan):
    adr = plan["layers"]["adressen"]
    headers, rows = table_rows(rendered["soup"], "tabel-gemeenten")
    assert headers[:4] == ["Gemeente", "Adressen", "In programma", "Gereed"]
    by_code = {re.search(r"\((GM\d+)\)", r[0]).group(1): r for r in rows if r[0] != "Totaal"}
    assert set(by_code) == set(adr["gemeente_code"])
    for code, grp in adr.groupby("gemeente_code"):
        row = by_code[code]
        assert parse_nl(row[1]) == len(grp)
        assert parse_nl(row[2]) == grp["ncg_fase"].notna().sum()
        assert parse_nl(row[3]) == (grp["ncg_fase"] == "gereed").sum()
        assert parse_nl(row[5]) == (grp["risicoprofiel"] == "P50").sum()
        assert parse_nl(row[7]) == (grp["aantal_vlaggen"] > 0).sum()
    total = [r for r in rows if r[0] == "Totaal"][0]
    assert parse_nl(total[1]) == len(adr)


@pytest.mark.parametrize("niveau", ["woonplaats", "buurt"])
def test_area_tables_match_gebieden_layer(rendered, plan, niveau):
    gebieden = plan["layers"]["gebieden"]
    expected = gebieden[gebieden["niveau"] == niveau].set_index("code")
    headers, rows = table_rows(rendered["soup"], f"tabel-gebieden-{niveau}")
    assert len(rows) == len(expected)
    col = {h: i for i, h in enumerate(headers)}
    for row in rows:
        exp = expected.loc[row[col["Code"]]]
        assert row[col["Naam"]] == exp["naam"]
        assert parse_nl(row[col["Adressen"]]) == exp["aantal_adressen"]
        assert parse_nl(row[col["In programma"]]) == exp["in_programma"]
        assert parse_nl(row[col["Gereed"]]) == exp["gereed"]
        assert parse_nl(row[col["Aandeel gereed"]]) == pytest.approx(exp["aandeel_gereed"], abs=0.0006)
        assert parse_nl(row[col["Vlaggen"]]) == exp["aantal_vlaggen"]


def test_cluster_table_matches_clusters_layer(rendered, plan):
    clusters = plan["layers"]["clusters"].set_index("cluster_id")
    labels = dict(zip(plan["layers"]["planning"]["periode"], plan["layers"]["planning"]["periode_label"]))
    headers, rows = table_rows(rendered["soup"], "tabel-clusters")
    assert len(rows) == len(clusters)
    col = {h: i for i, h in enumerate(headers)}
    starts = []
    for row in rows:
        exp = clusters.loc[row[col["Cluster"]]]
        assert parse_nl(row[col["Adressen"]]) == exp["aantal"]
        assert parse_nl(row[col["P50"]]) == exp["aantal_P50"]
        assert parse_nl(row[col["P90"]]) == exp["aantal_P90"]
        assert row[col["Start"]] == labels[exp["start_periode"]]
        starts.append(exp["start_periode"])
    assert starts == sorted(starts)
    names = dict(zip(plan["layers"]["gebieden"]["code"], plan["layers"]["gebieden"]["naam"]))
    assert [r[col["Gebied"]] for r in rows] == [names[clusters.loc[r[0], "gebied_code"]] for r in rows]
    # each cluster's explanation is in the row below it
    details = [tr.get_text(strip=True) for tr in rendered["soup"].select("#tabel-clusters tr.detail")]
    assert details == [clusters.loc[r[0], "toelichting"] for r in rows]
    overview = rendered["soup"].find(id="cluster-overzicht").get_text()
    assert f"{len(clusters)} clusters" in overview.replace("\n", " ")


def test_schedule_table_matches_planning_layer(rendered, plan):
    planning = plan["layers"]["planning"].set_index("periode_label")
    headers, rows = table_rows(rendered["soup"], "tabel-planning")
    assert len(rows) == len(planning)
    col = {h: i for i, h in enumerate(headers)}
    for row in rows:
        exp = planning.loc[row[col["Periode"]]]
        for stage in ("opname", "beoordeling", "uitvoering"):
            assert parse_nl(row[col[f"Werk {stage}"]]) == round(exp[f"{stage}_werk"])
            assert parse_nl(row[col[f"Voorraad voor {stage}"]]) == round(exp[f"{stage}_voorraad"])
        assert parse_nl(row[col["Gereed (cum.)"]]) == exp["gereed_cumulatief"]


def test_strategy_tables(rendered, plan):
    headers, rows = table_rows(rendered["soup"], "tabel-strategie-maten")
    assert headers == ["Maat", "plan", "risico"]
    by_label = {r[0]: r[1:] for r in rows}
    # known keys get their Dutch label, an unknown key is shown raw
    assert "eigen_maat" in by_label
    assert "gereed_gemiddeld_P50" not in by_label
    p50 = by_label["P50-adressen gereed, gemiddelde periode"]
    assert [parse_nl(v) for v in p50] == pytest.approx(
        [plan["metrics"][s]["gereed_gemiddeld_P50"] for s in ("plan", "risico")], abs=0.051)
    stuw = by_label["Grootste stuwmeer (adressen)"]
    assert [parse_nl(v) for v in stuw] == [plan["metrics"][s]["grootste_stuwmeer"] for s in ("plan", "risico")]
    share = by_label["Aandeel perioden met volle capaciteit: uitvoering"]
    assert parse_nl(share[1]) == pytest.approx(plan["metrics"]["risico"]["aandeel_vol_uitvoering"])
    comp = plan["comparison"]
    _, rows = table_rows(rendered["soup"], "tabel-strategie-vergelijking")
    for row in rows:
        part = comp[comp["strategie"] == row[0]]
        backlog = part[["opname_voorraad", "beoordeling_voorraad", "uitvoering_voorraad"]].sum(axis=1).max()
        assert parse_nl(row[2]) == backlog
        assert parse_nl(row[3]) == part["gereed_cumulatief"].max()


def test_wide_comparison_gives_metrics_and_optional_period_chart(plan):
    inputs = dict(plan)
    layers = inputs.pop("layers")
    long = inputs["comparison"]
    inputs["comparison"] = pd.DataFrame(inputs["metrics"]).T.rename_axis("strategie").reset_index()
    inputs["metrics"] = None
    soup = BeautifulSoup(render_report(layers, **inputs), "html.parser")
    headers, rows = table_rows(soup, "tabel-strategie-maten")
    assert headers == ["Maat", "plan", "risico"]
    assert len(rows) == len(plan["metrics"]["plan"])
    assert soup.find("table", id="tabel-strategie-vergelijking") is None
    n_images = len(soup.find_all("img"))
    soup = BeautifulSoup(render_report(layers, **inputs, strategy_periods=long), "html.parser")
    assert len(soup.find_all("img")) == n_images + 1
    assert soup.find("table", id="tabel-strategie-vergelijking") is not None


def test_cooperation_matrix_and_groups(rendered, plan):
    matrix = plan["cooperation_matrix"]
    headers, rows = table_rows(rendered["soup"], "tabel-schade-versterking")
    assert headers[1:] == [c.replace("_", " ") for c in matrix.columns]
    assert len(rows) == len(matrix)
    for row in rows:
        assert [parse_nl(v) for v in row[1:]] == matrix.loc[row[0]].tolist()
    groups = plan["layers"]["adressen"]["samenwerkingsgroep"].value_counts()
    _, rows = table_rows(rendered["soup"], "tabel-samenwerkingsgroepen")
    assert {r[0]: parse_nl(r[2]) for r in rows} == {g: groups.get(g, 0) for g in "ABCDEF"}
    _, rows = table_rows(rendered["soup"], "tabel-signalen")
    assert sorted(parse_nl(r[1]) for r in rows) == sorted(plan["signal_counts"].values())


def test_hotspots_are_ranked_and_explained(rendered, plan):
    gebieden = plan["layers"]["gebieden"]
    buurten = gebieden[(gebieden["niveau"] == "buurt") & (gebieden["aantal_vlaggen"] > 0)]
    headers, rows = table_rows(rendered["soup"], "tabel-hotspots")
    col = {h: i for i, h in enumerate(headers)}
    expected = buurten.sort_values(["aandeel_met_vlag", "code"], ascending=[False, True])["code"].tolist()  # ties by code
    assert [r[col["Code"]] for r in rows] == expected
    assert all("ander tempo" in r[col["Uitleg"]] for r in rows)  # tempo_verschil, the most common flag


def test_public_section_is_the_publication_table(rendered, plan):
    section = rendered["soup"].find(id="publiek-deel")
    rule = section.find(id="onderdrukkingsregel").get_text()
    assert f"1 tot en met {THRESHOLD - 1}" in rule and "publiek-toets" in rule
    caption = section.find("table", id="tabel-publiek-gebieden").find("caption").get_text()
    level = re.search(r"Stand per (\w+)", caption).group(1)
    pub = publish(plan["layers"], level=level, threshold=THRESHOLD)
    assert pub.hidden.to_numpy().any(), "de proefdata moeten kleine aantallen bevatten"
    headers, rows = table_rows(rendered["soup"], "tabel-publiek-gebieden")
    assert len(rows) == len(pub.table)
    for row, (_, exp) in zip(rows, pub.table.iterrows(), strict=True):
        assert row[1 : 1 + len(COUNTS)] == [display(exp[c]) for c in COUNTS]
    assert rows[-1][0] == "Alle gebieden samen"
    # no address-level data in the public section
    text = section.get_text()
    for adres_id in plan["layers"]["adressen"]["adres_id"]:
        assert adres_id not in text
    for cluster_id in plan["layers"]["clusters"]["cluster_id"]:
        assert cluster_id not in text


def test_title_page_says_fictief_only_for_demo_data(rendered, plan):
    assert rendered["soup"].find(id="fictief") is not None
    inputs = dict(plan)
    layers = dict(inputs.pop("layers"))
    layers["plan_info"] = layers["plan_info"].assign(
        waarde=lambda f: f["waarde"].where(f["sleutel"] != "fictief", "nee"))
    html = render_report(layers, **inputs)
    assert BeautifulSoup(html, "html.parser").find(id="fictief") is None


def test_same_inputs_give_identical_html_and_pdf(rendered, tmp_path):
    plan = report_inputs()
    layers = plan.pop("layers")
    html = render_report(layers, **plan)
    assert html == rendered["html"]
    write_pdf(html, tmp_path / "opnieuw.pdf")
    assert (tmp_path / "opnieuw.pdf").read_bytes() == (rendered["dir"] / "rapport.pdf").read_bytes()


def test_missing_optional_inputs_say_niet_beschikbaar(plan, tmp_path):
    layers = {"adressen": plan["layers"]["adressen"]}
    html = render_report(layers, metrics=None, comparison=None, planning_levels=None, cooperation_matrix=None,
                         signal_counts=None, flag_summary=None, settings={})
    soup = BeautifulSoup(html, "html.parser")
    assert len(soup.select("p.leeg")) >= 8
    assert soup.find("table", id="tabel-gemeenten") is not None
    # the damage × strengthening matrix is derived from the addresses when not given
    _, rows = table_rows(soup, "tabel-schade-versterking")
    assert sum(sum(parse_nl(v) for v in r[1:]) for r in rows) == len(layers["adressen"])
    write_pdf(html, tmp_path / "klein.pdf")
    assert len(PdfReader(tmp_path / "klein.pdf").pages) >= 3


@pytest.mark.parametrize("threshold", [0, -1, 4, 2.5, True, "10"])
def test_bad_threshold_is_a_dutch_error(plan, threshold):
    with pytest.raises(GebiedError, match="drempel"):
        render_report(plan["layers"], metrics=None, comparison=None, planning_levels=None,
                      cooperation_matrix=None, signal_counts=None, flag_summary=None, settings={},
                      threshold=threshold)


def test_bad_layer_is_a_dutch_error():
    with pytest.raises(GebiedError, match="laag 'clusters'"):
        render_report({"clusters": [1, 2]}, metrics=None, comparison=None, planning_levels=None,
                      cooperation_matrix=None, signal_counts=None, flag_summary=None, settings={})


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm ontbreekt")
def test_first_pages_rendered_to_png(rendered, artefacts: Path):
    pdf = rendered["dir"] / "rapport.pdf"
    pngs = render_pages(pdf, artefacts / "rapport_pagina", 1, 2, dpi=60)
    assert len(pngs) == 2
    for png in pngs:
        assert_page_image(png, dpi=60)
    assert pngs[0].read_bytes() != pngs[1].read_bytes()
    # what those pages hold: the title page, then the contents listing every chapter
    texts = page_texts(pdf)
    assert TITLE in texts[0] and "FICTIEF" in texts[0]
    assert "Peildatum gegevens" in texts[0] and PEILDATUM in texts[0]
    # the contents on page 2 list every chapter with the page it really starts on, in order
    assert texts[1].startswith("Inhoud")
    pages = chapter_pages(texts)
    assert [h for h, (listed, found) in pages.items() if found is None or listed != found] == [], pages
    assert list(pages.values()) == sorted(pages.values())
