"""CLI commands ``gebied server`` and ``gebied sleutel`` (registered in gebied.cli)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from gebied.api.auth import create_key
from gebied.cli.common import command, console
from gebied.errors import GebiedError


@command
def server(
    plan: Annotated[
        Path | None, typer.Option("--plan", "-p", help="Het plan (plan.gpkg, uitvoer van gebied plan); de opslag <uit>.opslag ernaast wordt gebruikt.")
    ] = None,
    poort: Annotated[int, typer.Option("--poort", help="TCP-poort.", min=1, max=65535)] = 8000,
    sleutels: Annotated[
        Path | None, typer.Option("--sleutels", help="Sleutelbestand (TOML, met gehashte sleutels); zonder: alleen publiek.")
    ] = None,
    adres: Annotated[str, typer.Option("--adres", help="Netwerkadres om op te luisteren (0.0.0.0 voor alle).")] = "127.0.0.1",
    werkers: Annotated[int, typer.Option("--werkers", help="Aantal werkprocessen (elk laadt het plan in het geheugen).", min=1, max=64)] = 1,
    database: Annotated[
        str | None, typer.Option("--database", help="PostgreSQL/PostGIS-opslag (postgresql://…) in plaats van --plan.")
    ] = None,
) -> None:
    """Start de HTTP-API (OpenAPI-documentatie op /docs) over de nieuwste planversie."""
    import uvicorn

    from gebied.api.app import app_from_paths, freeze_heap

    if (plan is None) == (database is None):
        raise GebiedError("geef --plan (een plan.gpkg) of --database (postgresql://…) op, niet allebei en niet geen van beide")
    app = app_from_paths(plan, sleutels, database=database)
    store = app.state.store
    bron = plan if database is None else "database"
    console.print(
        f"Plan {bron} (versie {store.versie or '–'}): {len(store.addresses)} adressen, {len(store.clusters)} clusters, "
        f"{len(app.state.keys)} sleutel(s). API op http://{adres}:{poort} (documentatie: /docs)"
    )
    if not store.writable:
        console.print("[yellow]Let op:[/] het plan is alleen-lezen; PUT /clusters/…/prioriteit geeft 503.")
    options = {"host": adres, "port": poort, "log_level": "warning", "access_log": False, "server_header": False}
    try:
        if werkers > 1:
            store.close()
            os.environ["GEBIED_PLAN"] = str(Path(plan).resolve()) if plan else ""
            os.environ["GEBIED_DATABASE"] = database or ""
            os.environ["GEBIED_SLEUTELS"] = str(Path(sleutels).resolve()) if sleutels else ""
            uvicorn.run("gebied.api.app:app_from_env", factory=True, workers=werkers, **options)
        else:
            freeze_heap()
            uvicorn.run(app, **options)
    except OSError as exc:
        raise GebiedError(f"kan niet luisteren op {adres}:{poort} ({exc.strerror or exc})") from None
    finally:
        store.close()


@command
def sleutel(
    rol: Annotated[str, typer.Option("--rol", help="gemeente, ncg of img.")],
    sleutels: Annotated[Path, typer.Option("--sleutels", help="Sleutelbestand (TOML); wordt aangemaakt als het nog niet bestaat.")],
    gemeente: Annotated[
        list[str] | None, typer.Option("--gemeente", help="Gemeentecode (herhaalbaar), alleen bij rol gemeente, bv. GM0014.")
    ] = None,
    naam: Annotated[str | None, typer.Option("--naam", help="Naam van de sleutel (voor wie, in het logboek van prioriteiten).")] = None,
) -> None:
    """Maak een nieuwe API-sleutel. De sleutel wordt één keer getoond; alleen de hash wordt bewaard."""
    key = create_key(sleutels, rol=rol, gemeenten=list(gemeente or []), naam=naam)
    console.print(f"Nieuwe sleutel voor rol {rol} opgeslagen (als hash) in {sleutels}.")
    console.print("Bewaar deze sleutel nu; hij wordt niet nog eens getoond:")
    typer.echo(key)
