"""The report section "Wat veranderde sinds de vorige versie" (from :func:`gebied.store.version_diff`)."""

from __future__ import annotations

from collections.abc import Mapping

from gebied.report.format import Table
from gebied.report.sections import fmt_period

#: At most this many moved clusters are listed.
MAX_ROWS = 50


def version_section(diff: Mapping | None, *, old: int | None, new: int | None, labels: Mapping[int, str]) -> dict | None:
    """Text and table of the difference with the previous plan version (None for a first version)."""
    if diff is None or old is None:
        return None
    moved = list(diff.get("clusters", []))
    rows = [
        [m["cluster_id"], str(m.get("gemeente_code") or "–"), fmt_period(m.get("start_oud"), labels), fmt_period(m.get("start_nieuw"), labels),
         fmt_period(m.get("gereed_oud"), labels), fmt_period(m.get("gereed_nieuw"), labels)]
        for m in moved[:MAX_ROWS]
    ]
    table = None
    if rows:
        note = f"De eerste {MAX_ROWS} van {len(moved)} verschoven clusters." if len(moved) > MAX_ROWS else ""
        table = Table(
            id="versie-verschil",
            caption=f"Clusters die verschoven ten opzichte van planversie {old}",
            headers=["cluster", "gemeente", "start (was)", "start (nu)", "gereed (was)", "gereed (nu)"],
            rows=rows,
            note=note,
        )
    return {
        "oud": old,
        "nieuw": new,
        "clusters": len(moved),
        "adressen": len(diff.get("adressen", [])),
        "nieuwe_clusters": len(diff.get("clusters_nieuw", [])),
        "vervallen_clusters": len(diff.get("clusters_vervallen", [])),
        "tabel": table,
    }
