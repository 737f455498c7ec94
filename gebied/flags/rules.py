"""Inequality flags between neighbours (issue 4).

Four flag types, each a rule on a pair of neighbouring addresses (see
``gebied.neighbours.neighbour_pairs``: within ``distance`` metres or in the same pand):

``uitkomst_verschil``
    Same ``typologie`` (and ``bouwjaar`` within ``year_window`` years when both are known),
    both with a known ``uitkomst`` (not ``onbekend``), and the outcomes differ.
    ernst 3: sloop_nieuwbouw vs geen_maatregelen; 2: versterken vs geen_maatregelen;
    1: sloop_nieuwbouw vs versterken. ``adres_id`` is the address with the lighter outcome.
``tempo_verschil``
    Both in the programme and ``ncg_fase`` three or more steps apart.
    ernst 1: 3 steps; 2: 4–5 steps; 3: 6–7 steps. ``adres_id`` is the address behind.
``buiten_programma``
    An address outside the programme with the same ``typologie`` as a neighbour in the
    programme whose ``uitkomst`` is ``versterken`` or ``sloop_nieuwbouw``. One row per such address
    (``adres_id``), with ``buur_adres_id`` the most telling neighbour: highest ernst, then
    nearest. ernst 3: that neighbour is in the same pand; 2: it is demolished and rebuilt;
    1: it is strengthened.
``regime_verschil``
    Same ``typologie``, both with a ``batch``, the batches differ, *and* the different regime
    shows: both have a known ``uitkomst`` and the outcomes differ, or both are in the
    programme and ``ncg_fase`` is two or more steps apart (a batch difference that changes
    nothing for the residents is not flagged).
    ernst 3: same pand; 2: the outcomes differ; 1: only the timing differs.
    ``adres_id`` is the address behind in phase (the first in file order when level).

A pair can carry several types (one row per type); a (type, pair) is reported once, and
never as both (a, b) and (b, a).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebied.codes import NCG_FASEN, NEIGHBOUR_DISTANCE
from gebied.errors import GebiedError
from gebied.flags.text import address_labels, explain
from gebied.neighbours import address_coordinates, neighbour_pairs

FLAG_TYPES: tuple[str, ...] = ("uitkomst_verschil", "tempo_verschil", "buiten_programma", "regime_verschil")
#: What each flag type means, in Dutch (report, map legend and popups).
FLAG_DESCRIPTIONS: dict[str, str] = {
    "uitkomst_verschil": "Buren met een gelijk type woning krijgen een andere uitkomst (bijv. sloop tegenover geen maatregelen).",
    "tempo_verschil": "Buren in het programma staan drie of meer fasen uit elkaar.",
    "buiten_programma": "Een adres buiten het programma naast een gelijk type woning dat versterkt of vervangen wordt.",
    "regime_verschil": (
        "Buren met een gelijk type woning vallen in verschillende batches (regelingen) en krijgen een andere "
        "uitkomst of staan minstens twee fasen uit elkaar."
    ),
}
FLAG_COLUMNS: tuple[str, ...] = ("vlag", "adres_id", "buur_adres_id", "afstand_m", "ernst", "toelichting")

#: Known outcomes ranked from lightest to heaviest measure.
OUTCOME_RANK: dict[str, int] = {"geen_maatregelen": 0, "versterken": 1, "sloop_nieuwbouw": 2}


def _codes(addresses: pd.DataFrame, column: str) -> np.ndarray:
    """Integer codes of a text column (-1 for empty or absent)."""
    if column not in addresses.columns:
        return np.full(len(addresses), -1, dtype=np.int64)
    codes, _ = pd.factorize(addresses[column].astype("string"), use_na_sentinel=True)
    return codes.astype(np.int64)


def _mapped(addresses: pd.DataFrame, column: str, mapping: dict[str, int]) -> np.ndarray:
    if column not in addresses.columns:
        return np.full(len(addresses), -1, dtype=np.int64)
    codes, uniques = pd.factorize(addresses[column].astype("string"), use_na_sentinel=True)
    lookup = np.array([mapping.get(u, -1) for u in uniques] + [-1], dtype=np.int64)  # last: empty
    return lookup[codes]


def address_arrays(addresses: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns the flag rules use, as numpy arrays (-1 / NaN for unknown)."""
    year = (
        pd.to_numeric(addresses["bouwjaar"], errors="coerce").astype(float).to_numpy()
        if "bouwjaar" in addresses.columns
        else np.full(len(addresses), np.nan)
    )
    return {
        "typ": _codes(addresses, "typologie"),
        "batch": _codes(addresses, "batch"),
        "year": year,
        "outcome": _mapped(addresses, "uitkomst", OUTCOME_RANK),
        "phase": _mapped(addresses, "ncg_fase", {f: k for k, f in enumerate(NCG_FASEN)}),
    }


