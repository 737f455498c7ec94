"""Tables of the report sections, computed from the plan.gpkg layers.

Each builder takes layers (and optional inputs) and returns :class:`Table` objects or
None when its input is missing; the template then says "niet beschikbaar".
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from gebied.codes import NCG_FASEN
from gebied.report_format import (
    METRIC_LABELS,
    SAMENWERKINGSGROEPEN,
    SIGNAL_LABELS,
    STAGES,
    Table,
    column_label,
    fmt_int,
    fmt_pct,
    fmt_value,
    frame_table,
    is_missing,
    suppress,
)

AREA_LEVEL_ORDER = ("gemeente", "woonplaats", "dorp", "wijk", "buurt", "straat", "blok")


def fmt_period(value: object, labels: Mapping[int, str]) -> str:
    """Period number as its label (``2027-K1``), ``–`` when missing."""
    if is_missing(value):
        return "–"
    p = int(float(value))  # type: ignore[arg-type]
    return labels.get(p, str(p))


def _series(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame:
        return frame[column]
    return pd.Series(pd.NA, index=frame.index, dtype="object")


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


def planning_level_table(planning_levels: pd.DataFrame | None, gebieden: pd.DataFrame | None) -> Table | None:
    """The chosen planning level per place with its reason."""
    caption = "Gekozen planningsniveau per plaats"
    if planning_levels is not None and not planning_levels.empty:
        frame = pd.DataFrame(planning_levels).reset_index(drop=planning_levels.index.name is None)
        return frame_table(frame, id="tabel-planningsniveau", caption=caption, max_columns=6)
    if gebieden is not None and "planningsniveau" in gebieden:
        part = pd.DataFrame(gebieden[gebieden["planningsniveau"].notna()])
        if not part.empty:
            part = part.sort_values(["niveau", "code"])
            return frame_table(part, id="tabel-planningsniveau", caption=caption,
                               columns=["naam", "niveau", "planningsniveau", "toelichting"],
                               labels={"naam": "Plaats"})
    return None


# --------------------------------------------------------------------------- clusters


def cluster_overview(clusters: pd.DataFrame | None) -> dict | None:
    """Counts of the cluster layer: number, sizes, per status."""
    if clusters is None or clusters.empty:
        return None
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


def cluster_table(clusters: pd.DataFrame | None, labels: Mapping[int, str]) -> Table | None:
    """All clusters in order of start (then priority and id)."""
    if clusters is None or clusters.empty:
        return None
    frame = pd.DataFrame(clusters.drop(columns="geometry", errors="ignore"))
    order = [c for c in ("start_periode", "prioriteit", "cluster_id") if c in frame]
    if order:
        frame = frame.sort_values(order, na_position="last", kind="mergesort")
    return frame_table(
        frame,
        id="tabel-clusters",
        caption="Clusters (treintjes) in volgorde van start",
        columns=["cluster_id", "gebied_code", "aantal", "aantal_P50", "aantal_P90", "cluster_status",
                 "start_periode", "gereed_periode", "toelichting"],
        labels={"cluster_id": "Cluster", "gebied_code": "Gebied", "aantal": "Adressen", "aantal_P50": "P50",
                "aantal_P90": "P90", "cluster_status": "Status", "start_periode": "Start",
                "gereed_periode": "Gereed"},
        formats={"start_periode": lambda v: fmt_period(v, labels), "gereed_periode": lambda v: fmt_period(v, labels),
                 "cluster_status": lambda v: "–" if is_missing(v) else str(v).replace("_", " ")},
    )


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
        labels[f"{s}_voorraad"] = f"Voorraad {s}"
    return frame_table(frame, id="tabel-planning", caption="Planning per periode (adressen)",
                       columns=columns, labels=labels, formats={"periode": fmt_int})


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
    rows = []
    for k in keys:
        fmt = fmt_pct if k.startswith("aandeel") else fmt_value
        rows.append([METRIC_LABELS.get(k, k)] + [fmt(metrics[s].get(k)) for s in strategies])
    return Table(id="tabel-strategie-maten", caption="Vergelijking van strategieën: maten",
                 headers=["Maat"] + [str(s) for s in strategies], rows=rows,
                 numeric=[False] + [True] * len(strategies))


def comparison_table(comparison: pd.DataFrame | None, labels: Mapping[int, str]) -> Table | None:
    """Per strategy: last period with work, largest total backlog, final gereed.

    A comparison frame without ``periode`` (one row per strategy) is shown as it is.
    """
    if comparison is None or comparison.empty:
        return None
    frame = pd.DataFrame(comparison.drop(columns="geometry", errors="ignore"))
    if "strategie" not in frame or "periode" not in frame:
        frame = frame.reset_index(drop=frame.index.name is None)
        return frame_table(frame, id="tabel-strategie-vergelijking", caption="Vergelijking van strategieën")
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


# --------------------------------------------------------------------------- inequality


def hotspot_table(layers: Mapping[str, pd.DataFrame], *, top: int = 10) -> Table | None:
    """Areas of the finest level with the largest share of flagged addresses, explained."""
    gebieden = layers.get("gebieden")
    if gebieden is None or gebieden.empty or "aandeel_met_vlag" not in gebieden:
        return None
    niveau = area_levels(gebieden)[-1]
    part = pd.DataFrame(gebieden[gebieden["niveau"].astype(str) == niveau])
    part = part[pd.to_numeric(part.get("aantal_vlaggen", 0), errors="coerce").fillna(0) > 0]
    if part.empty:
        return None
    part = part.sort_values(["aandeel_met_vlag", "code"], ascending=[False, True]).head(top)
    adressen, vlaggen = layers.get("adressen"), layers.get("vlaggen")
    explanations = []
    for code in part["code"]:
        explanations.append(_explain_area(code, niveau, adressen, vlaggen))
    part = part.assign(_uitleg=explanations)
    return frame_table(
        part, id="tabel-hotspots", caption=f"Brandhaarden van ongelijkheid per {niveau}",
        columns=["naam", "code", "aantal_adressen", "aantal_vlaggen", "aandeel_met_vlag", "_uitleg"],
        labels={"_uitleg": "Uitleg"}, formats={"aandeel_met_vlag": fmt_pct},
    )


def _explain_area(code: str, niveau: str, adressen: pd.DataFrame | None, vlaggen: pd.DataFrame | None) -> str:
    col = f"{niveau}_code"
    if adressen is None or vlaggen is None or vlaggen.empty or col not in adressen:
        return "–"
    ids = set(adressen.loc[adressen[col] == code, "adres_id"].astype(str))
    inside = vlaggen["adres_id"].astype(str).isin(ids)
    if "buur_adres_id" in vlaggen:
        inside |= vlaggen["buur_adres_id"].astype(str).isin(ids)
    mine = vlaggen[inside]
    if mine.empty:
        return "–"
    counts = mine["vlag"].astype(str).value_counts()
    parts = []
    for vlag, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:2]:
        example = mine.loc[mine["vlag"].astype(str) == vlag, "toelichting"] if "toelichting" in mine else None
        text = f"{fmt_int(n)}× {vlag.replace('_', ' ')}"
        if example is not None and example.notna().any():
            text += f" (bijv. {example.dropna().iloc[0]})"
        parts.append(text)
    return "; ".join(parts)


def flag_table(flag_summary: pd.DataFrame | None, vlaggen: pd.DataFrame | None) -> Table | None:
    """Flags per kind, from ``flag_summary`` or counted from the ``vlaggen`` layer."""
    if flag_summary is not None and not flag_summary.empty:
        frame = pd.DataFrame(flag_summary).reset_index(drop=flag_summary.index.name is None)
        return frame_table(frame, id="tabel-vlaggen", caption="Vlaggen per soort", max_columns=6)
    if vlaggen is None or vlaggen.empty or "vlag" not in vlaggen:
        return None
    frame = pd.DataFrame(vlaggen.drop(columns="geometry", errors="ignore"))
    agg = frame.groupby("vlag", sort=True).agg(aantal=("vlag", "size"))
    if "toelichting" in frame:
        agg["toelichting"] = frame.groupby("vlag", sort=True)["toelichting"].first()
    return frame_table(agg.reset_index(), id="tabel-vlaggen", caption="Vlaggen per soort")


# --------------------------------------------------------------------------- damage × strengthening


def cooperation_table(matrix: pd.DataFrame | None, adressen: pd.DataFrame | None) -> Table | None:
    """NCG phase × IMG status matrix (given, or counted from the addresses)."""
    if matrix is None or matrix.empty:
        if adressen is None or "ncg_fase" not in adressen or "img_status" not in adressen:
            return None
        matrix = pd.crosstab(adressen["ncg_fase"].astype("string").fillna("(niet in programma)"),
                             adressen["img_status"].astype("string").fillna("(leeg)"))
    frame = pd.DataFrame(matrix)
    first = frame.index.name or "ncg_fase"
    frame = frame.reset_index().rename(columns={"index": first})
    frame.columns = [str(c) for c in frame.columns]
    frame[first] = frame[first].astype(str)
    order = {f: i for i, f in enumerate(NCG_FASEN)}
    frame = frame.sort_values(first, key=lambda s: s.map(lambda v: order.get(v, 99)), kind="mergesort")
    labels = {c: c.replace("_", " ") for c in frame.columns}
    labels[first] = "NCG-fase \\ IMG-status" if first == "ncg_fase" else column_label(first)
    return frame_table(frame, id="tabel-schade-versterking", caption="Schade × versterking (aantal adressen)",
                       labels=labels, max_columns=10)


def group_table(adressen: pd.DataFrame | None) -> Table | None:
    """Addresses per cooperation group A–F with what the group means."""
    if adressen is None or "samenwerkingsgroep" not in adressen:
        return None
    counts = adressen["samenwerkingsgroep"].astype("string").value_counts()
    rows = [[g, text, fmt_int(counts.get(g, 0))] for g, text in SAMENWERKINGSGROEPEN.items()]
    return Table(id="tabel-samenwerkingsgroepen", caption="Samenwerkingsgroepen NCG × IMG",
                 headers=["Groep", "Betekenis", "Adressen"], rows=rows, numeric=[False, False, True])


def signal_table(signal_counts: Mapping[str, int] | None) -> Table | None:
    """Signal lists and their sizes."""
    if not signal_counts:
        return None
    rows = [[SIGNAL_LABELS.get(k, k.replace("_", " ")), fmt_int(v)] for k, v in signal_counts.items()]
    return Table(id="tabel-signalen", caption="Signalen", headers=["Signaal", "Adressen"], rows=rows,
                 numeric=[False, True])
