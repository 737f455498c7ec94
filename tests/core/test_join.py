"""Tests of the area join (gebied.join): border rule, nearest rule, repairs, order, speed index."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon, box

from gebied.errors import GebiedError, GebiedWarning
from gebied.join import GridIndex, assign_points, join_areas

X0, Y0 = 230_000.0, 580_000.0  # somewhere in Groningen (RD New)


def layer(polys: dict[str, Polygon], *, crs=28992, code_col: str = "statcode") -> gpd.GeoDataFrame:
    """A raw area layer with CBS-like column names, polygons shifted to (X0, Y0)."""
    geoms = [shapely.affinity.translate(p, X0, Y0) for p in polys.values()]
    return gpd.GeoDataFrame(
        {code_col: list(polys), "statnaam": [f"naam {c}" for c in polys]}, geometry=geoms, crs=crs
    )


def points(xy, *, index=None) -> gpd.GeoDataFrame:
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    return gpd.GeoDataFrame(
        {"adres_id": pd.array([f"a{i}" for i in range(len(xy))], dtype="string")},
        geometry=shapely.points(xy[:, 0] + X0, xy[:, 1] + Y0),
        crs=28992,
        index=index,
    )


def join(pts, polys, **kw) -> gpd.GeoDataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GebiedWarning)
        return join_areas(pts, {"g": polys}, **kw)


def test_shared_border_goes_to_lowest_code_exactly_once():
    # left square has the higher code: the rule is by code, not by row order
    polys = layer({"B": box(0, 0, 10, 10), "A": box(10, 0, 20, 10)})
    out = join(points([(10, 5), (5, 5), (15, 5)]), polys)
    assert len(out) == 3
    assert out["g_code"].tolist() == ["A", "B", "A"]
    assert out["g_afstand_m"].tolist() == [0.0, 0.0, 0.0]
    # reversing the row order of the layer changes nothing
    again = join(points([(10, 5)]), polys.iloc[::-1])
    assert again["g_code"].tolist() == ["A"]


def test_corner_of_four_squares():
    codes = {"D": box(0, 0, 10, 10), "C": box(10, 0, 20, 10), "B": box(0, 10, 10, 20), "E": box(10, 10, 20, 20)}
    out = join(points([(10, 10), (10, 15), (5, 10)]), layer(codes))
    assert out["g_code"].tolist() == ["B", "B", "B"]
    out = join(points([(10, 10), (15, 10)]), layer({k: v for k, v in codes.items() if k != "B"}))
    assert out["g_code"].tolist() == ["C", "C"]


def test_overlap_goes_to_deepest_then_lowest_code():
    polys = layer({"A": box(0, 0, 100, 100), "B": box(90, 0, 200, 100)})
    with pytest.warns(GebiedWarning, match="overlapt"):
        out = join_areas(points([(98, 50), (92, 50), (95, 50), (50, 50)]), {"g": polys})
    # depth in A / B: 2/8 -> B, 8/2 -> A, 5/5 -> tie -> A
    assert out["g_code"].tolist() == ["B", "A", "A", "A"]
    assert out["g_naam"].tolist() == ["naam B", "naam A", "naam A", "naam A"]


def test_nearest_within_and_beyond_max_distance():
    polys = layer({"A": box(0, 0, 10, 10), "B": box(100, 0, 110, 10)})
    pts = points([(-30, 5), (40, 5), (55, 5), (5, 5), (-80, 5), (5, 200)])
    with pytest.warns(GebiedWarning) as caught:
        out = join_areas(pts, {"g": polys}, max_distance=50)
    messages = [str(w.message) for w in caught]
    # (55,5) is 45 m from both: tie -> lowest code
    assert out["g_code"].tolist()[:4] == ["A", "A", "A", "A"]
    assert out["g_code"].isna().tolist() == [False] * 4 + [True, True]
    assert out["g_afstand_m"].tolist()[:4] == [30.0, 30.0, 45.0, 0.0]
    assert out["g_afstand_m"].iloc[4:].isna().all()
    assert any("3 adres(sen) buiten alle gebieden" in m for m in messages)
    assert any("2 adres(sen) liggen verder dan 50 m" in m for m in messages)
    out = join(pts, polys, max_distance=0)
    assert out["g_code"].notna().sum() == 1


def test_distance_outside_is_never_rounded_to_zero():
    polys = layer({"A": box(0, 0, 10, 10)})
    out = join(points([(10.001, 5)]), polys)
    assert out["g_code"].tolist() == ["A"]
    assert out["g_afstand_m"].iloc[0] == 0.01


def test_bowtie_is_repaired_with_warning():
    bowtie = Polygon([(0, 0), (10, 10), (10, 0), (0, 10), (0, 0)])
    assert not bowtie.is_valid
    polys = layer({"A": bowtie, "B": box(20, 0, 30, 10)})
    with pytest.warns(GebiedWarning, match="make_valid"):
        out = join_areas(points([(2, 5), (8, 5), (5, 1), (25, 5)]), {"g": polys}, max_distance=0)
    # the two triangles of the bow-tie are left (x < 5) and right (x > 5) of its centre
    assert out["g_code"].iloc[:2].tolist() == ["A", "A"]
    assert out["g_code"].isna().tolist() == [False, False, True, False]


def test_polygons_without_crs_is_a_dutch_error():
    polys = layer({"A": box(0, 0, 10, 10)}, crs=None)
    with pytest.raises(GebiedError, match="coördinaatsysteem"):
        join(points([(5, 5)]), polys)


def test_addresses_without_crs_is_a_dutch_error():
    pts = points([(5, 5)]).set_crs(None, allow_override=True)
    with pytest.raises(GebiedError, match="coördinaatsysteem"):
        join(pts, layer({"A": box(0, 0, 10, 10)}))


def test_other_crs_and_cbs_column_names():
    polys = layer({"GM0014": box(0, 0, 1000, 1000)}, code_col="gm_code").to_crs(4326)
    pts = points([(500, 500)]).to_crs(4326)
    out = join(pts, polys)
    assert out["g_code"].tolist() == ["GM0014"]
    assert out.crs.to_epsg() == 4326  # input geometry untouched


def test_multi_layer_join():
    wijk = layer({"WK01": box(0, 0, 20, 10)}, code_col="wk_code")
    buurt = layer({"BU02": box(0, 0, 10, 10), "BU01": box(10, 0, 20, 10)}, code_col="bu_code")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GebiedWarning)
        out = join_areas(points([(5, 5), (15, 5), (100, 5)]), {"wijk": wijk, "buurt": buurt})
    assert out["wijk_code"].tolist()[:2] == ["WK01", "WK01"]
    assert out["buurt_code"].tolist()[:2] == ["BU02", "BU01"]
    assert out["wijk_code"].isna().tolist() == [False, False, True]
    for col in ("wijk_code", "wijk_naam", "buurt_code", "buurt_naam"):
        assert out[col].dtype == pd.StringDtype()
    assert out["buurt_afstand_m"].dtype == np.float64


def test_order_and_index_preserved_and_input_untouched():
    polys = layer({"A": box(0, 0, 10, 10), "B": box(10, 0, 20, 10)})
    xy = [(15, 5), (5, 5), (10, 5), (19, 1), (1, 9)]
    idx = pd.Index(["z", "y", "x", "w", "v"], name="sleutel")
    pts = points(xy, index=idx)
    before = pts.copy()
    out = join(pts, polys)
    assert out.index.equals(idx)
    assert out["adres_id"].tolist() == pts["adres_id"].tolist()
    assert out["g_code"].tolist() == ["B", "A", "A", "B", "A"]
    pd.testing.assert_frame_equal(pts, before)
    assert "g_code" not in pts.columns
    # duplicated index labels stay too
    dup = points(xy, index=[3, 3, 1, 1, 0])
    assert join(dup, polys).index.tolist() == [3, 3, 1, 1, 0]


# --- property tests: random tessellations against a brute-force shapely check ---------------


def brute_force(geoms: np.ndarray, codes: np.ndarray, pts: np.ndarray, max_distance: float):
    """Reference: covers + depth rule + lowest code; nearest within max_distance."""
    order = np.argsort(codes, kind="stable")
    geoms, codes = geoms[order], codes[order]
    result, dist = [], []
    for pt in pts:
        cover = [i for i, g in enumerate(geoms) if g.covers(pt)]
        if cover:
            depth = [round(pt.distance(geoms[i].boundary), 6) for i in cover]
            best = max(depth)
            result.append(codes[min(i for i, d in zip(cover, depth) if d == best)])
            dist.append(0.0)
            continue
        d = np.array([pt.distance(g) for g in geoms])
        if d.min() <= max_distance:
            result.append(codes[int(np.flatnonzero(d == d.min())[0])])
            dist.append(float(np.ceil(d.min() * 100) / 100))
        else:
            result.append(None)
            dist.append(np.nan)
    return result, dist


@st.composite
def tessellation(draw):
    """A grid of squares or a clipped Voronoi diagram, codes in random order, plus points."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    size = 1000.0
    kind = draw(st.sampled_from(["rooster", "voronoi", "overlap"]))
    if kind == "overlap":  # random, overlapping rectangles (and holes between them)
        k = draw(st.integers(1, 8))
        lo = rng.random((k, 2)) * size * 0.7
        hi = lo + 50 + rng.random((k, 2)) * size * 0.5
        geoms = [box(*a, *b) for a, b in zip(lo, hi)]
        lines = np.unique(np.r_[lo[:, 0], hi[:, 0]])
    elif kind == "rooster":
        n = draw(st.integers(1, 6))
        step = size / n
        geoms = [box(i * step, j * step, (i + 1) * step, (j + 1) * step) for i in range(n) for j in range(n)]
        lines = np.arange(n + 1) * step
    else:
        seeds = shapely.multipoints(rng.random((draw(st.integers(2, 40)), 2)) * size)
        frame = box(0, 0, size, size)
        geoms = list(shapely.intersection(shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame)), frame))
        lines = np.array([0.0, size])
    geoms = np.array([shapely.affinity.translate(g, X0, Y0) for g in geoms], dtype=object)
    codes = np.array([f"C{k:03d}" for k in rng.permutation(len(geoms))], dtype=object)
    n_pts = draw(st.integers(1, 300))
    xy = rng.random((n_pts, 2)) * size * 1.2 - size * 0.1
    # points exactly on grid lines and on polygon vertices (shared borders and corners)
    snap = rng.random(n_pts) < 0.2
    xy[snap, 0] = rng.choice(lines, snap.sum())
    verts = shapely.get_coordinates(geoms) - (X0, Y0)
    on_vertex = rng.random(n_pts) < 0.15
    xy[on_vertex] = verts[rng.integers(0, len(verts), on_vertex.sum())]
    return geoms, codes, xy


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tessellation(), st.sampled_from([0.0, 30.0, 100.0]))
def test_join_equals_brute_force(case, max_distance):
    geoms, codes, xy = case
    polys = gpd.GeoDataFrame({"code": codes, "naam": codes}, geometry=geoms, crs=28992)
    pts = points(xy)
    out = join(pts, polys, max_distance=max_distance)
    assert len(out) == len(pts)
    assert out["adres_id"].tolist() == pts["adres_id"].tolist()
    expected, dist = brute_force(geoms, codes, np.asarray(pts.geometry.values), max_distance)
    got = [None if v is pd.NA else v for v in out["g_code"]]
    assert got == expected
    np.testing.assert_array_equal(out["g_afstand_m"].to_numpy(), np.array(dist))
    # every point strictly inside one polygon and touching no other gets that polygon
    for i, pt in enumerate(pts.geometry.values):
        cover = [c for g, c in zip(geoms, codes) if g.covers(pt)]
        if len(cover) == 1 and any(g.contains(pt) for g in geoms):
            assert got[i] == cover[0]


