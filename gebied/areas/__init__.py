"""Area layers: reading them (gemeente, wijk, buurt, woonplaats, PC4) and the figures per area.

===========  ================================================================
``read``     :func:`read_areas`, :func:`prepare_areas`: files to clean polygons
``figures``  :func:`summarize_areas`: the figures of the ``gebieden`` layer
===========  ================================================================
"""

from gebied.areas.figures import summarize_areas
from gebied.areas.read import AreaSpec, prepare_areas, read_areas, report_overlaps

__all__ = ["AreaSpec", "prepare_areas", "read_areas", "report_overlaps", "summarize_areas"]
