"""The public section (aggregated, small counts suppressed) and the methods annex tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from gebied.report_format import Table, fmt_value, is_missing, suppress
from gebied.report_sections import fmt_period

#: Public stage groups: label → NCG phases counted in it.
PUBLIC_GROUPS: dict[str, tuple[str, ...]] = {
    "Opname en beoordeling": ("1.2", "2.1", "3.1"),
    "Planvorming": ("4.1", "4.2"),
    "Bouw": ("5.1", "5.2"),
}


SECONDARY = "×"


def _phase_counts(row: pd.Series, phases: tuple[str, ...]) -> int:
    return int(sum(0 if is_missing(row.get(f"fase_{f}")) else int(row[f"fase_{f}"]) for f in phases))


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


def _merge_small(part: pd.DataFrame, threshold: int) -> tuple[pd.DataFrame, int]:
    """Merge areas with fewer than ``threshold`` addresses into the neighbour with the longest
    shared border (same gemeente), as the public map does; hide them when there is none."""
    frame = part.copy()
    frame["naam"] = frame["naam"].astype(str)
    hidden = 0
    if "aantal_adressen" not in frame:
        return frame, 0
    count_cols = [c for c in frame.columns if c in ("aantal_adressen", "in_programma", "gereed")
                  or str(c).startswith("fase_")]
    while True:
        small = frame[pd.to_numeric(frame["aantal_adressen"], errors="coerce").fillna(0) < threshold]
        if small.empty:
            return frame, hidden
        idx = small["aantal_adressen"].astype(float).idxmin()
        row = frame.loc[idx]
        others = frame.drop(index=idx)
        if "gemeente_code" in frame and not is_missing(row.get("gemeente_code")):
            others = others[others["gemeente_code"] == row["gemeente_code"]]
        border = pd.Series(dtype=float)
        if isinstance(frame, gpd.GeoDataFrame) and len(others) and row.geometry is not None:
            border = others.geometry.boundary.intersection(row.geometry.buffer(1.0)).length
            border = border[border > 0]
        if border.empty:
            frame = frame.drop(index=idx)
            hidden += 1
            continue
        target = border.idxmax()
        for c in count_cols:
            frame.at[target, c] = (0 if is_missing(frame.at[target, c]) else frame.at[target, c]) + (
                0 if is_missing(row[c]) else row[c])
        for c, fn in (("start_periode", min), ("gereed_periode", max)):
            if c in frame:
                vals = [x for x in (frame.at[target, c], row[c]) if not is_missing(x)]
                frame.at[target, c] = fn(vals) if vals else pd.NA
        frame.at[target, "naam"] = f"{frame.at[target, 'naam']} + {row['naam']}"
        frame = frame.drop(index=idx)


def public_table(
    gebieden: pd.DataFrame | None,
    *,
    level: str,
    threshold: int,
    labels: Mapping[int, str],
    id: str,
    caption: str,
) -> Table | None:
    """Per area of ``level``: counts by stage, small counts hidden (see :func:`protect`).

    Areas with fewer than ``threshold`` addresses are merged into a neighbour first.
    No address-level data: only area names, counts and the planned periods of the area.
    """
    if gebieden is None or gebieden.empty or "niveau" not in gebieden:
        return None
    part = gebieden[gebieden["niveau"].astype(str) == level].sort_values("code")
    if part.empty:
        return None
    part, hidden = _merge_small(part, threshold)
    values = np.array(
        [[0 if is_missing(r.get("in_programma")) else int(r["in_programma"])]
         + [_phase_counts(r, phases) for phases in PUBLIC_GROUPS.values()]
         + [0 if is_missing(r.get("gereed")) else int(r["gereed"])]
         for _, r in part.iterrows()],
        dtype=np.int64,
    ).reshape(len(part), 2 + len(PUBLIC_GROUPS))
    groups = part["gemeente_code"].astype(str).tolist() if "gemeente_code" in part and level != "gemeente" else None
    hide = protect(values, threshold, groups)
    headers = ["Gebied", "In programma", *PUBLIC_GROUPS, "Gereed", "Start", "Gereed in"]
    rows = []
    for (_, r), vals, h in zip(part.iterrows(), values, hide):
        cells = [f"< {threshold}" if hk == 1 else SECONDARY if hk == 2 else suppress(v, threshold)
                 for v, hk in zip(vals, h)]
        rows.append([str(r.get("naam", r["code"]))] + cells
                    + [fmt_period(r.get("start_periode"), labels), fmt_period(r.get("gereed_periode"), labels)])
    note = f"{SECONDARY} = afgeschermd zodat een verborgen aantal niet uit de totalen is terug te rekenen."
    if hidden:
        note += f" {hidden} gebied(en) met minder dan {threshold} adressen en zonder buurgebied zijn weggelaten."
    return Table(id=id, caption=caption, headers=headers, rows=rows,
                 numeric=[False] + [True] * (len(headers) - 1), note=note)


def flatten_settings(settings: Mapping[str, object] | None, prefix: str = "") -> list[tuple[str, str]]:
    """Nested settings as ``(a.b, value)`` pairs, in the order given."""
    out: list[tuple[str, str]] = []
    for key, value in (settings or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.extend(flatten_settings(value, prefix=name + "."))
        elif isinstance(value, (list, tuple)):
            out.append((name, ", ".join(fmt_value(v) for v in value)))
        elif isinstance(value, float):
            out.append((name, fmt_value(value)))
        else:
            out.append((name, "–" if is_missing(value) else str(value)))
    return out


def settings_table(settings: Mapping[str, object] | None) -> Table | None:
    """The settings of the run (flattened) as a two-column table."""
    pairs = flatten_settings(settings)
    if not pairs:
        return None
    return Table(id="tabel-instellingen", caption="Instellingen van deze berekening",
                 headers=["Instelling", "Waarde"], rows=[[k, v] for k, v in pairs])


def info_table(info: Mapping[str, str]) -> Table | None:
    """The ``plan_info`` key/value pairs."""
    if not info:
        return None
    return Table(id="tabel-plan-info", caption="Gegevens van het plan", headers=["Sleutel", "Waarde"],
                 rows=[[k, v] for k, v in info.items()])
