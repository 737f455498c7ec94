"""The map renderers of ``gebied plan``: which map files a plan run writes, and how."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from gebied.maps.aggregate import aggregate_public
from gebied.maps.municipal import municipal_map
from gebied.maps.plan import (
    period_labels,
    plain_layers,
    plan_info,
    save_map,
)
from gebied.maps.public import public_map
from gebied.privacy import public_level


def plan_renderers() -> dict[str, object]:
    """Renderers for ``gebied plan``: ``{filename: render(layers, settings, path)}``.

    Writes ``kaart.html`` (municipal map) and ``kaart_publiek.html`` (public map).
    """
    def _level(layers: dict[str, pd.DataFrame], settings) -> str:
        return public_level(layers["gebieden"], settings.uitvoer.niveau or settings.cluster.gebied)

    def _date(layers: dict[str, pd.DataFrame], settings) -> str:
        return settings.uitvoer.peildatum or plan_info(layers).get("peildatum") or "onbekend"

    def render_municipal(layers: dict[str, pd.DataFrame], settings, path: Path) -> None:
        layers = plain_layers(layers)
        html = municipal_map(layers, level=_level(layers, settings), title=settings.uitvoer.titel, data_date=_date(layers, settings))
        save_map(html, path)

    def render_public(layers: dict[str, pd.DataFrame], settings, path: Path) -> None:
        layers = plain_layers(layers)
        labels = period_labels(layers)
        agg = aggregate_public(layers, level=_level(layers, settings), threshold=settings.uitvoer.drempel, labels=labels)
        html = public_map(agg, labels=labels, title=f"{settings.uitvoer.titel}: openbare kaart", data_date=_date(layers, settings))
        save_map(html, path)

    return {"kaart.html": render_municipal, "kaart_publiek.html": render_public}
