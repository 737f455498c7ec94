"""Flags and hot spots (brandhaarden) of a plan version, indexed for the API.

Both name addresses (a hot spot its street and house numbers), so they are served only
behind a key; a gemeente key sees those of its own gemeente(n) only.
"""

from __future__ import annotations

import pandas as pd


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: Python scalars, None for missing values, no geometry."""
    plain = pd.DataFrame(frame).drop(columns=["geometry"], errors="ignore")
    return plain.astype(object).where(plain.notna(), None).to_dict("records")


def index_flags(vlaggen: pd.DataFrame | None, address_gemeente: dict[str, str | None]) -> dict:
    """``flags`` (records), ``flags_by_address`` (positions per address) and ``flag_gemeente``."""
    if vlaggen is None or not len(vlaggen):
        return {"flags": [], "flags_by_address": {}, "flag_gemeente": []}
    flags = _records(vlaggen)
    by_address: dict[str, list[int]] = {}
    gemeenten = []
    for i, f in enumerate(flags):
        f["adres_id"] = None if f.get("adres_id") is None else str(f["adres_id"])
        f["buur_adres_id"] = None if f.get("buur_adres_id") is None else str(f["buur_adres_id"])
        for key in ("adres_id", "buur_adres_id"):
            if f.get(key) is not None:
                by_address.setdefault(f[key], []).append(i)
        gemeenten.append(address_gemeente.get(f["adres_id"]))
    return {"flags": flags, "flags_by_address": by_address, "flag_gemeente": gemeenten}


def index_hot_spots(brandhaarden: pd.DataFrame | None, gebieden: pd.DataFrame | None) -> dict:
    """``hot_spots`` (records, most severe first) and ``hot_spot_gemeente`` (per record)."""
    if brandhaarden is None or not len(brandhaarden):
        return {"hot_spots": [], "hot_spot_gemeente": []}
    frame = pd.DataFrame(brandhaarden).sort_values("rang") if "rang" in brandhaarden else pd.DataFrame(brandhaarden)
    gemeente: dict[str, str] = {}
    if gebieden is not None and {"code", "gemeente_code"} <= set(gebieden.columns):
        known = gebieden.dropna(subset=["code", "gemeente_code"])
        gemeente = dict(zip(known["code"].astype(str), known["gemeente_code"].astype(str), strict=True))
    codes = frame["gebied_code"] if "gebied_code" in frame else pd.Series(None, index=frame.index)
    return {
        "hot_spots": _records(frame),
        "hot_spot_gemeente": [gemeente.get(str(c)) if pd.notna(c) else None for c in codes],
    }
