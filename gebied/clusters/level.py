"""Recommend the planning level per place (dorp, wijk, buurt or straat/blok).

A place is planned as a whole when little of its diversity lies *between* its streets
(or blocks): its homes are either alike, or mixed in the same way in every street. When
the streets differ, the plan goes down one area level and asks the same question of each
part, down to ``straat/blok`` (docs/opdrachten/cluster.md, "Advies planningsniveau").

Diversity is the unbiased Gini–Simpson index of typology, building period, ownership and
(where given) risk profile; the share between the parts is ``1 − within / whole``
(:mod:`gebied.clusters.diversity`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gebied.clusters.diversity import count_parts, diversity_split, factorize
from gebied.frames import (
    area_level,
    fmt_int,
    fmt_num,
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

#: A place is planned as a whole when less than this share of its diversity lies between
#: its streets (or blocks).
CUTOFF = 1 / 3
#: ... or when its homes hardly differ at all (mean Gini–Simpson index below this).
MIN_DIVERSITY = 0.1

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

#: Features compared, with their Dutch name in the explanation.
FEATURES: dict[str, str] = {
    "typologie": "typologie",
    "bouwperiode": "bouwperiode",
    "eigendom": "eigendom",
    "risicoprofiel": "risicoprofiel",
}
#: Dutch plural of each part (for the explanation).
PLURAL: dict[str, str] = {
    "gemeente": "gemeenten", "dorp": "woonplaatsen", "wijk": "wijken", "buurt": "buurten",
    "straat/blok": "straten",
}


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


def feature_values(addresses: pd.DataFrame) -> dict[str, pd.Series]:
    """The compared features as text per address (NA when unknown or ``onbekend``)."""
    period = (
        building_period(addresses["bouwjaar"]) if "bouwjaar" in addresses.columns
        else pd.Series(pd.NA, index=addresses.index, dtype="string")
    )
    feats = {"typologie": text_column(addresses, "typologie"), "bouwperiode": period}
    for name in ("eigendom", "risicoprofiel"):
        feats[name] = text_column(addresses, name).mask(lambda s: s == "onbekend")
    return {k: v for k, v in feats.items() if v.notna().any()}


def street_parts(addresses: pd.DataFrame) -> tuple[np.ndarray, str]:
    """Codes of the finest parts: the street (``straat`` per ``woonplaats``), else the block (PC6).

    Returns
    -------
    codes, label
        Integer code per address (-1 when unknown) and the Dutch plural of the parts.
    """
    town = text_column(addresses, "woonplaats").fillna("")
    for column, label in (("straat", "straten"), ("postcode", "blokken (postcode)")):
        values = text_column(addresses, column)
        if values.notna().any():
            return factorize(values.where(values.isna(), town + "|" + values)), label
    return np.full(len(addresses), -1, dtype=np.int64), "straten"


def _dominant(values: pd.Series, keys: pd.Series) -> pd.DataFrame:
    """Most common value and its share (of known values) per key."""
    counts = ranked_counts(values, keys)
    if counts.empty:
        return pd.DataFrame(columns=["dominant", "aandeel"])
    total = counts.groupby("key")["n"].sum()
    counts = counts.drop_duplicates("key").set_index("key")
    return pd.DataFrame({"dominant": counts["value"], "aandeel": counts["n"] / total})


def _level_table(
    keys: pd.Series, feats: dict[str, pd.Series], codes: dict[str, np.ndarray], streets: np.ndarray,
    finer: list[str],
) -> pd.DataFrame:
    """Figures of every place of one area level (indexed by place code)."""
    place, uniques = pd.factorize(keys, use_na_sentinel=True)
    n = len(uniques)
    coded = {name: factorize(v) for name, v in feats.items()}
    split = diversity_split(coded, place, streets, n_places=n)
    t = pd.DataFrame(index=pd.Index(np.asarray(uniques, dtype=object), name="code"))
    t["aantal_adressen"] = np.bincount(place[place >= 0], minlength=n)
    for name in ("typologie", "bouwperiode", "eigendom"):
        d = _dominant(feats[name], keys) if name in feats else pd.DataFrame(columns=["dominant", "aandeel"])
        t[f"{name}_dominant"] = d["dominant"].reindex(t.index)
        t[f"aandeel_{name}"] = d["aandeel"].reindex(t.index).astype(float).round(3)
    t["verscheidenheid"] = split["verscheidenheid"].to_numpy().round(3)
    t["aantal_straten"] = count_parts(place, streets, n_places=n)
    t["aandeel_tussen_straten"] = split["aandeel_tussen_delen"].to_numpy().round(3)
    for name in FEATURES:
        t[f"tussen_{name}"] = split[f"tussen_{name}"].to_numpy().round(3) if f"tussen_{name}" in split else np.nan
    t["delen"], t["aantal_delen"], t["aandeel_tussen_delen"] = pd.NA, 0, np.nan
    todo = np.ones(n, dtype=bool)
    for col in finer:  # the first finer level that splits the place
        parts = count_parts(place, codes[col], n_places=n)
        take = todo & (parts >= 2)
        if take.any():
            share = diversity_split(coded, place, codes[col], n_places=n)["aandeel_tussen_delen"].to_numpy()
            t.loc[take, "delen"] = level_name(col)
            t.loc[take, "aantal_delen"] = parts[take]
            t.loc[take, "aandeel_tussen_delen"] = share[take].round(3)
        todo &= ~take
    return t


def planning_level(
    addresses: pd.DataFrame,
    *,
    area_columns: list[str],
    cutoff: float = CUTOFF,
    min_diversity: float = MIN_DIVERSITY,
) -> pd.DataFrame:
    """Recommend a planning level per place, from coarse to fine area columns.

    Parameters
    ----------
    addresses
        Addresses with the area columns and (some of) ``typologie``, ``bouwjaar``,
        ``eigendom``, ``risicoprofiel``, and ``straat`` (else ``postcode``) for the streets.
    area_columns
        Area columns, e.g. ``["woonplaats_code", "wijk_code", "buurt_code"]``; they are taken
        from coarse to fine in order of their number of places (ties: the given order).
    cutoff
        A place is planned as a whole when less than this share of its diversity lies
        between its streets.
    min_diversity
        ... or when its mean Gini–Simpson index is below this (the homes hardly differ).

    Returns
    -------
    pandas.DataFrame
        One row per place and area column: ``niveau``, ``code``, ``aantal_adressen``, per
        feature the dominant value and its share, ``verscheidenheid``, ``aantal_straten``,
        ``aandeel_tussen_straten``, per feature ``tussen_<feature>``, the first finer level
        that splits the place (``delen``, ``aantal_delen``, ``aandeel_tussen_delen``),
        ``planningsniveau`` (dorp, wijk, buurt, straat/blok …) and a Dutch ``toelichting``.
    """
    if not area_columns:
        raise ValueError("area_columns is empty")
    for col in area_columns:
        require_column(addresses, col)
    keys = {c: text_column(addresses, c) for c in dict.fromkeys(area_columns)}
    order = sorted(keys, key=lambda c: keys[c].nunique())
    feats = feature_values(addresses)
    codes = {c: factorize(keys[c]) for c in order}
    streets, street_label = street_parts(addresses)
    tables = [_level_table(keys[c], feats, codes, streets, order[i + 1:]) for i, c in enumerate(order)]

    # From fine to coarse: a place whose streets differ takes the (address-weighted) most
    # common recommendation of its places one level finer.
    recs: list[pd.Series] = [pd.Series(dtype=object)] * len(order)
    out = []
    for i in range(len(order) - 1, -1, -1):
        t, col, own = tables[i], order[i], level_name(order[i])
        between = t["aandeel_tussen_straten"]
        alike = (between.isna() | (between < cutoff) | (t["verscheidenheid"].fillna(0) < min_diversity)).to_numpy()
        rec = pd.Series(np.where(alike, own, FINEST), index=t.index, dtype=object)
        finer_share = pd.Series(np.nan, index=t.index)
        if i + 1 < len(order):
            pair = pd.DataFrame({"p": keys[col].to_numpy(), "c": keys[order[i + 1]].to_numpy()}).dropna()
            pair["r"] = pair["c"].map(recs[i + 1])
            finer = mode_per_group(pair["r"], pair["p"]).reindex(t.index)
            rec = rec.where(alike, finer.fillna(FINEST))
            hit = pair.assign(same=pair["r"] == pair["p"].map(rec)).groupby("p")["same"].mean()
            finer_share = hit.reindex(t.index)
        recs[i] = rec
        t = t.copy()
        t["planningsniveau"] = rec
        t["toelichting"] = [
            explain(row, own=own, rec=r, alike=a, share_rec=s, cutoff=cutoff, min_diversity=min_diversity,
                    street_label=street_label)
            for (_, row), r, a, s in zip(t.iterrows(), rec, alike, finer_share, strict=True)
        ]
        t.insert(0, "niveau", area_level(col))
        out.append(t.reset_index())
    result = pd.concat(out[::-1], ignore_index=True)
    for c in ("niveau", "code", "typologie_dominant", "bouwperiode_dominant", "eigendom_dominant", "delen",
              "planningsniveau", "toelichting"):
        result[c] = result[c].astype("string")
    result["aantal_delen"] = result["aantal_delen"].astype(np.int64)
    return result


def _main_feature(row: pd.Series, label: str) -> str:
    """The feature whose diversity lies most between the streets (as Dutch text)."""
    shares = {f: row.get(f"tussen_{f}") for f in FEATURES}
    shares = {f: float(s) for f, s in shares.items() if s is not None and not pd.isna(s)}
    if not shares:
        return ""
    name = max(shares, key=lambda f: (shares[f], f))
    return f" (vooral de {FEATURES[name]}: daarvan zit {fmt_pct(shares[name], decimals=0)} tussen de {label})"


def explain(
    row: pd.Series, *, own: str, rec: str, alike: bool, share_rec: float, cutoff: float, min_diversity: float,
    street_label: str = "straten",
) -> str:
    """The Dutch ``toelichting`` of one place: the figures and the advice."""
    n_streets = int(row.get("aantal_straten", 0) or 0)
    div = row.get("verscheidenheid")
    if div is None or pd.isna(div):
        return f"Te weinig gegevens over typologie, bouwjaar, eigendom of risico om te vergelijken: plan per {rec}."
    text = (
        f"Verscheidenheid {fmt_num(div, decimals=2)} (kans dat twee woningen verschillen in typologie, "
        f"bouwperiode, eigendom of risico, gemiddeld). "
    )
    between = row.get("aandeel_tussen_straten")
    if n_streets == 0:
        return text + f"Geen straat of postcode bekend om te vergelijken: plan per {own} als geheel."
    if n_streets < 2 or pd.isna(between):
        return text + f"Eén straat: plan per {own} als geheel."
    text += (
        f"Van die verscheidenheid zit {fmt_pct(between, decimals=0)} tussen de {fmt_int(n_streets)} "
        f"{street_label} en de rest binnen de {street_label} zelf"
    )
    if alike and div < min_diversity:
        return text + f". De woningen zijn vrijwel gelijk: plan per {own} als geheel."
    if alike:
        return text + (
            f"; minder dan {fmt_pct(cutoff, decimals=0)} tussen de {street_label}: overal dezelfde mix, "
            f"plan per {own} als geheel."
        )
    text += _main_feature(row, street_label) + f"; {fmt_pct(cutoff, decimals=0)} of meer: de {street_label} verschillen."
    parts = row.get("delen")
    if isinstance(parts, str) and parts and not pd.isna(row.get("aandeel_tussen_delen")):
        text += (
            f" Tussen de {fmt_int(row['aantal_delen'])} {PLURAL.get(parts, parts)} zit "
            f"{fmt_pct(row['aandeel_tussen_delen'], decimals=0)}."
        )
    if rec == FINEST:
        return text + " Plan per straat of blok, waar de woningen wel op elkaar lijken."
    share = "" if pd.isna(share_rec) else f" ({fmt_pct(share_rec, decimals=0)} van de adressen)"
    return text + f" De meeste adressen{share} liggen in delen die per {rec} als geheel gepland kunnen worden: plan per {rec}."
