"""The ``gebied`` command line (typer). Commands and options are Dutch.

This is the only module of the library that may reach ``maps/`` and ``api/``.
"""

from __future__ import annotations

import typer

from gebied import cli_i18n, cli_plan, cli_steps

cli_i18n.install()
from gebied import cli_flags
from gebied import cli_clusters
from api import cli_server

app = typer.Typer(
    name="gebied",
    help="Gebiedsgerichte planning van de versterkingsoperatie in Groningen.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

app.command("controleer")(cli_steps.controleer)
app.command("koppel")(cli_steps.koppel)
# --- further step commands are registered below this line ---
from gebied import cli_schedule  # noqa: E402
app.command("planning")(cli_schedule.planning)
from maps.cli_kaart import kaart  # noqa: E402
app.command("kaart")(kaart)
app.command("cluster")(cli_clusters.cluster)
app.command("server")(cli_server.server)
app.command("sleutel")(cli_server.sleutel)
app.command("vlaggen")(cli_flags.vlaggen)
app.command("signalen")(cli_flags.signalen)


def _map_renderers():
    """The map outputs of `gebied plan`, drawn by ``maps/`` (reached only from here)."""
    from maps.plan import plan_renderers

    return plan_renderers()


app.command("plan")(cli_plan.plan_command(_map_renderers))
app.command("demo")(cli_plan.demo_command(_map_renderers))


def main() -> None:
    """Entry point of the console script."""
    app()
