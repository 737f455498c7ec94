"""Plan versions: the list, and the difference between two versions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from gebied.api.common import OPTIONAL_KEY, FastJSON, Protected, Public, errors

router = APIRouter(tags=["versies"])

Nummer = Annotated[int, Query(ge=1, le=1_000_000, description="Nummer van een planversie (zie GET /versies).")]


@router.get(
    "/versies",
    response_class=FastJSON,
    response_model=None,
    openapi_extra=OPTIONAL_KEY,
    summary="De planversies (elke run van gebied plan), nieuwste laatst",
    responses=errors(401),
)
async def list_versions(request: Request, ctx: Public) -> FastJSON:
    """Nummer, tijd en invoer-hash van elke versie; met een sleutel ook de instellingen van de run."""
    live = request.app.state.live
    versions = live.backend.versions() if live.backend is not None else []
    items = []
    for v in versions:
        item = v.as_dict()
        if ctx.principal.rol == "publiek":
            item = {k: item[k] for k in ("versie", "gemaakt_op", "invoer_hash")}
        items.append(item)
    return FastJSON({"huidige": live.current.versie, "items": items})


@router.get(
    "/versies/verschil",
    response_class=FastJSON,
    response_model=None,
    summary="Wat veranderde tussen twee planversies: verschoven clusters en adressen met een andere periode",
    responses=errors(401, 404),
)
def version_difference(request: Request, ctx: Protected, van: Nummer, naar: Nummer) -> FastJSON:
    """Rol gemeente ziet alleen clusters en adressen van de eigen gemeente(n)."""
    gemeenten = None if ctx.principal.ziet_alles else ctx.principal.gemeenten
    diff = request.app.state.live.diff(van, naar, gemeenten)
    if diff is None:
        raise HTTPException(404, "planversie bestaat niet (zie GET /versies)")
    mag = ctx.principal.mag_gemeente
    clusters = [c for c in diff["clusters"] if mag(c.get("gemeente_code"))]
    adressen = [a for a in diff["adressen"] if mag(a.get("gemeente_code"))]
    body = {"van": van, "naar": naar, "clusters": clusters, "adressen": adressen}
    if ctx.principal.ziet_alles:
        body |= {"clusters_nieuw": diff["clusters_nieuw"], "clusters_vervallen": diff["clusters_vervallen"]}
    return FastJSON(body)
