"""The schedule model: which stages an address still needs, capacity and steering input.

Stages are ``opname`` → ``beoordeling`` → ``uitvoering``; each takes one period and the next
stage of an address starts at the earliest in the following period. Where an address
starts follows its ``ncg_fase``:

==================  ====================================================
ncg_fase            remaining stages
==================  ====================================================
1.2, 2.1            opname, beoordeling, uitvoering (if works)
3.1                 beoordeling, uitvoering (if works)
4.1, 4.2, 5.1, 5.2  uitvoering (if works)
gereed              none (``gereed_periode`` 0: done before the plan)
==================  ====================================================

Works are needed for ``uitkomst`` versterken or sloop_nieuwbouw, not for geen_maatregelen;
for an unknown outcome the address reserves an expected share of a works slot
(``werk_verwacht``, by default the share of works among the known outcomes in the data).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gebied.codes import STAGES
from gebied.errors import GebiedError, GebiedWarning, Problem
from gebied.frames import string_column
from gebied.io import read_csv_text
from gebied.periods import period_number

#: First remaining stage (index into STAGES) per ncg_fase; 3 = nothing left.
FIRST_STAGE: dict[str, int] = {
    "1.2": 0, "2.1": 0, "3.1": 1, "4.1": 2, "4.2": 2, "5.1": 2, "5.2": 2, "gereed": 3,
}
WORKS = ("versterken", "sloop_nieuwbouw")
NO_WORKS = ("geen_maatregelen",)
#: Fallback share of works when the data hold no known outcome.
DEFAULT_WORKS_SHARE = 0.5
#: Loads are integers in hundredths of an address (CP-SAT works in integers).
SCALE = 100


@dataclass
class Population:
    """The addresses to schedule, as positional arrays over the input rows.

    ``index`` holds the input row positions in the population; ``needs`` is an
    (n, 3) boolean array of remaining stages; ``load`` an (n, 3) integer array of
    capacity use in hundredths (works use ``werk_verwacht``).
    """

    index: np.ndarray
    cluster: np.ndarray
    needs: np.ndarray
    load: np.ndarray
    werk: np.ndarray
    p50: np.ndarray
    risk_rank: np.ndarray
    batch: np.ndarray
    xy: np.ndarray
    done: np.ndarray
    works_share: float
    pand: np.ndarray


def works_share_from_data(addresses: pd.DataFrame) -> float:
    """Share of works among addresses with a known outcome (versterken/sloop vs geen)."""
    if "uitkomst" not in addresses.columns:
        return DEFAULT_WORKS_SHARE
    u = addresses["uitkomst"].astype("string")
    works = int(u.isin(WORKS).sum())
    known = works + int(u.isin(NO_WORKS).sum())
    return works / known if known else DEFAULT_WORKS_SHARE


def prepare_population(addresses: pd.DataFrame, *, works_share: float | None = None) -> Population:
    """Select the population (``cluster_id`` and ``ncg_fase`` set) and its remaining stages."""
    for col in ("cluster_id", "ncg_fase"):
        if col not in addresses.columns:
            raise GebiedError(
                f"kolom '{col}' ontbreekt; gebruik de uitvoer van 'gebied cluster'", column=col
            )
    share = works_share_from_data(addresses) if works_share is None else float(works_share)
    if not 0.0 <= share <= 1.0:
        raise GebiedError(f"aandeel werk {share} ligt niet tussen 0 en 1", column="werk_aandeel")
    cluster = addresses["cluster_id"].astype("string")
    fase = addresses["ncg_fase"].astype("string")
    outside = cluster.notna() & fase.isna()
    if outside.any():
        warnings.warn(
            GebiedWarning(
                f"{int(outside.sum())} adres(sen) met een cluster_id maar zonder ncg_fase (niet in "
                "het programma) worden niet ingepland"
            ),
            stacklevel=2,
        )
    mask = (cluster.notna() & fase.notna()).to_numpy()
    idx = np.flatnonzero(mask)
    sub = addresses.iloc[idx]
    first = sub["ncg_fase"].astype(str).map(FIRST_STAGE).to_numpy()
    if np.isnan(first.astype(float)).any():
        raise GebiedError("onbekende ncg_fase in het cluster-bestand", column="ncg_fase")
    first = first.astype(int)
    uitkomst = string_column(sub, "uitkomst")
    werk = np.where(uitkomst.isin(WORKS), 1.0, np.where(uitkomst.isin(NO_WORKS), 0.0, share))
    werk = np.round(werk * SCALE) / SCALE
    needs = np.zeros((len(idx), 3), dtype=bool)
    needs[:, 0] = first <= 0
    needs[:, 1] = first <= 1
    needs[:, 2] = (first <= 2) & (werk > 0)
    load = np.zeros((len(idx), 3), dtype=np.int64)
    load[:, 0] = needs[:, 0] * SCALE
    load[:, 1] = needs[:, 1] * SCALE
    load[:, 2] = np.where(needs[:, 2], np.round(werk * SCALE), 0).astype(np.int64)
    risk = sub["risicoprofiel"].astype("string") if "risicoprofiel" in sub.columns else None
    order = {"P50": 0, "P90": 1, "overig": 2, "onbekend": 3}
    rank = np.full(len(idx), 3) if risk is None else risk.map(order).fillna(3).astype(int).to_numpy()
    batch = (
        sub["batch"].astype("string").fillna("\uffff").to_numpy(dtype=object)
        if "batch" in sub.columns
        else np.full(len(idx), "\uffff", dtype=object)
    )
    geom = sub.geometry if hasattr(sub, "geometry") else None
    xy = np.c_[geom.x.to_numpy(), geom.y.to_numpy()] if geom is not None else np.zeros((len(idx), 2))
    return Population(
        index=idx,
        cluster=sub["cluster_id"].astype(str).to_numpy(dtype=object),
        needs=needs,
        load=load,
        werk=np.where(needs[:, 2], werk, 0.0),
        p50=rank == 0,
        risk_rank=rank,
        batch=batch,
        xy=xy,
        done=first >= 3,
        works_share=share,
        pand=(
            sub["pand_id"].astype("string").fillna("").to_numpy(dtype=object)
            if "pand_id" in sub.columns
            else np.full(len(idx), "", dtype=object)
        ),
    )


# --------------------------------------------------------------------------- capacity


def capacity_table(capacity: Mapping[str, float] | pd.DataFrame, horizon: int) -> np.ndarray:
    """Capacity per period as a (horizon, 3) integer array in hundredths of an address.

    A dict gives a constant capacity; a table with ``periode`` (number) and the stage
    columns gives capacity from that period on (the last row holds afterwards).
    """
    if isinstance(capacity, pd.DataFrame):
        table = capacity.sort_values("periode")
        out = np.zeros((horizon, 3), dtype=np.int64)
        periods = table["periode"].astype(int).to_numpy()
        if periods[0] != 1:
            raise GebiedError("de capaciteitstabel moet bij periode 1 (de startperiode) beginnen", column="periode")
        for k, p in enumerate(periods):
            end = periods[k + 1] - 1 if k + 1 < len(periods) else horizon
            for s, stage in enumerate(STAGES):
                out[p - 1 : end, s] = int(round(float(table[stage].iloc[k]) * SCALE))
        return out
    missing = [s for s in STAGES if s not in capacity]
    if missing:
        raise GebiedError(
            f"capaciteit ontbreekt voor {', '.join(missing)}; geef bijvoorbeeld "
            "opname=400,beoordeling=400,uitvoering=150",
            column="capaciteit",
        )
    unknown = [k for k in capacity if k not in STAGES]
    if unknown:
        raise GebiedError(f"onbekende fase '{unknown[0]}' in de capaciteit; kies uit {', '.join(STAGES)}", column="capaciteit")
    row = np.array([int(round(float(capacity[s]) * SCALE)) for s in STAGES], dtype=np.int64)
    if (row <= 0).any():
        raise GebiedError("capaciteit moet per fase groter dan 0 zijn", column="capaciteit")
    return np.tile(row, (horizon, 1))


def read_capacity(path: str | Path, *, start: str = "2027-K1", periode: str = "kwartaal") -> pd.DataFrame:
    """Read a capacity CSV (``periode``, ``opname``, ``beoordeling``, ``uitvoering``)."""
    path = Path(path)
    if not path.exists():
        raise GebiedError("bestand niet gevonden", file=str(path))
    raw = read_csv_text(path)
    for col in ("periode", *STAGES):
        if col not in raw.columns:
            raise GebiedError(f"kolom '{col}' ontbreekt", file=str(path), column=col)
    if raw.empty:
        raise GebiedError("het bestand bevat geen rijen", file=str(path))
    rows = []
    for k, rec in enumerate(raw.to_dict("records")):
        line = k + 2
        try:
            p = period_number(rec["periode"], start=start, periode=periode)
        except GebiedError as exc:
            raise GebiedError(exc.message, file=str(path), row=line, column="periode") from None
        vals = {}
        for s in STAGES:
            try:
                v = float(str(rec[s]).replace(",", "."))
            except ValueError:
                raise GebiedError(f"'{rec[s]}' is geen getal", file=str(path), row=line, column=s) from None
            if not np.isfinite(v) or v < 0:
                raise GebiedError(f"capaciteit '{rec[s]}' moet 0 of meer zijn", file=str(path), row=line, column=s)
            vals[s] = v
        rows.append({"periode": p, **vals})
    table = pd.DataFrame(rows)
    dup = table["periode"].duplicated()
    if dup.any():
        raise GebiedError("periode komt dubbel voor", file=str(path), row=int(np.flatnonzero(dup)[0]) + 2, column="periode")
    if table["periode"].min() != 1:
        raise GebiedError(f"de eerste rij moet de startperiode {start} zijn", file=str(path), row=2, column="periode")
    return table.sort_values("periode").reset_index(drop=True)


# --------------------------------------------------------------------------- steering input


def read_fixed(path: str | Path, *, start: str = "2027-K1", periode: str = "kwartaal") -> pd.DataFrame:
    """Read a steering-group file: ``cluster_id`` or ``gebied_code`` with ``prioriteit``
    and/or ``start_periode``.

    Returns a table with ``cluster_id`` or ``gebied_code``, ``prioriteit`` (Int64) and
    ``start_periode`` (Int64, period number), plus ``rij`` (line in the file).
    """
    path = Path(path)
    if not path.exists():
        raise GebiedError("bestand niet gevonden", file=str(path))
    raw = read_csv_text(path)
    key = next((c for c in ("cluster_id", "gebied_code") if c in raw.columns), None)
    if key is None:
        raise GebiedError("kolom 'cluster_id' of 'gebied_code' ontbreekt", file=str(path))
    if "prioriteit" not in raw.columns and "start_periode" not in raw.columns:
        raise GebiedError("kolom 'prioriteit' of 'start_periode' ontbreekt", file=str(path))
    out = []
    problems: list[Problem] = []
    for k, rec in enumerate(raw.to_dict("records")):
        line = k + 2
        ident = str(rec[key]).strip()
        if not ident:
            raise GebiedError(f"lege {key}", file=str(path), row=line, column=key)
        prio = pd.NA
        text = str(rec.get("prioriteit", "") or "").strip()
        if text:
            if not text.isdigit() or int(text) < 1:
                raise GebiedError(f"prioriteit '{text}' is geen geheel getal van 1 of meer", file=str(path), row=line, column="prioriteit")
            prio = int(text)
        begin = pd.NA
        text = str(rec.get("start_periode", "") or "").strip()
        if text:
            try:
                begin = period_number(text, start=start, periode=periode)
            except GebiedError as exc:
                raise GebiedError(exc.message, file=str(path), row=line, column="start_periode") from None
        if prio is pd.NA and begin is pd.NA:
            problems.append(Problem("geen prioriteit en geen start_periode; rij genegeerd", row=line))
        out.append({key: ident, "prioriteit": prio, "start_periode": begin, "rij": line})
    table = pd.DataFrame(out)
    dup = table[key].duplicated()
    if dup.any():
        row = int(table.loc[dup, "rij"].iloc[0])
        raise GebiedError(f"{key} '{table.loc[dup, key].iloc[0]}' komt dubbel voor", file=str(path), row=row, column=key)
    for p in problems:
        warnings.warn(GebiedWarning(p.render(str(path))), stacklevel=2)
    table["prioriteit"] = table["prioriteit"].astype("Int64")
    table["start_periode"] = table["start_periode"].astype("Int64")
    return table
