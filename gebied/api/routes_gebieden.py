"""Area summaries: ``/gebieden``.

Without a key only the publication table is served (the public units of one level and
``totaal``, as on the public map and in the report's public section). A gemeente key sees
the full figures of every level for its own gemeenten and the publication table elsewhere;
ncg and img see every area in full.
"""

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

router = APIRouter(tags=["gebieden"])


def _visible(store: PlanStore, principal: Principal, niveau: str | None, gemeente: str | None) -> list[tuple[str, int]]:
    """(``full`` or ``public``, index) of the area records this principal may see."""
    def keep(rec: dict) -> bool:
        return (niveau is None or rec.get("niveau") == niveau) and (gemeente is None or rec.get("gemeente_code") == gemeente)

    full = [("full", i) for i, rec in enumerate(store.areas) if keep(rec) and principal.mag_gemeente(rec.get("gemeente_code"))]
    if principal.ziet_alles:
        return full
    public = [
        ("public", i)
        for i, rec in enumerate(store.public)
        if keep(rec) and not (rec.get("gemeente_code") and principal.mag_gemeente(rec.get("gemeente_code")))
    ]
    return full + public


def _record(store: PlanStore, kind: str, index: int) -> dict:
    if kind == "full":
        return {**store.areas[index], "onderdrukt": False}
    return store.public[index]


def _geometry(store: PlanStore, kind: str, index: int):
    return store.area_geometry[index] if kind == "full" else store.public_geometry[index]


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
    """Zonder sleutel: de openbare tabel (dezelfde als op de openbare kaart en in het rapport):
    één niveau, kleine gebieden samengevoegd, afgeschermde aantallen als null met hun namen in
    `afgeschermd`. Met een gemeentesleutel ook de volledige cijfers van de eigen gemeente."""
    store, principal = ctx.store, ctx.principal
    idx = _visible(store, principal, niveau, gemeente)
    chunk = idx[offset : offset + limit]
    items = [_record(store, kind, i) for kind, i in chunk]
    body = page(request, items, len(idx), limit, offset)
    if formaat == "geojson":
        features = [
            {"type": "Feature", "id": it["code"], "geometry": _geometry(store, kind, i), "properties": it}
            for (kind, i), it in zip(chunk, items, strict=True)
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
    rows = [i for i in rows if principal.mag_gemeente(store.areas[i].get("gemeente_code"))]
    if rows:
        return FastJSON(_record(store, "full", rows[0]))
    unit = store.public_by_code.get(code)
    if unit is None or (niveau is not None and store.public[unit].get("niveau") != niveau):
        raise HTTPException(404, "gebied niet gevonden (openbaar zijn alleen de gebieden van de openbare tabel)")
    return FastJSON(store.public[unit])
