"""``gebied plan``: every step in one run, and the layers of ``plan.gpkg``.

===============  ================================================================
``layers``       :func:`build_layers` (the computing steps); :class:`PlanResult`
``run``          :func:`run_plan`: inputs, plan store, output folder, maps, report
``qgis_styles``  default QGIS styles stored in ``plan.gpkg``
===============  ================================================================
"""

from gebied.pipeline.layers import STEPS, PlanResult, build_layers
from gebied.pipeline.run import Renderer, run_plan

__all__ = ["STEPS", "PlanResult", "Renderer", "build_layers", "run_plan"]