@settings(max_examples=25, deadline=None)
@given(tessellation(), st.sampled_from([1_000, 100_000, 3_000_000]))
def test_grid_index_at_any_resolution_equals_exact(case, n_points):
    """The pre-index (fine or coarse grid) never changes the exact answer."""
    geoms, codes, xy = case
    index = GridIndex(geoms, n_points=n_points)
    x, y = xy[:, 0] + X0, xy[:, 1] + Y0
    pts = shapely.points(x, y)
    fast = index.locate(x, y, pts)
    exact = index.exact(pts, x, y)
    np.testing.assert_array_equal(fast, exact)
    covered = np.array([any(g.covers(p) for g in geoms) for p in pts])
    np.testing.assert_array_equal(fast >= 0, covered)


def test_grid_fast_path_is_used_for_deep_points():
    """Most points deep inside large squares are decided without an exact test."""
    geoms = np.array([box(X0, Y0, X0 + 500, Y0 + 1000), box(X0 + 500, Y0, X0 + 1000, Y0 + 1000)], dtype=object)
    index = GridIndex(geoms, n_points=100_000)
    owners = index.owner
    assert (owners >= 0).mean() > 0.9
    assert set(np.unique(owners[owners >= 0])) == {0, 1}


def test_assign_points_returns_positions_and_distances():
    polys = gpd.GeoDataFrame({"code": ["A", "B"], "naam": ["a", "b"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=28992)
    pos, dist = assign_points(shapely.points([0.5, 1.0, 3.0, 9.0], [0.5, 0.5, 0.5, 0.5]), polys, max_distance=2)
    assert pos.tolist() == [0, 0, 1, -1]
    assert dist[:3].tolist() == [0.0, 0.0, 1.0] and np.isnan(dist[3])


# --- end to end through the CLI and on the real PC4 layer ---------------------------------


def test_cli_koppel(tmp_path):
    from typer.testing import CliRunner

    from gebied.cli import app

    polys = layer({"9711": box(0, 0, 100, 100), "9712": box(100, 0, 200, 100)}, code_col="postcode")
    polys.to_file(tmp_path / "pc4.gpkg")
    xy = np.array([(50, 50), (100, 50), (150, 50), (230, 50), (500, 500)]) + (X0, Y0)
    pd.DataFrame({"adres_id": [f"0014200000{i:06d}" for i in range(5)], "x": xy[:, 0], "y": xy[:, 1]}).to_csv(
        tmp_path / "adressen.csv", index=False
    )
    result = CliRunner().invoke(
        app,
        ["koppel", str(tmp_path / "adressen.csv"), "--gebieden", f"pc4={tmp_path / 'pc4.gpkg'}", "--uit", str(tmp_path / "uit.csv")],
    )
    assert result.exit_code == 0, result.output
    out = pd.read_csv(tmp_path / "uit.csv", dtype={"pc4_code": "string"})
    assert out["pc4_code"].tolist()[:4] == ["9711", "9711", "9712", "9712"]
    assert out["pc4_code"].isna().tolist() == [False] * 4 + [True]
    assert out["pc4_afstand_m"].tolist()[3] == 30.0
    assert "1 zonder gebied" in result.output


def test_cli_koppel_polygons_without_crs(tmp_path):
    from typer.testing import CliRunner

    from gebied.cli import app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pyogrio: no CRS given, on purpose
        gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(X0, Y0, X0 + 10, Y0 + 10)]).to_file(tmp_path / "g.gpkg")
    pd.DataFrame({"adres_id": ["1"], "x": [X0 + 5], "y": [Y0 + 5]}).to_csv(tmp_path / "a.csv", index=False)
    result = CliRunner().invoke(
        app, ["koppel", str(tmp_path / "a.csv"), "--gebieden", f"g={tmp_path / 'g.gpkg'}", "--uit", str(tmp_path / "u.csv")]
    )
    assert result.exit_code == 2, result.output
    assert "coördinaatsysteem" in result.output
    assert not (tmp_path / "u.csv").exists()


