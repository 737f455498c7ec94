"""The output folder: gebied replaces only what it made itself, and only after success."""

from __future__ import annotations

import errno
import json

import pytest

from gebied.errors import GebiedError
from gebied.outdir import MARKER, atomic_dir, check_output_dir


def _make_output(folder, files=("a.csv", "sub/b.csv")):
    with atomic_dir(folder) as tmp:
        for name in files:
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_text(name)
    return folder


def test_absent_and_empty_folders_are_fine(tmp_path):
    assert check_output_dir(tmp_path / "nieuw") == (tmp_path / "nieuw").resolve()
    (tmp_path / "leeg").mkdir()
    check_output_dir(tmp_path / "leeg")


def test_marker_lists_every_file_of_the_run(tmp_path):
    out = _make_output(tmp_path / "uit")
    marker = json.loads((out / MARKER).read_text())
    assert marker["tool"] == "gebied"
    assert marker["bestanden"] == ["a.csv", "sub/b.csv"]
    _make_output(out, files=("c.csv",))  # an earlier output is replaced as a whole
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "c.csv"]


def test_folder_of_someone_else_is_refused_and_kept(tmp_path):
    werk = tmp_path / "werk"
    werk.mkdir()
    (werk / "notities.txt").write_text("van de gebruiker")
    with pytest.raises(GebiedError, match="geen eerdere uitvoer van gebied"):
        with atomic_dir(werk):
            pytest.fail("the block must not run")
    assert (werk / "notities.txt").read_text() == "van de gebruiker"
    assert [p.name for p in tmp_path.iterdir()] == ["werk"]  # no temporary folder left


def test_user_file_added_to_an_earlier_output_is_never_deleted(tmp_path):
    out = _make_output(tmp_path / "uit")
    (out / "sub" / "mijn_aantekening.txt").write_text("bewaren")
    with pytest.raises(GebiedError, match="mijn_aantekening.txt"):
        _make_output(out)
    assert (out / "sub" / "mijn_aantekening.txt").read_text() == "bewaren"


def test_forged_or_broken_marker_does_not_count(tmp_path):
    werk = tmp_path / "werk"
    werk.mkdir()
    (werk / "data.csv").write_text("x")
    for text in ("{niet json", json.dumps({"tool": "iets anders", "bestanden": ["data.csv"]})):
        (werk / MARKER).write_text(text)
        with pytest.raises(GebiedError):
            check_output_dir(werk)


def test_folder_holding_an_input_is_refused(tmp_path):
    out = _make_output(tmp_path / "uit")
    with pytest.raises(GebiedError, match="invoerbestand"):
        check_output_dir(out, inputs=[out / "a.csv"])
    with pytest.raises(GebiedError, match="invoerbestand"):
        check_output_dir(tmp_path / "nieuw", inputs=[tmp_path / "nieuw" / "x.csv"])
    check_output_dir(out, inputs=[tmp_path / "elders.csv", ""])


def test_current_folder_and_its_parents_are_refused(tmp_path, monkeypatch):
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    monkeypatch.chdir(inner)
    for target in (".", inner, tmp_path / "a", tmp_path):
        with pytest.raises(GebiedError, match="huidige map"):
            check_output_dir(target)


def test_a_file_is_not_an_output_folder(tmp_path):
    (tmp_path / "plan.gpkg").write_text("x")
    with pytest.raises(GebiedError, match="bestand"):
        check_output_dir(tmp_path / "plan.gpkg")


@pytest.mark.parametrize(
    "failure",
    [RuntimeError("fout tijdens schrijven"), OSError(errno.ENOSPC, "No space left on device")],
    ids=["uitzondering", "schijf_vol"],
)
def test_failure_while_writing_keeps_the_previous_output(tmp_path, failure):
    out = _make_output(tmp_path / "uit")
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with pytest.raises(type(failure)):
        with atomic_dir(out) as tmp:
            (tmp / "a.csv").write_text("half geschreven")
            raise failure
    after = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["uit"]
