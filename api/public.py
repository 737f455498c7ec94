"""Public aggregates: small counts suppressed, as on the public map.

Rule shared with the public map: a count from 1 up to ``drempel - 1`` becomes the string
``"< drempel"`` (e.g. ``"< 10"``); a share whose numerator or denominator is suppressed
becomes null. Zero stays zero (it reveals no home).
"""

from __future__ import annotations

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
    for share, parts in SHARES.items():
        if share in out and any(p in hidden for p in parts):
            out[share] = None
            hidden.add(share)
    if "aandeel_met_vlag" in out and "aantal_vlaggen" in hidden:
        out["aandeel_met_vlag"] = None
    out["onderdrukt"] = bool(hidden)
    return out
