"""Domain codes of the strengthening operation: risk profiles, phases, outcomes, stages."""

from __future__ import annotations

#: The planned stages of the chain, in order (capacity is given per stage).
STAGES: tuple[str, ...] = ("opname", "beoordeling", "uitvoering")

#: Scheduling strategies; the first is the default of ``gebied plan``.
STRATEGIES: tuple[str, ...] = ("plan", "risico", "gebied")

#: Default capacity: addresses per stage per quarter.
DEFAULT_CAPACITY: dict[str, float] = {"opname": 400, "beoordeling": 400, "uitvoering": 150}

#: Default cluster sizes (addresses): hard minimum, hard maximum and preferred size.
MIN_CLUSTER_SIZE, MAX_CLUSTER_SIZE, TARGET_CLUSTER_SIZE = 10, 150, 60

#: Default neighbour distance (m): addresses this close (or in one building) are neighbours.
NEIGHBOUR_DISTANCE = 50.0

#: Default distance (m) within which an address outside every area joins the nearest area.
JOIN_DISTANCE = 50.0

RISICOPROFIELEN: tuple[str, ...] = ("P50", "P90", "overig", "onbekend")

#: NCG phases in chain order; ``gereed`` is the last step.
NCG_FASEN: tuple[str, ...] = ("1.2", "2.1", "3.1", "4.1", "4.2", "5.1", "5.2", "gereed")

NCG_FASE_OMSCHRIJVING: dict[str, str] = {
    "1.2": "in lokaal plan opnemen",
    "2.1": "opname plannen",
    "3.1": "beoordeling opstellen",
    "4.1": "planvorming voorbereiden",
    "4.2": "uitvoeringsplan opstellen",
    "5.1": "bouw voorbereiden",
    "5.2": "bouw uitvoeren",
    "gereed": "gereed",
}

UITKOMSTEN: tuple[str, ...] = ("onbekend", "geen_maatregelen", "versterken", "sloop_nieuwbouw")

IMG_STATUSSEN: tuple[str, ...] = (
    "geen_melding",
    "voorbereiding",
    "opname",
    "zienswijze",
    "beschikking",
    "afgehandeld",
)

#: IMG statuses that count as a running damage dossier.
IMG_LOPEND: tuple[str, ...] = ("voorbereiding", "opname", "zienswijze", "beschikking")

EIGENDOM: tuple[str, ...] = ("koop", "corporatie", "particuliere_huur", "onbekend")

#: Columns with a closed list of values, and the allowed values.
CODE_COLUMNS: dict[str, tuple[str, ...]] = {
    "risicoprofiel": RISICOPROFIELEN,
    "ncg_fase": NCG_FASEN,
    "uitkomst": UITKOMSTEN,
    "img_status": IMG_STATUSSEN,
    "eigendom": EIGENDOM,
}

#: Free-text columns of the data contract.
TEXT_COLUMNS: tuple[str, ...] = (
    "pand_id",
    "straat",
    "huisletter",
    "toevoeging",
    "postcode",
    "woonplaats",
    "typologie",
    "batch",
)

#: Integer columns of the data contract, with their allowed range.
INTEGER_COLUMNS: dict[str, tuple[int, int]] = {
    "huisnummer": (1, 99999),
    "bouwjaar": (1000, 2035),
}


def fase_index(fase: object) -> int | None:
    """Position of an ``ncg_fase`` in the chain (0 for 1.2 … 7 for gereed), or None."""
    try:
        return NCG_FASEN.index(str(fase))
    except ValueError:
        return None
