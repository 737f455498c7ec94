"""Public aggregates: small counts suppressed, as on the public map.

Rule shared with the public map (``gebied.privacy``): a count from 1 up to ``drempel - 1``
becomes the string ``"< drempel"`` (e.g. ``"< 10"``); where that leaves a single hidden phase
that could be computed back from ``in_programma``, the smallest other phase becomes ``"×"``;
a share whose numerator or denominator is suppressed becomes null. Zero stays zero (it
reveals no home).
"""

from __future__ import annotations

import numpy as np

from gebied.codes import NCG_FASEN
from gebied.privacy import SECONDARY, protect

#: A published total and its parts: one hidden part could be computed back by subtraction.
TOTAL_AND_PARTS = ("in_programma", *(f"fase_{f}" for f in NCG_FASEN))

#: Shares and the counts they are built from.
SHARES = {
    "aandeel_gereed": ("gereed", "in_programma"),
    "aandeel_met_vlag": ("aantal_adressen",),
}


def is_count_column(name: str) -> bool:
    """Columns of the gebieden layer that count addresses or flags."""
    return (
        name.startswith(("aantal", "fase_", "uitkomst_", "risico_"))
        or name in ("in_programma", "gereed")
    )


def suppress(record: dict, *, drempel: int) -> dict:
    """A copy of an area record with small counts replaced by ``"< drempel"``."""
    out = dict(record)
    hidden = set()
    label = f"< {drempel}"
    for key, value in record.items():
        if is_count_column(key) and isinstance(value, (int, float)) and not isinstance(value, bool):
            if 0 < value < drempel:
                out[key] = label
                hidden.add(key)
    block = [k for k in TOTAL_AND_PARTS if isinstance(record.get(k), (int, float)) and not isinstance(record.get(k), bool)]
    if len(block) == len(TOTAL_AND_PARTS):
        hide = protect(np.array([[int(record[k]) for k in block]]), drempel)
        for j, key in enumerate(block):
            if hide[0, j] == 2:
                out[key] = SECONDARY
                hidden.add(key)
    for share, parts in SHARES.items():
        if share in out and any(p in hidden for p in parts):
            out[share] = None
            hidden.add(share)
    if "aandeel_met_vlag" in out and "aantal_vlaggen" in hidden:
        out["aandeel_met_vlag"] = None
    out["onderdrukt"] = bool(hidden)
    return out
