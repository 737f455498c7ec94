"""The fictitious demo region "Maarhorn (fictief)": areas and about 25,000 addresses.

==========  ================================================================
``spec``    the hand-drawn plan of the region: places, streets, batches
``layout``  geometry: outline, street grids, farms and buildings
``areas``   the nested area layers gemeente, wijk, buurt, woonplaats
``status``  programme status: risk, batch, phase, outcome, ownership, damage
``region``  :func:`make_demo_region` and :func:`write_demo_inputs`
==========  ================================================================

``python -m gebied.demo MAP [--adressen]`` writes the boundaries (and the addresses).
"""

from gebied.demo.region import make_demo_region, write_demo_inputs

__all__ = ["make_demo_region", "write_demo_inputs"]