def test_real_pc4_matches_sjoin(shared_data):
    """On the real PC4 layer, every address strictly inside one polygon gets that polygon."""
    from gebied import read_addresses, read_areas

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GebiedWarning)
        addresses = read_addresses(shared_data / "programma_stad_groningen.csv")
        pc4 = read_areas(shared_data / "real" / "pc4_polygons_groningen_cbs2020.gpkg", code_column="postcode")
        out = join_areas(addresses, {"pc4": pc4})
    assert len(out) == len(addresses) and out.index.equals(addresses.index)
    ref = gpd.sjoin(addresses[["geometry"]], pc4[["code", "geometry"]], predicate="within")
    once = ref[~ref.index.duplicated(keep=False)]
    assert len(once) > 0.95 * len(addresses)
    assert (out.loc[once.index, "pc4_code"] == once["code"]).all()


@pytest.mark.parametrize("n_points", [20_000, 2_000_000])
def test_grid_index_dense_points_on_slanted_borders(n_points):
    """Many points against slanted (rotated, Voronoi) borders: grid answer = exact answer."""
    rng = np.random.default_rng(7)
    seeds = shapely.multipoints(rng.random((30, 2)) * 1000)
    frame = box(0, 0, 1000, 1000)
    vor = shapely.intersection(shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame)), frame)
    tilted = shapely.affinity.rotate(box(1200, 0, 1300, 800), 17, origin=(1200, 0))
    geoms = np.array([shapely.affinity.translate(g, X0, Y0) for g in [*vor, tilted]], dtype=object)
    xy = rng.random((20_000, 2)) * (1600, 1100) + (X0 - 50, Y0 - 50)
    index = GridIndex(geoms, n_points=n_points)
    pts = shapely.points(xy)
    fast = index.locate(xy[:, 0], xy[:, 1], pts)
    np.testing.assert_array_equal(fast, index.exact(pts, xy[:, 0], xy[:, 1]))
    assert (index.owner >= 0).mean() > 0.3  # the fast path is really taken


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(5, 60), st.sampled_from([1_000, 20_000]))
def test_every_cell_a_border_touches_is_mixed(seed, n_vertices, n_points):
    """Invariant of the pre-index: a cell that any polygon boundary touches is never decided."""
    rng = np.random.default_rng(seed)
    angle = np.sort(rng.random(n_vertices)) * 2 * np.pi
    radius = 100 + rng.random(n_vertices) * 400  # a star-shaped, zig-zagging polygon
    star = Polygon(np.c_[X0 + radius * np.cos(angle), Y0 + radius * np.sin(angle)])
    other = box(X0 + 600, Y0 - 100, X0 + 700, Y0 + 100)
    index = GridIndex(np.array([star, other], dtype=object), n_points=n_points)
    ix, iy = np.divmod(np.arange(index.nx * index.ny), index.ny)
    cells = shapely.box(index.x0 + ix * index.size, index.y0 + iy * index.size,
                        index.x0 + (ix + 1) * index.size, index.y0 + (iy + 1) * index.size)
    touched = shapely.intersects(cells, shapely.union_all([star.boundary, other.boundary]))
    assert (index.owner[touched] == -1).all()
    # decided cells are decided correctly (a few untouched cells may stay mixed: bounding boxes)
    decided = index.owner != -1
    assert decided.mean() > 0.5
    centre = shapely.centroid(cells[decided])
    expect = np.where(shapely.covers(star, centre), 0, np.where(shapely.covers(other, centre), 1, -2))
    np.testing.assert_array_equal(index.owner[decided], expect)
