"""The FastAPI application: routes, Dutch JSON errors, request limits."""

from __future__ import annotations

import gc
import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from gebied.api import routes_adressen, routes_clusters, routes_gebieden, routes_overig, routes_versies
from gebied.api.auth import Principal, load_keys
from gebied.api.common import FastJSON
from gebied.api.live import Live
from gebied.api.public_cache import PublicCache
from gebied.api.store import PlanStore, open_database, open_store

MAX_BODY = 16 * 1024
MAX_QUERY = 8192
#: All request headers together (names and values), bytes.
MAX_HEADERS = 8 * 1024

DESCRIPTION = """
De HTTP-API van **gebied**: welke gebieden, clusters (treintjes), vlaggen en signalen er zijn,
per adres en per gebied, uit een plan (`plan.gpkg`, de uitvoer van `gebied plan`).

Rollen (kop `X-API-Key`, sleutels maken met `gebied sleutel`):

* **publiek** (geen sleutel): alleen cijfers per gebied; aantallen van 1 tot de drempel (10)
  worden "< 10", zoals op de openbare kaart. Nooit een los adres.
* **gemeente**: adresniveau, alleen binnen de eigen gemeente(n); andere adressen geven 404.
* **ncg** / **img**: alles, plus de signaallijsten.

Lijsten zijn gepagineerd (`limit` hoogstens 1000, `offset`); `volgende` geeft de URL van de
volgende pagina. Fouten zijn JSON `{"detail": "..."}` in het Nederlands.
"""

STATUS_TEXT = {
    400: "ongeldig verzoek: de inhoud kon niet worden gelezen (geen geldige JSON in UTF-8?)",
    401: "API-sleutel vereist",
    403: "geen toegang",
    404: "niet gevonden",
    405: "methode niet toegestaan",
    406: "gevraagd formaat niet beschikbaar",
    413: "verzoek te groot",
    414: "URL te lang",
    415: "inhoudstype niet ondersteund",
    431: "headers te groot",
    500: "interne fout",
}

