"""The public section (aggregated, small counts suppressed) and the methods annex tables."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from gebied.codes import NCG_FASEN
from gebied.frames import is_missing
from gebied.privacy import COUNTS, HIDDEN, TOTAL, display
from gebied.report.format import Table, fmt_value
from gebied.report.sections import fmt_period

#: Column headers of the public table, per count of the publication table.
PUBLIC_HEADERS: dict[str, str] = {
    "aantal_adressen": "Adressen",
    "in_programma": "In programma",
    **{f"fase_{f}": ("Gereed" if f == "gereed" else f"Fase {f}") for f in NCG_FASEN},
    "risico_verhoogd": "P50/P90",
    "met_vlag": "Met vlag",
}


def public_table(publiek: pd.DataFrame | None, *, labels: Mapping[int, str], threshold: int) -> Table | None:
    """The publication table (:func:`gebied.privacy.publish`) as the report shows it.

    Exactly the cells of the table, one row per public unit and the row ``totaal``; a
    hidden cell is shown as ``×``.
    """
    if publiek is None or publiek.empty:
        return None
    two_levels = "binnen" in publiek and publiek["binnen"].notna().any()
    level = str(publiek["niveau"].iloc[-2] if len(publiek) > 1 else publiek["niveau"].iloc[0])
    if two_levels:
        level = f"{publiek['niveau'].iloc[0]} en {level}"
    headers = ["Gebied", *(PUBLIC_HEADERS[c] for c in COUNTS), "Start", "Gereed in"]
    rows = []
    for _, r in publiek.iterrows():
        merged = r.get("samengevoegd")
        name = str(merged).replace("; ", " + ") if not is_missing(merged) and merged else str(r["naam"])
        if two_levels and r["code"] != TOTAL:
            name = f"{name} ({r['niveau']})" if is_missing(r.get("binnen")) else f"– {name}"
        name = "Alle gebieden samen" if r["code"] == TOTAL else name
        rows.append([name, *(display(r[c]) for c in COUNTS),
                     fmt_period(r.get("start_periode"), labels), fmt_period(r.get("gereed_periode"), labels)])
    note = (f"{HIDDEN} = afgeschermd: een aantal van 1 tot en met {threshold - 1}, of een aantal waaruit zo'n klein "
            "aantal terug te rekenen zou zijn. Start en gereed alleen waar het aantal in het programma getoond wordt.")
    return Table(id="tabel-publiek-gebieden", caption=f"Stand per {level} (openbaar, afgeschermd)", headers=headers,
                 rows=rows, numeric=[False] + [True] * (len(headers) - 1), note=note)


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
