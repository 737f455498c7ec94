"""The ``gebied kaart`` command (registered in :mod:`gebied.cli`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gebied.cli.common import command, console
from gebied.errors import GebiedError
from gebied.frames import fmt_num
from gebied.maps.aggregate import aggregate_public
from gebied.maps.municipal import municipal_map
from gebied.maps.plan import period_labels, plan_info, read_plan, save_map
from gebied.maps.public import public_map
from gebied.privacy import DEFAULT_THRESHOLD, MIN_THRESHOLD


@command
def kaart(
    plan: Annotated[Path, typer.Argument(help="Planbestand (plan.gpkg van 'gebied plan').")],
    uit: Annotated[Path, typer.Option("--uit", "-u", help="Uitvoerbestand (.html), één zelfstandig bestand.")],
    publiek: Annotated[
        bool, typer.Option("--publiek", help="Openbare kaart: alleen cijfers per gebied, kleine aantallen onderdrukt.")
    ] = False,
    niveau: Annotated[
        str, typer.Option("--niveau", help="Gebiedsniveau uit de laag 'gebieden', bijvoorbeeld buurt, wijk of woonplaats.")
    ] = "buurt",
    drempel: Annotated[
        int, typer.Option("--drempel", help="Openbare kaart: aantallen onder deze drempel (en wat ze zou verraden) afschermen als × (minstens 5).")
    ] = DEFAULT_THRESHOLD,
    titel: Annotated[str | None, typer.Option("--titel", help="Titel op de kaart (standaard uit het plan).")] = None,
) -> None:
    """Maak een interactieve kaart van een plan: voor de gemeente, of met --publiek voor bewoners."""
    if drempel < MIN_THRESHOLD:
        raise GebiedError(f"optie --drempel: minstens {MIN_THRESHOLD} (zoals CBS voor kleine gebieden), niet {drempel}")
    try:
        _make(plan, uit, publiek=publiek, niveau=niveau, drempel=drempel, titel=titel)
    except GebiedError as exc:
        if exc.file is None:
            exc.file = str(plan)
        raise


def _make(plan: Path, uit: Path, *, publiek: bool, niveau: str, drempel: int, titel: str | None) -> None:
    layers = read_plan(plan)
    info = plan_info(layers)
    data_date = info.get("peildatum", "onbekend")
    labels = period_labels(layers)
    if publiek:
        aggregates = aggregate_public(layers, level=niveau, threshold=drempel, labels=labels)
        html = public_map(aggregates, labels=labels, title=titel or info.get("titel") or "Versterking: planning per gebied", data_date=data_date)
        extra = f", {len(aggregates)} gebieden"
        if aggregates.attrs.get("verborgen"):
            extra += f", {aggregates.attrs['verborgen']} te kleine gebieden zonder buur niet getoond"
    else:
        html = municipal_map(layers, level=niveau, title=titel, data_date=data_date)
        extra = ""
    save_map(html, uit)
    size = len(html.encode("utf-8")) / 1e6
    soort = "openbare kaart" if publiek else "gemeentelijke kaart"
    console.print(f"Geschreven: {uit} ({soort}, {fmt_num(size)} MB{extra})")
