"""Static map images per area for the report: clusters coloured by start period.

No base tiles (the report is built offline): the area outline, the addresses as small
grey dots and the clusters (treintjes) filled by the period in which they start.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import BoundaryNorm, ListedColormap

from gebied.report.charts import chart_style, new_figure, png_data_uri

MAX_AREAS = 15


def choose_map_level(gebieden: pd.DataFrame | None, *, max_areas: int = MAX_AREAS) -> str | None:
    """The area level for the maps and the public section.

    ``woonplaats`` when present with at most ``max_areas`` areas; otherwise the finest
    level (most areas) that has at most ``max_areas``; otherwise the coarsest level.
    """
    if gebieden is None or gebieden.empty or "niveau" not in gebieden:
        return None
    counts = gebieden["niveau"].astype(str).value_counts()
    if 0 < counts.get("woonplaats", 0) <= max_areas:
        return "woonplaats"
    fitting = counts[counts <= max_areas]
    if not fitting.empty:
        # the finest fitting level; ties broken by name for a stable choice
        return sorted(fitting.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return sorted(counts.items(), key=lambda kv: (kv[1], kv[0]))[0][0]


def _scale_bar(ax, bounds: tuple[float, float, float, float]) -> None:
    xmin, ymin, xmax, ymax = bounds
    width = xmax - xmin
    target = width / 4
    nice = [n * 10**e for e in range(0, 6) for n in (1, 2, 5)]
    length = max([n for n in nice if n <= target] or [nice[0]])
    x0 = xmin + width * 0.04
    y0 = ymin + (ymax - ymin) * 0.04
    ax.plot([x0, x0 + length], [y0, y0], color="black", lw=2, solid_capstyle="butt")
    text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(x0 + length / 2, y0 + (ymax - ymin) * 0.02, text, ha="center", va="bottom", fontsize=6)


def area_maps(
    layers: dict[str, pd.DataFrame],
    *,
    level: str,
    period_labels: dict[int, str],
    max_areas: int = MAX_AREAS,
) -> list[dict]:
    """One small map per area of ``level``.

    Returns a list of ``{"code", "naam", "image", "clusters"}`` with the image as a PNG
    data URI, at most ``max_areas`` areas (the largest by number of addresses).
    """
    gebieden = layers.get("gebieden")
    if gebieden is None or not isinstance(gebieden, gpd.GeoDataFrame) or gebieden.empty:
        return []
    areas = gebieden[gebieden["niveau"].astype(str) == level].copy()
    areas = areas[areas.geometry.notna() & ~areas.geometry.is_empty]
    if areas.empty:
        return []
    if "aantal_adressen" in areas:
        areas = areas.sort_values(["aantal_adressen", "code"], ascending=[False, True]).head(max_areas)
    areas = areas.sort_values("code")

    clusters = layers.get("clusters")
    if not isinstance(clusters, gpd.GeoDataFrame) or clusters.empty:
        clusters = None
    else:
        clusters = clusters[clusters.geometry.notna() & ~clusters.geometry.is_empty]
    addresses = layers.get("adressen")
    points = addresses.geometry if isinstance(addresses, gpd.GeoDataFrame) and not addresses.empty else None

    starts = (
        clusters["start_periode"].dropna().astype(int)
        if clusters is not None and "start_periode" in clusters
        else pd.Series(dtype=int)
    )
    lo, hi = (int(starts.min()), int(starts.max())) if len(starts) else (1, 1)
    n_colors = hi - lo + 1
    cmap = ListedColormap(colormaps["viridis_r"](np.linspace(0.05, 0.95, max(n_colors, 2)))[:n_colors])
    norm = BoundaryNorm(np.arange(lo - 0.5, hi + 1.5), cmap.N)

    out = []
    for _, area in areas.iterrows():
        geom = area.geometry
        xmin, ymin, xmax, ymax = geom.bounds
        pad = max(xmax - xmin, ymax - ymin) * 0.03 + 10
        bounds = (xmin - pad, ymin - pad, xmax + pad, ymax + pad)
        with chart_style():
            aspect = (bounds[3] - bounds[1]) / max(bounds[2] - bounds[0], 1.0)
            fig = new_figure(8.5, min(max(8.5 * aspect, 4.0), 11.0) + (1.6 if len(starts) else 0.3))
            ax = fig.subplots()
            gpd.GeoSeries([geom], crs=gebieden.crs).plot(ax=ax, facecolor="#f4f4f4", edgecolor="#333333", lw=0.8)
            if points is not None:
                inside = points[points.within(geom)]
                if len(inside):
                    ax.scatter(inside.x, inside.y, s=0.8, color="#8a8a8a", linewidths=0, zorder=2)
            n_clusters = 0
            if clusters is not None:
                reps = clusters.geometry.representative_point()
                sub = clusters[reps.within(geom).to_numpy()]
                # large (rural) clusters first, so that small village clusters stay visible on top
                sub = sub.iloc[np.argsort(-sub.geometry.area.to_numpy(), kind="stable")]
                n_clusters = len(sub)
                if "start_periode" in sub:
                    planned = sub[sub["start_periode"].notna()]
                    unplanned = sub[sub["start_periode"].isna()]
                    if len(planned):
                        planned.plot(ax=ax, column=planned["start_periode"].astype(int), cmap=cmap, norm=norm,
                                     alpha=0.85, edgecolor="white", lw=0.3, zorder=3)
                    if len(unplanned):
                        unplanned.plot(ax=ax, facecolor="none", edgecolor="#666666", hatch="///", lw=0.4, zorder=3)
                elif len(sub):
                    sub.plot(ax=ax, facecolor="#4f81bd", alpha=0.6, edgecolor="white", lw=0.4, zorder=3)
            _scale_bar(ax, bounds)
            ax.set_xlim(bounds[0], bounds[2])
            ax.set_ylim(bounds[1], bounds[3])
            ax.set_aspect("equal")
            ax.set_axis_off()
            if len(starts):
                sm = _mappable(cmap, norm)
                ticks = list(range(lo, hi + 1))
                step = -(-len(ticks) // 5)
                cbar = fig.colorbar(sm, ax=ax, orientation="horizontal", fraction=0.05, pad=0.02, shrink=0.9,
                                    ticks=ticks[::step])
                cbar.ax.set_xticklabels([_label(t, period_labels) for t in ticks[::step]], fontsize=6)
                cbar.minorticks_off()
                cbar.set_label("Startperiode van het cluster", fontsize=7)
            fig.subplots_adjust(left=0.02, right=0.98, top=0.98, bottom=0.14 if len(starts) else 0.02)
            image = png_data_uri(fig)
        out.append({"code": str(area["code"]), "naam": str(area.get("naam", area["code"])),
                    "image": image, "clusters": n_clusters})
    return out


def _label(period: int, labels: dict[int, str]) -> str:
    return "vóór start" if period <= 0 else labels.get(period, str(period))


def _mappable(cmap, norm):
    sm = ScalarMappable(norm=norm, cmap=cmap)
    sm.set_array([])
    return sm
