"""The public section (aggregated, small counts suppressed) and the methods annex tables."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from gebied.report_format import Table, fmt_value, is_missing, suppress
from gebied.report_sections import fmt_period

#: Public stage groups: label → NCG phases counted in it.
PUBLIC_GROUPS: dict[str, tuple[str, ...]] = {
    "Opname en beoordeling": ("1.2", "2.1", "3.1"),
    "Planvorming": ("4.1", "4.2"),
    "Bouw": ("5.1", "5.2"),
}


def _phase_counts(row: pd.Series, phases: tuple[str, ...]) -> int | None:
    cols = [f"fase_{f}" for f in phases]
    if not all(c in row.index for c in cols):
        return None
    values = [row[c] for c in cols]
    return int(sum(0 if is_missing(v) else int(v) for v in values))


def public_table(
    gebieden: pd.DataFrame | None,
    *,
    level: str,
    threshold: int,
    labels: Mapping[int, str],
    id: str,
    caption: str,
) -> Table | None:
    """Per area of ``level``: counts by stage with 1 … threshold-1 shown as ``< threshold``.

    No address-level data: only area names and counts (suppressed) and the planned
    periods of the area as a whole.
    """
    if gebieden is None or gebieden.empty or "niveau" not in gebieden:
        return None
    part = pd.DataFrame(gebieden[gebieden["niveau"].astype(str) == level]).sort_values("code")
    if part.empty:
        return None
    headers = ["Gebied", "In programma", *PUBLIC_GROUPS, "Gereed", "Start", "Gereed in"]
    rows = []
    for _, r in part.iterrows():
        counts = [_phase_counts(r, phases) for phases in PUBLIC_GROUPS.values()]
        rows.append(
            [str(r.get("naam", r["code"]))]
            + [suppress(r.get("in_programma"), threshold)]
            + ["–" if c is None else suppress(c, threshold) for c in counts]
            + [suppress(r.get("gereed"), threshold)]
            + [fmt_period(r.get("start_periode"), labels), fmt_period(r.get("gereed_periode"), labels)]
        )
    return Table(id=id, caption=caption, headers=headers, rows=rows,
                 numeric=[False] + [True] * (len(headers) - 1))


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
