"""Treintjes: clusters of 10–150 homes per area, their check, summary and planning level.

==============  ================================================================
``make``        :func:`make_clusters`: split the programme per area into clusters
``graph``       the neighbour graph (Delaunay, buildings) the clusters are cut from
``partition``   the contiguous partition of one area's graph within [min, max]
``check``       :func:`check_clusters`: the hard rules, for edited clusterings
``summary``     :func:`summarize_clusters`: one row per treintje with its outline
``level``       :func:`planning_level`: dorp, wijk, buurt or straat/blok per place
==============  ================================================================
"""

from gebied.clusters.check import check_clusters
from gebied.clusters.level import planning_level
from gebied.clusters.make import make_clusters
from gebied.clusters.summary import summarize_clusters

__all__ = ["check_clusters", "make_clusters", "planning_level", "summarize_clusters"]
