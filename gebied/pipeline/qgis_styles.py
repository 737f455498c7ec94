"""QGIS styles for plan.gpkg, stored in the GeoPackage's ``layer_styles`` table.

QGIS reads the default style of a layer from that table when the GeoPackage is opened,
so municipal GIS staff see phases, start periods, progress and flag severity coloured
at once. Written deterministically (a fixed ``update_time``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import quoteattr

from gebied.codes import NCG_FASE_OMSCHRIJVING, NCG_FASEN

PHASE_COLOURS = ("#d73027", "#f46d43", "#fdae61", "#fee08b", "#d9ef8b", "#a6d96a", "#66bd63", "#1a9850")
OUTSIDE_COLOUR = "#bdbdbd"
SEVERITY_COLOURS = {1: "#fddbc7", 2: "#ef8a62", 3: "#b2182b"}
FIXED_TIME = "2000-01-01T00:00:00Z"


def _rgba(hex_colour: str, alpha: int = 255) -> str:
    h = hex_colour.lstrip("#")
    return f"{int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha}"


def _options(values: dict[str, str]) -> str:
    inner = "".join(f'<Option name="{k}" type="QString" value={quoteattr(v)}/>' for k, v in values.items())
    return f'<Option type="Map">{inner}</Option>'


def _symbol(kind: str, name: str, colour: str) -> str:
    if kind == "marker":
        layer = ("SimpleMarker", {"color": _rgba(colour), "name": "circle", "size": "2",
                                  "outline_color": "35,35,35,255", "outline_width": "0.2"})
    elif kind == "line":
        layer = ("SimpleLine", {"line_color": _rgba(colour), "line_width": "0.6", "line_style": "solid"})
    else:
        layer = ("SimpleFill", {"color": _rgba(colour, 150), "style": "solid",
                                "outline_color": "60,60,60,255", "outline_width": "0.3"})
    cls, opts = layer
    return (
        f'<symbol type="{kind}" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">'
        f'<layer class="{cls}" enabled="1" pass="0" locked="0">{_options(opts)}</layer></symbol>'
    )


def categorized_qml(attribute: str, kind: str, categories: Sequence[tuple[str, str, str]]) -> str:
    """QML of a categorized renderer: ``categories`` are (value, label, colour)."""
    cats = "".join(
        f'<category symbol="{i}" value={quoteattr(v)} label={quoteattr(lab)} render="true"/>'
        for i, (v, lab, _c) in enumerate(categories)
    )
    symbols = "".join(_symbol(kind, str(i), c) for i, (_v, _l, c) in enumerate(categories))
    return _wrap(
        f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(attribute)} symbollevels="0" '
        f'enableorderby="0" forceraster="0"><categories>{cats}</categories><symbols>{symbols}</symbols></renderer-v2>'
    )


def graduated_qml(attribute: str, kind: str, ranges: Sequence[tuple[float, float, str, str]]) -> str:
    """QML of a graduated renderer: ``ranges`` are (lower, upper, label, colour)."""
    rng = "".join(
        f'<range symbol="{i}" lower="{lo}" upper="{hi}" label={quoteattr(lab)} render="true"/>'
        for i, (lo, hi, lab, _c) in enumerate(ranges)
    )
    symbols = "".join(_symbol(kind, str(i), c) for i, (_lo, _hi, _l, c) in enumerate(ranges))
    return _wrap(
        f'<renderer-v2 type="graduatedSymbol" attr={quoteattr(attribute)} graduatedMethod="GraduatedColor" '
        f'symbollevels="0" enableorderby="0" forceraster="0"><ranges>{rng}</ranges><symbols>{symbols}</symbols></renderer-v2>'
    )


def _wrap(renderer: str) -> str:
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
        f'<qgis version="3.28.0" styleCategories="Symbology">{renderer}<blendMode>0</blendMode></qgis>'
    )


def _ramp(n: int) -> list[str]:
    """``n`` colours from dark purple (early) to yellow (late), like the maps."""
    stops = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
    out = []
    for k in range(n):
        t = k / max(n - 1, 1) * (len(stops) - 1)
        i = min(int(t), len(stops) - 2)
        f = t - i
        rgb = [round(a + (b - a) * f) for a, b in zip(stops[i], stops[i + 1], strict=True)]
        out.append("#" + "".join(f"{c:02x}" for c in rgb))
    return out


def plan_styles(n_periods: int) -> dict[str, tuple[str, str]]:
    """Default style per plan layer: ``{layer: (style name, QML)}``."""
    phases = [(f, f"{f} {NCG_FASE_OMSCHRIJVING[f]}" if f != "gereed" else "gereed", c)
              for f, c in zip(NCG_FASEN, PHASE_COLOURS, strict=True)]
    phases.append(("", "niet in het programma", OUTSIDE_COLOUR))
    step = max(1, -(-n_periods // 8))
    bounds = list(range(1, max(n_periods, 1) + 1, step))
    colours = _ramp(len(bounds))
    ranges = [(lo - 0.5, min(lo + step - 1, max(n_periods, 1)) + 0.5, f"start periode {lo}–{min(lo + step - 1, max(n_periods, 1))}", c)
              for lo, c in zip(bounds, colours, strict=True)]
    progress = [(-0.001, 0.25, "0–25% gereed", "#f7fcf5"), (0.25, 0.5, "25–50% gereed", "#c7e9c0"),
                (0.5, 0.75, "50–75% gereed", "#74c476"), (0.75, 1.0, "75–100% gereed", "#238b45")]
    severity = [(str(k), f"ernst {k}", c) for k, c in SEVERITY_COLOURS.items()]
    return {
        "adressen": ("fase", categorized_qml("ncg_fase", "marker", phases)),
        "clusters": ("startperiode", graduated_qml("start_periode", "fill", ranges)),
        "gebieden": ("voortgang", graduated_qml("aandeel_gereed", "fill", progress)),
        "vlaggen": ("ernst", categorized_qml("ernst", "line", severity)),
    }


def write_styles(gpkg: str | Path, styles: dict[str, tuple[str, str]]) -> None:
    """Store ``styles`` as the default QGIS styles in the ``layer_styles`` table of ``gpkg``."""
    con = sqlite3.connect(gpkg)
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), "
            "f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, "
            "useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME)"
        )
        con.execute(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
            "VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS-stijlen', ?)",
            (FIXED_TIME,),
        )
        geometry_columns = dict(con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
        for layer, (name, qml) in styles.items():
            if layer not in geometry_columns:
                continue
            con.execute("DELETE FROM layer_styles WHERE f_table_name = ?", (layer,))
            con.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
                "VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', '', ?)",
                (layer, geometry_columns[layer], name, qml, f"gebied: standaardstijl {name}", FIXED_TIME),
            )
        con.commit()
    finally:
        con.close()
