"""The one fake plan for the map, report and API tests (layers as in docs/PLAN_SCHEMA.md).

Two fictitious gemeenten, OWN (GM9901, Oostdorp) and OTHER (GM9902, Westerveen), each with
two wijken of two 500 m buurten in a row; three woonplaatsen (one per wijk in OWN, one for
all of OTHER). Every buurt has 40 addresses on a jittered grid, except TINY_BUURT (4 addresses, in
OTHER) so that public figures must be suppressed or merged. Built from a seeded generator:
the same seed gives the same plan, and the tests derive their expected values from it.

What each part of the plan holds, as in a real ``gebied plan`` run:

- clusters of at most 20 programme addresses that are not gereed, per buurt, in grid order
  (``BU99010101-C01``); fewer than 10 is ``te_klein``; ``prioriteit`` is empty;
- a cluster starts in period 1-6; its addresses have ``opname_periode`` = start,
  ``beoordeling`` +1, ``uitvoering`` +2, ``gereed`` +3; gereed and non-programme addresses
  have no periods;
- flags ``tempo_verschil`` between neighbours (< 120 m, also across a gemeente border) whose
  gereed periods differ by 2 or more (ernst 1-3), and one ``uitkomst_verschil``;
- ``gebieden`` on the levels gemeente, woonplaats, wijk and buurt, counted from the addresses.

``plan_layers`` gives the six layers, ``report_inputs`` adds everything ``render_report``
takes, ``write_plan`` writes plan.gpkg (and two map pages) for the API and the CLI, and
``plan_from_real`` builds a plan of the same shape on the real addresses of ../shared.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, box

from gebied.codes import IMG_STATUSSEN, NCG_FASEN, UITKOMSTEN
from gebied.cooperation import cooperation_groups
from gebied.io import write_layers

CRS = 28992
X0, Y0 = 233_000.0, 582_000.0
SIZE = 500.0
OWN, OTHER = "GM9901", "GM9902"
GEMEENTEN = {OWN: "Oostdorp", OTHER: "Westerveen"}
#: wijk code: (wijk naam, woonplaats code, woonplaats naam, its two buurt names from west to east)
WIJKEN = {
    "WK990101": ("Oostdorp-Centrum", "WP9901", "Oostdorp", ("Kerkbuurt", "Molenbuurt")),
    "WK990102": ("Oosterhoek", "WP9902", "Oosterhoek", ("Hoogeland", "Oosterpolder")),
    "WK990201": ("Westerveen-Dorp", "WP9903", "Westerveen", ("Dorpskern", "Westerhoek")),
    "WK990202": ("Westerveen-Buiten", "WP9903", "Westerveen", ("Zuiderveld", "Klein Westerveen")),
}
TINY_BUURT = "BU99020202"
N_PER_BUURT = 40
N_PERIODS = 10
THRESHOLD = 10
TITLE = "Lokaal plan van aanpak Testgebied"
PEILDATUM = "2026-01-01"
STREETS = ("Kerkstraat", "Dorpsweg", "Molenlaan", "Schoolstraat", "Tuinpad")
#: phase probabilities (NCG_FASEN, then not in the programme): some phases are rare, so
#: public tables have counts below the threshold
FASE_P = [0.16, 0.14, 0.13, 0.09, 0.09, 0.07, 0.04, 0.14, 0.14]
CAPACITY = {"opname": 70, "beoordeling": 70, "uitvoering": 70}
STAGES = ("opname", "beoordeling", "uitvoering")


def buurten() -> list[dict]:
    """The eight buurt squares: gemeente i, wijk j, buurt k side by side from west to east."""
    rows = []
    for gi, gm in enumerate(GEMEENTEN):
        for wj in range(2):
            wijk = f"WK{gm[2:]}0{wj + 1}"
            for bk in range(2):
                x = X0 + gi * 4 * SIZE + wj * 2 * SIZE + bk * SIZE
                code = f"BU{gm[2:]}0{wj + 1}0{bk + 1}"
                rows.append({"gemeente": gm, "wijk": wijk, "buurt": code, "naam": WIJKEN[wijk][3][bk],
                             "geometry": box(x, Y0, x + SIZE, Y0 + SIZE)})
    return rows


def _addresses(rng: np.random.Generator) -> gpd.GeoDataFrame:
    rows = []
    for b in buurten():
        count = 4 if b["buurt"] == TINY_BUURT else N_PER_BUURT
        minx, miny, _, _ = b["geometry"].bounds
        wijk_naam, wp_code, wp_naam, _ = WIJKEN[b["wijk"]]
        for i in range(count):
            n = len(rows) + 1
            rows.append({
                "adres_id": f"{b['gemeente'][2:]}20{n:010d}",  # BAG-like: gemeente, type 20, number
                "pand_id": f"{b['gemeente'][2:]}10{(n + 1) // 2:010d}",  # two addresses per pand
                "straat": STREETS[i // 8 % len(STREETS)],
                "huisnummer": i % 8 + 1,
                "postcode": f"{b['gemeente'][2:4]}{10 + i // 8}{'AB'[i % 2]}{'CD'[int(b['buurt'][-1]) - 1]}",
                "woonplaats": wp_naam,
                "bouwjaar": int(rng.integers(1900, 2000)),
                "typologie": str(rng.choice(["rijwoning", "twee_onder_een_kap", "vrijstaand", "URM3L"])),
                "eigendom": str(rng.choice(["koop", "corporatie"])),
                "risicoprofiel": str(rng.choice(["P50", "P90", "overig", "onbekend"], p=[0.3, 0.3, 0.3, 0.1])),
                "ncg_fase": rng.choice([*NCG_FASEN, None], p=FASE_P),
                "uitkomst": str(rng.choice(list(UITKOMSTEN))),
                "img_status": str(rng.choice(list(IMG_STATUSSEN))),
                "gemeente_code": b["gemeente"], "gemeente_naam": GEMEENTEN[b["gemeente"]],
                "woonplaats_code": wp_code, "woonplaats_naam": wp_naam,
                "wijk_code": b["wijk"], "wijk_naam": wijk_naam,
                "buurt_code": b["buurt"], "buurt_naam": b["naam"],
                "x": minx + 30 + (i % 8) * 60 + rng.uniform(-5, 5),
                "y": miny + 30 + (i // 8) * 90 + rng.uniform(-5, 5),
            })
    frame = pd.DataFrame(rows)
    tiny = frame["buurt_code"] == TINY_BUURT
    frame.loc[tiny, "ncg_fase"] = ["2.1", "2.1", "4.1", None]  # one small te_klein cluster, one outside
    for level in ("gemeente", "woonplaats", "wijk", "buurt"):
        frame[f"{level}_afstand_m"] = 0.0
    for col in frame.columns.drop(["x", "y", "bouwjaar", "huisnummer"]):
        if frame[col].dtype == object:
            frame[col] = frame[col].astype("string")
    for col in ("bouwjaar", "huisnummer"):
        frame[col] = frame[col].astype("Int64")
    geometry = gpd.points_from_xy(frame.pop("x"), frame.pop("y"), crs=CRS)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)


def _plan_addresses(adr: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Clusters, periods and cooperation groups."""
    fase = adr["ncg_fase"]
    todo = (fase.notna() & (fase != "gereed")).fillna(False).to_numpy(bool)
    rank = adr[todo].groupby("buurt_code").cumcount()
    ids = pd.Series(pd.NA, index=adr.index, dtype="string")
    ids[todo] = adr.loc[todo, "buurt_code"] + "-C" + (rank // 20 + 1).map("{:02d}".format)
    adr["cluster_id"] = ids
    small = (ids.map(ids.value_counts()) < 10).fillna(False).to_numpy(bool)
    adr["cluster_status"] = pd.Series(np.where(small, "te_klein", "normaal"), index=adr.index,
                                      dtype="string").where(ids.notna())
    start = {c: int(rng.integers(1, 7)) for c in sorted(ids.dropna().unique())}
    s = ids.map(start).astype("Int64")
    for k, stage in enumerate([*STAGES, "gereed"]):
        adr[f"{stage}_periode"] = s + k
    adr["samenwerkingsgroep"] = cooperation_groups(adr)
    return adr


def _flags(adr: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    pts = adr.geometry.to_numpy()
    left, right = shapely.STRtree(pts).query(pts, predicate="dwithin", distance=120.0)
    keep = left < right
    left, right = left[keep], right[keep]
    g = adr["gereed_periode"].to_numpy(dtype="float64", na_value=np.nan)
    gap = np.nan_to_num(np.abs(g[left] - g[right]))
    sel = gap >= 2
    records = [
        {"vlag": "tempo_verschil", "adres_id": adr["adres_id"].iat[a], "buur_adres_id": adr["adres_id"].iat[b],
         "afstand_m": float(pts[a].distance(pts[b])), "ernst": int(min(d - 1, 3)),
         "toelichting": f"Buren zijn {int(d)} perioden na elkaar gereed.", "geometry": LineString([pts[a], pts[b]])}
        for a, b, d in zip(left[sel], right[sel], gap[sel], strict=True)
    ]
    records.append({"vlag": "uitkomst_verschil", "adres_id": adr["adres_id"].iat[0],
                    "buur_adres_id": adr["adres_id"].iat[1], "afstand_m": float(pts[0].distance(pts[1])),
                    "ernst": 1, "toelichting": "Gelijk type woning, andere uitkomst.",
                    "geometry": LineString([pts[0], pts[1]])})
    flags = gpd.GeoDataFrame(records, geometry="geometry", crs=CRS)
    counts = pd.concat([flags["adres_id"], flags["buur_adres_id"]]).value_counts()
    adr["aantal_vlaggen"] = adr["adres_id"].map(counts).fillna(0).astype("int64")
    return flags


def _counts(grp: pd.DataFrame) -> dict:
    fase = grp["ncg_fase"]
    return {f"fase_{f}": int((fase == f).sum()) for f in NCG_FASEN[:-1]}


def _clusters(adr: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rows = []
    for cid, grp in adr.groupby("cluster_id", sort=True):
        rows.append({
            "cluster_id": cid, "gebied_code": grp["buurt_code"].iat[0], "gemeente_code": grp["gemeente_code"].iat[0],
            "aantal": len(grp),
            **{f"aantal_{p}": int((grp["risicoprofiel"] == p).sum()) for p in ("P50", "P90", "overig", "onbekend")},
            **_counts(grp),
            **{f"uitkomst_{u}": int((grp["uitkomst"] == u).sum()) for u in UITKOMSTEN},
            "typologie_dominant": grp["typologie"].mode().iat[0],
            "cluster_status": grp["cluster_status"].iat[0],
            "toelichting": f"{len(grp)} adressen naast elkaar in {grp['buurt_naam'].iat[0]}.",
            "prioriteit": pd.NA,
            "start_periode": int(grp["opname_periode"].min()),
            "gereed_periode": int(grp["gereed_periode"].max()),
            "geometry": grp.geometry.union_all().convex_hull.buffer(15),
        })
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    out["prioriteit"] = out["prioriteit"].astype("Int64")
    return out


def _area_row(niveau: str, code: str, grp: pd.DataFrame, geometry) -> dict:
    fase = grp["ncg_fase"]
    in_prog, gereed = int(fase.notna().sum()), int((fase == "gereed").sum())
    naam = grp[f"{niveau}_naam"].iat[0] if f"{niveau}_naam" in grp else code
    return {
        "niveau": niveau, "code": code, "naam": naam, "gemeente_code": grp["gemeente_code"].iat[0],
        "aantal_adressen": len(grp), "in_programma": in_prog, "gereed": gereed,
        "aandeel_gereed": gereed / in_prog if in_prog else 0.0, **_counts(grp),
        "aantal_vlaggen": int(grp["aantal_vlaggen"].sum()),
        "aandeel_met_vlag": float((grp["aantal_vlaggen"] > 0).mean()),
        "start_periode": grp["opname_periode"].min(), "gereed_periode": grp["gereed_periode"].max(),
        "geometry": geometry,
    }


def _areas(adr: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    squares = {b["buurt"]: b["geometry"] for b in buurten()}
    rows = []
    for niveau in ("gemeente", "woonplaats", "wijk", "buurt"):
        for code, grp in adr.groupby(f"{niveau}_code", sort=True):
            geometry = shapely.union_all([squares[b] for b in grp["buurt_code"].unique()])
            row = _area_row(niveau, code, grp, geometry)
            row["planningsniveau"] = "buurt" if niveau in ("gemeente", "woonplaats") else None
            row["toelichting"] = f"{row['naam']}: volgorde op risico en buren."
            rows.append(row)
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    for col in ("start_periode", "gereed_periode"):
        out[col] = out[col].astype("Int64")
    return out


def _planning(adr: pd.DataFrame, shift: int = 0) -> pd.DataFrame:
    """Work and backlog per period, counted from the addresses' periods (shifted for a variant)."""
    periods = np.arange(1, N_PERIODS + 1)
    out = pd.DataFrame({"periode": periods,
                        "periode_label": [f"{2027 + (p - 1) // 4}-K{(p - 1) % 4 + 1}" for p in periods]})
    for stage in STAGES:
        when = (adr[f"{stage}_periode"] + shift).dropna().astype(int).clip(upper=N_PERIODS)
        work = when.value_counts().reindex(periods, fill_value=0).to_numpy()
        out[f"{stage}_capaciteit"] = CAPACITY[stage]
        out[f"{stage}_werk"] = work
        out[f"{stage}_voorraad"] = len(when) - np.cumsum(work)
    done = (adr["gereed_periode"] + shift).dropna().astype(int).clip(upper=N_PERIODS)
    now = int((adr["ncg_fase"] == "gereed").sum())
    out["gereed_cumulatief"] = now + np.cumsum(done.value_counts().reindex(periods, fill_value=0).to_numpy())
    return out


def plan_layers(seed: int = 7) -> dict[str, pd.DataFrame]:
    """The six layers of plan.gpkg (geometry in EPSG:28992)."""
    rng = np.random.default_rng(seed)
    adr = _plan_addresses(_addresses(rng), rng)
    flags = _flags(adr)
    info = pd.DataFrame({
        "sleutel": ["titel", "peildatum", "periode", "startperiode", "drempel", "fictief"],
        "waarde": [TITLE, PEILDATUM, "kwartaal", "2027-K1", str(THRESHOLD), "ja"],
    })
    return {"adressen": adr, "clusters": _clusters(adr), "gebieden": _areas(adr), "vlaggen": flags,
            "planning": _planning(adr), "plan_info": info}


def hot_spot_layer(layers: dict[str, pd.DataFrame]) -> gpd.GeoDataFrame:
    """Two hot spots (brandhaarden): rank 1 in a buurt of OTHER, rank 2 in a buurt of OWN."""
    adr = layers["adressen"]
    own_bu = adr.loc[adr["gemeente_code"] == OWN, "buurt_code"].iloc[0]
    other_bu = adr.loc[adr["gemeente_code"] == OTHER, "buurt_code"].iloc[0]
    return gpd.GeoDataFrame(
        {
            "brandhaard_id": ["BH0001", "BH0002"], "rang": [1, 2], "woonplaats": ["Oostdorp", "Westdorp"],
            "straat": ["Kerkstraat", "Molenweg"], "huisnummers": ["1–23", "2–40"], "gebied_code": [other_bu, own_bu],
            "adressen": [12, 20], "ernst": [48.0, 40.0], "actie": ["herbeoordelen", "meenemen"],
            "toelichting": ["Kerkstraat 1–23: …", "Molenweg 2–40: …"],
        },
        geometry=[box(0, 0, 10, 10), box(20, 0, 30, 10)], crs=28992,
    )


def report_inputs(seed: int = 7) -> dict:
    """Everything ``render_report`` takes for the plan: ``{"layers": ..., "metrics": ..., ...}``."""
    layers = plan_layers(seed)
    adr, flags = layers["adressen"], layers["vlaggen"]
    comparison = pd.concat([_planning(adr).assign(strategie="plan"), _planning(adr, 1).assign(strategie="risico")],
                           ignore_index=True)
    planned = int(adr["gereed_periode"].notna().sum())
    groups = adr["samenwerkingsgroep"].value_counts()
    return {
        "layers": layers,
        "metrics": {
            "plan": {"adressen": planned, "gereed_gemiddeld_P50": 4.25, "gereed_p90": 8.0, "buur_ongelijkheid": 0.8,
                     "grootste_stuwmeer": 31, "aandeel_vol_uitvoering": 0.6, "eigen_maat": 1.5},
            "risico": {"adressen": planned, "gereed_gemiddeld_P50": 3.0, "gereed_p90": 9.0, "buur_ongelijkheid": 1.9,
                       "grootste_stuwmeer": 57, "aandeel_vol_uitvoering": 0.7, "eigen_maat": 2.5},
        },
        "comparison": comparison[["strategie", *comparison.columns.drop("strategie")]],
        "planning_levels": pd.DataFrame({
            "plaats": ["Oostdorp", "Westerveen"],
            "planningsniveau": ["buurt", "dorp"],
            "toelichting": ["woningen verschillen sterk per buurt", "gelijksoortige woningen in het hele dorp"],
        }),
        "cooperation_matrix": pd.crosstab(adr["ncg_fase"].fillna("(niet in programma)"), adr["img_status"]),
        "signal_counts": {"gezamenlijke_opname": int(groups.get("B", 0)),
                          "schadeherstel_in_plan": int(groups.get("E", 0))},
        "flag_summary": flags.groupby("vlag").agg(aantal=("vlag", "size"),
                                                  toelichting=("toelichting", "first")).reset_index(),
        "settings": {"cluster": {"min": 10, "max": 20}, "strategie": "plan", "periode": "kwartaal",
                     "capaciteit": CAPACITY, "seed": seed},
        "threshold": THRESHOLD,
    }


def write_plan(folder: str | Path, *, seed: int = 7, maps: bool = True) -> Path:
    """Write ``folder/plan.gpkg`` (and, with ``maps``, two small map pages); return the plan path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = write_layers(plan_layers(seed), folder / "plan.gpkg")
    if maps:
        (folder / "kaart_publiek.html").write_text("<html><body>publieke kaart</body></html>", "utf-8")
        (folder / "kaart.html").write_text("<html><body>gemeentekaart</body></html>", "utf-8")
    return path


REAL_CAPACITY = {"opname": 400, "beoordeling": 400, "uitvoering": 150}


def plan_from_real(addresses: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, *, level: str = "pc4") -> dict:
    """The same kind of plan on real addresses joined to ``areas`` (column ``{level}_code``).

    For the real-data tests and the benchmarks: clusters of at most 100 programme addresses per
    area in x/y order, started in order of their share of P50 under 150 addresses per quarter,
    flags from ``gebied.flags``. Returns the shape of ``report_inputs``.
    """
    from gebied.flags.rules import flag_counts, flag_inequality

    col = f"{level}_code"
    adr = addresses[addresses[col].notna()].copy()
    adr["gemeente_code"] = pd.array(["GM0014"] * len(adr), dtype="string")
    adr["gemeente_naam"] = pd.array(["Groningen"] * len(adr), dtype="string")
    adr = adr.iloc[np.lexsort((adr.geometry.y.to_numpy(), adr.geometry.x.to_numpy(), adr[col].to_numpy(str)))]
    adr = adr.reset_index(drop=True)
    fase = adr["ncg_fase"]
    todo = (fase.notna() & (fase != "gereed")).fillna(False)
    rank = adr[todo].groupby(col).cumcount()
    ids = pd.Series(pd.NA, index=adr.index, dtype="string")
    ids[todo] = adr.loc[todo, col].astype(str) + "-C" + (rank // 100 + 1).map("{:02d}".format)
    adr["cluster_id"] = ids
    adr["cluster_status"] = pd.Series("normaal", index=adr.index, dtype="string").where(ids.notna())
    p50 = (adr["risicoprofiel"] == "P50").fillna(False)
    share = p50[todo].groupby(ids[todo]).mean().sort_values(ascending=False, kind="stable")
    size = ids.value_counts().reindex(share.index)
    start = (size.cumsum() // REAL_CAPACITY["uitvoering"] + 1).astype(int)
    s = ids.map(start).astype("Int64")
    for k, stage in enumerate([*STAGES, "gereed"]):
        adr[f"{stage}_periode"] = s + k
    adr["samenwerkingsgroep"] = cooperation_groups(adr)
    vlaggen = flag_inequality(adr, distance=50.0)
    adr["aantal_vlaggen"] = flag_counts(adr, vlaggen)

    rows = []
    for cid, grp in adr.groupby("cluster_id", sort=True):
        rows.append({
            "cluster_id": cid, "gebied_code": grp[col].iat[0], "gemeente_code": "GM0014", "aantal": len(grp),
            **{f"aantal_{p}": int((grp["risicoprofiel"] == p).sum()) for p in ("P50", "P90", "overig", "onbekend")},
            "typologie_dominant": grp["typologie"].mode().iat[0] if grp["typologie"].notna().any() else None,
            "cluster_status": "normaal",
            "toelichting": f"{len(grp)} adressen in {level} {grp[col].iat[0]}, op volgorde van x/y.",
            "start_periode": grp["opname_periode"].min(), "gereed_periode": grp["gereed_periode"].max(),
            "geometry": grp.geometry.union_all().convex_hull.buffer(10),
        })
    clusters = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    polygons = {str(c): shapely.union_all(g.to_numpy()) for c, g in areas.geometry.groupby(areas["code"].astype(str))}
    gebieden = [_area_row("gemeente", "GM0014", adr, shapely.union_all(list(polygons.values())))]
    gebieden += [_area_row(level, str(code), grp, polygons[str(code)]) for code, grp in adr.groupby(col, sort=True)]
    gebieden = gpd.GeoDataFrame(gebieden, geometry="geometry", crs=CRS)
    for name in ("start_periode", "gereed_periode"):
        gebieden[name] = gebieden[name].astype("Int64")

    horizon = int(adr["gereed_periode"].max())
    periods = np.arange(1, horizon + 1)
    planning = pd.DataFrame({"periode": periods,
                             "periode_label": [f"{2027 + (p - 1) // 4}-K{(p - 1) % 4 + 1}" for p in periods]})
    for stage in STAGES:
        work = adr[f"{stage}_periode"].value_counts().reindex(periods, fill_value=0).to_numpy()
        planning[f"{stage}_capaciteit"] = REAL_CAPACITY[stage]
        planning[f"{stage}_werk"] = work
        planning[f"{stage}_voorraad"] = int(todo.sum()) - np.cumsum(work)
    now = int((fase == "gereed").sum())
    done = adr["gereed_periode"].value_counts().reindex(periods, fill_value=0).to_numpy()
    planning["gereed_cumulatief"] = now + np.cumsum(done)
    info = pd.DataFrame({"sleutel": ["titel", "peildatum", "periode", "startperiode", "drempel", "fictief"],
                         "waarde": ["Stad Groningen (echte adrespunten, fictieve status)", PEILDATUM,
                                    "kwartaal", "2027-K1", str(THRESHOLD), "ja"]})
    layers = {"adressen": adr, "clusters": clusters, "gebieden": gebieden, "vlaggen": vlaggen,
              "planning": planning, "plan_info": info}
    return {"layers": layers, "metrics": {"plan": {"adressen": int(todo.sum()), "laatste_periode": horizon}},
            "comparison": None, "planning_levels": None, "cooperation_matrix": None, "signal_counts": None,
            "flag_summary": None, "settings": {"planning": {"capaciteit": REAL_CAPACITY}}, "threshold": THRESHOLD}
