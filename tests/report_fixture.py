"""A small hand-built plan (200 addresses, 4 buurten, 2 strategies) for the report tests.

Every layer follows docs/PLAN_SCHEMA.md; the numbers are derived from a seeded random
generator, so the report tests compute their expected values from these frames.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, box

from gebied.codes import IMG_STATUSSEN, NCG_FASEN, UITKOMSTEN

CRS = 28992
X0, Y0 = 233000.0, 582000.0
SIZE = 600.0
BUURTEN = [
    # code, naam, woonplaats, gemeente code, gemeente naam, column, row
    ("BU00140101", "Centrum", "Ten Boer", "GM0014", "Groningen", 0, 0),
    ("BU00140102", "Oost", "Ten Boer", "GM0014", "Groningen", 1, 0),
    ("BU17950201", "Dorp", "Loppersum", "GM1795", "Eemsdelta", 0, 1),
    ("BU17950202", "Buitengebied", "Loppersum", "GM1795", "Eemsdelta", 1, 1),
]
WOONPLAATS_CODES = {"Ten Boer": "WP1001", "Loppersum": "WP2002"}
N_PER_BUURT = 50
N_PERIODS = 10


def _string(values) -> pd.Series:
    return pd.Series(values, dtype="string")


def build_addresses(rng: np.random.Generator) -> gpd.GeoDataFrame:
    rows = []
    for code, naam, wp, gm_code, gm_naam, col, row in BUURTEN:
        for i in range(N_PER_BUURT):
            x = X0 + col * SIZE + 30 + (i % 10) * 55 + rng.uniform(-5, 5)
            y = Y0 + row * SIZE + 30 + (i // 10) * 110 + rng.uniform(-5, 5)
            rows.append(
                {
                    "adres_id": f"{code[-4:]}{i:04d}",
                    "straat": f"{naam}straat",
                    "huisnummer": i + 1,
                    "woonplaats": wp,
                    "x": x,
                    "y": y,
                    "buurt_code": code,
                    "buurt_naam": naam,
                    "woonplaats_code": WOONPLAATS_CODES[wp],
                    "woonplaats_naam": wp,
                    "gemeente_code": gm_code,
                    "gemeente_naam": gm_naam,
                }
            )
    df = pd.DataFrame(rows)
    n = len(df)
    fase = rng.choice(list(NCG_FASEN), size=n, p=[0.2, 0.15, 0.15, 0.1, 0.1, 0.08, 0.07, 0.15])
    fase = np.where(rng.random(n) < 0.1, None, fase)
    df["ncg_fase"] = _string(fase)
    df["risicoprofiel"] = _string(rng.choice(["P50", "P90", "overig", "onbekend"], size=n, p=[0.3, 0.3, 0.3, 0.1]))
    df["uitkomst"] = _string(rng.choice(list(UITKOMSTEN), size=n))
    df["img_status"] = _string(rng.choice(list(IMG_STATUSSEN), size=n))
    df["typologie"] = _string(rng.choice(["rijwoning", "vrijstaand", "URM3L"], size=n))
    df["bouwjaar"] = pd.array(rng.integers(1900, 2000, size=n), dtype="Int64")
    df["huisnummer"] = pd.array(df["huisnummer"], dtype="Int64")
    for c in ("adres_id", "straat", "woonplaats", "buurt_code", "buurt_naam", "woonplaats_code",
              "woonplaats_naam", "gemeente_code", "gemeente_naam"):
        df[c] = df[c].astype("string")
    geom = gpd.points_from_xy(df.pop("x"), df.pop("y"))
    return gpd.GeoDataFrame(df, geometry=geom, crs=CRS)


def assign_clusters(adr: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    adr = adr.copy()
    # clusters: rows of 10 addresses grouped in pairs of rows (20 per cluster, last one 10)
    local = adr.groupby("buurt_code").cumcount()
    adr["cluster_id"] = _string([f"{c}-{k // 20 + 1}" for c, k in zip(adr["buurt_code"], local)])
    sizes = adr["cluster_id"].value_counts()
    adr["cluster_status"] = _string(["te_klein" if sizes[c] < 15 else "normaal" for c in adr["cluster_id"]])
    starts = {c: int(rng.integers(1, 7)) for c in sorted(sizes.index)}
    start = adr["cluster_id"].map(starts).astype("Int64")
    in_prog = adr["ncg_fase"].notna()
    adr["opname_periode"] = start.where(in_prog)
    adr["beoordeling_periode"] = (start + 1).where(in_prog)
    adr["uitvoering_periode"] = (start + 2).where(in_prog)
    adr["gereed_periode"] = (start + 3).where(in_prog)
    lopend = adr["img_status"].isin(["voorbereiding", "opname", "zienswijze", "beschikking"])
    groep = pd.Series(pd.NA, index=adr.index, dtype="string")
    fase = adr["ncg_fase"]
    groep[lopend & (fase == "1.2")] = "A"
    groep[lopend & (fase == "2.1") & adr["img_status"].isin(["voorbereiding", "opname"])] = "B"
    groep[lopend & (fase == "2.1") & adr["img_status"].isin(["zienswijze", "beschikking"])] = "C"
    groep[lopend & (fase == "3.1")] = "D"
    groep[lopend & fase.isin(["4.1", "4.2"])] = "E"
    groep[lopend & fase.isin(["5.1", "5.2"])] = "F"
    adr["samenwerkingsgroep"] = groep
    return adr


def build_flags(adr: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Flag neighbours (< 120 m) whose gereed periods differ by 2 or more."""
    pts = adr.geometry.to_numpy()
    tree = shapely.STRtree(pts)
    left, right = tree.query(pts, predicate="dwithin", distance=120.0)
    keep = left < right
    left, right = left[keep], right[keep]
    g = adr["gereed_periode"].to_numpy(dtype="float64", na_value=np.nan)
    diff = np.abs(g[left] - g[right])
    sel = np.nan_to_num(diff) >= 2
    left, right, diff = left[sel], right[sel], diff[sel]
    records = []
    for a, b, d in zip(left, right, diff):
        records.append(
            {
                "vlag": "verschillende_planning",
                "adres_id": adr["adres_id"].iat[a],
                "buur_adres_id": adr["adres_id"].iat[b],
                "afstand_m": float(pts[a].distance(pts[b])),
                "ernst": int(d),
                "toelichting": f"buren zijn {int(d)} perioden na elkaar gereed",
                "geometry": LineString([pts[a], pts[b]]),
            }
        )
    # one different-outcome flag type for the flag summary
    records.append(
        {
            "vlag": "verschillende_uitkomst",
            "adres_id": adr["adres_id"].iat[0],
            "buur_adres_id": adr["adres_id"].iat[1],
            "afstand_m": float(pts[0].distance(pts[1])),
            "ernst": 1,
            "toelichting": "gelijk type woning, andere uitkomst",
            "geometry": LineString([pts[0], pts[1]]),
        }
    )
    return gpd.GeoDataFrame(records, geometry="geometry", crs=CRS)


