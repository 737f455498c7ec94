"""The fictitious demo region "Maarhorn (fictief)": areas and about 25,000 addresses.

A deterministic generator (numpy ``default_rng``) of a realistic but invented gemeente
in the Groningen area: one town and ten villages, CBS-like wijken and buurten,
woonplaatsen, and addresses along streets with a programme status following the data
contract (docs/gegevenscontract.md). Nothing in it is real; every layer carries a ``fictief`` note.

Regenerate the shipped boundaries with ``python -m gebied.demo data/boundaries``.
"""

from __future__ import annotations

import argparse
import os
import string
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from gebied.demo.areas import TOWN_RURAL_WIJK, build_cells, build_layers, locate
from gebied.demo.layout import build_panden, gemeente_outline
from gebied.demo.spec import FICTIEF_NOTE, GM, SETTLEMENTS
from gebied.demo.status import (
    assign_eigendom,
    assign_img,
    assign_programme,
    assign_risk,
    ncg_fase,
    plant_inequalities,
)
from gebied.io import atomic_path, write_table

DEFAULT_SEED = 2026
LAYERS = ("gemeente", "wijk", "buurt", "woonplaats")
#: The boundary file shipped with the project (generated with the default seed).
SHIPPED_BOUNDARIES = Path(__file__).resolve().parents[2] / "data" / "boundaries" / "demo_gebieden.gpkg"
BOUNDARY_FILE = "demo_gebieden.gpkg"
ADDRESS_COLUMNS = (
    "adres_id", "pand_id", "straat", "huisnummer", "huisletter", "toevoeging", "postcode", "woonplaats",
    "bouwjaar", "typologie", "eigendom", "risicoprofiel", "batch", "ncg_fase", "uitkomst", "img_status",
    "x", "y",
)

PC6_SIZE = 30  # addresses per PC6 letter pair, at most (a large flat keeps one)


def _letter_pairs() -> list[str]:
    """PC6 letter pairs in order, without SA, SD and SS (not issued in the Netherlands)."""
    pairs = [a + b for a in string.ascii_uppercase for b in string.ascii_uppercase]
    return [p for p in pairs if p not in ("SA", "SD", "SS")]


def _pc4(plaats_nr: np.ndarray, wijk: np.ndarray) -> np.ndarray:
    """PC4 per pand: per town district, town countryside, or village."""
    out = np.empty(len(plaats_nr), dtype=object)
    for i, (s, w) in enumerate(zip(plaats_nr, wijk)):
        pcs = SETTLEMENTS[s].pc4
        out[i] = pcs[-1] if s == 0 and w == TOWN_RURAL_WIJK else pcs[w - 1] if s == 0 else pcs[0]
    return out


def _number(panden: pd.DataFrame) -> np.ndarray:
    """House numbers: odd on side 0, even on side 1, rising along the street per woonplaats."""
    rank = panden.groupby(["straat_nr", "plaats_nr", "zijde"])["positie"].rank(method="first").astype(int)
    return np.where(panden["zijde"] == 0, 2 * rank - 1, 2 * rank).astype(np.int64)


def _expand(rng: np.random.Generator, panden: pd.DataFrame) -> pd.DataFrame:
    """One row per address; flats get huisletters (portiek) or toevoegingen (galerij)."""
    idx = np.repeat(np.arange(len(panden)), panden["n"].to_numpy())
    adr = panden.iloc[idx].reset_index(drop=True)
    k = adr.groupby(idx).cumcount().to_numpy()
    indeling = adr["indeling"].to_numpy()
    letters = np.asarray(list(string.ascii_uppercase), dtype=object)
    letter = np.where(indeling == "portiek", letters[np.minimum(k, 25)], None)
    adr["huisletter"] = np.where((indeling == "boven") & (k == 1), "A", letter)  # bovenwoning
    adr["toevoeging"] = np.where(indeling == "galerij", (k + 1).astype(str).astype(object), None)
    jitter = indeling == "galerij"
    dx, dy = rng.uniform(-0.5, 0.5, len(adr)), rng.uniform(-0.5, 0.5, len(adr))
    adr["x"] = np.round(adr["x"].to_numpy() + np.where(jitter, dx, 0.0), 3)
    adr["y"] = np.round(adr["y"].to_numpy() + np.where(jitter, dy, 0.0), 3)
    return adr


def _postcodes(adr: pd.DataFrame) -> np.ndarray:
    """PC6: the pand's PC4 plus a letter pair per street side, at most ``PC6_SIZE`` a pair."""
    pairs = _letter_pairs()
    order = np.lexsort((adr["pand_nr"], adr["huisnummer"], adr["zijde"], adr["straat_nr"], adr["pc4"]))
    out = np.empty(len(adr), dtype=object)
    counter: dict[str, int] = {}
    key, size, last_pand, letters = None, 0, -1, ""
    pc4, sn, zs, pn = (adr[c].to_numpy() for c in ("pc4", "straat_nr", "zijde", "pand_nr"))
    for i in order:
        group = (pc4[i], sn[i], zs[i])
        if group != key or (size >= PC6_SIZE and pn[i] != last_pand):
            key, size = group, 0
            letters = pairs[counter.get(pc4[i], 0)]
            counter[pc4[i]] = counter.get(pc4[i], 0) + 1
        out[i] = f"{pc4[i]}{letters}"
        size += 1
        last_pand = pn[i]
    return out


