"""``gebied plan``: every step in one run, and the layers of ``plan.gpkg``.

===============  ================================================================
``run``          :func:`run_plan` and :func:`build_layers`; :class:`PlanResult`
``qgis_styles``  default QGIS styles stored in ``plan.gpkg``
===============  ================================================================
"""

from gebied.pipeline.run import STEPS, PlanResult, Renderer, build_layers, run_plan

__all__ = ["STEPS", "PlanResult", "Renderer", "build_layers", "run_plan"]
