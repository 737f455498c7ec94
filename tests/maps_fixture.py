"""A small hand-built plan (docs/PLAN_SCHEMA.md) for the map tests.

Five buurten in one gemeente, two wijken and two woonplaatsen; one buurt ("Klein") has
fewer addresses than the default public threshold so that it must be merged or hidden.
Built with a fixed seed, so every call gives the same plan.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString, MultiPoint, box

from gebied.codes import NCG_FASEN
from gebied.io import write_layers

CRS = 28992
X0, Y0 = 233_000.0, 581_000.0

#: code, naam, wijk, woonplaats, (xmin, ymin, xmax, ymax) in metres from X0/Y0, addresses
BUURTEN = [
    ("BU00140001", "Noorderhoek", "WK001400", "Dorpen", (0, 1000, 1000, 2000), 70),
    ("BU00140002", "Zuiderhoek", "WK001400", "Dorpen", (0, 0, 1000, 1000), 60),
    ("BU00140003", "Oosterhoek", "WK001401", "Stad", (1000, 0, 2000, 1000), 50),
    ("BU00140004", "Westerhoek", "WK001401", "Stad", (1000, 1000, 2000, 2000), 30),
    ("BU00140005", "Klein", "WK001401", "Stad", (2000, 800, 2200, 1200), 4),
]
WIJKEN = {"WK001400": "Wijk Noord", "WK001401": "Wijk Oost"}
WOONPLAATSEN = {"Dorpen": "WP0001", "Stad": "WP0002"}
GEMEENTE = ("GM0014", "Proefgemeente")
PERIODS = [f"{2026 + (i // 4)}-K{i % 4 + 1}" for i in range(8)]
STREETS = ["Kerkstraat", "Dorpsweg", "Molenlaan", "Schoolstraat", "Tuinpad"]


def _addresses(rng: np.random.Generator) -> gpd.GeoDataFrame:
    rows = []
    n = 0
    for code, naam, wijk, wp, (x1, y1, x2, y2), count in BUURTEN:
        for i in range(count):
            n += 1
            x = X0 + rng.uniform(x1 + 25, x2 - 25)
            y = Y0 + rng.uniform(y1 + 25, y2 - 25)
            fase = rng.choice(list(NCG_FASEN) + [None, None], p=[0.15, 0.15, 0.1, 0.1, 0.05, 0.05, 0.05, 0.15, 0.1, 0.1])
            rows.append(
                {
                    "adres_id": f"07{n:014d}",
                    "pand_id": f"08{n // 2:014d}",
                    "straat": f"{STREETS[i % len(STREETS)]} {naam}",
                    "huisnummer": 100 + n,
                    "postcode": f"97{n % 90 + 10:02d}AB",
                    "woonplaats": wp,
                    "bouwjaar": int(rng.integers(1900, 2000)),
                    "typologie": str(rng.choice(["rijwoning", "twee_onder_een_kap", "URM3L"])),
                    "eigendom": str(rng.choice(["koop", "corporatie"])),
                    "risicoprofiel": str(rng.choice(["P50", "P90", "overig", "onbekend"])),
                    "ncg_fase": fase,
                    "uitkomst": str(rng.choice(["onbekend", "versterken", "sloop_nieuwbouw"])),
                    "img_status": str(rng.choice(["geen_melding", "opname", "afgehandeld"])),
                    "gemeente_code": GEMEENTE[0],
                    "gemeente_naam": GEMEENTE[1],
                    "wijk_code": wijk,
                    "wijk_naam": WIJKEN[wijk],
                    "buurt_code": code,
                    "buurt_naam": naam,
                    "woonplaats_code": WOONPLAATSEN[wp],
                    "woonplaats_naam": wp,
                    "x": x,
                    "y": y,
                }
            )
    frame = pd.DataFrame(rows)
    for col in ("gemeente", "wijk", "buurt", "woonplaats"):
        frame[f"{col}_afstand_m"] = 0.0
    in_prog = frame["ncg_fase"].notna()
    # clusters of about 20 addresses within a buurt, in order of the buurt list
    frame["cluster_id"] = pd.NA
    frame.loc[in_prog, "cluster_id"] = (
        frame.loc[in_prog].groupby("buurt_code").cumcount() // 20
    ).astype(str).radd(frame.loc[in_prog, "buurt_code"].str[-1] + "-")
    frame.loc[in_prog, "cluster_id"] = "C" + frame.loc[in_prog, "cluster_id"].astype(str)
    frame["cluster_status"] = np.where(in_prog, "normaal", None)
    frame["samenwerkingsgroep"] = None
    codes = sorted(frame.loc[in_prog, "cluster_id"].unique())
    start = {c: 1 + i % 6 for i, c in enumerate(codes)}
    s = frame["cluster_id"].map(start)
    done = frame["ncg_fase"] == "gereed"
    frame["opname_periode"] = s.where(in_prog & ~done)
    frame["beoordeling_periode"] = (s + 1).where(in_prog & ~done)
    frame["uitvoering_periode"] = (s + 2).where(in_prog & ~done)
    frame["gereed_periode"] = (s + 2).where(in_prog & ~done)
    frame["aantal_vlaggen"] = 0
    for col in ("opname_periode", "beoordeling_periode", "uitvoering_periode", "gereed_periode", "huisnummer", "bouwjaar"):
        frame[col] = frame[col].astype("Int64")
    geom = gpd.points_from_xy(frame.pop("x"), frame.pop("y"), crs=CRS)
    out = gpd.GeoDataFrame(frame, geometry=geom, crs=CRS)
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].astype("string")
    return out


def _flags(addresses: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    rows = []
    prog = addresses[addresses["ncg_fase"].notna()].reset_index(drop=True)
    for i in range(0, len(prog) - 1, 9):
        a, b = prog.iloc[i], prog.iloc[i + 1]
        ernst = str(rng.choice(["hoog", "middel", "laag"]))
        rows.append(
            {
                "vlag": "buren_verschillend",
                "adres_id": a["adres_id"],
                "buur_adres_id": b["adres_id"],
                "afstand_m": float(a.geometry.distance(b.geometry)),
                "ernst": ernst,
                "toelichting": f"Buren in {a['buurt_naam']} hebben een andere fase ({a['ncg_fase']} en {b['ncg_fase']}).",
                "geometry": LineString([a.geometry, b.geometry]),
            }
        )
    flags = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    counts = pd.concat([flags["adres_id"], flags["buur_adres_id"]]).value_counts()
    addresses["aantal_vlaggen"] = addresses["adres_id"].map(counts).fillna(0).astype("Int64")
    return flags


def _clusters(addresses: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rows = []
    for cid, grp in addresses[addresses["cluster_id"].notna()].groupby("cluster_id"):
        risk = grp["risicoprofiel"].value_counts()
        row = {
            "cluster_id": cid,
            "gebied_code": grp["buurt_code"].iloc[0],
            "gemeente_code": GEMEENTE[0],
            "aantal": len(grp),
            **{f"aantal_{r}": int(risk.get(r, 0)) for r in ("P50", "P90", "overig", "onbekend")},
            **{f"fase_{f}": int((grp["ncg_fase"] == f).sum()) for f in NCG_FASEN[:-1]},
            "typologie_dominant": grp["typologie"].mode().iloc[0],
            "cluster_status": "normaal",
            "toelichting": f"Samen omdat deze {len(grp)} adressen in {grp['buurt_naam'].iloc[0]} naast elkaar liggen.",
            "prioriteit": 1.0,
            "start_periode": int(grp["opname_periode"].min()) if grp["opname_periode"].notna().any() else None,
            "gereed_periode": int(grp["gereed_periode"].max()) if grp["gereed_periode"].notna().any() else None,
            "geometry": MultiPoint(list(grp.geometry)).convex_hull.buffer(15),
        }
        rows.append(row)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def _areas(addresses: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    polys = {code: box(X0 + b[0], Y0 + b[1], X0 + b[2], Y0 + b[3]) for code, _, _, _, b, _ in BUURTEN}
    rows = []
    for level in ("buurt", "wijk", "woonplaats", "gemeente"):
        for code, grp in addresses.groupby(f"{level}_code"):
            buurten = grp["buurt_code"].unique()
            geom = gpd.GeoSeries([polys[b] for b in buurten]).union_all()
            prog = grp[grp["ncg_fase"].notna()]
            row = {
                "niveau": level,
                "code": code,
                "naam": grp[f"{level}_naam"].iloc[0],
                "gemeente_code": GEMEENTE[0],
                "aantal_adressen": len(grp),
                "in_programma": len(prog),
                "gereed": int((prog["ncg_fase"] == "gereed").sum()),
                "aandeel_gereed": float((prog["ncg_fase"] == "gereed").mean()) if len(prog) else 0.0,
                **{f"fase_{f}": int((prog["ncg_fase"] == f).sum()) for f in NCG_FASEN[:-1]},
                "aantal_vlaggen": int(grp["aantal_vlaggen"].sum()),
                "aandeel_met_vlag": float((grp["aantal_vlaggen"] > 0).mean()),
                "start_periode": prog["opname_periode"].min() if prog["opname_periode"].notna().any() else None,
                "gereed_periode": prog["gereed_periode"].max() if prog["gereed_periode"].notna().any() else None,
                "planningsniveau": "buurt",
                "toelichting": f"{grp[f'{level}_naam'].iloc[0]}: volgorde op risico en buren.",
                "geometry": geom,
            }
            rows.append(row)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def make_plan(seed: int = 7) -> dict[str, pd.DataFrame]:
    """The plan layers as in plan.gpkg (geometry in EPSG:28992)."""
    rng = np.random.default_rng(seed)
    addresses = _addresses(rng)
    flags = _flags(addresses, rng)
    clusters = _clusters(addresses)
    areas = _areas(addresses)
    planning = pd.DataFrame(
        {
            "periode": range(1, len(PERIODS) + 1),
            "periode_label": PERIODS,
            "opname_capaciteit": 40,
            "opname_werk": 30,
            "opname_voorraad": 0,
            "beoordeling_capaciteit": 40,
            "beoordeling_werk": 30,
            "beoordeling_voorraad": 0,
            "uitvoering_capaciteit": 20,
            "uitvoering_werk": 20,
            "uitvoering_voorraad": 0,
            "gereed_cumulatief": np.cumsum([20] * len(PERIODS)),
        }
    )
    info = pd.DataFrame(
        {
            "sleutel": ["titel", "peildatum", "periode", "startperiode", "drempel", "fictief"],
            "waarde": ["Proefplan", "2026-01-01", "kwartaal", PERIODS[0], "10", "ja"],
        }
    )
    return {
        "adressen": addresses,
        "clusters": clusters,
        "gebieden": areas,
        "vlaggen": flags,
        "planning": planning,
        "plan_info": info,
    }


def write_plan(path: Path, seed: int = 7) -> Path:
    """Write the fixture plan as a GeoPackage."""
    return write_layers(make_plan(seed), path)


def plan_from_addresses(addresses: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, *, level: str, n_periods: int = 12, seed: int = 3) -> dict[str, pd.DataFrame]:
    """Plan layers for real addresses joined to ``areas`` (column ``{level}_code``).

    Periods, clusters and flags are synthetic but follow the plan contract: every address
    in the programme and not yet gereed gets a planned ``gereed_periode``; clusters are
    blocks of about 60 addresses per area; a flag joins nearest neighbours in different phases.
    """
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(seed)
    a = addresses.copy()
    code = a[f"{level}_code"].astype("string")
    in_prog = a["ncg_fase"].notna()
    done = (a["ncg_fase"] == "gereed").fillna(False)
    plan_p = pd.Series(rng.integers(1, n_periods + 1, len(a)), index=a.index)
    a["gereed_periode"] = plan_p.where(in_prog & ~done).astype("Int64")
    a["opname_periode"] = (plan_p - 2).clip(lower=1).where(in_prog & ~done).astype("Int64")
    order = a.geometry.x.rank(method="first")
    block = a.assign(_o=order).groupby(code)["_o"].rank(method="first") // 60
    a["cluster_id"] = (code + "-" + block.astype("Int64").astype("string")).where(in_prog)
    xy = np.column_stack([a.geometry.x, a.geometry.y])
    dist, idx = cKDTree(xy).query(xy, k=2)
    fase = a["ncg_fase"].astype(object).to_numpy()
    pairs = [(i, int(j)) for i, (d, j) in enumerate(zip(dist[:, 1], idx[:, 1], strict=True))
             if d < 50 and i < j and in_prog.iat[i] and in_prog.iat[j] and fase[i] != fase[j]]
    flags = gpd.GeoDataFrame(
        {
            "vlag": "buren_verschillend",
            "adres_id": [a["adres_id"].iat[i] for i, _ in pairs],
            "buur_adres_id": [a["adres_id"].iat[j] for _, j in pairs],
            "afstand_m": [float(np.hypot(*(xy[i] - xy[j]))) for i, j in pairs],
            "ernst": [["laag", "middel", "hoog"][abs(hash((i, j))) % 3] for i, j in pairs],
            "toelichting": [f"Buren in fase {fase[i]} en {fase[j]}." for i, j in pairs],
        },
        geometry=[LineString([xy[i], xy[j]]) for i, j in pairs],
        crs=CRS,
    )
    counts = pd.concat([flags["adres_id"], flags["buur_adres_id"]]).value_counts()
    a["aantal_vlaggen"] = a["adres_id"].map(counts).fillna(0).astype("Int64")
    crows = []
    for cid, grp in a[a["cluster_id"].notna()].groupby("cluster_id"):
        risk = grp["risicoprofiel"].value_counts()
        crows.append({
            "cluster_id": cid, "gebied_code": cid.rsplit("-", 1)[0], "aantal": len(grp),
            **{f"aantal_{r}": int(risk.get(r, 0)) for r in ("P50", "P90", "overig", "onbekend")},
            "typologie_dominant": grp["typologie"].mode().iloc[0] if grp["typologie"].notna().any() else None,
            "cluster_status": "normaal", "toelichting": "Samen omdat ze naast elkaar liggen.",
            "start_periode": grp["opname_periode"].min(), "gereed_periode": grp["gereed_periode"].max(),
            "geometry": MultiPoint(list(grp.geometry)).convex_hull.buffer(10),
        })
    clusters = gpd.GeoDataFrame(crows, geometry="geometry", crs=CRS)
    used = areas[areas["code"].astype(str).isin(set(code.dropna()))]
    arows = []
    for _, area in used.iterrows():
        grp = a[code == str(area["code"])]
        prog = grp[grp["ncg_fase"].notna()]
        arows.append({
            "niveau": level, "code": str(area["code"]), "naam": str(area["naam"]), "gemeente_code": "GM0014",
            "aantal_adressen": len(grp), "in_programma": len(prog), "gereed": int((prog["ncg_fase"] == "gereed").sum()),
            "aandeel_gereed": float((prog["ncg_fase"] == "gereed").mean()) if len(prog) else 0.0,
            "aantal_vlaggen": int(grp["aantal_vlaggen"].sum()), "aandeel_met_vlag": float((grp["aantal_vlaggen"] > 0).mean()),
            "start_periode": prog["opname_periode"].min(), "gereed_periode": prog["gereed_periode"].max(),
            "toelichting": "Volgorde op risico.", "geometry": area.geometry,
        })
    gebieden = gpd.GeoDataFrame(arows, geometry="geometry", crs=CRS)
    planning = pd.DataFrame({"periode": range(1, n_periods + 1),
                             "periode_label": [f"{2027 + i // 4}-K{i % 4 + 1}" for i in range(n_periods)]})
    info = pd.DataFrame({"sleutel": ["titel", "peildatum"], "waarde": ["Stad Groningen (gedeelde data)", "2026-01-01"]})
    return {"adressen": a, "clusters": clusters, "gebieden": gebieden, "vlaggen": flags, "planning": planning, "plan_info": info}
