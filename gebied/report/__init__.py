"""The lokaal plan van aanpak: a self-contained HTML report and a PDF made from it.

============  ================================================================
``render``    :func:`render_report`, :func:`write_report`, :func:`write_pdf`
``sections``  tables of the report sections, computed from the plan layers
``flags``     tables on inequality and on damage × strengthening
``public``    the public section and the methods annex
``charts``    matplotlib charts (work and backlog per period, comparison)
``maps``      static map images per area
``format``    the table model of the report and its labels
============  ================================================================
"""

from gebied.report.render import render_report, write_pdf, write_report

__all__ = ["render_report", "write_pdf", "write_report"]
