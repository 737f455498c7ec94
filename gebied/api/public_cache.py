"""Public responses (no key) from bytes prepared once per plan version, with ETag and 304.

Everything a caller without a key sees depends only on the plan version (the publication
table; never the steering-group input), so the first answer to a ``GET`` is kept as bytes
for that version and served again without routing, validation or serialisation. The
ETag holds the version; ``If-None-Match`` with it gives ``304 Not Modified``. The cache
is dropped when the server switches to a newer version.
"""

from __future__ import annotations

import hashlib

#: Paths never cached (health reports live state).
UNCACHED = frozenset({"/gezondheid"})
#: Content types that are cached.
CACHED_TYPES = (b"application/json", b"application/geo+json")
#: At most this many cached answers per version (then the cache starts over).
MAX_ENTRIES = 4096


def _etag(versie: int | None, path: str, query: bytes) -> bytes:
    digest = hashlib.blake2b(path.encode() + b"?" + query, digest_size=8).hexdigest()
    return f'"v{versie or 0}-{digest}"'.encode()


class PublicCache:
    """ASGI middleware; see the module docstring."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"] in UNCACHED:
            return await self.app(scope, receive, send)
        match = None
        for name, value in scope["headers"]:
            if name == b"x-api-key" and value:
                return await self.app(scope, receive, send)
            if name == b"if-none-match":
                match = value
        live = scope["app"].state.live
        live.poll()
        cache = live.public_cache
        key = (scope["path"], scope.get("query_string", b""))
        entry = cache.get(key)
        if entry is not None:
            etag, headers, body = entry
            if match is not None and etag in [t.strip().removeprefix(b"W/") for t in match.split(b",")]:
                await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", etag)]})
                await send({"type": "http.response.body", "body": b""})
                return None
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
            return None
        if scope["method"] == "HEAD":
            return await self.app(scope, receive, send)
        versie = live.current.versie
        state = {"start": None, "chunks": []}

        async def capture(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                ctype = next((v for n, v in headers if n == b"content-type"), b"")
                if message["status"] == 200 and ctype.startswith(CACHED_TYPES) and live.current.versie == versie:
                    etag = _etag(versie, *key)
                    headers.append((b"etag", etag))
                    message = {**message, "headers": headers}
                    state["start"] = (etag, headers)
            elif message["type"] == "http.response.body" and state["start"] is not None:
                state["chunks"].append(message.get("body", b""))
                if not message.get("more_body", False) and live.public_cache is cache:
                    if len(cache) >= MAX_ENTRIES:
                        cache.clear()
                    cache[key] = (*state["start"], b"".join(state["chunks"]))
            await send(message)

        return await self.app(scope, receive, capture)
