"""The one error type every geodata import raises, and a report of what was done."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

# A file as callers name it: a string or a path.
FilePath = str | os.PathLike[str]


class GeodataError(Exception):
    """A file cannot be imported.  The message names the file, row or feature, and column.

    Raised before anything is written, or inside the caller's transaction, which
    the caller then rolls back, so the database is left exactly as it was.
    """

    def __init__(self, path: FilePath | None, message: str, *, row: int | None = None,
                 feature: int | None = None, column: str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.row = row
        self.feature = feature
        self.column = column
        self.detail = message
        where: list[str] = []
        if self.path is not None:
            where.append(self.path.name)
        if row is not None:
            where.append(f"row {row}")
        if feature is not None:
            where.append(f"feature {feature}")
        if column is not None:
            where.append(f"column '{column}'")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


@dataclass
class ImportReport:
    """What one import did, in plain English, for the command line and the logs."""

    path: Path
    kind: str
    rows: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        """One line for the command line: file, kind, rows and notes."""
        text = f"{self.path.name}: {self.kind}, {self.rows} rows imported"
        if self.notes:
            text += "\n" + "\n".join(f"  - {n}" for n in self.notes)
        return text
