"""CLI command ``gebied cluster``: form treintjes, or check an edited clustering."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import pandas as pd
import typer
from rich.table import Table

from gebied.cli.common import command, console
from gebied.clusters.check import REGELS, check_clusters, raise_if_missing_clusters
from gebied.clusters.level import planning_level
from gebied.clusters.make import check_sizes, make_clusters
from gebied.clusters.summary import summarize_clusters
from gebied.codes import MAX_CLUSTER_SIZE, MIN_CLUSTER_SIZE, TARGET_CLUSTER_SIZE
from gebied.errors import GebiedError
from gebied.frames import fmt_int, fmt_num, require_column
from gebied.io import OUTPUT_SUFFIXES, write_layers, write_table
from gebied.validate import read_addresses

MAX_ROWS_SHOWN = 30


def _side_path(uit: Path, name: str, *, table: bool = False) -> Path:
    suffix = ".csv" if table and uit.suffix.lower() == ".geojson" else uit.suffix
    return uit.with_name(f"{uit.stem}_{name}{suffix}")


def _check_output(uit: Path) -> None:
    if uit.suffix.lower() not in OUTPUT_SUFFIXES:
        raise GebiedError(
            f"onbekend uitvoertype '{uit.suffix}'; gebruik {', '.join(OUTPUT_SUFFIXES)}", file=str(uit)
        )


def _print_violations(violations: pd.DataFrame) -> None:
    counts = violations["regel"].value_counts()
    table = Table(title="Overtredingen per regel", title_justify="left")
    table.add_column("regel")
    table.add_column("betekenis")
    table.add_column("aantal", justify="right")
    for regel, n in counts.items():
        table.add_row(str(regel), REGELS.get(str(regel), ""), fmt_int(n))
    console.print(table)
    detail = Table(title=f"Eerste {min(len(violations), MAX_ROWS_SHOWN)} overtredingen", title_justify="left")
    for col in ("regel", "cluster_id", "adres_id", "toelichting"):
        detail.add_column(col)
    for row in violations.head(MAX_ROWS_SHOWN).itertuples(index=False):
        detail.add_row(*("" if pd.isna(v) else str(v) for v in row))
    console.print(detail)


@command
def cluster(
    gekoppeld: Annotated[Path, typer.Argument(help="Gekoppeld adresbestand (uitvoer van 'gebied koppel'), of bij --controleer een bewerkt geclusterd bestand.")],
    gebied: Annotated[str, typer.Option("--gebied", help="Gebiedskolom waarbinnen elke cluster moet blijven, bijvoorbeeld buurt_code of woonplaats.")],
    uit: Annotated[Optional[Path], typer.Option("--uit", "-u", help="Uitvoerbestand (.gpkg, .csv, .parquet, .geojson). Bij .gpkg de lagen adressen, clusters en planningsniveau; anders ernaast <naam>_clusters en <naam>_planningsniveau.")] = None,
    minimum: Annotated[int, typer.Option("--min", help="Minimaal aantal adressen per cluster.")] = MIN_CLUSTER_SIZE,
    maximum: Annotated[int, typer.Option("--max", help="Maximaal aantal adressen per cluster.")] = MAX_CLUSTER_SIZE,
    doel: Annotated[int, typer.Option("--doel", help="Gewenste clustergrootte; wordt zo nodig begrensd tot --min en --max.")] = TARGET_CLUSTER_SIZE,
    alle: Annotated[bool, typer.Option("--alle", help="Cluster alle adressen, niet alleen die in het programma (ncg_fase ingevuld en niet gereed).")] = False,
    controleer: Annotated[bool, typer.Option("--controleer", help="Controleer een (bewerkte) clusterindeling op de harde regels; geeft exitcode 2 bij overtredingen.")] = False,
    niveaus: Annotated[Optional[str], typer.Option("--niveaus", help="Gebiedskolommen van grof naar fijn voor het advies over het planningsniveau, bijvoorbeeld woonplaats,wijk_code,buurt_code (standaard: --gebied).")] = None,
) -> None:
    """Vorm treintjes: aaneengesloten clusters van --min tot --max woningen per gebied.

    Een pand wordt nooit gesplitst en een cluster blijft binnen één gebied. Met --controleer
    wordt een bewerkte indeling getoetst aan dezelfde regels.
    """
    check_sizes(minimum, maximum)
    if uit is not None:
        _check_output(uit)
    addresses = read_addresses(gekoppeld)
    require_column(addresses, gebied, file=str(gekoppeld))
    if not alle and "ncg_fase" not in addresses.columns:
        raise GebiedError(
            "kolom 'ncg_fase' ontbreekt, dus geen enkel adres zit in het programma; "
            "gebruik --alle om alle adressen te clusteren",
            file=str(gekoppeld),
            column="ncg_fase",
        )
    if controleer:
        _controleer(addresses, gekoppeld, gebied, minimum, maximum, alle, uit)
        return
    if uit is None:
        raise GebiedError("geef met --uit aan waar de clusters heen moeten")
    levels = [c.strip() for c in niveaus.split(",") if c.strip()] if niveaus else [gebied]
    for col in levels:
        require_column(addresses, col, file=str(gekoppeld))

    start = time.perf_counter()
    clustered = make_clusters(
        addresses, area_column=gebied, min_size=minimum, max_size=maximum, target_size=doel,
        include_all=alle,
    )
    clusters = summarize_clusters(clustered, area_column=gebied)
    levels_table = planning_level(clustered, area_columns=levels)
    seconds = time.perf_counter() - start

    if uit.suffix.lower() == ".gpkg":
        write_layers({"adressen": clustered, "clusters": clusters, "planningsniveau": levels_table}, uit)
        written = [str(uit)]
    else:
        write_table(clustered, uit)
        write_table(clusters, _side_path(uit, "clusters"))
        write_table(levels_table, _side_path(uit, "planningsniveau", table=True))
        written = [str(uit), str(_side_path(uit, "clusters")), str(_side_path(uit, "planningsniveau", table=True))]

    n_in = int(clustered["cluster_id"].notna().sum())
    status = clusters["cluster_status"].value_counts()
    sizes = clusters["aantal"]
    console.print(
        f"[bold]{fmt_int(len(clusters))} clusters[/] voor {fmt_int(n_in)} adressen in {fmt_int(clustered[gebied].nunique())} "
        f"gebieden ({gebied}), in {fmt_num(seconds)} s"
    )
    if len(clusters):
        console.print(
            f"grootte: kleinste {int(sizes.min())}, mediaan {int(sizes.median())}, grootste {int(sizes.max())}; "
            + ", ".join(f"{k}: {fmt_int(v)}" for k, v in status.items())
        )
    adv = levels_table[levels_table["niveau"] == levels[0]]["planningsniveau"].value_counts()
    console.print(
        f"advies planningsniveau per {levels[0]}: " + ", ".join(f"{k}: {fmt_int(v)}" for k, v in adv.items())
    )
    console.print("Geschreven: " + ", ".join(written))


def _controleer(addresses, gekoppeld: Path, gebied: str, minimum: int, maximum: int, alle: bool,
                uit: Path | None) -> None:
    raise_if_missing_clusters(addresses, file=str(gekoppeld))
    violations = check_clusters(
        addresses, area_column=gebied, min_size=minimum, max_size=maximum, include_all=alle
    )
    if uit is not None:
        if uit.suffix.lower() == ".geojson":
            raise GebiedError("de lijst met overtredingen heeft geen geometrie; gebruik .csv, .gpkg of .parquet", file=str(uit))
        write_table(violations, uit, layer="overtredingen")
    n_clusters = int(addresses["cluster_id"].astype("string").replace("", pd.NA).nunique())
    if violations.empty:
        console.print(f"[green]Geen overtredingen[/]: {fmt_int(n_clusters)} clusters voldoen aan alle harde regels.")
        return
    _print_violations(violations)
    console.print(
        f"[bold red]{fmt_int(len(violations))} overtreding(en)[/] in {fmt_int(n_clusters)} clusters."
        + (f" Volledige lijst: {uit}" if uit is not None else "")
    )
    raise typer.Exit(code=2)
