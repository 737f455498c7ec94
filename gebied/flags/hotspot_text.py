"""Dutch explanations and suggested actions of hot spots (brandhaarden)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gebied.frames import fmt_int, fmt_num

#: Suggested action per code, as shown to a municipal officer.
ACTIONS: dict[str, str] = {
    "herbeoordelen": (
        "Herbeoordeel de identieke woningen samen en leg de uitkomst gezamenlijk uit: als de ene "
        "woning versterkt of vervangen wordt, moet duidelijk zijn waarom de identieke woning ernaast veilig is."
    ),
    "meenemen": "Neem de achterblijvende adressen mee in hetzelfde treintje als hun buren.",
    "uitleggen": (
        "Leg de bewoners uit waarom buren een andere uitkomst of regeling krijgen "
        "(ander type, bouwjaar of beoordeling), of trek de aanpak gelijk."
    ),
}

#: Short form of each action, for tables and map popups.
ACTION_SHORT: dict[str, str] = {
    "herbeoordelen": "identieke woningen herbeoordelen",
    "meenemen": "meenemen in hetzelfde treintje",
    "uitleggen": "uitleggen of gelijktrekken",
}

#: How each flag type is counted in the explanation.
TYPE_PHRASE: dict[str, str] = {
    "uitkomst_verschil": "een andere uitkomst bij hetzelfde type woning",
    "tempo_verschil": "drie of meer fasen verschil",
    "buiten_programma": "buiten het programma naast een versterkte of vervangen woning",
    "regime_verschil": "een andere batch met een andere uitkomst of een ander tempo",
}
OUTCOME_GAP = {
    1: "Het grootste verschil in uitkomst is één stap (bijvoorbeeld versterken naast geen maatregelen).",
    2: "Het grootste verschil in uitkomst: sloop en nieuwbouw naast geen maatregelen.",
}


def actions(t: pd.DataFrame) -> np.ndarray:
    """Action code per hot spot.

    ``herbeoordelen`` when identical homes in the programme got a different outcome, in at
    least as many pairs as differ in timing; otherwise ``meenemen`` when at least as many
    pairs differ in timing (two or more phases apart, or one of them outside the programme)
    as in assessed outcome; otherwise ``uitleggen``.
    """
    timing, outcome = t["tempo_paren"].to_numpy(), t["uitkomst_paren"].to_numpy()
    twins = t["identiek"].to_numpy()
    return np.where(
        (twins > 0) & (twins >= timing),
        "herbeoordelen",
        np.where((timing > 0) & (timing >= outcome), "meenemen", "uitleggen"),
    ).astype(object)


def house_number_ranges(addresses: pd.DataFrame, members: pd.DataFrame) -> pd.Series:
    """``"1–47"`` per segment (lowest and highest house number of its homes; NA without numbers)."""
    if "huisnummer" not in addresses.columns or members.empty:
        return pd.Series(pd.NA, index=pd.Index(members["s"].unique()), dtype="string")
    number = pd.to_numeric(addresses["huisnummer"], errors="coerce").to_numpy(float)
    frame = pd.DataFrame({"s": members["s"].to_numpy(), "n": number[members["h"].to_numpy()]}).dropna()
    lo, hi = frame.groupby("s")["n"].min(), frame.groupby("s")["n"].max()
    text = [f"{a:.0f}" if a == b else f"{a:.0f}–{b:.0f}" for a, b in zip(lo, hi, strict=True)]
    return pd.Series(text, index=lo.index, dtype="string")


def explain_hot_spots(t: pd.DataFrame) -> list[str]:
    """One Dutch ``toelichting`` per hot spot row (figures, what differs, the suggested action)."""
    out = []
    for _, r in t.iterrows():
        where = " ".join(str(v) for v in (r["straat"], r["huisnummers"]) if isinstance(v, str) and v)
        town = f" in {r['woonplaats']}" if isinstance(r["woonplaats"], str) and r["woonplaats"] else ""
        counts = [(TYPE_PHRASE[k], int(r[k])) for k in TYPE_PHRASE if int(r[k]) > 0]
        kinds = "; ".join(f"{fmt_int(n)}× {phrase}" for phrase, n in counts)
        text = (
            f"{where or 'Dit stuk straat'}{town}: {fmt_int(r['adressen'])} woningen in "
            f"{fmt_int(r['paren'])} paren buren die ongelijk behandeld worden ({kinds})."
        )
        if int(r["uitkomst_gat"]) in OUTCOME_GAP:
            text += " " + OUTCOME_GAP[int(r["uitkomst_gat"])]
        if int(r["fase_gat"]) >= 2:
            text += f" Tot {fmt_int(r['fase_gat'])} fasen verschil in tempo."
        if int(r["identiek"]) > 0:
            text += (
                f" {fmt_int(r['identiek'])} paren identieke woningen (zelfde gebouw, of zelfde type en bouwjaar) "
                "krijgen een andere uitkomst: als de ene woning versterkt of vervangen wordt, hoe kan de "
                "identieke woning ernaast veilig zijn?"
            )
        text += f" Ernst {fmt_num(r['ernst'])}. Voorstel: {ACTIONS[r['actie']]}"
        out.append(text)
    return out
