"""Clusters (treintjes) as GeoJSON, and the write routes: the steering-group priority and fixed start period."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import orjson
import shapely
from fastapi import APIRouter, Header, HTTPException, Path, Query, Request, Response

from gebied.api.auth import Principal
from gebied.api.common import Ctx, FastJSON, GeoJSON, Limit, Offset, Protected, errors, page
from gebied.api.schemas import ClusterCollectie, Feature, Prioriteit, PrioriteitIn, StartPeriodeIn
from gebied.api.store import PlanStore
from gebied.errors import GebiedError
from gebied.periods import PER_JAAR, period_label, period_number
from gebied.store import NotVisible, VersionConflict, Writer

router = APIRouter(tags=["clusters"])

BBOX_PATTERN = r"^\s*-?\d+(\.\d+)?\s*(,\s*-?\d+(\.\d+)?\s*){3}$"
NOT_FOUND = "cluster niet gevonden"
#: A fixed start lies at most this many years after the plan's start.
MAX_START_YEARS = 30
GEO = {"application/geo+json": {}}


def etag(versie: int) -> str:
    """The ETag of a priority version."""
    return f'"{versie}"'


def feature(store: PlanStore, cluster_id: str) -> dict:
    """One cluster as a GeoJSON feature with its current priority."""
    rec = store.clusters[cluster_id]
    prio = store.priority(cluster_id)
    props = {k: v for k, v in rec.items() if k != "_pos"}
    props["prioriteit"] = prio.prioriteit
    props["vaste_start_periode"] = prio.start_periode
    props["prioriteit_versie"] = prio.versie
    return {"type": "Feature", "id": cluster_id, "geometry": store.cluster_geometry[rec["_pos"]], "properties": props}


def feature_json(store: PlanStore, cluster_id: str) -> orjson.Fragment:
    """The feature as pre-serialised JSON (cached until its priority changes)."""
    versie = store.priority(cluster_id).versie
    cached = store.feature_cache.get(cluster_id)
    if cached is None or cached[0] != versie:
        cached = store.feature_cache[cluster_id] = (versie, orjson.Fragment(orjson.dumps(feature(store, cluster_id))))
    return cached[1]


def visible_cluster(store: PlanStore, principal: Principal, cluster_id: str) -> None:
    """404 unless the cluster exists and the principal may see its gemeente."""
    rec = store.clusters.get(cluster_id)
    if rec is None or not principal.mag_gemeente(store.cluster_gemeente[rec["_pos"]]):
        raise HTTPException(404, NOT_FOUND)


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``minlon,minlat,maxlon,maxlat``; corners in any order."""
    a, b, c, d = (float(v) for v in text.split(","))
    return min(a, c), min(b, d), max(a, c), max(b, d)


