"""The distribution as users get it: `pip install .` and `pip install -e .` in a fresh venv.

Each install goes into its own venv (``--system-site-packages``, so the dependencies and the
build backend come from this environment: ``--no-deps --no-build-isolation --no-index``), from
a copy of the project files, so that a build never writes into the work tree. Then, from a
folder outside the project, ``import gebied, gebied.maps, gebied.api`` must work, only the
package ``gebied`` may be installed (no generic top-level ``maps`` or ``api``), and the data
files (map scripts, report templates) must be there.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

DATA = {"maps": "static", "report": "templates"}  # gebied.<package>/<folder> with data files

#: Run inside the new venv, from outside the project: what was imported from where, and the data.
PROBE = """
import importlib.resources, importlib.util, json, sys
import gebied, gebied.maps, gebied.api
data = {pkg: sorted(p.name for p in importlib.resources.files("gebied." + pkg).joinpath(folder).iterdir()
                    if p.name != "__pycache__")
        for pkg, folder in json.loads(sys.argv[1]).items()}
js = importlib.resources.files("gebied.maps").joinpath("static", "gebiedkaart.js").read_text(encoding="utf-8")
generic = {}
for name in ("maps", "api"):
    spec = importlib.util.find_spec(name)
    generic[name] = None if spec is None else str(spec.origin or list(spec.submodule_search_locations or []))
print(json.dumps({"gebied": gebied.__file__, "maps": gebied.maps.__file__, "api": gebied.api.__file__,
                  "data": data, "js": len(js), "generic": generic}))
"""


IGNORED = shutil.ignore_patterns(".git", "__pycache__", "*.pyc", "build", "dist", "*.egg-info", ".*cache",
                                 ".hypothesis", ".benchmarks", "artefacten", "uitvoer", "demo_uitvoer")


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A copy of the project as a checkout has it (every file git tracks or would track; no
    caches and no earlier build output), so any top-level folder a build could pick up is there."""
    import setuptools

    assert int(setuptools.__version__.split(".")[0]) >= 68 and importlib.util.find_spec("wheel"), (
        "de build-backend ontbreekt: pip install -e '.[test]' installeert setuptools>=68 en wheel")
    target = tmp_path_factory.mktemp("bron") / "gebied-src"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, cwd=ROOT)
    if listed.returncode != 0:  # not a git checkout: copy the tree without what git would ignore
        shutil.copytree(ROOT, target, ignore=IGNORED)
        return target
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def expected_data(source: Path) -> dict[str, list[str]]:
    return {pkg: sorted(p.name for p in (source / "gebied" / pkg / folder).iterdir() if p.is_file())
            for pkg, folder in DATA.items()}


def install(source: Path, where: Path, *, editable: bool) -> tuple[Path, Path, dict]:
    """A fresh venv with the project installed; returns its python, site-packages and the probe."""
    venv.EnvBuilder(system_site_packages=True, with_pip=False, clear=True).create(where)
    python = where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PIP_USER")}
    args = [str(python), "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
            "--disable-pip-version-check", "-q"]
    args += ["-e", str(source)] if editable else [str(source)]
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=where, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, env=env, check=True).stdout.strip())
    outside = where.parent / f"elders-{where.name}"
    outside.mkdir(exist_ok=True)
    probe = subprocess.run([str(python), "-c", PROBE, json.dumps(DATA)], capture_output=True, text=True,
                           env=env, cwd=outside, timeout=300)
    assert probe.returncode == 0, probe.stderr
    return python, site, json.loads(probe.stdout.strip().splitlines()[-1])


def check_only_gebied(site: Path, source: Path, found: dict) -> None:
    """Nothing but gebied (and its metadata and editable hook) in the venv's site-packages."""
    names = {p.name for p in site.iterdir() if p.name != "__pycache__"}
    assert not names & {"maps", "api", "maps.py", "api.py"}, sorted(names)
    assert all(n == "gebied" or n.startswith(("gebied-", "__editable__")) for n in names), sorted(names)
    [dist] = site.glob("gebied-*.dist-info")
    record = [line.split(",", 1)[0] for line in (dist / "RECORD").read_text().splitlines() if line]
    tops = {r.split("/", 1)[0] for r in record if not r.startswith("..")}  # ../../../bin/gebied: the script
    assert all(t in ("gebied", dist.name, "__pycache__") or t.startswith("__editable__") for t in tops), sorted(tops)
    if (dist / "top_level.txt").exists():
        assert (dist / "top_level.txt").read_text().split() == ["gebied"]
    for name, origin in found["generic"].items():
        # another project's `maps`/`api` elsewhere on the system is fine, but not one from ours
        assert origin is None or (str(site) not in origin and str(source) not in origin), (name, origin)


def test_pip_install_puts_only_gebied_in_site_packages(source, tmp_path):
    python, site, found = install(source, tmp_path / "venv", editable=False)
    for key in ("gebied", "maps", "api"):
        assert Path(found[key]).resolve().is_relative_to((site / "gebied").resolve()), found[key]
    check_only_gebied(site, source, found)
    # the data files are in the wheel: installed and listed in its RECORD
    assert found["data"] == expected_data(source) and all(found["data"].values())
    assert found["js"] > 1000
    [dist] = site.glob("gebied-*.dist-info")
    record = (dist / "RECORD").read_text()
    for pkg, folder in DATA.items():
        for name in expected_data(source)[pkg]:
            assert f"gebied/{pkg}/{folder}/{name}," in record, name
    # the console script works from outside the project
    script = python.parent / "gebied"
    help_run = subprocess.run([str(script), "--help"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert help_run.returncode == 0 and "kaart" in help_run.stdout, help_run.stderr


def test_editable_install_points_at_the_source(source, tmp_path):
    _, site, found = install(source, tmp_path / "venv", editable=True)
    for key in ("gebied", "maps", "api"):
        assert Path(found[key]).resolve().is_relative_to((source / "gebied").resolve()), found[key]
    check_only_gebied(site, source, found)
    assert found["data"] == expected_data(source) and all(found["data"].values())
