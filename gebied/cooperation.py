"""Damage × strengthening: NCG × IMG cooperation groups and signal lists (see docs/begrippen.md).

A cooperation group applies to an address with a running dossier at both NCG (``ncg_fase``
set and not ``gereed``) and IMG (``img_status`` voorbereiding, opname, zienswijze or
beschikking):

A  NCG 1.2 with IMG running (unlikely)
B  NCG 2.1 with IMG voorbereiding/opname (joint inspection possible)
C  NCG 2.1 with IMG zienswijze/beschikking (unlikely, would delay)
D  NCG 3.1 (limited, need unclear)
E  NCG 4.1/4.2 (possible: include damage repair in the works plan)
F  NCG 5.1/5.2 (unlikely, contract signed)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gebied.codes import IMG_LOPEND, IMG_STATUSSEN, NCG_FASE_OMSCHRIJVING, NCG_FASEN
from gebied.frames import string_column

GROEPEN: dict[str, str] = {
    "A": "NCG 1.2 met lopend IMG-dossier: samenwerking onwaarschijnlijk",
    "B": "NCG 2.1 met IMG voorbereiding/opname: gezamenlijke opname mogelijk",
    "C": "NCG 2.1 met IMG zienswijze/beschikking: samenwerking onwaarschijnlijk, zou vertragen",
    "D": "NCG 3.1: beperkt, behoefte onduidelijk",
    "E": "NCG 4.1/4.2: schadeherstel meenemen in het uitvoeringsplan",
    "F": "NCG 5.1/5.2: onwaarschijnlijk, contract getekend",
}

NOT_IN_PROGRAMME = "niet in programma"
UNKNOWN = "onbekend"

SIGNAL_TEXT: dict[str, str] = {
    "melding_uitnodigen": (
        "In het versterkingsprogramma zonder schademelding bij het IMG: nodig de bewoners uit "
        "om schade te melden voordat de werkzaamheden beginnen."
    ),
    "gezamenlijke_opname": (
        "Groep B: de NCG plant de opname en het IMG-dossier is in voorbereiding of opname; "
        "een gezamenlijke opname is mogelijk."
    ),
    "schadeherstel_in_uitvoeringsplan": (
        "Groep E: planvorming of uitvoeringsplan bij de NCG met een lopend IMG-dossier; "
        "neem het schadeherstel mee in het uitvoeringsplan."
    ),
}


def cooperation_groups(addresses: pd.DataFrame) -> pd.Series:
    """The cooperation group A–F per address (``<NA>`` without a running dossier at both)."""
    fase = string_column(addresses, "ncg_fase")
    img = string_column(addresses, "img_status")
    running = img.isin(IMG_LOPEND).fillna(False).to_numpy(bool)
    f = fase.fillna("").to_numpy(object)
    early_img = img.isin(("voorbereiding", "opname")).fillna(False).to_numpy(bool)
    conditions = [
        f == "1.2",
        (f == "2.1") & early_img,
        (f == "2.1") & ~early_img,
        f == "3.1",
        np.isin(f, ("4.1", "4.2")),
        np.isin(f, ("5.1", "5.2")),
    ]
    group = np.select(conditions, list("ABCDEF"), default="")
    group = np.where(running, group, "")
    out = pd.Series(group, index=addresses.index, dtype="string", name="samenwerkingsgroep")
    return out.mask(out == "", pd.NA)


def cooperation(addresses: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``addresses`` with the column ``samenwerkingsgroep`` (A–F or empty) added."""
    out = addresses.copy()
    out["samenwerkingsgroep"] = cooperation_groups(addresses)
    return out


