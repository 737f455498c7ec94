"""Counts per code column for summaries of an address table."""

from __future__ import annotations

import pandas as pd

from gebied.codes import CODE_COLUMNS


def code_counts(addresses: pd.DataFrame, column: str) -> pd.DataFrame:
    """Count addresses per value of a code column, in the code's own order.

    Empty values are counted as ``(leeg)``. Returns columns ``waarde``, ``aantal``,
    ``aandeel`` (0–1).
    """
    order = list(CODE_COLUMNS.get(column, ()))
    values = addresses[column].astype("string").fillna("(leeg)") if column in addresses else pd.Series(dtype="string")
    counts = values.value_counts()
    index = [v for v in order if v in counts.index] + sorted(v for v in counts.index if v not in order)
    counts = counts.reindex(index)
    total = int(counts.sum()) or 1
    return pd.DataFrame(
        {"waarde": counts.index.astype(str), "aantal": counts.to_numpy(int), "aandeel": counts.to_numpy() / total}
    )


def summarize(addresses: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Counts per ``risicoprofiel``, ``ncg_fase``, ``uitkomst`` and ``img_status``."""
    return {
        col: code_counts(addresses, col)
        for col in ("risicoprofiel", "ncg_fase", "uitkomst", "img_status")
        if col in addresses.columns
    }
