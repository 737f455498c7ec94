"""Reading and preparing area layers (gemeente, wijk, buurt, woonplaats, PC4)."""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebied.errors import GebiedError, GebiedWarning, Problem
from gebied.io import read_vector, split_layer

#: Code columns recognised automatically, most specific first (CBS and PDOK names).
CODE_CANDIDATES = (
    "statcode", "buurtcode", "bu_code", "wijkcode", "wk_code", "gemeentecode", "gm_code",
    "woonplaatscode", "wp_code", "identificatie", "postcode", "pc4", "pc6", "code",
)
NAME_CANDIDATES = (
    "statnaam", "buurtnaam", "bu_naam", "wijknaam", "wk_naam", "gemeentenaam", "gm_naam",
    "woonplaatsnaam", "wp_naam", "woonplaats", "naam", "name",
)
#: Columns that hold only a name; one of them serves as code when it is the only candidate.
NAME_ONLY_CANDIDATES = (*NAME_CANDIDATES, "gemeente", "wijk", "buurt")
LAYER_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass
class AreaSpec:
    """One ``NAAM=BESTAND[:CODEKOLOM[:NAAMKOLOM]]`` argument."""

    name: str
    path: Path
    code_column: str | None = None
    name_column: str | None = None
    layer: str | None = None

    @classmethod
    def parse(cls, text: str) -> "AreaSpec":
        """Parse ``naam=bestand.gpkg[#laag][:codekolom[:naamkolom]]``."""
        if "=" not in text:
            raise GebiedError(
                f"--gebieden '{text}' heeft niet de vorm NAAM=BESTAND[:CODEKOLOM[:NAAMKOLOM]]"
            )
        name, rest = text.split("=", 1)
        name = name.strip().lower()
        if not LAYER_NAME.match(name):
            raise GebiedError(
                f"--gebieden: laagnaam '{name}' mag alleen kleine letters, cijfers en _ bevatten"
            )
        parts = rest.split(":")
        path, layer = parts[0], None
        if "#" in path:
            path, layer = path.split("#", 1)
        return cls(
            name=name,
            path=Path(path),
            code_column=(parts[1] or None) if len(parts) > 1 else None,
            name_column=(parts[2] or None) if len(parts) > 2 else None,
            layer=layer,
        )


def _pick(columns: pd.Index, wanted: str | None, candidates: tuple[str, ...]) -> str | None:
    lower = {str(c).lower(): c for c in columns}
    if wanted is not None:
        return lower.get(wanted.lower())
    for c in candidates:
        if c in lower:
            return lower[c]
    return None


def _name_only(columns: pd.Index) -> str | None:
    """The one name-like column (``gemeente`` in a gemeenten layer), or None if there are several."""
    lower = {str(c).lower() for c in columns}
    found = [c for c in columns if str(c).lower() in NAME_ONLY_CANDIDATES]
    return found[0] if len(found) == 1 and len(lower) == len(columns) else None


