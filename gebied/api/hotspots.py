"""Hot spots (brandhaarden) in the API: records per plan version, each with its gemeente.

A hot spot names a street and house numbers, so it is only served behind a key (as the
flags are); a gemeente key sees the hot spots of its own gemeente(n) only.
"""

from __future__ import annotations

import pandas as pd


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
    plain = frame.drop(columns=["geometry"], errors="ignore")
    records = plain.astype(object).where(plain.notna(), None).to_dict("records")
    return {
        "hot_spots": records,
        "hot_spot_gemeente": [gemeente.get(str(c)) if pd.notna(c) else None for c in codes],
    }
