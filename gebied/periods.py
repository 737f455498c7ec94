"""Period numbers and their labels (1 is the first period of the plan).

Labels: ``2027-K1`` (kwartaal), ``2027-03`` (maand), ``2027-H1`` (halfjaar), ``2027`` (jaar).
"""

from __future__ import annotations

import datetime
import re

import pandas as pd

from gebied.errors import GebiedError

#: Periods per year for each period kind.
PER_JAAR: dict[str, int] = {"maand": 12, "kwartaal": 4, "halfjaar": 2, "jaar": 1}

_PATTERNS: dict[str, re.Pattern[str]] = {
    "kwartaal": re.compile(r"^(\d{4})-?K([1-4])$", re.IGNORECASE),
    "maand": re.compile(r"^(\d{4})-(0?[1-9]|1[0-2])$"),
    "halfjaar": re.compile(r"^(\d{4})-?H([12])$", re.IGNORECASE),
    "jaar": re.compile(r"^(\d{4})$"),
}


def check_periode(periode: str) -> str:
    """Return ``periode`` if it is a known period kind, else raise a Dutch GebiedError."""
    if periode not in PER_JAAR:
        raise GebiedError(
            f"onbekende periode '{periode}'; kies uit {', '.join(PER_JAAR)}", column="periode"
        )
    return periode


def _split(label: str, periode: str) -> tuple[int, int]:
    """(year, index within year, 0-based) of a label."""
    m = _PATTERNS[check_periode(periode)].match(str(label).strip())
    if not m:
        voorbeeld = {"kwartaal": "2027-K1", "maand": "2027-01", "halfjaar": "2027-H1", "jaar": "2027"}
        raise GebiedError(
            f"'{label}' is geen geldige {periode}-aanduiding (verwacht bijvoorbeeld {voorbeeld[periode]})"
        )
    year = int(m.group(1))
    sub = int(m.group(2)) - 1 if periode != "jaar" else 0
    return year, sub


def period_label(i: int, *, start: str = "2027-K1", periode: str = "kwartaal") -> str:
    """Label of period ``i`` (1-based) of a plan that starts at ``start``.

    Parameters
    ----------
    i
        Period number, 1 is the first period of the plan.
    start
        Label of period 1, in the notation of ``periode``.
    periode
        ``maand``, ``kwartaal``, ``halfjaar`` or ``jaar``.
    """
    n = PER_JAAR[check_periode(periode)]
    year, sub = _split(start, periode)
    k = year * n + sub + int(i) - 1
    y, s = divmod(k, n)
    if periode == "kwartaal":
        return f"{y}-K{s + 1}"
    if periode == "maand":
        return f"{y}-{s + 1:02d}"
    if periode == "halfjaar":
        return f"{y}-H{s + 1}"
    return f"{y}"


def period_number(value: object, *, start: str = "2027-K1", periode: str = "kwartaal") -> int:
    """Period number (1-based) of a label such as ``2027-K3`` or of an integer.

    Raises
    ------
    GebiedError
        When the value is neither a positive integer nor a label at or after ``start``.
    """
    text = str(value).strip()
    if re.fullmatch(r"\d+", text) and not (periode == "jaar" and len(text) == 4):
        number = int(text)
    else:
        n = PER_JAAR[check_periode(periode)]
        y0, s0 = _split(start, periode)
        y, s = _split(text, periode)
        number = (y * n + s) - (y0 * n + s0) + 1
    if number < 1:
        raise GebiedError(f"periode '{value}' ligt vóór de startperiode {start}")
    return number


def date_period(value: str, *, start: str = "2027-K1", periode: str = "kwartaal") -> int:
    """Period number of a date ``JJJJ-MM-DD`` (0 or less for a date before ``start``).

    Raises
    ------
    ValueError
        When ``value`` is not an ISO date.
    """
    day = datetime.date.fromisoformat(str(value).strip())
    n = PER_JAAR[check_periode(periode)]
    y0, s0 = _split(start, periode)
    return (day.year * n + (day.month - 1) * n // 12) - (y0 * n + s0) + 1


def period_labels(planning: pd.DataFrame | None) -> dict[int, str]:
    """Period number → label from a ``planning`` table (``periode``, ``periode_label``); empty when absent."""
    if planning is None or planning.empty or "periode" not in planning:
        return {}
    labels = planning["periode_label"] if "periode_label" in planning else pd.Series(pd.NA, index=planning.index)
    return {
        int(p): (str(label) if pd.notna(label) else f"periode {int(p)}")
        for p, label in zip(planning["periode"], labels, strict=True)
        if pd.notna(p)
    }
