"""The public section (aggregated, small counts suppressed) and the methods annex tables."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from gebied.frames import fmt_int, is_missing
from gebied.privacy import SECONDARY, merge_small_areas, suppress_table
from gebied.report.format import Table, fmt_value
from gebied.report.sections import fmt_period

#: Public stage groups: label → NCG phases counted in it.
PUBLIC_GROUPS: dict[str, tuple[str, ...]] = {
    "Opname en beoordeling": ("1.2", "2.1", "3.1"),
    "Planvorming": ("4.1", "4.2"),
    "Bouw": ("5.1", "5.2"),
}


def _phase_counts(row: pd.Series, phases: tuple[str, ...]) -> int:
    return int(sum(0 if is_missing(row.get(f"fase_{f}")) else int(row[f"fase_{f}"]) for f in phases))


def public_table(
    gebieden: pd.DataFrame | None,
    *,
    level: str,
    threshold: int,
    labels: Mapping[int, str],
    id: str,
    caption: str,
) -> Table | None:
    """Per area of ``level``: counts by stage, small counts hidden (see :func:`gebied.privacy.protect`).

    Areas with fewer than ``threshold`` addresses are merged into a neighbour first.
    No address-level data: only area names, counts and the planned periods of the area.
    """
    if gebieden is None or gebieden.empty or "niveau" not in gebieden:
        return None
    part = gebieden[gebieden["niveau"].astype(str) == level].sort_values("code")
    if part.empty:
        return None
    count_cols = [c for c in part.columns if c in ("aantal_adressen", "in_programma", "gereed") or str(c).startswith("fase_")]
    part, hidden = merge_small_areas(part, threshold, count_columns=count_cols)
    part["naam"] = [" + ".join(n) for n in part["samengevoegd"]]
    values = np.array(
        [[0 if is_missing(r.get("in_programma")) else int(r["in_programma"])]
         + [_phase_counts(r, phases) for phases in PUBLIC_GROUPS.values()]
         + [0 if is_missing(r.get("gereed")) else int(r["gereed"])]
         for _, r in part.iterrows()],
        dtype=np.int64,
    ).reshape(len(part), 2 + len(PUBLIC_GROUPS))
    groups = part["gemeente_code"].astype(str).tolist() if "gemeente_code" in part and level != "gemeente" else None
    texts = suppress_table(values, threshold, groups=groups, number=fmt_int)
    headers = ["Gebied", "In programma", *PUBLIC_GROUPS, "Gereed", "Start", "Gereed in"]
    rows = []
    for (_, r), cells in zip(part.iterrows(), texts):
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
