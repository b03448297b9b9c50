"""A council's files as uploaded: checked, then unpacked within a bound.

The admin page (:mod:`app.admin.geodata_import`) saves the files an admin
uploads into a private folder; a ``.zip`` of the council's folder is allowed
too.  A zip is checked the way a bus timetable's is (:mod:`app.analysis.gtfszip`)
before anything is written: the number of members from the zip's end record
(before Python parses its directory), each member's name (no ``..``, no
absolute or Windows drive path, no control characters, no duplicates), each
member's declared uncompressed size and their total against the upload limit,
and how many times each member over 1 MB expands.  Unpacking then stops a
member that expands past the size its header declares (a lying header), so
what lands on disk is never more than what was checked.  Members inside one
top folder (a zipped folder) are unpacked as if they were at the zip's root.

Pure: no Flask.
"""

from __future__ import annotations

import copy
import shutil
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from ..analysis.filelimits import MB, megabytes
from ..analysis.gtfszip import _end_record, unsafe_member_name

MAX_MEMBERS = 1000  # Code-Point Open alone is 120 CSV files, plus its documents
MAX_RATIO = 100  # CSV and GeoJSON expand 5 to 20 times; a zip bomb hundreds
SLACK = 64 * 1024  # bytes zipfile may decompress past a member's declared size
CHUNK = 32 * 1024  # under SLACK: the read that passes a lying size ends before zipfile's CRC check
_TAIL = 65_557 + 76  # the end record's search window and the ZIP64 locator before it


class UploadRefused(ValueError):
    """The upload cannot be used; the message says which file and why."""


def _name_problem(name: str, filename: str) -> str | None:
    unsafe = unsafe_member_name(filename)
    return None if unsafe is None else f"{name}: member {filename!r} {unsafe}"


def check_zip(path: Path, allowed: int) -> int:
    """Check the zip at ``path`` before it is unpacked; the bytes it expands to.

    ``allowed``: the most its members may expand to in all.  Raises
    :class:`UploadRefused` naming the zip and the member.
    """
    name = path.name
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - _TAIL))
        files, directory = _end_record(handle.read()) or (0, 0)
    if files > MAX_MEMBERS or directory > MAX_MEMBERS * 1024:
        raise UploadRefused(f"{name}: the zip holds more than the {MAX_MEMBERS} files "
                            "allowed; zip only the council's folder")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise UploadRefused(f"{name}: is not a zip file that can be opened") from None
    if len(infos) > MAX_MEMBERS:
        raise UploadRefused(f"{name}: the zip holds {len(infos):,} files, more than the "
                            f"{MAX_MEMBERS} allowed")
    seen: set[str] = set()
    total = 0
    for info in infos:
        problem = _name_problem(name, info.filename)
        if problem is None and info.filename in seen:
            problem = f"{name}: member {info.filename!r} appears twice in the zip"
        seen.add(info.filename)
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if problem is None and info.file_size > MB and ratio > MAX_RATIO:
            problem = (f"{name}: member {info.filename!r} expands {ratio:,.0f} times "
                       f"({info.compress_size:,} bytes to {megabytes(info.file_size)}), more "
                       f"than the {MAX_RATIO} times allowed: a zip bomb, not official data")
        if problem:
            raise UploadRefused(problem)
    if total > allowed:
        raise UploadRefused(f"{name}: the files in the zip expand to {megabytes(total)}, over "
                            f"the {megabytes(allowed)} left of the upload limit "
                            "(GEODATA_UPLOAD_MAX_MB)")
    return total


def _targets(infos: list[zipfile.ZipInfo]) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """(member, where it goes) for every file; one top folder shared by all is dropped."""
    files = [(i, PurePosixPath(i.filename.replace("\\", "/"))) for i in infos
             if not i.is_dir()]
    tops = {p.parts[0] for _i, p in files if len(p.parts) > 1}
    if len(tops) == 1 and all(len(p.parts) > 1 for _i, p in files):
        files = [(i, PurePosixPath(*p.parts[1:])) for i, p in files]
    return files


def unpack_zip(path: Path, into: Path, allowed: int) -> list[str]:
    """Unpack the zip at ``path`` into the folder ``into`` (checked first); the
    names written.  A file that is already there, or a member that expands past
    its declared size, is refused; the caller removes the folder."""
    check_zip(path, allowed)
    root = into.resolve()
    written = []
    with zipfile.ZipFile(path) as archive:
        for info, relative in _targets(archive.infolist()):
            target = (root / relative).resolve()
            if root not in target.parents:
                raise UploadRefused(f"{path.name}: member {info.filename!r} points outside "
                                    "the folder")
            if target.exists():
                raise UploadRefused(f"{path.name}: member {info.filename!r} has the same "
                                    "name as another file uploaded")
            target.parent.mkdir(parents=True, exist_ok=True)
            _copy_member(archive, info, target, path.name)
            written.append(relative.as_posix())
    return written


def _copy_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path,
                 name: str) -> None:
    opened = copy.copy(info)
    opened.file_size = info.file_size + SLACK  # so a lying header shows, not a CRC error
    count = 0
    try:
        with archive.open(opened) as source, target.open("wb") as out:
            while data := source.read(CHUNK):
                count += len(data)
                if count > info.file_size:
                    raise UploadRefused(
                        f"{name}: member {info.filename!r} expands past the "
                        f"{info.file_size:,} bytes its zip header declares (a zip bomb or "
                        "a damaged file); refused before reading further")
                out.write(data)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError,
            RuntimeError) as exc:
        raise UploadRefused(f"{name}: member {info.filename!r} is damaged in the zip "
                            f"({exc})") from None


def unpack_all(folder: Path, allowed: int) -> list[str]:
    """Unpack every ``.zip`` at the top of ``folder`` into it, then remove the zips.
    ``allowed`` is the upload limit: the zips' members and the other files together."""
    zips = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".zip" and p.is_file())
    others = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()
                 and p not in zips)
    written: list[str] = []
    for path in zips:
        left = allowed - others - sum((folder / w).stat().st_size for w in written)
        written.extend(unpack_zip(path, folder, max(left, 0)))
        path.unlink()
    return written


def remove(folder: Path) -> None:
    """Delete an upload folder and everything in it (nothing if it is gone)."""
    shutil.rmtree(folder, ignore_errors=True)