def build_clusters(adr: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rows = []
    for cid, grp in adr.groupby("cluster_id", sort=True):
        row = {
            "cluster_id": cid,
            "gebied_code": grp["buurt_code"].iat[0],
            "gemeente_code": grp["gemeente_code"].iat[0],
            "aantal": len(grp),
        }
        for p in ("P50", "P90", "overig", "onbekend"):
            row[f"aantal_{p}"] = int((grp["risicoprofiel"] == p).sum())
        for f in NCG_FASEN[:-1]:
            row[f"fase_{f}"] = int((grp["ncg_fase"] == f).sum())
        for u in UITKOMSTEN:
            row[f"uitkomst_{u}"] = int((grp["uitkomst"] == u).sum())
        row["typologie_dominant"] = grp["typologie"].mode().iat[0]
        row["cluster_status"] = grp["cluster_status"].iat[0]
        row["toelichting"] = f"{len(grp)} adressen in {grp['buurt_naam'].iat[0]}, samen met de buren"
        row["start_periode"] = grp["opname_periode"].min()
        row["gereed_periode"] = grp["gereed_periode"].max()
        row["geometry"] = grp.geometry.union_all().convex_hull.buffer(15)
        rows.append(row)
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    out["prioriteit"] = out["start_periode"].rank(method="first").astype(int)
    return out


def build_areas(adr: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    squares = {code: box(X0 + c * SIZE, Y0 + r * SIZE, X0 + (c + 1) * SIZE, Y0 + (r + 1) * SIZE)
               for code, _, _, _, _, c, r in BUURTEN}
    buurt_wp = {code: wp for code, _, wp, *_ in BUURTEN}
    buurt_gm = {code: gm for code, _, _, gm, *_ in BUURTEN}
    rows = []
    for niveau in ("gemeente", "woonplaats", "buurt"):
        for code, grp in adr.groupby(f"{niveau}_code", sort=True):
            members = [b for b in squares if (niveau == "buurt" and b == code)
                       or (niveau == "woonplaats" and WOONPLAATS_CODES[buurt_wp[b]] == code)
                       or (niveau == "gemeente" and buurt_gm[b] == code)]
            in_prog = grp["ncg_fase"].notna()
            gereed = grp["ncg_fase"] == "gereed"
            flagged = grp["aantal_vlaggen"] > 0
            row = {
                "niveau": niveau,
                "code": code,
                "naam": grp[f"{niveau}_naam"].iat[0],
                "gemeente_code": grp["gemeente_code"].iat[0],
                "aantal_adressen": len(grp),
                "in_programma": int(in_prog.sum()),
                "gereed": int(gereed.sum()),
                "aandeel_gereed": float(gereed.sum() / max(in_prog.sum(), 1)),
            }
            for f in NCG_FASEN[:-1]:
                row[f"fase_{f}"] = int((grp["ncg_fase"] == f).sum())
            row["aantal_vlaggen"] = int(grp["aantal_vlaggen"].sum())
            row["aandeel_met_vlag"] = float(flagged.mean())
            row["start_periode"] = grp["opname_periode"].min()
            row["gereed_periode"] = grp["gereed_periode"].max()
            row["planningsniveau"] = "buurt" if niveau == "woonplaats" else None
            row["toelichting"] = "woningen verschillen per buurt" if niveau == "woonplaats" else None
            row["geometry"] = shapely.union_all([squares[m] for m in members])
            rows.append(row)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def build_planning(rng: np.random.Generator) -> pd.DataFrame:
    periods = np.arange(1, N_PERIODS + 1)
    out = pd.DataFrame({"periode": periods,
                        "periode_label": [f"{2027 + (p - 1) // 4}-K{(p - 1) % 4 + 1}" for p in periods]})
    for stage, cap in (("opname", 40), ("beoordeling", 40), ("uitvoering", 25)):
        out[f"{stage}_capaciteit"] = cap
        out[f"{stage}_werk"] = rng.integers(0, cap + 1, size=len(periods))
        out[f"{stage}_voorraad"] = rng.integers(0, 30, size=len(periods))
    out["gereed_cumulatief"] = out["uitvoering_werk"].cumsum()
    return out


def build_comparison(rng: np.random.Generator) -> pd.DataFrame:
    frames = []
    for strategy in ("plan", "risico"):
        part = build_planning(rng)
        part.insert(0, "strategie", strategy)
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


def build_plan(seed: int = 7) -> dict:
    """All inputs of ``render_report`` for the small plan: ``{"layers": ..., **kwargs}``."""
    rng = np.random.default_rng(seed)
    adr = assign_clusters(build_addresses(rng), rng)
    adr["aantal_vlaggen"] = 0
    vlaggen = build_flags(adr)
    counts = pd.concat([vlaggen["adres_id"], vlaggen["buur_adres_id"]]).value_counts()
    adr["aantal_vlaggen"] = adr["adres_id"].map(counts).fillna(0).astype("int64")
    layers = {
        "adressen": adr,
        "clusters": build_clusters(adr),
        "gebieden": build_areas(adr),
        "vlaggen": vlaggen,
        "planning": build_planning(rng),
        "plan_info": pd.DataFrame(
            {
                "sleutel": ["titel", "peildatum", "periode", "startperiode", "drempel", "fictief"],
                "waarde": ["Lokaal plan van aanpak Testgebied", "2026-01-01", "kwartaal", "2027-K1", "10", "ja"],
            }
        ),
    }
    metrics = {
        "plan": {"adressen": 180, "gereed_gemiddeld_P50": 4.25, "gereed_p90": 8.0, "buur_ongelijkheid": 0.8,
                 "grootste_stuwmeer": 31, "aandeel_vol_uitvoering": 0.6, "eigen_maat": 1.5},
        "risico": {"adressen": 180, "gereed_gemiddeld_P50": 3.0, "gereed_p90": 9.0, "buur_ongelijkheid": 1.9,
                   "grootste_stuwmeer": 57, "aandeel_vol_uitvoering": 0.7, "eigen_maat": 2.5},
    }
    fase = adr["ncg_fase"].fillna("(niet in programma)")
    matrix = pd.crosstab(fase, adr["img_status"])
    flag_summary = (
        vlaggen.groupby("vlag").agg(aantal=("vlag", "size"), toelichting=("toelichting", "first")).reset_index()
    )
    groups = adr["samenwerkingsgroep"].value_counts()
    return {
        "layers": layers,
        "metrics": metrics,
        "comparison": build_comparison(rng),
        "planning_levels": pd.DataFrame(
            {
                "plaats": ["Ten Boer", "Loppersum"],
                "planningsniveau": ["buurt", "dorp"],
                "toelichting": ["woningen verschillen sterk per buurt", "gelijksoortige woningen in het hele dorp"],
            }
        ),
        "cooperation_matrix": matrix,
        "signal_counts": {"gezamenlijke_opname": int(groups.get("B", 0)),
                          "schadeherstel_in_plan": int(groups.get("E", 0))},
        "flag_summary": flag_summary,
        "settings": {"cluster": {"min": 10, "max": 150}, "strategie": "plan", "periode": "kwartaal",
                     "capaciteit": {"opname": 40, "beoordeling": 40, "uitvoering": 25}, "seed": 42},
        "threshold": 10,
    }


CAPACITY = {"opname": 400, "beoordeling": 400, "uitvoering": 150}


def plan_from_joined(adr: gpd.GeoDataFrame, pc4: gpd.GeoDataFrame) -> dict:
    """A simple plan on real addresses joined to PC4 (column ``pc4_code``), for the
    real-data test and the benchmark: clusters of at most 100 per PC4, started in order
    of their share of P50 under 150 addresses per quarter, flags from ``gebied.flags``.
    """
    import warnings

    from gebied.codes import NCG_FASEN

    adr = adr[adr["pc4_code"].notna()].copy()
    adr["gemeente_code"] = pd.array(["GM0014"] * len(adr), dtype="string")
    adr["gemeente_naam"] = pd.array(["Groningen"] * len(adr), dtype="string")
    order = np.lexsort((adr.geometry.y.to_numpy(), adr.geometry.x.to_numpy(), adr["pc4_code"].to_numpy(str)))
    adr = adr.iloc[order]
    rank = adr.groupby("pc4_code").cumcount()
    adr["cluster_id"] = (adr["pc4_code"].astype(str) + "-" + (rank // 100 + 1).astype(str)).astype("string")
    adr["cluster_status"] = pd.array(["normaal"] * len(adr), dtype="string")
    in_prog = adr["ncg_fase"].notna()
    p50 = (adr["risicoprofiel"] == "P50").fillna(False)
    share = p50.groupby(adr["cluster_id"]).mean().sort_values(ascending=False, kind="stable")
    size = in_prog.groupby(adr["cluster_id"]).sum().reindex(share.index)
    start = (size.cumsum() // CAPACITY["uitvoering"] + 1).astype(int)
    s = adr["cluster_id"].map(start).astype("Int64")
    for k, stage in enumerate(("opname", "beoordeling", "uitvoering")):
        adr[f"{stage}_periode"] = (s + k).where(in_prog)
    adr["gereed_periode"] = (s + 3).where(in_prog)
    adr["samenwerkingsgroep"] = pd.array([pd.NA] * len(adr), dtype="string")
    adr = adr.reset_index(drop=True)
    try:
        from gebied.flags.rules import flag_counts, flag_inequality

        vlaggen = flag_inequality(adr, distance=50.0)
        adr["aantal_vlaggen"] = flag_counts(adr, vlaggen)
    except Exception as exc:  # noqa: BLE001 - the flags step may be unfinished; report the rest
        warnings.warn(f"vlaggen overgeslagen: {type(exc).__name__}: {exc}", stacklevel=2)
        vlaggen = gpd.GeoDataFrame({"vlag": [], "adres_id": [], "buur_adres_id": []}, geometry=[], crs=28992)
        adr["aantal_vlaggen"] = 0

    rows = []
    for cid, grp in adr.groupby("cluster_id", sort=True):
        row = {"cluster_id": cid, "gebied_code": grp["pc4_code"].iat[0], "gemeente_code": "GM0014", "aantal": len(grp)}
        for prof in ("P50", "P90", "overig", "onbekend"):
            row[f"aantal_{prof}"] = int((grp["risicoprofiel"] == prof).sum())
        row["typologie_dominant"] = grp["typologie"].mode().iat[0] if grp["typologie"].notna().any() else None
        row["cluster_status"] = "normaal"
        row["toelichting"] = f"{len(grp)} adressen in postcode {grp['pc4_code'].iat[0]}, op volgorde van x/y."
        row["start_periode"] = grp["opname_periode"].min()
        row["gereed_periode"] = grp["gereed_periode"].max()
        row["geometry"] = grp.geometry.union_all().convex_hull.buffer(10)
        rows.append(row)
    clusters = gpd.GeoDataFrame(rows, geometry="geometry", crs=28992)

    areas = []
    for niveau, col in (("gemeente", "gemeente_code"), ("pc4", "pc4_code")):
        for code, grp in adr.groupby(col, sort=True):
            fase = grp["ncg_fase"]
            row = {"niveau": niveau, "code": code, "naam": "Groningen" if niveau == "gemeente" else code,
                   "gemeente_code": "GM0014", "aantal_adressen": len(grp), "in_programma": int(fase.notna().sum()),
                   "gereed": int((fase == "gereed").sum())}
            for f in NCG_FASEN[:-1]:
                row[f"fase_{f}"] = int((fase == f).sum())
            row["aandeel_gereed"] = row["gereed"] / max(row["in_programma"], 1)
            row["aantal_vlaggen"] = int(grp["aantal_vlaggen"].sum())
            row["aandeel_met_vlag"] = float((grp["aantal_vlaggen"] > 0).mean())
            row["start_periode"] = grp["opname_periode"].min()
            row["gereed_periode"] = grp["gereed_periode"].max()
            geom = pc4.loc[pc4["code"] == code].geometry if niveau == "pc4" else pc4.geometry
            row["geometry"] = geom.union_all()
            areas.append(row)
    gebieden = gpd.GeoDataFrame(areas, geometry="geometry", crs=28992)

    horizon = int(adr["gereed_periode"].max())
    periods = np.arange(1, horizon + 1)
    planning = pd.DataFrame({"periode": periods,
                             "periode_label": [f"{2027 + (p - 1) // 4}-K{(p - 1) % 4 + 1}" for p in periods]})
    for stage in ("opname", "beoordeling", "uitvoering"):
        counts = adr[f"{stage}_periode"].value_counts().reindex(periods, fill_value=0).to_numpy()
        planning[f"{stage}_capaciteit"] = CAPACITY[stage]
        planning[f"{stage}_werk"] = counts
        planning[f"{stage}_voorraad"] = int(in_prog.sum()) - np.cumsum(counts)
    done = adr["gereed_periode"].value_counts().reindex(periods, fill_value=0).cumsum().to_numpy()
    planning["gereed_cumulatief"] = done
    info = pd.DataFrame({"sleutel": ["titel", "peildatum", "periode", "startperiode", "drempel", "fictief"],
                         "waarde": ["Benchmark stad Groningen (echte adrespunten, fictieve status)", "2026-01-01",
                                    "kwartaal", "2027-K1", "10", "ja"]})
    layers = {"adressen": adr, "clusters": clusters, "gebieden": gebieden, "vlaggen": vlaggen,
              "planning": planning, "plan_info": info}
    metrics = {"plan": {"adressen": int(in_prog.sum()), "laatste_periode": horizon}}
    return {"layers": layers, "metrics": metrics, "comparison": None, "planning_levels": None,
            "cooperation_matrix": None, "signal_counts": None, "flag_summary": None,
            "settings": {"planning": {"capaciteit": CAPACITY}}, "threshold": 10}


