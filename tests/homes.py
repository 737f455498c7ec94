"""Hand-built homes for the flag and cooperation tests (no tests here).

Small address tables built through the real validator, and one demo village as input files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from gebied.validate import validate_addresses

#: Origin of the hand-built geometries (a field near Ten Boer, RD New).
X0, Y0 = 246000.0, 587000.0

FIELDS = ("pand_id", "straat", "huisnummer", "bouwjaar", "typologie", "batch", "ncg_fase", "uitkomst", "img_status")


def home(
    adres_id: str,
    x: float,
    y: float,
    *,
    typologie: str | None = "rijwoning",
    bouwjaar: int | None = 1965,
    ncg_fase: str | None = None,
    uitkomst: str | None = None,
    batch: str | None = None,
    pand_id: str | None = None,
    img_status: str | None = "geen_melding",
    straat: str | None = "Dorpsstraat",
    huisnummer: int | None = None,
) -> dict:
    """One address row in local metres (added to the RD origin)."""
    return {
        "adres_id": adres_id,
        "x": str(X0 + x),
        "y": str(Y0 + y),
        "pand_id": pand_id or "",
        "straat": straat or "",
        "huisnummer": "" if huisnummer is None else str(huisnummer),
        "bouwjaar": "" if bouwjaar is None else str(bouwjaar),
        "typologie": typologie or "",
        "batch": batch or "",
        "ncg_fase": ncg_fase or "",
        "uitkomst": uitkomst or "",
        "img_status": img_status or "",
    }


def addresses(rows: list[dict]):
    """Validated GeoDataFrame (EPSG:28992) from ``home`` rows."""
    return validate_addresses(pd.DataFrame(rows, dtype=str), file="test.csv", first_row=2)


def pairs_of(flags, kind: str) -> set[tuple[str, str]]:
    """The (adres_id, buur_adres_id) pairs of one flag type."""
    sub = flags[flags["vlag"] == kind]
    return set(zip(sub["adres_id"], sub["buur_adres_id"], strict=True))


def write_demo_village(folder: Path, name: str = "Ravenwerd") -> Path:
    """One village of the demo region as input files for ``gebied plan``: ``adressen.csv`` and
    ``gebieden.gpkg`` (all demo area layers) in ``folder``."""
    from gebied.demo.region import make_demo_region
    from gebied.io import write_layers, write_table

    layers, addresses = make_demo_region()
    write_table(addresses[addresses["woonplaats"] == name].drop(columns="geometry"), folder / "adressen.csv")
    write_layers(dict(layers), folder / "gebieden.gpkg")
    return folder
