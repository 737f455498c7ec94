"""Address-level routes: ``/adressen/{adres_id}`` and ``/gebieden/{code}/adressen``."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from fastapi import APIRouter, HTTPException, Path, Request

from gebied.api.auth import Principal
from gebied.api.common import FastJSON, Limit, Offset, Protected, errors, page
from gebied.api.schemas import Adres, AdressenPagina
from gebied.api.store import PlanStore

router = APIRouter(tags=["adressen"])

NOT_FOUND = "adres niet gevonden"


def cluster_summary(store: PlanStore, cluster_id: str | None) -> dict | None:
    """The cluster of an address with its current priority."""
    if cluster_id is None:
        return None
    rec = store.clusters.get(cluster_id)
    prio = store.priority(cluster_id) if rec else None
    return {
        "cluster_id": cluster_id,
        "cluster_status": rec.get("cluster_status") if rec else None,
        "prioriteit": prio.prioriteit if prio else None,
        "start_periode": rec.get("start_periode") if rec else None,
        "gereed_periode": rec.get("gereed_periode") if rec else None,
    }


def address_view(store: PlanStore, principal: Principal, adres_id: str) -> dict:
    """The full address record for ``principal``; flags to neighbours it may not see are anonymised."""
    base = store.addresses[adres_id]
    flags = []
    for i in store.flags_by_address.get(adres_id, ()):
        flag = dict(store.flags[i])
        for key in ("adres_id", "buur_adres_id"):
            other = flag.get(key)
            if other is not None and other != adres_id and not principal.mag_gemeente(store.address_gemeente.get(other)):
                flag[key] = None
        flags.append(flag)
    out = dict(base)
    out["cluster"] = cluster_summary(store, base["cluster_id"])
    out["vlaggen"] = flags
    return out


def visible_positions(store: PlanStore, principal: Principal, positions: np.ndarray) -> np.ndarray:
    """Positions of addresses the principal may see."""
    if principal.ziet_alles:
        return positions
    ids = store.address_ids[positions]
    keep = np.fromiter((principal.mag_gemeente(store.address_gemeente[i]) for i in ids), bool, len(ids))
    return positions[keep]


@router.get(
    "/adressen/{adres_id}",
    response_class=FastJSON,
    response_model=None,
    summary="Eén adres: gebieden, cluster, fase, vlaggen en samenwerkingsgroep",
    responses={200: {"model": Adres}, **errors(401, 404)},
)
async def get_address(
    ctx: Protected,
    adres_id: Annotated[str, Path(max_length=64, examples=["0014200000123456"], description="BAG-id van het adres.")],
) -> FastJSON:
    """Rol gemeente ziet alleen adressen in de eigen gemeente(n); andere adressen geven 404."""
    store, principal = ctx.store, ctx.principal
    if adres_id not in store.addresses or not principal.mag_gemeente(store.address_gemeente[adres_id]):
        raise HTTPException(404, NOT_FOUND)
    store.refresh()
    return FastJSON(address_view(store, principal, adres_id))


@router.get(
    "/gebieden/{code}/adressen",
    response_class=FastJSON,
    response_model=None,
    summary="Adressen in een gebied (gepagineerd)",
    responses={200: {"model": AdressenPagina}, **errors(401, 404)},
)
async def area_addresses(
    request: Request,
    ctx: Protected,
    code: Annotated[str, Path(max_length=64, examples=["BU99010101"], description="Gebiedscode.")],
    limit: Limit = 100,
    offset: Offset = 0,
) -> FastJSON:
    """Adressen van een gebied op elk niveau (gemeente, wijk, buurt, woonplaats …)."""
    store, principal = ctx.store, ctx.principal
    positions = store.area_addresses.get(code)
    if positions is None:
        if code in store.area_by_code and principal.ziet_alles:
            positions = np.empty(0, dtype=int)
        else:
            raise HTTPException(404, "gebied niet gevonden")
    visible = visible_positions(store, principal, positions)
    if len(visible) == 0 and not principal.ziet_alles:
        raise HTTPException(404, "gebied niet gevonden")
    store.refresh()
    chunk = visible[offset : offset + limit]
    items = [address_view(store, principal, store.address_ids[i]) for i in chunk]
    return FastJSON(page(request, items, len(visible), limit, offset))
