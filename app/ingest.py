"""One parsing layer for uploaded and imported files: refuse cleanly, never crash.

Every import (directory and buildings CSV, travel times, the GIAS schools
file, Open Referral JSON, GeoJSON) reads its file through here, so the same
limits hold everywhere and each refusal names the file, the row and the
column:

* **text**: UTF-8 (a BOM is fine), no NUL character;
* **CSV**: a cell longer than :data:`MAX_CELL` characters or an unclosed quote
  is reported with its row, not raised as ``csv.Error``;
* **numbers**: finite and inside the column's range (``1e400``, ``nan``,
  ``1e999`` pupils and ``1e308`` minutes are refused), parsed by
  :mod:`app.number_input`;
* **strings**: no longer than the database column (SQLite would store a longer
  one, PostgreSQL refuses it half-way through an import);
* **web addresses**: :func:`web_address_problem`, the one rule the organisation
  form and every import share (``http``/``https`` with a host, no spaces, the
  column's length), so no ``javascript:`` link is ever stored or served; and
  :func:`email_address_problem`, its twin for the ``mailto:`` links;
* **JSON**: no ``NaN``/``Infinity``, no whole number longer than
  :data:`MAX_DIGITS` digits (a 400-digit one would overflow every ``float()``
  after it), nesting at most :data:`MAX_DEPTH` deep (Python's parser otherwise
  dies with ``RecursionError``);
* **GeoJSON**: ``features`` a list, properties objects, coordinates finite
  numbers valid for WGS84 (latitude -90..90, longitude -180..180).

Callers turn :class:`IngestError` into their own error type or problem list;
they check everything before writing, so the database is unchanged.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from urllib.parse import urlsplit

from .csvsafe import unguard
from .number_input import ParamError, parse_float

MAX_CELL = 100_000
MAX_DEPTH = 40
MAX_DIGITS = 32  # as app.number_input.MAX_CHARS: no number we read needs more
WEB_SCHEMES = ("https", "http")


class IngestError(ValueError):
    def __init__(self, source: str, message: str, row=None, column: str | None = None):
        where = source
        if row is not None:
            where += f": row {row}"
        if column:
            where += f", column {column}"
        super().__init__(f"{where}: {message}")
        self.source, self.row, self.column, self.message = source, row, column, message


def decode(data: bytes | str, source: str) -> str:
    """The file as text: UTF-8 (BOM allowed), no NUL."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise IngestError(source, f"the file is not UTF-8 text (byte {exc.start}); save it "
                                      "as 'CSV UTF-8'") from None
    text = data.lstrip("\ufeff")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise IngestError(source, "contains a NUL character (is it a binary file?)", row=line)
    return text


def csv_rows(data: bytes | str, source: str) -> tuple[list[str], list[tuple[int, dict]]]:
    """(header, [(row number, {column: cell})]) with every cell checked and un-guarded
    (:func:`app.csvsafe.unguard`).  Row numbers count the header as row 1."""
    text = decode(data, source)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, dict]] = []
    header: list[str] = []
    try:
        for number, cells in enumerate(reader, start=1):
            for i, cell in enumerate(cells):
                if len(cell) > MAX_CELL:
                    col = header[i] if i < len(header) else f"#{i + 1}"
                    raise IngestError(source, f"the cell is longer than {MAX_CELL:,} characters",
                                      row=number, column=col)
            if number == 1:
                header = [h.strip() for h in cells]
                continue
            if len(cells) > len(header):
                raise IngestError(source, "has more cells than the header", row=number)
            rows.append((number, {h: unguard(c) for h, c in zip(header, cells, strict=False)}))
    except csv.Error as exc:
        raise IngestError(source, f"cannot be read as CSV ({exc}): a quote not closed, or a "
                                  "cell too long", row=reader.line_num) from None
    return header, rows


def number(value, source: str, row, column: str, lo: float, hi: float, *,
           whole: bool = False) -> float | int | None:
    """A finite number from ``lo`` to ``hi`` (``None`` for an empty cell)."""
    if value is None or str(value).strip() == "":
        return None
    try:
        result = parse_float(value, lo, hi)
    except ParamError:
        raise IngestError(source, f"{str(value)[:40]!r} is not a number from {lo:,g} to "
                                  f"{hi:,g}", row=row, column=column) from None
    if whole:
        if result != int(result):
            raise IngestError(source, f"{value!r} is not a whole number", row=row, column=column)
        return int(result)
    return result


def text(value, source: str, row, column: str, max_len: int) -> str:
    value = "" if value is None else str(value)
    if len(value) > max_len:
        raise IngestError(source, f"is {len(value):,} characters long; at most {max_len:,}",
                          row=row, column=column)
    return value


