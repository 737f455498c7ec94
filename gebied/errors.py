"""Errors and warnings with Dutch messages that name file, row and column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Problem:
    """One problem found in an input file (row is 1-based as a user counts it)."""

    message: str
    row: int | None = None
    column: str | None = None

    def render(self, file: str | None) -> str:
        parts = []
        if file:
            parts.append(f"bestand {file}")
        if self.row is not None:
            parts.append(f"rij {self.row}")
        if self.column:
            parts.append(f"kolom '{self.column}'")
        where = ", ".join(parts)
        return f"{where}: {self.message}" if where else self.message


class GebiedError(Exception):
    """Bad input: a clear Dutch message for the user, exit code 2.

    Parameters
    ----------
    message
        Dutch description of what is wrong.
    file, row, column
        Where the problem is (row 1-based; for CSV the line number in the file).
    problems
        Further problems of the same kind, listed below the message.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        self.problems = problems or []
        super().__init__(self.render())

    def render(self, limit: int = 10) -> str:
        head = Problem(self.message, self.row, self.column).render(self.file)
        lines = [head]
        for p in self.problems[:limit]:
            lines.append("  - " + p.render(None))
        if len(self.problems) > limit:
            lines.append(f"  … en nog {len(self.problems) - limit} andere meldingen")
        return "\n".join(lines)


class GebiedWarning(UserWarning):
    """Recoverable problem (latin-1 file, repaired polygon, nearest-area assignment)."""


class GebiedNotice(GebiedWarning):
    """Information for the user, not a problem (e.g. which published file was recognised)."""
