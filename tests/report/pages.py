"""Checks of report pages as a reader sees them (no tests here): the PDF text per page and
the pages rendered to PNG by ``pdftoppm``, which must show something and look like A4."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

#: The chapter headings of the report, in order (numbered except the appendix).
CHAPTERS = (
    "1. Inleiding en kerncijfers",
    "2. Samenvatting per gemeente en gebied",
    "3. Planningsniveau per plaats",
    "4. Clusters (treintjes)",
    "5. Planning en vergelijking van strategieën",
    "6. Ongelijkheid tussen buren",
    "7. Schade en versterking",
    "8. Kaarten per gebied",
    "9. Publieksversie: cijfers per gebied",
    "Bijlage: werkwijze en instellingen",
)


def page_texts(pdf: Path) -> list[str]:
    """The text of every page, whitespace collapsed to single spaces."""
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(pdf).pages]


def chapter_pages(texts: list[str]) -> dict[str, tuple[int | None, int | None]]:
    """Per chapter: (page number listed in the contents on page 2, first later page that has
    the heading), both counted from 1; ``None`` where it is missing."""
    out = {}
    for heading in CHAPTERS:
        listed = re.search(re.escape(heading) + r"\s*\.*\s*(\d+)", texts[1]) if len(texts) > 1 else None
        found = next((i + 1 for i, text in enumerate(texts) if i > 1 and heading in text), None)
        out[heading] = (int(listed.group(1)) if listed else None, found)
    return out


def render_pages(pdf: Path, prefix: Path, first: int, last: int, dpi: int) -> list[Path]:
    """Pages ``first``..``last`` as PNG files ``prefix-N.png`` (old ones removed first)."""
    for old in prefix.parent.glob(f"{prefix.name}*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(first), "-l", str(last), str(pdf), str(prefix)],
                   check=True, capture_output=True)
    return sorted(prefix.parent.glob(f"{prefix.name}-*.png"))


def ink(png: Path) -> float:
    """Share of pixels that are not (near) white: 0 for a blank page."""
    with Image.open(png) as img:
        grey = img.convert("L")
        histogram = grey.histogram()
        return sum(histogram[:230]) / (grey.width * grey.height)


def assert_page_image(png: Path, dpi: int) -> None:
    """A PNG page: valid, A4 portrait at ``dpi``, with text or figures on it but not all dark."""
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png
    with Image.open(png) as img:
        width, height = img.size
    assert abs(width - 8.27 * dpi) <= 2 and abs(height - 11.69 * dpi) <= 2, (png, img.size)
    share = ink(png)
    assert 0.005 < share < 0.6, (png, share)
