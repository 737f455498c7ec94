"""Validate an address table against the data contract (docs/gegevenscontract.md)."""

from __future__ import annotations

import os

import geopandas as gpd
import numpy as np
import pandas as pd

from gebied.codes import CODE_COLUMNS, INTEGER_COLUMNS, TEXT_COLUMNS
from gebied.errors import GebiedError, Problem
from gebied.io import read_raw_table

#: RD New bounds of the Netherlands (land and coastal waters), metres.
RD_BOUNDS = (0.0, 300000.0, 289000.0, 630000.0)
#: WGS84 bounds of the Netherlands, degrees.
LON_BOUNDS = (3.2, 7.3)
LAT_BOUNDS = (50.7, 53.7)

LON_NAMES = ("lon", "lng", "longitude", "lengtegraad")
LAT_NAMES = ("lat", "latitude", "breedtegraad")


def read_addresses(path: str | os.PathLike) -> gpd.GeoDataFrame:
    """Read and validate an address file (CSV, GeoPackage, GeoJSON or Parquet).

    Parameters
    ----------
    path
        The address file.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per address in file order, point geometry in EPSG:28992.

    Raises
    ------
    GebiedError
        With a Dutch message naming file, row and column.
    """
    raw, first_row = read_raw_table(path)
    return validate_addresses(raw, file=str(path), first_row=first_row)


def _rows(mask: np.ndarray, first_row: int) -> list[int]:
    return [int(i) + first_row for i in np.flatnonzero(mask)]


def _fail(message: str, file: str | None, column: str | None, rows: list[int], detail=None) -> None:
    problems = [Problem(detail(r) if detail else message, row=r, column=column) for r in rows]
    raise GebiedError(
        f"{message} ({len(rows)} rij{'en' if len(rows) != 1 else ''})" if rows else message,
        file=file,
        column=column,
        row=rows[0] if len(rows) == 1 else None,
        problems=problems if len(rows) > 1 else [],
    )


def _as_text(series: pd.Series) -> pd.Series:
    """Text with surrounding blanks stripped and empty values as NA."""
    s = series.astype("string").str.strip()
    return s.mask(s == "", pd.NA)


