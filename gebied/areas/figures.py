"""Per-area figures for the ``gebieden`` layer of a plan (docs/PLAN_SCHEMA.md)."""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from gebied.codes import NCG_FASEN
from gebied.frames import mode_per_group


def summarize_areas(
    addresses: pd.DataFrame,
    areas: Mapping[str, gpd.GeoDataFrame],
    *,
    planning_levels: pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """One row per area of every layer with counts of addresses, phases, flags and periods.

    Parameters
    ----------
    addresses
        Joined addresses (``NAAM_code`` per layer) with, where present,
        ``aantal_vlaggen``, ``opname_periode`` and ``gereed_periode``.
    areas
        ``{naam: prepared areas}`` (columns ``code``, ``naam``, geometry).
    planning_levels
        Optional ``planning_level`` output (``niveau``, ``code``, ``planningsniveau``,
        ``toelichting``) merged in.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns of layer ``gebieden`` in docs/PLAN_SCHEMA.md, EPSG:28992.
    """
    frames = []
    in_prog = addresses["ncg_fase"].notna() if "ncg_fase" in addresses else pd.Series(False, index=addresses.index)
    flags = addresses["aantal_vlaggen"] if "aantal_vlaggen" in addresses else pd.Series(0, index=addresses.index)
    for name, layer in areas.items():
        col = f"{name}_code"
        if col not in addresses:
            continue
        key = addresses[col]
        g = pd.DataFrame(
            {
                "code": key,
                "aantal_adressen": 1,
                "in_programma": in_prog.astype(int),
                "gereed": (addresses["ncg_fase"] == "gereed").fillna(False).astype(int) if "ncg_fase" in addresses else 0,
                "aantal_vlaggen": flags.fillna(0).astype(int),
                "met_vlag": ((flags.fillna(0) > 0) & in_prog).astype(int),
            }
        )
        for fase in NCG_FASEN:
            g[f"fase_{fase}"] = (addresses.get("ncg_fase") == fase).fillna(False).astype(int)
        sums = g.groupby("code", sort=True).sum()
        if "gemeente_code" in addresses and name != "gemeente":
            gem = addresses["gemeente_code"]
            mode = mode_per_group(gem, key).reindex(sums.index, fill_value=pd.NA)
            sums["gemeente_code"] = mode.astype(gem.dtype) if isinstance(gem.dtype, pd.StringDtype) else mode
        elif name == "gemeente":
            sums["gemeente_code"] = sums.index
        for period, agg in (("opname_periode", "min"), ("gereed_periode", "max")):
            if period in addresses:
                target = "start_periode" if period == "opname_periode" else "gereed_periode"
                sums[target] = addresses.groupby(col, sort=True)[period].agg(agg).astype("Int64")
        out = layer[["code", "naam", "geometry"]].merge(sums, left_on="code", right_index=True, how="left")
        count_cols = [c for c in sums.columns if c not in ("gemeente_code", "start_periode", "gereed_periode")]
        out[count_cols] = out[count_cols].fillna(0).astype(int)
        prog = out["in_programma"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            out["aandeel_gereed"] = np.where(prog > 0, out["gereed"] / np.maximum(prog, 1), np.nan).round(4)
            out["aandeel_met_vlag"] = np.where(prog > 0, out["met_vlag"] / np.maximum(prog, 1), np.nan).round(4)
        out = out.drop(columns=["met_vlag"])
        out.insert(0, "niveau", name)
        frames.append(out)
    result = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if planning_levels is not None and len(planning_levels) and len(result):
        pl = planning_levels.rename(columns={"gebied_code": "code"})
        keep = [c for c in ("niveau", "code", "planningsniveau", "toelichting") if c in pl.columns]
        on = [c for c in ("niveau", "code") if c in keep]
        result = result.merge(pl[keep].drop_duplicates(on), on=on, how="left")
    return gpd.GeoDataFrame(result, geometry="geometry", crs=28992)
