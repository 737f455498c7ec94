"""An internal error (any exception that is not a GebiedError) through the real `python -m gebied`:
exit code 1 with a Dutch message and no traceback; with GEBIED_DEBUG=1 the traceback is printed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

GOOD = "adres_id,x,y,ncg_fase\nA1,250010,590010,2.1\nA2,250150,590020,\n"

#: Runs `python -m gebied controleer FILE` with one library function replaced by one that fails.
BROKEN = """
import runpy, sys
import gebied.cli.steps as steps

assert hasattr(steps, "read_addresses"), "gebied.cli.steps.read_addresses bestaat niet meer"

def kapotte_functie(*args, **kwargs):
    raise RuntimeError("bibliotheek stuk")

steps.read_addresses = kapotte_functie
sys.argv = ["gebied", "controleer", sys.argv[1]]
runpy.run_module("gebied", run_name="__main__", alter_sys=True)
"""


def run_broken(tmp_path, debug: str | None) -> subprocess.CompletedProcess:
    src = tmp_path / "adressen.csv"
    src.write_text(GOOD, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "GEBIED_DEBUG"}
    if debug is not None:
        env["GEBIED_DEBUG"] = debug
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-c", BROKEN, str(src)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)


def test_the_same_file_passes_without_the_broken_function(tmp_path):
    src = tmp_path / "adressen.csv"
    src.write_text(GOOD, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gebied", "controleer", str(src)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("debug", [None, ""])
def test_internal_error_exits_1_without_traceback(tmp_path, debug):
    proc = run_broken(tmp_path, debug)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "Interne fout: RuntimeError: bibliotheek stuk" in proc.stderr
    assert "fout in gebied zelf" in proc.stderr
    assert "Traceback" not in out and "kapotte_functie" not in out


def test_gebied_debug_prints_the_traceback(tmp_path):
    proc = run_broken(tmp_path, "1")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Interne fout: RuntimeError: bibliotheek stuk" in proc.stderr
    assert "Traceback" in proc.stderr
    traceback = proc.stderr.split("Traceback", 1)[1]
    assert "kapotte_functie" in traceback and "RuntimeError: bibliotheek stuk" in traceback  # where it failed
