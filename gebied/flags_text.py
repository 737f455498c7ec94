"""Dutch explanations (``toelichting``) of inequality flags, written for residents."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gebied.codes import NCG_FASE_OMSCHRIJVING, NCG_FASEN

#: What happens to a home with this outcome, as the end of a Dutch sentence.
OUTCOME_PHRASE: dict[int, str] = {
    0: "hoeft niet versterkt te worden",
    1: "wordt versterkt",
    2: "wordt gesloopt en opnieuw gebouwd",
}


def _text(addresses: pd.DataFrame, column: str, positions: np.ndarray) -> np.ndarray:
    if column not in addresses.columns:
        return np.full(positions.size, "", dtype=object)
    s = addresses[column].iloc[positions].astype("string").fillna("")
    return s.to_numpy(object)


def address_labels(addresses: pd.DataFrame, positions: np.ndarray) -> np.ndarray:
    """Readable labels (``Straat 12a``, else ``adres <id>``) for all rows; filled at ``positions``."""
    labels = np.full(len(addresses), "", dtype=object)
    positions = np.asarray(positions, dtype=np.int64)
    if positions.size == 0:
        return labels
    street = _text(addresses, "straat", positions)
    number = _text(addresses, "huisnummer", positions)
    letter = _text(addresses, "huisletter", positions)
    suffix = _text(addresses, "toevoeging", positions)
    ids = _text(addresses, "adres_id", positions)
    out = []
    for s, n, lt, t, i in zip(street, number, letter, suffix, ids, strict=True):
        if s and n:
            out.append(f"{s} {n}{lt}{'-' + t if t else ''}")
        else:
            out.append(f"adres {i}")
    labels[positions] = out
    return labels


def _where(d: float, pand: bool) -> str:
    return "in hetzelfde gebouw" if pand else f"op {d:.0f} m afstand"


def _phase(k: int) -> str:
    fase = NCG_FASEN[k]
    if fase == "gereed":
        return "al klaar (gereed)"
    return f"in fase {fase} ({NCG_FASE_OMSCHRIJVING[fase]})"


def explain(
    block: dict, addresses: pd.DataFrame, arr: dict[str, np.ndarray], labels: np.ndarray, *, distance: float
) -> list[str]:
    """One Dutch ``toelichting`` per row of a flag block (see ``gebied.flags.pair_rules``)."""
    a, b, d, pand = block["a"], block["b"], block["d"], block["pand"]
    if a.size == 0:
        return []
    kind = block["vlag"]
    typ = _text(addresses, "typologie", a)
    year = arr["year"]
    la, lb = labels[a], labels[b]
    if kind == "uitkomst_verschil":
        out = arr["outcome"]
        texts = []
        for k in range(a.size):
            ya, yb = year[a[k]], year[b[k]]
            years = ""
            if not (np.isnan(ya) or np.isnan(yb)):
                years = f", bouwjaar {int(ya)}" if ya == yb else f", bouwjaar {int(ya)} en {int(yb)}"
            texts.append(
                f"{la[k]} {OUTCOME_PHRASE[out[a[k]]]}, maar {lb[k]} {OUTCOME_PHRASE[out[b[k]]]}. "
                f"Het is hetzelfde type woning ({typ[k]}{years}), {_where(d[k], pand[k])}."
            )
        return texts
    if kind == "tempo_verschil":
        ph = arr["phase"]
        return [
            f"{la[k]} staat nog {_phase(ph[a[k]])}, terwijl {lb[k]} {_where(d[k], pand[k])} "
            f"{_phase(ph[b[k]])} is: {ph[b[k]] - ph[a[k]]} stappen verschil in de versterking."
            for k in range(a.size)
        ]
    if kind == "buiten_programma":
        out = arr["outcome"]
        count = block["aantal"]
        texts = []
        for k in range(a.size):
            more = (
                f" In totaal krijgen {count[k]} buren van hetzelfde type (binnen {distance:.0f} m of in "
                "hetzelfde gebouw) versterking of sloop en nieuwbouw."
                if count[k] > 1
                else ""
            )
            texts.append(
                f"{la[k]} valt buiten het versterkingsprogramma, terwijl {lb[k]} {_where(d[k], pand[k])}, "
                f"hetzelfde type woning ({typ[k]}), {OUTCOME_PHRASE[out[b[k]]]}.{more}"
            )
        return texts
    if kind == "regime_verschil":
        ba, bb = _text(addresses, "batch", a), _text(addresses, "batch", b)
        return [
            f"{la[k]} en {lb[k]} zijn hetzelfde type woning ({typ[k]}), {_where(d[k], pand[k])}, maar "
            f"vallen in verschillende batches ({ba[k]} en {bb[k]}) en kunnen daardoor met andere regels "
            "en een ander tempo te maken krijgen."
            for k in range(a.size)
        ]
    raise ValueError(f"unknown flag type {kind!r}")
