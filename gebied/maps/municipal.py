"""The municipal map: areas, clusters, flags and every address, with a time slider."""

from __future__ import annotations

import html

import offlinefolium as folium
import pandas as pd
from offlinefolium import plugins

from gebied.frames import fmt_int
from gebied.maps.assets import (
    JsControl,
    JsLayer,
    LeanMap,
    add_base_layers,
    inline_static,
)
from gebied.maps.layers import (
    address_payload,
    address_payload_ids,
    area_index,
    area_payload,
    cluster_payload,
    flag_payload,
    hot_spot_payload,
    progress_by_period,
    with_value,
)
from gebied.maps.plan import check_layers, period_labels, plan_info, to_wgs84
from gebied.maps.style import (
    AANDEEL_VLAG,
    AANTAL_VLAGGEN,
    BRANDHAARD_KLEUREN,
    ERNST_KLEUREN,
    ERNST_ONBEKEND,
    FASE_KLEUREN,
    FASE_LABELS,
    GEREED_KLEUR,
    VOORTGANG,
    period_colors,
    period_legend,
)

NIVEAU_NAMEN = {"buurt": "buurten", "wijk": "wijken", "woonplaats": "woonplaatsen", "gemeente": "gemeenten"}


def new_map(bounds_frame, *, title: str, pad: float = 0.0) -> folium.Map:
    """A lean self-contained map fitted to a frame, with base layers, scale and fullscreen.

    With ``pad`` (degrees) the view is set from the padded bounding box only, so that no
    coordinate of the data itself is written for the view (public map).
    """
    wgs = to_wgs84(bounds_frame)
    minx, miny, maxx, maxy = (float(v) for v in wgs.total_bounds)
    if pad:
        minx, miny, maxx, maxy = (round(minx - pad, 4), round(miny - pad, 4), round(maxx + pad, 4), round(maxy + pad, 4))
    fmap = LeanMap(
        location=[miny, minx] if pad else [(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=12,
        tiles=None,
        control_scale=True,
        prefer_canvas=True,
    )
    fmap.get_root().title = html.escape(title)  # the page template inserts it unescaped
    inline_static(fmap)
    add_base_layers(fmap)
    plugins.Fullscreen(position="topleft", title="Volledig scherm", title_cancel="Volledig scherm sluiten").add_to(fmap)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap


def slider_payload(labels: dict[int, str], *, data_date: str, gereed: list[int] | None) -> dict:
    """Slider steps: 0 = the data date, then the end of each planned period."""
    steps = [f"Nu (peildatum {data_date})" if data_date else "Nu"]
    steps += [labels[p] for p in sorted(labels)]
    return {"labels": steps, "gereed": gereed}


def cumulative_gereed(addresses: pd.DataFrame | None, n_periods: int) -> list[int] | None:
    """Addresses gereed now and by the end of each period, over the whole plan."""
    if addresses is None or "ncg_fase" not in addresses.columns:
        return None
    tmp = addresses.assign(_alles="alles")
    return progress_by_period(tmp, "_alles", n_periods).get("alles")


def municipal_map(
    layers: dict[str, pd.DataFrame],
    *,
    level: str = "buurt",
    title: str | None = None,
    data_date: str | None = None,
) -> str:
    """Build the interactive municipal map as one self-contained HTML page.

    Parameters
    ----------
    layers
        Plan layers as read by :func:`maps.read_plan` (``gebieden`` required; ``adressen``,
        ``clusters``, ``vlaggen``, ``planning`` and ``plan_info`` drawn when present).
    level
        Area level for the choropleths (a value of ``gebieden.niveau``).
    title, data_date
        Title and data date shown on the map; default from ``plan_info``.

    Returns
    -------
    str
        The HTML page (no external scripts or stylesheets; base tiles are fetched online).
    """
    areas = check_layers(layers, level=level)
    info = plan_info(layers)
    title = title or info.get("titel") or "Versterkingsoperatie: gebiedsplan"
    data_date = data_date or info.get("peildatum") or "onbekend"
    labels = period_labels(layers)
    addresses = layers.get("adressen")
    clusters = layers.get("clusters")
    flags = layers.get("vlaggen")

    # open on the addresses, not on every area of the layer (a province-wide PC4 layer)
    fmap = new_map(addresses if addresses is not None and len(addresses) else areas, title=title)
    progress = progress_by_period(addresses, f"{level}_code", max(labels, default=0))
    base = area_payload(areas, labels, progress)
    niveau = NIVEAU_NAMEN.get(level, level)
    for name, mode, classes, key, show in (
        (f"Voortgang per {level} (% gereed)", "voortgang", VOORTGANG, None, True),
        (f"Ongelijkheid per {level} (% adressen met vlag)", "numeriek", AANDEEL_VLAG, "vlag", False),
        (f"Vlaggen per {level} (aantal)", "numeriek", AANTAL_VLAGGEN, "vlaggen", False),
    ):
        data = with_value(base, key) if key else base
        payload = {"geojson": data, "mode": mode, "breaks": classes.breaks, "colors": classes.colors,
                   "format": classes.fmt, "label": classes.caption, "opacity": 0.55}
        JsLayer("areas", payload, name=name, show=show).add_to(fmap)

    n_periods = max(labels, default=0)
    colors = period_colors(n_periods)
    if clusters is not None and not clusters.empty:
        JsLayer(
            "clusters",
            {"geojson": cluster_payload(clusters, labels), "colors": colors, "gereed_color": GEREED_KLEUR},
            name="Clusters (treintjes) naar startperiode",
        ).add_to(fmap)
    hot_spots = layers.get("brandhaarden")
    hot_ids = None
    if hot_spots is not None and not hot_spots.empty:
        hot_ids = hot_spots.sort_values("rang")["brandhaard_id"].astype(str).tolist()
        payload = {"geojson": hot_spot_payload(hot_spots), "kleuren": list(BRANDHAARD_KLEUREN)}
        JsLayer("hotspots", payload, name="Brandhaarden (klik: uitleg en paren buren)").add_to(fmap)
    if flags is not None and not flags.empty:
        ids = None
        if addresses is not None and "adres_id" in addresses:
            ids = address_payload_ids(addresses)
        # pair lines are off by default; a hot spot shows its own on request
        JsLayer("flags", flag_payload(flags, ids, hot_ids), name="Vlaggen: ongelijke behandeling buren (alle paren)", show=False).add_to(fmap)
    if addresses is not None and not addresses.empty:
        JsLayer("points", address_payload(addresses), name="Adressen naar fase").add_to(fmap)

    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    n_addr = 0 if addresses is None else len(addresses)
    JsControl("title", {"title": title, "subtitle": f"Gemeentelijke kaart · peildatum {data_date} · {fmt_int(n_addr)} adressen · {niveau}"}).add_to(fmap)
    JsControl("search", {"placeholder": "Zoek adres, postcode of gebied…", "areas": area_index(layers["gebieden"])}).add_to(fmap)
    if labels:
        JsControl("slider", slider_payload(labels, data_date=data_date, gereed=cumulative_gereed(addresses, n_periods))).add_to(fmap)
    JsControl("legend", municipal_legend(labels, colors, data_date=data_date, fictief=info.get("fictief"))).add_to(fmap)
    JsControl("ready", {}).add_to(fmap)
    return fmap.get_root().render()


def municipal_legend(labels: dict[int, str], colors: list[str], *, data_date: str, fictief: str | None) -> dict:
    """Legend sections of the municipal map (Dutch)."""
    sections = [
        {"title": "Adressen: fase (NCG)", "items": [{"color": c, "label": lab, "shape": "circle"} for c, lab in zip(FASE_KLEUREN, FASE_LABELS, strict=True)]},
        {"title": "Clusters: geplande start", "items": [*period_legend(labels, colors), {"color": GEREED_KLEUR, "label": "gereed (met tijdschuif)"}],
         "note": "Met de tijdschuif: vaag = start later, gestippeld groen = gereed."},
        {"title": VOORTGANG.caption, "svg": VOORTGANG.svg(), "items": VOORTGANG.legend_items()},
        {"title": AANDEEL_VLAG.caption, "items": AANDEEL_VLAG.legend_items()},
        {"title": AANTAL_VLAGGEN.caption, "items": AANTAL_VLAGGEN.legend_items()},
        {"title": "Brandhaarden", "items": [{"color": BRANDHAARD_KLEUREN[0], "label": "de 10 ernstigste", "shape": "square"},
                                              {"color": BRANDHAARD_KLEUREN[1], "label": "overige", "shape": "square"}],
         "note": "Klik op een brandhaard voor uitleg, voorstel en de paren buren."},
        {"title": "Vlaggen: ernst", "items": [*({"color": c, "label": k, "shape": "line"} for k, c in ERNST_KLEUREN.items()), {"color": ERNST_ONBEKEND, "label": "onbekend", "shape": "line"}]},
    ]
    footer = f"Peildatum {data_date}. Vertrouwelijk: bevat adressen."
    if fictief and str(fictief).lower() in ("ja", "true", "1"):
        footer += " Fictieve gegevens (demo)."
    return {"sections": sections, "footer": footer}
