"""The BAG as published: ``bag-light.gpkg``, layer ``verblijfsobject``, read as an address file.

The national layer has about 10 million points (7.8 GB), so it is never read whole: only
the columns the data contract uses, and only the features in the bounding box of the
requested areas (through the GeoPackage's spatial index, by pyogrio/GDAL), optionally with
an attribute filter; then only the points within ``max_distance`` of an area are kept.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from gebied.codes import INTEGER_COLUMNS
from gebied.errors import GebiedError, GebiedNotice, GebiedWarning
from gebied.frames import fmt_int
from gebied.io import split_layer
from gebied.validate import validate_addresses

BAG_LAYER = "verblijfsobject"
#: BAG column → data-contract column; only these are read.
BAG_COLUMNS = {
    "identificatie": "adres_id",
    "pand_identificatie": "pand_id",
    "openbare_ruimte_naam": "straat",
    "huisnummer": "huisnummer",
    "huisletter": "huisletter",
    "toevoeging": "toevoeging",
    "postcode": "postcode",
    "woonplaats_naam": "woonplaats",
    "bouwjaar": "bouwjaar",
    "gebruiksdoel": "gebruiksdoel",
    "status": "bag_status",
}
#: Columns that make a layer a BAG verblijfsobject layer.
REQUIRED = ("identificatie", "huisnummer", "openbare_ruimte_naam")


def bag_layer(path: str | os.PathLike) -> tuple[Path, str] | None:
    """(file, layer) when ``path`` (``BESTAND[#LAAG]``) is a BAG verblijfsobject layer, else None."""
    file, layer = split_layer(path)
    if file.suffix.lower() != ".gpkg" or not file.is_file():
        return None
    try:
        names = [str(n) for n in pyogrio.list_layers(file)[:, 0]]
        name = layer or (BAG_LAYER if BAG_LAYER in names else None)
        if name is None or name not in names:
            return None
        fields = {str(f).lower() for f in pyogrio.read_info(file, layer=name)["fields"]}
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
        return None
    return (file, name) if set(REQUIRED) <= fields else None


def area_bounds(areas: Mapping[str, gpd.GeoDataFrame], *, margin: float = 0.0) -> tuple[float, float, float, float]:
    """Bounding box (EPSG:28992) of every area layer, widened by ``margin`` metres."""
    bounds = np.array([layer.to_crs(28992).total_bounds for layer in areas.values() if len(layer)])
    if not len(bounds):
        raise GebiedError("de gebiedenlagen bevatten geen gebieden")
    return (
        float(bounds[:, 0].min() - margin),
        float(bounds[:, 1].min() - margin),
        float(bounds[:, 2].max() + margin),
        float(bounds[:, 3].max() + margin),
    )


def read_bag_frame(
    path: str | os.PathLike,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    where: str | None = None,
) -> gpd.GeoDataFrame:
    """Read the BAG columns of a verblijfsobject layer, filtered by ``bbox`` and ``where``.

    Returns
    -------
    geopandas.GeoDataFrame
        The BAG columns renamed to the data contract, in EPSG:28992, not yet validated.
    """
    found = bag_layer(path)
    if found is None:
        raise GebiedError(f"geen BAG-laag '{BAG_LAYER}' met kolommen {', '.join(REQUIRED)}", file=str(path))
    file, layer = found
    fields = [str(f) for f in pyogrio.read_info(file, layer=layer)["fields"]]
    columns = [f for f in fields if f.lower() in BAG_COLUMNS]
    try:
        frame = pyogrio.read_dataframe(file, layer=layer, columns=columns, bbox=bbox, where=where, use_arrow=True)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError) as exc:
        raise GebiedError(f"de BAG-laag is onleesbaar ({str(exc).splitlines()[0][:200]})", file=str(file)) from None
    if frame.crs is None:
        raise GebiedError("de BAG-laag heeft geen coördinaatsysteem (CRS)", file=str(file))
    frame = frame.rename(columns={c: BAG_COLUMNS[c.lower()] for c in frame.columns if c.lower() in BAG_COLUMNS})
    return frame.to_crs(28992) if frame.crs.to_epsg() != 28992 else frame


def _near_areas(points: np.ndarray, areas: Mapping[str, gpd.GeoDataFrame], max_distance: float) -> np.ndarray:
    """Mask of points within ``max_distance`` of any area of any layer."""
    geoms = np.concatenate([np.asarray(layer.to_crs(28992).geometry.values) for layer in areas.values()])
    tree = shapely.STRtree(geoms)
    if max_distance > 0:
        hit, _ = tree.query(points, predicate="dwithin", distance=max_distance)
    else:
        hit, _ = tree.query(points, predicate="intersects")
    mask = np.zeros(len(points), dtype=bool)
    mask[hit] = True
    return mask


def read_bag(
    path: str | os.PathLike,
    *,
    areas: Mapping[str, gpd.GeoDataFrame] | None = None,
    max_distance: float,
    where: str | None = None,
) -> gpd.GeoDataFrame:
    """Read the addresses of the requested areas from a BAG verblijfsobject layer.

    Parameters
    ----------
    path
        ``bag-light.gpkg`` (layer ``verblijfsobject``) or ``BESTAND#LAAG``.
    areas
        The area layers; only points within ``max_distance`` metres of one of them are kept
        (read through the bounding box first). ``None`` reads the whole layer.
    where
        Optional attribute filter in OGR SQL, e.g. ``"woonplaats_naam = 'Groningen'"``.

    Returns
    -------
    geopandas.GeoDataFrame
        Validated addresses (as :func:`gebied.validate.validate_addresses`): ``adres_id`` is
        the BAG ``identificatie``; BAG's own ``status`` becomes ``bag_status``.
    """
    bbox = area_bounds(areas, margin=max_distance) if areas else None
    frame = read_bag_frame(path, bbox=bbox, where=where)
    total = len(frame)
    if areas and total:
        frame = frame[_near_areas(np.asarray(frame.geometry.values), areas, max_distance)]
    if frame.empty:
        raise GebiedError("de BAG-laag heeft geen verblijfsobjecten binnen de gebieden", file=str(path))
    frame = _unknown_years(frame.reset_index(drop=True), file=str(path))
    warnings.warn(
        GebiedNotice(
            f"bestand {Path(split_layer(path)[0]).name} herkend als BAG (laag verblijfsobject): "
            f"{fmt_int(len(frame))} verblijfsobjecten binnen de gebieden gelezen"
        ),
        stacklevel=2,
    )
    return validate_addresses(frame, file=str(path), first_row=1)


def _unknown_years(frame: gpd.GeoDataFrame, *, file: str) -> gpd.GeoDataFrame:
    """BAG uses placeholder years such as 9999 for unknown: read them as empty (with a warning)."""
    if "bouwjaar" not in frame:
        return frame
    lo, hi = INTEGER_COLUMNS["bouwjaar"]
    year = pd.to_numeric(frame["bouwjaar"], errors="coerce")
    odd = year.notna() & ((year < lo) | (year > hi))
    if odd.any():
        warnings.warn(
            GebiedWarning(f"bestand {file}: {int(odd.sum())} verblijfsobject(en) met bouwjaar buiten {lo}–{hi} gelezen als onbekend"),
            stacklevel=3,
        )
    frame["bouwjaar"] = year.where(~odd).astype("Int64")
    return frame
