"""Interactive maps of a plan (folium-offline): the municipal map and the public map.

Only :mod:`gebied.cli` imports this package; the library never does (docs/ontwerp.md).
"""

from gebied.maps.aggregate import aggregate_public
from gebied.maps.municipal import municipal_map
from gebied.maps.plan import read_plan, save_map
from gebied.maps.public import public_map

__all__ = ["aggregate_public", "municipal_map", "public_map", "read_plan", "save_map"]
