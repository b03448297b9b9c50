"""Import a routing engine's travel-time matrix into ``TravelTime``: all rows or none.

CSV columns ``from_code,to_kind,to_id,minutes[,mode]`` (see
:func:`app.analysis.travel.read_travel_matrix`).  ``from_code`` must be an
imported area code (any level), ``to_id`` an existing service or building id.
Rows for the modes in the file replace the rows already held for those
modes, so a council can re-import an updated matrix.

:func:`import_upload` and :func:`summary` are the ``/travel-times`` page's
service layer: the database session, audit event and commit or roll-back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select

from ..analysis.travel import MatrixError, read_travel_matrix
from ..audit import record
from ..dataversion import bump_for_bulk
from ..extensions import db
from ..models import Area, Building, Service, TravelTime

MAX_ROWS = 2_000_000


@dataclass
class MatrixImport:
    rows: int
    modes: list[str]
    replaced: int


def import_matrix(session, source, *, name: str, default_mode: str | None) -> MatrixImport:
    """Check every row, then replace the matrix for the file's modes in one go.

    Raises :class:`MatrixError` naming the file, row and column; nothing is
    written then.  The caller commits.
    """
    frame = read_travel_matrix(source, name=name, default_mode=default_mode)
    if frame.empty:
        raise MatrixError(f"{name}: the file has a header but no rows")
    if len(frame) > MAX_ROWS:
        raise MatrixError(f"{name}: {len(frame):,} rows is more than the {MAX_ROWS:,} allowed")
    areas = set(session.scalars(select(Area.code)).all())
    services = {str(i) for i in session.scalars(select(Service.id)).all()}
    buildings = {str(i) for i in session.scalars(select(Building.id)).all()}
    for pos, (code, kind, to_id) in enumerate(
            zip(frame["from_code"], frame["to_kind"], frame["to_id"], strict=True)):
        row = pos + 2
        if code not in areas:
            raise MatrixError(f"{name}: row {row}, column from_code: {code!r} is not an "
                              "imported area code")
        known = services if kind == "service" else buildings
        if to_id not in known:
            raise MatrixError(f"{name}: row {row}, column to_id: there is no {kind} "
                              f"with id {to_id!r}")
    dupes = frame.duplicated(["from_code", "to_kind", "to_id", "mode"], keep=False)
    if dupes.any():
        row = int(dupes.to_numpy().nonzero()[0][1]) + 2
        raise MatrixError(f"{name}: row {row}: the same from_code, to_kind, to_id and mode "
                          "appear twice")
    modes = sorted(frame["mode"].unique())
    replaced = session.scalar(select(func.count()).select_from(TravelTime)
                              .where(TravelTime.mode.in_(modes))) or 0
    session.execute(delete(TravelTime).where(TravelTime.mode.in_(modes)))
    session.execute(insert(TravelTime), [
        {"from_code": f, "to_kind": k, "to_id": t, "mode": m, "minutes": float(mi)}
        for f, k, t, m, mi in frame[["from_code", "to_kind", "to_id", "mode", "minutes"]]
        .itertuples(index=False)
    ])
    bump_for_bulk(session, journeys=False)  # imported times: no journey input changed
    return MatrixImport(len(frame), modes, int(replaced))


def matrix_summary(session) -> list[tuple[str, str, int]]:
    """(mode, to_kind, rows) held now."""
    return [tuple(r) for r in session.execute(
        select(TravelTime.mode, TravelTime.to_kind, func.count())
        .group_by(TravelTime.mode, TravelTime.to_kind).order_by(TravelTime.mode)
    ).all()]


# ---- the /travel-times page ---------------------------------------------------------

def import_upload(upload, *, default_mode: str, user) -> tuple[MatrixImport | None, str | None]:
    """Import an uploaded matrix and commit it with its audit event: the import, or
    (``None``, the problem) with nothing written."""
    try:
        result = import_matrix(db.session, upload.stream, name=upload.filename,
                               default_mode=default_mode)
    except (MatrixError, UnicodeDecodeError) as exc:
        db.session.rollback()
        return None, (str(exc) if isinstance(exc, MatrixError)
                      else f"{upload.filename}: not a UTF-8 text file")
    record(db.session, user=user, action="import", object_type="TravelTime",
           note=f"{result.rows} travel times ({', '.join(result.modes)}) from "
                f"{upload.filename}, replacing {result.replaced}")
    db.session.commit()
    return result, None


def summary() -> list[tuple[str, str, int]]:
    """What the page lists: (mode, to_kind, rows) held now."""
    return matrix_summary(db.session)
