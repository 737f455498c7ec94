"""Aggregates for the public map: the plan's publication table, ready to draw.

The public map only ever receives the frame :func:`aggregate_public` returns: the public
units of :func:`gebied.privacy.publish` (the same table as the report's public section, the
API without a key and ``publiek.csv``), every count already turned into display text.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from gebied.errors import GebiedError
from gebied.maps.plan import check_layers
from gebied.privacy import COUNTS, DEFAULT_THRESHOLD, MIN_THRESHOLD, TOTAL, display, publish

#: The counts of an area on the public map (shown as text, hidden cells as ×).
COUNT_COLUMNS: tuple[str, ...] = COUNTS


def aggregate_public(
    layers: dict[str, pd.DataFrame],
    *,
    level: str = "buurt",
    threshold: int = DEFAULT_THRESHOLD,
    labels: dict[int, str] | None = None,
) -> gpd.GeoDataFrame:
    """The public units of the plan with their figures as display text.

    Parameters
    ----------
    layers
        Plan layers: the ``publiek`` layer when present (written by ``gebied plan``),
        otherwise the publication table is computed from ``adressen`` and ``gebieden``.
    level
        Wanted area level when the table is computed here (see :func:`gebied.privacy.public_level`).
    threshold
        The smallest count that may be published; at least 5.
    labels
        Unused; kept for callers that pass the period labels (texts come from the table).

    Returns
    -------
    GeoDataFrame
        EPSG:4326; ``code``, ``naam``, the counts as text (``×`` where hidden),
        ``start_periode``, ``gereed_periode``, ``samengevoegd`` and ``toelichting``.
        ``attrs`` holds ``drempel`` and ``niveau``.
    """
    if int(threshold) < MIN_THRESHOLD:
        raise GebiedError(f"de drempel moet minstens {MIN_THRESHOLD} zijn (zoals CBS), niet {threshold}", column="drempel")
    threshold = int(threshold)
    publiek = layers.get("publiek")
    if publiek is None or len(publiek) == 0:
        check_layers(layers, level=level)
        publiek = publish(layers, level=level, threshold=threshold).table
    units = publiek[publiek["code"].astype(str) != TOTAL]
    if "binnen" in units and units["binnen"].notna().any():  # two levels: the map draws the nested one
        units = units[units["binnen"].notna()]
    units = units.copy()
    if not isinstance(units, gpd.GeoDataFrame):
        raise GebiedError("laag 'publiek' heeft geen geometrie", column="geometry")
    frame = units[["code", "naam", "samengevoegd", "toelichting", units.geometry.name]].copy()
    frame["naam"] = [str(m).replace("; ", " + ") if isinstance(m, str) and m else str(n) for m, n in zip(units["samengevoegd"], units["naam"], strict=True)]
    for col in COUNT_COLUMNS:
        frame[col] = [display(v) for v in units[col]]
    for col in ("start_periode", "gereed_periode"):
        frame[col] = pd.to_numeric(units[col], errors="coerce").round().astype("Int64")
    frame["samengevoegd"] = [str(v) if isinstance(v, str) else "" for v in units["samengevoegd"]]
    frame = frame.to_crs(4326).reset_index(drop=True)  # the published outlines of the table
    frame.attrs = {"drempel": threshold, "niveau": str(units["niveau"].iloc[0]) if len(units) else level}
    return frame