def _oriented(mask: np.ndarray, i: np.ndarray, j: np.ndarray, swap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs under ``mask`` as (adres, buur), swapping where ``swap`` holds."""
    im, jm, sw = i[mask], j[mask], swap[mask]  # select first: the masks are sparse
    return np.where(sw, jm, im), np.where(sw, im, jm)


def _small(codes: np.ndarray) -> np.ndarray:
    """The same codes in the smallest integer type that holds them (cheaper pair gathers)."""
    top = int(codes.max(initial=0))
    return codes.astype(np.int8 if top < 2**7 else np.int16 if top < 2**15 else np.int32)


def pair_rules(arr: dict[str, np.ndarray], pairs: pd.DataFrame, *, year_window: int = 10) -> list[dict]:
    """Apply the pair rules; one block per flag type with positions, distance and ernst."""
    i, j = pairs["i"].to_numpy(np.int64), pairs["j"].to_numpy(np.int64)
    dist = pairs["afstand_m"].to_numpy(float)
    same_pand = pairs["zelfde_pand"].to_numpy(bool)
    typ, out, ph, batch, year = arr["typ"], arr["outcome"], arr["phase"], arr["batch"], arr["year"]
    # per-pair values in small integer types: the gathers over millions of pairs dominate
    typ_s, out_s, ph_s, batch_s = _small(typ), _small(out), _small(ph), _small(batch)
    blocks = []

    # tempo_verschil: all pairs with both in the programme
    pi, pj = ph_s[i], ph_s[j]
    m = (pi >= 0) & (pj >= 0) & (np.abs(pi - pj) >= 3)
    a, b = _oriented(m, i, j, pj < pi)
    g = np.abs(ph[a] - ph[b])
    ernst = np.where(g >= 6, 3, np.where(g >= 4, 2, 1))
    blocks.append({"vlag": "tempo_verschil", "a": a, "b": b, "d": dist[m], "ernst": ernst, "pand": same_pand[m]})

    # the other rules need the same typology: work on that subset only
    ti = typ_s[i]
    t = np.flatnonzero((ti >= 0) & (ti == typ_s[j]))
    i, j, dist, same_pand, pi, pj = i[t], j[t], dist[t], same_pand[t], pi[t], pj[t]

    oi, oj = out_s[i], out_s[j]
    outcome_differs = (oi >= 0) & (oj >= 0) & (oi != oj)
    m = outcome_differs.copy()
    with np.errstate(invalid="ignore"):
        yi, yj = year[i[m]], year[j[m]]
        m[m] = np.isnan(yi) | np.isnan(yj) | (np.abs(yi - yj) <= year_window)
    a, b = _oriented(m, i, j, oj < oi)
    lo, hi = out[a], out[b]
    ernst = np.where((lo == 0) & (hi == 2), 3, np.where((lo == 0) & (hi == 1), 2, 1))
    uitkomst = {"vlag": "uitkomst_verschil", "a": a, "b": b, "d": dist[m], "ernst": ernst, "pand": same_pand[m]}

    outside = outside_programme(arr, i, j, dist, same_pand)

    bi, bj = batch_s[i], batch_s[j]
    timing_differs = (pi >= 0) & (pj >= 0) & (np.abs(pi - pj) >= 2)
    m = (bi >= 0) & (bj >= 0) & (bi != bj) & (outcome_differs | timing_differs)
    a, b = _oriented(m, i, j, pj < pi)
    ernst = np.where(same_pand[m], 3, np.where(outcome_differs[m], 2, 1))
    regime = {"vlag": "regime_verschil", "a": a, "b": b, "d": dist[m], "ernst": ernst, "pand": same_pand[m]}
    return [uitkomst, blocks[0], outside, regime]


def outside_programme(arr, i, j, dist, same_pand) -> dict:
    """One row per address outside the programme next to a strengthened/rebuilt same-type home.

    ``i``, ``j`` are pairs of the same typology.
    """
    ph, out = arr["phase"], arr["outcome"]
    heavy = (out >= 1) & (ph >= 0)
    outside = ph < 0
    fwd = outside[i] & heavy[j]
    bwd = outside[j] & heavy[i]
    a = np.concatenate([i[fwd], j[bwd]])
    b = np.concatenate([j[fwd], i[bwd]])
    d = np.concatenate([dist[fwd], dist[bwd]])
    pand = np.concatenate([same_pand[fwd], same_pand[bwd]])
    ernst = np.where(pand, 3, np.where(out[b] == 2, 2, 1))
    order = np.lexsort((b, d, -ernst, a))
    a, b, d, pand, ernst = a[order], b[order], d[order], pand[order], ernst[order]
    first = np.r_[True, a[1:] != a[:-1]] if a.size else np.empty(0, bool)
    counts = np.diff(np.r_[np.flatnonzero(first), a.size]) if a.size else np.empty(0, np.int64)
    return {
        "vlag": "buiten_programma",
        "alle_a": a,  # every (outside, heavy neighbour) pair, for the hot spots
        "alle_b": b,
        "a": a[first],
        "b": b[first],
        "d": d[first],
        "ernst": ernst[first],
        "pand": pand[first],
        "aantal": counts,
    }


def flag_inequality(
    addresses: pd.DataFrame,
    *,
    distance: float = NEIGHBOUR_DISTANCE,
    year_window: int = 10,
    pairs: pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Flag unequal treatment of neighbouring addresses.

    Parameters
    ----------
    addresses
        Validated addresses (``read_addresses``), one row per address.
    distance
        Neighbour distance in metres; addresses in the same pand are always neighbours.
    year_window
        Largest ``bouwjaar`` difference for ``uitkomst_verschil`` when both years are known.
    pairs
        Precomputed ``neighbour_pairs(addresses, distance=distance)`` (optional).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``vlag``, ``adres_id``, ``buur_adres_id``, ``afstand_m``, ``ernst`` (1–3),
        ``toelichting`` (Dutch) and a LineString ``geometry`` between the two homes, in
        EPSG:28992; sorted by flag type, ernst (highest first) and distance.
    """
    if not np.isfinite(distance) or distance < 0:
        raise GebiedError(f"de buurafstand moet een getal van 0 of meer zijn (nu {distance})", column="afstand")
    if "adres_id" not in addresses.columns:
        raise GebiedError("kolom 'adres_id' ontbreekt", column="adres_id")
    if pairs is None:
        pairs = neighbour_pairs(addresses, distance=distance)
    arr = address_arrays(addresses)
    blocks = pair_rules(arr, pairs, year_window=year_window)
    a = np.concatenate([blk["a"] for blk in blocks]).astype(np.int64)
    b = np.concatenate([blk["b"] for blk in blocks]).astype(np.int64)
    kind = np.concatenate([np.full(len(blk["a"]), FLAG_TYPES.index(blk["vlag"]), np.int8) for blk in blocks])
    dist = np.round(np.concatenate([blk["d"] for blk in blocks]).astype(float), 1)
    ernst = np.concatenate([blk["ernst"] for blk in blocks]).astype(np.int64)
    labels = address_labels(addresses, np.union1d(a, b))
    texts = np.concatenate(
        [np.asarray(explain(blk, addresses, arr, labels, distance=distance), dtype=object) for blk in blocks]
    )
    order = np.lexsort((dist, -ernst, kind))
    a, b, kind, dist, ernst, texts = a[order], b[order], kind[order], dist[order], ernst[order], texts[order]
    xy = address_coordinates(addresses)
    lines = shapely.linestrings(np.stack([xy[a], xy[b]], axis=1)) if a.size else np.empty(0, object)
    ids = addresses["adres_id"].astype("string").to_numpy(object)
    return gpd.GeoDataFrame(
        {
            "vlag": pd.array(np.asarray(FLAG_TYPES, dtype=object)[kind], dtype="string"),
            "adres_id": pd.array(ids[a], dtype="string"),
            "buur_adres_id": pd.array(ids[b], dtype="string"),
            "afstand_m": dist,
            "ernst": ernst,
            "toelichting": pd.array(texts, dtype="string"),
        },
        geometry=gpd.GeoSeries(lines, crs=28992),
    )


def flag_counts(addresses: pd.DataFrame, flags: pd.DataFrame) -> pd.Series:
    """Number of flags each address takes part in (as ``adres_id`` or ``buur_adres_id``).

    Returns
    -------
    pandas.Series
        ``aantal_vlaggen`` (int64), aligned with ``addresses``.
    """
    involved = pd.concat([flags["adres_id"], flags["buur_adres_id"]]).dropna().astype(str)
    counts = involved.value_counts()
    ids = addresses["adres_id"].astype(str)
    values = ids.map(counts).fillna(0).astype(np.int64)
    return pd.Series(values.to_numpy(), index=addresses.index, name="aantal_vlaggen")
