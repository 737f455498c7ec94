"""Public figures: the one place where the rules for what may be published live.

Every public output of a plan (the public map, the API routes without a key, the report's
public section and ``publiek.csv``) shows the publication table of :mod:`gebied.privacy.table`
and nothing else; :mod:`gebied.privacy.audit` attacks it as an outsider would.

==========  ================================================================
``units``   thresholds, merging small areas into public units, display of cells
``table``   :func:`publication_table`: units, figures, suppression, shares, texts
``audit``   the attacker's linear programmes (HiGHS) for every hidden cell
==========  ================================================================
"""

from gebied.privacy.audit import Structure, Sum, failures, intervals
from gebied.privacy.table import COUNTS, TOTAL, Publication, public_level, publication_table, publish, suppress_until_safe
from gebied.privacy.units import DEFAULT_THRESHOLD, HIDDEN, MIN_THRESHOLD, display, merge_small_areas, seamless_union

__all__ = [
    "COUNTS",
    "DEFAULT_THRESHOLD",
    "HIDDEN",
    "MIN_THRESHOLD",
    "TOTAL",
    "Publication",
    "Structure",
    "Sum",
    "display",
    "failures",
    "intervals",
    "merge_small_areas",
    "public_level",
    "publication_table",
    "publish",
    "seamless_union",
    "suppress_until_safe",
]
