"""Geometry of the fictitious demo region: outline, street grids, farms and areas.

The areas are built bottom-up so that they nest exactly: one Voronoi diagram over
seed points (block centres of every street grid, so that area borders follow the
streets, plus a jittered grid of seeds in the countryside) is clipped to the gemeente;
each cell gets a woonplaats, wijk and buurt label; every area is the union of its
cells.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import shapely

from gebied.demo.spec import (
    BORDER_ROADS,
    CENTRE,
    HOOGBOUW,
    RADII,
    ROADS,
    SETTLEMENTS,
    TYPOLOGY,
    Grid,
)

CORNER = 10.0  # metres kept free at each crossing
RURAL_SPACING = 320.0  # metres between countryside seeds
FARM_CLEARANCE = 250.0  # metres between farms and a village or town


def gemeente_outline(rng: np.random.Generator) -> shapely.Polygon:
    """A smooth, irregular outline around ``CENTRE`` (radial harmonics)."""
    theta = np.linspace(0.0, 2.0 * np.pi, 360, endpoint=False)
    phases = rng.uniform(0.0, 2.0 * np.pi, 3)
    factor = (
        1.0
        + 0.05 * np.sin(3 * theta + phases[0])
        + 0.03 * np.sin(5 * theta + phases[1])
        + 0.015 * np.sin(11 * theta + phases[2])
    )
    rx, ry = RADII
    x = CENTRE[0] + rx * factor * np.cos(theta)
    y = CENTRE[1] + ry * factor * np.sin(theta)
    return shapely.Polygon(np.column_stack([np.round(x, 2), np.round(y, 2)]))


def grid_size(grid: Grid) -> tuple[float, float]:
    """Width and height of a street grid in metres."""
    return grid.nx * grid.block[0], grid.ny * grid.block[1]


def to_world(grid: Grid, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Grid coordinates (u along the streets, v across, origin at the grid centre) to RD."""
    c, s = math.cos(grid.angle), math.sin(grid.angle)
    x0, y0 = CENTRE[0] + grid.offset[0], CENTRE[1] + grid.offset[1]
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    return x0 + c * u - s * v, y0 + s * u + c * v


