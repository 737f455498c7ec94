"""Area summaries (public, with suppression of small counts): ``/gebieden``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request

from gebied.api.auth import Principal
from gebied.api.common import (
    OPTIONAL_KEY,
    FastJSON,
    GeoJSON,
    Limit,
    Offset,
    Public,
    errors,
    page,
)
from gebied.api.schemas import GebiedenPagina, GebiedSamenvatting
from gebied.api.store import PlanStore
from gebied.privacy import suppress_record

router = APIRouter(tags=["gebieden"])


def area_view(store: PlanStore, principal: Principal, index: int) -> dict:
    """An area record: full figures for own gemeenten / ncg / img, suppressed for others."""
    rec = store.areas[index]
    if principal.mag_gemeente(rec.get("gemeente_code")):
        return {**rec, "onderdrukt": False}
    return suppress_record(rec, threshold=store.drempel)


@router.get(
    "/gebieden",
    response_class=FastJSON,
    response_model=None,
    openapi_extra=OPTIONAL_KEY,
    summary="Alle gebieden met hun cijfers (openbaar; kleine aantallen onderdrukt)",
    responses={
        200: {
            "model": GebiedenPagina,
            "description": "JSON-pagina, of met formaat=geojson een GeoJSON FeatureCollection (WGS84).",
            "content": {"application/geo+json": {"schema": {"type": "object"}}},
        },
        **errors(401),
    },
)
async def list_areas(
    request: Request,
    ctx: Public,
    niveau: Annotated[str | None, Query(max_length=64, description="Alleen dit niveau (gemeente, wijk, buurt …).", examples=["buurt"])] = None,
    gemeente: Annotated[str | None, Query(max_length=16, description="Alleen gebieden in deze gemeente.", examples=["GM9901"])] = None,
    formaat: Annotated[Literal["json", "geojson"], Query(description="json (standaard) of geojson.")] = "json",
    limit: Limit = 100,
    offset: Offset = 0,
) -> FastJSON:
    """Zonder sleutel krijgt iedereen deze cijfers; aantallen van 1 tot de drempel (standaard 10)
    worden vervangen door de tekst "< 10", zoals op de openbare kaart."""
    store, principal = ctx.store, ctx.principal
    idx = [
        i
        for i, rec in enumerate(store.areas)
        if (niveau is None or rec.get("niveau") == niveau) and (gemeente is None or rec.get("gemeente_code") == gemeente)
    ]
    chunk = idx[offset : offset + limit]
    items = [area_view(store, principal, i) for i in chunk]
    body = page(request, items, len(idx), limit, offset)
    if formaat == "geojson":
        features = [
            {"type": "Feature", "id": it["code"], "geometry": store.area_geometry[i], "properties": it}
            for i, it in zip(chunk, items)
        ]
        body = {"type": "FeatureCollection", "features": features, **{k: v for k, v in body.items() if k != "items"}}
        return GeoJSON(body)
    return FastJSON(body)


@router.get(
    "/gebieden/{code}",
    response_class=FastJSON,
    response_model=None,
    openapi_extra=OPTIONAL_KEY,
    summary="Samenvatting van één gebied (openbaar; kleine aantallen onderdrukt)",
    responses={200: {"model": GebiedSamenvatting}, **errors(401, 404)},
)
async def get_area(
    ctx: Public,
    code: Annotated[str, Path(max_length=64, examples=["BU99010101"], description="Gebiedscode.")],
    niveau: Annotated[str | None, Query(max_length=64, description="Niveau, als dezelfde code op meer niveaus voorkomt.")] = None,
) -> FastJSON:
    """Cijfers per gebied: adressen, in programma, gereed, per fase, vlaggen en planning."""
    store, principal = ctx.store, ctx.principal
    rows = [i for i in store.area_by_code.get(code, []) if niveau is None or store.areas[i].get("niveau") == niveau]
    if not rows:
        raise HTTPException(404, "gebied niet gevonden")
    return FastJSON(area_view(store, principal, rows[0]))
