"""Dutch explanations (``toelichting``) of inequality flags, written for residents."""

from __future__ import annotations

from itertools import repeat

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
    """Column values at ``positions`` as an object array of str ("" for empty)."""
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
    full = (street + " " + number + letter + np.where(suffix != "", "-" + suffix, "")).astype(object)
    out = np.where((street != "") & (number != ""), full, ("adres " + ids).astype(object))
    labels[positions] = out
    return labels


def _obj(values) -> np.ndarray:
    return np.asarray(values, dtype=object)


def _cat(*parts) -> np.ndarray:
    """Element-wise concatenation of object arrays of str and plain strings.

    One ``str.join`` per row (no intermediate string per part); plain strings repeat.
    """
    arrays = [k for k, part in enumerate(parts) if isinstance(part, np.ndarray)]
    if not arrays:
        return _obj(["".join(parts)])
    n = len(parts[arrays[0]])
    columns = [part.tolist() if isinstance(part, np.ndarray) else repeat(part, n) for part in parts]
    out = np.empty(n, dtype=object)
    out[:] = ["".join(row) for row in zip(*columns, strict=False)]
    return out


def _where(d: np.ndarray, pand: np.ndarray) -> np.ndarray:
    metres, inverse = np.unique(np.round(d).astype(np.int64), return_inverse=True)  # few distinct values
    phrases = _obj([f"op {m} m afstand" for m in metres.tolist()])[inverse.ravel()]
    return np.where(pand, _obj(["in hetzelfde gebouw"]), phrases)


#: Where an address stands in the chain, per phase index.
PHASE_PHRASE = _obj(
    [f"in fase {f} ({NCG_FASE_OMSCHRIJVING[f]})" if f != "gereed" else "al klaar (gereed)" for f in NCG_FASEN]
)
OUTCOME_ARRAY = _obj([OUTCOME_PHRASE[k] for k in range(3)])


def explain(
    block: dict, addresses: pd.DataFrame, arr: dict[str, np.ndarray], labels: np.ndarray, *, distance: float
) -> list[str]:
    """One Dutch ``toelichting`` per row of a flag block (see ``gebied.flags.pair_rules``)."""
    a, b, d, pand = block["a"], block["b"], block["d"], block["pand"]
    if a.size == 0:
        return []
    kind = block["vlag"]
    typ = _obj(_text(addresses, "typologie", a))
    la, lb = _obj(labels[a]), _obj(labels[b])
    where = _where(d, pand)
    if kind == "uitkomst_verschil":
        out, year = arr["outcome"], arr["year"]
        ya, yb = year[a], year[b]
        known = ~(np.isnan(ya) | np.isnan(yb))
        sa = _obj(np.nan_to_num(ya).astype(np.int64).astype(str))
        sb = _obj(np.nan_to_num(yb).astype(np.int64).astype(str))
        years = np.where(known, np.where(ya == yb, _cat(", bouwjaar ", sa), _cat(", bouwjaar ", sa, " en ", sb)), "")
        texts = _cat(
            la, " ", OUTCOME_ARRAY[out[a]], ", maar ", lb, " ", OUTCOME_ARRAY[out[b]],
            ". Het is hetzelfde type woning (", typ, years.astype(object), "), ", where, ".",
        )
    elif kind == "tempo_verschil":
        ph = arr["phase"]
        steps = _obj((ph[b] - ph[a]).astype(str))
        texts = _cat(
            la, " staat nog ", PHASE_PHRASE[ph[a]], ", terwijl ", lb, " ", where, " ", PHASE_PHRASE[ph[b]],
            " is: ", steps, " stappen verschil in de versterking.",
        )
    elif kind == "buiten_programma":
        out = arr["outcome"]
        count = block["aantal"]
        more = np.where(
            count > 1,
            _cat(
                " In totaal krijgen ", _obj(count.astype(str)),
                f" buren van hetzelfde type (binnen {distance:.0f} m of in hetzelfde gebouw) "
                "versterking of sloop en nieuwbouw.",
            ),
            "",
        ).astype(object)
        texts = _cat(
            la, " valt buiten het versterkingsprogramma, terwijl ", lb, " ", where,
            ", hetzelfde type woning (", typ, "), ", OUTCOME_ARRAY[out[b]], ".", more,
        )
    elif kind == "regime_verschil":
        ba = _obj(_text(addresses, "batch", a))
        bb = _obj(_text(addresses, "batch", b))
        texts = _cat(
            la, " en ", lb, " zijn hetzelfde type woning (", typ, "), ", where,
            ", maar vallen in verschillende batches (", ba, " en ", bb,
            ") en kunnen daardoor met andere regels en een ander tempo te maken krijgen.",
        )
    else:
        raise ValueError(f"unknown flag type {kind!r}")
    return texts.tolist()
