"""Response and request models (they document the OpenAPI schema; handlers send orjson bytes)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Telling = int | str | None
"""A count; public figures below the threshold are the string ``"< 10"``."""


class Fout(BaseModel):
    """An error: a Dutch message, never a stack trace."""

    detail: str = Field(examples=["adres niet gevonden"])


class Gezondheid(BaseModel):
    status: Literal["ok"]
    plan: str
    titel: str | None = None
    adressen: int
    clusters: int
    gebieden: int
    schrijfbaar: bool


class PaginaBasis(BaseModel):
    totaal: int = Field(description="Aantal resultaten over alle pagina's.")
    limit: int
    offset: int
    volgende: str | None = Field(description="URL van de volgende pagina, of null op de laatste.")


class GebiedSamenvatting(BaseModel):
    """A planning area with its figures; counts 1..drempel-1 are suppressed for the public."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "niveau": "buurt", "code": "BU99010101", "naam": "Dorpskern", "gemeente_code": "GM9901",
                    "aantal_adressen": 40, "in_programma": 31, "fase_gereed": None, "aandeel_gereed": None,
                    "onderdrukt": True, "afgeschermd": ["fase_gereed", "fase_5.2"],
                }
            ]
        },
    )
    niveau: str | None = None
    code: str
    naam: str | None = None
    gemeente_code: str | None = None
    aantal_adressen: Telling = None
    in_programma: Telling = None
    gereed: Telling = None
    aandeel_gereed: float | None = None
    onderdrukt: bool = Field(description="True als er aantallen zijn afgeschermd (openbare tabel: null, met hun namen in afgeschermd).")
    afgeschermd: list[str] | None = Field(default=None, description="Openbare tabel: de afgeschermde kolommen van dit gebied.")
    bbox: list[float] | None = Field(default=None, description="[minlon, minlat, maxlon, maxlat] (WGS84).")


class GebiedenPagina(PaginaBasis):
    items: list[GebiedSamenvatting]


class Koppeling(BaseModel):
    code: str | None
    naam: str | None
    afstand_m: float | None = None


class Fase(BaseModel):
    model_config = ConfigDict(extra="allow")
    ncg_fase: str | None
    ncg_fase_omschrijving: str | None
    uitkomst: str | None
    img_status: str | None


class ClusterKort(BaseModel):
    cluster_id: str
    cluster_status: str | None = None
    prioriteit: int | None = None
    start_periode: int | None = None
    gereed_periode: int | None = None


class Vlag(BaseModel):
    model_config = ConfigDict(extra="allow")
    vlag: str | None = None
    adres_id: str | None = None
    buur_adres_id: str | None = None
    afstand_m: float | None = None
    ernst: int | float | str | None = None
    toelichting: str | None = None


class Adres(BaseModel):
    """One address: areas, cluster, phase, flags and NCG × IMG cooperation group."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "adres_id": "0014200000123456", "straat": "Dorpsstraat", "huisnummer": 12,
                    "postcode": "9999AA", "woonplaats": "Oostdorp", "lon": 6.85, "lat": 53.23,
                    "gebieden": {"gemeente": {"code": "GM9901", "naam": "Oostdorp", "afstand_m": 0.0}},
                    "fase": {"ncg_fase": "2.1", "ncg_fase_omschrijving": "opname plannen",
                             "uitkomst": "onbekend", "img_status": "opname", "opname_periode": 2},
                    "samenwerkingsgroep": "B", "cluster": {"cluster_id": "C-1", "prioriteit": 1},
                    "vlaggen": [], "in_programma": True,
                }
            ]
        },
    )
    adres_id: str
    lon: float | None = None
    lat: float | None = None
    gebieden: dict[str, Koppeling]
    fase: Fase
    in_programma: bool
    samenwerkingsgroep: str | None = None
    samenwerkingsgroep_omschrijving: str | None = None
    cluster: ClusterKort | None = None
    vlaggen: list[Vlag]


class AdressenPagina(PaginaBasis):
    items: list[Adres]


class VlaggenPagina(PaginaBasis):
    items: list[Vlag]


class Brandhaard(BaseModel):
    """A stretch of street where flagged neighbour pairs concentrate (most severe first)."""

    model_config = ConfigDict(extra="allow")
    brandhaard_id: str | None = None
    rang: int | None = None
    woonplaats: str | None = None
    straat: str | None = None
    huisnummers: str | None = None
    gebied_code: str | None = None
    adressen: int | None = None
    ernst: float | None = None
    actie: str | None = None
    toelichting: str | None = None


class BrandhaardenPagina(PaginaBasis):
    items: list[Brandhaard]


class Feature(BaseModel):
    type: Literal["Feature"]
    id: str
    geometry: dict[str, Any] | None
    properties: dict[str, Any]


class ClusterCollectie(BaseModel):
    """GeoJSON FeatureCollection (WGS84) with paging members."""

    type: Literal["FeatureCollection"]
    features: list[Feature]
    totaal: int
    limit: int
    offset: int
    volgende: str | None


class Signaal(BaseModel):
    adres_id: str
    gemeente_code: str | None = None
    ncg_fase: str | None = None
    img_status: str | None = None
    samenwerkingsgroep: str | None = None
    omschrijving: str | None = None
    cluster_id: str | None = None


class SignalenPagina(PaginaBasis):
    lijst: str
    omschrijving: str
    items: list[Signaal]


class PrioriteitIn(BaseModel):
    """New priority of a cluster (1 = first); null clears it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"prioriteit": 1}]})
    prioriteit: int | None = Field(ge=1, le=1_000_000)


class StartPeriodeIn(BaseModel):
    """Fixed start period of a cluster as a period label of the plan; null clears it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"start_periode": "2027-K3"}]})
    start_periode: str | None = Field(max_length=16, description="Periodelabel in de periode-indeling van het plan, bv. 2027-K3.")


class Prioriteit(BaseModel):
    cluster_id: str
    prioriteit: int | None
    start_periode: str | None = Field(default=None, description="Vaste startperiode van de stuurgroep (leeg: geen).")
    versie: int = Field(description="Versie; de ETag is deze waarde tussen aanhalingstekens.")
    gewijzigd_op: str | None = None
    door: str | None = None
