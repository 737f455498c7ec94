"""The ``gebied`` command line (typer). Commands and options are Dutch.

One module per command group. This package is the only place that imports the map and API
layers (:mod:`gebied.maps`, :mod:`gebied.api`): the map command, the map renderers of
``gebied plan`` and the API server are wired in here.
"""

from __future__ import annotations

import typer

from gebied.cli import audit, clusters, flags, i18n, plan, schedule, server, steps
from gebied.cli.kaart import kaart
from gebied.maps.render import plan_renderers

i18n.install()

app = typer.Typer(
    name="gebied",
    help="Gebiedsgerichte planning van de versterkingsoperatie in Groningen.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

# the pipeline steps, in the order in which a plan run takes them
app.command("controleer")(steps.controleer)
app.command("koppel")(steps.koppel)
app.command("cluster")(clusters.cluster)
app.command("vlaggen")(flags.vlaggen)
app.command("signalen")(flags.signalen)
app.command("planning")(schedule.planning)
app.command("kaart")(kaart)
app.command("plan")(plan.plan_command(plan_renderers))
app.command("demo")(plan.demo_command(plan_renderers))
app.command("publiek-toets")(audit.publiek_toets)
app.command("server")(server.server)
app.command("sleutel")(server.sleutel)


def main() -> None:
    """Entry point of the console script."""
    app()
