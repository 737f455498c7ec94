"""Shared parts of the routes: fast JSON responses, the caller's role, paging, error docs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import Depends, HTTPException, Query, Request, Security
from starlette.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader

from gebied.api.auth import PUBLIEK, Principal, authenticate
from gebied.api.schemas import Fout
from gebied.api.store import PlanStore

MAX_LIMIT = 1000


class FastJSON(JSONResponse):
    """JSON via orjson (NaN becomes null; pre-serialised fragments pass through)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


class GeoJSON(FastJSON):
    media_type = "application/geo+json"


api_key = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="API-sleutel (maak er een met `gebied sleutel`). Zonder sleutel: rol publiek.",
)


#: OpenAPI: the key is optional on public routes (without it the role is publiek).
OPTIONAL_KEY = {"security": [{}]}


@dataclass(frozen=True, slots=True)
class Ctx:
    """What a handler needs: the plan store and who is asking."""

    store: PlanStore
    principal: Principal


_ALLOWED: dict[int, frozenset[str]] = {}
_UNAUTHORIZED = {"WWW-Authenticate": "X-API-Key"}


def _query_names(dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def strict_query(request: Request) -> None:
    """Refuse unknown and repeated query parameters (422) instead of silently ignoring them."""
    if not request.scope.get("query_string"):
        return
    route = request.scope.get("route")
    if route is None:
        return
    allowed = _ALLOWED.get(id(route))
    if allowed is None:
        allowed = _ALLOWED[id(route)] = frozenset(_query_names(route.dependant))
    seen = set()
    for name, _ in request.query_params.multi_items():
        if name not in allowed:
            raise HTTPException(422, f"ongeldig verzoek: onbekende parameter '{name[:40]}'")
        if name in seen:
            raise HTTPException(422, f"ongeldig verzoek: parameter '{name[:40]}' komt meer dan eens voor")
        seen.add(name)


Versie = Annotated[
    int | None,
    Query(ge=1, le=1_000_000, description="Planversie (standaard de nieuwste; zie GET /versies)."),
]


async def _ctx(request: Request, key: str | None, versie: int | None) -> Ctx:
    strict_query(request)
    principal = authenticate(key, request.app.state.keys)
    if principal is None:
        raise HTTPException(401, "onbekende of ongeldige API-sleutel", headers=_UNAUTHORIZED)
    live = request.app.state.live
    live.poll()
    if versie is None or versie == live.current.versie:
        store = live.current
    else:
        store = await run_in_threadpool(live.view, versie)
        if store is None:
            raise HTTPException(404, f"planversie {versie} bestaat niet (zie GET /versies)")
    if principal.rol == "gemeente":
        # a gemeente is answered from the rows the store gives it (row-level security in PostGIS)
        own = live.cached_gemeente_view(store, principal)
        store = own if own is not None else await run_in_threadpool(live.gemeente_view, store, principal)
    return Ctx(store, principal)


# One dependency per route (each FastAPI dependency costs time on every request).


async def plain_ctx(request: Request) -> Ctx:
    """No key involved (health)."""
    strict_query(request)
    live = request.app.state.live
    live.poll()
    return Ctx(live.current, PUBLIEK)


async def public_ctx(request: Request, key: Annotated[str | None, Security(api_key)] = None, versie: Versie = None) -> Ctx:
    """Any caller; 401 only for an unknown key."""
    return await _ctx(request, key, versie)


async def protected_ctx(request: Request, key: Annotated[str | None, Security(api_key)] = None, versie: Versie = None) -> Ctx:
    """A role with a key (gemeente, ncg, img); 401 for the public."""
    ctx = await _ctx(request, key, versie)
    if ctx.principal.rol == "publiek":
        raise HTTPException(401, "deze gegevens vragen om een API-sleutel (kop X-API-Key)", headers=_UNAUTHORIZED)
    return ctx


async def ncg_img_ctx(request: Request, key: Annotated[str | None, Security(api_key)] = None, versie: Versie = None) -> Ctx:
    """Only roles ncg and img; 403 for gemeente keys."""
    ctx = await protected_ctx(request, key, versie)
    if not ctx.principal.ziet_alles:
        raise HTTPException(403, "alleen de rollen ncg en img hebben toegang tot signaallijsten")
    return ctx


Plain = Annotated[Ctx, Depends(plain_ctx)]
Public = Annotated[Ctx, Depends(public_ctx)]
Protected = Annotated[Ctx, Depends(protected_ctx)]
NcgImg = Annotated[Ctx, Depends(ncg_img_ctx)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Aantal resultaten per pagina (hoogstens {MAX_LIMIT}).")]
Offset = Annotated[int, Query(ge=0, le=100_000_000, description="Aantal resultaten om over te slaan.")]


def page(request: Request, items: list, total: int, limit: int, offset: int) -> dict:
    """Paging members: totaal, limit, offset and the URL of the next page."""
    nxt = None
    if offset + limit < total:
        # a relative link: the client's Host header is never echoed back
        url = request.url.include_query_params(offset=offset + limit, limit=limit)
        nxt = f"{url.path}?{url.query}"
    return {"totaal": total, "limit": limit, "offset": offset, "volgende": nxt, "items": items}


def errors(*codes: int) -> dict[int | str, dict]:
    """OpenAPI documentation of the error responses of a route."""
    text = {
        400: "Onleesbare inhoud.",
        401: "Geen of een ongeldige API-sleutel.",
        403: "Deze rol heeft geen toegang.",
        404: "Niet gevonden (of niet zichtbaar voor deze sleutel).",
        412: "De ETag in If-Match is verouderd: iemand anders wijzigde dit intussen.",
        413: "Verzoek te groot.",
        414: "URL te lang.",
        422: "Ongeldige parameter of inhoud.",
        428: "If-Match ontbreekt.",
        503: "Het plan is alleen-lezen.",
    }
    json_fout = {"application/json": {"schema": {"$ref": "#/components/schemas/Fout"}}}
    # 404 on every route: an unknown ?versie= (a planversie that does not exist)
    return {c: {"model": Fout, "description": text[c], "content": json_fout} for c in dict.fromkeys((*codes, 404, 414, 422))}
