"""Inequality between neighbours: pair flags, their Dutch texts and the summary per area.

============  ================================================================
``rules``     :func:`flag_inequality`, :func:`flag_counts`: the pair rules
``text``      Dutch explanations (``toelichting``) written for residents
``summary``   :func:`flag_summary`: flags per area with a join-count test
``hotspots``  :func:`find_hot_spots`: street segments where flags concentrate
============  ================================================================
"""

from gebied.flags.hotspots import find_hot_spots
from gebied.flags.rules import FLAG_TYPES, flag_counts, flag_inequality
from gebied.flags.summary import flag_summary

__all__ = ["FLAG_TYPES", "find_hot_spots", "flag_counts", "flag_inequality", "flag_summary"]