def column_length(model, attribute: str) -> int:
    """The length of a model's string column (what PostgreSQL will enforce)."""
    return model.__table__.columns[attribute].type.length


_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


def email_address_problem(value: str, max_len: int) -> str | None:
    """Why ``value`` cannot be stored as an email address people write to, or ``None``:
    one ``@``, a dotted domain, no spaces, quotes or angle brackets (so it is safe in a
    ``mailto:`` link), at most ``max_len`` characters.  The forms and every import."""
    if len(value) > max_len:
        return f"must be at most {max_len:,} characters (it has {len(value):,})"
    if not _EMAIL.match(value):
        return "must be an email address like name@example.org"
    return None


def web_address_problem(value: str, max_len: int) -> str | None:
    """Why ``value`` cannot be stored as a web address people follow, or ``None``.

    The organisation form and every import use this one rule: ``https://`` or
    ``http://`` and a host (never ``javascript:``, ``data:`` or a bare path), no
    spaces or control characters, at most ``max_len`` characters (the column)."""
    if len(value) > max_len:
        return f"must be at most {max_len:,} characters (it has {len(value):,})"
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        return "must not contain spaces or control characters"
    wrong = "must start with https:// (or http://) and name a website"
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # an unclosed IPv6 bracket
        return wrong
    return None if parts.scheme.lower() in WEB_SCHEMES and host else wrong


def _finite(text_value: str) -> float:
    value = float(text_value)
    if not math.isfinite(value):
        raise ValueError(f"{text_value} is not a finite number")
    return value


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not allowed in JSON")


def _whole(text_value: str) -> int:
    if len(text_value.lstrip("-")) > MAX_DIGITS:
        raise IngestError("file", f"has a number longer than {MAX_DIGITS} digits "
                                  f"({text_value[:12]}...)")
    return int(text_value)


def load_json(data: bytes | str, source: str, max_depth: int = MAX_DEPTH):
    """Parsed JSON, refused cleanly when it is not JSON, too deep or not finite."""
    raw = decode(data, source)
    depth = deepest = 0
    in_string = escaped = False
    for ch in raw:  # nesting depth before parsing: json recursion would overflow
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > max_depth:
                raise IngestError(source, f"is nested more than {max_depth} levels deep")
        elif ch in "]}":
            depth -= 1
    try:
        return json.loads(raw, parse_float=_finite, parse_int=_whole,
                          parse_constant=_refuse_constant)
    except IngestError as exc:
        raise IngestError(source, exc.message) from None
    except json.JSONDecodeError as exc:
        raise IngestError(source, f"is not valid JSON ({exc.msg})", row=exc.lineno,
                          column=f"character {exc.colno}") from None
    except (ValueError, RecursionError) as exc:
        raise IngestError(source, f"is not valid JSON ({exc})") from None


def geojson_features(obj, source: str) -> list[dict]:
    """The features of a GeoJSON FeatureCollection, each with an object of properties
    and finite WGS84 coordinates; refused with the feature's number otherwise."""
    if not isinstance(obj, dict) or obj.get("type") != "FeatureCollection":
        raise IngestError(source, "is not a GeoJSON FeatureCollection")
    features = obj.get("features")
    if not isinstance(features, list):
        raise IngestError(source, "'features' must be a list", column="features")
    for n, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise IngestError(source, "is not an object", row=f"feature {n}")
        props = feature.get("properties")
        if props is not None and not isinstance(props, dict):
            raise IngestError(source, "must be an object", row=f"feature {n}",
                              column="properties")
        geometry = feature.get("geometry")
        if geometry is not None:
            _check_coordinates(geometry, source, n)
    return features


def _finite_number(value) -> bool:
    """A JSON number that is finite as a float (a huge ``int`` overflows ``float()``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _check_coordinates(geometry, source: str, n: int) -> None:
    if not isinstance(geometry, dict):
        raise IngestError(source, "must be an object", row=f"feature {n}", column="geometry")

    def walk(value):
        if isinstance(value, list) and value and all(not isinstance(v, list) for v in value):
            if len(value) < 2 or not all(_finite_number(v) for v in value):
                raise IngestError(source, "coordinates must be finite numbers",
                                  row=f"feature {n}", column="geometry")
            lon, lat = value[0], value[1]
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise IngestError(source, f"({lon}, {lat}) is not a longitude and latitude",
                                  row=f"feature {n}", column="geometry")
            return
        if not isinstance(value, list):
            raise IngestError(source, "coordinates must be lists of numbers",
                              row=f"feature {n}", column="geometry")
        for v in value:
            walk(v)

    if geometry.get("type") == "GeometryCollection":
        for g in geometry.get("geometries") or []:
            _check_coordinates(g, source, n)
        return
    walk(geometry.get("coordinates"))
