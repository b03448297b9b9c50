"""Open a GTFS zip within a memory bound: check the archive, then stream its tables.

A GTFS feed is a zip of CSV tables, and a hostile one can be a few hundred KB
that expands to hundreds of MB (issue 30: a 501 KB zip expanding to 200 MB
took 4.8 GB of memory and 48 s when each table was read whole).
:class:`GtfsArchive` therefore

* checks the zip before reading any member, against :class:`TransportLimits`:
  the file's size; the number of files (from the zip's end record, before
  Python parses its directory); each member's name (at the zip's root as the
  GTFS reference requires, no ``..``, no absolute or Windows paths, no control
  characters, no duplicates: nothing is ever extracted to disk, but a name
  like that is refused, not guessed at); each member's declared uncompressed
  size and their total; and how many times each member over 1 MB expands;
* reads a member with a byte cap: a member whose header declares fewer bytes
  than it holds (a lying header) is stopped once it passes the declared size,
  not after, and no row may be longer than :data:`MAX_LINE` bytes;
* streams rows (:meth:`GtfsArchive.rows`) or pandas chunks of chosen columns
  (:meth:`GtfsArchive.chunks`), so what a caller holds is what it keeps, not
  the size of the file.
"""

from __future__ import annotations

import copy
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Generator, Iterator
from typing import Any, NoReturn

import pandas as pd

from .filelimits import MB, TransportLimits, megabytes

