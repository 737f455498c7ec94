"""CLI commands for the single pipeline steps (controleer, koppel, …).

Each command is a plain function registered on the app in ``gebied.cli``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from gebied.areas.published import apply_hierarchy
from gebied.areas.read import AreaSpec
from gebied.cli.common import command, console
from gebied.codes import JOIN_DISTANCE
from gebied.errors import GebiedError
from gebied.frames import fmt_int
from gebied.inputs import read_inputs
from gebied.io import write_table
from gebied.join import join_areas
from gebied.validate import read_addresses, summarize


def print_summary(addresses, title: str) -> None:
    """Print counts per code column as rich tables."""
    console.print(f"[bold]{title}[/]: {fmt_int(len(addresses))} adressen")
    for column, counts in summarize(addresses).items():
        table = Table(title=column, title_justify="left")
        table.add_column("waarde")
        table.add_column("aantal", justify="right")
        table.add_column("aandeel", justify="right")
        for row in counts.itertuples():
            table.add_row(row.waarde, fmt_int(row.aantal), f"{row.aandeel:.1%}")
        console.print(table)


@command
def controleer(
    adressen: Annotated[Path, typer.Argument(help="Adresbestand (CSV, GeoPackage, GeoJSON of Parquet).")],
) -> None:
    """Controleer een adresbestand en toon een samenvatting."""
    addresses = read_addresses(adressen)
    print_summary(addresses, f"{adressen} is in orde")


def parse_area_specs(specs: list[str]) -> dict[str, AreaSpec]:
    """Parse repeated ``--gebieden`` options."""
    parsed = [AreaSpec.parse(s) for s in specs]
    names = [s.name for s in parsed]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise GebiedError(f"--gebieden: laagnaam '{sorted(dup)[0]}' komt meer dan eens voor")
    return {s.name: s for s in parsed}


GEBIEDEN_HELP = (
    "Gebiedenlaag als NAAM=BESTAND[:CODEKOLOM[:NAAMKOLOM]] (herhaalbaar), bijvoorbeeld "
    "buurt=buurten.gpkg:buurtcode:buurtnaam. Een laag in een GeoPackage kies je met BESTAND#LAAG. "
    "De CBS wijk- en buurtkaart geeft met cbs=wijkenbuurten_2024.gpkg gemeente, wijk en buurt tegelijk."
)
PROGRAMMA_HELP = (
    "Programmalijst (CSV met adres_id en statuskolommen, zonder coördinaten), gekoppeld op BAG-id "
    "aan de adressen, bijvoorbeeld uit bag-light.gpkg."
)


@command
def koppel(
    adressen: Annotated[Path, typer.Argument(help="Adresbestand.")],
    gebieden: Annotated[list[str], typer.Option("--gebieden", "-g", help=GEBIEDEN_HELP)],
    uit: Annotated[Path, typer.Option("--uit", "-u", help="Uitvoerbestand (.gpkg, .csv, .parquet, .geojson).")],
    max_afstand: Annotated[
        float, typer.Option("--max-afstand", help="Adressen buiten alle gebieden gaan naar het dichtstbijzijnde gebied binnen zoveel meter.")
    ] = JOIN_DISTANCE,
    programma: Annotated[Optional[Path], typer.Option("--programma", help=PROGRAMMA_HELP)] = None,
) -> None:
    """Koppel adressen aan een of meer gebiedenlagen (gemeente, wijk, buurt, woonplaats, postcode)."""
    specs = parse_area_specs(gebieden)
    addresses, layers = read_inputs(str(adressen), list(specs.values()), programma=str(programma or ""), max_distance=max_afstand)
    joined = apply_hierarchy(join_areas(addresses, layers, max_distance=max_afstand), layers)
    write_table(joined, uit, layer="adressen")
    for name in layers:
        code = joined[f"{name}_code"]
        dist = joined[f"{name}_afstand_m"]
        console.print(
            f"laag [bold]{name}[/]: {int((dist == 0).sum())} binnen een gebied, "
            f"{int((dist > 0).sum())} naar het dichtstbijzijnde gebied, "
            f"{int(code.isna().sum())} zonder gebied"
        )
    console.print(f"Geschreven: {uit} ({len(joined)} adressen)")
