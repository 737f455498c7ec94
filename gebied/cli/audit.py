"""The ``gebied publiek-toets`` command: attack everything a plan publishes, as an outsider would.

It gathers every figure that the public can see of a plan folder: the publication table
(``publiek`` layer and ``publiek.csv``), the figures on the public map
(``kaart_publiek.html``), the API routes without a key (served in-process from
``plan.gpkg``) and the report's public section (``rapport.html``). Each source must show
exactly the cells of the publication table and nothing more. Then, for every hidden cell,
two linear programmes give the interval an attacker can derive (:mod:`gebied.privacy.audit`).
"""

from __future__ import annotations

import json
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from gebied.cli.common import command, console
from gebied.errors import GebiedError
from gebied.io import read_csv_text
from gebied.maps.plan import plan_info, read_plan
from gebied.privacy import COUNTS, DEFAULT_THRESHOLD, TOTAL, failures, intervals, publish

#: Exit code when the audit finds a leak or a pinned cell.
EXIT_LEAK = 3
Cells = dict[tuple[str, str], int | None]


def _from_records(records, *, source: str) -> Cells:
    out: Cells = {}
    for rec in records:
        for col in COUNTS:
            if col in rec:
                value = rec[col]
                out[(str(rec["code"]), col)] = None if value is None or value == "" or pd.isna(value) else int(float(value))
    return out


def _from_map(path: Path) -> Cells:
    html = path.read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    out: Cells = {}
    for match in re.finditer(r"GK\.\w+\([\w.]+, ", html):
        try:
            payload, _ = decoder.raw_decode(html, match.end())
        except ValueError:
            continue
        features = payload.get("geojson", {}).get("features", []) if isinstance(payload, dict) else []
        for feature in features:
            props = feature.get("properties", {})
            if "cijfers" in props:
                out |= {(str(props["code"]), c): v for c, v in props["cijfers"].items()}
    return out


def _from_api(plan: Path) -> Cells:
    # start-up cost: FastAPI and the API layer take 0.8 s to import; only this command needs them
    from gebied.api.app import create_app
    from gebied.api.store import open_store

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient

    store = open_store(plan, opslag=False)  # a read-only audit: no plan store beside the plan
    try:
        with TestClient(create_app(store, {})) as client:
            records, url = [], "/gebieden?limit=1000"
            while url:
                body = client.get(url).json()
                records += body["items"]
                url = body["volgende"]
            codes = {str(r["code"]) for r in records} | {m for r in records for m in str(r["code"]).split("+")}
            for code in sorted(codes):
                response = client.get(f"/gebieden/{code}")
                if response.status_code == 200:
                    records.append(response.json())
            features = client.get("/gebieden?formaat=geojson&limit=1000").json()["features"]
            records += [f["properties"] for f in features]
    finally:
        store.close()
    return _from_records(records, source="api")


