"""Payloads for the map layers: compact JSON for gebiedkaart.js, popups in Dutch."""

from __future__ import annotations

import html
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebied.codes import NCG_FASEN, RISICOPROFIELEN, UITKOMSTEN
from gebied.flags.rules import FLAG_DESCRIPTIONS
from gebied.frames import fmt_pct
from gebied.maps.plan import to_wgs84
from gebied.maps.style import ERNST_KLEUREN, ERNST_ONBEKEND, FASE_KLEUREN, FASE_LABELS

#: Decimals kept for area and cluster coordinates (5 decimals ≈ 1 m).
DECIMALS = 5


def esc(value: object) -> str:
    """HTML-escaped text; empty for missing values."""
    if value is None or (not isinstance(value, str | list | tuple | dict) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def popup_table(title: str, rows: list[tuple[str, object]], text: str | None = None) -> str:
    """A small Dutch popup: bold title, a two-column table, optional explanation."""
    body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows if esc(v) != "")
    extra = f"<p>{esc(text)}</p>" if text else ""
    return f'<div class="gk-popup"><b>{esc(title)}</b><table>{body}</table>{extra}</div>'


def geojson(frame: gpd.GeoDataFrame, properties: list[dict]) -> dict:
    """FeatureCollection with the given properties and coordinates rounded to DECIMALS."""
    # pointwise: round coordinates only (display), never a topology error on awkward input
    geoms = shapely.set_precision(frame.geometry.values, 10**-DECIMALS, mode="pointwise")
    features = []
    for geom, props in zip(geoms, properties, strict=True):
        if geom is None or geom.is_empty:
            continue
        features.append({"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": props})
    return {"type": "FeatureCollection", "features": features}


