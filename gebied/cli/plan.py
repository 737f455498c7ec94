"""CLI commands ``plan`` and ``demo``: the whole pipeline in one run.

The map renderers are handed in by ``gebied.cli`` (the library never imports ``maps/``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gebied.cli.common import command, console, parse_mapping
from gebied.cli.schedule import parse_flow, print_advice
from gebied.cli.steps import GEBIEDEN_HELP, PROGRAMMA_HELP
from gebied.demo.region import write_demo_inputs
from gebied.frames import fmt_num
from gebied.pipeline import STEPS, PlanResult, Renderer, run_plan
from gebied.settings import PlanSettings, load_settings

RendererFactory = Callable[[], Mapping[str, Renderer]]


def _run(settings: PlanSettings, uit: Path, renderers: Mapping[str, Renderer], *, database: str | None = None) -> PlanResult:
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("start", total=len(STEPS))
        seen: list[str] = []

        def step(name: str) -> None:
            if seen:
                progress.advance(task)
            seen.append(name)
            progress.update(task, description=name)

        result = run_plan(settings, uit, renderers=renderers, progress=step, database=database)
        progress.update(task, completed=len(STEPS), description="klaar")
    _print_result(result, uit)
    return result


COMPARISON_ROWS = {
    "gereed_gemiddeld_P50": "gereed gem. P50 (periode)",
    "gereed_p90_P50": "gereed P90 P50",
    "gereed_gemiddeld": "gereed gem. alle",
    "gereed_p90": "gereed P90 alle",
    "buur_ongelijkheid": "ongelijkheid buren",
    "buur_ongelijkheid_incl_gereed": "idem incl. gereed",
    "grootste_stuwmeer": "grootste stuwmeer",
    "aandeel_vol_uitvoering": "aandeel vol uitvoering",
    "duidelijkheid_gemiddeld": "duidelijkheid gem. (periode)",
    "doorlooptijd_gemiddeld": "doorlooptijd gem.",
    "wachttijd_gemiddeld": "wachttijd tussen fasen gem.",
    "verzoek_wachttijd_gemiddeld": "wachttijd verzoeken gem.",
}


def _print_result(result: PlanResult, uit: Path) -> None:
    table = Table(title="Vergelijking van strategieën (lager is beter, behalve 'aandeel vol')", title_justify="left")
    table.add_column("maatstaf")
    metrics = result.metrics
    for strategy in metrics:
        table.add_column(strategy, justify="right")
    for key, label in COMPARISON_ROWS.items():
        values = [metrics[s].get(key) for s in metrics]
        if all(v is None for v in values):
            continue
        table.add_row(label, *("" if v is None else fmt_num(v, decimals=2) for v in values))
    console.print(table)
    if "capaciteitsadvies" in result.planning_info:
        print_advice(result.planning_info["capaciteitsadvies"])
    elif metrics:
        last = metrics[next(iter(metrics))].get("laatste_periode")
        console.print(f"Met de opgegeven capaciteit is het programma gereed in periode {last}.")
    console.print(f"Geschreven in [bold]{uit}[/]: {', '.join(result.files)}")
    if result.version is not None:
        console.print(f"Planversie {result.version.versie} opgeslagen (invoer {result.version.invoer_hash[:15]}…).")


def plan_command(renderers: RendererFactory) -> Callable[..., None]:
    """Build the ``plan`` command with the given map renderers."""

    @command
    def plan(
        adressen: Annotated[Optional[Path], typer.Argument(help="Adresbestand (of [invoer] adressen in --config).")] = None,
        gebieden: Annotated[Optional[list[str]], typer.Option("--gebieden", "-g", help=GEBIEDEN_HELP)] = None,
        programma: Annotated[Optional[Path], typer.Option("--programma", help=PROGRAMMA_HELP)] = None,
        uit: Annotated[Path, typer.Option("--uit", "-u", help="Uitvoermap: nieuw, leeg of een eerdere uitvoer van gebied; wordt als geheel vervangen als de run slaagt.")] = Path("plan_uitvoer"),
        config: Annotated[Optional[Path], typer.Option("--config", "-c", help="Instellingen (plan.toml); opties op de opdrachtregel gaan voor.")] = None,
        gebied: Annotated[Optional[str], typer.Option("--gebied", help="Gebiedenlaag waarbinnen treintjes vallen (standaard de fijnste).")] = None,
        min_: Annotated[Optional[int], typer.Option("--min", help="Kleinste treintje (standaard 10).")] = None,
        max_: Annotated[Optional[int], typer.Option("--max", help="Grootste treintje (standaard 150).")] = None,
        capaciteit: Annotated[Optional[str], typer.Option("--capaciteit", help="Capaciteit per periode, bv. opname=400,beoordeling=400,uitvoering=150.")] = None,
        periode: Annotated[Optional[str], typer.Option("--periode", help="maand, kwartaal, halfjaar of jaar.")] = None,
        strategie: Annotated[Optional[str], typer.Option("--strategie", help="plan, risico of gebied.")] = None,
        vast: Annotated[Optional[Path], typer.Option("--vast", help="CSV met vaste prioriteiten of startperioden.")] = None,
        start: Annotated[Optional[str], typer.Option("--start", help="Eerste periode, bv. 2027-K1.")] = None,
        doorstroom: Annotated[Optional[str], typer.Option("--doorstroom", help="Strategieën met doorstromende treintjes, bv. plan,gebied; 'geen' voor geen.")] = None,
        verzoeken: Annotated[Optional[Path], typer.Option("--verzoeken", help="CSV met verzoeken (adres_id of x/y, soort, datum).")] = None,
        reserve: Annotated[Optional[str], typer.Option("--reserve", help="Capaciteit per periode vrij voor verzoeken, bv. opname=20,beoordeling=20.")] = None,
        doel_periode: Annotated[Optional[int], typer.Option("--doel-periode", help="Capaciteitsadvies voor gereed in deze periode (nummer).")] = None,
        drempel: Annotated[Optional[int], typer.Option("--drempel", help="Kleinste getal dat publiek getoond wordt (standaard 10, minimaal 5).")] = None,
        publiek_ouder: Annotated[Optional[str], typer.Option("--publiek-ouder", help="Een grover gebiedsniveau dat samen met het openbare niveau gepubliceerd wordt (bv. wijk boven buurt); beide worden samen afgeschermd.")] = None,
        titel: Annotated[Optional[str], typer.Option("--titel", help="Titel van kaart en rapport.")] = None,
        peildatum: Annotated[Optional[str], typer.Option("--peildatum", help="Datum van de gegevens, getoond op kaarten en rapport (bv. 2026-11-01).")] = None,
        geen_pdf: Annotated[bool, typer.Option("--geen-pdf", help="Sla de PDF van het rapport over.")] = False,
        database: Annotated[Optional[str], typer.Option("--database", help="PostgreSQL/PostGIS-opslag (postgresql://…) in plaats van de map <uit>.opslag naast de uitvoer.")] = None,
    ) -> None:
        """Alles in één run: controleren, koppelen, treintjes, vlaggen, signalen, planning, kaarten en rapport."""
        settings = load_settings(config)
        settings.override(
            "invoer", adressen=str(adressen) if adressen else None, gebieden=gebieden or None, programma=str(programma) if programma else None
        )
        settings.override("cluster", gebied=gebied, min=min_, max=max_)
        settings.override(
            "planning",
            capaciteit=parse_mapping(capaciteit, option="--capaciteit") if capaciteit else None,
            periode=periode,
            strategie=strategie,
            vast=str(vast) if vast else None,
            start=start,
            doorstroom=parse_flow(doorstroom) if doorstroom is not None else None,
            verzoeken=str(verzoeken) if verzoeken else None,
            reserve=parse_mapping(reserve, option="--reserve") if reserve else None,
            doel_periode=doel_periode,
        )
        settings.override("uitvoer", drempel=drempel, publiek_ouder=publiek_ouder, titel=titel, peildatum=peildatum, pdf=False if geen_pdf else None)
        _run(settings, uit, renderers(), database=database)

    return plan


def demo_cache() -> Path:
    """Folder where the generated demo inputs are kept."""
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "gebied" / "demo"


def demo_command(renderers: RendererFactory) -> Callable[..., None]:
    """Build the ``demo`` command: ``plan`` on the bundled fictitious demo region."""

    @command
    def demo(
        uit: Annotated[Path, typer.Option("--uit", "-u", help="Uitvoermap.")] = Path("demo_uitvoer"),
        geen_pdf: Annotated[bool, typer.Option("--geen-pdf", help="Sla de PDF van het rapport over.")] = False,
        database: Annotated[Optional[str], typer.Option("--database", help="PostgreSQL/PostGIS-opslag (postgresql://…) in plaats van de map <uit>.opslag naast de uitvoer.")] = None,
    ) -> None:
        """Draai het hele plan op de meegeleverde, fictieve demoregio."""
        console.print("[bold]Demoregio Maarhorn — fictief[/]: gegenereerde adressen en gebieden, geen echte woningen.")
        files = write_demo_inputs(demo_cache())
        settings = PlanSettings()
        settings.invoer.adressen = str(files["adressen"])
        gpkg = files["gebieden"]
        settings.invoer.gebieden = [f"{n}={gpkg}#{n}" for n in ("gemeente", "wijk", "woonplaats", "buurt")]
        settings.cluster.gebied = "buurt"
        settings.uitvoer.titel = "Lokaal plan van aanpak versterking — demoregio Maarhorn (fictief)"
        settings.uitvoer.fictief = True
        settings.uitvoer.peildatum = "2026-11-01 (fictief)"
        settings.uitvoer.pdf = not geen_pdf
        _run(settings, uit, renderers(), database=database)

    return demo
