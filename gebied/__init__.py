"""gebied: area-based planning of the Groningen earthquake strengthening operation.

The library is plain functions over (Geo)DataFrames, one package per pipeline step:
read → validate → join to areas → clusters → flags → cooperation → schedule → outputs.
Each step takes a table and returns one aligned to its input. The command line
(:mod:`gebied.cli`) is the only place that imports the map and API layers
(:mod:`gebied.maps`, :mod:`gebied.api`).

``gebied.cooperation`` and ``gebied.schedule`` are step functions here; import other names
of those modules from the module itself, e.g. ``from gebied.cooperation import signal_lists``.
"""

from gebied._version import __version__
from gebied.areas import prepare_areas, read_areas, summarize_areas
from gebied.clusters import (
    check_clusters,
    make_clusters,
    planning_level,
    summarize_clusters,
)
from gebied.cooperation import (  # noqa: E402  (before the shadowing name)
    cooperation,  # noqa: E402
    cooperation_matrix,
    signal_lists,
)
from gebied.errors import GebiedError, GebiedWarning
from gebied.flags import flag_counts, flag_inequality, flag_summary
from gebied.io import write_layers, write_table
from gebied.join import join_areas
from gebied.neighbours import neighbour_pairs
from gebied.schedule import (  # noqa: E402
    ScheduleResult,
    compute_metrics,
    schedule,  # noqa: E402
)
from gebied.validate import read_addresses, summarize, validate_addresses

__all__ = [
    "__version__",
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
