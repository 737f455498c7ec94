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
import pyarrow.types as pat
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
    _refuse_duplicate_columns(text, sep, path)
    return df


def _refuse_duplicate_columns(text: str, sep: str, path: Path) -> None:
    """pandas renames a repeated header to ``naam.1``; refuse it instead (which one is meant?)."""
    header = next(csv.reader(io.StringIO(text.splitlines()[0]), delimiter=sep, skipinitialspace=True))
    names = [h.strip() for h in header]
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if name in seen:
            raise GebiedError(
                f"kolomnaam '{name}' komt meer dan eens voor in de kopregel (ook als kolom {position}); "
                "geef elke kolom een eigen naam",
                file=str(path),
                row=1,
                column=name,
            )
        seen.add(name)


def split_layer(path: str | os.PathLike) -> tuple[Path, str | None]:
    """``BESTAND#LAAG`` → (file, layer); a path that exists as given is never split."""
    text = str(path)
    if "#" in text and not Path(text).exists():
        file, layer = text.rsplit("#", 1)
        return Path(file), layer or None
    return Path(text), None


def point_layer(path: Path, layer: str | None) -> str | None:
    """The layer to read addresses from: the named one, or the only point layer."""
    try:
        layers = pyogrio.list_layers(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise GebiedError(f"het bestand is onleesbaar of afgebroken ({_short(exc)})", file=str(path)) from None
    names = [str(n) for n in layers[:, 0]]
    if layer is not None:
        if layer not in names:
            raise GebiedError(f"laag '{layer}' bestaat niet; lagen in dit bestand: {', '.join(names)}", file=str(path))
        return layer
    points = [str(n) for n, kind in layers if kind and "point" in str(kind).lower()]
    if len(points) > 1:
        raise GebiedError(
            f"het bestand heeft {len(points)} puntlagen ({', '.join(points)}); kies er een met BESTAND#LAAG, "
            f"bijvoorbeeld {path}#{points[0]}",
            file=str(path),
        )
    return points[0] if points else None


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
    p, layer = split_layer(path)
    if not p.exists():
        raise GebiedError("bestand niet gevonden", file=str(p))
    if p.is_dir():
        raise GebiedError("dit is een map, geen bestand; geef het adresbestand zelf op", file=str(p))
    suffix = p.suffix.lower()
    if layer is not None and suffix not in VECTOR_SUFFIXES:
        raise GebiedError(f"'#{layer}': alleen een GeoPackage of shapefile heeft lagen", file=str(p))
    if suffix in TABLE_SUFFIXES:
        return read_csv_text(p), 2
    if suffix == ".parquet":
        try:
            table = pq.read_table(p)
        except Exception as exc:  # pyarrow raises several types for corrupt files
            raise GebiedError(f"het Parquet-bestand is onleesbaar ({_short(exc)})", file=str(p)) from None
        _refuse_numeric_ids(table, p)
        meta = table.schema.metadata or {}
        if b"geo" in meta:
            return gpd.read_parquet(p), 1
        return table.to_pandas(), 1
    if suffix in VECTOR_SUFFIXES:
        return read_vector(p, layer=point_layer(p, layer)), 1
    raise GebiedError(
        f"onbekend bestandstype '{suffix}'; gebruik .csv, .gpkg, .geojson of .parquet", file=str(p)
    )


#: Identifier columns that must be text: BAG ids have 16 digits with leading zeros.
ID_COLUMNS = ("adres_id", "pand_id")


def _refuse_numeric_ids(table, path: Path) -> None:
    """A numeric id column has lost its leading zeros (or became ``1.42e13``): refuse it."""
    for name in ID_COLUMNS:
        if name in table.column_names:
            kind = table.schema.field(name).type
            if pat.is_integer(kind) or pat.is_floating(kind) or pat.is_decimal(kind):
                raise GebiedError(
                    f"kolom '{name}' is numeriek ({kind}); BAG-id's zijn tekst van 16 cijfers met voorloopnullen. "
                    "Sla de kolom op als tekst (string)",
                    file=str(path),
                    column=name,
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


#: First characters that make a spreadsheet read a cell as a formula (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading ``'``.

    Cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return are neutralised
    (OWASP's rule for CSV files), unless the whole cell is a number such as ``-5`` or ``+3.5``.
    """
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if not (values.dtype == object or isinstance(values.dtype, pd.StringDtype)):
            continue
        text = values.astype("string")
        risky = text.str.startswith(FORMULA_START).fillna(False)
        if not risky.any():
            continue
        numeric = pd.to_numeric(text.where(risky), errors="coerce").notna()
        fix = (risky & ~numeric).to_numpy()
        values = values.astype(object).copy()
        values[fix] = ["'" + str(v) for v in values[fix]]
        out[col] = values
    return out


def write_csv(frame: pd.DataFrame, path: str | os.PathLike, *, index: bool = False) -> Path:
    """Write a CSV for people who open it in a spreadsheet: formulas neutralised, atomically."""
    target = Path(path)
    with atomic_path(target) as tmp:
        excel_safe(frame).to_csv(tmp, index=index, lineterminator="\n")
    return target


def _write_one(frame: pd.DataFrame, path: Path, suffix: str, layer: str | None) -> None:
    if suffix == ".csv":
        excel_safe(_to_plain(frame)).to_csv(path, index=False, lineterminator="\n")
    elif suffix == ".parquet":
        if isinstance(frame, gpd.GeoDataFrame):
            frame.to_parquet(path, index=False)
        else:
            frame.to_parquet(path, index=False)
    elif suffix == ".geojson":
        if not isinstance(frame, gpd.GeoDataFrame):
            raise GebiedError("GeoJSON vraagt om een laag met geometrie", file=str(path))
        frame.to_crs(4326).to_file(path, driver="GeoJSON", engine="pyogrio", layer=layer)
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
    if target.is_dir():
        raise GebiedError("dit is een map; geef een bestandsnaam op, bijvoorbeeld uitvoer.gpkg", file=str(target))
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
    if target.is_dir():
        raise GebiedError("dit is een map; geef een bestandsnaam op, bijvoorbeeld plan.gpkg", file=str(target))
    with atomic_path(target) as tmp:
        for name, frame in layers.items():
            _write_one(frame, tmp, ".gpkg", name)
    return target
