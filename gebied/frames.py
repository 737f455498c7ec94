"""Small shared rules for tables: columns, the most common value per group, Dutch numbers.

- columns: :func:`require_column`, :func:`string_column`, :func:`text_column`,
  :func:`area_level`, :func:`is_missing`;
- most common value per group, ties to the smallest value, missing values not counted:
  :func:`ranked_counts` and :func:`mode_per_group`;
- Dutch numbers (``12.345``, ``12,5``, ``12,5%``; ``–`` when missing): :func:`fmt_int`,
  :func:`fmt_num`, :func:`fmt_pct`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from gebied.errors import GebiedError

#: Shown for a missing number.
MISSING = "–"


# --------------------------------------------------------------------------- columns


def require_column(frame: pd.DataFrame, column: str, *, file: str | None = None) -> None:
    """Raise a Dutch GebiedError when ``column`` is missing."""
    if column not in frame.columns:
        shown = ", ".join(str(c) for c in frame.columns if c != "geometry")
        raise GebiedError(
            f"kolom '{column}' ontbreekt; beschikbare kolommen: {shown}", file=file, column=column
        )


def string_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as pandas ``string`` (all NA when absent)."""
    if column not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return frame[column].astype("string")


def text_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as pandas ``string``, stripped, with empty text as NA (all NA when absent)."""
    if column not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    s = frame[column].astype("string").str.strip()
    return s.mask(s == "")


def area_level(column: str) -> str:
    """The area level an area column holds: ``buurt_code`` → ``buurt``; other names as they are."""
    return column.removesuffix("_code")


def is_missing(value: object) -> bool:
    """True for None, NaN, NA and empty strings."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- mode per group


def ranked_counts(values: pd.Series | np.ndarray, keys: pd.Series | np.ndarray) -> pd.DataFrame:
    """How often each value occurs per key, most common first (ties: smallest value first).

    Rows where the key or the value is missing are not counted.

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``value``, ``n``; sorted by key, then ``n`` descending, then value.
    """
    df = pd.DataFrame({"key": np.asarray(keys), "value": np.asarray(values)})
    counts = df.value_counts().reset_index(name="n")
    return counts.sort_values(["key", "n", "value"], ascending=[True, False, True])


def mode_per_group(values: pd.Series | np.ndarray, keys: pd.Series | np.ndarray) -> pd.Series:
    """The most common value per key (ties: the smallest value; missing values not counted).

    Returns
    -------
    pandas.Series
        Indexed by key; keys without any value are absent (an empty object Series when none).
    """
    counts = ranked_counts(values, keys)
    if counts.empty:
        return pd.Series(dtype=object)
    return counts.drop_duplicates("key").set_index("key")["value"]


# --------------------------------------------------------------------------- Dutch numbers


def fmt_int(value: object) -> str:
    """Integer with a Dutch thousands separator (``12.345``); ``–`` when missing."""
    if is_missing(value):
        return MISSING
    return f"{round(float(value)):,}".replace(",", ".")  # type: ignore[arg-type]


def fmt_num(value: object, *, decimals: int = 1) -> str:
    """Number with a decimal comma and Dutch thousands separator; ``–`` when missing."""
    if is_missing(value):
        return MISSING
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(x):
        return MISSING
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def fmt_pct(value: object, *, decimals: int = 1) -> str:
    """Share 0–1 as a Dutch percentage (``12,5%``); ``–`` when missing."""
    if is_missing(value):
        return MISSING
    return fmt_num(float(value) * 100, decimals=decimals) + "%"  # type: ignore[arg-type]
