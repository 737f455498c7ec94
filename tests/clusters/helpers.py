"""Small hand-built address tables for the cluster tests."""

from __future__ import annotations

import warnings

import pandas as pd

from gebied.validate import validate_addresses

X0, Y0 = 230000.0, 580000.0


def frame(rows: list[dict]) -> "pd.DataFrame":
    """Validated addresses from dicts with at least x, y (metres from an origin in Groningen).

    Missing ``adres_id`` gets a running number, missing ``ncg_fase`` becomes ``2.1``.
    """
    df = pd.DataFrame(rows)
    if "adres_id" not in df.columns:
        df["adres_id"] = [f"A{i:05d}" for i in range(len(df))]
    if "ncg_fase" not in df.columns:
        df["ncg_fase"] = "2.1"
    df["x"] = df["x"].astype(float) + X0
    df["y"] = df["y"].astype(float) + Y0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return validate_addresses(df)


def grid(nx: int, ny: int, *, step: float = 10.0, area: str = "B1", **extra) -> list[dict]:
    """Rows for an nx × ny grid of homes, one area."""
    return [
        {"x": i * step, "y": j * step, "gebied": area, **extra}
        for i in range(nx)
        for j in range(ny)
    ]


def sizes(clustered) -> pd.Series:
    return clustered.dropna(subset=["cluster_id"]).groupby("cluster_id").size()
