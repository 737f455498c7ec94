"""``python -m gebied.demo``: write the demo boundaries (and with ``--adressen`` the addresses)."""

from gebied.demo.region import main

main()
