"""Area layers of the demo region: gemeente, wijk, buurt, woonplaats (nested exactly)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebied.demo.layout import (
    RURAL_SPACING,
    footprints,
    grid_seeds,
    settlement_centre,
)
from gebied.demo.spec import FICTIEF_NOTE, GEMEENTE_CODE, GEMEENTE_NAAM, GM, SETTLEMENTS

#: Countryside of a village gets split into north and south above this many cells.
SPLIT_CELLS = 24
TOWN_RURAL_WIJK = len(SETTLEMENTS[0].grids) + 1


def wijk_number(s_idx: int, g_idx: int | None) -> int:
    """Wijk number within the gemeente: town grids 1…4, town countryside 5, villages 6…"""
    if s_idx == 0:
        return TOWN_RURAL_WIJK if g_idx is None else g_idx + 1
    return TOWN_RURAL_WIJK + s_idx


def _seeds(rng: np.random.Generator, outline: shapely.Polygon) -> pd.DataFrame:
    rows = []
    for s_idx, settlement in enumerate(SETTLEMENTS):
        for g_idx, grid in enumerate(settlement.grids):
            x, y, q = grid_seeds(grid)
            rows.append(pd.DataFrame({"x": x, "y": y, "plaats_nr": s_idx, "wijk": wijk_number(s_idx, g_idx),
                                      "buurt": q + 1, "kern": True}))
    xmin, ymin, xmax, ymax = outline.bounds
    gx, gy = np.meshgrid(np.arange(xmin - 400, xmax + 400, RURAL_SPACING),
                         np.arange(ymin - 400, ymax + 400, RURAL_SPACING), indexing="ij")
    gx = gx.ravel() + rng.uniform(-0.35, 0.35, gx.size) * RURAL_SPACING
    gy = gy.ravel() + rng.uniform(-0.35, 0.35, gy.size) * RURAL_SPACING
    pts = shapely.points(gx, gy)
    hulls, owner = footprints()
    dist = np.column_stack([shapely.distance(pts, h) for h in hulls])
    town = shapely.convex_hull(shapely.union_all([h for h, o in zip(hulls, owner) if o == 0]))
    keep = (
        (dist.min(axis=1) > 150.0)
        & ~shapely.contains(town.buffer(150.0), pts)
        & shapely.contains(outline.buffer(400.0), pts)
    )
    nearest = np.asarray(owner)[dist.argmin(axis=1)][keep]
    rows.append(pd.DataFrame({"x": gx[keep], "y": gy[keep], "plaats_nr": nearest, "wijk": 0, "buurt": 0,
                              "kern": False}))
    seeds = pd.concat(rows, ignore_index=True)
    rural = ~seeds["kern"]
    seeds.loc[rural, "wijk"] = [wijk_number(int(s), None) for s in seeds.loc[rural, "plaats_nr"]]
    return seeds


def _rural_buurten(seeds: pd.DataFrame) -> pd.DataFrame:
    """Countryside buurten ("verspreide huizen"): north/south of the village centre."""
    rural = ~seeds["kern"]
    for s_idx in range(len(SETTLEMENTS)):
        mine = rural & (seeds["plaats_nr"] == s_idx)
        first = 1 if s_idx == 0 else 2  # the village core is buurt 01
        if s_idx == 0 or mine.sum() > SPLIT_CELLS:
            north = seeds["y"] > settlement_centre(s_idx)[1]
            seeds.loc[mine & north, "buurt"] = first
            seeds.loc[mine & ~north, "buurt"] = first + 1
        else:
            seeds.loc[mine, "buurt"] = first
    return seeds


def _buurt_name(s_idx: int, wijk: int, buurt: int, kern: bool, split: bool) -> str:
    settlement = SETTLEMENTS[s_idx]
    if kern:
        g_idx = wijk - 1 if s_idx == 0 else 0
        return settlement.grids[g_idx].buurten[buurt - 1]
    base = f"Verspreide huizen {settlement.naam}"
    if not split:
        return base
    first = 1 if s_idx == 0 else 2
    return f"{base}-{'Noord' if buurt == first else 'Zuid'}"


def _wijk_name(s_idx: int, wijk: int) -> str:
    settlement = SETTLEMENTS[s_idx]
    if s_idx == 0:
        if wijk == TOWN_RURAL_WIJK:
            return f"Buitengebied {settlement.naam}"
        return f"{settlement.naam}-{settlement.wijken[wijk - 1]}"
    return settlement.naam


def build_cells(rng: np.random.Generator, outline: shapely.Polygon) -> gpd.GeoDataFrame:
    """Voronoi cells of all seeds, clipped to the gemeente, with their labels."""
    seeds = _rural_buurten(_seeds(rng, outline))
    pts = shapely.multipoints(seeds[["x", "y"]].to_numpy())
    box = shapely.box(*outline.buffer(5_000.0).bounds)
    cells = shapely.get_parts(shapely.voronoi_polygons(pts, extend_to=box, ordered=True))
    cells = shapely.intersection(cells, outline)
    keep = ~shapely.is_empty(cells) & (shapely.area(cells) > 0)
    seeds = seeds[keep].reset_index(drop=True)
    split = seeds[~seeds["kern"]].groupby("plaats_nr")["buurt"].nunique() > 1
    seeds["wijk_code"] = [f"WK{GM}{w:02d}" for w in seeds["wijk"]]
    seeds["buurt_code"] = [f"BU{GM}{w:02d}{b:02d}" for w, b in zip(seeds["wijk"], seeds["buurt"])]
    seeds["buurt_naam"] = [
        _buurt_name(s, w, b, k, bool(split.get(s, False)))
        for s, w, b, k in zip(seeds["plaats_nr"], seeds["wijk"], seeds["buurt"], seeds["kern"])
    ]
    seeds["wijk_naam"] = [_wijk_name(s, w) for s, w in zip(seeds["plaats_nr"], seeds["wijk"])]
    return gpd.GeoDataFrame(seeds, geometry=cells[keep], crs=28992)


def woonplaats_code(s_idx: int) -> str:
    """BAG-style woonplaats code (WP + 4 digits; 99xx does not occur in the BAG)."""
    return f"WP{9901 + s_idx}"


def _dissolve(cells: gpd.GeoDataFrame, key: str, names: dict[str, str]) -> tuple[list, list, list]:
    codes, geoms = [], []
    for code, group in cells.groupby(key, sort=True):
        codes.append(code)
        geoms.append(shapely.coverage_union_all(group.geometry.values))
    return codes, [names[c] for c in codes], geoms


def build_layers(cells: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """The four area layers; every layer tiles the gemeente."""
    cells = cells.copy()
    cells["woonplaats_code"] = [woonplaats_code(s) for s in cells["plaats_nr"]]
    layers: dict[str, gpd.GeoDataFrame] = {}
    gemeente = shapely.coverage_union_all(cells.geometry.values)
    layers["gemeente"] = _frame([GEMEENTE_CODE], [GEMEENTE_NAAM], [gemeente], {})
    wp_names = {woonplaats_code(i): s.naam for i, s in enumerate(SETTLEMENTS)}
    for key, layer, names, extra in (
        ("wijk_code", "wijk", dict(zip(cells["wijk_code"], cells["wijk_naam"])), {}),
        ("buurt_code", "buurt", dict(zip(cells["buurt_code"], cells["buurt_naam"])),
         {"wijk_code": lambda c: "WK" + c[2:8]}),
        ("woonplaats_code", "woonplaats", wp_names, {}),
    ):
        codes, nm, geoms = _dissolve(cells, key, names)
        layers[layer] = _frame(codes, nm, geoms, extra)
    return layers


def _frame(codes, names, geoms, extra) -> gpd.GeoDataFrame:
    data = {"code": pd.array(codes, dtype="string"), "naam": pd.array(names, dtype="string"),
            "gemeente_code": pd.array([GEMEENTE_CODE] * len(codes), dtype="string")}
    for col, fn in extra.items():
        data[col] = pd.array([fn(c) for c in codes], dtype="string")
    data["fictief"] = pd.array([FICTIEF_NOTE] * len(codes), dtype="string")
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs=28992)


def locate(points: np.ndarray, cells: gpd.GeoDataFrame) -> np.ndarray:
    """Position in ``cells`` of the cell holding each point (first hit on a border)."""
    tree = shapely.STRtree(cells.geometry.values)
    p, c = tree.query(points, predicate="intersects")
    order = np.lexsort((c, p))
    p, c = p[order], c[order]
    first = np.ones(len(p), dtype=bool)
    first[1:] = p[1:] != p[:-1]
    out = np.full(len(points), -1, dtype=np.int64)
    out[p[first]] = c[first]
    return out
