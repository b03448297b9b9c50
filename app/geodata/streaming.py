"""Read only one council's rows of a national file, in chunks.

The UK postcode directory is about 2.7 million rows; it is read
``CHUNK_ROWS`` rows at a time, only the columns needed, and each chunk is
cut to the rows whose local authority column holds the council's code
before the next is read, so memory holds one chunk and the council's rows.
Each kept row keeps its position in the file as its index, so a refusal
still names the file's own row (header = row 1).

Pure: pandas; no Flask.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import GeodataError
from .recognise import Found

CHUNK_ROWS = 200_000


def _reader(found: Found, usecols: set[str] | None, chunksize: int,
            encoding: str) -> Any:
    """The file's ``usecols``, read in chunks (pandas' reader: an iterator of frames)."""
    kwargs: dict[str, Any] = {"dtype": str, "keep_default_na": False, "chunksize": chunksize,
                              "encoding": encoding, "skipinitialspace": True}
    if not found.header:
        kwargs.update(header=None, names=found.columns)
    if usecols is not None:
        lower = {c.lower() for c in usecols}
        kwargs["usecols"] = lambda c: str(c).strip().lower() in lower
    return pd.read_csv(found.path, **kwargs)


def council_rows(found: Found, code: str | None, *, columns: Iterable[str | None] | None = None,
                 chunksize: int | None = None) -> tuple[pd.DataFrame, set[str]]:
    """(the rows whose local authority is ``code``, every code seen in that column).

    ``code`` ``None`` keeps every row.  ``columns``: the only columns to read
    (the LA column is always read).  A file without a header row
    (Code-Point Open) gets its documented column names; its index is then
    shifted so that row numbers are still the file's own.
    """
    path = Path(found.path)
    chunksize = chunksize or CHUNK_ROWS
    wanted = None
    if columns is not None:
        wanted = {c for c in columns if c} | ({found.la_column} if found.la_column else set())
    for encoding in ("utf-8-sig", "cp1252"):
        parts: list[pd.DataFrame] = []
        codes: set[str] = set()
        try:
            for chunk in _reader(found, wanted, chunksize, encoding):
                chunk.columns = [str(c).strip() for c in chunk.columns]
                if found.la_column and code is not None:
                    la = chunk[found.la_column].str.strip()
                    codes.update(la.unique())
                    chunk = chunk[la == code]
                if len(chunk):
                    parts.append(chunk.apply(lambda col: col.str.strip()))
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, ValueError) as exc:
            raise GeodataError(path, f"cannot be read as CSV: {exc}") from None
    else:
        raise GeodataError(path, "is neither UTF-8 nor Windows-1252 text")
    frame = pd.concat(parts) if parts else pd.DataFrame(columns=list(wanted or found.columns))
    if not found.header:
        frame.index = frame.index - 1  # no header row: data row n is file row n
    return frame, codes


def la_codes(found: Found, chunksize: int | None = None) -> set[str]:
    """Every local authority code in the file's LA column (streamed)."""
    if not found.la_column:
        return set()
    _frame, codes = council_rows(found, "", columns=[found.la_column], chunksize=chunksize)
    return {c for c in codes if c}
