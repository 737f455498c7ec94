"""`gebied publiek-toets` on the real demo plan: every public source agrees with the
publication table, no hidden cell can be computed back, and a planted leak is caught."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
import pytest

from gebied.io import read_csv_text
from gebied.privacy import COUNTS


def _toets(folder):
    return subprocess.run([sys.executable, "-m", "gebied", "publiek-toets", str(folder)], capture_output=True, text=True, timeout=600)


def test_demo_plan_passes_the_audit(demo_plan):
    run = _toets(demo_plan)
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    assert "Geslaagd" in out
    for source in ("api zonder sleutel", "publiek.csv", "kaart_publiek.html", "rapport.html"):
        n = int(re.search(rf"{re.escape(source)} \((\d+) cijfers\)", out).group(1))
        assert n > 100, (source, n)
    hidden = int(re.search(r"(\d+) afgeschermde cellen", out).group(1))
    assert hidden > 0


def test_one_address_buurt_is_not_public(demo_plan):
    """The leak of BU99011003 (1 address): no public unit has fewer addresses than the threshold."""
    table = read_csv_text(demo_plan / "publiek.csv")
    sizes = pd.to_numeric(table["aantal_adressen"], errors="coerce")
    assert (sizes.dropna() >= 10).all()
    assert not (table["code"] == "BU99011003").any()


def _plant(folder, where: str) -> None:
    table = read_csv_text(folder / "publiek.csv")
    row = next(r for _, r in table.iterrows() if r["afgeschermd"])
    code, col = row["code"], row["afgeschermd"].split(", ")[0]
    if where == "csv":
        table.loc[table["code"] == code, col] = "7"
        table.to_csv(folder / "publiek.csv", index=False)
    else:
        html = (folder / "kaart_publiek.html").read_text(encoding="utf-8")
        pattern = re.compile(r'("code":"' + re.escape(code) + r'","cijfers":\{[^}]*"' + re.escape(col) + r'":)null')
        assert pattern.search(html), "the map carries no cijfers for this unit"
        (folder / "kaart_publiek.html").write_text(pattern.sub(r"\g<1>7", html, count=1), encoding="utf-8")


@pytest.mark.parametrize("where", ["csv", "kaart"])
def test_a_planted_leak_is_caught(demo_plan_copy, where):
    _plant(demo_plan_copy, where)
    run = _toets(demo_plan_copy)
    assert run.returncode == 3, run.stdout + run.stderr
    assert "Lek:" in run.stdout and "afgeschermd" in run.stdout


def test_public_table_columns_are_the_counts(demo_plan):
    table = read_csv_text(demo_plan / "publiek.csv")
    assert set(COUNTS) <= set(table.columns)
    assert table["code"].iloc[-1] == "totaal"
    assert json.dumps(list(table.columns), ensure_ascii=False)
