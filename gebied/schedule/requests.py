"""Reserved capacity and requests: inspections on request and re-assessments.

A request (``verzoeken`` CSV) is an ``opname_op_verzoek`` (an opname, then its
beoordeling) or a ``herbeoordeling`` (a beoordeling) for an address, asked on a date. The
requests are served before the programme, earliest request first, each stage in the first
period with room; the plan uses what is left, and never the reserved capacity (a fixed
amount per stage and period kept free for requests that are not known yet).

A request is on time when it is served (its last stage done) at most ``termijn`` periods
after the period of its date (``wachttijd`` ≤ ``termijn``; a date before the start of the
plan counts as period 1).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from gebied.codes import STAGES
from gebied.errors import GebiedError, GebiedWarning
from gebied.io import read_csv_text
from gebied.neighbours import address_coordinates
from gebied.periods import date_period
from gebied.schedule.model import SCALE

#: Kinds of request and the stages each needs.
REQUEST_STAGES: dict[str, tuple[int, ...]] = {"opname_op_verzoek": (0, 1), "herbeoordeling": (1,)}
#: A request by coordinates belongs to the nearest address within this distance (metres).
MATCH_DISTANCE = 25.0


@dataclass
class RequestPlan:
    """Served requests (``table``) and the capacity they use per period (``used``)."""

    table: pd.DataFrame
    used: np.ndarray
    target: int


def reserve_table(reserve: Mapping[str, float], horizon: int) -> np.ndarray:
    """Reserved capacity as a (horizon, 3) array in hundredths (constant per period)."""
    unknown = [k for k in reserve if k not in STAGES]
    if unknown:
        raise GebiedError(f"onbekende fase '{unknown[0]}' in de reserve; kies uit {', '.join(STAGES)}", column="reserve")
    row = np.array([int(round(float(reserve.get(s, 0)) * SCALE)) for s in STAGES], dtype=np.int64)
    if (row < 0).any():
        raise GebiedError("de reserve moet per fase 0 of meer zijn", column="reserve")
    return np.tile(row, (max(horizon, 1), 1))


def read_requests(path: str | os.PathLike, addresses: pd.DataFrame, *, start: str, periode: str) -> pd.DataFrame:
    """Read and check a requests CSV: ``adres_id`` or ``x``/``y`` (RD), ``soort``, ``datum``.

    Returns ``rij``, ``adres_id`` (empty when no address lies within 25 m of the
    coordinates), ``soort``, ``datum`` and ``verzoek_periode``.
    """
    path = Path(path)
    if not path.exists():
        raise GebiedError("bestand niet gevonden", file=str(path))
    raw = read_csv_text(path)
    by_id = "adres_id" in raw.columns
    if not by_id and not {"x", "y"} <= set(raw.columns):
        raise GebiedError("kolom 'adres_id' of de kolommen 'x' en 'y' ontbreken", file=str(path))
    for col in ("soort", "datum"):
        if col not in raw.columns:
            raise GebiedError(f"kolom '{col}' ontbreekt", file=str(path), column=col)
    known = set(addresses["adres_id"].astype(str)) if "adres_id" in addresses.columns else set()
    tree = None
    rows = []
    for k, rec in enumerate(raw.to_dict("records")):
        line = k + 2
        soort = str(rec["soort"]).strip()
        if soort not in REQUEST_STAGES:
            raise GebiedError(f"soort '{soort}' is onbekend; kies uit {', '.join(REQUEST_STAGES)}", file=str(path), row=line, column="soort")
        try:
            number = date_period(str(rec["datum"]).strip(), start=start, periode=periode)
        except ValueError:
            raise GebiedError(f"'{rec['datum']}' is geen datum (JJJJ-MM-DD)", file=str(path), row=line, column="datum") from None
        ident = str(rec.get("adres_id", "") or "").strip() if by_id else ""
        if ident:
            if ident not in known:
                raise GebiedError(f"adres_id '{ident}' komt niet voor in het adresbestand", file=str(path), row=line, column="adres_id")
        else:
            try:
                point = [float(str(rec[c]).replace(",", ".")) for c in ("x", "y")]
            except (KeyError, ValueError):
                raise GebiedError("geen adres_id en geen geldige x en y", file=str(path), row=line, column="x") from None
            if tree is None and len(addresses):
                tree = cKDTree(address_coordinates(addresses))
            if tree is not None:
                dist, pos = tree.query(point)
                if dist <= MATCH_DISTANCE:
                    ident = str(addresses["adres_id"].iloc[int(pos)])
        rows.append({"rij": line, "adres_id": ident, "soort": soort, "datum": str(rec["datum"]).strip(), "verzoek_periode": number})
    return pd.DataFrame(rows, columns=["rij", "adres_id", "soort", "datum", "verzoek_periode"])


def plan_requests(
    requests: pd.DataFrame | str | os.PathLike,
    addresses: pd.DataFrame,
    cap: np.ndarray,
    reserve: np.ndarray | None,
    *,
    start: str,
    periode: str,
    target: int,
) -> RequestPlan:
    """Serve the requests in capacity ``cap`` (hundredths), earliest request first.

    Returns the served requests with ``opname_periode``, ``beoordeling_periode``,
    ``afgehandeld_periode``, ``wachttijd`` and ``binnen_termijn``, and the capacity used.
    """
    if target < 0:
        raise GebiedError(f"de termijn voor verzoeken ({target}) moet 0 of meer perioden zijn", column="verzoek_termijn")
    table = requests if isinstance(requests, pd.DataFrame) else read_requests(requests, addresses, start=start, periode=periode)
    table = table.sort_values(["verzoek_periode", "rij"], kind="stable").reset_index(drop=True)
    remaining = cap.copy()
    used = np.zeros_like(cap)
    periods = np.zeros((len(table), 2), dtype=np.int64)
    for k, rec in enumerate(table.itertuples()):
        t = max(int(rec.verzoek_periode), 1)
        for s in REQUEST_STAGES[rec.soort]:
            hits = np.flatnonzero(remaining[t - 1 :, s] >= SCALE)
            if not len(hits):
                raise GebiedError("de verzoeken passen niet binnen de horizon; verhoog de capaciteit", column="verzoeken")
            t = t + int(hits[0])
            remaining[t - 1, s] -= SCALE
            used[t - 1, s] += SCALE
            periods[k, s] = t
            t += 1
    out = table.copy()
    out["opname_periode"] = pd.array(np.where(periods[:, 0] > 0, periods[:, 0], 0), dtype="Int64")
    out.loc[periods[:, 0] == 0, "opname_periode"] = pd.NA
    out["beoordeling_periode"] = pd.array(periods[:, 1], dtype="Int64")
    out["afgehandeld_periode"] = out["beoordeling_periode"]
    arrival = np.maximum(out["verzoek_periode"].to_numpy(int), 1)
    out["wachttijd"] = pd.array(periods[:, 1] - arrival, dtype="Int64")
    out["binnen_termijn"] = out["wachttijd"].to_numpy(int) <= target
    late = int((~out["binnen_termijn"]).sum())
    if late:
        warnings.warn(
            GebiedWarning(f"{late} verzoek(en) niet binnen de termijn van {target} perioden; verhoog de reserve of de capaciteit"),
            stacklevel=2,
        )
    last = int(periods.max(initial=0))
    return RequestPlan(table=out, used=used[: max(last, 1)], target=target)


def request_metrics(plan: RequestPlan | None) -> dict[str, float]:
    """Metrics of the requests: count, mean and largest ``wachttijd``, share on time."""
    if plan is None or plan.table.empty:
        return {}
    wait = plan.table["wachttijd"].to_numpy(float)
    return {
        "verzoeken": int(len(wait)),
        "verzoek_wachttijd_gemiddeld": float(wait.mean()),
        "verzoek_wachttijd_max": int(wait.max()),
        "verzoeken_binnen_termijn": float(plan.table["binnen_termijn"].mean()),
    }
