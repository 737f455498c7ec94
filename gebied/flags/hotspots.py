"""Hot spots (brandhaarden): street segments where flagged neighbour pairs concentrate.

The pair flags of :func:`gebied.flags.rules.flag_inequality` are many and overlap; a
municipal officer acts on a place. A **segment** is a stretch of at most ``segment_length``
metres of one street (``straat`` per ``woonplaats``, both sides; measured along the
street's main direction), or a PC6 block when there are no street names, or a square grid
cell when there is neither. Every flagged pair belongs to the segment of its ``adres_id``
(the address that is worse off: lighter outcome, behind in phase, outside the programme).
A segment is a hot spot when the flags involve at least ``min_homes`` of its homes and the
flags concentrate there: at least ``min_share`` of the neighbour pairs touching the segment
carry a flag, or identical homes in it (same pand, or same typology and bouwjaar) got a
different assessed outcome. Consecutive hot segments of one street form one hot spot.

Severity (``ernst``) per hot spot::

    homes involved × (1 + largest outcome gap + largest phase gap / 3.5 + 1 if identical homes differ)

with the outcome gap in steps geen maatregelen → versterken → sloop/nieuwbouw (0–2; outside
the programme counts as geen maatregelen), the phase gap in NCG phase steps (0–7, so at most
2 points) and *identical homes* meaning a pair in the same pand, or of the same typology and
bouwjaar, with a different outcome. The score is thus the number of homes, weighted 1–5 by
how large and how hard to explain the difference is.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebied.clusters.diversity import factorize
from gebied.codes import NEIGHBOUR_DISTANCE
from gebied.flags.hotspot_text import (
    ACTIONS,
    actions,
    explain_hot_spots,
    house_number_ranges,
)
from gebied.flags.rules import FLAG_TYPES, address_arrays, outside_programme
from gebied.frames import mode_per_group, string_column, text_column
from gebied.neighbours import address_coordinates, neighbour_pairs

#: Longest stretch of street in one segment (metres).
SEGMENT_LENGTH = 150.0
#: A segment is a hot spot when its flags involve at least this many of its homes ...
MIN_HOMES = 4
#: ... and at least this share of the neighbour pairs touching it carry a flag.
MIN_SHARE = 1 / 3
#: Largest possible phase gap (NCG phases 1.2 … gereed) scaled to at most 2 points.
PHASE_SCALE = 3.5

HOT_SPOT_COLUMNS: tuple[str, ...] = (
    "brandhaard_id", "rang", "woonplaats", "straat", "huisnummers", "gebied_code", "adressen", "paren", "aandeel_paren",
    *FLAG_TYPES, "uitkomst_gat", "fase_gat", "identiek", "ernst", "actie", "actie_tekst", "toelichting",
)


def street_segments(
    addresses: pd.DataFrame, *, length: float = SEGMENT_LENGTH
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Segment code per address (-1 where no coordinates), and per segment its street and number.

    Segment ``k`` of a street holds its addresses ``k·length`` to ``(k+1)·length`` metres from
    the first one, measured along the street's main direction (principal axis).
    """
    xy = address_coordinates(addresses)
    ok = np.isfinite(xy).all(axis=1)
    town = factorize(string_column(addresses, "woonplaats"))
    street = factorize(string_column(addresses, "straat"))
    if (street < 0).all():
        street = factorize(string_column(addresses, "postcode"))
    # no street: a square cell of ``length`` metres (its own code range, after the streets)
    cx, cy = (np.floor(np.nan_to_num(xy[:, k]) / length).astype(np.int64) for k in (0, 1))
    cell = (cx - cx.min()) * (int(cy.max() - cy.min()) + 1) + (cy - cy.min()) if len(xy) else cx
    street_key = (town + 1) * (int(street.max()) + 2) + street + 1
    key = np.where(street >= 0, street_key, int(street_key.max(initial=0)) + 1 + cell)
    codes = np.where(ok, np.unique(key, return_inverse=True)[1].ravel(), -1)
    n = int(codes.max()) + 1 if codes.size else 0
    g = codes[ok]
    x, y = xy[ok, 0], xy[ok, 1]
    count = np.bincount(g, minlength=n).astype(float)
    mx, my = np.bincount(g, x, n) / np.maximum(count, 1), np.bincount(g, y, n) / np.maximum(count, 1)
    dx, dy = x - mx[g], y - my[g]
    cxx, cyy, cxy = (np.bincount(g, w, n) for w in (dx * dx, dy * dy, dx * dy))
    theta = 0.5 * np.arctan2(2 * cxy, cxx - cyy)  # main direction of each street
    t = dx * np.cos(theta[g]) + dy * np.sin(theta[g])
    tmin = np.full(n, np.inf)
    np.minimum.at(tmin, g, t)
    k = np.floor((t - tmin[g]) / length).astype(np.int64)
    seg = np.full(len(addresses), -1, dtype=np.int64)
    codes, first = np.unique(g * (int(k.max()) + 1 if k.size else 1) + k, return_inverse=True)
    seg[ok] = first.ravel()
    street_of = np.zeros(codes.size, dtype=np.int64)
    k_of = np.zeros(codes.size, dtype=np.int64)
    street_of[first.ravel()], k_of[first.ravel()] = g, k
    return seg, street_of, k_of


