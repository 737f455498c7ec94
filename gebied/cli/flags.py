"""CLI commands ``vlaggen`` (inequality flags) and ``signalen`` (damage × strengthening)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from gebied.cli.common import command, console
from gebied.codes import NEIGHBOUR_DISTANCE
from gebied.cooperation import (
    GROEPEN,
    cooperation,
    cooperation_matrix,
    damage_shares,
    signal_lists,
)
from gebied.errors import GebiedError
from gebied.flags.rules import FLAG_TYPES, flag_inequality
from gebied.flags.summary import flag_summary, resolve_area_column
from gebied.frames import fmt_int, fmt_pct
from gebied.io import OUTPUT_SUFFIXES, write_layers, write_table
from gebied.neighbours import neighbour_pairs
from gebied.outdir import atomic_dir
from gebied.validate import read_addresses


@command
def vlaggen(
    gekoppeld: Annotated[Path, typer.Argument(help="Adresbestand, bijvoorbeeld de uitvoer van 'gebied koppel'.")],
    uit: Annotated[Path, typer.Option("--uit", "-u", help="Uitvoerbestand (.gpkg, .csv, .parquet, .geojson).")],
    afstand: Annotated[
        float, typer.Option("--afstand", help="Buren: adressen binnen zoveel meter, of in hetzelfde pand.")
    ] = NEIGHBOUR_DISTANCE,
    gebied: Annotated[
        str | None,
        typer.Option(
            "--gebied",
            help="Gebiedskolom (bijvoorbeeld buurt of buurt_code) voor een overzicht per gebied; "
            "in een .gpkg als laag 'vlaggen_per_gebied', anders als apart bestand '<naam>_per_gebied'.",
        ),
    ] = None,
) -> None:
    """Vind ongelijke behandeling tussen buren: verschil in uitkomst, tempo, programma of batch."""
    if afstand < 0:
        raise GebiedError(f"--afstand moet 0 of meer zijn (nu {afstand})", column="afstand")
    suffix = uit.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise GebiedError(f"onbekend uitvoertype '{suffix}'; gebruik {', '.join(OUTPUT_SUFFIXES)}", file=str(uit))
    addresses = read_addresses(gekoppeld)
    if gebied is not None:
        resolve_area_column(addresses, gebied)  # fail before any work
    pairs = neighbour_pairs(addresses, distance=afstand)
    flags = flag_inequality(addresses, distance=afstand, pairs=pairs)
    summary = None
    if gebied is not None:
        summary = flag_summary(addresses, flags, area_column=gebied, distance=afstand, pairs=pairs)
    if suffix == ".gpkg":
        layers = {"vlaggen": flags}
        if summary is not None:
            layers["vlaggen_per_gebied"] = summary
        write_layers(layers, uit)
    else:
        write_table(flags, uit, layer="vlaggen")
        if summary is not None:
            side = uit.with_name(f"{uit.stem}_per_gebied{'.csv' if suffix == '.geojson' else suffix}")
            write_table(summary, side)
            console.print(f"Geschreven: {side} ({len(summary)} gebieden)")
    table = Table(title=f"Vlaggen (buren binnen {afstand:g} m of in hetzelfde pand)", title_justify="left")
    table.add_column("vlag")
    for level in (3, 2, 1):
        table.add_column(f"ernst {level}", justify="right")
    table.add_column("totaal", justify="right")
    for kind in FLAG_TYPES:
        sub = flags[flags["vlag"] == kind]
        table.add_row(kind, *(fmt_int((sub["ernst"] == e).sum()) for e in (3, 2, 1)), fmt_int(len(sub)))
    console.print(table)
    console.print(f"{fmt_int(len(pairs))} buurparen bekeken; Geschreven: {uit} ({fmt_int(len(flags))} vlaggen)")


@command
def signalen(
    gekoppeld: Annotated[Path, typer.Argument(help="Adresbestand, bijvoorbeeld de uitvoer van 'gebied koppel'.")],
    uit: Annotated[Path, typer.Option("--uit", "-u", help="Uitvoermap; wordt in zijn geheel vervangen.")],
) -> None:
    """Schade en versterking samen: samenwerkingsgroepen NCG × IMG en signaallijsten."""
    if uit.exists() and not uit.is_dir():
        raise GebiedError("--uit moet een map zijn, maar is een bestaand bestand", file=str(uit))
    addresses = read_addresses(gekoppeld)
    with_group = cooperation(addresses)
    matrix = cooperation_matrix(addresses)
    shares = damage_shares(addresses)
    lists = signal_lists(addresses)
    with atomic_dir(uit) as tmp:
        write_table(matrix.reset_index(), tmp / "matrix.csv")
        for name, frame in lists.items():
            write_table(frame, tmp / f"{name}.csv")
        groups = with_group[with_group["samenwerkingsgroep"].notna()]
        write_table(groups, tmp / "samenwerkingsgroepen.csv")

    table = Table(title="Adressen per NCG-fase (rijen) en IMG-status (kolommen)", title_justify="left")
    table.add_column("ncg_fase")
    for col in matrix.columns:
        table.add_column(str(col), justify="right")
    for fase, row in matrix.iterrows():
        table.add_row(str(fase), *(fmt_int(v) for v in row))
    console.print(table)
    labels = {"geen_melding": "geen schademelding", "afgehandeld": "melding afgehandeld", "lopend": "lopend dossier", "onbekend": "onbekend"}
    total = int(shares["aantal"].sum())
    console.print(f"Schadestatus van de {fmt_int(total)} adressen in het programma:")
    for key, row in shares.iterrows():
        if key == "onbekend" and row["aantal"] == 0:
            continue
        share = fmt_pct(row["aandeel"])
        console.print(f"  {labels[key]}: {fmt_int(row['aantal'])} ({share})")
    counts = with_group["samenwerkingsgroep"].value_counts()
    console.print("Samenwerkingsgroepen (lopend dossier bij NCG én IMG):")
    for letter, text in GROEPEN.items():
        console.print(f"  {letter}: {fmt_int(counts.get(letter, 0))} — {text}")
    console.print(
        f"Signaallijsten: {', '.join(f'{k} ({fmt_int(len(v))})' for k, v in lists.items())}\nGeschreven: {uit}"
    )
