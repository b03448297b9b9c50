"""Write GTFS tables (lists of dicts) as the zip of CSV files the format
defines (https://gtfs.org/documentation/schedule/reference/)."""

from __future__ import annotations

import csv
import io
import zipfile


def write_gtfs(tables: dict[str, list[dict]]) -> bytes:
    """``{"stops": [{"stop_id": ..., ...}, ...], ...}`` -> GTFS zip bytes.
    Columns are the union of the rows' keys, in first-seen order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, rows in tables.items():
            columns: list[str] = []
            for row in rows:
                columns += [k for k in row if k not in columns]
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            archive.writestr(f"{table}.txt", text.getvalue())
    return buffer.getvalue()
