"""All settings of a `gebied plan` run, read from and written to TOML (plan.toml).

Every setting has a documented default; CLI flags override the file. The run writes
the settings it used as ``plan.toml`` so that it can be repeated exactly.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import tomli_w

from gebied.codes import (
    DEFAULT_CAPACITY,
    JOIN_DISTANCE,
    MAX_CLUSTER_SIZE,
    MIN_CLUSTER_SIZE,
    NEIGHBOUR_DISTANCE,
    STAGES,
    STRATEGIES,
    TARGET_CLUSTER_SIZE,
)
from gebied.errors import GebiedError
from gebied.periods import PER_JAAR
from gebied.privacy import DEFAULT_THRESHOLD, MIN_THRESHOLD


@dataclass
class InvoerSettings:
    adressen: str = ""
    gebieden: list[str] = field(default_factory=list)
    programma: str = ""  # programme list (adres_id + status) joined onto BAG addresses
    max_afstand: float = JOIN_DISTANCE


@dataclass
class ClusterSettings:
    gebied: str = ""  # empty: the finest area layer given
    min: int = MIN_CLUSTER_SIZE
    max: int = MAX_CLUSTER_SIZE
    doel: int = TARGET_CLUSTER_SIZE
    alle: bool = False


@dataclass
class VlaggenSettings:
    afstand: float = NEIGHBOUR_DISTANCE


@dataclass
class PlanningSettings:
    capaciteit: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_CAPACITY))
    capaciteit_bestand: str = ""
    periode: str = "kwartaal"
    start: str = "2027-K1"
    strategie: str = "plan"
    vast: str = ""
    doorstroom: list[str] = field(default_factory=lambda: ["plan", "gebied"])  # strategies with treintjes in flow
    reserve: dict[str, float] = field(default_factory=dict)  # per stage kept free for requests
    verzoeken: str = ""  # CSV with requests (opname_op_verzoek, herbeoordeling)
    verzoek_termijn: int = 2  # periods a request may wait
    doel_periode: int = 0  # capacity advice for this end period; 0: no advice
    tijdslimiet: float = 5.0  # no longer used (kept so older plan.toml files still read)
    seed: int = 0  # no longer used (kept so older plan.toml files still read)


@dataclass
class UitvoerSettings:
    titel: str = "Lokaal plan van aanpak versterking"
    peildatum: str = ""
    niveau: str = ""  # area level of maps and public figures; empty: the cluster level
    publiek_ouder: str = ""  # optional coarser level published with it (nested; suppressed together)
    drempel: int = DEFAULT_THRESHOLD
    pdf: bool = True
    fictief: bool = False


@dataclass
class PlanSettings:
    """Settings of one plan run, grouped as the sections of plan.toml."""

    invoer: InvoerSettings = field(default_factory=InvoerSettings)
    cluster: ClusterSettings = field(default_factory=ClusterSettings)
    vlaggen: VlaggenSettings = field(default_factory=VlaggenSettings)
    planning: PlanningSettings = field(default_factory=PlanningSettings)
    uitvoer: UitvoerSettings = field(default_factory=UitvoerSettings)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def override(self, section: str, **values: Any) -> None:
        """Set values that were given (not None) on one section, e.g. from CLI flags."""
        target = getattr(self, section)
        for key, value in values.items():
            if value is not None:
                setattr(target, key, value)


def _check_type(value: Any, default: Any, where: str, file: str) -> Any:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise GebiedError(f"{where} moet true of false zijn, niet {value!r}", file=file)
        return value
    if isinstance(default, (int, float)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise GebiedError(f"{where} moet een getal zijn, niet {value!r}", file=file)
        return type(default)(value) if isinstance(default, float) or float(value).is_integer() else value
    if isinstance(default, str):
        if not isinstance(value, str):
            raise GebiedError(f"{where} moet tekst zijn, niet {value!r}", file=file)
        return value
    if isinstance(default, list):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise GebiedError(f"{where} moet een lijst met tekst zijn", file=file)
        return value
    if isinstance(default, dict):
        if not isinstance(value, dict) or not all(isinstance(v, (int, float)) for v in value.values()):
            raise GebiedError(f"{where} moet een tabel naam = getal zijn", file=file)
        return dict(value)
    return value


def load_settings(path: str | Path | None) -> PlanSettings:
    """Read plan.toml (or return the defaults when ``path`` is None).

    Unknown sections or keys and wrong types are errors naming the file and key.
    """
    settings = PlanSettings()
    if path is None:
        return settings
    path = Path(path)
    if not path.exists():
        raise GebiedError("instellingenbestand niet gevonden", file=str(path))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise GebiedError(f"ongeldig TOML: {exc}", file=str(path)) from None
    sections = {f.name for f in fields(PlanSettings)}
    for name, values in data.items():
        if name not in sections or not isinstance(values, dict):
            raise GebiedError(
                f"onbekende sectie [{name}]; bekend zijn: {', '.join(sorted(sections))}", file=str(path)
            )
        target = getattr(settings, name)
        known = {f.name for f in fields(target)}
        for key, value in values.items():
            if key not in known:
                raise GebiedError(
                    f"onbekende instelling {name}.{key}; bekend zijn: {', '.join(sorted(known))}",
                    file=str(path),
                )
            setattr(target, key, _check_type(value, getattr(target, key), f"{name}.{key}", str(path)))
    return settings


def dump_settings(settings: PlanSettings) -> str:
    """The settings as TOML text (what ``plan.toml`` in the output folder holds)."""
    header = "# Instellingen van deze gebied-plan-run; herhaal met: gebied plan --config plan.toml\n"
    return header + tomli_w.dumps(settings.to_dict())


def check_settings(settings: PlanSettings) -> None:
    """Refuse settings that cannot work, before any data is read (Dutch GebiedError)."""
    c, p, u = settings.cluster, settings.planning, settings.uitvoer
    if u.drempel < MIN_THRESHOLD:
        raise GebiedError(f"uitvoer.drempel (--drempel) moet minstens {MIN_THRESHOLD} zijn, niet {u.drempel} (CBS-regel voor kleine aantallen)")
    if p.strategie not in STRATEGIES:
        raise GebiedError(f"planning.strategie (--strategie) '{p.strategie}' is onbekend; kies uit {', '.join(STRATEGIES)}")
    if p.periode not in PER_JAAR:
        raise GebiedError(f"planning.periode (--periode) '{p.periode}' is onbekend; kies uit {', '.join(PER_JAAR)}")
    if not 1 <= c.min <= c.max:
        raise GebiedError(f"cluster.min ({c.min}) en cluster.max ({c.max}) moeten voldoen aan 1 ≤ min ≤ max")
    for name in p.doorstroom:
        if name not in STRATEGIES:
            raise GebiedError(f"planning.doorstroom (--doorstroom): '{name}' is geen strategie; kies uit {', '.join(STRATEGIES)}")
    for stage, value in p.reserve.items():
        if stage not in STAGES or value < 0:
            raise GebiedError(f"planning.reserve (--reserve): '{stage}={value}' is ongeldig; gebruik opname, beoordeling en uitvoering met een getal ≥ 0")
    if p.verzoek_termijn < 0 or p.doel_periode < 0:
        raise GebiedError("planning.verzoek_termijn (--verzoek-termijn) en planning.doel_periode (--doel-periode) moeten 0 of meer zijn")
    for stage, value in p.capaciteit.items():
        if stage not in STAGES or value <= 0:
            raise GebiedError(
                f"planning.capaciteit: '{stage}={value}' is ongeldig; gebruik opname, beoordeling en uitvoering met een getal > 0"
            )
