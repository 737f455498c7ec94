"""The ``gebied`` command line (typer). Commands and options are Dutch.

This is the only module of the library that may reach ``maps/`` and ``api/``: the map
command, the map renderers of ``gebied plan`` and the API server are wired in here.
"""

from __future__ import annotations

import typer

from api import cli_server
from gebied import cli_clusters, cli_flags, cli_i18n, cli_plan, cli_schedule, cli_steps
from maps.cli_kaart import kaart

cli_i18n.install()

app = typer.Typer(
    name="gebied",
    help="Gebiedsgerichte planning van de versterkingsoperatie in Groningen.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def _map_renderers():
    """The map outputs of `gebied plan`, drawn by ``maps/`` (reached only from here)."""
    from maps.plan import plan_renderers

    return plan_renderers()


# the pipeline steps, in the order of DESIGN.md §6
app.command("controleer")(cli_steps.controleer)
app.command("koppel")(cli_steps.koppel)
app.command("cluster")(cli_clusters.cluster)
app.command("vlaggen")(cli_flags.vlaggen)
app.command("signalen")(cli_flags.signalen)
app.command("planning")(cli_schedule.planning)
app.command("kaart")(kaart)
app.command("plan")(cli_plan.plan_command(_map_renderers))
app.command("demo")(cli_plan.demo_command(_map_renderers))
app.command("server")(cli_server.server)
app.command("sleutel")(cli_server.sleutel)


def main() -> None:
    """Entry point of the console script."""
    app()
