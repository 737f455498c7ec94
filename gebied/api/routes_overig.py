"""Flags, signal lists, map pages and health."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import FileResponse

from gebied.api.common import (
    OPTIONAL_KEY,
    FastJSON,
    Limit,
    NcgImg,
    Offset,
    Plain,
    Protected,
    Public,
    errors,
    page,
)
from gebied.api.routes_adressen import visible_positions
from gebied.api.schemas import BrandhaardenPagina, Gezondheid, SignalenPagina, VlaggenPagina
from gebied.api.store import SIGNAALLIJSTEN

router = APIRouter()

Lijst = Literal[tuple(SIGNAALLIJSTEN)]  # type: ignore[valid-type]


@router.get(
    "/vlaggen",
    response_class=FastJSON,
    response_model=None,
    tags=["vlaggen"],
    summary="Ongelijkheidsvlaggen tussen buren (gepagineerd)",
    responses={200: {"model": VlaggenPagina}, **errors(401, 404)},
)
async def list_flags(
    request: Request,
    ctx: Protected,
    gebied: Annotated[str | None, Query(max_length=64, examples=["BU99010101"], description="Alleen vlaggen van adressen in dit gebied.")] = None,
    type: Annotated[str | None, Query(max_length=64, examples=["tempo_verschil"], description="Alleen dit soort vlag: uitkomst_verschil, tempo_verschil, buiten_programma of regime_verschil.")] = None,  # noqa: A002
    limit: Limit = 100,
    offset: Offset = 0,
) -> FastJSON:
    """Rol gemeente ziet alleen vlaggen bij adressen in de eigen gemeente(n)."""
    store, principal = ctx.store, ctx.principal
    if gebied is not None:
        positions = store.area_addresses.get(gebied)
        if positions is None:
            raise HTTPException(404, "gebied niet gevonden")
        visible = visible_positions(store, principal, positions)
        if len(visible) == 0 and not principal.ziet_alles:
            raise HTTPException(404, "gebied niet gevonden")
        idx = sorted({i for p in visible for i in store.flags_by_address.get(store.address_ids[p], ())})
    else:
        idx = range(len(store.flags))
    flags, gem = store.flags, store.flag_gemeente
    idx = [i for i in idx if (type is None or flags[i].get("vlag") == type) and principal.mag_gemeente(gem[i])]
    items = []
    for i in idx[offset : offset + limit]:
        flag = dict(flags[i])
        other = flag.get("buur_adres_id")
        if other is not None and not principal.mag_gemeente(store.address_gemeente.get(other)):
            flag["buur_adres_id"] = None
        items.append(flag)
    return FastJSON(page(request, items, len(idx), limit, offset))


@router.get(
    "/brandhaarden",
    response_class=FastJSON,
    response_model=None,
    tags=["vlaggen"],
    summary="Brandhaarden: stukken straat waar vlaggen samenkomen, ernstigste eerst (gepagineerd)",
    responses={200: {"model": BrandhaardenPagina}, **errors(401, 404)},
)
async def list_hot_spots(
    request: Request,
    ctx: Protected,
    gebied: Annotated[str | None, Query(max_length=64, examples=["BU99010101"], description="Alleen brandhaarden in dit gebied.")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> FastJSON:
    """Alleen met een sleutel (een brandhaard noemt straat en huisnummers); rol gemeente ziet alleen de eigen gemeente(n)."""
    store, principal = ctx.store, ctx.principal
    idx = [
        i for i, hot in enumerate(store.hot_spots)
        if principal.mag_gemeente(store.hot_spot_gemeente[i]) and (gebied is None or hot.get("gebied_code") == gebied)
    ]
    if gebied is not None and not idx and gebied not in store.area_addresses:
        raise HTTPException(404, "gebied niet gevonden")
    return FastJSON(page(request, [store.hot_spots[i] for i in idx[offset : offset + limit]], len(idx), limit, offset))


@router.get(
    "/signalen",
    response_class=FastJSON,
    response_model=None,
    tags=["signalen"],
    summary="Signaallijsten schade × versterking (alleen ncg en img)",
    responses={200: {"model": SignalenPagina}, **errors(401, 403, 404)},
)
async def list_signals(
    request: Request,
    ctx: NcgImg,
    lijst: Annotated[Lijst, Query(description="Welke lijst: " + "; ".join(f"{k} = {v}" for k, v in SIGNAALLIJSTEN.items()))],
    gemeente: Annotated[str | None, Query(max_length=16, examples=["GM9901"], description="Alleen adressen in deze gemeente.")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> FastJSON:
    """Adressen met een lopend dossier bij NCG én IMG, per samenwerkingsgroep (A–F)."""
    store = ctx.store
    idx = store.signals[lijst]
    ids = store.address_ids
    if gemeente is not None:
        idx = [i for i in idx if store.address_gemeente[ids[i]] == gemeente]
    items = []
    for i in idx[offset : offset + limit]:
        rec = store.addresses[ids[i]]
        items.append(
            {
                "adres_id": rec["adres_id"],
                "gemeente_code": store.address_gemeente[rec["adres_id"]],
                "ncg_fase": rec["fase"]["ncg_fase"],
                "img_status": rec["fase"]["img_status"],
                "samenwerkingsgroep": rec["samenwerkingsgroep"],
                "omschrijving": rec["samenwerkingsgroep_omschrijving"],
                "cluster_id": rec["cluster_id"],
            }
        )
    body = page(request, items, len(idx), limit, offset)
    return FastJSON({"lijst": lijst, "omschrijving": SIGNAALLIJSTEN[lijst], **body})


@router.get(
    "/kaart/{code}",
    response_class=FileResponse,
    tags=["kaart"],
    openapi_extra=OPTIONAL_KEY,
    summary="De kaart (HTML) van een gebied; publiek zonder sleutel, gemeente met sleutel",
    responses={200: {"content": {"text/html": {}}, "description": "De kaartpagina."}, **errors(401, 404)},
)
async def get_map(
    ctx: Public,
    code: Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9_.-]+$", examples=["GM9901"])],
    variant: Annotated[Literal["publiek", "gemeente"], Query(description="publiek (geaggregeerd) of gemeente (adresniveau, vraagt sleutel).")] = "publiek",
) -> FileResponse:
    """Zoekt `kaart_publiek_{code}.html` of `kaart_publiek.html` (variant publiek), of
    `kaart_{code}.html` of `kaart.html` (variant gemeente) naast plan.gpkg."""
    store, principal = ctx.store, ctx.principal
    if code not in store.area_gemeente:  # every area of the version, also in a gemeente's view
        raise HTTPException(404, "gebied niet gevonden")
    gemeente = store.area_gemeente[code]
    if variant == "publiek":
        names = [f"kaart_publiek_{code}.html", "kaart_publiek.html"]
    else:
        if principal.rol == "publiek":
            raise HTTPException(401, "de gemeentekaart vraagt om een API-sleutel (kop X-API-Key)", headers={"WWW-Authenticate": "X-API-Key"})
        if not principal.mag_gemeente(gemeente):
            raise HTTPException(404, "gebied niet gevonden")
        names = [f"kaart_{code}.html"]
        if principal.ziet_alles or store.plan_gemeenten <= principal.gemeenten:
            names.append("kaart.html")  # the whole-plan map only for those who may see all of it
    for name in names:
        if store.plan_dir is None:
            break
        path = store.plan_dir / name
        if path.is_file():
            return FileResponse(path, media_type="text/html")
    raise HTTPException(404, f"geen kaart gevonden naast het plan (gezocht: {', '.join(names)}); maak er een met gebied kaart")


@router.get(
    "/gezondheid",
    response_class=FastJSON,
    response_model=None,
    tags=["beheer"],
    summary="Draait de API, en welk plan is geladen?",
    responses={200: {"model": Gezondheid}},
)
async def health(ctx: Plain) -> FastJSON:
    """Openbaar; alleen totalen."""
    store = ctx.store
    return FastJSON(
        {
            "status": "ok",
            "plan": store.path.name,
            "titel": store.info.get("titel"),
            "adressen": len(store.addresses),
            "clusters": len(store.clusters),
            "gebieden": len(store.areas),
            "schrijfbaar": store.writable,
            "versie": store.versie,
        }
    )
