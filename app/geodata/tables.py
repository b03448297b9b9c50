"""Reading published CSV files strictly: encoding, header, codes and numbers.

Every problem becomes a :class:`GeodataError` naming the file, the row (as a
spreadsheet would number it: the header is row 1) and the column.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal, Protocol, overload

import pandas as pd

from .errors import FilePath, GeodataError

# One row of a CSV file as read here: {column: the cell, stripped}.
Row = dict[str, str]


class Columns(Protocol):
    """What the column recognisers read of a table: its column names.

    A DataFrame has them; so does a file's header alone, when only the header is read.
    """

    @property
    def columns(self) -> Iterable[str]:
        """The table's column names, in order."""
        ...


class Header:
    """Just enough of a DataFrame (``columns``) for the column recognisers: a header."""

    def __init__(self, columns: Iterable[str]) -> None:
        self.columns = list(columns)

LSOA_CODE = re.compile(r"^[EW]010\d{5}$")


def norm(header: str) -> str:
    """'Index of Multiple Deprivation (IMD) Score' -> 'indexofmultipledeprivationimdscore'."""
    return re.sub(r"[^a-z0-9]", "", str(header).lower())


def read_csv(path: FilePath, *, encoding: str = "utf-8") -> pd.DataFrame:
    """All cells as stripped strings; refuses empty files and wrong encodings."""
    path = Path(path)
    if not path.is_file():
        raise GeodataError(path, "file not found")
    raw = path.read_bytes()
    if not raw.strip():
        raise GeodataError(path, "the file is empty")
    enc = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        text = raw.decode(enc)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise GeodataError(
            path,
            f"is not {encoding} text (byte 0x{raw[exc.start]:02x} at position {exc.start}). "
            "Save the file as UTF-8 (in Excel: 'CSV UTF-8') or name its encoding with "
            "--encoding, for example --encoding cp1252.",
            row=line,
        ) from None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                            skipinitialspace=True)
    except (pd.errors.ParserError, csv.Error) as exc:
        raise GeodataError(path, f"cannot be read as CSV: {exc}") from None
    except pd.errors.EmptyDataError:
        raise GeodataError(path, "the file is empty") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise GeodataError(path, "the file has a header row but no data rows")
    return frame.apply(lambda col: col.str.strip())


def row_number(index: int) -> int:
    """Data row ``index`` (0-based) as a spreadsheet row number (header is row 1)."""
    return int(index) + 2


@overload
def find_column(path: FilePath, frame: pd.DataFrame, candidates: Iterable[str], what: str, *,
                required: Literal[True] = True) -> str: ...
@overload
def find_column(path: FilePath, frame: pd.DataFrame, candidates: Iterable[str], what: str, *,
                required: bool) -> str | None: ...
def find_column(path: FilePath, frame: pd.DataFrame, candidates: Iterable[str], what: str, *,
                required: bool = True) -> str | None:
    """The first column whose normalised name is in ``candidates``."""
    candidates = list(candidates)
    wanted = [norm(c) for c in candidates]
    by_norm = {norm(c): c for c in frame.columns}
    for key in wanted:
        if key in by_norm:
            return str(by_norm[key])
    if required:
        raise GeodataError(
            path,
            f"no column for {what}: expected one of {', '.join(repr(c) for c in candidates)}; "
            f"the file has {', '.join(repr(c) for c in frame.columns)}",
        )
    return None


def check_codes(path: FilePath, frame: pd.DataFrame, column: str, *,
                pattern: re.Pattern[str] | None = LSOA_CODE,
                what: str = "an LSOA code") -> list[str]:
    """Codes from ``column``: none blank, none malformed, no duplicates."""
    seen: dict[str, int] = {}
    codes: list[str] = []
    for index, value in frame[column].items():
        if not value:
            raise GeodataError(path, f"the code is blank (expected {what})",
                               row=row_number(index), column=column)
        if pattern is not None and not pattern.match(value):
            raise GeodataError(path, f"'{value}' is not {what}",
                               row=row_number(index), column=column)
        if value in seen:
            raise GeodataError(
                path, f"code '{value}' appears twice (first on row {seen[value]})",
                row=row_number(index), column=column,
            )
        seen[value] = row_number(index)
        codes.append(value)
    return codes


@overload
def number(path: FilePath, value: str | None, index: int, column: str, *,
           allow_blank: Literal[False],
           minimum: float | None = None, maximum: float | None = None) -> float: ...
@overload
def number(path: FilePath, value: str | None, index: int, column: str, *,
           allow_blank: bool = True,
           minimum: float | None = None, maximum: float | None = None) -> float | None: ...
def number(path: FilePath, value: str | None, index: int, column: str, *,
           allow_blank: bool = True,
           minimum: float | None = None, maximum: float | None = None) -> float | None:
    """Parse one numeric cell ('1,234' allowed); blank -> None when allowed."""
    if value is None or value == "" or value.upper() in ("NA", "N/A", "NAN", ".."):
        if allow_blank:
            return None
        raise GeodataError(path, "the value is blank", row=row_number(index), column=column)
    try:
        result = float(value.replace(",", ""))
    except ValueError:
        raise GeodataError(path, f"'{value}' is not a number",
                           row=row_number(index), column=column) from None
    if math.isnan(result) or math.isinf(result):
        raise GeodataError(path, f"'{value}' is not a number",
                           row=row_number(index), column=column)
    if minimum is not None and result < minimum or maximum is not None and result > maximum:
        raise GeodataError(
            path, f"{value} is outside the allowed range {minimum:g} to {maximum:g}",
            row=row_number(index), column=column,
        )
    return result


def records(frame: pd.DataFrame) -> Iterator[tuple[int, Row]]:
    """(index, {column: value}) per row; much faster than ``DataFrame.iterrows``."""
    return zip(frame.index, frame.to_dict("records"), strict=True)
