"""The computing steps of `gebied plan` (validate → join → clusters → flags → signals →
schedule) and the layers of ``plan.gpkg`` they produce; :mod:`gebied.pipeline.run` writes them."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from gebied.areas.figures import summarize_areas
from gebied.areas.published import apply_hierarchy
from gebied.clusters.level import planning_level
from gebied.clusters.make import make_clusters
from gebied.clusters.summary import summarize_clusters
from gebied.cooperation import cooperation, cooperation_matrix, signal_lists
from gebied.errors import GebiedError, GebiedWarning
from gebied.flags.hotspots import find_hot_spots
from gebied.flags.rules import flag_counts, flag_inequality
from gebied.flags.summary import add_hot_spots, flag_summary
from gebied.inputs import read_inputs
from gebied.join import join_areas
from gebied.neighbours import neighbour_pairs
from gebied.privacy import Publication, publish
from gebied.schedule.model import read_fixed
from gebied.schedule.priorities import as_fixed
from gebied.schedule.run import advise, compare, schedule_info
from gebied.settings import PlanSettings, check_settings
from gebied.store import (
    PlanVersion,
)

STEPS = (
    "adressen inlezen en controleren",
    "koppelen aan gebieden",
    "treintjes vormen",
    "vlaggen zoeken",
    "signalen schade × versterking",
    "planning en vergelijking",
    "lagen opbouwen en wegschrijven",
    "kaarten tekenen",
    "rapport schrijven",
)


@dataclass
class PlanResult:
    """What a plan run produced (also written to the output folder).

    Attributes
    ----------
    layers
        The plan.gpkg layers: ``adressen``, ``clusters``, ``gebieden``, ``vlaggen``,
        ``brandhaarden`` (:func:`gebied.flags.hotspots.find_hot_spots`), ``planning``, ``plan_info``.
    metrics
        ``{strategie: {maat: waarde}}`` (metrics.json).
    comparison
        One row of metrics per strategy (vergelijking.csv).
    flags_per_area
        Flags, hot spots and the join-count test per area of the cluster level
        (vlaggen_per_gebied.csv).
    cooperation_matrix
        Addresses per NCG phase and IMG status (samenwerkingsmatrix.csv).
    signals
        ``{naam: adressen}`` signal lists (``signalen/*.csv``).
    planning_levels
        The recommended planning level per place (:func:`gebied.clusters.level.planning_level`).
    strategy_periods
        The ``planning`` table of every strategy, with a column ``strategie``.
    publication
        The publication table and what its audit needs (:func:`gebied.privacy.publish`);
        also the ``publiek`` layer and ``publiek.csv``.
    planning_info
        How the plan was chosen (:func:`gebied.schedule.run.schedule_info`): candidates,
        flow trade-off, requests and the capacity advice (planning_info.json).
    files
        The files written, relative to the output folder (set by :func:`run_plan`).
    version
        The plan version the run added to the store (set by :func:`run_plan`).
    """

    layers: dict[str, pd.DataFrame]
    metrics: dict[str, Any]
    comparison: pd.DataFrame
    flags_per_area: pd.DataFrame
    cooperation_matrix: pd.DataFrame
    signals: dict[str, pd.DataFrame]
    planning_levels: pd.DataFrame
    strategy_periods: pd.DataFrame
    planning_info: dict[str, Any] = field(default_factory=dict)
    publication: Publication | None = None
    files: list[str] = field(default_factory=list)
    version: PlanVersion | None = None


def finest_layer(areas: Mapping[str, gpd.GeoDataFrame]) -> str:
    """The area layer with the most areas (ties: the one given last)."""
    best = None
    for name, layer in areas.items():
        if best is None or len(layer) >= len(areas[best]):
            best = name
    if best is None:
        raise GebiedError("geef minstens één gebiedenlaag op met --gebieden")
    return best


def _fixed_input(settings: PlanSettings, stored: pd.DataFrame | None) -> pd.DataFrame | None:
    """Steering-group input: the --vast file, plus priorities stored through the API."""
    p = settings.planning
    table = read_fixed(p.vast, start=p.start, periode=p.periode) if p.vast else None
    if stored is None or stored[["prioriteit", "start_periode"]].notna().to_numpy().sum() == 0:
        return table
    api = as_fixed(stored, start=p.start, periode=p.periode)
    if table is None:
        return api
    if "cluster_id" not in table.columns:
        warnings.warn(
            GebiedWarning(
                "de opgeslagen clusterprioriteiten worden niet gebruikt: het --vast-bestand gaat per gebied_code"
            ),
            stacklevel=2,
        )
        return table
    return pd.concat([table, api[~api["cluster_id"].isin(table["cluster_id"])]], ignore_index=True)


def build_layers(
    settings: PlanSettings, step: Callable[[str], None], *, stored_priorities: pd.DataFrame | None = None
) -> PlanResult:
    """Run the computing steps and return the plan layers and metrics."""
    check_settings(settings)
    inv = settings.invoer
    step(STEPS[0])
    if not inv.adressen:
        raise GebiedError("geen adresbestand opgegeven (ADRESSEN of [invoer] adressen in plan.toml)")
    addresses, areas = read_inputs(inv.adressen, inv.gebieden, programma=inv.programma, max_distance=inv.max_afstand)

    step(STEPS[1])
    joined = apply_hierarchy(join_areas(addresses, areas, max_distance=inv.max_afstand), areas)

    step(STEPS[2])
    level = settings.cluster.gebied or finest_layer(areas)
    if level not in areas:
        raise GebiedError(f"--gebied '{level}' is geen van de gebiedenlagen ({', '.join(areas)})")
    for option, name in (("--niveau", settings.uitvoer.niveau), ("--publiek-ouder", settings.uitvoer.publiek_ouder)):
        if name and name not in areas:
            raise GebiedError(f"{option} '{name}' is geen van de gebiedenlagen ({', '.join(areas)})")
    settings.cluster.gebied = level
    area_column = f"{level}_code"
    clustered = make_clusters(
        joined,
        area_column=area_column,
        min_size=settings.cluster.min,
        max_size=settings.cluster.max,
        target_size=settings.cluster.doel,
        include_all=settings.cluster.alle,
    )
    levels = planning_level(clustered, area_columns=[f"{n}_code" for n in areas])

    step(STEPS[3])
    pairs = neighbour_pairs(clustered, distance=settings.vlaggen.afstand)  # built once, used twice
    flags = flag_inequality(clustered, distance=settings.vlaggen.afstand, pairs=pairs)
    clustered["aantal_vlaggen"] = flag_counts(clustered, flags)
    flags_per_area = flag_summary(clustered, flags, area_column=area_column, distance=settings.vlaggen.afstand, pairs=pairs)
    hot_spots, flags["brandhaard_id"] = find_hot_spots(
        clustered, flags, pairs=pairs, distance=settings.vlaggen.afstand, area_column=area_column
    )
    flags_per_area = add_hot_spots(flags_per_area, hot_spots)

    step(STEPS[4])
    clustered = cooperation(clustered)
    matrix = cooperation_matrix(clustered)
    signals = signal_lists(clustered)

    step(STEPS[5])
    p = settings.planning
    fixed = _fixed_input(settings, stored_priorities)
    options = dict(
        periode=p.periode, start=p.start, fixed=fixed, reserve=p.reserve or None,
        requests=p.verzoeken or None, request_target=p.verzoek_termijn,
    )
    runs = compare(clustered, None, p.capaciteit_bestand or p.capaciteit, lead=p.strategie, flow=p.doorstroom, **options)
    result = runs[p.strategie]
    metrics = {name: run.metrics for name, run in runs.items()}
    comparison = pd.DataFrame(metrics).T.rename_axis("strategie").reset_index()
    planning_info = schedule_info(runs, p.strategie)
    if p.doel_periode:
        planning_info["capaciteitsadvies"] = advise(
            clustered, None, p.capaciteit, target=p.doel_periode, strategy=p.strategie,
            flow=p.strategie in p.doorstroom, **options,
        )
    scheduled = result.addresses

    clusters = summarize_clusters(scheduled, area_column=area_column, areas=areas[level])
    clusters = clusters.drop(columns=[c for c in ("prioriteit", "start_periode", "gereed_periode") if c in clusters])
    planned = result.clusters[["cluster_id", *(c for c in ("prioriteit", "start_periode", "gereed_periode") if c in result.clusters)]]
    planned = planned.rename(columns={"prioriteit": "volgorde"})
    clusters = clusters.merge(planned, on="cluster_id", how="left")
    # `prioriteit` is the steering group's own priority (--vast or the API), empty otherwise
    given = {}
    if fixed is not None and "cluster_id" in fixed.columns:
        given = fixed.dropna(subset=["prioriteit"]).set_index("cluster_id")["prioriteit"].to_dict()
    clusters["prioriteit"] = pd.array([given.get(c, pd.NA) for c in clusters["cluster_id"]], dtype="Int64")
    if "gemeente_code" in scheduled and "gemeente_code" not in clusters:
        gm = scheduled.groupby("cluster_id")["gemeente_code"].first()
        clusters["gemeente_code"] = clusters["cluster_id"].map(gm)
    gebieden = summarize_areas(scheduled, areas, planning_levels=levels)
    gebieden = gebieden[gebieden["aantal_adressen"] > 0].reset_index(drop=True)  # only where the addresses are
    info = pd.DataFrame(
        {
            "sleutel": ["titel", "peildatum", "periode", "startperiode", "drempel", "fictief", "clusterniveau", "strategie", "plankeuze"],
            "waarde": [
                settings.uitvoer.titel,
                settings.uitvoer.peildatum,
                p.periode,
                p.start,
                str(settings.uitvoer.drempel),
                "ja" if settings.uitvoer.fictief else "nee",
                level,
                p.strategie,
                str(result.info.get("keuze", p.strategie)),
            ],
        }
    )
    layers = {
        "adressen": scheduled,
        "clusters": clusters,
        "gebieden": gebieden,
        "vlaggen": flags,
        "brandhaarden": hot_spots,
        "planning": result.periods,
        "plan_info": info,
    }
    u = settings.uitvoer
    publication = publish(layers, level=u.niveau or level, threshold=u.drempel, parent=u.publiek_ouder or None)
    layers["publiek"] = publication.table
    return PlanResult(
        layers=layers,
        metrics=metrics,
        comparison=comparison,
        flags_per_area=flags_per_area,
        cooperation_matrix=matrix,
        signals=signals,
        planning_levels=levels,
        strategy_periods=pd.concat([run.periods.assign(strategie=name) for name, run in runs.items()], ignore_index=True),
        planning_info=planning_info,
        publication=publication,
    )
