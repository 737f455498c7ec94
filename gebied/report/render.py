"""The lokaal plan van aanpak report: self-contained HTML (Jinja2) and a PDF from it.

``render_report`` turns the plan.gpkg layers (docs/PLAN_SCHEMA.md) and the optional
results of the other steps into one HTML document with charts and maps embedded as
PNG data URIs (no external URLs). ``write_pdf`` renders that HTML with WeasyPrint.
The same inputs give byte-identical HTML and PDF: no timestamps, fixed chart settings.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from gebied._version import __version__
from gebied.errors import GebiedError
from gebied.frames import fmt_int
from gebied.io import atomic_path
from gebied.periods import period_labels
from gebied.privacy import DEFAULT_THRESHOLD, MIN_THRESHOLD, publish
from gebied.report.charts import (
    comparison_chart,
    metrics_chart,
    schedule_chart,
)
from gebied.report.flags import (
    cooperation_table,
    flag_table,
    group_table,
    hot_spot_table,
    hotspot_table,
    signal_table,
    significance_table,
)
from gebied.report.format import METRIC_LABELS, PERIOD_METRICS
from gebied.report.maps import area_maps, choose_map_level
from gebied.report.planning import planning_context
from gebied.report.public import info_table, public_table, settings_table
from gebied.report.sections import (
    area_names,
    area_summaries,
    capacity_text,
    cluster_overview,
    cluster_table,
    comparison_table,
    gemeente_summary,
    metrics_from_comparison,
    metrics_table,
    planning_level_table,
    schedule_table,
)
from gebied.report.versions import version_section

TEMPLATES = Path(__file__).resolve().parent / "templates"
TRUE_WORDS = {"ja", "j", "true", "waar", "1", "yes", "y"}

#: Chapter anchors and headings, in order (the table of contents follows this list).
CHAPTERS: tuple[tuple[str, str], ...] = (
    ("inleiding", "Inleiding en kerncijfers"),
    ("samenvatting", "Samenvatting per gemeente en gebied"),
    ("planningsniveau", "Planningsniveau per plaats"),
    ("clusters", "Clusters (treintjes)"),
    ("planning", "Planning en vergelijking van strategieën"),
    ("ongelijkheid", "Ongelijkheid tussen buren"),
    ("schade", "Schade en versterking"),
    ("kaarten", "Kaarten per gebied"),
    ("publiek", "Publieksversie: cijfers per gebied"),
    ("methoden", "Bijlage: werkwijze en instellingen"),
)


def plan_info_dict(plan_info: pd.DataFrame | None) -> dict[str, str]:
    """The ``plan_info`` layer as ``{sleutel: waarde}`` (text)."""
    if plan_info is None or plan_info.empty or not {"sleutel", "waarde"} <= set(plan_info.columns):
        return {}
    return {str(k): ("" if pd.isna(v) else str(v)) for k, v in zip(plan_info["sleutel"], plan_info["waarde"])}


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )


def _check_inputs(layers: object, threshold: object) -> None:
    if not isinstance(layers, Mapping):
        raise GebiedError("rapport: de lagen van het plan ontbreken (verwacht een verzameling lagen)")
    for name, frame in layers.items():
        if frame is not None and not isinstance(frame, pd.DataFrame):
            raise GebiedError(f"rapport: laag '{name}' is geen tabel", column=str(name))
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < MIN_THRESHOLD:
        raise GebiedError(
            f"rapport: de drempel voor afscherming moet een geheel getal van minstens {MIN_THRESHOLD} zijn "
            f"(zoals CBS en de openbare kaart), niet {threshold!r}",
            column="drempel",
        )


def _key_figures(layers: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    adressen, clusters, vlaggen = layers.get("adressen"), layers.get("clusters"), layers.get("vlaggen")
    out = {"adressen": "–", "in_programma": "–", "gereed": "–", "clusters": "–", "vlaggen": "–"}
    if adressen is not None:
        out["adressen"] = fmt_int(len(adressen))
        if "ncg_fase" in adressen:
            fase = adressen["ncg_fase"].astype("string")
            out["in_programma"] = fmt_int(int(fase.notna().sum()))
            out["gereed"] = fmt_int(int((fase == "gereed").sum()))
    if clusters is not None:
        out["clusters"] = fmt_int(len(clusters))
    if vlaggen is not None:
        out["vlaggen"] = fmt_int(len(vlaggen))
    return out


def _gemeenten(layers: Mapping[str, pd.DataFrame]) -> str:
    adressen = layers.get("adressen")
    if adressen is None:
        return ""
    col = "gemeente_naam" if "gemeente_naam" in adressen else None
    if col is None:
        return ""
    names = sorted(set(adressen[col].dropna().astype(str)))
    if not names:
        return ""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def render_report(
    layers: Mapping[str, pd.DataFrame],
    *,
    metrics: Mapping[str, Mapping[str, object]] | None,
    comparison: pd.DataFrame | None,
    planning_levels: pd.DataFrame | None,
    cooperation_matrix: pd.DataFrame | None,
    signal_counts: Mapping[str, int] | None,
    flag_summary: pd.DataFrame | None,
    settings: Mapping[str, object] | None,
    threshold: int = DEFAULT_THRESHOLD,
    strategy_periods: pd.DataFrame | None = None,
    planning_info: Mapping[str, object] | None = None,
    versions: Mapping[str, object] | None = None,
) -> str:
    """Render the lokaal plan van aanpak as one self-contained HTML document.

    Parameters
    ----------
    layers
        The plan.gpkg layers (``adressen``, ``clusters``, ``gebieden``, ``vlaggen``,
        ``planning``, ``plan_info``); missing layers give "niet beschikbaar" sections.
    metrics
        ``{strategie: {maat: waarde}}``; known keys get Dutch labels.
    comparison
        Schedule per strategy (long: ``strategie``, ``periode``, ``*_werk``,
        ``*_voorraad``, ``gereed_cumulatief``) or one row per strategy.
    planning_levels, cooperation_matrix, flag_summary
        Tables of the other steps, shown as given (None: derived or "niet beschikbaar").
    signal_counts
        Size of each signal list.
    settings
        The settings of the run, listed in the methods annex.
    threshold
        Public counts from 1 to ``threshold - 1`` are shown as ``< threshold``.
    strategy_periods
        Optional long schedule per strategy and period (as ``comparison`` in its long
        form), for the chart of work and backlog per strategy when ``comparison`` holds
        one row per strategy.
    planning_info
        How the plan was made (:func:`gebied.schedule.run.schedule_info`): the equality and
        flow trade-off curves, the requests and the capacity advice.
    versions
        ``{"oud": n, "nieuw": m, "verschil": version_diff(...)}`` for the section on what
        changed since the previous plan version (None: no previous version).

    Returns
    -------
    str
        The HTML; charts and maps are embedded as base64 PNG data URIs.
    """
    _check_inputs(layers, threshold)
    metrics = metrics or metrics_from_comparison(comparison)
    per_period = comparison if comparison is not None and "periode" in comparison else strategy_periods
    layers = {k: v for k, v in layers.items() if v is not None}
    info = plan_info_dict(layers.get("plan_info"))
    planning = layers.get("planning")
    labels = period_labels(planning)
    gebieden = layers.get("gebieden")
    adressen = layers.get("adressen")
    level = choose_map_level(gebieden)
    settings = dict(settings or {})
    strategie = settings.get("strategie") or info.get("strategie") or "–"
    planperiode = info.get("periode") or "–"
    if info.get("startperiode"):
        planperiode += f", vanaf {info['startperiode']}"

    context = {
        "versie": _version(),
        "titel": info.get("titel") or "Lokaal plan van aanpak",
        "fictief": info.get("fictief", "").strip().lower() in TRUE_WORDS,
        "peildatum": info.get("peildatum") or "–",
        "planperiode": planperiode,
        "strategie": str(strategie),
        "gemeenten": _gemeenten(layers),
        "hoofdstukken": [(id_, f"{i}. {title}" if id_ != "methoden" else title)
                         for i, (id_, title) in enumerate(CHAPTERS, start=1)],
        "kop": {id_: (f"{i}. {title}" if id_ != "methoden" else title)
                for i, (id_, title) in enumerate(CHAPTERS, start=1)},
        "publiek_nummer": [i for i, (id_, _) in enumerate(CHAPTERS, start=1) if id_ == "publiek"][0],
        "kerncijfers": _key_figures(layers),
        "gemeenten_tabel": gemeente_summary(adressen),
        "gebied_tabellen": area_summaries(gebieden, labels),
        "planningsniveau_tabel": planning_level_table(planning_levels, gebieden),
        "cluster_overzicht": cluster_overview(layers.get("clusters")),
        "cluster_tabel": cluster_table(layers.get("clusters"), labels, area_names(gebieden)),
        "capaciteit": capacity_text(planning),
        "planning_grafiek": schedule_chart(planning),
        "planning_tabel": schedule_table(planning),
        "vergelijking_grafiek": comparison_chart(per_period, labels),
        "maten_grafiek": metrics_chart(metrics, PERIOD_METRICS, METRIC_LABELS),
        "maten_tabel": metrics_table(metrics),
        "vergelijking_tabel": comparison_table(per_period, labels),
        **planning_context(planning_info or {}),
        "brandhaarden_tabel": hot_spot_table(layers.get("brandhaarden")),
        "hotspot_tabel": hotspot_table(layers, flag_summary),
        "significantie_tabel": significance_table(flag_summary),
        "vlaggen_tabel": flag_table(flag_summary, layers.get("vlaggen")),
        "samenwerking_tabel": cooperation_table(cooperation_matrix, adressen),
        "groepen_tabel": group_table(adressen),
        "signalen_tabel": signal_table(signal_counts),
        "kaart_niveau": level,
        "kaarten": area_maps(layers, level=level, period_labels=labels) if level else [],
        "drempel": threshold,
        "publiek_tabel": public_table(_publication(layers, info, settings, threshold), labels=labels, threshold=threshold),
        "instellingen_tabel": settings_table(settings),
        "info_tabel": info_table(info),
        "versieverschil": version_section(
            (versions or {}).get("verschil"), old=(versions or {}).get("oud"), new=(versions or {}).get("nieuw"), labels=labels
        ),
    }
    return _environment().get_template("rapport.html.j2").render(**context)


def _publication(layers: Mapping[str, pd.DataFrame], info: Mapping[str, str], settings: Mapping, threshold: int) -> pd.DataFrame | None:
    """The plan's publication table: its ``publiek`` layer, or computed the same way for older plans."""
    if layers.get("publiek") is not None:
        return layers["publiek"]
    if layers.get("gebieden") is None or layers.get("adressen") is None or layers["gebieden"].empty:
        return None
    wanted = (settings.get("uitvoer") or {}).get("niveau") or (settings.get("cluster") or {}).get("gebied") or info.get("clusterniveau")
    return publish(layers, level=wanted, threshold=threshold).table


def _version() -> str:
    return __version__


def write_report(html: str, path: str | os.PathLike) -> Path:
    """Write the HTML report to ``path`` (UTF-8), atomically."""
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_text(html, encoding="utf-8", newline="\n")
    return target


def write_pdf(html: str, path: str | os.PathLike) -> Path:
    """Render the HTML report to a PDF (A4, page numbers) with WeasyPrint, atomically.

    The PDF carries no creation date, so the same HTML gives the same bytes.
    """
    from weasyprint import HTML

    # WeasyPrint logs every unsupported CSS property; keep the user's console clean
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    target = Path(path)
    document = HTML(string=html, base_url=str(TEMPLATES)).render()
    with atomic_path(target) as tmp:
        document.write_pdf(tmp, uncompressed_pdf=False)
    return target
