"""One row per treintje: outline, counts, dominant typology and a Dutch explanation."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from gebied.clusters.territory import cluster_territories
from gebied.codes import NCG_FASEN, RISICOPROFIELEN, UITKOMSTEN
from gebied.frames import (
    area_level,
    fmt_pct,
    mode_per_group,
    ranked_counts,
    require_column,
    text_column,
)


def _counts(values: pd.Series, keys: pd.Series, categories, prefix: str) -> pd.DataFrame:
    cat = pd.Categorical(values.to_numpy(dtype=object), categories=list(categories))
    table = pd.crosstab(keys.to_numpy(), cat, dropna=False)
    table = table.reindex(columns=list(categories), fill_value=0)
    table.columns = [f"{prefix}{c}" for c in categories]
    return table


def _share(values: pd.Series, keys: pd.Series, mode: pd.Series) -> pd.Series:
    df = pd.DataFrame({"k": keys.to_numpy(), "v": values.to_numpy(dtype=object)})
    v = df["v"].astype("string")
    m = df["k"].map(mode).astype("string")
    df["hit"] = v.eq(m).fillna(False).astype(bool)
    return df.groupby("k")["hit"].mean()


def _top_streets(streets: pd.Series, keys: pd.Series, n: int = 2) -> pd.Series:
    counts = ranked_counts(streets, keys)
    if counts.empty:
        return pd.Series(dtype=object)
    total = counts.groupby("key").size()
    top = counts.groupby("key").head(n).groupby("key")["value"].agg(list)
    return pd.Series({k: (v, int(total[k])) for k, v in top.items()})


def _explain(row: pd.Series, area_column: str) -> str:
    n = int(row["aantal"])
    level = area_level(area_column)
    name = row.get("_naam")
    where = f"{level} {name} ({row['gebied_code']})" if isinstance(name, str) and name != row["gebied_code"] else f"{level} {row['gebied_code']}"
    if row["cluster_status"] == "groot_pand":
        return f"Eén pand met {n} adressen in {where}; een pand wordt nooit gesplitst."
    parts = []
    if row["cluster_status"] == "te_klein":
        parts.append(
            f"Klein cluster van {n} adressen in {where} (het gebied heeft niet meer adressen, "
            "of de buurclusters zijn te vol om ze op te nemen)"
        )
    else:
        parts.append(f"{n} adressen in {where} die aaneengesloten bij elkaar liggen")
    streets = row.get("_straten")
    if isinstance(streets, tuple):
        names, total = streets
        text = " en ".join(names)
        if total > len(names):
            more = total - len(names)
            text += f" (en {more} andere {'straten' if more > 1 else 'straat'})"
        parts.append(f"rond {text}")
    if isinstance(row.get("typologie_dominant"), str):
        parts.append(f"vooral {row['typologie_dominant']} ({fmt_pct(row['_typ_share'], decimals=0)})")
    if not pd.isna(row.get("_jaar_min")):
        lo, hi = int(row["_jaar_min"]), int(row["_jaar_max"])
        parts.append(f"gebouwd {lo}" if lo == hi else f"gebouwd {lo}–{hi}")
    sentence = ", ".join(parts) + "."
    p50, p90 = int(row["aantal_P50"]), int(row["aantal_P90"])
    if p50:
        sentence += (
            f" {'De ' + str(p50) + ' P50-adressen gaan' if p50 > 1 else 'Het P50-adres gaat'} samen "
            f"met de woningen eromheen{f' (waarvan {p90} P90)' if p90 else ''}, "
            "zodat de straat niet wordt opgeknipt."
        )
    elif p90:
        sentence += f" Met {p90} P90-adres{'sen' if p90 > 1 else ''}."
    return sentence


def summarize_clusters(
    clustered: gpd.GeoDataFrame,
    *,
    area_column: str,
    min_size: int | None = None,
    max_size: int | None = None,
    areas: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """One row per cluster with the columns of layer ``clusters`` (docs/PLAN_SCHEMA.md).

    Parameters
    ----------
    clustered
        Output of ``make_clusters`` (possibly edited).
    area_column
        The area column used for clustering; its most common value is ``gebied_code``.
    min_size, max_size
        When given, ``cluster_status`` is derived from the sizes (for edited clusterings);
        otherwise the most common ``cluster_status`` of the cluster's addresses is kept.
    areas
        The prepared areas of ``area_column`` (``code``, geometry); territories are clipped
        to them. Without them a territory is clipped to the circles around its addresses only.

    Returns
    -------
    geopandas.GeoDataFrame
        ``cluster_id``, ``gebied_code``, ``gemeente_code``, ``aantal``, ``aantal_P50`` …,
        ``fase_1.2`` … ``fase_gereed``, ``uitkomst_*``, ``typologie_dominant``,
        ``cluster_status``, ``toelichting``, ``spreiding_m`` and the cluster's territory
        (:func:`gebied.clusters.territory.cluster_territories`: no overlap with other
        clusters, near its homes), EPSG:28992.
    """
    require_column(clustered, area_column)
    require_column(clustered, "cluster_id")
    cid = text_column(clustered, "cluster_id")
    sel = cid.notna().to_numpy()
    df = clustered.loc[sel]
    keys = cid[sel].reset_index(drop=True)
    if df.empty:
        return gpd.GeoDataFrame({"cluster_id": pd.Series(dtype="string")}, geometry=[], crs=clustered.crs)
    xs, ys = df.geometry.x.to_numpy(), df.geometry.y.to_numpy()
    labels, uniq = pd.factorize(keys, sort=True)
    out = pd.DataFrame(index=pd.Index(uniq, name="cluster_id"))
    out["gebied_code"] = mode_per_group(text_column(df, area_column), keys)
    if area_column.endswith("_code"):
        out["_naam"] = mode_per_group(text_column(df, area_column[:-5] + "_naam"), keys)
    gem = text_column(df, "gemeente_code")
    out["gemeente_code"] = mode_per_group(gem, keys) if gem.notna().any() else pd.NA
    out["aantal"] = np.bincount(labels)
    out = out.join(_counts(text_column(df, "risicoprofiel"), keys, RISICOPROFIELEN, "aantal_"))
    out = out.join(_counts(text_column(df, "ncg_fase"), keys, NCG_FASEN, "fase_"))
    out = out.join(_counts(text_column(df, "uitkomst"), keys, UITKOMSTEN, "uitkomst_"))
    typ = text_column(df, "typologie")
    out["typologie_dominant"] = mode_per_group(typ, keys)
    out["_typ_share"] = _share(typ, keys, out["typologie_dominant"])
    if min_size is not None and max_size is not None:
        out["cluster_status"] = np.where(
            out["aantal"] > max_size, "groot_pand", np.where(out["aantal"] < min_size, "te_klein", "normaal")
        )
    else:
        out["cluster_status"] = mode_per_group(text_column(df, "cluster_status"), keys)
    if "bouwjaar" in df.columns:
        jaar = pd.to_numeric(df["bouwjaar"], errors="coerce").to_numpy(dtype=float)
        years = pd.DataFrame({"k": keys.to_numpy(), "j": jaar}).groupby("k")["j"]
        out["_jaar_min"] = years.quantile(0.1).round()
        out["_jaar_max"] = years.quantile(0.9).round()
    out["_straten"] = _top_streets(text_column(df, "straat"), keys)
    cx = np.bincount(labels, weights=xs) / out["aantal"].to_numpy()
    cy = np.bincount(labels, weights=ys) / out["aantal"].to_numpy()
    d2 = (xs - cx[labels]) ** 2 + (ys - cy[labels]) ** 2
    out["spreiding_m"] = np.sqrt(np.bincount(labels, weights=d2) / out["aantal"].to_numpy()).round(1)
    out["toelichting"] = [_explain(r, area_column) for _, r in out.iterrows()]
    out = out.drop(columns=[c for c in out.columns if c.startswith("_")]).reset_index()
    for col in ("cluster_id", "gebied_code", "gemeente_code", "typologie_dominant", "cluster_status", "toelichting"):
        out[col] = out[col].astype("string")
    territory = cluster_territories(clustered, areas=areas, area_column=area_column)
    return gpd.GeoDataFrame(out, geometry=territory.reindex(out["cluster_id"].to_numpy()).values, crs=clustered.crs)