def grid_seeds(grid: Grid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Block centres including one ring of blocks around the grid, and their buurt index."""
    bw, bh = grid.block
    w, h = grid_size(grid)
    i, j = np.meshgrid(np.arange(-1, grid.nx + 1), np.arange(-1, grid.ny + 1), indexing="ij")
    i, j = i.ravel(), j.ravel()
    x, y = to_world(grid, -w / 2 + (i + 0.5) * bw, -h / 2 + (j + 0.5) * bh)
    sx, sy = grid.split
    qx = np.clip(i, 0, grid.nx - 1) * sx // grid.nx
    qy = np.clip(j, 0, grid.ny - 1) * sy // grid.ny
    return x, y, qy * sx + qx


class _Panden:
    """Collects buildings (panden) column by column."""

    def __init__(self) -> None:
        self.cols: dict[str, list] = {k: [] for k in (
            "x", "y", "n", "straat_nr", "zijde", "positie", "typologie", "bouwjaar", "indeling"
        )}

    def add(self, x, y, n, straat_nr, zijde, positie, typologie, bouwjaar, indeling) -> None:
        k = len(np.atleast_1d(x))
        for key, val in zip(self.cols, (x, y, n, straat_nr, zijde, positie, typologie, bouwjaar, indeling)):
            self.cols[key].extend(np.broadcast_to(np.asarray(val, dtype=object), (k,)).tolist())

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.cols)
        for col in ("x", "y", "positie"):
            df[col] = df[col].astype(float)
        for col in ("n", "straat_nr", "zijde", "bouwjaar"):
            df[col] = df[col].astype(np.int64)
        return df


def _flat_sizes(rng: np.random.Generator, typologie: str, k: int) -> np.ndarray:
    if typologie == "portiekflat":
        return rng.choice([4, 6, 8, 12, 16], size=k)
    if typologie == "galerijflat":
        return rng.integers(20, 41, size=k)
    return np.ones(k, dtype=np.int64)


def _grid_panden(rng, panden: _Panden, streets: list[dict]) -> None:
    for s_idx, settlement in enumerate(SETTLEMENTS):
        for g_idx, grid in enumerate(settlement.grids):
            bw, bh = grid.block
            w, h = grid_size(grid)
            for j, street in enumerate(grid.streets):
                nr = len(streets)
                streets.append({
                    "straat": street.naam, "plaats_nr": s_idx, "wijk_nr": g_idx,
                    "typologie": street.typologie, "bouwjaar": street.bouwjaar,
                    "plant": street.plant, "landelijk": False,
                })
                front, setback, spread = TYPOLOGY[street.typologie]
                if street.mix:  # two typologies alternate: room for one of each per two plots
                    front = (front + TYPOLOGY[street.mix][0]) / 2
                for side in (0, 1):
                    v = -h / 2 + j * bh + (setback if side == 0 else -setback)
                    us = []
                    for i in range(grid.nx):
                        u0 = -w / 2 + i * bw + CORNER
                        length = bw - 2 * CORNER
                        if street.typologie == "portiekflat":
                            us.extend([u0 + length / 4, u0 + 3 * length / 4])
                        elif street.typologie == "galerijflat":
                            us.append(u0 + length / 2)
                        else:
                            k = int(length // front)
                            us.extend(u0 + (length - k * front) / 2 + front * (0.5 + np.arange(k)))
                    u = np.asarray(us)
                    x, y = to_world(grid, u, np.full(len(u), v))
                    n = _flat_sizes(rng, street.typologie, len(u))
                    indeling = np.full(len(u), "enkel", dtype=object)
                    if street.typologie == "portiekflat":
                        indeling[:] = "portiek"
                    elif street.typologie == "galerijflat":
                        indeling[:] = "galerij"
                    elif street.typologie == "arbeiderswoning":
                        boven = rng.random(len(u)) < 0.12
                        n = np.where(boven, 2, 1)
                        indeling[boven] = "boven"
                    if street.plant == "hoogbouw" and side == 0:
                        mid = len(u) // 2 - 1
                        n[mid: mid + len(HOOGBOUW)] = HOOGBOUW
                    typ = np.full(len(u), street.typologie, dtype=object)
                    if street.mix:
                        typ[1::2] = street.mix
                        spread = max(spread, TYPOLOGY[street.mix][2])
                    year = street.bouwjaar + (rng.integers(-spread, spread + 1, len(u)) if spread else 0)
                    panden.add(np.round(x, 3), np.round(y, 3), n, nr, side, u, typ, year, indeling)


def footprints() -> tuple[list[shapely.Polygon], list[int]]:
    """Convex hull of every street grid (with its ring of blocks) and its settlement."""
    hulls, owner = [], []
    for s_idx, settlement in enumerate(SETTLEMENTS):
        for grid in settlement.grids:
            x, y, _ = grid_seeds(grid)
            hulls.append(shapely.convex_hull(shapely.multipoints(np.column_stack([x, y]))))
            owner.append(s_idx)
    return hulls, owner


def settlement_centre(s_idx: int) -> tuple[float, float]:
    off = SETTLEMENTS[s_idx].grids[0].offset
    return CENTRE[0] + off[0], CENTRE[1] + off[1]


def _road_lines(outline: shapely.Polygon) -> list[tuple[shapely.LineString, str]]:
    lines = [
        (shapely.LineString([settlement_centre(a), settlement_centre(b)]), name) for a, b, name in ROADS
    ]
    inner = outline.buffer(-200.0)
    for s_idx, bearing, name in BORDER_ROADS:
        x0, y0 = settlement_centre(s_idx)
        t = math.radians(bearing)
        ray = shapely.LineString([(x0, y0), (x0 + 30_000 * math.cos(t), y0 + 30_000 * math.sin(t))])
        lines.append((shapely.intersection(ray, inner), name))
    return lines


def _farm_panden(rng, panden: _Panden, streets: list[dict], outline: shapely.Polygon) -> None:
    hulls, _ = footprints()
    keep_out = shapely.union_all([h.buffer(FARM_CLEARANCE) for h in hulls])
    inside = outline.buffer(-150.0)
    for line, name in _road_lines(outline):
        nr = len(streets)
        streets.append({
            "straat": name, "plaats_nr": -1, "wijk_nr": -1, "typologie": "boerderij",
            "bouwjaar": 1900, "plant": None, "landelijk": True,
        })
        length = line.length
        (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
        dx, dy = (x1 - x0) / length, (y1 - y0) / length
        t = rng.uniform(50.0, 250.0)
        while t < length:
            side = int(rng.integers(0, 2))
            sign = 1.0 if side == 0 else -1.0
            offset = rng.uniform(35.0, 60.0)
            px, py = x0 + t * dx - sign * offset * dy, y0 + t * dy + sign * offset * dx
            pt = shapely.Point(px, py)
            if inside.contains(pt) and not keep_out.contains(pt):
                n = 2 if rng.random() < 0.1 else 1
                year = int(rng.integers(1840, 1926))
                panden.add(round(px, 3), round(py, 3), n, nr, side, t, "boerderij", year,
                           "boven" if n == 2 else "enkel")
                if rng.random() < 0.3:  # a few labourers' cottages along the road
                    k = int(rng.integers(2, 5))
                    tt = t + 30.0 + 9.0 * np.arange(k)
                    hx = x0 + tt * dx - sign * 12.0 * dy
                    hy = y0 + tt * dy + sign * 12.0 * dx
                    panden.add(np.round(hx, 3), np.round(hy, 3), 1, nr, side, tt, "arbeiderswoning",
                               int(rng.integers(1900, 1936)), "enkel")
            t += rng.uniform(90.0, 260.0)


def build_panden(rng: np.random.Generator, outline: shapely.Polygon) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All buildings (one row per pand) and all streets (one row per street or road)."""
    panden = _Panden()
    streets: list[dict] = []
    _grid_panden(rng, panden, streets)
    _farm_panden(rng, panden, streets, outline)
    return panden.frame(), pd.DataFrame(streets)
