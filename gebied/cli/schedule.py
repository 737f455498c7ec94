"""CLI command ``gebied planning``: schedule treintjes under capacity, compare strategies."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Optional

import pandas as pd
import pyogrio
import typer
from rich.table import Table

from gebied.cli.common import command, console, parse_mapping
from gebied.codes import STRATEGIES
from gebied.errors import GebiedError
from gebied.frames import fmt_num, fmt_pct
from gebied.io import read_raw_table, read_vector, write_table
from gebied.outdir import atomic_dir
from gebied.schedule.run import advise, compare, schedule
from gebied.validate import validate_addresses

#: Metrics shown in the comparison table, with Dutch labels.
TABLE_METRICS = {
    "gereed_gemiddeld_P50": "gereed gem. P50",
    "gereed_p90_P50": "gereed p90 P50",
    "gereed_gemiddeld": "gereed gem. alle",
    "gereed_p90": "gereed p90 alle",
    "buur_ongelijkheid": "buur-ongelijkheid",
    "grootste_stuwmeer": "grootste stuwmeer",
    "aandeel_vol_uitvoering": "perioden vol (uitv.)",
    "duidelijkheid_gemiddeld": "duidelijkheid gem.",
    "doorlooptijd_gemiddeld": "doorlooptijd gem.",
    "wachttijd_gemiddeld": "wachttijd gem.",
    "verzoek_wachttijd_gemiddeld": "wachttijd verzoeken",
}


def read_clustered(path: Path) -> pd.DataFrame:
    """Read a ``gebied cluster`` output: a GeoPackage (layer ``adressen``) or an address file."""
    if not path.exists():
        raise GebiedError("bestand niet gevonden", file=str(path))
    if path.suffix.lower() == ".gpkg":
        layers = [name for name, _ in pyogrio.list_layers(path)]
        raw = read_vector(path, layer="adressen" if "adressen" in layers else None)
        first = 1
    else:
        raw, first = read_raw_table(path)
    if "cluster_id" not in raw.columns:
        raise GebiedError("kolom 'cluster_id' ontbreekt; gebruik de uitvoer van 'gebied cluster'", file=str(path), column="cluster_id")
    return validate_addresses(raw, file=str(path), first_row=first)


def print_comparison(metrics: dict[str, dict]) -> None:
    """Print the metrics per strategy as a rich table."""
    table = Table(title="Vergelijking van strategieën (perioden)", title_justify="left")
    table.add_column("maatstaf")
    for name in metrics:
        table.add_column(name, justify="right")
    for key, label in TABLE_METRICS.items():
        cells = []
        for m in metrics.values():
            v = m.get(key, float("nan"))
            cells.append("–" if isinstance(v, float) and math.isnan(v) else (fmt_num(v, decimals=2) if isinstance(v, float) else str(v)))
        table.add_row(label, *cells)
    console.print(table)


def _json_safe(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@command
def planning(
    geclusterd: Annotated[Path, typer.Argument(help="Uitvoer van 'gebied cluster' (GeoPackage met laag adressen, of adresbestand met cluster_id).")],
    uit: Annotated[Path, typer.Option("--uit", "-u", help="Uitvoermap (adressen.csv, clusters.csv, perioden.csv, metrics.json).")],
    capaciteit: Annotated[str, typer.Option("--capaciteit", help="Adressen per periode per fase, bijvoorbeeld opname=400,beoordeling=400,uitvoering=150.")] = "opname=400,beoordeling=400,uitvoering=150",
    capaciteit_bestand: Annotated[Path | None, typer.Option("--capaciteit-bestand", help="CSV met kolommen periode, opname, beoordeling, uitvoering: capaciteit vanaf die periode.")] = None,
    periode: Annotated[str, typer.Option("--periode", help="Lengte van een periode: maand, kwartaal, halfjaar of jaar.")] = "kwartaal",
    strategie: Annotated[str, typer.Option("--strategie", help="plan (clusters, geoptimaliseerd), risico (adres voor adres) of gebied (hele clusters, gebied voor gebied).")] = "plan",
    vast: Annotated[Path | None, typer.Option("--vast", help="CSV van de stuurgroep: cluster_id of gebied_code met prioriteit en/of start_periode.")] = None,
    start: Annotated[str, typer.Option("--start", help="Eerste periode, bijvoorbeeld 2027-K1.")] = "2027-K1",
    gewicht: Annotated[Optional[float], typer.Option("--gewicht", help="plan: gewicht van veiligheid (P50 eerst) tegenover gelijkheid tussen buren, 0 … 1; zonder deze optie kiest plan zelf de meest gelijke planning binnen de veiligheidsgrenzen.")] = None,
    werk_aandeel: Annotated[float | None, typer.Option("--werk-aandeel", help="Verwacht aandeel met maatregelen bij onbekende uitkomst (standaard: uit de data).")] = None,
    doorstroom: Annotated[str, typer.Option("--doorstroom", help="Strategieën waarin treintjes doorstromen (fasen in opeenvolgende perioden), bv. plan,gebied; 'geen' voor geen.")] = "plan,gebied",
    verzoeken: Annotated[Path | None, typer.Option("--verzoeken", help="CSV met verzoeken: adres_id (of x en y), soort (opname_op_verzoek of herbeoordeling), datum.")] = None,
    reserve: Annotated[str | None, typer.Option("--reserve", help="Capaciteit per periode die vrij blijft voor verzoeken, bv. opname=20,beoordeling=20.")] = None,
    verzoek_termijn: Annotated[int, typer.Option("--verzoek-termijn", help="Perioden die een verzoek hooguit mag wachten.")] = 2,
    doel_periode: Annotated[int | None, typer.Option("--doel-periode", help="Capaciteitsadvies: de kleinste capaciteit waarmee alles in deze periode (nummer) gereed is.")] = None,
    vergelijk: Annotated[bool, typer.Option("--vergelijk", help="Reken alle strategieën door en toon de vergelijking.")] = False,
) -> None:
    """Plan de treintjes binnen de capaciteit per fase en periode, en vergelijk strategieën."""
    if strategie not in STRATEGIES:
        raise GebiedError(f"onbekende strategie '{strategie}'; kies uit {', '.join(STRATEGIES)}")
    cap = str(capaciteit_bestand) if capaciteit_bestand else parse_mapping(capaciteit, option="--capaciteit")
    addresses = read_clustered(geclusterd)
    flow = parse_flow(doorstroom)
    options = dict(
        periode=periode, start=start, fixed=str(vast) if vast else None, works_share=werk_aandeel,
        reserve=parse_mapping(reserve, option="--reserve") if reserve else None,
        requests=str(verzoeken) if verzoeken else None, request_target=verzoek_termijn,
    )
    if vergelijk:
        runs = compare(addresses, None, cap, lead=strategie, flow=flow, weight=gewicht, **options)
    else:
        runs = {strategie: schedule(addresses, None, cap, strategy=strategie, flow=strategie in flow, weight=gewicht, **options)}
    advice = None
    if doel_periode is not None:
        if capaciteit_bestand:
            raise GebiedError("--doel-periode werkt met --capaciteit, niet met --capaciteit-bestand")
        advice = advise(addresses, None, cap, target=doel_periode, strategy=strategie, flow=strategie in flow, weight=gewicht, **options)
    main = runs[strategie]
    metrics = {name: {k: _json_safe(v) for k, v in r.metrics.items()} for name, r in runs.items()}
    with atomic_dir(uit) as tmp:
        write_table(main.addresses, tmp / "adressen.csv")
        write_table(main.clusters, tmp / "clusters.csv")
        write_table(main.periods, tmp / "perioden.csv")
        payload = {"strategie": strategie, "periode": periode, "start": start, "strategieen": metrics}
        if advice is not None:
            payload["capaciteitsadvies"] = advice
        if main.requests is not None:
            write_table(main.requests, tmp / "verzoeken.csv")
        (tmp / "metrics.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    m = main.metrics
    console.print(
        f"Planning '{strategie}': {m['adressen']} adressen in {main.clusters.shape[0]} clusters, "
        f"laatste periode {m['laatste_periode']}, gemiddeld gereed in periode {fmt_num(m['gereed_gemiddeld'])}"
    )
    if main.requests is not None and len(main.requests):
        r = main.metrics
        console.print(
            f"Verzoeken: {r['verzoeken']}, gemiddeld {fmt_num(r['verzoek_wachttijd_gemiddeld'])} perioden wachttijd, "
            f"{fmt_pct(r['verzoeken_binnen_termijn'], decimals=0)} binnen de termijn van {verzoek_termijn} perioden"
        )
    if advice is not None:
        print_advice(advice)
    if vergelijk:
        print_comparison(metrics)
    console.print(f"Geschreven: {uit}")


def parse_flow(text: str) -> list[str]:
    """The strategies of ``--doorstroom`` ("geen" for none)."""
    names = [] if text.strip().lower() == "geen" else [t.strip() for t in text.split(",") if t.strip()]
    unknown = [n for n in names if n not in STRATEGIES]
    if unknown:
        raise GebiedError(f"--doorstroom: '{unknown[0]}' is geen strategie; kies uit {', '.join(STRATEGIES)} of 'geen'")
    return names


def print_advice(advice: dict) -> None:
    """Print the capacity advice in Dutch."""
    cap = ", ".join(f"{k}={v:g}" for k, v in advice["capaciteit"].items())
    console.print(
        f"Met de opgegeven capaciteit is het programma gereed in periode {advice['eind_periode_gegeven']}. "
        f"Capaciteitsadvies voor gereed in periode {advice['doel_periode']}: {cap} per periode "
        f"(factor {fmt_num(advice['factor'], decimals=2)}; gereed in periode {advice['eind_periode']}, "
        f"met 5% minder in periode {advice['eind_periode_bij_5_procent_minder']})."
    )
    if advice.get("capaciteit_per_fase"):
        per = ", ".join(f"{k}={v:g}" for k, v in advice["capaciteit_per_fase"].items())
        console.print(
            f"Kleinste capaciteit per fase voor gereed in periode {advice['doel_periode']}: {per} per periode "
            f"(gereed in periode {advice['eind_periode_per_fase']}; elke fase apart 5% minder haalt het niet)."
            if all(v > advice["doel_periode"] for v in advice["per_fase_5_procent_minder"].values())
            else f"Kleinste capaciteit per fase voor gereed in periode {advice['doel_periode']}: {per} per periode "
            f"(gereed in periode {advice['eind_periode_per_fase']})."
        )
