"""Reading the inputs of a run: areas (published files recognised), addresses and programme.

An address file that is a BAG verblijfsobject layer is read after the areas, for only the
requested areas; any other address file is read whole, first (as before).
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd

from gebied.areas.published import read_area_layers
from gebied.areas.read import AreaSpec
from gebied.bag import bag_layer, read_bag
from gebied.errors import GebiedError
from gebied.programme import join_programme, read_programme
from gebied.validate import read_addresses


def read_inputs(
    adressen: str,
    gebieden: Sequence[str | AreaSpec],
    *,
    programma: str = "",
    max_distance: float,
) -> tuple[gpd.GeoDataFrame, dict[str, gpd.GeoDataFrame]]:
    """Read addresses, area layers and (optionally) the programme list.

    Parameters
    ----------
    adressen
        Address file, or a BAG ``bag-light.gpkg`` (layer ``verblijfsobject``).
    gebieden
        ``--gebieden`` arguments; a CBS wijk- en buurtkaart gives several levels.
    programma
        Optional programme list (``adres_id`` + status columns) joined by BAG id.
    max_distance
        Join distance; BAG points farther than this from every area are not read.

    Returns
    -------
    addresses, areas
        Validated addresses (with the programme's columns) and ``{naam: areas}``.
    """
    specs = [s if isinstance(s, AreaSpec) else AreaSpec.parse(s) for s in gebieden]
    if not specs:
        raise GebiedError("geef minstens één gebiedenlaag op met --gebieden NAAM=BESTAND")
    if bag_layer(adressen) is not None:
        areas = read_area_layers(specs)
        addresses = read_bag(adressen, areas=areas, max_distance=max_distance)
    else:
        addresses = read_addresses(adressen)
        areas = read_area_layers(specs)
    if programma:
        addresses = join_programme(addresses, read_programme(programma), file=str(programma))
    return addresses, areas