@router.get(
    "/clusters",
    response_class=GeoJSON,
    response_model=None,
    summary="Clusters (treintjes) als GeoJSON, te filteren op kaartvenster en gemeente",
    responses={200: {"model": ClusterCollectie, "content": GEO}, **errors(401, 404)},
)
async def list_clusters(
    request: Request,
    ctx: Protected,
    bbox: Annotated[
        str | None,
        Query(
            pattern=BBOX_PATTERN,
            max_length=200,
            description="Kaartvenster minlon,minlat,maxlon,maxlat (WGS84).",
            examples=["6.5,53.1,6.7,53.3"],
        ),
    ] = None,
    gemeente: Annotated[str | None, Query(max_length=16, examples=["GM9901"], description="Alleen clusters in deze gemeente.")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> GeoJSON:
    """Rol gemeente ziet alleen clusters in de eigen gemeente(n)."""
    store, principal = ctx.store, ctx.principal
    if gemeente is not None and not principal.mag_gemeente(gemeente):
        raise HTTPException(404, "gemeente niet gevonden")
    if bbox is not None:
        idx = sorted(int(i) for i in store.cluster_tree.query(shapely.box(*parse_bbox(bbox)), predicate="intersects"))
    else:
        idx = range(len(store.cluster_ids))
    gem = store.cluster_gemeente
    idx = [i for i in idx if (gemeente is None or gem[i] == gemeente) and principal.mag_gemeente(gem[i])]
    store.refresh()
    features = [feature_json(store, store.cluster_ids[i]) for i in idx[offset : offset + limit]]
    body = page(request, features, len(idx), limit, offset)
    return GeoJSON({"type": "FeatureCollection", "features": body.pop("items"), **body})


@router.get(
    "/clusters/{cluster_id}",
    response_class=GeoJSON,
    response_model=None,
    summary="Eén cluster als GeoJSON-feature; de ETag-kop is de versie van de prioriteit",
    responses={200: {"model": Feature, "content": GEO}, **errors(401, 404)},
)
async def get_cluster(
    response: Response,
    ctx: Protected,
    cluster_id: Annotated[str, Path(max_length=128, examples=["BU99010101-C01"])],
) -> GeoJSON:
    """Gebruik de ETag als If-Match bij PUT /clusters/{cluster_id}/prioriteit."""
    store, principal = ctx.store, ctx.principal
    visible_cluster(store, principal, cluster_id)
    store.refresh()
    return GeoJSON(feature(store, cluster_id), headers={"ETag": etag(store.priority(cluster_id).versie)})


def _versions(if_match: str) -> set[int]:
    out = set()
    for part in if_match.split(","):
        tag = part.strip().removeprefix("W/").strip('"')
        if tag.isdigit():
            out.add(int(tag))
    return out


def write_input(request: Request, ctx: Ctx, cluster_id: str, if_match: str, values: Callable[[], dict[str, object]]) -> FastJSON:
    """The shared part of the write routes: role, newest version, visibility, If-Match, then the
    ``values`` (checked only now) compared-and-set in the store."""
    store, principal = ctx.store, ctx.principal
    if store.versie != request.app.state.live.current.versie:
        raise HTTPException(422, "ongeldig verzoek: invoer van de stuurgroep schrijf je in de nieuwste planversie (laat ?versie= weg)")
    if principal.rol not in ("gemeente", "ncg"):
        raise HTTPException(403, "alleen de rollen gemeente en ncg mogen de invoer van de stuurgroep wijzigen")
    visible_cluster(store, principal, cluster_id)
    if not if_match.strip():
        raise HTTPException(428, "kop If-Match ontbreekt; haal eerst de ETag op met GET /clusters/{cluster_id}")
    if not store.writable:
        raise HTTPException(503, "het plan is alleen-lezen; de invoer kan niet worden opgeslagen")
    store.refresh()
    current = store.priority(cluster_id).versie
    if current not in _versions(if_match):
        raise HTTPException(412, f"de invoer van dit cluster is intussen gewijzigd (huidige versie {current}); haal het cluster opnieuw op")
    writer = Writer(principal.naam, None if principal.ziet_alles else frozenset(principal.gemeenten), principal.rol)
    try:
        prio = store.set_input(cluster_id, values(), expected_version=current, writer=writer)
    except VersionConflict as exc:
        raise HTTPException(
            412, f"de invoer van dit cluster is intussen gewijzigd (huidige versie {exc.current}); haal het cluster opnieuw op"
        ) from None
    except NotVisible:
        raise HTTPException(404, NOT_FOUND) from None
    out = {"cluster_id": cluster_id, "prioriteit": prio.prioriteit, "start_periode": prio.start_periode, "versie": prio.versie,
           "gewijzigd_op": prio.gewijzigd_op, "door": prio.door}
    return FastJSON(out, headers={"ETag": etag(prio.versie)})


def start_label(store: PlanStore, text: str | None) -> str | None:
    """A fixed start period as the plan's own label (422 when it is no period of the plan or lies
    more than :data:`MAX_START_YEARS` years after its start)."""
    if text is None:
        return None
    text = text.strip()
    start, periode = store.info.get("startperiode", "2027-K1"), store.info.get("periode", "kwartaal")
    try:
        example = period_label(3, start=start, periode=periode)
        if not text:
            raise HTTPException(422, f"ongeldig verzoek: lege startperiode; geef een periodelabel zoals {example} of null om te wissen")
        if text.isdigit() and not (periode == "jaar" and len(text) == 4):
            raise HTTPException(422, f"ongeldig verzoek: geef de startperiode als periodelabel zoals {example}, niet als volgnummer")
        number = period_number(text, start=start, periode=periode)
        if number > MAX_START_YEARS * PER_JAAR[periode]:
            last = period_label(MAX_START_YEARS * PER_JAAR[periode], start=start, periode=periode)
            raise HTTPException(422, f"ongeldig verzoek: startperiode '{text[:16]}' ligt na {last}, meer dan {MAX_START_YEARS} jaar na de start van het plan")
        return period_label(number, start=start, periode=periode)
    except (GebiedError, ValueError, KeyError):
        raise HTTPException(
            422, f"ongeldig verzoek: '{text[:16]}' is geen {periode} vanaf de startperiode {start} van het plan"
        ) from None


IF_MATCH = Header(max_length=200, description='ETag van GET /clusters/{cluster_id}, bv. "0".', examples=['"0"'])
CLUSTER_ID = Path(max_length=128, examples=["BU99010101-C01"])


@router.put(
    "/clusters/{cluster_id}/prioriteit",
    response_class=FastJSON,
    response_model=None,
    summary="Prioriteit van een cluster zetten (lokale stuurgroep); vraagt If-Match",
    responses={200: {"model": Prioriteit}, **errors(400, 401, 403, 404, 412, 413, 428, 503)},
)
def put_priority(
    request: Request,
    ctx: Protected, body: PrioriteitIn, cluster_id: Annotated[str, CLUSTER_ID], if_match: Annotated[str, IF_MATCH]
) -> FastJSON:
    """Rollen gemeente (eigen gemeenten) en ncg. Bij een verouderde ETag volgt 412 en wordt
    niets overschreven; de wijziging staat meteen duurzaam in de tabel `prioriteiten` van de planopslag
    (los van de berekende planversies) en in het logboek `auditlog`. Het volgende `gebied plan` neemt haar mee."""
    return write_input(request, ctx, cluster_id, if_match, lambda: {"prioriteit": body.prioriteit})


@router.put(
    "/clusters/{cluster_id}/startperiode",
    response_class=FastJSON,
    response_model=None,
    summary="Vaste startperiode van een cluster zetten (lokale stuurgroep); vraagt If-Match",
    responses={200: {"model": Prioriteit}, **errors(400, 401, 403, 404, 412, 413, 422, 428, 503)},
)
def put_start(
    request: Request,
    ctx: Protected, body: StartPeriodeIn, cluster_id: Annotated[str, CLUSTER_ID], if_match: Annotated[str, IF_MATCH]
) -> FastJSON:
    """Rollen gemeente (eigen gemeenten) en ncg; `null` haalt de vaste start weg. De periode is een label in
    de periode-indeling van het plan (bv. `2027-K3`). Zelfde ETag als de prioriteit (één invoerrij per cluster);
    het volgende `gebied plan` laat het cluster in die periode beginnen."""
    return write_input(request, ctx, cluster_id, if_match, lambda: {"start_periode": start_label(ctx.store, body.start_periode)})