MAX_ERRORS = 25
MAX_LINE = 100_000  # bytes in one row of a table; GTFS rows are a few hundred
SLACK = 64 * 1024  # bytes zipfile may decompress past a member's declared size
DIRECTORY_PER_MEMBER = 1024  # bytes of the zip's directory allowed per member
_ABSOLUTE = re.compile(r"^([A-Za-z]:|[/\\])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class TimetableError(ValueError):
    """A GTFS feed cannot be used; ``problems`` lists every one found."""

    def __init__(self, name: str, problems: list[str]):
        self.name, self.problems = name, problems
        more = "" if len(problems) < MAX_ERRORS else f"\n(first {MAX_ERRORS} problems shown)"
        super().__init__(f"{name} is not a usable GTFS feed:\n  " + "\n  ".join(problems) + more)


def _end_record(data: bytes) -> tuple[int, int] | None:
    """(files, directory bytes) the zip's end record declares, ZIP64 included; None if absent."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if at < 0 or at + 22 > len(data):
        return None
    files = int.from_bytes(data[at + 10:at + 12], "little")
    directory = int.from_bytes(data[at + 12:at + 16], "little")
    record = at - 20 - 56  # where zipfile looks for a ZIP64 end record
    if data[at - 20:at - 16] == b"PK\x06\x07" and record >= 0 and \
            data[record:record + 4] == b"PK\x06\x06":
        files = max(files, int.from_bytes(data[record + 32:record + 40], "little"))
        directory = max(directory, int.from_bytes(data[record + 40:record + 48], "little"))
    return files, directory


def unsafe_member_name(filename: str) -> str | None:
    """Why a zip member's name is unsafe to unpack, or ``None``.

    A control character, an absolute path or a '..' step.  The GTFS reader and the
    geography upload (:mod:`app.admin.geodata_upload`) both use it.
    """
    if _CONTROL.search(filename):
        return "has a control character in its name"
    if _ABSOLUTE.match(filename):
        return "is an absolute path"
    if ".." in re.split(r"[/\\]", filename):
        return "points outside the zip ('..' in its path)"
    return None


def _name_problem(filename: str) -> str | None:
    shown = repr(filename)
    unsafe = unsafe_member_name(filename)
    if unsafe is not None:
        root = "; GTFS tables sit at the zip's root" if unsafe.startswith("is an absolute") \
            else ""
        return f"member {shown}: {unsafe}{root}"
    if "/" in filename or "\\" in filename:
        return (f"member {shown}: is in a folder; GTFS tables must sit at the zip's root "
                "(zip the .txt files themselves, not their folder)")
    return None


class _Member(io.RawIOBase):
    """A member's bytes, refused past its declared size or at a row over :data:`MAX_LINE`."""

    def __init__(self, archive: GtfsArchive, info: zipfile.ZipInfo):
        super().__init__()
        self._archive, self._info = archive, info
        opened = copy.copy(info)
        opened.file_size = info.file_size + SLACK  # so a lying header shows, not a CRC error
        self._raw = archive.zip.open(opened)
        self._count, self._line, self._lineno = 0, 0, 1

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:  # a writable buffer: bytearray, memoryview
        name = self._info.filename
        try:
            data = self._raw.read(min(len(buffer), 256 * 1024))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            self._archive.refuse(f"{name}: damaged in the zip ({exc})")
        self._count += len(data)
        if self._count > self._info.file_size:
            self._archive.refuse(
                f"{name}: expands past the {self._info.file_size:,} bytes its zip header "
                "declares (a zip bomb or a damaged file); refused before reading further")
        parts = data.split(b"\n")
        for k, part in enumerate(parts):
            length = (self._line if k == 0 else 0) + len(part)
            if length > MAX_LINE:
                self._archive.refuse(f"{name}: line {self._lineno + k:,} is longer than "
                                     f"{MAX_LINE:,} bytes (not a GTFS table)")
        self._line = (self._line if len(parts) == 1 else 0) + len(parts[-1])
        self._lineno += len(parts) - 1
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


class GtfsArchive:
    """A GTFS zip checked against ``limits``.

    Raises :class:`TimetableError` naming the file (``name``) and the member when
    it is over them or not a zip.
    """

    def __init__(self, data: bytes, name: str, limits: TransportLimits | None = None):
        self.name, self.limits = name, limits or TransportLimits()
        cap = self.limits.gtfs_max_bytes
        if len(data) > cap:
            self.refuse(f"the zip file is {megabytes(len(data))}, over the "
                        f"{self.limits.gtfs_max_mb} MB allowed (GTFS_MAX_UNCOMPRESSED_MB)")
        self._check_count(_end_record(data) or (0, 0))
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
            self.refuse(f"{name}: not a zip file (a GTFS feed is a zip of .txt tables)")
        self._check_count((len(infos), 0))
        problems, seen, total = [], set(), 0
        for info in infos:
            problem = _name_problem(info.filename)
            if problem is None and info.filename in seen:
                problem = f"member {info.filename!r}: appears twice in the zip"
            seen.add(info.filename)
            total += info.file_size
            if problem is None and info.file_size > cap:
                problem = (f"{info.filename}: declares {megabytes(info.file_size)} "
                           f"uncompressed, over the {self.limits.gtfs_max_mb} MB allowed "
                           "(GTFS_MAX_UNCOMPRESSED_MB)")
            ratio = info.file_size / max(info.compress_size, 1)
            if problem is None and info.file_size > MB and ratio > self.limits.gtfs_max_ratio:
                problem = (f"{info.filename}: expands {ratio:,.0f} times "
                           f"({info.compress_size:,} bytes to {megabytes(info.file_size)}), "
                           f"more than the {self.limits.gtfs_max_ratio} times allowed "
                           "(GTFS_MAX_COMPRESSION_RATIO): a zip bomb, not a timetable")
            if problem:
                problems.append(problem)
        if total > cap:
            problems.append(f"the files in the zip expand to {megabytes(total)} in all, over "
                            f"the {self.limits.gtfs_max_mb} MB allowed "
                            "(GTFS_MAX_UNCOMPRESSED_MB)")
        if problems:
            raise TimetableError(name, problems[:MAX_ERRORS])
        self.members = {i.filename[:-4]: i for i in infos if i.filename.endswith(".txt")}

    def refuse(self, problem: str) -> NoReturn:
        """Raise :class:`TimetableError` for this zip with ``problem``."""
        raise TimetableError(self.name, [problem])

    def _check_count(self, declared: tuple[int, int]) -> None:
        files, directory = declared
        most = self.limits.gtfs_max_members
        if files > most or directory > most * DIRECTORY_PER_MEMBER:
            shown = f"{files:,} files" if files > most else f"a {directory:,}-byte directory"
            self.refuse(f"the zip holds {shown}, more than the {most} files allowed "
                        "(GTFS_MAX_MEMBERS); a GTFS feed has about 10 to 20")

    def has(self, table: str) -> bool:
        """Whether the zip holds ``table``.txt."""
        return table in self.members

    def _text(self, table: str) -> io.TextIOWrapper:
        try:
            raw = _Member(self, self.members[table])
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, ValueError) as exc:
            self.refuse(f"{table}.txt: cannot be opened ({exc})")
        return io.TextIOWrapper(io.BufferedReader(raw, 64 * 1024), encoding="utf-8-sig",
                                newline="")

    def rows(self, table: str, columns: tuple[str, ...] | None = None
             ) -> Generator[tuple[int, dict[str, str]], None, None]:
        """(row number, {column: cell}) of each record row, the header being row 1.

        Only ``columns`` (default all); names and cells stripped, missing cells
        empty.  Streams: one row is held at a time.
        """
        with self._text(table) as text:
            reader = csv.reader(text)
            try:
                header = [h.strip() for h in next(reader, [])]
                pick = [(h, i) for i, h in enumerate(header)
                        if h and (columns is None or h in columns)]
                for number, cells in enumerate(reader, start=2):
                    if len(cells) < len(header):
                        cells += [""] * (len(header) - len(cells))
                    yield number, {h: cells[i].strip() for h, i in pick}
            except UnicodeDecodeError:
                self.refuse(f"{table}.txt: not UTF-8 text")
            except csv.Error as exc:
                self.refuse(f"{table}.txt, line {reader.line_num:,}: {exc}")

    def header(self, table: str) -> list[str]:
        """The table's column names, stripped."""
        with self._text(table) as text:
            try:
                return [h.strip() for h in next(csv.reader(text), [])]
            except UnicodeDecodeError:
                self.refuse(f"{table}.txt: not UTF-8 text")
            except csv.Error as exc:
                self.refuse(f"{table}.txt, line 1: {exc}")

    def chunks(self, table: str, columns: tuple[str, ...], rows: int = 200_000
               ) -> Iterator[pd.DataFrame]:
        """The table's ``columns`` (those it has) as text, ``rows`` at a time (not stripped)."""
        wanted = [c for c in self.header(table) if c in columns]
        text = self._text(table)
        try:
            reader = pd.read_csv(text, usecols=lambda c: c.strip() in wanted, dtype=str,
                                 keep_default_na=False, chunksize=rows)
            for chunk in reader:
                chunk.columns = [c.strip() for c in chunk.columns]
                yield chunk.fillna("")
        except UnicodeDecodeError:
            self.refuse(f"{table}.txt: not UTF-8 text")
        except pd.errors.ParserError as exc:
            self.refuse(f"{table}.txt: {exc}")
        finally:
            text.close()
