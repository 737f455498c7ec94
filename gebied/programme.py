"""The NCG programme as a list without coordinates, joined onto addresses by BAG id.

NCG hands the programme over as a table with ``adres_id`` (the BAG id) and status columns
(``ncg_fase``, ``risicoprofiel``, ``uitkomst``, ``img_status``, …). Its columns are checked
against the data contract and joined onto the addresses (for example read from the BAG);
addresses not in the list stay outside the programme (``ncg_fase`` empty).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from gebied.errors import GebiedError, GebiedWarning, Problem
from gebied.io import read_csv_text
from gebied.validate import check_columns

#: Row numbers listed in full in the warning about unknown ids; the rest are counted.
LISTED = 20


def read_programme(path: str | os.PathLike) -> pd.DataFrame:
    """Read and check a programme list (CSV, ``adres_id`` + status columns).

    Returns
    -------
    pandas.DataFrame
        The checked columns and ``rij``, the line number in the file (header is line 1).
    """
    file = Path(path)
    if not file.is_file():
        raise GebiedError("programmabestand niet gevonden", file=str(file))
    df = read_csv_text(file)
    df = df.rename(columns={c: c.lower() for c in df.columns})
    if "adres_id" not in df.columns:
        raise GebiedError(
            "verplichte kolom 'adres_id' ontbreekt in het programma",
            file=str(file),
            column="adres_id",
            problems=[Problem(f"gevonden kolommen: {', '.join(map(str, df.columns))}")],
        )
    for coord in ("x", "y", "lon", "lat", "geometry"):
        df = df.drop(columns=coord, errors="ignore")  # the BAG gives the position
    ids = df["adres_id"].astype("string").str.strip()
    ids = ids.mask(ids == "", pd.NA)
    rows = np.arange(len(df)) + 2
    empty = ids.isna().to_numpy()
    if empty.any():
        raise GebiedError(
            "adres_id is leeg", file=str(file), column="adres_id", row=int(rows[empty][0]),
            problems=[Problem("adres_id is leeg", row=int(r), column="adres_id") for r in rows[empty][1:]],
        )
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        raise GebiedError(
            f"adres_id komt meer dan eens voor in het programma ({int(dup.sum())} rijen)",
            file=str(file),
            column="adres_id",
            problems=[Problem(f"adres_id '{ids.iloc[i]}' is dubbel", row=int(rows[i]), column="adres_id") for i in np.flatnonzero(dup)],
        )
    df["adres_id"] = ids
    df = check_columns(df, file=str(file), first_row=2)
    df["rij"] = rows
    return df


def join_programme(addresses: gpd.GeoDataFrame, programme: pd.DataFrame, *, file: str | None = None) -> gpd.GeoDataFrame:
    """Put the programme's columns onto the addresses by ``adres_id``.

    Programme values replace the address file's own values of the same column. Ids that are
    not among the addresses are listed (with their line numbers) in a warning; when none of
    them is found the ids are of another kind and that is an error.
    """
    known = programme["adres_id"].isin(addresses["adres_id"]).to_numpy()
    if not known.any():
        raise GebiedError(
            "geen enkel adres_id uit het programma komt voor in de adressen binnen de gebieden; "
            "gebruikt het programma BAG-id's van verblijfsobjecten (16 cijfers)?",
            file=file,
            column="adres_id",
        )
    missing = programme.loc[~known, ["rij", "adres_id"]]
    if len(missing):
        listed = ", ".join(f"rij {r} ({i})" for r, i in missing.head(LISTED).itertuples(index=False))
        more = f" en nog {len(missing) - LISTED}" if len(missing) > LISTED else ""
        warnings.warn(
            GebiedWarning(
                f"bestand {file}: {len(missing)} adres_id('s) uit het programma niet gevonden in de adressen "
                f"binnen de gebieden: {listed}{more}"
            ),
            stacklevel=2,
        )
    columns = [c for c in programme.columns if c not in ("adres_id", "rij")]
    table = programme.set_index("adres_id")[columns]
    out = addresses.drop(columns=[c for c in columns if c in addresses.columns])
    matched = table.reindex(out["adres_id"].to_numpy())
    for col in columns:
        out[col] = matched[col].to_numpy() if not isinstance(matched[col].dtype, pd.api.extensions.ExtensionDtype) else matched[col].array
    return out


def unknown_ids(addresses: pd.DataFrame, programme: pd.DataFrame) -> pd.DataFrame:
    """The programme rows (``rij``, ``adres_id``) whose id is not among the addresses."""
    return programme.loc[~programme["adres_id"].isin(addresses["adres_id"]), ["rij", "adres_id"]].reset_index(drop=True)
