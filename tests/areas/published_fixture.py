"""Published-format fixtures built from the real files in ../shared/data/real.

The CBS wijk- en buurtkaart is rewritten from the real wijken 2022 and PC4 polygons: layer
``wijken`` holds the wijken with CBS column names, ``buurten`` the PC4 polygons cut by the
wijken (code ``BU`` + the wijk's digits + a sequence number), ``gemeenten`` the wijken
dissolved per gemeente. Every layer gets one water feature (water = JA) over the city, and
figures with the CBS sentinels. The BAG is the shared programme file rewritten as a
``verblijfsobject`` layer of a ``bag-light.gpkg``; the programme list keeps only ``adres_id``
and the status columns (no coordinates) plus a few ids that are not in the BAG.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from tests.conftest import PC4, PROGRAMMA, SHARED

WIJKEN_2022 = SHARED / "real" / "wijken_2022_groningen_cbs_tmap.gpkg"
GEMEENTEN_2022 = SHARED / "real" / "gemeenten_provincie_groningen_cbs2022.gpkg"
#: A water feature over the city centre of Groningen (RD metres).
WATER_BOX = shapely.box(233000, 581000, 234500, 582500)
UNKNOWN_IDS = ("0014010099999901", "0014010099999902")
STATUS_COLUMNS = ["risicoprofiel", "ncg_fase", "uitkomst", "img_status", "typologie", "eigendom", "batch"]


def _water(frame: gpd.GeoDataFrame, code_col: str, code: str, extra: dict) -> gpd.GeoDataFrame:
    row = {c: None for c in frame.columns if c != "geometry"} | {code_col: code, "water": "JA"} | extra
    water = gpd.GeoDataFrame([row], geometry=[WATER_BOX], crs=frame.crs)
    return pd.concat([frame, water], ignore_index=True)


def write_wijkenbuurten(folder: Path) -> Path:
    """A ``wijkenbuurten_2022_v1.gpkg`` with layers gemeenten, wijken and buurten."""
    wijken = gpd.read_file(WIJKEN_2022).to_crs(28992)
    gemeenten_2022 = gpd.read_file(GEMEENTEN_2022, layer="gemeenten").to_crs(28992)
    wijken["gemeentecode"] = "GM" + wijken["code"].str.slice(2, 6)
    dissolved = wijken.dissolve(by="gemeentecode", as_index=False)[["gemeentecode", "geometry"]]
    # gemeente name: the 2022 gemeente that overlaps most
    inter = gpd.overlay(dissolved, gemeenten_2022[["gemeente", "geometry"]], how="intersection", keep_geom_type=True)
    inter["a"] = inter.area
    names = inter.sort_values("a").drop_duplicates("gemeentecode", keep="last").set_index("gemeentecode")["gemeente"]
    dissolved["gemeentenaam"] = dissolved["gemeentecode"].map(names)
    dissolved["water"] = "NEE"
    dissolved["aantal_inwoners"] = dissolved["gemeentecode"].map(wijken.groupby("gemeentecode")["population"].sum())
    gemeenten = _water(dissolved, "gemeentecode", "GM9999", {"gemeentenaam": "Water", "aantal_inwoners": -99997})

    wk = gpd.GeoDataFrame(
        {
            "wijkcode": wijken["code"],
            "wijknaam": wijken["name"],
            "gemeentecode": wijken["gemeentecode"],
            "gemeentenaam": wijken["gemeentecode"].map(names),
            "water": "NEE",
            "aantal_inwoners": wijken["population"].fillna(-99997).astype(int),
            "woz": -99995,
        },
        geometry=wijken.geometry.values,
        crs=28992,
    )
    wk_out = _water(wk, "wijkcode", "WK001499", {"wijknaam": "Water", "gemeentecode": "GM0014", "aantal_inwoners": -99997})

    pc4 = gpd.read_file(PC4).to_crs(28992)
    pieces = gpd.overlay(pc4[["postcode", "geometry"]], wk[["wijkcode", "gemeentecode", "geometry"]], how="intersection", keep_geom_type=True)
    pieces = pieces[pieces.area > 1.0].sort_values(["wijkcode", "postcode"]).reset_index(drop=True)
    seq = pieces.groupby("wijkcode").cumcount()
    pieces = pieces[seq < 99].reset_index(drop=True)
    seq = seq[seq < 99].reset_index(drop=True)
    bu = gpd.GeoDataFrame(
        {
            "buurtcode": "BU" + pieces["wijkcode"].str.slice(2) + (seq + 1).map("{:02d}".format),
            "buurtnaam": "Postcode " + pieces["postcode"].astype(int).astype(str),
            "wijkcode": pieces["wijkcode"],
            "gemeentecode": pieces["gemeentecode"],
            "gemeentenaam": pieces["gemeentecode"].map(names),
            "water": "NEE",
            "aantal_inwoners": -99997,
        },
        geometry=pieces.geometry.values,
        crs=28992,
    )
    bu = _water(bu, "buurtcode", "BU00149999", {"buurtnaam": "Water", "wijkcode": "WK001499", "gemeentecode": "GM0014"})
    path = folder / "wijkenbuurten_2022_v1.gpkg"
    for name, frame in (("gemeenten", gemeenten), ("wijken", wk_out), ("buurten", bu)):
        frame.to_file(path, layer=name, driver="GPKG", engine="pyogrio")
    return path


def write_cbs_shapefile(folder: Path) -> Path:
    """The older form: a ``buurt_2022.shp`` with BU_CODE/BU_NAAM/WK_CODE/GM_CODE/GM_NAAM and H2O."""
    gpkg = write_wijkenbuurten(folder)
    bu = gpd.read_file(gpkg, layer="buurten")
    shp = gpd.GeoDataFrame(
        {
            "BU_CODE": bu["buurtcode"],
            "BU_NAAM": bu["buurtnaam"],
            "WK_CODE": bu["wijkcode"],
            "GM_CODE": bu["gemeentecode"],
            "GM_NAAM": bu["gemeentenaam"],
            "H2O": bu["water"],
            "AANT_INW": bu["aantal_inwoners"].fillna(-99997).astype(int),
        },
        geometry=bu.geometry.values,
        crs=28992,
    )
    path = folder / "buurt_2022.shp"
    shp.to_file(path, engine="pyogrio")
    return path


def write_bag(folder: Path, *, extra_rows: int = 0) -> tuple[Path, Path]:
    """A ``bag-light.gpkg`` (layer verblijfsobject) and a coordinate-free ``programma.csv``."""
    prog = pd.read_csv(PROGRAMMA, dtype=str, keep_default_na=False)
    vbo = gpd.GeoDataFrame(
        {
            "identificatie": prog["adres_id"],
            "pand_identificatie": prog["pand_id"],
            "openbare_ruimte_naam": prog["straat"],
            "huisnummer": pd.to_numeric(prog["huisnummer"]).astype("int32"),
            "huisletter": prog["huisletter"].replace("", None),
            "toevoeging": prog["toevoeging"].replace("", None),
            "postcode": prog["postcode"],
            "woonplaats_naam": prog["woonplaats"],
            "bouwjaar": pd.to_numeric(prog["bouwjaar"], errors="coerce").fillna(9999).astype("int32"),
            "gebruiksdoel": "woonfunctie",
            "status": "Verblijfsobject in gebruik",
        },
        geometry=gpd.points_from_xy(prog["x"].astype(float), prog["y"].astype(float)),
        crs=28992,
    )
    if extra_rows:  # addresses far outside the areas (Zuid-Limburg): must never be read
        far = vbo.iloc[:extra_rows].copy()
        far["identificatie"] = [f"1883010000{i:06d}" for i in range(extra_rows)]
        far["geometry"] = gpd.points_from_xy([190000.0 + i % 100 for i in range(extra_rows)], [320000.0] * extra_rows)
        vbo = pd.concat([vbo, far], ignore_index=True)
    bag = folder / "bag-light.gpkg"
    vbo.to_file(bag, layer="verblijfsobject", driver="GPKG", engine="pyogrio")
    in_prog = prog[prog["ncg_fase"] != ""][["adres_id", *STATUS_COLUMNS]]
    unknown = pd.DataFrame({"adres_id": list(UNKNOWN_IDS), "ncg_fase": "2.1"})
    programme = pd.concat([in_prog.iloc[:5], unknown.iloc[:1], in_prog.iloc[5:], unknown.iloc[1:]], ignore_index=True)
    path = folder / "programma.csv"
    programme.to_csv(path, index=False)
    return bag, path
