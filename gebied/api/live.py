"""The server's view of a plan store: the newest version in memory, switched without a restart.

The server polls the store (at most every :data:`POLL_SECONDS`); when ``gebied plan``
added a version, the version is loaded in a background thread while the old one keeps
serving, and then replaces it in one assignment. Version files are never deleted, so no
request ever reads a deleted file. Older versions (``?versie=``) are loaded on demand and
kept for a while (:data:`KEEP_OLD`).
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections import OrderedDict
from pathlib import Path

from gebied.api.store import PlanStore, build_view
from gebied.errors import GebiedError
from gebied.store import PlanStoreBackend, version_diff

#: Seconds between two looks at the store for a new version.
POLL_SECONDS = 0.5
#: Older versions kept in memory.
KEEP_OLD = 2

log = logging.getLogger("gebied.api")


class Live:
    """The plan versions a server serves (see the module docstring)."""

    def __init__(self, view: PlanStore) -> None:
        self.current = view
        self.backend: PlanStoreBackend | None = view.inputs.backend if view.inputs is not None else None
        self._old: OrderedDict[int, PlanStore] = OrderedDict()
        self._diffs: OrderedDict[tuple[int, int], dict] = OrderedDict()
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
            gc.collect()
            gc.freeze()
            old, self.current = self.current, view
            self.public_cache = {}
            self._keep(old)
            log.info("planversie %s in gebruik", versie)
        except Exception:  # noqa: BLE001 - a broken version must not stop the server
            log.exception("planversie %s kon niet worden geladen; de vorige blijft in gebruik", versie)
            self._next_poll = time.monotonic() + 10 * POLL_SECONDS
        finally:
            self._loading = False

    def _load(self, versie: int) -> PlanStore:
        layers = self.backend.read_layers(versie)
        plan_dir = self.backend.plan_dir(versie)
        view = build_view(layers, path=Path(f"planversie {versie}"), plan_dir=plan_dir, versie=versie)
        view.inputs = self.current.inputs
        return view

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

    def diff(self, old: int, new: int) -> dict | None:
        """The difference between two versions (None when one does not exist)."""
        key = (old, new)
        with self._lock:
            if key in self._diffs:
                return self._diffs[key]
        known = {v.versie for v in self.backend.versions()} if self.backend is not None else set()
        if old not in known or new not in known:
            return None
        try:
            result = version_diff(self.backend.read_layers(old), self.backend.read_layers(new))
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