def _int(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def label_of(labels: dict[int, str], period: object) -> str:
    p = _int(period)
    if p is None:
        return "niet gepland"
    return labels.get(p, f"periode {p}")


# --------------------------------------------------------------------------- addresses


def _codes(series: pd.Series, values: tuple[str, ...]) -> tuple[list[int], list[str]]:
    """Integer codes for a categorical column, with 'onbekend/leeg' as the last label."""
    lookup = {v: i for i, v in enumerate(values)}
    missing = len(values)
    codes = [lookup.get(v, missing) if isinstance(v, str) else missing for v in series.astype(object)]
    return codes, [*values, "onbekend"]


def address_label(frame: pd.DataFrame) -> pd.Series:
    """'Straat 12a' (or the adres_id where street parts are missing)."""
    def col(name: str) -> pd.Series:
        if name not in frame.columns:
            return pd.Series("", index=frame.index)
        values = frame[name]
        if pd.api.types.is_float_dtype(values):  # read back from a GeoPackage with gaps: 12.0 → 12
            values = values.round().astype("Int64")
        return values.astype("string").fillna("")

    nummer = col("huisnummer") + col("huisletter") + col("toevoeging").map(lambda t: f"-{t}" if t else "")
    label = (col("straat") + " " + nummer).str.strip()
    plaats = col("woonplaats")
    label = label.where(plaats == "", label + ", " + plaats)
    return label.where(label.str.len() > 0, "adres " + frame["adres_id"].astype(str))


def address_payload(addresses: gpd.GeoDataFrame) -> dict:
    """Compact arrays of all addresses for the canvas layer (no GeoJSON, no repeated keys)."""
    pts = to_wgs84(addresses[~addresses.geometry.is_empty & addresses.geometry.notna()])
    scale = 10**DECIMALS
    fase_codes, _ = _codes(pts.get("ncg_fase", pd.Series(pd.NA, index=pts.index)), NCG_FASEN)
    risico, risico_labels = _codes(pts.get("risicoprofiel", pd.Series(pd.NA, index=pts.index)), RISICOPROFIELEN)
    uitkomst, uitkomst_labels = _codes(pts.get("uitkomst", pd.Series(pd.NA, index=pts.index)), UITKOMSTEN)
    cluster = pts["cluster_id"].astype("string") if "cluster_id" in pts else pd.Series(pd.NA, index=pts.index)
    cluster_values = ["geen", *sorted(cluster.dropna().unique())]
    cluster_index = {c: i for i, c in enumerate(cluster_values)}
    gereed = pd.to_numeric(pts.get("gereed_periode", pd.Series(np.nan, index=pts.index)), errors="coerce")
    done_now = pts.get("ncg_fase", pd.Series(pd.NA, index=pts.index)).astype("string") == "gereed"
    gereed_arr = np.where(done_now.fillna(False), 0, gereed.fillna(-1)).astype(int)
    vlaggen = pd.to_numeric(pts.get("aantal_vlaggen", pd.Series(0, index=pts.index)), errors="coerce").fillna(0)
    postcode = pts["postcode"].astype("string").fillna("") if "postcode" in pts else pd.Series("", index=pts.index)
    return {
        "scale": scale,
        "lat": np.round(pts.geometry.y.to_numpy() * scale).astype(int).tolist(),
        "lon": np.round(pts.geometry.x.to_numpy() * scale).astype(int).tolist(),
        "fase": fase_codes,
        "gereed": gereed_arr.tolist(),
        "gereed_index": NCG_FASEN.index("gereed"),
        "colors": list(FASE_KLEUREN),
        "fase_labels": list(FASE_LABELS),
        "id": pts["adres_id"].astype(str).tolist(),
        "adres": address_label(pts).tolist(),
        "pc": postcode.tolist(),
        "risico": risico,
        "risico_labels": risico_labels,
        "uitkomst": uitkomst,
        "uitkomst_labels": uitkomst_labels,
        "cluster": [cluster_index.get(c, 0) if isinstance(c, str) else 0 for c in cluster.astype(object)],
        "clusters": cluster_values,
        "vlaggen": vlaggen.astype(int).tolist(),
    }


# --------------------------------------------------------------------------- areas


def progress_by_period(addresses: pd.DataFrame | None, code_column: str, n_periods: int) -> dict[str, list[int]]:
    """Per area code: addresses gereed now (index 0) and by the end of each period 1..n."""
    if addresses is None or code_column not in addresses.columns or "ncg_fase" not in addresses.columns:
        return {}
    frame = pd.DataFrame(
        {
            "code": addresses[code_column].astype("string"),
            "nu": addresses["ncg_fase"].astype("string") == "gereed",
            "p": pd.to_numeric(addresses.get("gereed_periode", pd.Series(np.nan, index=addresses.index)), errors="coerce"),
        }
    ).dropna(subset=["code"])
    frame["nu"] = frame["nu"].fillna(False)
    out = {}
    for code, grp in frame.groupby("code"):
        now = int(grp["nu"].sum())
        later = grp.loc[~grp["nu"], "p"].dropna().astype(int).to_numpy()
        counts = np.bincount(np.clip(later, 0, n_periods), minlength=n_periods + 1) if len(later) else np.zeros(n_periods + 1, int)
        cum = now + np.cumsum(counts)
        out[str(code)] = [now, *cum[1:].tolist()]
    return out


def area_popup(row: pd.Series, labels: dict[int, str]) -> str:
    """Municipal popup of one area: counts, shares, periods and the plan's explanation."""
    def pct(v: object) -> str | None:
        return None if v is None or pd.isna(v) else fmt_pct(v, decimals=0)

    rows = [
        ("Code", row.get("code")),
        ("Adressen", _int(row.get("aantal_adressen"))),
        ("In het programma", _int(row.get("in_programma"))),
        ("Gereed", _int(row.get("gereed"))),
        ("Aandeel gereed", pct(row.get("aandeel_gereed"))),
        *[(f"Fase {f}", _int(row.get(f"fase_{f}"))) for f in NCG_FASEN[:-1] if f"fase_{f}" in row],
        ("Vlaggen", _int(row.get("aantal_vlaggen"))),
        ("Aandeel met vlag", pct(row.get("aandeel_met_vlag"))),
        ("Start", label_of(labels, row.get("start_periode"))),
        ("Gereed gepland", label_of(labels, row.get("gereed_periode"))),
        ("Planningsniveau", row.get("planningsniveau")),
    ]
    return popup_table(str(row.get("naam", "")), rows, row.get("toelichting") if pd.notna(row.get("toelichting")) else None)


def area_payload(areas: gpd.GeoDataFrame, labels: dict[int, str], progress: dict[str, list[int]]) -> dict:
    """GeoJSON of the areas with popup, tooltip value and progress per period."""
    wgs = to_wgs84(areas, simplify_m=2.0)
    props = []
    for _, row in wgs.iterrows():
        code = str(row["code"])
        n = _int(row.get("in_programma")) or 0
        gereed_nu = _int(row.get("gereed")) or 0
        props.append(
            {
                "naam": str(row["naam"]),
                "code": code,
                "n": n,
                "cum": progress.get(code, [gereed_nu]),
                "vlag": float(row["aandeel_met_vlag"]) if pd.notna(row.get("aandeel_met_vlag")) else None,
                "vlaggen": _int(row.get("aantal_vlaggen")),
                "start": _int(row.get("start_periode")),
                "gereed_p": _int(row.get("gereed_periode")),
                "popup": area_popup(row, labels),
            }
        )
    return geojson(wgs, props)


def with_value(payload: dict, key: str) -> dict:
    """Copy of an area GeoJSON whose features carry ``v`` = property ``key`` (shares the geometry)."""
    feats = [{**f, "properties": {**f["properties"], "v": f["properties"].get(key)}} for f in payload["features"]]
    return {"type": "FeatureCollection", "features": feats}


def area_index(gebieden: gpd.GeoDataFrame) -> list[dict]:
    """Names and bounds of all areas (any level) for the search box."""
    if gebieden.empty:
        return []
    wgs = to_wgs84(gebieden)
    out = []
    for (_, row), (minx, miny, maxx, maxy) in zip(wgs.iterrows(), wgs.geometry.bounds.to_numpy(), strict=True):
        if not np.isfinite(minx):
            continue
        out.append(
            {
                "naam": str(row["naam"]),
                "code": str(row["code"]),
                "soort": str(row["niveau"]),
                "bounds": [[round(miny, DECIMALS), round(minx, DECIMALS)], [round(maxy, DECIMALS), round(maxx, DECIMALS)]],
            }
        )
    return out


# --------------------------------------------------------------------------- clusters and flags


def cluster_payload(clusters: gpd.GeoDataFrame, labels: dict[int, str]) -> dict:
    """GeoJSON of the clusters with start/gereed period, tooltip and a 'why together' popup."""
    wgs = to_wgs84(clusters, simplify_m=1.0)
    props = []
    for _, row in wgs.iterrows():
        risk = ", ".join(
            f"{r} {_int(row.get(f'aantal_{r}'))}" for r in RISICOPROFIELEN if _int(row.get(f"aantal_{r}"))
        )
        start, end = label_of(labels, row.get("start_periode")), label_of(labels, row.get("gereed_periode"))
        rows = [
            ("Adressen", _int(row.get("aantal"))),
            ("Risicomix", risk or None),
            ("Typologie (meest)", row.get("typologie_dominant")),
            ("Gebied", row.get("gebied_code")),
            ("Status", row.get("cluster_status")),
            ("Start", start),
            ("Gereed gepland", end),
        ]
        text = row.get("toelichting") if pd.notna(row.get("toelichting")) else None
        props.append(
            {
                "start": _int(row.get("start_periode")),
                "gereed_p": _int(row.get("gereed_periode")),
                "tip": f"Cluster {row['cluster_id']}: {_int(row.get('aantal')) or '?'} adressen, start {start}",
                "popup": popup_table(f"Cluster {row['cluster_id']}", rows, f"Waarom samen: {text}" if text else None),
            }
        )
    return geojson(wgs, props)


def flag_color(ernst: object) -> str:
    """Colour of a flag by severity (hoog/middel/laag or a number 1–3)."""
    if isinstance(ernst, str) and ernst.lower() in ERNST_KLEUREN:
        return ERNST_KLEUREN[ernst.lower()]
    try:
        level = int(float(ernst))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ERNST_ONBEKEND
    return {3: ERNST_KLEUREN["hoog"], 2: ERNST_KLEUREN["middel"], 1: ERNST_KLEUREN["laag"]}.get(level, ERNST_ONBEKEND)




def address_payload_ids(addresses: pd.DataFrame) -> list[str]:
    """Address ids in the order of ``address_payload`` (rows with a geometry)."""
    keep = ~addresses.geometry.is_empty & addresses.geometry.notna()
    return addresses.loc[keep, "adres_id"].astype(str).tolist()


#: Hot spots drawn in the strongest colour (the report's lead list).
TOP_HOT_SPOTS = 10


def hot_spot_payload(hot_spots: gpd.GeoDataFrame) -> dict:
    """GeoJSON of the hot spots, most severe first: rank, tooltip and a popup with the explanation.

    Each feature's ``h`` is its position in the list; the flag payload refers to it, so that a
    hot spot's pair lines can be shown on request.
    """
    wgs = to_wgs84(hot_spots.sort_values("rang"), simplify_m=1.0)
    props = []
    for h, (_, row) in enumerate(wgs.iterrows()):
        where = " ".join(str(v) for v in (row.get("straat"), row.get("huisnummers")) if isinstance(v, str) and v)
        rows = [("Woningen", _int(row.get("adressen"))), ("Paren buren", _int(row.get("paren"))),
                ("Ernst", row.get("ernst")), ("Gebied", row.get("gebied_code"))]
        title = f"Brandhaard {_int(row.get('rang'))}: {where}"
        props.append({
            "h": h,
            "rang": _int(row.get("rang")),
            "top": (_int(row.get("rang")) or TOP_HOT_SPOTS + 1) <= TOP_HOT_SPOTS,
            "tip": title,
            "popup": popup_table(title, rows, row.get("toelichting") if pd.notna(row.get("toelichting")) else None),
        })
    return geojson(wgs, props)


def flag_payload(flags: gpd.GeoDataFrame, address_ids: list[str] | None = None,
                 hot_spot_ids: list[str] | None = None) -> dict:
    """Compact flag lines: integer coordinate arrays, type and severity codes.

    Popups are composed in the browser from the type's explanation and the two
    addresses' labels (looked up in the address layer); the full ``toelichting`` per
    pair stays in plan.gpkg. Thousands of flags thus cost bytes, not kilobytes, each.
    ``h`` is the position of each flag's hot spot in ``hot_spot_ids`` (-1 when none).
    """
    wgs = to_wgs84(flags[flags.geometry.notna() & ~flags.geometry.is_empty])
    scale = 10**DECIMALS
    start = shapely.get_point(wgs.geometry.values, 0)
    end = shapely.get_point(wgs.geometry.values, -1)
    points = wgs.geometry.geom_type.to_numpy() == "Point"
    start = np.where(points, wgs.geometry.values, start)
    end = np.where(points, wgs.geometry.values, end)
    lat1 = np.round(shapely.get_y(start) * scale).astype(int)
    lon1 = np.round(shapely.get_x(start) * scale).astype(int)
    lat2 = np.round(shapely.get_y(end) * scale).astype(int)
    lon2 = np.round(shapely.get_x(end) * scale).astype(int)
    soort = wgs["vlag"].astype(str).to_numpy()
    soorten = sorted(set(soort))
    index = {s: i for i, s in enumerate(soorten)}
    ernst = pd.to_numeric(wgs.get("ernst"), errors="coerce").fillna(0).astype(int).to_numpy()
    afstand = pd.to_numeric(wgs.get("afstand_m"), errors="coerce").fillna(-1).round().astype(int).to_numpy()
    position = {a: i for i, a in enumerate(address_ids or [])}
    hot = {b: i for i, b in enumerate(hot_spot_ids or [])}

    def where(column: str) -> list[int]:
        if column not in wgs:
            return [-1] * len(wgs)
        return [position.get(a, -1) if isinstance(a, str) else -1 for a in wgs[column].astype(object)]

    return {
        "scale": scale,
        "lat": lat1.tolist(),
        "lon": lon1.tolist(),
        "dlat": (lat2 - lat1).tolist(),
        "dlon": (lon2 - lon1).tolist(),
        "t": [index[s] for s in soort],
        "e": ernst.tolist(),
        "d": afstand.tolist(),
        "a": where("adres_id"),
        "b": where("buur_adres_id"),
        "h": [hot.get(v, -1) if isinstance(v, str) else -1 for v in wgs.get("brandhaard_id", pd.Series(None, index=wgs.index)).astype(object)],
        "soorten": soorten,
        "uitleg": [FLAG_DESCRIPTIONS.get(s, "") for s in soorten],
        "kleuren": [flag_color(k) for k in (0, 1, 2, 3)],
    }


def payload_size(payload: dict) -> int:
    """Size in bytes of a payload as JSON (for tests and the benchmark)."""
    return len(json.dumps(payload, separators=(",", ":")).encode())
