"""Public figures: one set of rules for the public map, the report and the API.

- a count from 1 to ``threshold - 1`` is shown as ``"< threshold"`` (primary suppression);
- where a total and its parts are published, a single hidden part could be computed back by
  subtraction, so the smallest other part is hidden too (secondary suppression, ``×``);
- a share whose numerator or denominator is hidden is hidden too (API records);
- an area with fewer addresses than the threshold is merged into the neighbouring area of
  the same gemeente with which it shares the longest border, or hidden when it has none.

Zero stays zero (it reveals no home).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebied.codes import NCG_FASEN
from gebied.frames import is_missing

#: The smallest threshold allowed (CBS publishes no counts below 5 for small areas).
MIN_THRESHOLD = 5
#: The threshold when none is given.
DEFAULT_THRESHOLD = 10
#: Display text of a secondarily suppressed cell.
SECONDARY = "×"
#: A published total (``in_programma``) and its parts (the phases) of an area: one hidden
#: part could be computed back by subtraction.
TOTAL_AND_PARTS: tuple[str, ...] = ("in_programma", *(f"fase_{f}" for f in NCG_FASEN))
#: Shares of an area record and the counts they are built from.
SHARES: dict[str, tuple[str, ...]] = {
    "aandeel_gereed": ("gereed", "in_programma"),
    "aandeel_met_vlag": ("aantal_adressen",),
}


def suppress(count: object, threshold: int, *, number: Callable[[int], str] = str) -> str:
    """Display text of a count: ``"< threshold"`` for 1 … threshold-1, else ``number(count)``.

    ``–`` when the count is missing; ``number`` formats a shown count (e.g.
    :func:`gebied.frames.fmt_int` for Dutch thousands separators).
    """
    if is_missing(count):
        return "–"
    n = int(count)  # type: ignore[call-overload]
    if 0 < n < threshold:
        return f"< {threshold}"
    return number(n)


def protect(values: np.ndarray, threshold: int, groups: Sequence[object] | None = None) -> np.ndarray:
    """Cells to hide in a table of counts: 0 for shown, 1 primary, 2 secondary.

    Column 0 is the row total of columns 1…; rows with the same ``groups`` value add up
    to a (published) group total per column. Primary: counts 1 … threshold-1. Secondary:
    where a row or a group column has exactly one hidden cell, the smallest other
    non-zero cell is hidden too, so that no hidden count can be computed back by
    subtraction. Repeated until nothing changes.
    """
    v = np.asarray(values, dtype=np.int64)
    hide = np.where((v > 0) & (v < threshold), 1, 0)
    n, k = v.shape
    groups = list(range(n)) if groups is None else list(groups)
    members: dict[object, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)

    def hide_smallest(cells: list[tuple[int, int]]) -> bool:
        hidden = [c for c in cells if hide[c]]
        if len(hidden) != 1:
            return False
        free = [c for c in cells if not hide[c] and v[c] > 0]
        if not free:
            return False
        target = min(free, key=lambda c: (v[c], c))
        hide[target] = 2
        return True

    changed = True
    while changed:
        changed = False
        for i in range(n):
            changed |= hide_smallest([(i, j) for j in range(0, k)])
        for rows in members.values():
            if len(rows) > 1:
                for j in range(k):
                    changed |= hide_smallest([(i, j) for i in rows])
    return hide


def suppress_table(
    values: np.ndarray, threshold: int, *, groups: Sequence[object] | None = None, number: Callable[[int], str] = str
) -> list[list[str]]:
    """Display texts of a table of counts (total in column 0): primary and secondary suppression.

    See :func:`protect` for the table and ``groups``; :func:`suppress` for ``number``.
    """
    hide = protect(values, threshold, groups)
    return [
        [SECONDARY if h == 2 else suppress(v, threshold, number=number) for v, h in zip(row, hidden)]
        for row, hidden in zip(values, hide)
    ]


def is_count_column(name: str) -> bool:
    """Columns of the gebieden layer that count addresses or flags."""
    return name.startswith(("aantal", "fase_", "uitkomst_", "risico_")) or name in ("in_programma", "gereed")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def suppress_record(record: Mapping[str, object], *, threshold: int) -> dict:
    """A copy of an area record (API) with its small counts hidden; ``onderdrukt`` says whether any.

    A count from 1 to ``threshold - 1`` becomes ``"< threshold"``; where that leaves a single
    hidden part of :data:`TOTAL_AND_PARTS`, the smallest other part becomes ``"×"``; a share
    built from a hidden count becomes None. Counts that stay shown stay numbers.
    """
    out = dict(record)
    hidden = set()
    label = f"< {threshold}"
    for key, value in record.items():
        if is_count_column(key) and _is_number(value) and 0 < value < threshold:  # type: ignore[operator]
            out[key] = label
            hidden.add(key)
    block = [k for k in TOTAL_AND_PARTS if _is_number(record.get(k))]
    if len(block) == len(TOTAL_AND_PARTS):
        hide = protect(np.array([[int(record[k]) for k in block]]), threshold)  # type: ignore[call-overload]
        for j, key in enumerate(block):
            if hide[0, j] == 2:
                out[key] = SECONDARY
                hidden.add(key)
    for share, parts in SHARES.items():
        if share in out and any(p in hidden for p in parts):
            out[share] = None
            hidden.add(share)
    if "aandeel_met_vlag" in out and "aantal_vlaggen" in hidden:
        out["aandeel_met_vlag"] = None
    out["onderdrukt"] = bool(hidden)
    return out


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, (str, list)) and pd.isna(value))


#: Gaps and overlaps narrower than twice this (m) between merged areas are closed (no sliver lines).
SNAP_M = 5.0


def seamless_union(a, b, *, tolerance: float = SNAP_M):
    """Union of two areas that closes the slivers between them (gaps narrower than ``2 * tolerance``).

    Area files such as PC4 are no perfect coverage; a plain union of neighbours leaves thin
    lines where they did not touch. Growing both by ``tolerance``, uniting and shrinking back
    (a morphological closing) removes those lines and keeps the outer boundary.
    """
    grown = shapely.union_all([shapely.buffer(a, tolerance, join_style="mitre"), shapely.buffer(b, tolerance, join_style="mitre")])
    return shapely.make_valid(shapely.buffer(grown, -tolerance, join_style="mitre"))


def merge_small_areas(
    frame: gpd.GeoDataFrame, threshold: int, *, count_columns: Sequence[str], size_column: str = "aantal_adressen"
) -> tuple[gpd.GeoDataFrame, int]:
    """Merge areas below ``threshold`` addresses into a neighbour (same gemeente, longest border).

    The smallest area is merged first, repeatedly. Counts are added, ``start_periode`` takes
    the minimum and ``gereed_periode`` the maximum, geometries are united, ``code`` becomes
    ``a+b`` and ``samengevoegd`` lists the names. Areas without a neighbour are dropped.

    Returns
    -------
    frame, hidden
        The merged areas (index reset) and the number of areas dropped.
    """
    frame = frame.copy()
    frame["samengevoegd"] = [[str(n)] for n in frame["naam"]]
    hidden = 0
    sizes = lambda f: pd.to_numeric(f[size_column], errors="coerce").fillna(0)  # noqa: E731
    while True:
        small = frame[sizes(frame) < threshold]
        if small.empty:
            return frame.reset_index(drop=True), hidden
        idx = sizes(small).idxmin()
        row = frame.loc[idx]
        others = frame.drop(index=idx)
        if "gemeente_code" in frame.columns and not _missing(row.get("gemeente_code")):
            others = others[others["gemeente_code"] == row["gemeente_code"]]
        border = pd.Series(dtype=float)
        has_geometry = isinstance(frame, gpd.GeoDataFrame)
        if has_geometry and len(others) and row.geometry is not None and not row.geometry.is_empty:
            border = others.geometry.boundary.intersection(row.geometry.buffer(1.0)).length
            border = border[border > 0]
        if border.empty:
            frame = frame.drop(index=idx)
            hidden += 1
            continue
        target = border.idxmax()
        merged = frame.loc[target].copy()
        for col in count_columns:
            if col in frame.columns:
                a, b = merged[col], row[col]
                merged[col] = (0 if _missing(a) else int(a)) + (0 if _missing(b) else int(b))
        for col, fn in (("start_periode", min), ("gereed_periode", max)):
            if col in frame.columns:
                vals = [v for v in (merged[col], row[col]) if not _missing(v)]
                merged[col] = fn(vals) if vals else np.nan
        merged["code"] = f"{merged['code']}+{row['code']}"
        merged["samengevoegd"] = [*merged["samengevoegd"], *row["samengevoegd"]]
        if has_geometry:
            merged[frame.geometry.name] = seamless_union(merged[frame.geometry.name], row[frame.geometry.name])
        frame.loc[target] = merged
        frame = frame.drop(index=idx)