class _TableParser(HTMLParser):
    """The rows of one HTML table, by its id."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.depth, self.rows, self.cell = table_id, 0, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and (dict(attrs).get("id") == self.table_id or self.depth):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def _from_report(path: Path, codes: list[str]) -> Cells:
    parser = _TableParser("tabel-publiek-gebieden")
    parser.feed(path.read_text(encoding="utf-8"))
    body = [r for r in parser.rows if r and r[0] != "Gebied"]
    out: Cells = {}
    for code, row in zip(codes, body, strict=False):
        for col, text in zip(COUNTS, row[1 : 1 + len(COUNTS)], strict=True):
            out[(code, col)] = None if text == "×" else int(text.replace(".", ""))
    return out


def _compare(name: str, seen: Cells, published: Cells) -> list[str]:
    problems = []
    for cell, value in sorted(seen.items()):
        if cell not in published:
            problems.append(f"{name}: gebied {cell[0]} / {cell[1]} staat niet in de openbare tabel")
        elif value is not None and published[cell] is None:
            problems.append(f"{name}: {cell[0]} / {cell[1]} = {value} is in de openbare tabel afgeschermd")
        elif value is not None and value != published[cell]:
            problems.append(f"{name}: {cell[0]} / {cell[1]} = {value}, de openbare tabel zegt {published[cell]}")
    return problems


@command
def publiek_toets(
    map_: Annotated[Path, typer.Argument(metavar="MAP", help="Uitvoermap van 'gebied plan' (met plan.gpkg).")],
) -> None:
    """Toets alles wat openbaar is (tabel, openbare kaart, API zonder sleutel, rapport) zoals een aanvaller."""
    plan = map_ / "plan.gpkg"
    if not plan.is_file():
        raise GebiedError("plan.gpkg ontbreekt in deze map; geef de uitvoermap van 'gebied plan'", file=str(map_))
    layers = read_plan(plan)
    if "publiek" not in layers:
        raise GebiedError("het plan heeft geen laag 'publiek' (gemaakt met een oudere versie?); draai gebied plan opnieuw", file=str(plan))
    stored = layers["publiek"]
    threshold = int(float(plan_info(layers).get("drempel", DEFAULT_THRESHOLD)))
    nested = stored["binnen"].notna() if "binnen" in stored else pd.Series(False, index=stored.index)
    units = stored[stored["code"] != TOTAL]
    if nested.any():
        level, parent = str(stored.loc[nested, "niveau"].iloc[0]), str(units.loc[~nested[units.index], "niveau"].iloc[0])
    else:
        level, parent = str(units["niveau"].iloc[0]), None
    publication = publish(layers, level=level, threshold=threshold, parent=parent)
    published = _from_records(stored.to_dict("records"), source="tabel")
    expected = _from_records(publication.table.to_dict("records"), source="herberekend")
    problems = _compare("plan.gpkg (laag publiek)", published, expected) + _compare("herberekening", expected, published)
    sources = {"api zonder sleutel": lambda: _from_api(plan)}
    if (map_ / "publiek.csv").is_file():
        sources["publiek.csv"] = lambda: _from_records(read_csv_text(map_ / "publiek.csv").to_dict("records"), source="csv")
    if (map_ / "kaart_publiek.html").is_file():
        sources["kaart_publiek.html"] = lambda: _from_map(map_ / "kaart_publiek.html")
    if (map_ / "rapport.html").is_file():
        codes = [str(c) for c in stored["code"]]
        sources["rapport.html"] = lambda: _from_report(map_ / "rapport.html", codes)
    counted = {}
    for name, collect in sources.items():
        seen = collect()
        counted[name] = sum(v is not None for v in seen.values())
        if not counted[name]:
            problems.append(f"{name}: geen enkel cijfer gevonden (kan deze bron niet toetsen)")
        problems += _compare(name, seen, published)
    found = intervals(publication.values, publication.hidden, publication.structure)
    bad = failures(found, threshold=threshold)
    _report(found, bad, problems, threshold=threshold, units=len(stored) - int((stored["code"] == TOTAL).sum()), sources=counted)
    if problems or not bad.empty:
        raise typer.Exit(code=EXIT_LEAK)


def _report(found: pd.DataFrame, bad: pd.DataFrame, problems: list[str], *, threshold: int, units: int, sources: dict[str, int]) -> None:
    width = found["boven"] - found["onder"]
    small = found[(found["waarde"] > 0) & (found["waarde"] < threshold)]
    listed = ", ".join(f"{name} ({n} cijfers)" for name, n in sources.items())
    console.print(f"Openbare tabel: {units} gebieden en een totaalrij; bronnen getoetst: {listed}.")
    console.print(
        f"{len(found)} afgeschermde cellen, waarvan {len(small)} kleine aantallen (1 tot {threshold}); "
        f"kleinste interval dat een aanvaller overhoudt: {width.min():.0f}" if len(found) else "Geen afgeschermde cellen."
    )
    for line in problems[:20]:
        console.print(f"[red]Lek:[/] {line}")
    if not bad.empty:
        table = Table(title="Cellen die een aanvaller kan terugrekenen", title_justify="left")
        for col in ("gebied", "kolom", "interval", "reden"):
            table.add_column(col)
        for _, r in bad.iterrows():
            table.add_row(str(r["rij"]), str(r["kolom"]), f"{r['onder']:.0f} … {r['boven']:.0f}", str(r["reden"]))
        console.print(table)
    if not problems and bad.empty:
        console.print("[green]Geslaagd:[/] geen afgeschermde cel is terug te rekenen en elk klein aantal houdt een interval "
                      f"van minstens {threshold}.")
