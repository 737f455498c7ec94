"""Charts of the report (matplotlib, Agg, no pyplot state): work and backlog per period.

Every chart is returned as a PNG data URI. The PNGs are byte-identical across runs:
fixed DPI and size, no ``Software`` metadata, a fixed ``svg.hashsalt``, and no pyplot
global state (figures are built with :class:`matplotlib.figure.Figure`).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import matplotlib
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from gebied.codes import STAGES
from gebied.periods import period_labels

DPI = 150
RC = {
    "svg.hashsalt": "gebied-rapport",
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.fontsize": 7,
    "legend.frameon": False,
}
STAGE_LABELS = {"opname": "Opname", "beoordeling": "Beoordeling", "uitvoering": "Uitvoering"}
STAGE_COLORS = {"opname": "#1b9e77", "beoordeling": "#d95f02", "uitvoering": "#7570b3"}
STRATEGY_COLORS = ("#1f4e79", "#c0504d", "#4f9d2d", "#8064a2", "#f79646", "#4bacc6")


@contextmanager
def chart_style() -> Iterator[None]:
    """Fixed matplotlib settings for reproducible report images."""
    with matplotlib.rc_context(RC):
        yield


def new_figure(width_cm: float, height_cm: float) -> Figure:
    """A figure of the given size in centimetres, attached to an Agg canvas."""
    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def png_data_uri(fig: Figure) -> str:
    """Render a figure to a PNG ``data:`` URI (deterministic bytes)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _period_axis(ax, periods: Sequence[int], labels: dict[int, str]) -> None:
    periods = list(periods)
    step = max(1, len(periods) // 12)
    ticks = periods[::step]
    ax.set_xticks(ticks)
    ax.set_xticklabels([labels.get(p, str(p)) for p in ticks], rotation=45, ha="right")
    ax.set_xlabel("Periode")


def schedule_chart(planning: pd.DataFrame | None) -> str | None:
    """Work and capacity (top) and backlog (bottom) per stage and period of the plan."""
    if planning is None or planning.empty or "periode" not in planning:
        return None
    stages = [s for s in STAGES if f"{s}_werk" in planning or f"{s}_voorraad" in planning]
    if not stages:
        return None
    frame = planning.sort_values("periode")
    periods = frame["periode"].astype(int).tolist()
    labels = period_labels(frame)
    with chart_style():
        fig = new_figure(16, 13)
        top, bottom = fig.subplots(2, 1, sharex=True)
        for s in stages:
            color = STAGE_COLORS[s]
            if f"{s}_werk" in frame:
                top.plot(periods, frame[f"{s}_werk"].astype(float), color=color, marker="o", ms=3,
                         label=f"{STAGE_LABELS[s]}: werk")
            if f"{s}_capaciteit" in frame:
                top.plot(periods, frame[f"{s}_capaciteit"].astype(float), color=color, ls="--", lw=1,
                         label=f"{STAGE_LABELS[s]}: capaciteit")
            if f"{s}_voorraad" in frame:
                bottom.plot(periods, frame[f"{s}_voorraad"].astype(float), color=color, marker="o", ms=3,
                            label=f"Voorraad voor {STAGE_LABELS[s].lower()}")
        top.set_title("Werk en capaciteit per periode (adressen)")
        top.set_ylabel("Adressen")
        top.legend(ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.08))
        bottom.set_title("Voorraad (stuwmeer) per periode (adressen)")
        bottom.set_ylabel("Adressen")
        bottom.legend(ncols=1, loc="upper right")
        _period_axis(bottom, periods, labels)
        for ax in (top, bottom):
            ax.set_ylim(bottom=0)
            ax.grid(axis="y", lw=0.3)
        fig.tight_layout()
        return png_data_uri(fig)


def comparison_chart(comparison: pd.DataFrame | None, labels: dict[int, str]) -> str | None:
    """Per strategy: completed addresses (cumulative) and total backlog per period.

    Expects a long frame with ``strategie`` and ``periode`` (one row per strategy and
    period); returns None for other shapes.
    """
    if comparison is None or comparison.empty:
        return None
    if "strategie" not in comparison or "periode" not in comparison:
        return None
    voorraad_cols = [c for c in comparison.columns if str(c).endswith("_voorraad")]
    werk_cols = [c for c in ("uitvoering_werk",) if c in comparison]
    panels: list[tuple[str, str, object]] = []
    if "gereed_cumulatief" in comparison:
        panels.append(("Gereed (cumulatief, adressen)", "gereed_cumulatief", None))
    elif werk_cols:
        panels.append(("Uitvoering: werk per periode (adressen)", werk_cols[0], None))
    if voorraad_cols:
        panels.append(("Totale voorraad tussen de stappen (adressen)", "", voorraad_cols))
    if not panels:
        return None
    strategies = list(dict.fromkeys(comparison["strategie"].astype(str)))
    all_periods = sorted(int(p) for p in comparison["periode"].dropna().unique())
    with chart_style():
        fig = new_figure(16, 6.5 * len(panels) + 1)
        axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
        for ax, (title, column, cols) in zip(axes, panels):
            for i, strategy in enumerate(strategies):
                part = comparison[comparison["strategie"].astype(str) == strategy].sort_values("periode")
                values = part[cols].astype(float).sum(axis=1) if cols else part[column].astype(float)
                ax.plot(part["periode"].astype(int), values, marker="o", ms=3,
                        color=STRATEGY_COLORS[i % len(STRATEGY_COLORS)], label=strategy)
            ax.set_title(title)
            ax.set_ylabel("Adressen")
            ax.set_ylim(bottom=0)
            ax.grid(axis="y", lw=0.3)
            ax.legend(title="Strategie", ncols=min(4, len(strategies)))
        _period_axis(axes[-1], all_periods, labels)
        fig.tight_layout()
        return png_data_uri(fig)


def metrics_chart(metrics: dict | None, keys: Sequence[str], key_labels: dict[str, str]) -> str | None:
    """Horizontal bars per strategy of metrics measured in periods (None without data)."""
    if not metrics:
        return None
    strategies = list(metrics)
    keys = [k for k in keys if all(_is_number(metrics[s].get(k)) for s in strategies)]
    if not keys:
        return None
    with chart_style():
        fig = new_figure(16, 2.5 + 0.45 * len(keys) * len(strategies))
        ax = fig.subplots()
        height = 0.8 / len(strategies)
        for i, strategy in enumerate(strategies):
            ys = [k + i * height for k in range(len(keys))]
            ax.barh(ys, [float(metrics[strategy][k]) for k in keys], height=height,
                    color=STRATEGY_COLORS[i % len(STRATEGY_COLORS)], label=str(strategy))
        ax.set_yticks([k + 0.4 - height / 2 for k in range(len(keys))])
        ax.set_yticklabels([key_labels.get(k, k) for k in keys])
        ax.invert_yaxis()
        ax.set_xlabel("Periode")
        ax.set_title("Wanneer gereed, per strategie (perioden vanaf de start)")
        ax.legend(title="Strategie", loc="lower right")
        ax.grid(axis="x", lw=0.3)
        fig.tight_layout()
        return png_data_uri(fig)


def _is_number(value: object) -> bool:
    if value is None or isinstance(value, bool):
        return False
    try:
        return bool(pd.notna(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
