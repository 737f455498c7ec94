"""Shared parts of the routes: fast JSON responses, the caller's role, paging, error docs."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import Depends, HTTPException, Query, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader

from api.auth import Principal, authenticate
from api.schemas import Fout
from api.store import PlanStore

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


def get_store(request: Request) -> PlanStore:
    return request.app.state.store


def caller(request: Request, key: Annotated[str | None, Security(api_key)] = None) -> Principal:
    """The role of the caller; 401 for an unknown key."""
    principal = authenticate(key, request.app.state.keys)
    if principal is None:
        raise HTTPException(401, "onbekende of ongeldige API-sleutel", headers={"WWW-Authenticate": "X-API-Key"})
    return principal


def protected(principal: Annotated[Principal, Depends(caller)]) -> Principal:
    """A role with a key (gemeente, ncg, img); 401 for the public."""
    if principal.rol == "publiek":
        raise HTTPException(
            401, "deze gegevens vragen om een API-sleutel (kop X-API-Key)", headers={"WWW-Authenticate": "X-API-Key"}
        )
    return principal


def ncg_img(principal: Annotated[Principal, Depends(protected)]) -> Principal:
    """Only roles ncg and img; 403 for gemeente keys."""
    if not principal.ziet_alles:
        raise HTTPException(403, "alleen de rollen ncg en img hebben toegang tot signaallijsten")
    return principal


Caller = Annotated[Principal, Depends(caller)]
Protected = Annotated[Principal, Depends(protected)]
NcgImg = Annotated[Principal, Depends(ncg_img)]
Store = Annotated[PlanStore, Depends(get_store)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Aantal resultaten per pagina (hoogstens {MAX_LIMIT}).")]
Offset = Annotated[int, Query(ge=0, le=100_000_000, description="Aantal resultaten om over te slaan.")]


_ALLOWED: dict[int, frozenset[str]] = {}


def _query_names(dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def strict_query(request: Request) -> None:
    """Refuse unknown and repeated query parameters (422) instead of silently ignoring them."""
    route = request.scope.get("route")
    if route is None or not request.scope.get("query_string"):
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


def page(request: Request, items: list, total: int, limit: int, offset: int) -> dict:
    """Paging members: totaal, limit, offset and the URL of the next page."""
    nxt = None
    if offset + limit < total:
        nxt = str(request.url.include_query_params(offset=offset + limit, limit=limit))
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
    return {c: {"model": Fout, "description": text[c], "content": json_fout} for c in (*codes, 414, 422)}
