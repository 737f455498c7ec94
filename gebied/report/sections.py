"""Tables of the report sections, computed from the plan.gpkg layers.

Each builder takes layers (and optional inputs) and returns :class:`Table` objects or
None when its input is missing; the template then says "niet beschikbaar".
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from gebied.codes import STAGES
from gebied.frames import area_level, fmt_int, fmt_num, fmt_pct, is_missing
from gebied.report.format import METRIC_LABELS, Table, frame_table

AREA_LEVEL_ORDER = ("gemeente", "woonplaats", "dorp", "wijk", "buurt", "straat", "blok")


def fmt_period(value: object, labels: Mapping[int, str]) -> str:
    """Period number as its label (``2027-K1``), ``–`` when missing."""
    if is_missing(value):
        return "–"
    p = int(float(value))  # type: ignore[arg-type]
    if p <= 0:
        return "vóór de start"
    return labels.get(p, str(p))


def _series(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame:
        return frame[column]
    return pd.Series(pd.NA, index=frame.index, dtype="object")


def area_names(gebieden: pd.DataFrame | None) -> dict[str, str]:
    """``{code: naam}`` of all areas in the ``gebieden`` layer."""
    if gebieden is None or "naam" not in gebieden or "code" not in gebieden:
        return {}
    return {str(c): str(n) for c, n in zip(gebieden["code"], gebieden["naam"]) if not is_missing(n)}


def area_levels(gebieden: pd.DataFrame) -> list[str]:
    """Area levels of the ``gebieden`` layer, coarse to fine (by number of areas)."""
    counts = gebieden["niveau"].astype(str).value_counts()
    known = {n: i for i, n in enumerate(AREA_LEVEL_ORDER)}
    return sorted(counts.index, key=lambda n: (counts[n], known.get(n, 99), n))


# --------------------------------------------------------------------------- summary


def gemeente_summary(adressen: pd.DataFrame | None) -> Table | None:
    """Per gemeente: addresses, in programme, gereed, share gereed, P50, P90, with flag."""
    if adressen is None or adressen.empty:
        return None
    a = pd.DataFrame(adressen.drop(columns="geometry", errors="ignore"))
    if "gemeente_code" in a:
        name = a["gemeente_naam"].astype("string") if "gemeente_naam" in a else a["gemeente_code"].astype("string")
        key = a["gemeente_code"].astype("string").fillna("(geen gemeente)")
        a["_label"] = (name.fillna(key) + " (" + key + ")").where(a["gemeente_code"].notna(), "(geen gemeente)")
    else:
        a["_label"] = "Alle adressen"
    fase = _series(a, "ncg_fase").astype("string")
    risico = _series(a, "risicoprofiel").astype("string")
    a["_in"] = fase.notna()
    a["_gereed"] = (fase == "gereed").fillna(False)
    a["_p50"] = (risico == "P50").fillna(False)
    a["_p90"] = (risico == "P90").fillna(False)
    a["_vlag"] = pd.to_numeric(_series(a, "aantal_vlaggen"), errors="coerce").fillna(0) > 0
    g = a.groupby("_label", sort=True)[["_in", "_gereed", "_p50", "_p90", "_vlag"]].sum()
    g.insert(0, "_n", a.groupby("_label", sort=True).size())
    if len(g) > 1:
        g.loc["Totaal"] = g.sum()
    rows = [
        [str(label), fmt_int(r["_n"]), fmt_int(r["_in"]), fmt_int(r["_gereed"]),
         fmt_pct(r["_gereed"] / r["_in"]) if r["_in"] else "–", fmt_int(r["_p50"]), fmt_int(r["_p90"]),
         fmt_int(r["_vlag"])]
        for label, r in g.iterrows()
    ]
    return Table(
        id="tabel-gemeenten",
        caption="Samenvatting per gemeente",
        headers=["Gemeente", "Adressen", "In programma", "Gereed", "Aandeel gereed", "P50", "P90", "Met vlag"],
        rows=rows,
        numeric=[False] + [True] * 7,
        note="Aandeel gereed = gereed / in programma. Met vlag = adressen met minstens één ongelijkheidsvlag.",
    )


def area_summaries(gebieden: pd.DataFrame | None, labels: Mapping[int, str]) -> list[Table]:
    """One table per area level (except gemeente) from the ``gebieden`` layer."""
    if gebieden is None or gebieden.empty or "niveau" not in gebieden:
        return []
    tables = []
    for niveau in area_levels(gebieden):
        if niveau == "gemeente":
            continue
        part = pd.DataFrame(gebieden[gebieden["niveau"].astype(str) == niveau]).sort_values("code")
        tables.append(
            frame_table(
                part,
                id=f"tabel-gebieden-{niveau}",
                caption=f"Samenvatting per {niveau}",
                columns=["naam", "code", "aantal_adressen", "in_programma", "gereed", "aandeel_gereed",
                         "aantal_vlaggen", "start_periode", "gereed_periode"],
                labels={"gereed_periode": "Gereed in", "start_periode": "Start in"},
                formats={"aandeel_gereed": fmt_pct, "start_periode": lambda v: fmt_period(v, labels),
                         "gereed_periode": lambda v: fmt_period(v, labels)},
            )
        )
    return tables


PLACE_LEVELS = ("woonplaats", "dorp", "plaats", "kern")


def planning_level_table(planning_levels: pd.DataFrame | None, gebieden: pd.DataFrame | None) -> Table | None:
    """The chosen planning level per place with its reason.

    ``planning_levels`` holds one row per area and level (``niveau``, ``code``,
    ``aandeel_tussen_straten``, ``planningsniveau``, ``toelichting``); the report shows the place
    level (woonplaats, else the coarsest level below gemeente). Without it, the
    ``planningsniveau`` of the ``gebieden`` layer is used.
    """
    caption = "Gekozen planningsniveau per plaats"
    names = {}
    if gebieden is not None and {"niveau", "code", "naam"} <= set(gebieden.columns):
        names = {(str(n), str(c)): str(m) for n, c, m in zip(gebieden["niveau"], gebieden["code"], gebieden["naam"])}
    frame = None
    if planning_levels is not None and not planning_levels.empty and "planningsniveau" in planning_levels:
        frame = pd.DataFrame(planning_levels).reset_index(drop=planning_levels.index.name is None)
    elif gebieden is not None and "planningsniveau" in gebieden:
        frame = pd.DataFrame(gebieden[gebieden["planningsniveau"].notna()].drop(columns="geometry", errors="ignore"))
    if frame is None or frame.empty:
        return None
    if "niveau" in frame:
        frame["_basis"] = frame["niveau"].map(lambda n: area_level(str(n)))
        present = list(dict.fromkeys(frame["_basis"]))
        place = next((lvl for lvl in PLACE_LEVELS if lvl in present), None)
        if place is None:
            counts = frame["_basis"].value_counts()
            below = [lvl for lvl in present if lvl != "gemeente"] or present
            place = min(below, key=lambda lvl: (counts[lvl], lvl))
        frame = frame[frame["_basis"] == place].copy()
        caption = f"Gekozen planningsniveau per {place}"
        if "naam" not in frame and "code" in frame:
            frame["naam"] = [names.get((place, str(c)), str(c)) for c in frame["code"]]
    frame = frame.sort_values([c for c in ("naam", "code") if c in frame])
    return frame_table(
        frame, id="tabel-planningsniveau", caption=caption,
        columns=[c for c in ("naam", "plaats", "code", "aantal_adressen", "aandeel_tussen_straten", "planningsniveau",
                             "toelichting", "reden") if c in frame],
        labels={"naam": "Plaats", "planningsniveau": "Planningsniveau"},
        formats={"aandeel_tussen_straten": fmt_pct},
        note="De aanbeveling voor elke wijk en buurt staat in de laag 'gebieden' van plan.gpkg."
        if "niveau" in frame else "",
    )


# --------------------------------------------------------------------------- clusters


def _size_column(clusters: pd.DataFrame) -> str | None:
    return next((c for c in ("aantal", "aantal_x", "aantal_y") if c in clusters), None)


def cluster_overview(clusters: pd.DataFrame | None) -> dict | None:
    """Counts of the cluster layer: number, sizes, per status."""
    if clusters is None or clusters.empty:
        return None
    size = _size_column(clusters)
    if size and size != "aantal":
        clusters = clusters.rename(columns={size: "aantal"})
    sizes = pd.to_numeric(clusters["aantal"], errors="coerce") if "aantal" in clusters else pd.Series(dtype=float)
    status = clusters["cluster_status"].astype(str).value_counts().sort_index() if "cluster_status" in clusters else {}
    return {
        "aantal": fmt_int(len(clusters)),
        "adressen": fmt_int(sizes.sum()) if len(sizes) else "–",
        "kleinste": fmt_int(sizes.min()) if len(sizes) else "–",
        "mediaan": fmt_int(sizes.median()) if len(sizes) else "–",
        "grootste": fmt_int(sizes.max()) if len(sizes) else "–",
        "status": [(str(k), fmt_int(v)) for k, v in dict(status).items()],
    }


def cluster_table(
    clusters: pd.DataFrame | None, labels: Mapping[int, str], names: Mapping[str, str] | None = None
) -> Table | None:
    """All clusters in order of start (then priority and id), each with its explanation below."""
    if clusters is None or clusters.empty:
        return None
    frame = pd.DataFrame(clusters.drop(columns="geometry", errors="ignore"))
    size = _size_column(frame)
    if size and size != "aantal":
        frame = frame.rename(columns={size: "aantal"})
    order = [c for c in ("start_periode", "prioriteit", "cluster_id") if c in frame]
    if order:
        frame = frame.sort_values(order, na_position="last", kind="mergesort")
    if names and "gebied_code" in frame:
        frame["gebied_naam"] = [names.get(str(c), str(c)) for c in frame["gebied_code"]]
    table = frame_table(
        frame,
        id="tabel-clusters",
        caption="Clusters (treintjes) in volgorde van start",
        columns=["cluster_id", "gebied_naam" if "gebied_naam" in frame else "gebied_code", "aantal", "aantal_P50",
                 "aantal_P90", "typologie_dominant", "cluster_status", "start_periode", "gereed_periode"],
        labels={"cluster_id": "Cluster", "gebied_code": "Gebied", "gebied_naam": "Gebied", "aantal": "Adressen",
                "aantal_P50": "P50", "aantal_P90": "P90", "typologie_dominant": "Meest voorkomend type",
                "cluster_status": "Status", "start_periode": "Start", "gereed_periode": "Gereed"},
        formats={"start_periode": lambda v: fmt_period(v, labels), "gereed_periode": lambda v: fmt_period(v, labels),
                 "cluster_status": lambda v: "–" if is_missing(v) else str(v).replace("_", " ")},
    )
    if "toelichting" in frame:
        table.details = ["" if is_missing(v) else str(v) for v in frame["toelichting"]]
    return table


# --------------------------------------------------------------------------- schedule


def schedule_table(planning: pd.DataFrame | None) -> Table | None:
    """Work per stage, backlog per stage and cumulative gereed per period."""
    if planning is None or planning.empty or "periode" not in planning:
        return None
    frame = pd.DataFrame(planning).sort_values("periode")
    columns = ["periode_label" if "periode_label" in frame else "periode"]
    columns += [f"{s}_werk" for s in STAGES if f"{s}_werk" in frame]
    columns += [f"{s}_voorraad" for s in STAGES if f"{s}_voorraad" in frame]
    columns += ["gereed_cumulatief"] if "gereed_cumulatief" in frame else []
    labels = {"periode_label": "Periode", "periode": "Periode", "gereed_cumulatief": "Gereed (cum.)"}
    for s in STAGES:
        labels[f"{s}_werk"] = f"Werk {s}"
        labels[f"{s}_voorraad"] = f"Voorraad voor {s}"
    formats = {c: fmt_int for c in columns if c != "periode_label"}
    return frame_table(frame, id="tabel-planning", caption="Planning per periode (adressen, afgerond)",
                       columns=columns, labels=labels, formats=formats)


def capacity_text(planning: pd.DataFrame | None) -> list[str]:
    """One sentence per stage about its capacity per period."""
    if planning is None or planning.empty:
        return []
    out = []
    for s in STAGES:
        col = f"{s}_capaciteit"
        if col not in planning:
            continue
        values = pd.to_numeric(planning[col], errors="coerce").dropna()
        if values.empty:
            continue
        if values.min() == values.max():
            out.append(f"{s.capitalize()}: {fmt_int(values.iloc[0])} adressen per periode.")
        else:
            out.append(f"{s.capitalize()}: {fmt_int(values.min())} tot {fmt_int(values.max())} adressen per periode.")
    return out


def metrics_table(metrics: Mapping[str, Mapping[str, object]] | None) -> Table | None:
    """Metric rows × strategy columns, Dutch labels where known, raw keys otherwise."""
    if not metrics:
        return None
    strategies = list(metrics)
    keys = list(dict.fromkeys(k for s in strategies for k in metrics[s]))
    rows = [[METRIC_LABELS.get(k, k)] + [fmt_metric(k, metrics[s].get(k)) for s in strategies] for k in keys]
    return Table(id="tabel-strategie-maten", caption="Vergelijking van strategieën: maten",
                 headers=["Maat"] + [str(s) for s in strategies], rows=rows,
                 numeric=[False] + [True] * len(strategies))


def fmt_metric(key: str, value: object) -> str:
    """A metric value: shares as percentages, whole numbers as integers, else one decimal."""
    if is_missing(value):
        return "–"
    if key.startswith("aandeel") or key.startswith("werk_aandeel"):
        return fmt_pct(value)
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    return fmt_int(x) if x.is_integer() else fmt_num(x, decimals=1)


def metrics_from_comparison(comparison: pd.DataFrame | None) -> dict[str, dict[str, object]] | None:
    """``{strategie: {maat: waarde}}`` from a comparison with one row per strategy."""
    if comparison is None or comparison.empty or "strategie" not in comparison or "periode" in comparison:
        return None
    frame = pd.DataFrame(comparison.drop(columns="geometry", errors="ignore")).set_index("strategie")
    return {str(s): row.to_dict() for s, row in frame.iterrows()}


def comparison_table(comparison: pd.DataFrame | None, labels: Mapping[int, str]) -> Table | None:
    """Per strategy: last period with work, largest total backlog, final gereed.

    Only for a long frame (``strategie``, ``periode``); a frame with one row per strategy
    holds the metrics and is shown through :func:`metrics_table` instead.
    """
    if comparison is None or comparison.empty:
        return None
    frame = pd.DataFrame(comparison.drop(columns="geometry", errors="ignore"))
    if "strategie" not in frame or "periode" not in frame:
        return None
    voorraad = [c for c in frame.columns if str(c).endswith("_voorraad")]
    werk = [c for c in frame.columns if str(c).endswith("_werk")]
    rows = []
    for strategy, part in frame.groupby(frame["strategie"].astype(str), sort=False):
        total_work = part[werk].apply(pd.to_numeric, errors="coerce").sum(axis=1) if werk else None
        active = part.loc[total_work > 0, "periode"] if total_work is not None else part["periode"]
        backlog = part[voorraad].apply(pd.to_numeric, errors="coerce").sum(axis=1) if voorraad else None
        gereed = pd.to_numeric(part["gereed_cumulatief"], errors="coerce").max() if "gereed_cumulatief" in part else None
        rows.append([
            strategy,
            fmt_period(active.max() if len(active) else None, labels),
            fmt_int(backlog.max()) if backlog is not None else "–",
            fmt_int(gereed) if gereed is not None else "–",
        ])
    return Table(id="tabel-strategie-vergelijking", caption="Vergelijking van strategieën: verloop",
                 headers=["Strategie", "Laatste periode met werk", "Grootste totale voorraad", "Gereed aan het eind"],
                 rows=rows, numeric=[False, False, True, True])
