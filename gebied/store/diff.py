"""The difference between two plan versions: clusters that moved, addresses that changed period."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

#: Period columns of an address compared between versions.
PERIODS: tuple[str, ...] = ("opname_periode", "beoordeling_periode", "uitvoering_periode", "gereed_periode")


def _plain(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return int(value) if isinstance(value, float) and float(value).is_integer() else (value.item() if hasattr(value, "item") else value)


def version_diff(old: Mapping[str, pd.DataFrame], new: Mapping[str, pd.DataFrame]) -> dict:
    """Compare the ``clusters`` and ``adressen`` layers of two versions.

    Returns
    -------
    dict
        ``clusters``: clusters whose start or end period changed (``cluster_id``,
        ``gemeente_code``, ``start_oud``, ``start_nieuw``, ``gereed_oud``, ``gereed_nieuw``);
        ``clusters_nieuw`` / ``clusters_vervallen``: cluster ids only in one version;
        ``adressen``: addresses of which a period changed (``adres_id``, ``gemeente_code``,
        ``cluster_oud``, ``cluster_nieuw``, and ``{periode}_oud`` / ``_nieuw``).
    """
    def frame(layers: Mapping[str, pd.DataFrame], name: str, key: str) -> pd.DataFrame:
        table = pd.DataFrame(layers[name]).drop(columns="geometry", errors="ignore").copy()
        table[key] = table[key].astype(str)
        return table.set_index(key)

    oc, nc = frame(old, "clusters", "cluster_id"), frame(new, "clusters", "cluster_id")
    moved = []
    for cid in sorted(set(oc.index) & set(nc.index)):
        a, b = oc.loc[cid], nc.loc[cid]
        pairs = {f"{k}_{w}": _plain(row.get(f"{k}_periode")) for k in ("start", "gereed") for w, row in (("oud", a), ("nieuw", b))}
        if pairs["start_oud"] != pairs["start_nieuw"] or pairs["gereed_oud"] != pairs["gereed_nieuw"]:
            moved.append({"cluster_id": cid, "gemeente_code": _plain(b.get("gemeente_code")), **pairs})
    oa, na = frame(old, "adressen", "adres_id"), frame(new, "adressen", "adres_id")
    common = oa.index.intersection(na.index)
    changed = []
    cols = [c for c in PERIODS if c in oa.columns and c in na.columns]
    if cols and len(common):
        left = oa.loc[common, cols].apply(pd.to_numeric, errors="coerce").astype("Float64")
        right = na.loc[common, cols].apply(pd.to_numeric, errors="coerce").astype("Float64")
        same = (left == right).fillna(False) | (left.isna() & right.isna())
        differs = (~same).any(axis=1)
        for aid in common[differs.to_numpy()]:
            rec = {"adres_id": aid, "gemeente_code": _plain(na.at[aid, "gemeente_code"]) if "gemeente_code" in na else None,
                   "cluster_oud": _plain(oa.at[aid, "cluster_id"]) if "cluster_id" in oa else None,
                   "cluster_nieuw": _plain(na.at[aid, "cluster_id"]) if "cluster_id" in na else None}
            for c in cols:
                rec[f"{c}_oud"], rec[f"{c}_nieuw"] = _plain(oa.at[aid, c]), _plain(na.at[aid, c])
            changed.append(rec)
    return {
        "clusters": moved,
        "clusters_nieuw": sorted(set(nc.index) - set(oc.index)),
        "clusters_vervallen": sorted(set(oc.index) - set(nc.index)),
        "adressen": changed,
    }
