"""Report parts on how the plan was made: flow (treintjes), equality, requests, capacity.

Built from ``planning_info`` (:func:`gebied.schedule.run.schedule_info`): the flow
trade-off (early clarity for all against short chains), the equality trade-off curve of
the candidate plans with the chosen one marked, the waiting time of requests and the
capacity advice. Every text is Dutch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from gebied.frames import fmt_num
from gebied.report.charts import STRATEGY_COLORS, chart_style, new_figure, png_data_uri
from gebied.report.format import Table, frame_table

FLOW_LABELS = {
    "max_wachttijd": "Max. wachttijd tussen fasen",
    "duidelijkheid_gemiddeld": "Duidelijkheid gem. (periode)",
    "wachttijd_gemiddeld": "Wachttijd gem.",
    "doorlooptijd_gemiddeld": "Doorlooptijd gem.",
    "gereed_gemiddeld": "Gereed gem. (periode)",
    "grootste_stuwmeer": "Grootste stuwmeer",
}


def flow_chart(curve: list[dict[str, Any]]) -> str | None:
    """Time to clarity against waiting between stages, one point per allowed wait."""
    if not curve:
        return None
    with chart_style():
        fig = new_figure(12, 8)
        ax = fig.subplots()
        xs = [float(r["wachttijd_gemiddeld"]) for r in curve]
        ys = [float(r["duidelijkheid_gemiddeld"]) for r in curve]
        ax.plot(xs, ys, "-o", color=STRATEGY_COLORS[0], lw=1, ms=4)
        for r, x, y in zip(curve, xs, ys):
            ax.annotate(f"max. {r['max_wachttijd']}", (x, y), textcoords="offset points", xytext=(4, 4), fontsize=6)
        ax.set_xlabel("Wachttijd tussen fasen, gemiddeld (perioden)")
        ax.set_ylabel("Duidelijkheid (beoordeling), gemiddelde periode")
        ax.set_title("Vroege duidelijkheid voor iedereen tegenover korte treintjes")
        ax.grid(lw=0.3)
        fig.tight_layout()
        return png_data_uri(fig)


def equality_chart(candidates: Mapping[str, Mapping[str, float]], chosen: str, *, bound: float | None = None) -> str | None:
    """P50 mean against neighbour exposure (both as ratio to ``risico``), chosen plan marked;
    with ``bound`` also the certified lower bound (no plan within the limits lies left of it)."""
    if not candidates:
        return None
    with chart_style():
        fig = new_figure(12, 8)
        ax = fig.subplots()
        names = sorted(candidates)
        xs = [float(candidates[n]["ongelijkheid"]) for n in names]
        ys = [float(candidates[n]["p50"]) for n in names]
        ax.scatter(xs, ys, s=12, color="#999999", label="kandidaten")
        if chosen in candidates:
            ax.scatter([candidates[chosen]["ongelijkheid"]], [candidates[chosen]["p50"]], s=60, marker="*",
                       color=STRATEGY_COLORS[1], label=f"gekozen: {chosen}", zorder=3)
        ax.axvline(0.5, color="#666666", lw=0.6, ls="--")
        if bound is not None:
            ax.axvline(bound, color=STRATEGY_COLORS[2], lw=1.2,
                       label=f"ondergrens: {fmt_num(bound, decimals=2)} (geen planning binnen de grenzen kan lager)")
        ax.axhline(1.5, color="#666666", lw=0.6, ls="--")
        ax.set_xlabel("Ongelijkheid tussen buren (× risico-volgorde)")
        ax.set_ylabel("Gereed gem. P50 (× risico-volgorde)")
        ax.set_title("Veiligheid tegenover gelijkheid tussen buren")
        ax.legend(loc="upper right")
        ax.grid(lw=0.3)
        fig.tight_layout()
        return png_data_uri(fig)


def request_table(requests: list[dict[str, Any]]) -> Table | None:
    """Waiting time of requests per kind (count, mean, largest, share on time)."""
    if not requests:
        return None
    frame = pd.DataFrame(requests)
    frame["wachttijd"] = pd.to_numeric(frame["wachttijd"])
    g = frame.groupby("soort", sort=True)
    out = pd.DataFrame({
        "aantal": g.size(),
        "wachttijd_gemiddeld": g["wachttijd"].mean().round(2),
        "wachttijd_max": g["wachttijd"].max(),
        "binnen_termijn": (g["binnen_termijn"].mean() * 100).round(0),
    }).reset_index()
    return frame_table(out, id="tabel-verzoeken", caption="Wachttijd van verzoeken (perioden)",
                       labels={"soort": "Soort", "aantal": "Aantal", "wachttijd_gemiddeld": "Wachttijd gem.",
                               "wachttijd_max": "Wachttijd max.", "binnen_termijn": "Binnen termijn (%)"})


def advice_text(advice: Mapping[str, Any] | None) -> str:
    """One Dutch sentence with the capacity advice (empty without advice)."""
    if not advice:
        return ""
    cap = ", ".join(f"{k} {fmt_num(v, decimals=0)}" for k, v in advice["capaciteit"].items())
    return (
        f"Met de opgegeven capaciteit is het programma gereed in periode {advice['eind_periode_gegeven']}. "
        f"Om alles in periode {advice['doel_periode']} gereed te hebben is per periode nodig: {cap} "
        f"(factor {fmt_num(advice['factor'], decimals=2)} op de opgegeven capaciteit); met 5% minder wordt het "
        f"periode {advice['eind_periode_bij_5_procent_minder']}."
    ) + _per_stage_text(advice)


def _per_stage_text(advice: Mapping[str, Any]) -> str:
    """The smallest capacity per stage, as a second Dutch sentence (empty without it)."""
    per = advice.get("capaciteit_per_fase")
    if not per:
        return ""
    cap = ", ".join(f"{k} {fmt_num(v, decimals=0 if float(v).is_integer() else 2)}" for k, v in per.items())
    return (
        f" Wie per fase kijkt, kan met minder toe: {cap} per periode is het kleinste per fase waarmee alles in periode "
        f"{advice['doel_periode']} gereed is (de fasen die niet de bottleneck zijn, kunnen veel lager)."
    )


def planning_context(info: Mapping[str, Any]) -> dict[str, Any]:
    """The template variables of these report parts."""
    curve = list(info.get("doorstroom_curve") or [])
    flow = pd.DataFrame(curve)
    return {
        "doorstroom_grafiek": flow_chart(curve),
        "doorstroom_tabel": frame_table(
            flow, id="tabel-doorstroom", caption="Duidelijkheid tegenover korte treintjes (gekozen volgorde)",
            columns=list(FLOW_LABELS), labels=FLOW_LABELS,
        ) if len(flow) else None,
        "gelijkheid_grafiek": equality_chart(
            info.get("kandidaten") or {}, str(info.get("keuze", "")), bound=(info.get("ondergrens") or {}).get("ondergrens"),
        ),
        "verzoeken_tabel": request_table(list(info.get("verzoeken") or [])),
        "capaciteitsadvies": advice_text(info.get("capaciteitsadvies")),
    }
