"""The public map for residents' meetings: per area only, small counts suppressed.

:func:`public_map` accepts nothing but the output of :func:`gebied.maps.aggregate.aggregate_public`;
it refuses frames that carry address-level columns or unsuppressed counts.
"""

from __future__ import annotations

import geopandas as gpd
import offlinefolium as folium
import pandas as pd

from gebied.codes import NCG_FASEN
from gebied.maps.aggregate import COUNT_COLUMNS
from gebied.maps.assets import JsControl, JsLayer
from gebied.maps.layers import geojson, label_of, popup_table
from gebied.maps.municipal import new_map, slider_payload
from gebied.maps.plan import to_wgs84
from gebied.maps.style import FASE_LABELS, GEREED_KLEUR, period_colors, period_legend
from gebied.privacy import DEFAULT_THRESHOLD, HIDDEN

#: Columns that betray single addresses; their presence is a programming error.
ADDRESS_COLUMNS = ("adres_id", "pand_id", "straat", "huisnummer", "postcode", "x", "y")

NIVEAU_NAMEN = {"buurt": "buurt", "woonplaats": "dorp of woonplaats", "wijk": "wijk"}


def _check_aggregate(aggregates: gpd.GeoDataFrame) -> None:
    bad = [c for c in ADDRESS_COLUMNS if c in aggregates.columns]
    if bad:
        raise ValueError(f"public_map kreeg adreskolommen {bad}; geef alleen aggregate_public(...) door")
    for col in COUNT_COLUMNS:
        if col in aggregates.columns and not all(isinstance(v, str) for v in aggregates[col]):
            raise ValueError(f"kolom {col} is niet onderdrukt; geef alleen aggregate_public(...) door")
    if not set(aggregates.geometry.geom_type.dropna()) <= {"Polygon", "MultiPolygon"}:
        raise ValueError("public_map tekent alleen vlakken per gebied")


def _popup(row, labels: dict[int, str]) -> str:
    rows = [
        ("Adressen", row["aantal_adressen"]),
        ("In het versterkingsprogramma", row["in_programma"]),
        *[(label, row[f"fase_{f}"]) for f, label in zip(NCG_FASEN, FASE_LABELS, strict=False)],
        ("Verhoogd risico (P50/P90)", row["risico_verhoogd"]),
        ("Adressen met een vlag (verschil met buren)", row["met_vlag"]),
        ("Start gepland", label_of(labels, row["start_periode"])),
        ("Gereed gepland", label_of(labels, row["gereed_periode"])),
    ]
    return popup_table(str(row["naam"]), rows, str(row["toelichting"]))


def public_map(
    aggregates: gpd.GeoDataFrame,
    *,
    labels: dict[int, str] | None = None,
    title: str = "Versterking: planning per gebied",
    data_date: str = "onbekend",
) -> str:
    """Build the public map from per-area aggregates.

    Parameters
    ----------
    aggregates
        The frame of :func:`gebied.maps.aggregate.aggregate_public` (counts as suppressed text).
    labels
        Period number → label (``planning`` layer).
    title, data_date
        Shown in the title and legend.

    Returns
    -------
    str
        Self-contained HTML without any address, coordinate of a home or small count.
    """
    _check_aggregate(aggregates)
    labels = labels or {}
    threshold = aggregates.attrs.get("drempel", DEFAULT_THRESHOLD)
    level = aggregates.attrs.get("niveau", "buurt")
    fmap = new_map(aggregates, title=title, pad=0.001)
    wgs = to_wgs84(aggregates)
    props = []
    for _, row in wgs.iterrows():
        start = row["start_periode"]
        props.append(
            {
                "naam": str(row["naam"]),
                "code": str(row["code"]),
                "cijfers": {c: (None if row[c] == HIDDEN else int(row[c].replace(".", ""))) for c in COUNT_COLUMNS},
                "start": None if pd.isna(start) else int(start),
                "gereed_p": None if pd.isna(row["gereed_periode"]) else int(row["gereed_periode"]),
                "popup": _popup(row, labels),
            }
        )
    n_periods = max(labels, default=0)
    colors = period_colors(n_periods)
    payload = {"geojson": geojson(wgs, props), "mode": "periode", "colors": colors, "gereed_color": GEREED_KLEUR,
               "label": "Planning", "opacity": 0.6}
    JsLayer("areas", payload, name=f"Planning per {NIVEAU_NAMEN.get(level, level)}").add_to(fmap)

    folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    JsControl("title", {"title": title, "subtitle": f"Openbare kaart per {NIVEAU_NAMEN.get(level, level)} · peildatum {data_date}"}).add_to(fmap)
    # no bounds: the search zooms to the drawn outline (bounding-box corners are not published)
    areas = [{"naam": p["naam"], "code": p["naam"], "soort": level} for p in props]
    JsControl("search", {"placeholder": "Zoek uw buurt of dorp…", "areas": areas}).add_to(fmap)
    if labels:
        JsControl("slider", slider_payload(labels, data_date=data_date, gereed=None)).add_to(fmap)
    legend = {
        "sections": [
            {"title": "Geplande start van het werk", "items": [*period_legend(labels, colors), {"color": "#bdbdbd", "label": "nog niet gepland"},
                                                              {"color": GEREED_KLEUR, "label": "gereed (met de tijdschuif)"}]},
        ],
        "footer": (
            f"Peildatum {data_date}. Alleen cijfers per gebied; aantallen van 1 tot {threshold} en aantallen waaruit "
            "die terug te rekenen zouden zijn, staan er als ×. Gebieden met minder dan "
            f"{threshold} adressen zijn samengevoegd met het buurgebied of niet getoond. Klik op een gebied voor de uitleg."
        ),
    }
    JsControl("legend", legend).add_to(fmap)
    JsControl("ready", {}).add_to(fmap)
    return fmap.get_root().render()
