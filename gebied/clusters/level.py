"""Recommend the planning level per place (dorp, wijk, buurt or straat/blok).

A place is planned as a whole when its homes are alike; otherwise at the level below where
those parts are alike, down to street or block (docs/begrippen.md). "Alike" is measured by the
share of the most common value of three features: typology, building period and ownership;
the homogeneity of a place is the mean of the shares it has data for.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gebied.frames import (
    area_level,
    fmt_pct,
    mode_per_group,
    ranked_counts,
    require_column,
    text_column,
)

#: Level names per area column (``_code`` suffixes are ignored).
LEVEL_NAMES: dict[str, str] = {
    "gemeente": "gemeente",
    "woonplaats": "dorp",
    "dorp": "dorp",
    "wijk": "wijk",
    "buurt": "buurt",
    "pc4": "buurt",
    "postcode": "straat/blok",
}
FINEST = "straat/blok"

#: Building periods (first year of each period) as commonly used for Dutch housing stock.
PERIODS: tuple[tuple[int, str], ...] = (
    (0, "voor 1930"),
    (1930, "1930–1944"),
    (1945, "1945–1964"),
    (1965, "1965–1974"),
    (1975, "1975–1991"),
    (1992, "1992–2005"),
    (2006, "vanaf 2006"),
)

FEATURES = {"typologie": "typologie", "bouwperiode": "bouwperiode", "eigendom": "eigendom"}


def level_name(column: str) -> str:
    """Planning-level name of an area column (e.g. ``buurt_code`` → ``buurt``)."""
    base = area_level(column)
    return LEVEL_NAMES.get(base, base)


def building_period(bouwjaar: pd.Series) -> pd.Series:
    """Building period label per year (NA when unknown)."""
    years = pd.to_numeric(bouwjaar, errors="coerce").to_numpy(dtype=float)
    starts = np.array([p[0] for p in PERIODS])
    idx = np.searchsorted(starts, years, side="right") - 1
    labels = np.array([p[1] for p in PERIODS], dtype=object)
    out = np.where(np.isnan(years), None, labels[np.clip(idx, 0, len(labels) - 1)])
    return pd.Series(out, index=bouwjaar.index, dtype="string")


def _dominant(values: pd.Series, keys: pd.Series) -> pd.DataFrame:
    """Most common value and its share (of known values) per key."""
    counts = ranked_counts(values, keys)
    if counts.empty:
        return pd.DataFrame(columns=["dominant", "aandeel"])
    total = counts.groupby("key")["n"].sum()
    counts = counts.drop_duplicates("key").set_index("key")
    return pd.DataFrame({"dominant": counts["value"], "aandeel": counts["n"] / total})


def planning_level(
    addresses: pd.DataFrame, *, area_columns: list[str], threshold: float = 0.6
) -> pd.DataFrame:
    """Recommend a planning level per place, from coarse to fine area columns.

    Parameters
    ----------
    addresses
        Addresses with the area columns and (some of) ``typologie``, ``bouwjaar``,
        ``eigendom``.
    area_columns
        Area columns, e.g. ``["woonplaats", "wijk_code", "buurt_code"]``; they are taken from
        coarse to fine in order of their number of places (ties: the given order).
    threshold
        Minimum homogeneity (mean share of the most common typology, period and ownership)
        for planning a place as a whole.

    Returns
    -------
    pandas.DataFrame
        One row per place and area column: ``niveau`` (the column without ``_code``), ``code``,
        ``aantal_adressen``, per feature the dominant value and its share, ``homogeniteit``,
        ``planningsniveau`` (dorp, wijk, buurt, straat/blok …) and a Dutch ``toelichting``.
    """
    if not area_columns:
        raise ValueError("area_columns is empty")
    for col in area_columns:
        require_column(addresses, col)
    counts = {c: text_column(addresses, c).nunique() for c in area_columns}
    area_columns = sorted(dict.fromkeys(area_columns), key=lambda c: counts[c])
    feats = {
        "typologie": text_column(addresses, "typologie"),
        "bouwperiode": building_period(addresses["bouwjaar"]) if "bouwjaar" in addresses.columns
        else pd.Series(pd.NA, index=addresses.index, dtype="string"),
        "eigendom": text_column(addresses, "eigendom").mask(lambda s: s == "onbekend"),
    }
    codes = {col: text_column(addresses, col) for col in area_columns}
    tables: list[pd.DataFrame] = []
    for col in area_columns:
        keys = codes[col]
        t = pd.DataFrame({"aantal_adressen": keys.value_counts()})
        shares = []
        for name, values in feats.items():
            d = _dominant(values, keys)
            t[f"{name}_dominant"] = d["dominant"]
            t[f"aandeel_{name}"] = d["aandeel"].astype(float).round(3)
            shares.append(t[f"aandeel_{name}"])
        t["homogeniteit"] = pd.concat(shares, axis=1).mean(axis=1, skipna=True).round(3)
        t.index.name = "code"
        tables.append(t)

    # From fine to coarse: a mixed place takes the (address-weighted) most common
    # recommendation of the places one level finer.
    recs: list[pd.Series] = [pd.Series(dtype=object)] * len(area_columns)
    notes: list[pd.Series] = [pd.Series(dtype=object)] * len(area_columns)
    for i in range(len(area_columns) - 1, -1, -1):
        t, col, own = tables[i], area_columns[i], level_name(area_columns[i])
        alike = t["homogeniteit"].fillna(0) >= threshold
        rec = pd.Series(np.where(alike, own, FINEST), index=t.index, dtype=object)
        if i + 1 < len(area_columns):
            child = area_columns[i + 1]
            pair = pd.DataFrame({"p": codes[col].to_numpy(), "c": codes[child].to_numpy()}).dropna()
            pair["r"] = pair["c"].map(recs[i + 1])
            finer = mode_per_group(pair["r"], pair["p"])
            rec = rec.where(alike, finer.reindex(t.index).fillna(FINEST))
        recs[i] = rec
        notes[i] = pd.Series(
            [_explain(r, own, rec[c], threshold, i + 1 < len(area_columns)) for c, r in t.iterrows()],
            index=t.index,
            dtype=object,
        )
    out = []
    for i, col in enumerate(area_columns):
        t = tables[i].copy()
        t["planningsniveau"] = recs[i]
        t["toelichting"] = notes[i]
        t.insert(0, "niveau", area_level(col))
        out.append(t.reset_index())
    result = pd.concat(out, ignore_index=True)
    for c in ("niveau", "code", "typologie_dominant", "bouwperiode_dominant", "eigendom_dominant",
              "planningsniveau", "toelichting"):
        result[c] = result[c].astype("string")
    return result


def _explain(row: pd.Series, own: str, rec: str, threshold: float, has_finer: bool) -> str:
    facts = []
    for name, label in (("typologie", ""), ("bouwperiode", "gebouwd "), ("eigendom", "")):
        share = row.get(f"aandeel_{name}")
        if share is not None and not pd.isna(share):
            facts.append(f"{fmt_pct(share, decimals=0)} {label}{row[f'{name}_dominant']}")
    if not facts:
        return f"Geen gegevens over typologie, bouwjaar of eigendom; advies: plannen per {rec}."
    h = row["homogeniteit"]
    text = f"{', '.join(facts)} (gelijkenis {fmt_pct(h, decimals=0)}). "
    if rec == own and h >= threshold:
        return text + f"De woningen lijken op elkaar: plan per {own} als geheel."
    if has_finer and rec != FINEST:
        return text + f"Gemengd, maar de delen zijn onderling gelijk: plan per {rec}."
    return text + "Gemengd: plan per straat of blok, waar de woningen wel op elkaar lijken."
