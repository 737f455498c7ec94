"""How much of a place's diversity lies between its parts (Gini–Simpson decomposition).

For one categorical feature (typology, building period, ownership, risk profile) the
diversity of a group of ``n`` homes is the unbiased Gini–Simpson index

    G = (n² − Σ n_k²) / (n (n − 1)),

the chance that two different homes drawn at random differ in that feature (0 = all alike).
The diversity *within* the parts of a place is the address-weighted mean of the parts' own
indices, ``W = Σ n_c G_c / Σ n_c`` (parts with fewer than two homes carry no index and are
left out of both sums). The share of the diversity that lies *between* the parts is
``1 − W / G``: 0 when every part has the mix of the whole, 1 when every part is uniform but
the parts differ. Because both indices are unbiased, randomly mixed parts give a share of
about 0 whatever their size, so small streets do not look different by chance alone
(with a biased index a street of five homes would show about 20 % less diversity).

Several features are pooled by summing their indices: the between share of the place is
``1 − Σ_f W_f / Σ_f G_f``, so a feature in which the place hardly varies weighs little.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def factorize(values: pd.Series) -> np.ndarray:
    """Integer codes of a text column (-1 where missing)."""
    codes, _ = pd.factorize(values.astype("string"), use_na_sentinel=True)
    return codes.astype(np.int64)


def _gini_simpson(n: np.ndarray, sum_sq: np.ndarray) -> np.ndarray:
    """Unbiased Gini–Simpson index from group sizes and sums of squared counts (NaN for n < 2)."""
    n = n.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        g = (n * n - sum_sq) / (n * (n - 1.0))
    return np.where(n >= 2, g, np.nan)


def feature_split(
    value: np.ndarray, place: np.ndarray, part: np.ndarray, *, n_places: int
) -> tuple[np.ndarray, np.ndarray]:
    """Diversity of each place and the weighted diversity within its parts, for one feature.

    Parameters
    ----------
    value, place, part
        Integer codes per address (-1 = unknown); ``part`` need not be nested in ``place``:
        a part is the combination of place and part code.
    n_places
        Number of places (codes ``0 … n_places − 1``).

    Returns
    -------
    whole, within
        Per place the Gini–Simpson index of the place and the address-weighted mean index
        of its parts (NaN where the place has fewer than two homes with a known value).
    """
    ok = (value >= 0) & (place >= 0) & (part >= 0)
    v, p, c = value[ok], place[ok], part[ok]
    whole = np.full(n_places, np.nan)
    within = np.full(n_places, np.nan)
    if v.size == 0:
        return whole, within
    nv = int(v.max()) + 1
    # counts per (place, value) and per (place, part, value)
    pv, n_pv = np.unique(p * nv + v, return_counts=True)
    n_p = np.bincount(pv // nv, weights=n_pv, minlength=n_places)
    sq_p = np.bincount(pv // nv, weights=n_pv.astype(float) ** 2, minlength=n_places)
    whole = _gini_simpson(n_p, sq_p)

    _, part_id = np.unique(np.stack([p, c]), axis=1, return_inverse=True)
    part_id = part_id.ravel()
    n_parts = int(part_id.max()) + 1
    part_place = np.zeros(n_parts, dtype=np.int64)
    part_place[part_id] = p
    cv, n_cv = np.unique(part_id * nv + v, return_counts=True)
    n_c = np.bincount(cv // nv, weights=n_cv, minlength=n_parts)
    sq_c = np.bincount(cv // nv, weights=n_cv.astype(float) ** 2, minlength=n_parts)
    g_c = _gini_simpson(n_c, sq_c)
    counted = n_c >= 2
    num = np.bincount(part_place[counted], weights=(n_c * g_c)[counted], minlength=n_places)
    den = np.bincount(part_place[counted], weights=n_c[counted], minlength=n_places)
    with np.errstate(invalid="ignore", divide="ignore"):
        within = np.where(den > 0, num / den, np.nan)
    within = np.where(np.isnan(whole), np.nan, within)
    return whole, within


def count_parts(place: np.ndarray, part: np.ndarray, *, n_places: int) -> np.ndarray:
    """Number of distinct parts (with at least one address) per place."""
    ok = (place >= 0) & (part >= 0)
    if not ok.any():
        return np.zeros(n_places, dtype=np.int64)
    pairs = np.unique(np.stack([place[ok], part[ok]]), axis=1)
    return np.bincount(pairs[0], minlength=n_places).astype(np.int64)


def diversity_split(
    features: dict[str, np.ndarray], place: np.ndarray, part: np.ndarray, *, n_places: int
) -> pd.DataFrame:
    """Per place: diversity of each feature, its share between the parts, and the pooled share.

    Parameters
    ----------
    features
        ``{name: integer codes per address (-1 = unknown)}``.
    place, part
        Integer codes per address of the place and of its parts (-1 = none).
    n_places
        Number of places.

    Returns
    -------
    pandas.DataFrame
        One row per place code (``0 … n_places − 1``): per feature ``div_<name>`` (Gini–Simpson
        of the place) and ``tussen_<name>`` (share between the parts, 0–1); ``verscheidenheid``
        (mean index over the features with data) and ``aandeel_tussen_delen`` (pooled
        share between the parts, NaN when the place has no diversity).
    """
    out = pd.DataFrame(index=pd.RangeIndex(n_places))
    total_whole = np.zeros(n_places)
    total_within = np.zeros(n_places)
    known = np.zeros(n_places)
    diversity = np.zeros(n_places)
    for name, value in features.items():
        whole, within = feature_split(value, place, part, n_places=n_places)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(whole > 0, 1.0 - within / whole, np.nan)
        out[f"div_{name}"] = whole
        out[f"tussen_{name}"] = np.clip(share, 0.0, 1.0)
        has = ~np.isnan(whole) & ~np.isnan(within)
        total_whole += np.where(has, whole, 0.0)
        total_within += np.where(has, within, 0.0)
        known += ~np.isnan(whole)
        diversity += np.nan_to_num(whole)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["verscheidenheid"] = np.where(known > 0, diversity / np.maximum(known, 1), np.nan)
        pooled = np.where(total_whole > 0, 1.0 - total_within / total_whole, np.nan)
    out["aandeel_tussen_delen"] = np.clip(pooled, 0.0, 1.0)
    return out