def _to_number(series: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(series):
        return pd.to_numeric(series, errors="coerce").astype(float)
    s = _as_text(series)
    s = s.where(~s.str.contains(",", na=False) | s.str.contains(r"\.", na=False), s.str.replace(",", "."))
    return pd.to_numeric(s, errors="coerce").astype(float)


def _find(columns: pd.Index, names: tuple[str, ...]) -> str | None:
    lower = {str(c).lower(): c for c in columns}
    for n in names:
        if n in lower:
            return lower[n]
    return None


def _numeric_pair(df, cx, cy, file, first_row) -> tuple[np.ndarray, np.ndarray]:
    out = []
    for col in (cx, cy):
        values = _to_number(df[col])
        bad = values.isna().to_numpy()
        if bad.any():
            raw = df[col].astype("string").fillna("")
            _fail(
                "coördinaat ontbreekt of is geen getal",
                file,
                col,
                _rows(bad, first_row),
                detail=lambda r, raw=raw: f"'{raw.iloc[r - first_row]}' is geen getal",
            )
        out.append(values.to_numpy())
    return out[0], out[1]


def _check_rd(x, y, file, first_row, cols=("x", "y")) -> None:
    xmin, xmax, ymin, ymax = RD_BOUNDS
    if np.nanmax(np.abs(np.concatenate([x, y]))) < 180:
        raise GebiedError(
            f"de kolommen '{cols[0]}'/'{cols[1]}' bevatten graden, geen RD-meters; "
            "gebruik kolommen lon/lat voor WGS84",
            file=file,
            column=cols[0],
        )
    outside = ~((x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax))
    if outside.any():
        _fail(
            "punt ligt buiten Nederland (RD-coördinaten buiten bereik)",
            file,
            cols[0],
            _rows(outside, first_row),
            detail=lambda r: f"({x[r - first_row]:.1f}, {y[r - first_row]:.1f}) ligt buiten Nederland",
        )


def _check_lonlat(lon, lat, file, first_row, cols) -> None:
    in_lon = lambda v: (v >= LON_BOUNDS[0]) & (v <= LON_BOUNDS[1])  # noqa: E731
    in_lat = lambda v: (v >= LAT_BOUNDS[0]) & (v <= LAT_BOUNDS[1])  # noqa: E731
    rd_like = (np.abs(lon) > 1000) | (np.abs(lat) > 1000)
    if rd_like.any():
        _fail(
            "de kolommen lon/lat bevatten RD-meters in plaats van graden; gebruik kolommen x/y",
            file,
            cols[0],
            _rows(rd_like, first_row),
        )
    swapped = in_lat(lon) & in_lon(lat)
    if swapped.any():
        _fail(
            "lon en lat zijn verwisseld (lengte- en breedtegraad omgedraaid)",
            file,
            cols[0],
            _rows(swapped, first_row),
        )
    outside = ~(in_lon(lon) & in_lat(lat))
    if outside.any():
        _fail(
            "punt ligt buiten Nederland",
            file,
            cols[0],
            _rows(outside, first_row),
            detail=lambda r: f"({lon[r - first_row]:.5f}, {lat[r - first_row]:.5f}) ligt buiten Nederland",
        )


#: Largest distance between the x/y and the lon/lat position of one address (metres).
AGREE_M = 25.0


def _check_agree(points: gpd.GeoSeries, df: pd.DataFrame, cols: tuple[str, str], file, first_row) -> None:
    """Both x/y and lon/lat given: they must name the same place."""
    lon, lat = _numeric_pair(df, cols[0], cols[1], file, first_row)
    _check_lonlat(lon, lat, file, first_row, cols)
    other = gpd.GeoSeries(gpd.points_from_xy(lon, lat), index=df.index, crs=4326).to_crs(28992)
    far = (points.distance(other) > AGREE_M).to_numpy()
    if far.any():
        _fail(
            f"x/y en {cols[0]}/{cols[1]} wijzen naar verschillende plekken (meer dan {AGREE_M:.0f} m uit elkaar); "
            "laat een van beide paren weg of corrigeer ze",
            file,
            cols[0],
            _rows(far, first_row),
        )


def _geometry(df: pd.DataFrame, file: str | None, first_row: int) -> gpd.GeoSeries:
    has_geom = isinstance(df, gpd.GeoDataFrame) and df.geometry.name in df.columns
    cx, cy = _find(df.columns, ("x", "x_rd", "rd_x")), _find(df.columns, ("y", "y_rd", "rd_y"))
    clon, clat = _find(df.columns, LON_NAMES), _find(df.columns, LAT_NAMES)
    if has_geom and df.geometry.notna().any() and not df.geometry.is_empty.all():
        geom = df.geometry
        if geom.crs is None:
            raise GebiedError("de geometrie heeft geen coördinaatsysteem (CRS)", file=file, column=geom.name)
        missing = (geom.isna() | geom.is_empty).to_numpy()
        if missing.any():
            _fail("geometrie ontbreekt", file, geom.name, _rows(missing, first_row))
        not_point = (geom.geom_type != "Point").to_numpy()
        if not_point.any():
            _fail("geometrie is geen punt", file, geom.name, _rows(not_point, first_row))
        rd = geom.to_crs(28992)
        if geom.crs.is_geographic:
            _check_lonlat(geom.x.to_numpy(), geom.y.to_numpy(), file, first_row, (geom.name, geom.name))
        else:
            _check_rd(rd.x.to_numpy(), rd.y.to_numpy(), file, first_row, (geom.name, geom.name))
        return gpd.GeoSeries(rd.values, index=df.index, crs=28992)
    if cx and cy:
        x, y = _numeric_pair(df, cx, cy, file, first_row)
        _check_rd(x, y, file, first_row, (cx, cy))
        points = gpd.GeoSeries(gpd.points_from_xy(x, y), index=df.index, crs=28992)
        if clon and clat:
            _check_agree(points, df, (clon, clat), file, first_row)
        return points
    if clon and clat:
        lon, lat = _numeric_pair(df, clon, clat, file, first_row)
        _check_lonlat(lon, lat, file, first_row, (clon, clat))
        pts = gpd.GeoSeries(gpd.points_from_xy(lon, lat), index=df.index, crs=4326)
        return pts.to_crs(28992)
    if has_geom:
        raise GebiedError(
            "het bestand heeft geen geometrie en geen kolommen x/y of lon/lat", file=file
        )
    raise GebiedError(
        "coördinaten ontbreken: verwacht kolommen x en y (RD), lon en lat (WGS84) of een geometrie",
        file=file,
        problems=[Problem(f"gevonden kolommen: {', '.join(map(str, df.columns))}")],
    )


def check_columns(df: pd.DataFrame, *, file: str | None = None, first_row: int = 1) -> pd.DataFrame:
    """Check and normalise the code, integer and text columns of the data contract.

    Codes get their canonical spelling, integers become ``Int64``, empty text becomes NA;
    a bad value raises :class:`GebiedError` naming file, row and column.
    """
    df = df.copy()
    for col, allowed in CODE_COLUMNS.items():
        if col not in df.columns:
            continue
        s = _as_text(df[col])
        lookup = {a.lower(): a for a in allowed}
        norm = s.str.lower().map(lookup, na_action="ignore")
        bad = (s.notna() & norm.isna()).to_numpy()
        if bad.any():
            _fail(
                f"onbekende code; toegestaan: {', '.join(allowed)} of leeg",
                file,
                col,
                _rows(bad, first_row),
                detail=lambda r, s=s: f"onbekende waarde '{s.iloc[r - first_row]}'",
            )
        df[col] = norm.astype("string")

    for col, (lo, hi) in INTEGER_COLUMNS.items():
        if col not in df.columns:
            continue
        s = _as_text(df[col]) if not pd.api.types.is_numeric_dtype(df[col]) else df[col]
        num = pd.to_numeric(s, errors="coerce")
        bad = (pd.Series(s).notna() & (num.isna() | (num % 1 != 0) | (num < lo) | (num > hi))).to_numpy()
        if bad.any():
            _fail(
                f"geen geheel getal tussen {lo} en {hi}",
                file,
                col,
                _rows(bad, first_row),
                detail=lambda r, s=s: f"ongeldige waarde '{pd.Series(s).iloc[r - first_row]}'",
            )
        df[col] = num.astype("Int64")

    for col in TEXT_COLUMNS:
        if col in df.columns:
            df[col] = _as_text(df[col])
    return df


def validate_addresses(
    frame: pd.DataFrame, *, file: str | None = None, first_row: int = 1
) -> gpd.GeoDataFrame:
    """Check an address table against the data contract and normalise it.

    Parameters
    ----------
    frame
        The raw table (text columns as read, or a GeoDataFrame).
    file
        Name of the file it came from, used in messages.
    first_row
        The number a user sees for the first data row (2 for a CSV with header).

    Returns
    -------
    geopandas.GeoDataFrame
        Same rows and order; codes normalised, empty values as NA, integers as
        ``Int64``, point geometry in EPSG:28992. Unknown columns are kept.
    """
    df = frame.copy()
    df.columns = [str(c).strip() for c in df.columns]
    known = set(CODE_COLUMNS) | set(TEXT_COLUMNS) | set(INTEGER_COLUMNS) | {"adres_id"}
    df = df.rename(columns={c: c.lower() for c in df.columns if c.lower() in known})
    if len(df) == 0:
        raise GebiedError("het bestand bevat geen rijen met adressen", file=file)
    if "adres_id" not in df.columns:
        raise GebiedError(
            "verplichte kolom 'adres_id' ontbreekt",
            file=file,
            column="adres_id",
            problems=[Problem(f"gevonden kolommen: {', '.join(map(str, df.columns))}")],
        )
    df = df.reset_index(drop=True)
    geometry = _geometry(df, file, first_row)

    ids = _as_text(df["adres_id"])
    empty = ids.isna().to_numpy()
    if empty.any():
        _fail("adres_id is leeg", file, "adres_id", _rows(empty, first_row))
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        _fail(
            "adres_id komt meer dan eens voor",
            file,
            "adres_id",
            _rows(dup, first_row),
            detail=lambda r: f"adres_id '{ids.iloc[r - first_row]}' is dubbel",
        )
    df["adres_id"] = ids

    df = check_columns(df, file=file, first_row=first_row)

    if isinstance(df, gpd.GeoDataFrame):
        df = pd.DataFrame(df.drop(columns=df.geometry.name))
    if "x" in df.columns and "y" in df.columns:
        df["x"] = geometry.x.to_numpy()
        df["y"] = geometry.y.to_numpy()
    return gpd.GeoDataFrame(df, geometry=geometry.values, crs=28992)


def code_counts(addresses: pd.DataFrame, column: str) -> pd.DataFrame:
    """Count addresses per value of a code column, in the code's own order.

    Empty values are counted as ``(leeg)``. Returns columns ``waarde``, ``aantal``,
    ``aandeel`` (0–1).
    """
    order = list(CODE_COLUMNS.get(column, ()))
    values = addresses[column].astype("string").fillna("(leeg)") if column in addresses else pd.Series(dtype="string")
    counts = values.value_counts()
    index = [v for v in order if v in counts.index] + sorted(v for v in counts.index if v not in order)
    counts = counts.reindex(index)
    total = int(counts.sum()) or 1
    return pd.DataFrame(
        {"waarde": counts.index.astype(str), "aantal": counts.to_numpy(int), "aandeel": counts.to_numpy() / total}
    )


def summarize(addresses: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Counts per ``risicoprofiel``, ``ncg_fase``, ``uitkomst`` and ``img_status``."""
    return {
        col: code_counts(addresses, col)
        for col in ("risicoprofiel", "ncg_fase", "uitkomst", "img_status")
        if col in addresses.columns
    }
