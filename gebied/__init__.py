"""gebied: area-based planning of the Groningen earthquake strengthening operation.

The library is plain functions over (Geo)DataFrames, one module per pipeline step:
read → validate → join to areas → clusters → flags → schedule → outputs.

``gebied.cooperation`` and ``gebied.schedule`` are the step functions of the same-named
modules (as in the issues); import other names of those modules with
``from gebied.cooperation import signal_lists``.
"""

from gebied.area_summary import summarize_areas
from gebied.areas import prepare_areas, read_areas
from gebied.clusters import check_clusters, make_clusters
from gebied.clusters_summary import summarize_clusters
from gebied.errors import GebiedError, GebiedWarning
from gebied.flags import flag_counts, flag_inequality
from gebied.flags_summary import flag_summary
from gebied.io import write_layers, write_table
from gebied.join import join_areas
from gebied.neighbours import neighbour_pairs
from gebied.planning_level import planning_level
from gebied.summary import summarize
from gebied.validate import read_addresses, validate_addresses

from gebied.cooperation import cooperation_matrix, signal_lists  # noqa: E402  (before the shadowing name)
from gebied.cooperation import cooperation  # noqa: E402
from gebied.schedule import ScheduleResult, compute_metrics  # noqa: E402
from gebied.schedule import schedule  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "GebiedError",
    "GebiedWarning",
    "ScheduleResult",
    "check_clusters",
    "compute_metrics",
    "cooperation",
    "cooperation_matrix",
    "flag_counts",
    "flag_inequality",
    "flag_summary",
    "join_areas",
    "make_clusters",
    "neighbour_pairs",
    "planning_level",
    "prepare_areas",
    "read_addresses",
    "read_areas",
    "schedule",
    "signal_lists",
    "summarize",
    "summarize_areas",
    "summarize_clusters",
    "validate_addresses",
    "write_layers",
    "write_table",
]
