"""`gebied plan`: validate → join → clusters → flags → signals → schedule → outputs.

The library part of the run; maps are drawn by renderers that the command line passes
in (the library never imports ``maps/``). Everything is written into a temporary folder
that replaces the output folder only when the whole run succeeded.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from gebied.areas.read import AreaSpec
from gebied.io import write_csv, write_layers
from gebied.outdir import atomic_dir, check_output_dir
from gebied.pipeline.layers import STEPS, PlanResult, build_layers
from gebied.pipeline.qgis_styles import plan_styles, write_styles
from gebied.report.render import render_report, write_pdf, write_report
from gebied.schedule.priorities import read_priorities, write_priorities
from gebied.settings import PlanSettings, dump_settings
from gebied.store import (
    EmbeddedStore,
    PlanStoreBackend,
    input_frame,
    input_hash,
    open_plan_store,
    version_diff,
)
from gebied.store.embedded import store_dir_for

#: A renderer draws one output file from the plan layers: (layers, settings, path) -> None.
Renderer = Callable[[dict[str, pd.DataFrame], PlanSettings, Path], None]

def plan_inputs(settings: PlanSettings) -> list[Path]:
    """The input files of a plan run (none of them may lie in the output folder)."""
    p = settings.planning
    paths = [settings.invoer.adressen, *(AreaSpec.parse(s).path for s in settings.invoer.gebieden), settings.invoer.programma, p.vast, p.capaciteit_bestand]
    return [Path(x) for x in paths if x]


def run_plan(
    settings: PlanSettings,
    out_dir: str | Path,
    *,
    renderers: Mapping[str, Renderer] | None = None,
    progress: Callable[[str], None] | None = None,
    database: str | None = None,
) -> PlanResult:
    """Run the whole plan and write every output into ``out_dir`` atomically.

    The steering-group input is read from the plan store (the embedded store beside
    ``out_dir``, or ``database``) and never overwritten; the run adds a plan version to it.

    Parameters
    ----------
    settings
        All settings (see ``gebied.settings``); updated with what was derived
        (e.g. the cluster level) and written as ``plan.toml``.
    out_dir
        Output folder; replaced as a whole only when the run succeeds.
    renderers
        ``{filename: renderer}`` for outputs drawn outside the library (the maps).
    progress
        Called with the Dutch name of each step as it starts.
    database
        A ``postgresql://`` URL: use that store instead of the embedded one.
    """
    step = progress or (lambda _name: None)
    inputs = plan_inputs(settings)
    check_output_dir(out_dir, inputs=inputs)  # before any work: refuse a folder we may not replace
    new_store = None if database else store_dir_for(out_dir)
    if new_store is not None and new_store.exists():
        new_store = None  # an existing store is the steering group's: never removed
    store = open_plan_store(output=out_dir, database=database)
    try:
        return _run_with_store(settings, out_dir, store, inputs=inputs, renderers=renderers, step=step)
    except BaseException:
        if new_store is not None and store.newest() is None:
            store.close()
            shutil.rmtree(new_store, ignore_errors=True)  # made by this failed run, holds no version yet
        raise
    finally:
        store.close()


def _previous(store: PlanStoreBackend, newest: int | None, out_dir: Path) -> tuple[dict | None, dict]:
    """The layers of the newest stored version and the stored input (older plans' priorities taken over once)."""
    if newest is None and isinstance(store, EmbeddedStore):
        store.import_input(read_priorities(out_dir / "plan.gpkg"))
    old = store.read_layers(newest) if newest is not None else None
    return old, store.read_input()


def _run_with_store(
    settings: PlanSettings,
    out_dir: str | Path,
    store: PlanStoreBackend,
    *,
    inputs: list[Path],
    renderers: Mapping[str, Renderer] | None,
    step: Callable[[str], None],
) -> PlanResult:
    newest = store.newest()
    old_layers, rows = _previous(store, newest, Path(out_dir))
    stored = input_frame(rows)
    result = build_layers(settings, step, stored_priorities=stored)
    diff = version_diff(old_layers, result.layers) if old_layers is not None else None
    with atomic_dir(out_dir, inputs=inputs) as tmp:
        step(STEPS[6])
        write_layers(result.layers, tmp / "plan.gpkg")
        n_periods = int(result.layers["planning"]["periode"].max()) if len(result.layers["planning"]) else 0
        write_styles(tmp / "plan.gpkg", plan_styles(n_periods))
        write_priorities(tmp / "plan.gpkg", stored)
        (tmp / "metrics.json").write_text(
            json.dumps(result.metrics, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
        )
        (tmp / "plan.toml").write_text(dump_settings(settings), encoding="utf-8")
        write_csv(result.comparison, tmp / "vergelijking.csv")
        write_csv(pd.DataFrame(result.layers["publiek"].drop(columns="geometry")), tmp / "publiek.csv")
        (tmp / "planning_info.json").write_text(
            json.dumps(result.planning_info, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
        )
        if result.planning_info.get("verzoeken"):
            write_csv(pd.DataFrame(result.planning_info["verzoeken"]), tmp / "verzoeken.csv")
        write_csv(result.cooperation_matrix, tmp / "samenwerkingsmatrix.csv", index=True)
        write_csv(result.flags_per_area, tmp / "vlaggen_per_gebied.csv")
        write_csv(pd.DataFrame(result.layers["brandhaarden"].drop(columns="geometry")), tmp / "brandhaarden.csv")
        signal_dir = tmp / "signalen"
        signal_dir.mkdir()
        for name, frame in result.signals.items():
            write_csv(pd.DataFrame(frame.drop(columns="geometry", errors="ignore")), signal_dir / f"{name}.csv")
        step(STEPS[7])
        for filename, render in (renderers or {}).items():
            (tmp / filename).parent.mkdir(parents=True, exist_ok=True)
            render(result.layers, settings, tmp / filename)
        step(STEPS[8])
        html = render_report(
            result.layers,
            metrics=result.metrics,
            comparison=result.comparison,
            planning_levels=result.planning_levels,
            cooperation_matrix=result.cooperation_matrix,
            signal_counts={k: len(v) for k, v in result.signals.items()},
            flag_summary=result.flags_per_area,
            settings=settings.to_dict(),
            threshold=settings.uitvoer.drempel,
            strategy_periods=result.strategy_periods,
            planning_info=result.planning_info,
            versions={"oud": newest, "nieuw": (newest or 0) + 1, "verschil": diff},
        )
        write_report(html, tmp / "rapport.html")
        if settings.uitvoer.pdf:
            write_pdf(html, tmp / "rapport.pdf")
        result.files = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
        result.version = store.add_version(
            result.layers, settings=settings.to_dict(), input_hash=input_hash(rows, inputs),
            output=str(Path(out_dir).absolute()), **({"plan_file": tmp / "plan.gpkg"} if isinstance(store, EmbeddedStore) else {}),
        )
    return result