def merge_runs(hot: np.ndarray, street_of: np.ndarray, k_of: np.ndarray, n_seg: int) -> np.ndarray:
    """Hot spot number per segment (-1 when not hot): consecutive hot segments of one street merge."""
    hot = hot[np.lexsort((k_of[hot], street_of[hot]))]
    street, k = street_of[hot], k_of[hot]
    new = np.r_[True, (street[1:] != street[:-1]) | (k[1:] != k[:-1] + 1)] if hot.size else np.empty(0, bool)
    group = np.full(n_seg, -1, dtype=np.int64)
    group[hot] = np.cumsum(new) - 1
    return group


def _pair_measures(arr: dict[str, np.ndarray], pand: np.ndarray, a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
    """Outcome gap, phase gap and 'identical homes that differ' per flagged pair."""
    out, ph, typ, year = arr["outcome"], arr["phase"], arr["typ"], arr["year"]
    oa = np.where(ph[a] < 0, 0, out[a])  # outside the programme: no measures
    ob = np.where(ph[b] < 0, 0, out[b])
    outcome_gap = np.where((oa >= 0) & (ob >= 0), np.abs(oa - ob), 0)
    phase_gap = np.where((ph[a] >= 0) & (ph[b] >= 0), np.abs(ph[a] - ph[b]), 0)
    same_pand = (pand[a] >= 0) & (pand[a] == pand[b])
    with np.errstate(invalid="ignore"):
        twin = (typ[a] >= 0) & (typ[a] == typ[b]) & (year[a] == year[b])
    assessed = (ph[a] >= 0) & (ph[b] >= 0) & (out[a] >= 0) & (out[b] >= 0) & (outcome_gap > 0)
    return {"outcome_gap": outcome_gap, "phase_gap": phase_gap, "assessed": assessed,
            "identical": (same_pand | twin) & assessed}


def _touching(seg: np.ndarray, i: np.ndarray, j: np.ndarray, n: int) -> np.ndarray:
    """Per segment the number of (unique) pairs with at least one end in it."""
    si, sj = seg[i], seg[j]
    both = np.bincount(si[(si == sj) & (si >= 0)], minlength=n)
    return np.bincount(si[si >= 0], minlength=n) + np.bincount(sj[sj >= 0], minlength=n) - both


def flag_positions(addresses: pd.DataFrame, flags: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``addresses`` of each flag's ``adres_id`` and ``buur_adres_id`` (-1 when unknown)."""
    index = pd.Index(addresses["adres_id"].astype(str).to_numpy())
    if not len(flags):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return (index.get_indexer(flags["adres_id"].astype(str).to_numpy()).astype(np.int64),
            index.get_indexer(flags["buur_adres_id"].astype(str).to_numpy()).astype(np.int64))


def flagged_pairs(
    arr: dict[str, np.ndarray], pairs: pd.DataFrame, flags: pd.DataFrame, fa: np.ndarray, fb: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All flagged neighbour pairs: the flag rows, with every buiten_programma pair.

    ``flag_inequality`` keeps one ``buiten_programma`` row per outside address (its most
    telling neighbour); for the concentration every (outside, strengthened neighbour) pair
    counts, so that rule is applied again to the neighbour pairs of one typology.

    Returns
    -------
    a, b, kind
        Positions of the pairs and the index in ``FLAG_TYPES`` of each.
    """
    kinds = pd.Categorical(flags["vlag"].astype(str), categories=list(FLAG_TYPES)).codes.astype(np.int8)
    outside = FLAG_TYPES.index("buiten_programma")
    keep = (kinds != outside) & (fa >= 0) & (fb >= 0)
    i, j = pairs["i"].to_numpy(np.int64), pairs["j"].to_numpy(np.int64)
    same = np.flatnonzero((arr["typ"][i] >= 0) & (arr["typ"][i] == arr["typ"][j]))
    blk = outside_programme(arr, i[same], j[same], pairs["afstand_m"].to_numpy(float)[same],
                             pairs["zelfde_pand"].to_numpy(bool)[same])
    a = np.concatenate([fa[keep], blk["alle_a"]]).astype(np.int64)
    b = np.concatenate([fb[keep], blk["alle_b"]]).astype(np.int64)
    kind = np.concatenate([kinds[keep], np.full(len(blk["alle_a"]), outside, np.int8)])
    return a, b, kind


def find_hot_spots(
    addresses: pd.DataFrame,
    flags: pd.DataFrame,
    *,
    pairs: pd.DataFrame | None = None,
    distance: float = NEIGHBOUR_DISTANCE,
    area_column: str | None = None,
    segment_length: float = SEGMENT_LENGTH,
    min_homes: int = MIN_HOMES,
    min_share: float = MIN_SHARE,
) -> tuple[gpd.GeoDataFrame, pd.Series]:
    """Hot spots of the pair flags, most severe first.

    Parameters
    ----------
    addresses
        The addresses the ``flags`` were computed on.
    flags
        Output of :func:`gebied.flags.rules.flag_inequality` (with the same ``distance``).
    pairs
        Precomputed ``neighbour_pairs(addresses, distance=distance)`` (optional).
    area_column
        Area code column (e.g. ``buurt_code``): each hot spot gets the area of most of its homes.
    segment_length, min_homes, min_share
        Longest street segment in metres; fewest homes of the segment involved in flags; least
        share of the neighbour pairs touching the segment that carry a flag.

    Returns
    -------
    hot_spots, flag_hot_spot
        One row per hot spot (columns :data:`HOT_SPOT_COLUMNS`; polygon ``geometry`` around
        its flagged homes, EPSG:28992), most severe first; and per flag (aligned with
        ``flags``) the ``brandhaard_id`` of the hot spot of its ``adres_id`` (else of its
        ``buur_adres_id``; NA when neither lies in one).
    """
    if pairs is None:
        pairs = neighbour_pairs(addresses, distance=distance)
    arr = address_arrays(addresses)
    fa, fb = flag_positions(addresses, flags)
    a, b, kind = flagged_pairs(arr, pairs, flags, fa, fb)
    seg, street_of, k_of = street_segments(addresses, length=segment_length)
    n_seg = street_of.size
    n = len(addresses)
    key = np.unique(np.minimum(a, b) * n + np.maximum(a, b))
    lo, hi = key // n, key % n
    pi, pj = pairs["i"].to_numpy(np.int64), pairs["j"].to_numpy(np.int64)
    involved = np.zeros(n, dtype=bool)
    involved[lo] = involved[hi] = True
    flagged_homes = np.bincount(seg[involved & (seg >= 0)], minlength=n_seg)
    share = _touching(seg, lo, hi, n_seg) / np.maximum(_touching(seg, pi, pj, n_seg), 1)
    pand = factorize(string_column(addresses, "pand_id"))
    m = _pair_measures(arr, pand, a, b)
    twins = np.zeros(n_seg, dtype=bool)  # identical homes with another assessed outcome
    for end in (a, b):
        twins[seg[end][m["identical"] & (seg[end] >= 0)]] = True
    hot_seg = np.flatnonzero((flagged_homes >= min_homes) & ((share >= min_share) | twins))
    group = merge_runs(hot_seg, street_of, k_of, n_seg)
    spot = np.where(seg >= 0, group[np.maximum(seg, 0)], -1)  # hot spot number per address
    n_spot = int(group.max()) + 1 if group.size else 0
    spot_share = _touching(spot, lo, hi, n_spot) / np.maximum(_touching(spot, pi, pj, n_spot), 1)
    ends = pd.DataFrame({
        "s": np.concatenate([spot[a], spot[b]]), "h": np.concatenate([a, b]), "k": np.concatenate([kind, kind]),
        "pair": np.tile(np.searchsorted(key, np.minimum(a, b) * n + np.maximum(a, b)), 2),
        **{name: np.tile(v, 2) for name, v in m.items()},
    })
    ends = ends[ends["s"] >= 0]
    per_pair = ends.drop_duplicates(["s", "pair", "k"])
    homes = ends[["s", "h"]].drop_duplicates()
    homes = homes[spot[homes["h"].to_numpy()] == homes["s"].to_numpy()]  # homes of the hot spot itself
    hot = np.arange(n_spot)
    n_homes = np.bincount(homes["s"], minlength=n_spot)
    g = per_pair.groupby("s")
    t = pd.DataFrame(index=pd.Index(hot, name="s"))
    t["adressen"] = n_homes[hot]
    t["paren"] = per_pair.drop_duplicates(["s", "pair"]).groupby("s").size()
    t["aandeel_paren"] = spot_share.round(3)
    t["uitkomst_gat"] = g["outcome_gap"].max()
    t["fase_gat"] = g["phase_gap"].max()
    t["identiek"] = per_pair[per_pair["identical"]].drop_duplicates(["s", "pair"]).groupby("s").size()
    counts = pd.crosstab(per_pair["s"], per_pair["k"]).reindex(columns=range(len(FLAG_TYPES)), fill_value=0)
    counts.columns = list(FLAG_TYPES)
    t = t.join(counts)
    timing = (per_pair["phase_gap"] >= 2) | (per_pair["k"] == FLAG_TYPES.index("buiten_programma"))
    t["tempo_paren"] = timing.groupby(per_pair["s"]).sum()
    t["uitkomst_paren"] = per_pair["assessed"].groupby(per_pair["s"]).sum()
    t = t.fillna(0)
    for c in ("adressen", "paren", "uitkomst_gat", "fase_gat", "identiek", "tempo_paren", "uitkomst_paren", *FLAG_TYPES):
        t[c] = t[c].astype(np.int64)
    weight = 1 + t["uitkomst_gat"] + t["fase_gat"] / PHASE_SCALE + (t["identiek"] > 0)
    t["ernst"] = (t["adressen"] * weight).round(1)
    t = t.sort_values(["ernst", "adressen"], ascending=False, kind="stable")
    t["rang"] = np.arange(1, len(t) + 1)
    t["brandhaard_id"] = [f"BH{r:04d}" for r in t["rang"]]

    t = _describe(t, addresses, homes, area_column)
    table = _frame(t, addresses, homes)
    return table, _flag_ids(flags, fa, fb, spot, t["brandhaard_id"])


def _flag_ids(flags: pd.DataFrame, fa: np.ndarray, fb: np.ndarray, spot: np.ndarray, hot_id: pd.Series) -> pd.Series:
    """The hot spot of each flag row: that of its adres_id, else that of its buur_adres_id."""
    names = np.full(len(hot_id) + 1, None, dtype=object)  # last entry: no hot spot
    names[hot_id.index.to_numpy()] = hot_id.to_numpy(object)
    sa, sb = (np.where(p >= 0, spot[np.maximum(p, 0)], -1) for p in (fa, fb))
    pick = np.where(sa >= 0, sa, sb)
    ids = names[np.where(pick >= 0, pick, len(hot_id))]
    return pd.Series(pd.array(ids, dtype="string"), index=flags.index, name="brandhaard_id")


def _text_at(addresses: pd.DataFrame, column: str, positions: np.ndarray) -> np.ndarray:
    """``text_column(addresses, column)`` at ``positions`` only (object array, NA for empty)."""
    if column not in addresses.columns:
        return np.full(len(positions), pd.NA, dtype=object)
    return text_column(addresses[[column]].iloc[positions], column).to_numpy(object)


def _describe(t: pd.DataFrame, addresses: pd.DataFrame, members: pd.DataFrame, area_column: str | None) -> pd.DataFrame:
    """Street, house numbers, area, action and Dutch explanation per hot spot."""
    first = members.drop_duplicates("s").set_index("s")["h"].reindex(t.index).to_numpy()
    t["woonplaats"] = pd.array(_text_at(addresses, "woonplaats", first), dtype="string")
    t["straat"] = pd.array(_text_at(addresses, "straat", first), dtype="string")
    t["huisnummers"] = house_number_ranges(addresses, members).reindex(t.index)
    t["gebied_code"] = pd.NA
    if area_column is not None and area_column in addresses.columns:
        pick = members.assign(g=_text_at(addresses, area_column, members["h"].to_numpy())).dropna(subset=["g"])
        t["gebied_code"] = mode_per_group(pick["g"], pick["s"]).reindex(t.index)
    t["actie"] = actions(t)
    t["actie_tekst"] = t["actie"].map(ACTIONS)
    t["toelichting"] = explain_hot_spots(t)
    return t


def _frame(t: pd.DataFrame, addresses: pd.DataFrame, members: pd.DataFrame) -> gpd.GeoDataFrame:
    """The hot spot table with a polygon around the homes of each hot spot (10 m margin)."""
    xy = address_coordinates(addresses)
    order = {s: k for k, s in enumerate(t.index)}
    members = members[members["s"].isin(order)]
    idx = members["s"].map(order).to_numpy(np.int64)
    sort = np.argsort(idx, kind="stable")
    if len(t):
        points = shapely.multipoints(xy[members["h"].to_numpy()[sort]], indices=idx[sort])
        geoms = shapely.buffer(shapely.convex_hull(points), 10.0, quad_segs=4)
    else:
        geoms = np.empty(0, dtype=object)
    out = pd.DataFrame({c: t[c].to_numpy() for c in HOT_SPOT_COLUMNS})
    for c in ("brandhaard_id", "woonplaats", "straat", "huisnummers", "gebied_code", "actie", "actie_tekst",
              "toelichting"):
        out[c] = out[c].astype("string")
    out["ernst"] = out["ernst"].astype(float)
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, crs=28992))
