"""Inequality flags per area, with a join-count test of spatial clustering of phase.

The join-count test (the BB statistic of Cliff & Ord, as ``esda.Join_Counts``) asks whether
the *voorlopers* of an area — programme addresses further along the chain than the rest —
sit next to each other more often than chance would give. The variable is binary: an address
is a voorloper when its phase index is at least a threshold chosen per area so that the
split is as close to half/half as possible. The graph is the neighbour graph
(``neighbour_pairs``) restricted to the area's programme addresses. The p-value is a
one-sided permutation test (random relabelling, fixed seed). Because many areas are tested
at once, the p-values are adjusted with the Benjamini–Hochberg procedure
(``scipy.stats.false_discovery_control``); an area is *significantly unequal* when its adjusted
p-value ``jc_q`` is below 5 % and the voorlopers cluster (more joins than expected).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import false_discovery_control

from gebied.codes import NCG_FASEN, NEIGHBOUR_DISTANCE
from gebied.errors import GebiedError
from gebied.flags.rules import FLAG_TYPES, flag_counts
from gebied.neighbours import neighbour_pairs

#: Areas with fewer programme addresses or neighbour links get no join-count test.
MIN_PROGRAMME = 10
MIN_JOINS = 5
#: False discovery rate for calling an area significantly unequal (Benjamini–Hochberg).
ALPHA = 0.05


def resolve_area_column(addresses: pd.DataFrame, area_column: str) -> str:
    """The column holding area codes: ``area_column`` itself or ``<area_column>_code``."""
    for candidate in (area_column, f"{area_column}_code"):
        if candidate in addresses.columns:
            return candidate
    options = sorted(c for c in addresses.columns if str(c).endswith("_code"))
    hint = f"; beschikbaar: {', '.join(options)}" if options else ""
    raise GebiedError(f"gebiedskolom '{area_column}' bestaat niet in de adressen{hint}", column=area_column)


def balanced_split(phase: np.ndarray) -> np.ndarray:
    """Binary 'voorloper' labels: phase >= t, with t giving the split nearest to half/half."""
    values = np.unique(phase)
    if values.size < 2:
        return np.zeros(phase.size, dtype=bool)
    shares = np.array([(phase >= t).mean() for t in values[1:]])
    t = values[1:][np.argmin(np.abs(shares - 0.5))]
    return phase >= t


def join_count_test(
    y: np.ndarray, i: np.ndarray, j: np.ndarray, *, permutations: int = 999, seed: int = 12345
) -> tuple[float, float, float]:
    """BB join count of binary ``y`` over undirected edges (i, j) with a permutation p-value.

    Returns
    -------
    statistic, expected, p_value
        Observed BB joins, their expectation under random labelling
        (``E · n1(n1-1) / (n(n-1))``) and the one-sided p-value
        ``(#{perm BB >= observed} + 1) / (permutations + 1)``.
    """
    y = np.asarray(y, dtype=bool)
    n, n1, edges = y.size, int(y.sum()), len(i)
    observed = float(np.sum(y[i] & y[j]))
    expected = edges * n1 * (n1 - 1) / (n * (n - 1)) if n > 1 else float("nan")
    rng = np.random.default_rng(seed)
    higher = 0
    chunk = max(1, min(permutations, 2_000_000 // max(edges, 1)))
    done = 0
    while done < permutations:
        size = min(chunk, permutations - done)
        perm = rng.permuted(np.broadcast_to(y, (size, n)), axis=1)
        bb = np.sum(perm[:, i] & perm[:, j], axis=1)
        higher += int(np.sum(bb >= observed))
        done += size
    return observed, float(expected), (higher + 1) / (permutations + 1)


def _conclusion(stat: float, expected: float, p: float) -> str:
    if p < 0.05 and stat > expected:
        return (
            "geclusterd: adressen die voorop lopen liggen vaker naast elkaar dan toeval geeft; "
            "het tempo verschilt per straat of blok"
        )
    return "niet geclusterd: verschillen in fase liggen niet meer bij elkaar dan bij toeval"


def flag_summary(
    addresses: pd.DataFrame,
    flags: pd.DataFrame,
    *,
    area_column: str,
    distance: float = NEIGHBOUR_DISTANCE,
    permutations: int = 999,
    seed: int = 12345,
    pairs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Flags per area: counts per type, share of programme addresses flagged, join-count test.

    A flag counts for the area of its ``adres_id``. Addresses without an area are left out.

    Parameters
    ----------
    addresses
        Addresses joined to areas (the ``flags`` were computed on these).
    flags
        Output of ``flag_inequality``.
    area_column
        Area code column, e.g. ``buurt_code`` (or ``buurt``).
    distance, pairs
        Neighbour graph for the join-count test (as for ``flag_inequality``).
    permutations, seed
        Permutation test settings (reproducible).

    Returns
    -------
    pandas.DataFrame
        One row per area: ``gebied_code``, ``gebied_naam`` (from ``<area>_naam`` when
        present), ``aantal_adressen``, ``in_programma``, one count
        column per flag type, ``aantal_vlaggen``, ``adressen_met_vlag``, ``aandeel_met_vlag``,
        ``jc_voorlopers``, ``jc_verbindingen``, ``jc_statistiek``, ``jc_verwacht``, ``jc_p``,
        ``jc_conclusie`` (Dutch; the reason when the test could not be done), ``jc_q``
        (Benjamini–Hochberg adjusted p) and ``jc_significant`` (see :func:`significance`).
    """
    column = resolve_area_column(addresses, area_column)
    n = len(addresses)
    area, uniques = pd.factorize(addresses[column].astype("string"), use_na_sentinel=True)
    n_areas = len(uniques)
    phase = (
        addresses["ncg_fase"].astype("string").map({f: k for k, f in enumerate(NCG_FASEN)})
        if "ncg_fase" in addresses.columns
        else pd.Series(np.nan, index=addresses.index)
    )
    phase = pd.to_numeric(phase, errors="coerce").fillna(-1).to_numpy(np.int64)
    in_prog = phase >= 0
    flagged = flag_counts(addresses, flags).to_numpy() > 0
    has_area = area >= 0
    total = np.bincount(area[has_area], minlength=n_areas)
    programme = np.bincount(area[has_area & in_prog], minlength=n_areas)
    with_flag = np.bincount(area[has_area & in_prog & flagged], minlength=n_areas)

    pos_of = pd.Series(np.arange(n), index=addresses["adres_id"].astype(str).to_numpy())
    flag_pos = pos_of.reindex(flags["adres_id"].astype(str)).to_numpy(np.int64) if len(flags) else np.empty(0, np.int64)
    flag_area = area[flag_pos]
    kinds = flags["vlag"].astype(str).to_numpy() if len(flags) else np.empty(0, str)
    per_type = {
        kind: np.bincount(flag_area[(kinds == kind) & (flag_area >= 0)], minlength=n_areas) for kind in FLAG_TYPES
    }

    if pairs is None:
        pairs = neighbour_pairs(addresses, distance=distance)
    pi, pj = pairs["i"].to_numpy(np.int64), pairs["j"].to_numpy(np.int64)
    keep = in_prog[pi] & in_prog[pj] & (area[pi] >= 0) & (area[pi] == area[pj])
    pi, pj = pi[keep], pj[keep]
    order = np.argsort(area[pi], kind="stable")
    pi, pj = pi[order], pj[order]
    edge_bounds = np.searchsorted(area[pi], np.arange(n_areas + 1))
    prog_pos = np.flatnonzero(has_area & in_prog)
    prog_pos = prog_pos[np.argsort(area[prog_pos], kind="stable")]
    prog_bounds = np.searchsorted(area[prog_pos], np.arange(n_areas + 1))
    local = np.full(n, -1, dtype=np.int64)

    names = {}
    name_column = column[: -len("_code")] + "_naam" if column.endswith("_code") else None
    if name_column and name_column in addresses.columns:
        names = addresses[[column, name_column]].dropna().drop_duplicates(column).set_index(column)[name_column].to_dict()
    rows = []
    for k in np.argsort(np.asarray(uniques, dtype=object)):
        code = uniques[k]
        row = {"gebied_code": code, "gebied_naam": names.get(code, pd.NA)}
        row.update(aantal_adressen=int(total[k]), in_programma=int(programme[k]))
        for kind in FLAG_TYPES:
            row[kind] = int(per_type[kind][k])
        row["aantal_vlaggen"] = sum(row[t] for t in FLAG_TYPES)
        row["adressen_met_vlag"] = int(with_flag[k])
        row["aandeel_met_vlag"] = with_flag[k] / programme[k] if programme[k] else np.nan
        prog = prog_pos[prog_bounds[k] : prog_bounds[k + 1]]
        local[prog] = np.arange(prog.size)
        ei, ej = pi[edge_bounds[k] : edge_bounds[k + 1]], pj[edge_bounds[k] : edge_bounds[k + 1]]
        row.update(_area_join_count(phase[prog], local[ei], local[ej], permutations, seed))
        rows.append(row)
    out = pd.DataFrame(rows, columns=_SUMMARY_COLUMNS[:-2]).astype(
        {"jc_conclusie": "string", "gebied_code": "string", "gebied_naam": "string"}
    )
    return significance(out)


def significance(summary: pd.DataFrame, *, alpha: float = ALPHA) -> pd.DataFrame:
    """Add ``jc_q`` (Benjamini–Hochberg adjusted p over the tested areas) and ``jc_significant``.

    An area is significantly unequal when its adjusted p-value is below ``alpha`` and its
    voorlopers are more often neighbours than expected (``jc_statistiek > jc_verwacht``).
    """
    out = summary.copy()
    p = pd.to_numeric(out["jc_p"], errors="coerce")
    tested = p.notna().to_numpy()
    q = np.full(len(out), np.nan)
    if tested.any():
        q[tested] = false_discovery_control(p[tested].to_numpy(float), method="bh")
    out["jc_q"] = q
    higher = pd.to_numeric(out["jc_statistiek"], errors="coerce") > pd.to_numeric(out["jc_verwacht"], errors="coerce")
    out["jc_significant"] = pd.array(np.where(tested, (q < alpha) & higher.to_numpy(), pd.NA), dtype="boolean")
    return out


def add_hot_spots(summary: pd.DataFrame, hot_spots: pd.DataFrame) -> pd.DataFrame:
    """Add per area ``brandhaarden`` (count), ``brandhaard_ernst`` (highest) and ``brandhaard_top``.

    ``brandhaard_top`` names the most severe hot spot of the area (id, street and numbers).
    """
    out = summary.copy()
    hot = pd.DataFrame(hot_spots).dropna(subset=["gebied_code"]).sort_values("ernst", ascending=False)
    key = out["gebied_code"].astype(str)
    by_area = hot.groupby(hot["gebied_code"].astype(str))
    out["brandhaarden"] = key.map(by_area.size()).fillna(0).astype(np.int64)
    out["brandhaard_ernst"] = key.map(by_area["ernst"].max())
    top = hot.drop_duplicates("gebied_code")
    label = top["brandhaard_id"].astype(str) + " " + top["straat"].fillna("").astype(str) + " " + top[
        "huisnummers"].fillna("").astype(str)
    out["brandhaard_top"] = pd.array(key.map(dict(zip(top["gebied_code"].astype(str), label.str.strip()))), dtype="string")
    return out


_SUMMARY_COLUMNS = [
    "gebied_code",
    "gebied_naam",
    "aantal_adressen",
    "in_programma",
    *FLAG_TYPES,
    "aantal_vlaggen",
    "adressen_met_vlag",
    "aandeel_met_vlag",
    "jc_voorlopers",
    "jc_verbindingen",
    "jc_statistiek",
    "jc_verwacht",
    "jc_p",
    "jc_conclusie",
    "jc_q",
    "jc_significant",
]


def _area_join_count(phase: np.ndarray, i: np.ndarray, j: np.ndarray, permutations: int, seed: int) -> dict:
    """Join-count columns for one area (programme phases and local edge indices)."""
    empty = {"jc_voorlopers": np.nan, "jc_verbindingen": np.nan, "jc_statistiek": np.nan, "jc_verwacht": np.nan, "jc_p": np.nan}
    if phase.size < MIN_PROGRAMME:
        return {**empty, "jc_conclusie": f"geen toets: minder dan {MIN_PROGRAMME} adressen in het programma"}
    if i.size < MIN_JOINS:
        return {**empty, "jc_conclusie": f"geen toets: minder dan {MIN_JOINS} buurverbindingen in het programma"}
    y = balanced_split(phase)
    if y.sum() < 2 or y.all():
        return {**empty, "jc_conclusie": "geen toets: alle adressen staan in dezelfde fase"}
    stat, expected, p = join_count_test(y, i, j, permutations=permutations, seed=seed)
    return {
        "jc_voorlopers": int(y.sum()),
        "jc_verbindingen": int(i.size),
        "jc_statistiek": stat,
        "jc_verwacht": round(expected, 2),
        "jc_p": p,
        "jc_conclusie": _conclusion(stat, expected, p),
    }
