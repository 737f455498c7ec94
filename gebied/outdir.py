"""The output folder of a run: what gebied may replace, and replacing it atomically.

gebied never deletes or overwrites a file it did not create itself. Every output folder
it writes carries a marker file (:data:`MARKER`) that lists the files of the run. A later
run may replace the folder only when it is absent, empty, or such an earlier output
holding nothing but the files listed in its marker. A folder that contains one of the
run's input files, or the current working folder itself, is never an output folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from gebied._version import __version__
from gebied.errors import GebiedError

#: Marker file in every output folder that gebied wrote (JSON: tool, version, files).
MARKER = ".gebied-uitvoer"
#: The ``tool`` entry of the marker.
TOOL = "gebied"


def _files(folder: Path) -> list[str]:
    """Every file below ``folder`` as a relative POSIX path, sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir())


def _listed(folder: Path) -> set[str] | None:
    """The files named by the marker of an earlier gebied output, or None if not one."""
    marker = folder / MARKER
    if not marker.is_file():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("tool") != TOOL or not isinstance(data.get("bestanden"), list):
        return None
    return {str(f) for f in data["bestanden"]}


def check_output_dir(target: str | os.PathLike, *, inputs: Iterable[str | os.PathLike] = ()) -> Path:
    """Refuse an output folder that gebied may not replace as a whole.

    Parameters
    ----------
    target
        The folder given as ``--uit``.
    inputs
        The run's input files; none of them may lie inside ``target``.

    Returns
    -------
    Path
        ``target`` as an absolute path.

    Raises
    ------
    GebiedError
        With a Dutch message (exit code 2) when ``target`` is a file, the current folder or
        one of its parents, holds an input file, or holds files gebied did not make.
    """
    given = str(target)
    folder = Path(target).absolute().resolve()
    if folder.exists() and not folder.is_dir():
        raise GebiedError("--uit moet een map zijn, maar dit is een bestand", file=given)
    cwd = Path.cwd().resolve()
    if folder == cwd or folder in cwd.parents:
        raise GebiedError(
            "--uit mag niet de huidige map (of een map daarboven) zijn: gebied vervangt de uitvoermap "
            "als geheel; kies een nieuwe map, bijvoorbeeld --uit uitvoer",
            file=given,
        )
    for item in inputs:
        if not str(item):
            continue
        path = Path(item).absolute().resolve()
        if path == folder or folder in path.parents:
            raise GebiedError(
                f"de uitvoermap bevat invoerbestand '{item}'; kies voor --uit een andere (nieuwe) map",
                file=given,
            )
    if not folder.exists() or not any(folder.iterdir()):
        return folder
    listed = _listed(folder)
    if listed is None:
        raise GebiedError(
            "de uitvoermap bestaat al en is geen eerdere uitvoer van gebied (er staan bestanden in die gebied "
            "niet heeft gemaakt); kies een lege of nieuwe map voor --uit",
            file=given,
        )
    foreign = [f for f in _files(folder) if f != MARKER and f not in listed]
    if foreign:
        more = f" en nog {len(foreign) - 3}" if len(foreign) > 3 else ""
        raise GebiedError(
            f"de uitvoermap bevat bestanden die gebied niet heeft gemaakt ({', '.join(foreign[:3])}{more}); "
            "gebied overschrijft ze niet: verplaats ze of kies een andere map voor --uit",
            file=given,
        )
    return folder


@contextlib.contextmanager
def atomic_dir(target: str | os.PathLike, *, inputs: Iterable[str | os.PathLike] = ()) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``target`` as a whole.

    ``target`` is checked with :func:`check_output_dir` before the temporary folder is made
    and again just before it is replaced. The marker file is written last. An exception in
    the ``with`` block (a failed write, a full disk) or a killed run leaves the earlier
    ``target`` untouched and removes the temporary folder.
    """
    inputs = list(inputs)
    folder = check_output_dir(target, inputs=inputs)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        yield tmp
        marker = {"tool": TOOL, "versie": __version__, "bestanden": _files(tmp)}
        (tmp / MARKER).write_text(json.dumps(marker, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        check_output_dir(target, inputs=inputs)
        old = None
        if folder.exists():
            old = folder.parent / f".{folder.name}.oud.{os.getpid()}"
            os.replace(folder, old)
        os.replace(tmp, folder)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