VALIDATION_TEXT = {
    "missing": "ontbreekt",
    "int_parsing": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "float_parsing": "moet een getal zijn",
    "string_pattern_mismatch": "heeft niet de verwachte vorm",
    "string_too_long": "is te lang",
    "literal_error": "heeft geen toegestane waarde",
    "enum": "heeft geen toegestane waarde",
    "json_invalid": "is geen geldige JSON",
    "model_attributes_type": "moet een JSON-object zijn",
    "dict_type": "moet een JSON-object zijn",
    "extra_forbidden": "is geen bekend veld",
    "int_type": "moet een geheel getal zijn",
}


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = [str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body", "header")]
        where = {"query": "parameter", "path": "padonderdeel", "body": "veld", "header": "kop"}.get(
            str(err.get("loc", ("",))[0]), "waarde"
        )
        kind = err.get("type", "")
        ctx = err.get("ctx") or {}
        if kind in ("greater_than_equal", "greater_than"):
            text = f"moet minstens {ctx.get('ge', ctx.get('gt'))} zijn"
        elif kind in ("less_than_equal", "less_than"):
            text = f"mag hoogstens {ctx.get('le', ctx.get('lt'))} zijn"
        elif kind == "literal_error":
            text = f"moet een van deze waarden zijn: {ctx.get('expected', '')}"
        else:
            text = VALIDATION_TEXT.get(kind, "is ongeldig")
        parts.append(f"{where} '{'.'.join(loc) or '?'}' {text}")
    return "ongeldig verzoek: " + "; ".join(parts)


class LimitRequests:
    """ASGI middleware: refuse long query strings (414), large headers (431) and large bodies (413).

    A body is limited whether it comes with a ``Content-Length`` or chunked: the body is read
    here, up to the limit, before the route sees it.
    """

    def __init__(self, app, *, max_body: int = MAX_BODY, max_query: int = MAX_QUERY, max_headers: int = MAX_HEADERS) -> None:
        self.app = app
        self.max_body = max_body
        self.max_query = max_query
        self.max_headers = max_headers

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if len(scope.get("query_string", b"")) > self.max_query:
            return await FastJSON({"detail": f"URL te lang (hoogstens {self.max_query} tekens in de query)"}, status_code=414)(scope, receive, send)
        headers = scope.get("headers", ())
        if sum(len(n) + len(v) for n, v in headers) > self.max_headers:
            detail = f"headers te groot (hoogstens {self.max_headers} bytes samen)"
            return await FastJSON({"detail": detail}, status_code=431)(scope, receive, send)
        too_large = FastJSON({"detail": f"verzoek te groot (hoogstens {self.max_body} bytes)"}, status_code=413)
        for name, value in headers:
            if name == b"content-length" and (not value.isdigit() or int(value) > self.max_body):
                return await too_large(scope, receive, send)
        if scope.get("method") not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body += message.get("body", b"")
            if len(body) > self.max_body:
                return await too_large(scope, receive, send)
            if not message.get("more_body", False):
                break
        replay = [{"type": "http.request", "body": bytes(body), "more_body": False}]

        async def buffered_receive():
            return replay.pop() if replay else await receive()

        await self.app(scope, buffered_receive, send)


def create_app(store: PlanStore, keys: dict[str, Principal] | None = None) -> FastAPI:
    """The API over an opened plan store and a key ring (hash → principal)."""
    app = FastAPI(
        title="gebied API",
        version="0.1.0",
        description=DESCRIPTION,
        default_response_class=FastJSON,
        openapi_tags=[
            {"name": "gebieden", "description": "Cijfers per gebied (openbaar, met onderdrukking)."},
            {"name": "adressen", "description": "Adresniveau (gemeente binnen eigen gemeenten, ncg, img)."},
            {"name": "clusters", "description": "Treintjes als GeoJSON en hun prioriteit."},
            {"name": "vlaggen", "description": "Ongelijkheid tussen buren."},
            {"name": "signalen", "description": "Schade × versterking (ncg, img)."},
            {"name": "kaart", "description": "Kaartpagina's."},
            {"name": "versies", "description": "Planversies en het verschil tussen twee versies."},
            {"name": "beheer", "description": "Gezondheid."},
        ],
    )
    app.state.live = Live(store)
    app.state.store = store  # the version opened first (the routes use app.state.live)
    app.state.keys = keys or {}

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail and exc.detail[0].islower() else None
        detail = detail or STATUS_TEXT.get(exc.status_code, "fout")
        return FastJSON({"detail": detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        return FastJSON({"detail": _validation_message(exc)}, status_code=422)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception):
        return FastJSON({"detail": "interne fout in de API; meld dit met de gebruikte URL"}, status_code=500)

    for module in (routes_gebieden, routes_adressen, routes_clusters, routes_overig, routes_versies):
        app.include_router(module.router)
    app.add_middleware(PublicCache)
    app.add_middleware(LimitRequests)
    return app


def app_from_paths(
    plan: str | os.PathLike | None, sleutels: str | os.PathLike | None = None, *, database: str | None = None
) -> FastAPI:
    """Open the plan (or the newest version in ``database``) and key file and build the app.

    Raises GebiedError on bad input.
    """
    keys = load_keys(sleutels)
    store = open_database(database) if database else open_store(Path(plan))
    app = create_app(store, keys)
    app.state.live.preload(keys.values())  # each gemeente key's own rows, before the first request
    return app


def freeze_heap() -> None:
    """Move the loaded plan out of the garbage collector's view (shorter GC pauses, lower p99)."""
    gc.collect()
    gc.freeze()


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory gebied.api.app:app_from_env`` (GEBIED_PLAN or GEBIED_DATABASE, GEBIED_SLEUTELS)."""
    app = app_from_paths(
        os.environ.get("GEBIED_PLAN") or None, os.environ.get("GEBIED_SLEUTELS") or None, database=os.environ.get("GEBIED_DATABASE") or None
    )
    freeze_heap()
    return app
