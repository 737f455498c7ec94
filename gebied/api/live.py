"""The server's view of a plan store: the newest version in memory, switched without a restart.

The server polls the store (at most every :data:`POLL_SECONDS`); when ``gebied plan``
added a version, the version is loaded in a background thread while the old one keeps
serving, and then replaces it in one assignment. Version files are never deleted, so no
request ever reads a deleted file. Older versions (``?versie=``) are loaded on demand and
kept for a while (:data:`KEEP_OLD`).

A gemeente key is served from a view of its own: the rows the store gives that gemeente
(in PostGIS through row-level security): its addresses, clusters, areas and hot spots, and
the flags that touch one of its addresses (a flag across the border names the other
gemeente's address, which the routes leave out). The public table and the area codes are
those of the whole version. These views are built when a server starts (for the keys it
knows) or on first use, and for a new version before it replaces the old one.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from gebied.api.auth import Principal
from gebied.api.store import PlanStore, build_view
from gebied.errors import GebiedError
from gebied.store import TOOL, PlanStoreBackend, Writer, version_diff

#: Seconds between two looks at the store for a new version.
POLL_SECONDS = 0.5
#: Older versions kept in memory.
KEEP_OLD = 2
#: Gemeente views kept in memory (per version and set of gemeenten).
KEEP_GEMEENTE = 32

log = logging.getLogger("gebied.api")


class Live:
    """The plan versions a server serves (see the module docstring)."""

    def __init__(self, view: PlanStore) -> None:
        self.current = view
        self.backend: PlanStoreBackend | None = view.inputs.backend if view.inputs is not None else None
        self._old: OrderedDict[int, PlanStore] = OrderedDict()
        self._diffs: OrderedDict[tuple, dict] = OrderedDict()
        self._gemeente_views: OrderedDict[tuple[int, frozenset[str]], PlanStore] = OrderedDict()
        self._gemeente_lock = threading.Lock()
        self._loading_keys: dict[tuple[int, frozenset[str]], threading.Lock] = {}
        self._next_poll = 0.0
        self._loading = False
        self._lock = threading.Lock()
        #: Public responses of the current version: (path, query) → (etag, headers, body).
        self.public_cache: dict[tuple[str, bytes], tuple[bytes, list, bytes]] = {}

    # ------------------------------------------------------------------ newest
    def poll(self) -> None:
        """Start loading a newer version when the store has one (cheap; time-gated)."""
        now = time.monotonic()
        if now < self._next_poll or self.backend is None or self._loading:
            return
        self._next_poll = now + POLL_SECONDS
        try:
            newest = self.backend.newest()
        except Exception:  # noqa: BLE001 - a busy or unreachable store: keep serving what we have
            log.warning("planopslag niet bereikbaar; de huidige versie blijft in gebruik", exc_info=True)
            return
        if newest is not None and self.current.versie is not None and newest > self.current.versie:
            self._loading = True
            threading.Thread(target=self._switch, args=(newest,), daemon=True, name=f"planversie-{newest}").start()

    def _switch(self, versie: int) -> None:
        try:
            view = self._load(versie)
            with self._gemeente_lock:
                in_use = {key[1] for key in self._gemeente_views if key[0] == self.current.versie}
            for gemeenten in in_use:
                self._gemeente_view(view, gemeenten)  # ready before the switch: no slow first request
            gc.collect()
            gc.freeze()
            old, self.current = self.current, view
            self.public_cache = {}
            with self._gemeente_lock:  # older versions' gemeente views are rebuilt on demand
                for key in [k for k in self._gemeente_views if k[0] != view.versie]:
                    del self._gemeente_views[key]
            self._keep(old)
            log.info("planversie %s in gebruik", versie)
        except Exception:  # noqa: BLE001 - a broken version must not stop the server
            log.exception("planversie %s kon niet worden geladen; de vorige blijft in gebruik", versie)
            self._next_poll = time.monotonic() + 10 * POLL_SECONDS
        finally:
            self._loading = False

    def _load(self, versie: int, writer: Writer = TOOL, *, public_from: PlanStore | None = None) -> PlanStore:
        layers = self.backend.read_layers(versie, writer)
        plan_dir = self.backend.plan_dir(versie)
        view = build_view(layers, path=Path(f"planversie {versie}"), plan_dir=plan_dir, versie=versie, public_from=public_from)
        view.inputs = self.current.inputs
        return view

    # ----------------------------------------------------------- per gemeente
    @staticmethod
    def _writer(gemeenten: frozenset[str]) -> Writer:
        return Writer("gemeente:" + ",".join(sorted(gemeenten)), gemeenten, "gemeente")

    def cached_gemeente_view(self, view: PlanStore, principal: Principal) -> PlanStore | None:
        """The view a gemeente key is served from, when it is ready (else None: see :meth:`gemeente_view`)."""
        if principal.rol != "gemeente" or self.backend is None or view.versie is None:
            return view
        return self._gemeente_views.get((view.versie, principal.gemeenten))

    def gemeente_view(self, view: PlanStore, principal: Principal) -> PlanStore:
        """The view of version ``view.versie`` with only the rows of the key's gemeenten (loaded once)."""
        ready = self.cached_gemeente_view(view, principal)
        return ready if ready is not None else self._gemeente_view(view, principal.gemeenten)

    def preload(self, principals: Iterable[Principal]) -> None:
        """Build the views of the gemeente keys now (a server does this before it serves)."""
        for gemeenten in {p.gemeenten for p in principals if p.rol == "gemeente"}:
            if self.backend is not None and self.current.versie is not None:
                self._gemeente_view(self.current, gemeenten)

    def _gemeente_view(self, view: PlanStore, gemeenten: frozenset[str]) -> PlanStore:
        key = (view.versie, gemeenten)
        with self._gemeente_lock:
            loading = self._loading_keys.setdefault(key, threading.Lock())
        with loading:  # one load per key; other keys load at the same time
            ready = self._gemeente_views.get(key)
            if ready is None:
                ready = self._load(view.versie, self._writer(gemeenten), public_from=view)
                ready.inputs = view.inputs
                with self._gemeente_lock:
                    self._gemeente_views[key] = ready
                    self._loading_keys.pop(key, None)
                    self._evict()
        return ready

    def _evict(self) -> None:
        """Keep at most :data:`KEEP_GEMEENTE` views; those of older versions go first."""
        while len(self._gemeente_views) > KEEP_GEMEENTE:
            older = next((k for k in self._gemeente_views if k[0] != self.current.versie), None)
            del self._gemeente_views[older if older is not None else next(iter(self._gemeente_views))]

    def _keep(self, view: PlanStore) -> None:
        if view.versie is None:
            return
        with self._lock:
            self._old[view.versie] = view
            while len(self._old) > KEEP_OLD:
                self._old.popitem(last=False)

    # --------------------------------------------------------------- versions
    def view(self, versie: int | None) -> PlanStore | None:
        """The view of a version (None: the newest); None when the version does not exist."""
        current = self.current
        if versie is None or versie == current.versie:
            return current
        with self._lock:
            if versie in self._old:
                self._old.move_to_end(versie)
                return self._old[versie]
        if self.backend is None or versie not in {v.versie for v in self.backend.versions()}:
            return None
        view = self._load(versie)
        self._keep(view)
        return view

    def diff(self, old: int, new: int, gemeenten: frozenset[str] | None = None) -> dict | None:
        """The difference between two versions (None when one does not exist); with ``gemeenten``
        computed from the rows the store gives those gemeenten."""
        key = (old, new, gemeenten)
        writer = TOOL if gemeenten is None else self._writer(gemeenten)
        with self._lock:
            if key in self._diffs:
                return self._diffs[key]
        known = {v.versie for v in self.backend.versions()} if self.backend is not None else set()
        if old not in known or new not in known:
            return None
        try:
            result = version_diff(self.backend.read_layers(old, writer), self.backend.read_layers(new, writer))
        except GebiedError:
            return None
        with self._lock:
            self._diffs[key] = result
            while len(self._diffs) > 8:
                self._diffs.popitem(last=False)
        return result

    def close(self) -> None:
        """Close the store."""
        self.current.close()