def make_demo_region(*, seed: int = DEFAULT_SEED) -> tuple[dict[str, gpd.GeoDataFrame], gpd.GeoDataFrame]:
    """Generate the fictitious demo region.

    Parameters
    ----------
    seed
        Seed of ``numpy.random.default_rng``; the same seed gives the same region.

    Returns
    -------
    layers, addresses
        ``{"gemeente", "wijk", "buurt", "woonplaats"}`` area layers (columns ``code``,
        ``naam``, ``gemeente_code``, ``fictief``; buurt also ``wijk_code``) and the
        addresses as validated by ``gebied.validate.validate_addresses``; all in
        EPSG:28992.
    """
    rng = np.random.default_rng(seed)
    outline = gemeente_outline(rng)
    panden, streets = build_panden(rng, outline)
    cells = build_cells(rng, outline)
    layers = build_layers(cells)

    cell = locate(shapely.points(panden["x"].to_numpy(), panden["y"].to_numpy()), cells)
    if (cell < 0).any():  # pragma: no cover - guarded by the layout
        raise RuntimeError("demo: een pand ligt buiten de gemeente")
    panden["plaats_nr"] = cells["plaats_nr"].to_numpy()[cell]
    panden["pc4"] = _pc4(panden["plaats_nr"].to_numpy(), cells["wijk"].to_numpy()[cell])
    panden["huisnummer"] = _number(panden)
    panden["risicoprofiel"] = assign_risk(rng, panden, streets)
    panden = plant_inequalities(assign_programme(rng, panden, streets), streets)
    panden["pand_nr"] = np.arange(len(panden))

    adr = _expand(rng, panden)
    adr["postcode"] = _postcodes(adr)
    adr["straat"] = streets["straat"].to_numpy()[adr["straat_nr"]]
    adr["woonplaats"] = np.asarray([s.naam for s in SETTLEMENTS], dtype=object)[adr["plaats_nr"]]
    adr["ncg_fase"] = ncg_fase(adr["fase_nr"].to_numpy())
    adr["eigendom"] = assign_eigendom(rng, adr["typologie"].to_numpy())
    adr["img_status"] = assign_img(rng, adr["in_programma"].to_numpy(dtype=bool))

    adr = adr.sort_values(
        ["woonplaats", "straat", "huisnummer", "huisletter", "toevoeging"], kind="stable", na_position="first",
        key=lambda s: s.map(lambda v: int(v) if isinstance(v, str) and v.isdigit() else v)
        if s.name == "toevoeging" else s,
    ).reset_index(drop=True)
    pand_ids = {p: f"{GM}10{i + 1:010d}" for i, p in enumerate(pd.unique(adr["pand_nr"]))}
    adr["pand_id"] = adr["pand_nr"].map(pand_ids)
    adr["adres_id"] = [f"{GM}20{i + 1:010d}" for i in range(len(adr))]
    return layers, _finish(adr)


def _finish(adr: pd.DataFrame) -> gpd.GeoDataFrame:
    """Columns of the data contract with the dtypes ``validate_addresses`` produces."""
    out = pd.DataFrame(index=adr.index)
    for col in ADDRESS_COLUMNS:
        if col in ("huisnummer", "bouwjaar"):
            out[col] = pd.array(adr[col].astype("int64"), dtype="Int64")
        elif col in ("x", "y"):
            out[col] = adr[col].astype(float)
        else:
            out[col] = pd.array(adr[col].where(adr[col].notna(), None).to_numpy(dtype=object), dtype="string")
    geometry = gpd.points_from_xy(out["x"], out["y"], crs=28992)
    return gpd.GeoDataFrame(out, geometry=geometry, crs=28992)


def write_boundaries(layers: dict[str, gpd.GeoDataFrame], path: str | os.PathLike) -> Path:
    """Write the area layers into one GeoPackage, atomically, with a ``fictief`` description."""
    target = Path(path)
    with atomic_path(target) as tmp:
        for i, name in enumerate(LAYERS):
            pyogrio.write_dataframe(
                layers[name], tmp, layer=name, driver="GPKG", append=i > 0,
                layer_options={"DESCRIPTION": f"{name} van de gemeente Maarhorn: {FICTIEF_NOTE}"},
                layer_metadata={"fictief": FICTIEF_NOTE, "bron": "gebied.demo"},
            )
    return target


def write_demo_inputs(folder: str | os.PathLike, *, seed: int = DEFAULT_SEED) -> dict[str, Path]:
    """Write ``adressen.csv`` and ``gebieden.gpkg`` of the demo region into ``folder``.

    Returns
    -------
    dict
        ``{"adressen": path, "gebieden": path}``.
    """
    layers, addresses = make_demo_region(seed=seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    gebieden = write_boundaries(layers, folder / "gebieden.gpkg")
    adressen = write_table(addresses, folder / "adressen.csv")
    return {"adressen": adressen, "gebieden": gebieden}


def main(argv: list[str] | None = None) -> None:
    """``python -m gebied.demo MAP [--adressen] [--seed N]``: write the demo boundaries."""
    parser = argparse.ArgumentParser(
        prog="python -m gebied.demo",
        description="Schrijf de gebieden (en desgewenst de adressen) van de fictieve demoregio Maarhorn.",
    )
    parser.add_argument("map", type=Path, help="uitvoermap, bijvoorbeeld data/boundaries")
    parser.add_argument("--adressen", action="store_true", help="schrijf ook adressen.csv en gebieden.gpkg")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="startwaarde van de generator")
    args = parser.parse_args(argv)
    layers, _ = make_demo_region(seed=args.seed)
    path = write_boundaries(layers, args.map / BOUNDARY_FILE)
    print(f"geschreven: {path}")
    if args.adressen:
        for name, p in write_demo_inputs(args.map, seed=args.seed).items():
            print(f"geschreven: {p} ({name})")


if __name__ == "__main__":
    main()
