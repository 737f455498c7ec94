"""Area files as published: the CBS wijk- en buurtkaart, PC4 layers and woonplaatsen.

The CBS wijk- en buurtkaart comes as a GeoPackage ``wijkenbuurten_YYYY[_v1].gpkg`` with layers
``gemeenten``, ``wijken`` and ``buurten`` (columns ``gemeentecode``/``gemeentenaam``,
``wijkcode``/``wijknaam``, ``buurtcode``/``buurtnaam``, ``water`` with ``JA``/``NEE``/``B``), or
for older years as shapefiles with ``GM_CODE``/``GM_NAAM``, ``WK_CODE``/``WK_NAAM``,
``BU_CODE``/``BU_NAAM`` and ``WATER`` (to 2018) or ``H2O`` (2020 on). Figures use the
sentinels −99997 (secret or not present), −99995 and −99991, read here as empty.

A recognised file gives its levels under the standard names ``gemeente``, ``wijk``, ``buurt``,
``pc4`` and ``woonplaats``; water features (water = JA) are left out; a Dutch notice says what
was recognised. Levels missing from a CBS file are built from the finest layer's own codes
(a buurt holds its wijk and gemeente codes).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from gebied.areas.read import AreaSpec, prepare_areas, read_areas, report_overlaps
from gebied.errors import GebiedError, GebiedNotice
from gebied.io import read_vector

#: Figures the CBS publishes as a number but that mean "no figure".
SENTINELS = (-99997, -99995, -99991)
#: Water columns of the CBS files (GeoPackage, shapefile to 2018, shapefile 2020 on).
WATER_COLUMNS = ("water", "h2o")
#: CBS levels, finest first: (name, code columns, name columns, code prefix, code length).
CBS_LEVELS = (
    ("buurt", ("buurtcode", "bu_code"), ("buurtnaam", "bu_naam"), "BU", 10),
    ("wijk", ("wijkcode", "wk_code"), ("wijknaam", "wk_naam"), "WK", 8),
    ("gemeente", ("gemeentecode", "gm_code"), ("gemeentenaam", "gm_naam"), "GM", 6),
)
#: Other published layers: (name, layer names, code columns, name columns).
OTHER_LEVELS = (
    ("pc4", ("postcode", "postcodes", "pc4", "postcode4"), ("postcode", "pc4", "postcode4"), ()),
    ("woonplaats", ("woonplaats", "woonplaatsen"), ("woonplaatscode", "identificatie", "wp_code"), ("woonplaatsnaam", "woonplaats", "wp_naam")),
)
LEVEL_NAMES = tuple(level[0] for level in CBS_LEVELS) + tuple(level[0] for level in OTHER_LEVELS)
DUTCH_PLURAL = {"buurt": "buurten", "wijk": "wijken", "gemeente": "gemeenten", "pc4": "postcodegebieden (PC4)", "woonplaats": "woonplaatsen"}
#: Marker in ``GeoDataFrame.attrs`` of a level read from the CBS wijk- en buurtkaart.
SOURCE_KEY = "bron"


@dataclass
class Level:
    """One recognised layer: level name, file layer, code and name columns."""

    name: str
    layer: str | None
    code: str
    label: str | None
    cbs: bool


def _lower(columns: Iterable[str]) -> dict[str, str]:
    return {str(c).lower(): str(c) for c in columns}


def _first(lower: dict[str, str], names: Iterable[str]) -> str | None:
    return next((lower[n] for n in names if n in lower), None)


def recognise_layer(layer: str | None, columns: Iterable[str]) -> Level | None:
    """The published level a layer holds, judged by its column and layer names."""
    lower = _lower(columns)
    for name, codes, labels, _prefix, _width in CBS_LEVELS:
        code = _first(lower, codes)
        if code is not None:
            return Level(name, layer, code, _first(lower, labels), cbs=True)
    lname = (layer or "").lower()
    for name, layers, codes, labels in OTHER_LEVELS:
        if any(lname == n or lname.startswith(n + "_") for n in layers):
            code = _first(lower, codes)
            if code is not None:
                return Level(name, layer, code, _first(lower, labels), cbs=False)
    return None


def _polygon_layers(path: Path) -> list[tuple[str, list[str]]]:
    """(layer, columns) of every polygon layer in the file, read without the features."""
    try:
        layers = pyogrio.list_layers(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
        return []
    out = []
    for name, kind in layers:
        if kind and "polygon" in str(kind).lower():
            out.append((str(name), [str(f) for f in pyogrio.read_info(path, layer=str(name))["fields"]]))
    return out


def without_sentinels(frame: pd.DataFrame) -> pd.DataFrame:
    """Numeric CBS figures with −99997, −99995 and −99991 read as empty."""
    out = frame.copy()
    for col in out.columns:
        if col != getattr(out, "_geometry_column_name", None) and pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].where(~out[col].isin(SENTINELS))
    return out


def _without_water(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, int]:
    col = _first(_lower(frame.columns), WATER_COLUMNS)
    if col is None:
        return frame, 0
    water = frame[col].astype("string").str.strip().str.upper().eq("JA").fillna(False).to_numpy()
    return frame[~water], int(water.sum())


def _derive(finest: gpd.GeoDataFrame, raw: gpd.GeoDataFrame, prefix: str, width: int, codes, labels) -> gpd.GeoDataFrame | None:
    """A coarser CBS level built from the finest layer: its parent code, or the code itself."""
    lower = _lower(raw.columns)
    col = _first(lower, codes)
    if col is not None:
        parent = raw[col].astype("string").str.strip()
    else:
        parent = finest["code"].str.slice(2, width).radd(prefix)
        if not parent.str.fullmatch(prefix + r"\d+").fillna(False).all():
            return None
    label = _first(lower, labels)
    frame = gpd.GeoDataFrame(
        {"code": parent.to_numpy(), "naam": (raw[label] if label else parent).astype("string").to_numpy()},
        geometry=finest.geometry.values,
        crs=finest.crs,
    ).dropna(subset=["code"])
    parts = frame.groupby("code", sort=True)
    geoms = [shapely.union_all(g.geometry.values) for _, g in parts]
    return gpd.GeoDataFrame(
        {"code": list(parts.groups), "naam": parts["naam"].first().to_numpy()}, geometry=geoms, crs=finest.crs
    ).astype({"code": "string", "naam": "string"})


def _year(path: Path) -> str:
    found = re.search(r"(19|20)\d\d", path.stem)
    return f" {found.group(0)}" if found else ""


def read_published(spec: AreaSpec) -> dict[str, gpd.GeoDataFrame] | None:
    """Read a published area file as one or more levels, or ``None`` if it is not recognised.

    Parameters
    ----------
    spec
        The ``--gebieden`` argument. A spec naming its code column is never recognised
        (the user decides). A file holding several levels gives them all under their standard
        names, unless the spec's name is one of them (then that level only); a single-level
        file keeps the spec's name, except ``cbs=`` which asks for every level.
    """
    if spec.code_column is not None or not spec.path.exists() or spec.path.is_dir():
        return None
    candidates = [(layer, cols) for layer, cols in _polygon_layers(spec.path) if spec.layer in (None, layer)]
    levels = [lv for lv in (recognise_layer(layer, cols) for layer, cols in candidates) if lv is not None]
    if not levels:
        return None
    if spec.name in LEVEL_NAMES and len(levels) > 1:
        levels = [lv for lv in levels if lv.name == spec.name] or levels
    expand = spec.name == "cbs" or len(levels) > 1
    file = str(spec.path)
    out: dict[str, gpd.GeoDataFrame] = {}
    water = 0
    raw_finest = None
    for level in levels:
        raw = without_sentinels(read_vector(spec.path, layer=level.layer))
        raw, n_water = _without_water(raw)
        water += n_water
        prepared = prepare_areas(raw, code_column=level.code, name_column=level.label, file=file)
        prepared.attrs[SOURCE_KEY] = "cbs" if level.cbs else level.name
        report_overlaps(prepared, file=file)
        out[level.name if expand else spec.name] = prepared
        if level.cbs and raw_finest is None:
            raw_finest = (level.name, raw.reset_index(drop=True), prepared)
    if expand and raw_finest is not None:
        _add_parents(out, raw_finest, file)
    _notice(spec.path, levels, out, water)
    return out


def _add_parents(out: dict[str, gpd.GeoDataFrame], finest: tuple, file: str) -> None:
    """Add the CBS levels above the finest one that the file does not hold as a layer."""
    name, raw, prepared = finest
    start = [lv[0] for lv in CBS_LEVELS].index(name)
    # the prepared layer is sorted and dissolved by code; line the raw rows up with it
    raw_codes = raw[_first(_lower(raw.columns), CBS_LEVELS[start][1])].astype("string").str.strip()
    raw = raw[raw_codes.notna().to_numpy()].copy()
    raw["_code"] = raw_codes[raw_codes.notna()].to_numpy()
    raw = raw.drop_duplicates("_code").set_index("_code").reindex(prepared["code"].to_numpy()).reset_index()
    for parent, codes, labels, prefix, width in CBS_LEVELS[start + 1 :]:
        if parent in out:
            continue
        derived = _derive(prepared, raw, prefix, width, codes, labels)
        if derived is not None and len(derived):
            derived.attrs[SOURCE_KEY] = "cbs"
            out[parent] = derived


def _notice(path: Path, levels: list[Level], out: dict[str, gpd.GeoDataFrame], water: int) -> None:
    cbs = any(lv.cbs for lv in levels)
    kind = f"CBS wijk- en buurtkaart{_year(path)}" if cbs else {"pc4": "postcodelaag", "woonplaats": "woonplaatsenlaag"}[levels[0].name]
    order = [n for n in ("gemeente", "wijk", "buurt", "pc4", "woonplaats") if n in out] + [n for n in out if n not in LEVEL_NAMES]
    counts = ", ".join(f"{len(out[n])} {DUTCH_PLURAL.get(n, n)}" + (f" (laag {n})" if n not in LEVEL_NAMES else "") for n in order)
    text = f"bestand {path.name} herkend als {kind}: {counts}"
    if water:
        text += f"; {water} {'waterdelen' if water != 1 else 'waterdeel'} (water = JA) weggelaten"
    warnings.warn(GebiedNotice(text), stacklevel=3)


def read_area_layers(specs: Iterable[AreaSpec]) -> dict[str, gpd.GeoDataFrame]:
    """Read every ``--gebieden`` argument; published files may give several levels.

    Raises
    ------
    GebiedError
        When two arguments give a level of the same name.
    """
    out: dict[str, gpd.GeoDataFrame] = {}
    for spec in specs:
        layers = read_published(spec)
        if layers is None:
            layers = {spec.name: read_areas(spec)}
        for name, frame in layers.items():
            if name in out:
                raise GebiedError(
                    f"--gebieden: laag '{name}' komt meer dan eens voor (ook uit {spec.path.name}); "
                    "geef elke laag een eigen naam",
                    file=str(spec.path),
                )
            out[name] = frame
    return out


def apply_hierarchy(joined: pd.DataFrame, areas: dict[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """A buurt's wijk and gemeente (and a wijk's gemeente) from its own CBS code.

    Only levels read from the CBS wijk- en buurtkaart take part. Where the code of the
    finer level is present, the coarser code and name follow from it (``BU00140105`` lies in
    ``WK001401`` and ``GM0014``), so the levels never disagree at generalised borders.
    """
    out = joined
    cbs = [lv for lv in CBS_LEVELS if lv[0] in areas and areas[lv[0]].attrs.get(SOURCE_KEY) == "cbs"]
    for i, (child, *_rest) in enumerate(cbs):
        codes = out.get(f"{child}_code")
        if codes is None:
            continue
        for parent, _codes, _labels, prefix, width in cbs[i + 1 :]:
            if f"{parent}_code" not in out:
                continue
            derived = codes.astype("string").str.slice(2, width).radd(prefix)
            known = derived.isin(set(areas[parent]["code"].astype(str))).fillna(False).to_numpy()
            if not known.any():
                continue
            out = out.copy() if out is joined else out
            names = areas[parent].set_index("code")["naam"]
            col = out[f"{parent}_code"].astype("string").to_numpy(dtype=object)
            col[known] = derived.to_numpy(dtype=object)[known]
            out[f"{parent}_code"] = pd.array(col, dtype="string")
            if f"{parent}_naam" in out:
                name = out[f"{parent}_naam"].astype("string").to_numpy(dtype=object)
                name[known] = names.reindex(derived[known].to_numpy()).to_numpy(dtype=object)
                out[f"{parent}_naam"] = pd.array(name, dtype="string")
    return out
