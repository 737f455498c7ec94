"""The publication table: the one table of public figures of a plan.

Every public output (the public map, the API routes without a key, the report's public
section and ``publiek.csv``) shows this table and nothing else. It is computed once per
plan by :func:`publication_table`:

1. *Units*: the areas of one level that hold addresses; an area with fewer addresses than
   the threshold is merged with a neighbour inside the same gemeente.
2. *Figures* per unit and for all units together (row ``totaal``): addresses, in the
   programme, per NCG phase, raised risk (P50/P90) and addresses with an inequality flag;
   the first and last planned period where the programme count is published.
3. *Suppression*: counts 1 … threshold − 1 are hidden (primary), then more cells are hidden
   until the attacker's audit (:mod:`gebied.privacy_audit`) pins no hidden cell and leaves
   every hidden small count an interval at least ``threshold`` wide (secondary).
4. *Shares and texts* are computed from published cells only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gebied.codes import NCG_FASEN
from gebied.errors import GebiedError
from gebied.periods import period_labels
from gebied.privacy.audit import Structure, Sum, failures, intervals
from gebied.privacy.units import merge_small_areas, public_geometry

PHASES: tuple[str, ...] = tuple(f"fase_{f}" for f in NCG_FASEN)
#: The counts of a unit, in the order of the table.
COUNTS: tuple[str, ...] = ("aantal_adressen", "in_programma", *PHASES, "risico_verhoogd", "met_vlag")
#: The row with the figures of all units together.
TOTAL = "totaal"
STAGE_PERIODS = ("opname_periode", "beoordeling_periode", "uitvoering_periode")


@dataclass
class Publication:
    """A publication table with what is needed to audit it (the true counts stay private)."""

    table: gpd.GeoDataFrame
    values: pd.DataFrame
    hidden: pd.DataFrame
    structure: Structure
    threshold: int


def _unit_counts(addresses: pd.DataFrame, areas: gpd.GeoDataFrame, level: str) -> gpd.GeoDataFrame:
    column = f"{level}_code"
    if column not in addresses.columns:
        raise GebiedError(f"publieke cijfers: de adressen hebben geen kolom '{column}'", column=column)
    code = addresses[column].astype("string")
    fase = addresses["ncg_fase"].astype("string") if "ncg_fase" in addresses else pd.Series(pd.NA, index=addresses.index, dtype="string")
    frame = pd.DataFrame({"code": code, "fase": fase})
    frame["risico"] = addresses["risicoprofiel"].isin(["P50", "P90"]).to_numpy() if "risicoprofiel" in addresses else False
    flags = pd.to_numeric(addresses["aantal_vlaggen"], errors="coerce") if "aantal_vlaggen" in addresses else 0
    frame["vlag"] = (pd.Series(flags, index=addresses.index).fillna(0) > 0).to_numpy()
    stages = [pd.to_numeric(addresses[c], errors="coerce") for c in STAGE_PERIODS if c in addresses]
    frame["start"] = pd.concat(stages, axis=1).min(axis=1) if stages else np.nan
    frame["eind"] = pd.to_numeric(addresses.get("gereed_periode", np.nan), errors="coerce")
    frame.loc[frame["eind"] <= 0, "eind"] = np.nan
    frame = frame.dropna(subset=["code"])
    g = frame.groupby("code")
    counts = pd.DataFrame({"aantal_adressen": g.size(), "in_programma": g["fase"].count()})
    for f, col in zip(NCG_FASEN, PHASES, strict=True):
        counts[col] = (frame["fase"] == f).fillna(False).groupby(frame["code"]).sum()
    counts["risico_verhoogd"] = frame["risico"].groupby(frame["code"]).sum()
    counts["met_vlag"] = frame["vlag"].groupby(frame["code"]).sum()
    counts["start_periode"] = g["start"].min()
    counts["gereed_periode"] = g["eind"].max()
    keep = [c for c in ("code", "naam", "gemeente_code") if c in areas.columns] + [areas.geometry.name]
    units = areas.loc[areas["code"].astype(str).isin(counts.index), keep].copy()
    units["code"] = units["code"].astype(str)
    units = units.merge(counts, left_on="code", right_index=True, how="left")
    units[list(COUNTS)] = units[list(COUNTS)].fillna(0).astype(int)
    return units


def _structure(rows: list[str], parent_of: Mapping[str, str] | None = None) -> Structure:
    """Identities of the table: phases add up to in_programma; the top units add up to the
    total; nested units (``parent_of``: unit → its parent unit) add up to their parent."""
    parent_of = parent_of or {}
    sums = [Sum((r, "in_programma"), [(r, p) for p in PHASES]) for r in rows]
    top = [r for r in rows if r != TOTAL and r not in parent_of]
    sums += [Sum((TOTAL, c), [(r, c) for r in top]) for c in COUNTS]
    children: dict[str, list[str]] = {}
    for child, parent in parent_of.items():
        children.setdefault(parent, []).append(child)
    sums += [Sum((p, c), [(k, c) for k in kids]) for p, kids in children.items() for c in COUNTS]
    at_most = [((r, c), (r, "aantal_adressen")) for r in rows for c in COUNTS if c != "aantal_adressen"]
    return Structure(sums=sums, at_most=at_most)


def _nested_units(addresses, areas, level, parent_areas, parent, threshold):
    """Parent units and child units inside them, both merged where small (children only
    within their own parent unit). Returns (parents, children) with ``binnen`` on children."""
    parents = _unit_counts(addresses, parent_areas, parent)
    parents, _ = merge_small_areas(parents, threshold, count_columns=list(COUNTS))
    unit_of = {m: code for code in parents["code"] for m in str(code).split("+")}
    pairs = pd.DataFrame({"kind": addresses[f"{level}_code"].astype("string"), "ouder": addresses[f"{parent}_code"].astype("string")}).dropna()
    spread = pairs.groupby("kind")["ouder"].nunique()
    if (spread > 1).any():
        bad = spread[spread > 1].index[0]
        raise GebiedError(
            f"publieke cijfers: {level} {bad} ligt in meer dan één {parent}; een tweede niveau kan alleen als "
            f"elke {level} precies binnen één {parent} valt",
            column=f"{parent}_code",
        )
    children = _unit_counts(addresses, areas, level)
    first = pairs.drop_duplicates("kind").set_index("kind")["ouder"]
    children["binnen"] = [unit_of.get(str(first.get(c, "")), pd.NA) for c in children["code"]]
    children = children[children["binnen"].notna()]
    children, _ = merge_small_areas(children, threshold, count_columns=list(COUNTS), within="binnen")
    return parents, children


def _close(values: pd.DataFrame, hidden: pd.DataFrame, structure: Structure, threshold: int) -> None:
    """Cheap secondary suppression: within every identity, no lone hidden cell and no hidden
    group whose sum would narrow a small count below the threshold (changes ``hidden``)."""
    changed = True
    while changed:
        changed = False
        for s in structure.sums:
            cells = [s.total, *s.parts]
            hid = [c for c in cells if hidden.at[c]]
            if not hid:
                continue
            rest = sum(int(values.at[c]) for c in hid)
            small = any(0 < values.at[c] < threshold for c in hid)
            if len(hid) == 1 or (small and rest - len(hid) < threshold):
                changed |= _hide_smallest(values, hidden, cells)


def _hide_smallest(values: pd.DataFrame, hidden: pd.DataFrame, cells: list) -> bool:
    free = [c for c in cells if not hidden.at[c] and values.at[c] > 0]
    if not free:
        return False
    order = {c: k for k, c in enumerate(cells)}
    target = min(free, key=lambda c: (int(values.at[c]), order[c]))
    hidden.at[target] = True
    return True


def suppress_until_safe(values: pd.DataFrame, structure: Structure, threshold: int) -> pd.DataFrame:
    """Hidden cells of a table: primary suppression, then more until the audit passes.

    Each round hides, for every failing cell, the smallest published non-zero cell of an
    identity it takes part in; when none is left there, the smallest published non-zero cell
    of any identity that holds a hidden cell. Every round hides at least one more cell, so
    the loop ends (a table with every non-zero cell hidden passes).

    Returns
    -------
    pandas.DataFrame
        Booleans of the shape of ``values``: True where a cell is not published.
    """
    hidden = (values > 0) & (values < threshold)
    _close(values, hidden, structure, threshold)
    pending = None  # hiding more only widens every interval: re-check just failed and new cells
    while True:
        before = hidden.copy()
        bad = failures(intervals(values, hidden, structure, cells=pending), threshold=threshold)
        if bad.empty:
            return hidden
        progress = False
        for cell in zip(bad["rij"], bad["kolom"], strict=True):
            for s in structure.sums:
                cells = [s.total, *s.parts]
                if cell in cells and _hide_smallest(values, hidden, cells):
                    progress = True
                    break
        if not progress:  # widen the bound instead (the whole of a failing part), else anything near
            failing = set(zip(bad["rij"], bad["kolom"], strict=True))
            wholes = [whole for part, whole in structure.at_most if part in failing]
            near = [c for s in structure.sums if any(hidden.at[x] for x in (s.total, *s.parts)) for c in (s.total, *s.parts)]
            everything = [(r, c) for r in values.index for c in values.columns]
            if not any(_hide_smallest(values, hidden, list(dict.fromkeys(cells))) for cells in (wholes, near, everything)):
                raise GebiedError("publieke cijfers: afscherming vond geen veilige tabel")
        _close(values, hidden, structure, threshold)
        new = hidden & ~before
        pending = [*zip(bad["rij"], bad["kolom"], strict=True), *((r, c) for r, c in new.stack()[lambda x: x].index)]


def _labels(value: object, labels: Mapping[int, str]) -> object:
    if pd.isna(value) or int(value) <= 0:
        return pd.NA
    return labels.get(int(value), str(int(value)))


def _text(row: pd.Series) -> str:
    def n(col: str) -> str:
        v = row[col]
        return "een afgeschermd aantal" if pd.isna(v) else f"{int(v):,}".replace(",", ".")

    parts = [f"{row['naam']}: {n('aantal_adressen')} adressen, waarvan {n('in_programma')} in het versterkingsprogramma"]
    parts.append(f"{n('fase_gereed')} daarvan {'is' if pd.isna(row['fase_gereed']) else 'zijn'} gereed")
    if not pd.isna(row["start_label"]):
        parts.append(f"het werk start in {row['start_label']} en is naar verwachting gereed in {row['gereed_label']}")
    return "; ".join(parts) + "."


def publication_table(
    addresses: pd.DataFrame,
    areas: gpd.GeoDataFrame,
    *,
    level: str,
    threshold: int,
    labels: Mapping[int, str] | None = None,
    parent: str | None = None,
    parent_areas: gpd.GeoDataFrame | None = None,
) -> Publication:
    """The public figures of a plan at one area level (optionally with a coarser level around it).

    Parameters
    ----------
    addresses
        The plan's address layer (``{level}_code``, ``ncg_fase``, stage periods, …).
    areas
        The areas of ``level``: ``code``, ``naam``, ``gemeente_code`` (for merging), geometry.
    level, threshold
        The area level and the smallest count that may be published.
    labels
        Period number → label (e.g. ``2027-K1``) for the texts.
    parent, parent_areas
        A second, coarser level whose areas each hold whole areas of ``level`` (for example
        wijk around buurt). Both levels are then suppressed together, so that no parent minus
        its published children gives a hidden child back.

    Returns
    -------
    Publication
        ``table`` holds one row per public unit (parents first) plus the row ``totaal``; a
        hidden count is NA, ``afgeschermd`` names the hidden columns of the row and
        ``binnen`` the parent unit of a nested unit.
    """
    labels = labels or {}
    if parent is None:
        units = _unit_counts(addresses, areas, level)
        units, _dropped = merge_small_areas(units, threshold, count_columns=list(COUNTS))
        units = units.sort_values("code", kind="stable").reset_index(drop=True)
        units["binnen"] = pd.NA
        top = units
    else:
        top, children = _nested_units(addresses, areas, level, parent_areas, parent, threshold)
        top = top.sort_values("code", kind="stable").assign(binnen=pd.NA, niveau_=parent)
        children = children.sort_values(["binnen", "code"], kind="stable").assign(niveau_=level)
        units = pd.concat([top, children], ignore_index=True)
        units = gpd.GeoDataFrame(units, geometry=top.geometry.name, crs=top.crs)
    total = {c: int(top[c].sum()) for c in COUNTS}
    total |= {"start_periode": top["start_periode"].min(), "gereed_periode": top["gereed_periode"].max()}
    rows = [*units["code"], TOTAL]
    values = pd.DataFrame([*units[list(COUNTS)].to_numpy(dtype=int), [total[c] for c in COUNTS]], index=rows, columns=list(COUNTS))
    parent_of = {c: b for c, b in zip(units["code"], units["binnen"], strict=True) if isinstance(b, str)}
    structure = _structure(rows, parent_of)
    hidden = suppress_until_safe(values, structure, threshold)
    table = pd.DataFrame({"code": rows})
    table["niveau"] = [*(units["niveau_"] if "niveau_" in units else [level] * len(units)), TOTAL]
    table["binnen"] = pd.array([*units["binnen"], pd.NA], dtype="string")
    table["naam"] = [*units["naam"].astype(str), "alle gebieden samen"]
    gemeente = units["gemeente_code"].astype("string") if "gemeente_code" in units else pd.Series(pd.NA, index=units.index, dtype="string")
    one = gemeente.nunique() == 1
    table["gemeente_code"] = pd.array([*gemeente, gemeente.iloc[0] if one and len(gemeente) else pd.NA], dtype="string")
    table["samengevoegd"] = [*("; ".join(map(str, s)) for s in units["samengevoegd"]), ""]
    for c in COUNTS:
        table[c] = pd.array(values[c].where(~hidden[c]).to_numpy(), dtype="Int64")
    periods = pd.concat([units[["start_periode", "gereed_periode"]], pd.DataFrame([total])[["start_periode", "gereed_periode"]]], ignore_index=True)
    shown = table["in_programma"].notna().to_numpy()
    for col in ("start_periode", "gereed_periode"):
        table[col] = pd.array(np.where(shown, periods[col].to_numpy(dtype=float), np.nan), dtype="Float64").astype("Int64")
    table["start_label"] = [_labels(v, labels) for v in table["start_periode"]]
    table["gereed_label"] = [_labels(v, labels) for v in table["gereed_periode"]]
    share = lambda a, b: (table[a].astype("Float64") / table[b].astype("Float64")).round(4)  # noqa: E731
    table["aandeel_gereed"] = share("fase_gereed", "in_programma").where(table["in_programma"] > 0)
    table["aandeel_met_vlag"] = share("met_vlag", "aantal_adressen").where(table["aantal_adressen"] > 0)
    table["afgeschermd"] = [", ".join(c for c in COUNTS if hidden.at[r, c]) for r in rows]
    table["toelichting"] = [_text(row) for _, row in table.iterrows()]
    units = units.set_crs(areas.crs or 28992, allow_override=True)
    homes = addresses.geometry if isinstance(addresses, gpd.GeoDataFrame) else None
    outline = public_geometry(units, homes)  # EPSG:4326; no vertex on a home
    whole = None
    if len(units):  # the outline of all units together, made the same way (valid before the union)
        merged = shapely.union_all(shapely.make_valid(np.asarray(top.set_crs(units.crs, allow_override=True).geometry.values)))
        whole = public_geometry(gpd.GeoDataFrame(geometry=[merged], crs=units.crs), homes).iloc[0]
    out = gpd.GeoDataFrame(table, geometry=[*outline, whole], crs=4326)
    return Publication(table=out, values=values, hidden=hidden, structure=structure, threshold=threshold)


def public_level(gebieden: pd.DataFrame, wanted: str | None) -> str:
    """The area level of the public figures: ``wanted`` when it is a level of ``gebieden``,
    otherwise buurt, wijk, woonplaats or the first level present."""
    levels = [str(v) for v in gebieden["niveau"].dropna().unique()] if "niveau" in gebieden else []
    for level in (wanted, "buurt", "wijk", "woonplaats", *levels):
        if level and level in levels:
            return level
    raise GebiedError("laag 'gebieden' bevat geen enkel niveau", column="niveau")


def publish(
    layers: Mapping[str, pd.DataFrame], *, level: str | None, threshold: int, parent: str | None = None
) -> Publication:
    """The publication table of a plan from its layers (``adressen``, ``gebieden``, ``planning``).

    ``level`` is the wanted area level (see :func:`public_level`); ``parent`` an optional
    coarser level of ``gebieden`` published with it (see :func:`publication_table`).
    """
    gebieden = layers["gebieden"]
    chosen = public_level(gebieden, level)

    def of(name: str) -> gpd.GeoDataFrame:
        part = gebieden[gebieden["niveau"].astype(str) == name]
        return part if isinstance(part, gpd.GeoDataFrame) else gpd.GeoDataFrame(part)

    labels = period_labels(layers.get("planning"))
    if parent:
        if parent == chosen or parent not in set(gebieden["niveau"].astype(str)):
            raise GebiedError(f"publieke cijfers: '{parent}' is geen ander gebiedsniveau van het plan", column="publiek_ouder")
        return publication_table(layers["adressen"], of(chosen), level=chosen, threshold=threshold, labels=labels,
                                 parent=parent, parent_areas=of(parent))
    return publication_table(layers["adressen"], of(chosen), level=chosen, threshold=threshold, labels=labels)
