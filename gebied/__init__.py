"""gebied: area-based planning of the Groningen earthquake strengthening operation.

The library is plain functions over (Geo)DataFrames, one module per pipeline step:
read → validate → join to areas → clusters → flags → schedule → outputs.
"""

from gebied.areas import prepare_areas, read_areas
from gebied.errors import GebiedError, GebiedWarning
from gebied.io import write_layers, write_table
from gebied.join import join_areas
from gebied.summary import summarize
from gebied.validate import read_addresses, validate_addresses

__version__ = "0.1.0"

__all__ = [
    "GebiedError",
    "GebiedWarning",
    "join_areas",
    "prepare_areas",
    "read_addresses",
    "read_areas",
    "summarize",
    "validate_addresses",
    "write_layers",
    "write_table",
]
