"""Colours, classes and Dutch legend entries shared by the maps (branca colormaps)."""

from __future__ import annotations

from dataclasses import dataclass

import branca.colormap as cm

from gebied.codes import NCG_FASE_OMSCHRIJVING, NCG_FASEN
from gebied.frames import fmt_pct

#: Phase colours along the chain, red (start) to green (gereed); last entry: not in programme.
FASE_KLEUREN: tuple[str, ...] = (
    "#d73027",
    "#f46d43",
    "#fdae61",
    "#fee08b",
    "#d9ef8b",
    "#a6d96a",
    "#66bd63",
    "#1a9850",
    "#bdbdbd",
)
FASE_LABELS: tuple[str, ...] = tuple(
    f"{f} {NCG_FASE_OMSCHRIJVING[f]}" if f != "gereed" else "gereed" for f in NCG_FASEN
) + ("niet in het programma",)
GEREED_KLEUR = "#1a9850"

ERNST_KLEUREN: dict[str, str] = {"hoog": "#b2182b", "middel": "#ef8a62", "laag": "#fddbc7"}
#: Hot spots: the ten most severe, the others.
BRANDHAARD_KLEUREN: tuple[str, str] = ("#b2182b", "#f4a582")
ERNST_ONBEKEND = "#878787"


@dataclass(frozen=True)
class Classes:
    """A stepped colour scale: values below ``breaks[i]`` get ``colors[i]``; the rest the last."""

    caption: str
    breaks: list[float]
    colors: list[str]
    fmt: str  # "pct" or "int"

    def legend_items(self) -> list[dict[str, str]]:
        """Dutch legend rows, one per class."""
        def show(v: float) -> str:
            return fmt_pct(v, decimals=0) if self.fmt == "pct" else f"{v:g}"

        edges = [None, *self.breaks, None]
        items = []
        for i, color in enumerate(self.colors):
            lo, hi = edges[i], edges[i + 1]
            if lo is None:
                label = f"minder dan {show(hi)}"
            elif hi is None:
                label = f"{show(lo)} of meer"
            else:
                label = f"{show(lo)} tot {show(hi)}"
            items.append({"color": color, "label": label})
        return items

    def svg(self) -> str:
        """The branca colour bar (inline SVG, no script needed)."""
        return self.colormap()._repr_html_()

    def colormap(self) -> cm.StepColormap:
        lo = 0.0
        hi = 1.0 if self.fmt == "pct" else self.breaks[-1] * 2
        return cm.StepColormap(self.colors, index=[lo, *self.breaks, hi], vmin=lo, vmax=hi, caption=self.caption)


def _steps(name: str, n: int) -> list[str]:
    scale = getattr(cm.linear, name).scale(0, n - 1)
    return [scale.rgb_hex_str(i) for i in range(n)]


VOORTGANG = Classes("Voortgang: aandeel gereed van de adressen in het programma", [0.1, 0.25, 0.5, 0.75, 0.9], _steps("YlGn_09", 6), "pct")
AANDEEL_VLAG = Classes("Ongelijkheid: aandeel adressen met een vlag", [0.02, 0.05, 0.1, 0.2], _steps("OrRd_09", 5), "pct")
AANTAL_VLAGGEN = Classes("Aantal vlaggen in het gebied", [1, 5, 10, 25, 50], _steps("PuRd_09", 6), "int")


def period_colors(n: int) -> list[str]:
    """One colour per planned period 1..n: early starts dark blue, later ones light yellow."""
    n = max(n, 1)
    scale = cm.linear.viridis.scale(0, max(n - 1, 1))
    return [scale.rgb_hex_str(i) for i in range(n)]


def period_legend(labels: dict[int, str], colors: list[str], *, max_items: int = 12) -> list[dict[str, str]]:
    """Legend rows for start periods; long schedules are shown as every k-th period."""
    periods = sorted(labels)
    step = max(1, -(-len(periods) // max_items))
    rows = []
    for i, p in enumerate(periods):
        if i % step == 0 or i == len(periods) - 1:
            rows.append({"color": colors[min(p, len(colors)) - 1], "label": f"start {labels[p]}"})
    return rows
