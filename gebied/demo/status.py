"""Programme status of the demo region: risk, batch, phase, outcome, ownership, damage.

The model works per street and per building (pand), so that neighbours look alike,
and then plants a few known inequality situations on named streets (see
``docs/opdrachten/demo.md``). The IMG damage status of programme addresses is calibrated
to the 2021 evaluation figures: 66% no report, 29% closed, 5% running (docs/begrippen.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gebied.codes import IMG_LOPEND, NCG_FASEN
from gebied.demo.spec import BATCH_VOORSPRONG, SETTLEMENTS
from gebied.frames import mode_per_group

#: Risk weight of a typology (unreinforced masonry and farms score higher).
RISK_WEIGHT = {
    "boerderij": 1.5, "arbeiderswoning": 1.4, "vrijstaand": 1.1, "rijwoning": 1.0,
    "portiekflat": 1.1, "galerijflat": 1.0, "twee_onder_een_kap": 0.7,
}

#: Ownership shares per typology: koop, corporatie, particuliere_huur, onbekend.
EIGENDOM_KANS = {
    "boerderij": (0.85, 0.0, 0.1, 0.05),
    "arbeiderswoning": (0.55, 0.2, 0.22, 0.03),
    "rijwoning": (0.45, 0.45, 0.08, 0.02),
    "twee_onder_een_kap": (0.85, 0.05, 0.08, 0.02),
    "vrijstaand": (0.9, 0.0, 0.07, 0.03),
    "portiekflat": (0.08, 0.75, 0.15, 0.02),
    "galerijflat": (0.05, 0.85, 0.08, 0.02),
}
EIGENDOM_CODES = ("koop", "corporatie", "particuliere_huur", "onbekend")

#: Outcome shares (geen_maatregelen, versterken, sloop_nieuwbouw) by phase group.
UITKOMST_CODES = ("geen_maatregelen", "versterken", "sloop_nieuwbouw")
UITKOMST_KANS_PLAN = (0.5, 0.37, 0.13)  # 4.1, 4.2
UITKOMST_KANS_BOUW = (0.0, 0.75, 0.25)  # 5.1, 5.2
UITKOMST_KANS_GEREED = (0.72, 0.22, 0.06)  # gereed

#: IMG status among programme addresses (docs/begrippen.md) and outside the programme.
IMG_AANDEEL_PROGRAMMA = {"geen_melding": 0.66, "afgehandeld": 0.29, "lopend": 0.05}
IMG_KANS_OVERIG = (0.58, 0.36, 0.06)
IMG_LOPEND_KANS = (0.35, 0.25, 0.15, 0.25)  # voorbereiding, opname, zienswijze, beschikking

#: Share of panden whose batch follows their own risk profile rather than their street.
EIGEN_BATCH = 0.12

GEREED = len(NCG_FASEN) - 1
FIRST_OUTCOME = NCG_FASEN.index("4.1")
FIRST_BOUW = NCG_FASEN.index("5.1")


def _draw(rng: np.random.Generator, codes: tuple[str, ...], p, size: int) -> np.ndarray:
    return np.asarray(codes, dtype=object)[rng.choice(len(codes), size=size, p=p)]


def assign_risk(rng: np.random.Generator, panden: pd.DataFrame, streets: pd.DataFrame) -> pd.Series:
    """Risk profile per pand: settlement base rate × typology weight × street factor."""
    street_factor = rng.lognormal(0.0, 0.45, len(streets))[panden["straat_nr"]]
    p50_base = np.array([s.p50 for s in SETTLEMENTS])[panden["plaats_nr"]]
    p90_base = np.array([s.p90 for s in SETTLEMENTS])[panden["plaats_nr"]]
    weight = panden["typologie"].map(RISK_WEIGHT).to_numpy() * np.where(panden["bouwjaar"] >= 1990, 0.25, 1.0)
    # 1 - (1 - p)^w keeps a wholly P50 village (p close to 1) wholly P50 and scales small p about linearly
    p50 = np.clip(1.0 - (1.0 - np.minimum(p50_base, 0.99)) ** (weight * street_factor), 0.0, 0.99)
    p90 = np.clip(p90_base * weight * street_factor, 0.0, 0.98 - p50)
    u = rng.random(len(panden))
    risk = np.where(u < p50, "P50", np.where(u < p50 + p90, "P90", "overig")).astype(object)
    risk[rng.random(len(panden)) < 0.015] = "onbekend"
    return pd.Series(risk, index=panden.index)


def _street_batch(rng: np.random.Generator, sid: np.ndarray, batch: np.ndarray, in_prog: np.ndarray) -> np.ndarray:
    """Most panden follow the most common batch of their street; ``EIGEN_BATCH`` keep their own."""
    street = mode_per_group(batch[in_prog], sid[in_prog]).to_dict()
    keep_own = rng.random(len(sid)) < EIGEN_BATCH
    return np.array([b if k else street.get(s, b) for s, b, k in zip(sid, batch, keep_own)], dtype=object)


def _street_quota(rng: np.random.Generator, sid: np.ndarray, weight: np.ndarray, p, n_streets: int) -> np.ndarray:
    """One outcome per street, so that the address-weighted shares follow ``p`` closely.

    Streets are taken in random order and each gets the outcome in whose share its
    cumulative address midpoint falls (a quota draw instead of independent draws, which
    would be dominated by a few streets of large flats).
    """
    per_street = np.bincount(sid, weights=weight, minlength=n_streets)
    order = rng.permutation(n_streets)
    w = per_street[order]
    total = w.sum()
    mid = (np.cumsum(w) - w / 2) / total if total > 0 else np.zeros(n_streets)
    out = np.empty(n_streets, dtype=np.int64)
    out[order] = np.minimum(np.searchsorted(np.cumsum(p), mid, side="right"), len(p) - 1)
    return out


def assign_programme(rng: np.random.Generator, panden: pd.DataFrame, streets: pd.DataFrame) -> pd.DataFrame:
    """Programme membership, batch, phase index and outcome per pand."""
    n_streets = len(streets)
    sid = panden["straat_nr"].to_numpy()
    dekking = np.array([s.dekking for s in SETTLEMENTS])[panden["plaats_nr"]]
    street_draw = rng.random(n_streets)[sid]
    risk = panden["risicoprofiel"].to_numpy()
    risky = np.isin(risk, ["P50", "P90"])
    in_prog = np.where(risky, rng.random(len(panden)) < 0.96, street_draw < dekking)

    voortgang = np.array([s.voortgang for s in SETTLEMENTS])[panden["plaats_nr"]]
    early = rng.random(n_streets)[sid] < np.clip(voortgang / 7.0 + 0.15, 0.0, 0.95)
    old_typ = panden["typologie"].isin(["arbeiderswoning", "boerderij"]).to_numpy()
    batch = np.where(
        risk == "P50",
        np.where(early, "1467", "1588"),
        np.where(risk == "P90", "HRA-2019", np.where(old_typ | (rng.random(len(panden)) < 0.5),
                                                     "typologie-aanpak", "HRA-2019")),
    ).astype(object)
    batch = _street_batch(rng, sid, batch, in_prog)
    street_mean = voortgang + rng.normal(0.0, 0.9, n_streets)[sid]
    lead = pd.Series(batch).map(BATCH_VOORSPRONG).to_numpy()
    fase = np.rint(street_mean + lead - 0.6 + rng.normal(0.0, 0.45, len(panden)))
    fase = np.clip(fase, 0, GEREED).astype(np.int64)

    follow = rng.random(len(panden)) < 0.96  # most houses share the outcome of their street
    pick = np.zeros(len(panden), dtype=np.int64)
    weight = panden["n"].to_numpy()
    for group, p in (((fase >= FIRST_OUTCOME) & (fase < FIRST_BOUW), UITKOMST_KANS_PLAN), ((fase >= FIRST_BOUW) & (fase < GEREED),
                     UITKOMST_KANS_BOUW), (fase == GEREED, UITKOMST_KANS_GEREED)):
        street_pick = _street_quota(rng, sid, np.where(group & in_prog, weight, 0), p, n_streets)[sid]
        own_pick = rng.choice(3, size=len(panden), p=p)
        pick = np.where(group, np.where(follow, street_pick, own_pick), pick)
    uitkomst = np.where(fase >= FIRST_OUTCOME, np.asarray(UITKOMST_CODES, dtype=object)[pick], "onbekend")

    out = panden.copy()
    out["in_programma"] = in_prog
    out["batch"] = np.where(in_prog, batch, None)
    out["fase_nr"] = np.where(in_prog, fase, -1)
    out["uitkomst"] = np.where(in_prog, uitkomst, None)
    return out


def _set(df: pd.DataFrame, mask, **values) -> None:
    for col, val in values.items():
        df.loc[mask, col] = val


def plant_inequalities(panden: pd.DataFrame, streets: pd.DataFrame) -> pd.DataFrame:
    """Overwrite the status of the streets marked with a ``plant`` in demo_spec."""
    df = panden.copy()
    plants = streets["plant"].to_numpy()[df["straat_nr"]]
    rank = df.groupby(["straat_nr", "zijde"])["positie"].rank(method="first").astype(int) - 1
    fase = {f: i for i, f in enumerate(NCG_FASEN)}

    m = plants == "batches"  # neighbours in different batches, years apart
    even = m & (rank % 2 == 0)
    _set(df, m, risicoprofiel="P50", in_programma=True)
    _set(df, even, batch="1467", fase_nr=fase["5.2"], uitkomst="versterken")
    _set(df, m & ~even, batch="1588", fase_nr=fase["2.1"], uitkomst="onbekend")

    m = plants == "uitkomst_verschil"  # identical houses, different outcomes
    cycle = np.array(["versterken", "geen_maatregelen", "sloop_nieuwbouw", "geen_maatregelen"], dtype=object)
    outcome = cycle[(rank // 4) % 4]
    _set(df, m, risicoprofiel="P50", in_programma=True, batch="1467")
    for name, phase in (("versterken", "5.2"), ("geen_maatregelen", "gereed"), ("sloop_nieuwbouw", "5.1")):
        _set(df, m & (outcome == name), uitkomst=name, fase_nr=fase[phase])

    m = plants == "flat_verschil"  # identical flats: two rebuilt, the rest declared safe
    _set(df, m, risicoprofiel="P90", in_programma=True, batch="HRA-2019", uitkomst="geen_maatregelen",
         fase_nr=GEREED)
    middle = m & (df["zijde"] == 0) & rank.isin([4, 5]).to_numpy()
    _set(df, middle, uitkomst="sloop_nieuwbouw", fase_nr=fase["5.1"])

    m = plants == "zijde"  # one side strengthened, the other side not in the programme
    side0 = m & (df["zijde"] == 0)
    _set(df, side0, risicoprofiel="P50", in_programma=True, batch="1467", fase_nr=GEREED, uitkomst="versterken")
    _set(df, m & (df["zijde"] == 1), risicoprofiel="overig", in_programma=False, batch=None, fase_nr=-1,
         uitkomst=None)

    m = (plants == "hoogbouw") & (df["n"] > 150)  # the large flats are in the programme
    _set(df, m, risicoprofiel="P90", in_programma=True, batch="HRA-2019", fase_nr=fase["3.1"], uitkomst="onbekend")
    return df


def ncg_fase(fase_nr: np.ndarray) -> np.ndarray:
    """Phase code per phase index (-1 = not in the programme → None)."""
    codes = np.asarray(NCG_FASEN, dtype=object)
    return np.where(fase_nr >= 0, codes[np.maximum(fase_nr, 0)], None)


def assign_eigendom(rng: np.random.Generator, typologie: np.ndarray) -> np.ndarray:
    """Ownership per address, by typology."""
    out = np.empty(len(typologie), dtype=object)
    for typ, p in EIGENDOM_KANS.items():
        m = typologie == typ
        out[m] = _draw(rng, EIGENDOM_CODES, p, int(m.sum()))
    return out


def assign_img(rng: np.random.Generator, in_programma: np.ndarray) -> np.ndarray:
    """IMG status per address; exact 66/29/5 split within the programme."""
    out = np.empty(len(in_programma), dtype=object)
    prog = np.flatnonzero(in_programma)
    n = len(prog)
    n_run = int(round(IMG_AANDEEL_PROGRAMMA["lopend"] * n))
    n_done = int(round(IMG_AANDEEL_PROGRAMMA["afgehandeld"] * n))
    shuffled = rng.permutation(prog)
    out[shuffled[:n_run]] = _draw(rng, IMG_LOPEND, IMG_LOPEND_KANS, n_run)
    out[shuffled[n_run: n_run + n_done]] = "afgehandeld"
    out[shuffled[n_run + n_done:]] = "geen_melding"
    rest = np.flatnonzero(~in_programma)
    kind = rng.choice(3, size=len(rest), p=IMG_KANS_OVERIG)
    running = _draw(rng, IMG_LOPEND, IMG_LOPEND_KANS, len(rest))
    out[rest] = np.where(kind == 0, "geen_melding", np.where(kind == 1, "afgehandeld", running))
    return out
