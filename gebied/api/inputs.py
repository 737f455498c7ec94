"""The steering-group input as the server holds it: one copy shared by every plan version in memory."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping

from gebied.store import InputRow, NotVisible, PlanStoreBackend, VersionConflict, Writer


class Inputs:
    """Input rows of a plan store, refreshed when another process commits."""

    def __init__(self, backend: PlanStoreBackend) -> None:
        self.backend = backend
        self._lock = threading.Lock()
        self._token: tuple | None = None
        self._next = 0.0
        #: Seconds between two looks at the store: 0 for the embedded store (a local counter),
        #: more for a database (a round trip); the database checks the ETag of every write anyway.
        self.interval = float(getattr(backend, "refresh_seconds", 0.0))
        self.rows: dict[str, InputRow] = {}
        self.refresh()

    @property
    def writable(self) -> bool:
        """Does the store accept writes?"""
        return bool(self.backend.writable)

    def refresh(self) -> None:
        """Reload the rows when the store's change token moved."""
        if self.interval:
            now = time.monotonic()
            if now < self._next:
                return
            self._next = now + self.interval
        with self._lock:
            token = self.backend.change_token()
            if token == self._token:
                return
            self._token = token
            self.rows = self.backend.read_input()

    def write(self, cluster_id: str, values: Mapping[str, object], *, expected_version: int, writer: Writer) -> InputRow:
        """Compare-and-set input fields in the store; the store's answer is kept in memory."""
        try:
            row = self.backend.write_input(cluster_id, values=values, expected_version=expected_version, writer=writer)
        except VersionConflict:
            self._token, self._next = None, 0.0  # someone else wrote: read the rows again next time
            raise
        with self._lock:
            self.rows = {**self.rows, cluster_id: row}
        return row

    def close(self) -> None:
        """Close the store."""
        self.backend.close()


__all__ = ["Inputs", "NotVisible", "VersionConflict"]