def prepare_areas(
    areas: gpd.GeoDataFrame,
    *,
    code_column: str | None = None,
    name_column: str | None = None,
    file: str | None = None,
) -> gpd.GeoDataFrame:
    """Normalise an area layer to columns ``code``, ``naam``, ``geometry`` in EPSG:28992.

    Invalid polygons are repaired with ``make_valid`` (with a warning); parts with the
    same code are merged; non-polygon rows are an error.
    """
    if areas.crs is None:
        raise GebiedError(
            "de gebiedenlaag heeft geen coördinaatsysteem (CRS); sla hem op met een CRS, "
            "bijvoorbeeld EPSG:28992",
            file=file,
        )
    if len(areas) == 0:
        raise GebiedError("de gebiedenlaag bevat geen polygonen", file=file)
    code = _pick(areas.columns, code_column, CODE_CANDIDATES)
    if code is None and code_column is None:
        code = _name_only(areas.columns)
    if code is None:
        what = f"codekolom '{code_column}' ontbreekt" if code_column else "geen codekolom gevonden"
        raise GebiedError(
            f"{what} in de gebiedenlaag; geef hem op als NAAM=BESTAND:CODEKOLOM",
            file=file,
            column=code_column,
            problems=[Problem(f"gevonden kolommen: {', '.join(c for c in areas.columns if c != areas.geometry.name)}")],
        )
    name = _pick(areas.columns, name_column, NAME_CANDIDATES)
    if name_column is not None and name is None:
        raise GebiedError(f"naamkolom '{name_column}' ontbreekt in de gebiedenlaag", file=file, column=name_column)
    geom = areas.geometry.to_crs(28992)
    missing = (geom.isna() | geom.is_empty).to_numpy()
    if missing.all():
        raise GebiedError("de gebiedenlaag heeft geen geometrie", file=file)
    kinds = geom[~missing].geom_type
    bad = ~kinds.isin(["Polygon", "MultiPolygon"])
    if bad.any():
        row = int(kinds.index[bad.to_numpy()][0]) + 1
        raise GebiedError("gebieden moeten polygonen zijn", file=file, row=row, column=areas.geometry.name)
    invalid = ~geom.is_valid & ~missing
    if invalid.any():
        codes = areas.loc[invalid, code].astype(str).tolist()
        warnings.warn(
            GebiedWarning(
                f"bestand {file}: {int(invalid.sum())} ongeldige polygoon(en) hersteld met make_valid "
                f"({', '.join(codes[:5])}{' …' if len(codes) > 5 else ''})"
            ),
            stacklevel=2,
        )
        mask = invalid.to_numpy()
        values = np.asarray(geom.values, dtype=object).copy()
        values[mask] = [_polygonal(g) for g in shapely.make_valid(values[mask])]
        geom = gpd.GeoSeries(values, index=geom.index, crs=geom.crs)
    out = gpd.GeoDataFrame(
        {
            "code": areas[code].astype("string").str.strip(),
            "naam": areas[name].astype("string").str.strip() if name else areas[code].astype("string"),
        },
        geometry=geom.values,
        crs=28992,
    )
    out["code"] = out["code"].replace("", pd.NA)
    if out["code"].isna().all():
        raise GebiedError(
            f"de codekolom '{code}' van de gebiedenlaag is overal leeg; kies een andere kolom met NAAM=BESTAND:CODEKOLOM",
            file=file,
            column=code,
        )
    out = out[~missing & out["code"].notna().to_numpy()]
    if out["code"].duplicated().any():
        out = out.dissolve(by="code", aggfunc={"naam": "first"}, as_index=False)[["code", "naam", "geometry"]]
    return out.sort_values("code", kind="stable").reset_index(drop=True)


def _polygonal(g):
    """Keep only the polygon parts of a repaired geometry."""
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def report_overlaps(areas: gpd.GeoDataFrame, *, file: str | None = None, min_area: float = 1.0) -> int:
    """Warn about pairs of areas that overlap by more than ``min_area`` m²; return the count."""
    tree = shapely.STRtree(areas.geometry.values)
    left, right = tree.query(areas.geometry.values, predicate="overlaps")
    keep = left < right
    left, right = left[keep], right[keep]
    if len(left) == 0:
        return 0
    inter = shapely.area(shapely.intersection(areas.geometry.values[left], areas.geometry.values[right]))
    big = inter > min_area
    n = int(big.sum())
    if n:
        pairs = [f"{areas['code'].iat[a]}/{areas['code'].iat[b]}" for a, b in zip(left[big][:5], right[big][:5])]
        warnings.warn(
            GebiedWarning(
                f"bestand {file}: {n} paar gebieden overlapt ({', '.join(pairs)}"
                f"{' …' if n > 5 else ''}); een adres in een overlap gaat naar het gebied waar het het diepst in ligt"
            ),
            stacklevel=2,
        )
    return n


def read_areas(spec: AreaSpec | str | os.PathLike, **kwargs) -> gpd.GeoDataFrame:
    """Read an area layer from a file (or a ``NAAM=BESTAND:…`` spec) and prepare it."""
    if isinstance(spec, str) and "=" in spec:
        spec = AreaSpec.parse(spec)
    if not isinstance(spec, AreaSpec):
        path, layer = split_layer(spec)
        spec = AreaSpec(name="gebied", path=path, layer=layer)
    raw = read_vector(spec.path, layer=spec.layer)
    areas = prepare_areas(
        raw,
        code_column=kwargs.get("code_column", spec.code_column),
        name_column=kwargs.get("name_column", spec.name_column),
        file=str(spec.path),
    )
    report_overlaps(areas, file=str(spec.path))
    return areas
