"""Reading input files and writing outputs atomically (temp file + rename)."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pyogrio

from gebied.errors import GebiedError, GebiedWarning

TABLE_SUFFIXES = (".csv", ".txt")
VECTOR_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp")
OUTPUT_SUFFIXES = (".gpkg", ".csv", ".parquet", ".geojson")


def _decode_text(path: Path) -> str:
    """Decode a text file as UTF-8 (with or without BOM) or latin-1 with a warning."""
    data = path.read_bytes()
    if not data.strip():
        raise GebiedError("het bestand is leeg", file=str(path))
    sample = data[:65536]
    if b"\x00" in sample or sum(b < 9 or 13 < b < 32 for b in sample) > len(sample) // 100:
        raise GebiedError(
            "dit is geen tekstbestand (binaire inhoud); verwacht CSV, GeoPackage, GeoJSON of Parquet",
            file=str(path),
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        warnings.warn(
            GebiedWarning(
                f"bestand {path}: geen geldige UTF-8 (eerste afwijking in regel {line}); "
                "gelezen als latin-1"
            ),
            stacklevel=2,
        )
        return data.decode("latin-1")


def read_csv_text(path: Path) -> pd.DataFrame:
    """Read a CSV with ``,`` or ``;`` as separator, every column as text."""
    text = _decode_text(path)
    header = text.splitlines()[0] if text.splitlines() else ""
    sep = ";" if header.count(";") > header.count(",") else ","
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_values=[],
            skipinitialspace=True,
        )
    except pd.errors.EmptyDataError:
        raise GebiedError("het bestand bevat geen kolommen", file=str(path)) from None
    except (pd.errors.ParserError, csv.Error) as exc:
        raise GebiedError(f"het CSV-bestand is onleesbaar: {exc}", file=str(path)) from None
    df.columns = [str(c).strip() for c in df.columns]
    return df


def read_vector(path: Path, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read a GeoPackage, GeoJSON or shapefile layer with a clear error when unreadable."""
    if not path.exists():
        raise GebiedError("bestand niet gevonden", file=str(path))
    if path.stat().st_size == 0:
        raise GebiedError("het bestand is leeg", file=str(path))
    try:
        return gpd.read_file(path, layer=layer, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise GebiedError(
            f"het bestand is onleesbaar of afgebroken ({_short(exc)})", file=str(path)
        ) from None
    except ValueError as exc:
        raise GebiedError(f"het bestand is onleesbaar ({_short(exc)})", file=str(path)) from None


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200]


def read_raw_table(path: str | os.PathLike) -> tuple[pd.DataFrame, int]:
    """Read an address file of any supported format without validating it.

    Returns
    -------
    frame, first_row
        The table (a GeoDataFrame where the file has geometry) and the number a user
        sees for its first data row (2 for CSV, after the header; 1 otherwise).
    """
    p = Path(path)
    if not p.exists():
        raise GebiedError("bestand niet gevonden", file=str(p))
    suffix = p.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return read_csv_text(p), 2
    if suffix == ".parquet":
        try:
            table = pq.read_table(p)
        except Exception as exc:  # pyarrow raises several types for corrupt files
            raise GebiedError(f"het Parquet-bestand is onleesbaar ({_short(exc)})", file=str(p)) from None
        meta = table.schema.metadata or {}
        if b"geo" in meta:
            return gpd.read_parquet(p), 1
        return table.to_pandas(), 1
    if suffix in VECTOR_SUFFIXES:
        return read_vector(p), 1
    raise GebiedError(
        f"onbekend bestandstype '{suffix}'; gebruik .csv, .gpkg, .geojson of .parquet", file=str(p)
    )


# --------------------------------------------------------------------------- writing


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    os.unlink(tmp)  # writers such as GDAL want to create the file themselves
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        for leftover in (tmp_path, Path(str(tmp_path) + "-journal"), Path(str(tmp_path) + "-wal")):
            if leftover.exists():
                leftover.unlink()


def _to_plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Table without geometry, with RD x/y columns for point geometries."""
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        geom = frame.geometry
        out = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        if len(geom) and (geom.geom_type == "Point").all():
            rd = geom.to_crs(28992) if geom.crs is not None else geom
            out["x"] = rd.x.round(3)
            out["y"] = rd.y.round(3)
        return out
    return pd.DataFrame(frame)


def _write_one(frame: pd.DataFrame, path: Path, suffix: str, layer: str | None) -> None:
    if suffix == ".csv":
        _to_plain(frame).to_csv(path, index=False, lineterminator="\n")
    elif suffix == ".parquet":
        if isinstance(frame, gpd.GeoDataFrame):
            frame.to_parquet(path, index=False)
        else:
            frame.to_parquet(path, index=False)
    elif suffix == ".geojson":
        if not isinstance(frame, gpd.GeoDataFrame):
            raise GebiedError("GeoJSON vraagt om een laag met geometrie", file=str(path))
        frame.to_crs(4326).to_file(path, driver="GeoJSON", engine="pyogrio")
    elif suffix == ".gpkg":
        if not isinstance(frame, gpd.GeoDataFrame):
            frame = gpd.GeoDataFrame(frame)
        frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
    else:
        raise GebiedError(
            f"onbekend uitvoertype '{suffix}'; gebruik {', '.join(OUTPUT_SUFFIXES)}", file=str(path)
        )


def write_table(frame: pd.DataFrame, path: str | os.PathLike, *, layer: str | None = None) -> Path:
    """Write ``frame`` to ``path`` in the format of its extension, atomically.

    GeoJSON is written in EPSG:4326; GeoPackage keeps the frame's CRS; CSV gets
    RD ``x``/``y`` columns in place of point geometry.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise GebiedError(
            f"onbekend uitvoertype '{suffix}'; gebruik {', '.join(OUTPUT_SUFFIXES)}", file=str(target)
        )
    with atomic_path(target) as tmp:
        _write_one(frame, tmp, suffix, layer or target.stem)
    return target


def write_layers(layers: Mapping[str, pd.DataFrame], path: str | os.PathLike) -> Path:
    """Write several layers into one GeoPackage, atomically (all or nothing)."""
    target = Path(path)
    with atomic_path(target) as tmp:
        for name, frame in layers.items():
            _write_one(frame, tmp, ".gpkg", name)
    return target
