"""Report tables on inequality (flags, hot spots) and on damage × strengthening."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from gebied.codes import NCG_FASEN
from gebied.flags.hotspot_text import ACTION_SHORT
from gebied.flags.rules import FLAG_DESCRIPTIONS
from gebied.frames import fmt_int, fmt_num, fmt_pct
from gebied.report.format import (
    SAMENWERKINGSGROEPEN,
    SIGNAL_LABELS,
    Table,
    column_label,
    frame_table,
)
from gebied.report.sections import area_levels, area_names

FLAG_SHORT: dict[str, str] = {
    "uitkomst_verschil": "andere uitkomst",
    "tempo_verschil": "ander tempo",
    "buiten_programma": "buiten programma naast versterking",
    "regime_verschil": "andere regeling",
}
SUMMARY_FIXED = {"gebied_code", "aantal_adressen", "in_programma", "aantal_vlaggen", "adressen_met_vlag",
                 "aandeel_met_vlag"}


def _type_columns(flag_summary: pd.DataFrame) -> list[str]:
    """Per-type count columns of a per-area flag summary."""
    known = [c for c in FLAG_DESCRIPTIONS if c in flag_summary]
    if known:
        return known
    return [c for c in flag_summary.columns
            if c not in SUMMARY_FIXED and not str(c).startswith("jc_") and pd.api.types.is_numeric_dtype(flag_summary[c])]


def _is_area_summary(flag_summary: pd.DataFrame | None) -> bool:
    return flag_summary is not None and not flag_summary.empty and "gebied_code" in flag_summary


def _explain_counts(counts: Mapping[str, int], conclusion: object = None) -> str:
    ranked = sorted(((k, int(v)) for k, v in counts.items() if v and int(v) > 0), key=lambda kv: (-kv[1], kv[0]))
    parts = [f"{fmt_int(n)}× {FLAG_SHORT.get(k, k.replace('_', ' '))}" for k, n in ranked[:3]]
    text = "Vooral " + ", ".join(parts) + "." if parts else ""
    if isinstance(conclusion, str) and conclusion.strip():
        text += f" Samenhang: {conclusion.strip()}."
    return text or "–"


def hotspot_table(
    layers: Mapping[str, pd.DataFrame], flag_summary: pd.DataFrame | None = None, *, top: int = 10
) -> Table | None:
    """Areas with the largest share of flagged addresses, with what the flags are.

    From the per-area ``flag_summary`` (with its join-count conclusion) when given,
    otherwise from the finest level of the ``gebieden`` layer and the ``vlaggen`` layer.
    """
    gebieden = layers.get("gebieden")
    names = area_names(gebieden)
    if _is_area_summary(flag_summary) and "aandeel_met_vlag" in flag_summary:
        fs = pd.DataFrame(flag_summary)
        fs = fs[pd.to_numeric(fs.get("aantal_vlaggen", 0), errors="coerce").fillna(0) > 0]
        if fs.empty:
            return None
        fs = fs.sort_values(["aandeel_met_vlag", "gebied_code"], ascending=[False, True]).head(top)
        types = _type_columns(fs)
        rows = []
        for _, r in fs.iterrows():
            code = str(r["gebied_code"])
            rows.append([
                names.get(code, code), code, fmt_int(r.get("aantal_adressen")), fmt_int(r.get("aantal_vlaggen")),
                fmt_pct(r["aandeel_met_vlag"]),
                _explain_counts({t: r[t] for t in types}, r.get("jc_conclusie")),
            ])
        return Table(id="tabel-hotspots", caption="Gebieden met het grootste aandeel adressen met een vlag",
                     headers=["Naam", "Code", "Adressen", "Vlaggen", "Aandeel met vlag", "Uitleg"],
                     rows=rows, numeric=[False, False, True, True, True, False])
    if gebieden is None or gebieden.empty or "aandeel_met_vlag" not in gebieden:
        return None
    niveau = area_levels(gebieden)[-1]
    part = pd.DataFrame(gebieden[gebieden["niveau"].astype(str) == niveau])
    part = part[pd.to_numeric(part.get("aantal_vlaggen", 0), errors="coerce").fillna(0) > 0]
    if part.empty:
        return None
    part = part.sort_values(["aandeel_met_vlag", "code"], ascending=[False, True]).head(top)
    adressen, vlaggen = layers.get("adressen"), layers.get("vlaggen")
    explanations = [_explain_area(code, niveau, adressen, vlaggen) for code in part["code"]]
    part = part.assign(_uitleg=explanations)
    return frame_table(
        part, id="tabel-hotspots", caption=f"Gebieden ({niveau}) met het grootste aandeel adressen met een vlag",
        columns=["naam", "code", "aantal_adressen", "aantal_vlaggen", "aandeel_met_vlag", "_uitleg"],
        labels={"_uitleg": "Uitleg", "naam": "Naam"}, formats={"aandeel_met_vlag": fmt_pct},
    )


def _explain_area(code: str, niveau: str, adressen: pd.DataFrame | None, vlaggen: pd.DataFrame | None) -> str:
    col = f"{niveau}_code"
    if adressen is None or vlaggen is None or vlaggen.empty or col not in adressen or "vlag" not in vlaggen:
        return "–"
    ids = set(adressen.loc[adressen[col] == code, "adres_id"].astype(str))
    inside = vlaggen["adres_id"].astype(str).isin(ids)
    if "buur_adres_id" in vlaggen:
        inside |= vlaggen["buur_adres_id"].astype(str).isin(ids)
    return _explain_counts(vlaggen.loc[inside, "vlag"].astype(str).value_counts().to_dict())


#: Hot spots listed first in the report (all are in brandhaarden.csv and plan.gpkg).
TOP_HOT_SPOTS = 10


def hot_spot_table(hot_spots: pd.DataFrame | None, *, top: int = TOP_HOT_SPOTS) -> Table | None:
    """The most severe hot spots, each with its explanation and suggested action below it."""
    if hot_spots is None or hot_spots.empty or "ernst" not in hot_spots:
        return None
    h = pd.DataFrame(hot_spots).sort_values(["ernst", "rang"], ascending=[False, True]).head(top)
    rows, details = [], []
    for _, r in h.iterrows():
        where = " ".join(str(v) for v in (r.get("straat"), r.get("huisnummers")) if isinstance(v, str) and v)
        rows.append([
            fmt_int(r.get("rang")), where or "–", str(r.get("woonplaats") or "–"), str(r.get("gebied_code") or "–"),
            fmt_int(r.get("adressen")), fmt_num(r.get("ernst")), ACTION_SHORT.get(str(r.get("actie")), "–"),
        ])
        details.append(str(r.get("toelichting") or ""))
    return Table(
        id="tabel-brandhaarden",
        caption=f"De {fmt_int(len(h))} ernstigste brandhaarden (van {fmt_int(len(hot_spots))})",
        headers=["Rang", "Straat en huisnummers", "Woonplaats", "Gebied", "Woningen", "Ernst", "Voorstel"],
        rows=rows, numeric=[True, False, False, False, True, True, False], details=details,
        note="Ernst = woningen × (1 + verschil in uitkomst in stappen + fasen verschil / 3,5 + 1 als identieke "
        "woningen een andere uitkomst kregen). Alle brandhaarden staan in brandhaarden.csv en in plan.gpkg "
        "(laag brandhaarden).",
    )


def significance_table(flag_summary: pd.DataFrame | None) -> Table | None:
    """Areas that are significantly unequal after the Benjamini–Hochberg correction."""
    if not _is_area_summary(flag_summary) or "jc_significant" not in flag_summary:
        return None
    fs = pd.DataFrame(flag_summary)
    tested = fs["jc_q"].notna()
    sig = fs[fs["jc_significant"].fillna(False).astype(bool)].sort_values(["jc_q", "gebied_code"])
    rows = [[str(r["gebied_naam"]) if pd.notna(r.get("gebied_naam")) else "–", str(r["gebied_code"]),
             fmt_num(r["jc_p"], decimals=3), fmt_num(r["jc_q"], decimals=3), fmt_int(r.get("brandhaarden", 0))]
            for _, r in sig.iterrows()]
    if not rows:
        rows = [["Geen enkel gebied", "–", "–", "–", "–"]]
    return Table(
        id="tabel-significant",
        caption=f"Significant ongelijke gebieden: {fmt_int(len(sig))} van {fmt_int(int(tested.sum()))} getoetste",
        headers=["Naam", "Code", "p-waarde", "p na correctie", "Brandhaarden"],
        rows=rows, numeric=[False, False, True, True, True],
        note="Join-count-toets per gebied: liggen de adressen die voorop lopen vaker naast elkaar dan toeval geeft? "
        "Omdat veel gebieden tegelijk getoetst worden, zijn de p-waarden gecorrigeerd voor meervoudig toetsen "
        "(Benjamini–Hochberg); significant = na correctie onder 5% en meer buren-voorlopers dan verwacht.",
    )


def flag_table(flag_summary: pd.DataFrame | None, vlaggen: pd.DataFrame | None) -> Table | None:
    """Flags per kind with what the kind means (totals over all areas)."""
    counts: dict[str, int] = {}
    if _is_area_summary(flag_summary):
        counts = {t: int(pd.to_numeric(flag_summary[t], errors="coerce").fillna(0).sum())
                  for t in _type_columns(flag_summary)}
    elif flag_summary is not None and not flag_summary.empty and "vlag" in flag_summary and "aantal" in flag_summary:
        counts = {str(k): int(v) for k, v in zip(flag_summary["vlag"], flag_summary["aantal"])}
    elif vlaggen is not None and not vlaggen.empty and "vlag" in vlaggen:
        counts = {str(k): int(v) for k, v in vlaggen["vlag"].astype(str).value_counts().sort_index().items()}
    if not counts:
        return None
    order = {k: i for i, k in enumerate(FLAG_DESCRIPTIONS)}
    rows = [[k.replace("_", " "), FLAG_DESCRIPTIONS.get(k, "–"), fmt_int(v)]
            for k, v in sorted(counts.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))]
    return Table(id="tabel-vlaggen", caption="Vlaggen per soort", headers=["Soort vlag", "Betekenis", "Aantal"],
                 rows=rows, numeric=[False, False, True])


# --------------------------------------------------------------------------- damage × strengthening


def cooperation_table(matrix: pd.DataFrame | None, adressen: pd.DataFrame | None) -> Table | None:
    """NCG phase × IMG status matrix (given, or counted from the addresses)."""
    if matrix is None or matrix.empty:
        if adressen is None or "ncg_fase" not in adressen or "img_status" not in adressen:
            return None
        matrix = pd.crosstab(adressen["ncg_fase"].astype("string").fillna("niet in programma"),
                             adressen["img_status"].astype("string").fillna("onbekend"))
        matrix.index.name = "ncg_fase"
    frame = pd.DataFrame(matrix)
    first = frame.index.name or "ncg_fase"
    frame = frame.reset_index().rename(columns={"index": first})
    frame.columns = [str(c) for c in frame.columns]
    frame[first] = frame[first].astype(str)
    order = {f: i for i, f in enumerate(NCG_FASEN)}
    order["totaal"] = 999
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
