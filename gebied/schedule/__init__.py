"""Scheduling the treintjes under capacity per stage and period, and comparing strategies.

==============  ================================================================
``model``       which stages an address still needs; capacity and steering input
``greedy``      units of work, steering groups and greedy list scheduling
``prepare``     the shared input of a run: population, capacity, neighbours, requests
``optimise``    unit orders of the strategies; region growing of ``plan``
``select``      the default ``plan``: the most equal candidate within safety limits
``bound``       a certified lower bound on neighbour exposure (LP, HiGHS)
``measures``    fast measures on arrays: safety, neighbour exposure, flow
``metrics``     per-period table and metrics of a schedule
``requests``    reserved capacity and requests (opname op verzoek, herbeoordeling)
``advice``      capacity advice for a target end period
``priorities``  steering-group priorities stored in a plan GeoPackage
``run``         :func:`schedule` and :func:`compare`, the step functions
==============  ================================================================
"""

from gebied.codes import DEFAULT_CAPACITY, STAGES, STRATEGIES
from gebied.schedule.metrics import compute_metrics
from gebied.schedule.run import ScheduleResult, advise, cluster_table, compare, schedule

__all__ = [
    "DEFAULT_CAPACITY",
    "STAGES",
    "STRATEGIES",
    "ScheduleResult",
    "advise",
    "cluster_table",
    "compare",
    "compute_metrics",
    "schedule",
]
