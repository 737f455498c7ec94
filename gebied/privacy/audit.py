"""The attacker's audit of a published table (statistical disclosure control).

For every hidden cell an attacker who holds everything that is published solves two linear
programmes: the smallest and the largest value of the cell that is consistent with the
published cells, the identities between them (a total is the sum of its parts) and the
bounds (a part is at most its whole). This is the audit that tau-ARGUS and sdcTable's
``attack()`` perform; here it runs on scipy's HiGHS (:func:`scipy.optimize.linprog`).

A table passes when no hidden cell is pinned to one value and every hidden small count
(1 … threshold − 1) keeps an interval at least ``threshold`` wide. The attacker knows that a
hidden cell is not zero (zeros are published as 0).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

#: A cell of a table: (row label, column label).
Cell = tuple[Hashable, Hashable]
#: Below this an interval counts as a single value (LP tolerance).
PINNED = 1e-6


@dataclass
class Sum:
    """An identity the attacker knows: ``total`` equals the sum of ``parts``."""

    total: Cell
    parts: Sequence[Cell]


@dataclass
class Structure:
    """What an attacker knows about a table besides its published cells."""

    sums: list[Sum] = field(default_factory=list)
    #: ``(part, whole)``: the part is at most the whole.
    at_most: list[tuple[Cell, Cell]] = field(default_factory=list)


def _index(values: pd.DataFrame) -> dict[Cell, int]:
    return {(r, c): i for i, (r, c) in enumerate((r, c) for r in values.index for c in values.columns)}


def intervals(
    values: pd.DataFrame, hidden: pd.DataFrame, structure: Structure, *, cells: Sequence[Cell] | None = None
) -> pd.DataFrame:
    """The interval an attacker derives for every hidden cell (or for the hidden ``cells`` given).

    Parameters
    ----------
    values
        The true counts (rows × columns, integers ≥ 0).
    hidden
        Booleans of the same shape: True where the cell is not published.
    structure
        The identities and bounds between cells that are public knowledge.

    Returns
    -------
    pandas.DataFrame
        One row per hidden cell: ``rij``, ``kolom``, ``waarde`` (true value), ``onder`` and
        ``boven`` (the attacker's bounds; ``boven`` may be ``inf``).
    """
    index = _index(values)
    n = len(index)
    flat = values.to_numpy(dtype=float).ravel()
    hid = hidden.reindex_like(values).fillna(False).to_numpy(dtype=bool).ravel()
    lower = np.where(hid, np.where(flat > 0, 1.0, 0.0), flat)
    upper = np.where(hid, np.inf, flat)
    rows, cols, data = [], [], []
    for k, s in enumerate(structure.sums):
        rows.append(k), cols.append(index[s.total]), data.append(1.0)
        for part in s.parts:
            rows.append(k), cols.append(index[part]), data.append(-1.0)
    a_eq = coo_matrix((data, (rows, cols)), shape=(len(structure.sums), n)).tocsr() if structure.sums else None
    rows, cols, data = [], [], []
    for k, (part, whole) in enumerate(structure.at_most):
        rows += [k, k]
        cols += [index[part], index[whole]]
        data += [1.0, -1.0]
    a_ub = coo_matrix((data, (rows, cols)), shape=(len(structure.at_most), n)).tocsr() if structure.at_most else None
    bounds = np.column_stack([lower, upper])
    out = []
    wanted = np.flatnonzero(hid) if cells is None else [index[c] for c in cells if hid[index[c]]]
    cells = list(index)
    for i in wanted:
        found = []
        for sign in (1.0, -1.0):
            c = np.zeros(n)
            c[i] = sign
            res = linprog(
                c,
                A_ub=a_ub,
                b_ub=np.zeros(a_ub.shape[0]) if a_ub is not None else None,
                A_eq=a_eq,
                b_eq=np.zeros(a_eq.shape[0]) if a_eq is not None else None,
                bounds=bounds,
                method="highs",
            )
            if res.status == 3:  # unbounded
                found.append(np.inf if sign < 0 else -np.inf)
            elif res.status != 0:
                raise RuntimeError(f"audit-LP niet opgelost voor cel {cells[i]}: {res.message}")
            else:
                found.append(float(res.fun) * sign)
        row, col = cells[i]
        out.append({"rij": row, "kolom": col, "waarde": flat[i], "onder": found[0], "boven": found[1]})
    return pd.DataFrame(out, columns=["rij", "kolom", "waarde", "onder", "boven"])


def failures(found: pd.DataFrame, *, threshold: int) -> pd.DataFrame:
    """The hidden cells an attacker can pin, or narrow below ``threshold`` for a small count.

    Adds a column ``reden`` (Dutch): ``vastgepind`` or ``interval te smal``.
    """
    width = found["boven"] - found["onder"]
    pinned = width < PINNED
    small = (found["waarde"] > 0) & (found["waarde"] < threshold)
    narrow = small & (width < threshold) & ~pinned
    out = found[pinned | narrow].copy()
    out["reden"] = np.where(pinned[pinned | narrow], "vastgepind", "interval te smal")
    return out.reset_index(drop=True)
