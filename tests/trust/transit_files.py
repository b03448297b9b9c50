"""Hostile GTFS zips for the transport bounds tests and ``bench/bench_transit_memory.py``:
a zip bomb (a small zip whose ``stop_times.txt`` expands to many MB), a lying
header (a member declared smaller than it is) and arbitrary member names."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile

from app.demo.gtfsfile import write_gtfs

STOP_TIMES_HEADER = b"trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
ROW = b"wk1,17:45:00,17:45:00,V,1\n"


def small_feed() -> dict[str, list[dict]]:
    from tests.analysis.test_gtfs import feed_tables

    return feed_tables()


def zip_of(members: list[tuple[str, bytes]]) -> bytes:
    """A zip (deflated) holding ``members`` under exactly the names given, in order
    (a name may come twice)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore")  # "Duplicate name" is what a test asks for
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def feed_with(extra: list[tuple[str, bytes]]) -> bytes:
    """The small valid feed's tables followed by ``extra`` members."""
    with zipfile.ZipFile(io.BytesIO(write_gtfs(small_feed()))) as archive:
        members = [(i.filename, archive.read(i)) for i in archive.infolist()]
    return zip_of(members + list(extra))


def bomb(megabytes: float) -> bytes:
    """The small feed with a ``stop_times.txt`` of one row repeated to ``megabytes`` MB
    (compressed a thousand times), written without holding it whole."""
    tables = small_feed()
    tables.pop("stop_times")
    with zipfile.ZipFile(io.BytesIO(write_gtfs(tables))) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        block = ROW * (1024 * 1024 // len(ROW))
        with archive.open("stop_times.txt", "w", force_zip64=megabytes > 2000) as out:
            out.write(STOP_TIMES_HEADER)
            for _ in range(int(megabytes)):
                out.write(block)
    return buffer.getvalue()


def declare_size(data: bytes, member: str, size: int) -> bytes:
    """``data`` with ``member``'s uncompressed size declared as ``size`` in its local and
    central headers (a lying header: the member still expands to its real size)."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    struct.pack_into("<I", out, info.header_offset + 22, size)  # local file header
    at = out.find(b"PK\x01\x02")
    while at >= 0:  # central directory entries
        length = struct.unpack_from("<H", out, at + 28)[0]
        if bytes(out[at + 46:at + 46 + length]) == member.encode():
            struct.pack_into("<I", out, at + 24, size)
            return bytes(out)
        at = out.find(b"PK\x01\x02", at + 46)
    raise LookupError(member)