def cooperation_matrix(addresses: pd.DataFrame) -> pd.DataFrame:
    """Counts of addresses per NCG phase (rows) × IMG status (columns), with totals.

    Rows follow the chain order, then ``niet in programma``; columns follow the IMG order,
    then ``onbekend`` when some status is empty; a ``totaal`` row and column close it.
    """
    fase = string_column(addresses, "ncg_fase").fillna(NOT_IN_PROGRAMME)
    img = string_column(addresses, "img_status").fillna(UNKNOWN)
    table = pd.crosstab(fase, img)
    rows = [*NCG_FASEN, NOT_IN_PROGRAMME]
    cols = [*IMG_STATUSSEN] + ([UNKNOWN] if UNKNOWN in table.columns else [])
    table = table.reindex(index=rows, columns=cols, fill_value=0).astype(np.int64)
    table["totaal"] = table.sum(axis=1)
    table.loc["totaal"] = table.sum(axis=0)
    table.index.name = "ncg_fase"
    table.columns.name = "img_status"
    return table


def damage_shares(addresses: pd.DataFrame) -> pd.DataFrame:
    """Damage status of programme addresses: no report, closed, running (and unknown).

    Returns
    -------
    pandas.DataFrame
        Index ``geen_melding``, ``afgehandeld``, ``lopend`` (IMG voorbereiding … beschikking)
        and ``onbekend`` (empty status); columns ``aantal`` and ``aandeel`` (0–1) among the
        addresses in the programme (``ncg_fase`` set).
    """
    in_prog = string_column(addresses, "ncg_fase").notna()
    img = string_column(addresses, "img_status")[in_prog]
    category = img.where(~img.isin(IMG_LOPEND), "lopend").fillna(UNKNOWN)
    counts = category.value_counts().reindex(["geen_melding", "afgehandeld", "lopend", UNKNOWN], fill_value=0)
    total = int(in_prog.sum())
    out = pd.DataFrame({"aantal": counts.astype(np.int64)})
    out["aandeel"] = out["aantal"] / total if total else np.nan
    out.index.name = "schadestatus"
    return out


def _signal_frame(addresses: pd.DataFrame, mask: pd.Series, key: str) -> pd.DataFrame:
    keep = [
        c
        for c in addresses.columns
        if c
        in ("adres_id", "pand_id", "straat", "huisnummer", "huisletter", "toevoeging", "postcode", "woonplaats",
            "ncg_fase", "uitkomst", "img_status", "samenwerkingsgroep", "batch", "risicoprofiel")
        or str(c).endswith(("_code", "_naam"))
    ]
    geometry = getattr(addresses, "_geometry_column_name", None)
    if geometry in addresses.columns:
        keep.append(geometry)
    out = addresses.loc[mask.to_numpy(bool), keep].copy()
    out["fase_omschrijving"] = out["ncg_fase"].map(NCG_FASE_OMSCHRIJVING).astype("string")
    out["toelichting"] = pd.Series(SIGNAL_TEXT[key], index=out.index, dtype="string")
    return out.reset_index(drop=True)


def signal_lists(addresses: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The three signal lists of damage × strengthening.

    Returns
    -------
    dict
        ``melding_uitnodigen``: programme addresses (not yet gereed) with IMG ``geen_melding``,
        furthest along the chain first (works start soonest);
        ``gezamenlijke_opname``: group B; ``schadeherstel_in_uitvoeringsplan``: group E.
    """
    with_group = cooperation(addresses)
    for col in ("ncg_fase", "img_status"):
        if col not in with_group.columns:
            with_group[col] = pd.Series(pd.NA, index=with_group.index, dtype="string")
    fase = with_group["ncg_fase"].astype("string")
    img = with_group["img_status"].astype("string")
    group = with_group["samenwerkingsgroep"]
    invite = fase.notna() & (fase != "gereed") & (img == "geen_melding")
    lists = {
        "melding_uitnodigen": _signal_frame(with_group, invite.fillna(False), "melding_uitnodigen"),
        "gezamenlijke_opname": _signal_frame(with_group, (group == "B").fillna(False), "gezamenlijke_opname"),
        "schadeherstel_in_uitvoeringsplan": _signal_frame(
            with_group, (group == "E").fillna(False), "schadeherstel_in_uitvoeringsplan"
        ),
    }
    rank = {f: k for k, f in enumerate(NCG_FASEN)}
    first = lists["melding_uitnodigen"]
    order = np.argsort(-first["ncg_fase"].map(rank).to_numpy(float), kind="stable")
    lists["melding_uitnodigen"] = first.iloc[order].reset_index(drop=True)
    return lists
