"""Interactive maps of a plan (folium-offline): the municipal map and the public map.

Only ``gebied/cli.py`` may import this package from the library side.
"""

from maps.municipal import municipal_map
from maps.plan import read_plan, save_map
from maps.privacy import aggregate_public
from maps.public import public_map

__all__ = ["aggregate_public", "municipal_map", "public_map", "read_plan", "save_map"]
