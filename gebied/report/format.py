"""Labels, cell formatting and the table model of the report (Dutch numbers: :mod:`gebied.frames`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from gebied.codes import NCG_FASE_OMSCHRIJVING
from gebied.frames import fmt_int, fmt_num, is_missing

#: Dutch labels of metric keys of the strategy comparison (unknown keys are shown raw).
METRIC_LABELS: dict[str, str] = {
    "adressen": "Ingeplande adressen",
    "adressen_P50": "Ingeplande P50-adressen",
    "gereed_gemiddeld_P50": "P50-adressen gereed, gemiddelde periode",
    "gereed_p90_P50": "P50-adressen gereed, 90e percentiel (periode)",
    "gereed_gemiddeld": "Alle adressen gereed, gemiddelde periode",
    "gereed_p90": "Alle adressen gereed, 90e percentiel (periode)",
    "p50_gereed_gemiddeld": "P50-adressen gereed, gemiddelde periode",
    "p50_gereed_p90": "P50-adressen gereed, 90e percentiel (periode)",
    "alle_gereed_gemiddeld": "Alle adressen gereed, gemiddelde periode",
    "alle_gereed_p90": "Alle adressen gereed, 90e percentiel (periode)",
    "buurparen": "Buurparen (binnen de buurafstand)",
    "buur_ongelijkheid": "Ongelijkheid tussen buren (gemiddeld verschil, perioden)",
    "buren_ongelijkheid": "Ongelijkheid tussen buren (gemiddeld verschil, perioden)",
    "buurparen_incl_gereed": "Buurparen, inclusief al gereed",
    "buur_ongelijkheid_incl_gereed": "Ongelijkheid tussen buren, inclusief al gereed (perioden)",
    "grootste_stuwmeer": "Grootste stuwmeer (adressen)",
    "grootste_voorraad": "Grootste stuwmeer (adressen)",
    "laatste_periode": "Laatste periode van het plan",
    "aandeel_vol_opname": "Aandeel perioden met volle capaciteit: opname",
    "aandeel_vol_beoordeling": "Aandeel perioden met volle capaciteit: beoordeling",
    "aandeel_vol_uitvoering": "Aandeel perioden met volle capaciteit: uitvoering",
    "aandeel_volle_capaciteit": "Aandeel perioden met volle capaciteit",
    "werk_aandeel_onbekend": "Aangenomen aandeel met bouwwerk (uitkomst onbekend)",
}

#: Metrics measured in periods (shown together in the strategy chart).
PERIOD_METRICS: tuple[str, ...] = (
    "gereed_gemiddeld_P50", "gereed_p90_P50", "gereed_gemiddeld", "gereed_p90",
    "p50_gereed_gemiddeld", "p50_gereed_p90", "alle_gereed_gemiddeld", "alle_gereed_p90",
)

#: Dutch labels of signal keys (damage × strengthening).
SIGNAL_LABELS: dict[str, str] = {
    "gezamenlijke_opname": "Gezamenlijke opname mogelijk (groep B)",
    "schadeherstel_in_plan": "Schadeherstel meenemen in uitvoeringsplan (groep E)",
    "schadeherstel_in_uitvoeringsplan": "Schadeherstel meenemen in uitvoeringsplan (groep E)",
    "melding_uitnodigen": "In versterking zonder schademelding: uitnodigen om schade te melden",
    "lopend_beide": "Lopend dossier bij NCG en IMG",
    "schade_zonder_versterking": "Lopende schademelding, niet in versterking",
    "versterking_zonder_schade": "In versterking, geen schademelding",
}

#: Cooperation groups NCG × IMG (docs/begrippen.md).
SAMENWERKINGSGROEPEN: dict[str, str] = {
    "A": "NCG 1.2 met lopend IMG-dossier (samenwerking onwaarschijnlijk)",
    "B": "NCG 2.1 met IMG voorbereiding/opname (gezamenlijke opname mogelijk)",
    "C": "NCG 2.1 met IMG zienswijze/beschikking (onwaarschijnlijk, zou vertragen)",
    "D": "NCG 3.1 (beperkt, behoefte onduidelijk)",
    "E": "NCG 4.1/4.2 (mogelijk: schadeherstel meenemen in uitvoeringsplan)",
    "F": "NCG 5.1/5.2 (onwaarschijnlijk, contract getekend)",
}

#: Dutch labels of column names used in generic tables.
COLUMN_LABELS: dict[str, str] = {
    "plaats": "Plaats",
    "woonplaats": "Woonplaats",
    "gemeente": "Gemeente",
    "gemeente_code": "Gemeente",
    "gemeente_naam": "Gemeente",
    "niveau": "Niveau",
    "code": "Code",
    "naam": "Naam",
    "planningsniveau": "Gekozen planningsniveau",
    "toelichting": "Toelichting",
    "reden": "Reden",
    "aantal": "Aantal",
    "aantal_adressen": "Adressen",
    "in_programma": "In programma",
    "gereed": "Gereed",
    "aandeel_gereed": "Aandeel gereed",
    "aantal_vlaggen": "Vlaggen",
    "aandeel_met_vlag": "Aandeel met vlag",
    "vlag": "Soort vlag",
    "ernst": "Ernst",
    "start_periode": "Start",
    "gereed_periode": "Gereed",
    "aandeel_tussen_straten": "Verschil tussen straten",
    "gebied_code": "Gebied",
    "adressen_met_vlag": "Adressen met vlag",
    "jc_p": "p-waarde",
    "jc_conclusie": "Ruimtelijke samenhang",
    "uitkomst_verschil": "Andere uitkomst",
    "tempo_verschil": "Ander tempo",
    "buiten_programma": "Buiten programma",
    "regime_verschil": "Andere regeling",
    "aantal_gebieden": "Aantal gebieden",
    "strategie": "Strategie",
    "ncg_fase": "NCG-fase",
    "img_status": "IMG-status",
    "samenwerkingsgroep": "Groep",
}


def fmt_value(value: object) -> str:
    """Any cell value: integers and floats in Dutch notation, text as is."""
    if is_missing(value):
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int) or (hasattr(value, "is_integer") and float(value).is_integer()):
        try:
            return fmt_int(value)
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, float) or hasattr(value, "dtype"):
        try:
            return fmt_num(value, decimals=2)
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def fase_label(fase: str) -> str:
    """``5.2 bouw uitvoeren`` style label of an NCG phase."""
    text = NCG_FASE_OMSCHRIJVING.get(str(fase))
    if text is None or fase == "gereed":
        return str(fase)
    return f"{fase} {text}"


def column_label(column: str) -> str:
    """Dutch label of a column name; the raw name with underscores as spaces otherwise."""
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column]
    if column.startswith("fase_"):
        return "Fase " + column[5:]
    if column.startswith("uitkomst_"):
        return column[9:].replace("_", " ").capitalize()
    return column.replace("_", " ").capitalize()


@dataclass
class Table:
    """A rendered table: Dutch headers, formatted cells, per column alignment."""

    id: str
    caption: str
    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool] = field(default_factory=list)
    note: str = ""
    nowrap: list[bool] = field(default_factory=list)
    #: optional text per row, shown full width below that row (e.g. an explanation)
    details: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.numeric:
            self.numeric = [False] * len(self.headers)
        if not self.nowrap:
            # short text columns (codes, ids, statuses) must not break inside a word
            self.nowrap = [
                not num and all(len(row[i]) <= 16 and " " not in row[i] for row in self.rows)
                for i, num in enumerate(self.numeric)
            ]


def frame_table(
    frame: pd.DataFrame,
    *,
    id: str,
    caption: str,
    columns: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    formats: Mapping[str, object] | None = None,
    note: str = "",
    max_columns: int = 9,
) -> Table:
    """Turn a frame into a :class:`Table`, formatting each column.

    ``formats`` maps a column to a function value → str; numeric columns default to
    Dutch integers or decimals, other columns to text. Geometry is dropped and at most
    ``max_columns`` columns are shown, so that the table fits an A4 page.
    """
    frame = pd.DataFrame(frame)
    frame = frame[[c for c in frame.columns if c != "geometry"]]
    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns][:max_columns]
    labels = dict(labels or {})
    formats = dict(formats or {})
    headers = [labels.get(c, column_label(str(c))) for c in cols]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]) for c in cols]
    rows: list[list[str]] = []
    for record in frame[cols].itertuples(index=False, name=None):
        row = []
        for c, v, is_num in zip(cols, record, numeric):
            fn = formats.get(c)
            if fn is not None:
                row.append(fn(v))  # type: ignore[operator]
            elif is_num:
                row.append(fmt_value(v))
            else:
                row.append("–" if is_missing(v) else str(v))
        rows.append(row)
    return Table(id=id, caption=caption, headers=headers, rows=rows, numeric=numeric, note=note)
