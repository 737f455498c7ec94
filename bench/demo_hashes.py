"""Fingerprint of ``gebied demo``: SHA-256 of every CSV, metrics.json, map and report HTML.

Used to show that a refactoring changed no behaviour::

    python bench/demo_hashes.py --uit /tmp/voor > voor.json      # before the change
    python bench/demo_hashes.py --uit /tmp/na --vergelijk voor.json

The second call exits 1 and names the files that differ.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

PATTERNS = ("*.csv", "signalen/*.csv", "metrics.json", "kaart.html", "kaart_publiek.html", "rapport.html")


def fingerprint(folder: Path) -> dict[str, str]:
    """SHA-256 per compared output file of a plan folder."""
    out = {}
    for pattern in PATTERNS:
        for path in sorted(folder.glob(pattern)):
            out[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uit", type=Path, required=True, help="output folder of the demo run")
    parser.add_argument("--vergelijk", type=Path, help="JSON of an earlier run to compare with")
    parser.add_argument("--geen-run", action="store_true", help="only hash an existing folder")
    args = parser.parse_args()
    if not args.geen_run:
        subprocess.run([sys.executable, "-m", "gebied", "demo", "--uit", str(args.uit)], check=True, stdout=sys.stderr)
    hashes = fingerprint(args.uit)
    if args.vergelijk is None:
        print(json.dumps(hashes, indent=1, sort_keys=True))
        return 0
    before = json.loads(args.vergelijk.read_text())
    differ = sorted(k for k in before.keys() | hashes.keys() if before.get(k) != hashes.get(k))
    for name in differ:
        print(f"verschilt: {name}")
    print(f"{len(hashes) - len(differ)} gelijk, {len(differ)} verschillend")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
