"""Check a (possibly hand-edited) clustering against the hard rules of the treintjes.

The rules and the graph are those of :mod:`gebied.clusters.graph`, so a clustering made by
:func:`gebied.clusters.make_clusters` with the same options passes without violations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from gebied.clusters.graph import (
    area_graphs,
    effective_area,
    population_mask,
    rounded_xy,
)
from gebied.codes import MAX_CLUSTER_SIZE, MIN_CLUSTER_SIZE
from gebied.errors import GebiedError
from gebied.frames import mode_per_group, require_column, text_column

VIOLATION_COLUMNS = ["regel", "cluster_id", "adres_id", "toelichting"]

#: Rule names with their Dutch meaning (for help texts and documentation).
REGELS: dict[str, str] = {
    "zonder_gebied": "adres met een cluster maar zonder gebied",
    "zonder_cluster": "adres in het programma zonder cluster",
    "gebied": "cluster ligt in meer dan één gebied",
    "pand": "pand verdeeld over meer dan één cluster",
    "samenhang": "cluster is geen aaneengesloten geheel",
    "te_groot": "cluster groter dan het maximum en niet één pand",
    "te_klein": "cluster kleiner dan het minimum terwijl een buurcluster hem kan opnemen",
}


def check_clusters(
    clustered: pd.DataFrame,
    *,
    area_column: str,
    min_size: int = MIN_CLUSTER_SIZE,
    max_size: int = MAX_CLUSTER_SIZE,
    include_all: bool = False,
) -> pd.DataFrame:
    """List the violations of the hard cluster rules.

    Parameters
    ----------
    clustered
        Addresses with ``cluster_id`` (e.g. an edited output of ``make_clusters``).
    area_column
        The area column the clusters must respect.
    min_size, max_size
        Size bounds; a smaller cluster is allowed only when it is its area's whole
        population or no neighbouring cluster can take it in within ``max_size``; a larger
        one only when it is a single building.
    include_all
        Whether all addresses (not only those in the programme) should have a cluster.

    Returns
    -------
    pandas.DataFrame
        Columns ``regel``, ``cluster_id``, ``adres_id``, ``toelichting`` (Dutch); empty when
        all hard rules hold.
    """
    require_column(clustered, area_column)
    require_column(clustered, "cluster_id")
    out: list[dict] = []

    def add(regel: str, cid, aid, text: str) -> None:
        out.append({"regel": regel, "cluster_id": cid, "adres_id": aid, "toelichting": text})

    cid = text_column(clustered, "cluster_id").to_numpy(dtype=object)
    area = text_column(clustered, area_column)
    aid = (
        text_column(clustered, "adres_id").to_numpy(dtype=object)
        if "adres_id" in clustered.columns
        else np.array([str(i) for i in range(len(clustered))], dtype=object)
    )
    has_c = ~pd.isna(cid)
    has_a = area.notna().to_numpy()
    for i in np.flatnonzero(has_c & ~has_a):
        add("zonder_gebied", cid[i], aid[i], f"adres heeft een cluster maar geen waarde in kolom '{area_column}'")
    if include_all or "ncg_fase" in clustered.columns:
        should = population_mask(clustered, area_column=area_column, include_all=include_all)
        for i in np.flatnonzero(should & ~has_c):
            add("zonder_cluster", None, aid[i], "adres hoort bij het programma maar heeft geen cluster")

    rows = np.flatnonzero(has_c & has_a)
    if len(rows):
        _check_clustered(clustered, rows, cid, aid, area, area_column, min_size, max_size, add)
    return pd.DataFrame(out, columns=VIOLATION_COLUMNS).astype("string")


def _check_clustered(clustered, rows, cid, aid, area, area_column, min_size, max_size, add) -> None:
    sub_c = pd.Series(cid[rows], dtype="string")
    pand = text_column(clustered, "pand_id").iloc[rows].reset_index(drop=True)
    eff, _ = effective_area(area.iloc[rows].reset_index(drop=True), pand)
    sizes = sub_c.value_counts()
    home_area = mode_per_group(eff, sub_c)

    # Rule: one area per cluster.
    wrong = (eff != sub_c.map(home_area)).to_numpy()
    for j in np.flatnonzero(wrong):
        add("gebied", sub_c[j], aid[rows[j]],
            f"adres ligt in {area_column} {eff[j]}, de cluster in {home_area[sub_c[j]]}")

    # Rule: a building is never split.
    with_pand = pand.notna().to_numpy()
    if with_pand.any():
        pc = pd.DataFrame({"pand": pand[with_pand].to_numpy(), "c": sub_c[with_pand].to_numpy()})
        n_c = pc.groupby("pand")["c"].nunique()
        split = n_c[n_c > 1].index
        if len(split):
            keep = mode_per_group(pc["c"], pc["pand"])
            for j in np.flatnonzero(with_pand & pand.isin(split).to_numpy()):
                if sub_c[j] != keep[pand[j]]:
                    others = sorted(set(pc.loc[pc["pand"] == pand[j], "c"]))
                    add("pand", sub_c[j], aid[rows[j]],
                        f"pand {pand[j]} is verdeeld over de clusters {', '.join(others)}")

    # Graph rules: contiguity, sizes, neighbours.
    geom = clustered.geometry.iloc[rows]
    xy = rounded_xy(geom)
    graphs = area_graphs(xy, eff, pand)
    codes, uniq = pd.factorize(sub_c)
    node_parts, edge_parts, unit_parts = [], [], []
    offset = unit_offset = 0
    for code, ag in graphs.items():
        c_rows = codes[ag.rows]
        node_parts.append(pd.DataFrame({
            "j": ag.rows,
            "gloc": ag.loc + offset,  # global location id
            "c": c_rows,
            "home": home_area.reindex(uniq[c_rows]).to_numpy() == code,
        }))
        if len(ag.edges):
            edge_parts.append(ag.edges + offset)
        unit_parts.append(ag.unit + unit_offset)  # global unit id per location
        offset += len(ag.xy)
        unit_offset += ag.n_units
    nodes = pd.concat(node_parts, ignore_index=True)
    unit_of_gloc = np.concatenate(unit_parts)
    edges = np.vstack(edge_parts) if edge_parts else np.empty((0, 2), dtype=np.int64)

    home = nodes[nodes["home"]]
    pairs = home[["gloc", "c"]].drop_duplicates().reset_index(drop=True)
    pairs["node"] = np.arange(len(pairs))
    e = pd.DataFrame(edges, columns=["u", "v"])
    eu = e.merge(pairs, left_on="u", right_on="gloc").rename(columns={"c": "cu", "node": "nu"})
    euv = eu.merge(pairs, left_on="v", right_on="gloc").rename(columns={"c": "cv", "node": "nv"})
    same = euv[euv["cu"] == euv["cv"]]
    n = len(pairs)
    m = coo_matrix((np.ones(len(same)), (same["nu"].to_numpy(), same["nv"].to_numpy())), shape=(n, n))
    _, comp = connected_components(m, directed=False)
    pairs["comp"] = comp
    home = home.merge(pairs[["gloc", "c", "comp"]], on=["gloc", "c"])
    per = home.groupby(["c", "comp"]).size().reset_index(name="n")
    n_comp = per.groupby("c").size()
    for c in n_comp[n_comp > 1].index:
        pc = per[per["c"] == c].sort_values(["n", "comp"], ascending=[False, True])
        main = pc["comp"].iloc[0]
        k = len(pc)
        for j in home.loc[(home["c"] == c) & (home["comp"] != main), "j"]:
            add("samenhang", uniq[c], aid[rows[j]],
                f"cluster valt in {k} losse delen; dit adres ligt los van het grootste deel")

    # Sizes.
    cross = euv[euv["cu"] != euv["cv"]][["cu", "cv"]].drop_duplicates()
    nbrs: dict[int, set[int]] = {}
    for a, b in zip(cross["cu"].tolist(), cross["cv"].tolist()):
        nbrs.setdefault(a, set()).add(b)
        nbrs.setdefault(b, set()).add(a)
    area_total = eff.value_counts()
    units_per_c = nodes.assign(unit=unit_of_gloc[nodes["gloc"].to_numpy()]).groupby("c")["unit"].nunique()
    for c, label in enumerate(uniq):
        size = int(sizes[label])
        if size > max_size and units_per_c.get(c, 0) != 1:
            add("te_groot", label, None,
                f"cluster telt {size} adressen, meer dan het maximum {max_size}, en is niet één pand")
        if size < min_size and size != int(area_total.get(home_area[label], 0)):
            fits = sorted((int(sizes[uniq[q]]), str(uniq[q])) for q in nbrs.get(c, ())
                          if size + int(sizes[uniq[q]]) <= max_size)
            if fits:
                add("te_klein", label, None,
                    f"cluster telt {size} adressen, minder dan het minimum {min_size}, "
                    f"terwijl buurcluster {fits[0][1]} ({fits[0][0]} adressen) hem kan opnemen")


def raise_if_missing_clusters(frame: pd.DataFrame, *, file: str | None = None) -> None:
    """Raise a Dutch GebiedError when an edited clustering has no ``cluster_id`` column."""
    if "cluster_id" not in frame.columns:
        raise GebiedError(
            "kolom 'cluster_id' ontbreekt; --controleer verwacht een geclusterd bestand "
            "(uitvoer van 'gebied cluster', eventueel bewerkt)",
            file=file,
            column="cluster_id",
        )
