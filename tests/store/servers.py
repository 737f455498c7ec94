"""Real processes for the store tests: `gebied server` and `gebied plan` (no tests here)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def source_args(*, plan: Path | None = None, database: str | None = None) -> list[str]:
    """``--plan`` or ``--database`` for `gebied server`."""
    return ["--database", database] if database else ["--plan", str(plan)]


@contextlib.contextmanager
def server(source: list[str], keys: Path, *, timeout: float = 120.0):
    """`python -m gebied server` on a free loopback port; yields (base URL, process)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "gebied", "server", *source, "--poort", str(port), "--sleutels", str(keys)],
        cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                if httpx.get(base + "/gezondheid", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError("server startte niet: " + (proc.stdout.read() if proc.stdout else ""))
            time.sleep(0.2)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def run_plan(inputs: Path, out: Path, *, database: str | None = None) -> subprocess.Popen:
    """Start `gebied plan` on the test inputs (returns the running process)."""
    g = inputs / "gebieden.gpkg"
    args = [sys.executable, "-m", "gebied", "plan", str(inputs / "adressen.csv"), "-g", f"gemeente={g}#gemeente",
            "-g", f"buurt={g}#buurt", "--uit", str(out), "--geen-pdf", "--doorstroom", "geen"]
    if database:
        args += ["--database", database]
    return subprocess.Popen(args, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(proc: subprocess.Popen, *, timeout: float = 600) -> str:
    """Wait for a `gebied plan` process; its output (raises when it failed)."""
    out, _ = proc.communicate(timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"gebied plan faalde ({proc.returncode}):\n{out}")
    return out
