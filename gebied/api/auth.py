"""Roles by API key (``X-API-Key``), configured in a TOML file that holds only key hashes.

File format (``sleutels.toml``)::

    [[sleutel]]
    naam = "gemeente-GM9901-1"
    rol = "gemeente"              # gemeente | ncg | img
    gemeenten = ["GM9901"]        # only for rol = "gemeente"
    hash = "sha256:…"             # SHA-256 of the key; the key itself is never stored

Keys are 256-bit random tokens, so a plain SHA-256 suffices (no slow password hash is
needed against guessing, and a look-up stays a single hash + dict access).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from gebied.errors import GebiedError
from gebied.io import atomic_path

ROLLEN = ("gemeente", "ncg", "img")
GEMEENTE_CODE = re.compile(r"^GM\d{4}$")


@dataclass(frozen=True)
class Principal:
    """Who is asking: role, key name and (for role gemeente) the gemeenten it may see."""

    rol: str
    naam: str
    gemeenten: frozenset[str] = field(default_factory=frozenset)

    @property
    def ziet_alles(self) -> bool:
        """True for ncg and img: every address, every gemeente."""
        return self.rol in ("ncg", "img")

    def mag_gemeente(self, gemeente: str | None) -> bool:
        """May this principal see address-level data of ``gemeente``?"""
        if self.ziet_alles:
            return True
        return self.rol == "gemeente" and gemeente is not None and gemeente in self.gemeenten


PUBLIEK = Principal("publiek", "publiek")


def hash_key(key: str) -> str:
    """The stored form of a key."""
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def load_keys(path: str | os.PathLike | None) -> dict[str, Principal]:
    """Read a key file into a mapping hash → principal (empty when ``path`` is None)."""
    if path is None:
        return {}
    p = Path(path)
    if not p.exists():
        raise GebiedError("sleutelbestand niet gevonden", file=str(p))
    try:
        data = tomllib.loads(p.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise GebiedError(f"het sleutelbestand is geen geldige TOML ({exc})", file=str(p)) from None
    entries = data.get("sleutel", [])
    if not isinstance(entries, list):
        raise GebiedError("'sleutel' moet een lijst van tabellen zijn ([[sleutel]])", file=str(p))
    keys: dict[str, Principal] = {}
    for n, entry in enumerate(entries, start=1):
        where = f"sleutel nr. {n}"
        if not isinstance(entry, dict):
            raise GebiedError(f"{where} is geen tabel", file=str(p))
        rol = entry.get("rol")
        if rol not in ROLLEN:
            raise GebiedError(f"{where}: onbekende rol '{rol}'; kies uit {', '.join(ROLLEN)}", file=str(p), column="rol")
        digest = entry.get("hash")
        if not isinstance(digest, str) or not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):
            raise GebiedError(f"{where}: 'hash' moet de vorm sha256:<64 hex-tekens> hebben", file=str(p), column="hash")
        gemeenten = entry.get("gemeenten", [])
        if not isinstance(gemeenten, list) or not all(isinstance(g, str) and GEMEENTE_CODE.match(g) for g in gemeenten):
            raise GebiedError(f"{where}: 'gemeenten' moet een lijst van codes als GM0014 zijn", file=str(p), column="gemeenten")
        if rol == "gemeente" and not gemeenten:
            raise GebiedError(f"{where}: rol gemeente vraagt om minstens één gemeentecode", file=str(p), column="gemeenten")
        if digest in keys:
            raise GebiedError(f"{where}: dezelfde sleutel staat er twee keer in", file=str(p), column="hash")
        keys[digest] = Principal(rol, str(entry.get("naam", f"sleutel-{n}")), frozenset(gemeenten))
    return keys


def authenticate(key: str | None, keys: dict[str, Principal]) -> Principal | None:
    """The principal for a presented key: PUBLIEK without key, None for an unknown key."""
    if key is None or key == "":
        return PUBLIEK
    return keys.get(hash_key(key))


def create_key(path: str | os.PathLike, *, rol: str, gemeenten: list[str] | None = None, naam: str | None = None) -> str:
    """Create a new random key, store its hash in ``path`` (atomically) and return the key.

    Raises
    ------
    GebiedError
        For an unknown role, bad gemeente codes or an unreadable existing file.
    """
    gemeenten = sorted(set(gemeenten or []))
    if rol not in ROLLEN:
        raise GebiedError(f"onbekende rol '{rol}'; kies uit {', '.join(ROLLEN)}")
    bad = [g for g in gemeenten if not GEMEENTE_CODE.match(g)]
    if bad:
        raise GebiedError(f"'{bad[0]}' is geen gemeentecode (verwacht GM gevolgd door vier cijfers, bv. GM0014)")
    if rol == "gemeente" and not gemeenten:
        raise GebiedError("rol gemeente vraagt om minstens één --gemeente")
    if rol != "gemeente" and gemeenten:
        raise GebiedError(f"rol {rol} ziet alle gemeenten; laat --gemeente weg")
    p = Path(path)
    existing = load_keys(p) if p.exists() else {}
    data = tomllib.loads(p.read_text("utf-8")) if p.exists() else {}
    key = secrets.token_urlsafe(32)
    entry = {
        "naam": naam or f"{rol}{'-' + '-'.join(gemeenten) if gemeenten else ''}-{len(existing) + 1}",
        "rol": rol,
        "hash": hash_key(key),
    }
    if gemeenten:
        entry["gemeenten"] = gemeenten
    data.setdefault("sleutel", []).append(entry)
    with atomic_path(p) as tmp:
        tmp.write_bytes(tomli_w.dumps(data).encode("utf-8"))
        os.chmod(tmp, 0o600)
    return key
