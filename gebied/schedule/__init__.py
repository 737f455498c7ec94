"""Scheduling the treintjes under capacity per stage and period, and comparing strategies.

==============  ================================================================
``model``       which stages an address still needs; capacity and steering input
``greedy``      units of work, steering groups and greedy list scheduling
``cpsat``       the time-indexed CP-SAT model of the ``plan`` strategy
``optimise``    the ``plan`` strategy: warm start, retiming, CP-SAT per gemeente
``select``      the default ``plan``: the most equal candidate within safety limits
``metrics``     per-period table and metrics of a schedule
``priorities``  steering-group priorities stored in a plan GeoPackage
``run``         :func:`schedule` and :func:`compare`, the step functions
==============  ================================================================
"""

from gebied.codes import DEFAULT_CAPACITY, STAGES, STRATEGIES
from gebied.schedule.metrics import compute_metrics
from gebied.schedule.run import ScheduleResult, cluster_table, compare, schedule

__all__ = [
    "DEFAULT_CAPACITY",
    "STAGES",
    "STRATEGIES",
    "ScheduleResult",
    "cluster_table",
    "compare",
    "compute_metrics",
    "schedule",
]
