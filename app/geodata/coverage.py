"""How well each LSOA's young people are placed on postcodes, stored with the import.

Reach is measured from where young people live: each LSOA's young people are
spread over its live residential postcodes (:mod:`app.analysis.population`).
An LSOA with too few postcodes (a partial postcode file) puts them all on
the few it has; one with none puts them on one central point.  Either way
its reach is *uncertain*, and every page that ranks areas says so.

Per LSOA (``AreaIndicator`` rows, level ``lsoa``, the postcode file's year):

* ``postcodes_live``: live residential postcodes placed in it;
* ``postcodes_filled``: of those, filled from another file (Code-Point Open);
* ``postcodes_expected``: the council's postcodes in it by another file that
  covers every postcode area (Code-Point Open) when there is one, else what its
  residents would have at the council's own postcodes-per-resident rate;
* ``postcode_coverage``: placed / expected (at most 1);
* ``young_people_on_postcodes``: young people placed on postcodes (0 when
  they are put on a central point);
* ``postcode_uncertain``: 1 when it has no postcode (``none``) or under
  :data:`PARTIAL` of the expected (``partial``), else 0; the status is in
  ``text_value`` (``complete``, ``filled``, ``partial``, ``none``).

Every row's ``source`` is the sentence saying which files were used.

Pure: pandas, SQLAlchemy; no Flask.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ..analysis.arrays import FloatArray
from ..models import AreaIndicator
from .errors import ImportReport
from .indicators import IndicatorRow
from .lsoa_figures import FigureSource
from .postcode_fill import PostcodeSummary
from .postcodes import PostcodeRow

#: Below this share of the expected postcodes an LSOA's coverage is partial.
PARTIAL = 0.35
NAMES = ("postcodes_live", "postcodes_filled", "postcodes_expected", "postcode_coverage",
         "young_people_on_postcodes", "postcode_uncertain")
#: An area (ward, parish) is uncertain when at least this share of its young
#: people live in uncertain LSOAs.
AREA_UNCERTAIN = 0.25


def lsoa_coverage(lsoas: pd.DataFrame, rows: Sequence[PostcodeRow],
                  reference: tuple[str, Mapping[str, int]] | None = None) -> pd.DataFrame:
    """Per LSOA: postcodes placed (and filled), expected, coverage, status.

    ``lsoas``: :func:`app.geodata.lsoa_figures.lsoa_figures` (``population``,
    ``young_people``); ``rows``: the stored postcode rows (``filled`` set on
    rows from a filling file); ``reference``: (label, {LSOA: postcodes}) from a
    file with every postcode area, or ``None``.
    """
    alive = pd.DataFrame([{"lsoa": r["lsoa_code"], "filled": bool(r.get("filled"))}
                          for r in rows if r["terminated"] is None and not r["large_user"]
                          and r["lsoa_code"]], columns=["lsoa", "filled"])
    out = pd.DataFrame(index=lsoas.index)
    out["postcodes_live"] = alive.groupby("lsoa").size().reindex(out.index).fillna(0)
    out["postcodes_filled"] = alive[alive["filled"]].groupby("lsoa").size() \
        .reindex(out.index).fillna(0)
    people = pd.to_numeric(lsoas["population"], errors="coerce")
    if people.isna().all() or people.sum() <= 0:
        people = pd.Series(1.0, index=out.index)
    people = people.fillna(people.median())
    rate = out["postcodes_live"].sum() / people.sum()
    out["postcodes_expected"] = (people * rate).round(1)
    if reference is not None:
        counts = pd.Series(reference[1], dtype=float).reindex(out.index).fillna(0.0)
        out["postcodes_expected"] = counts.where(counts > 0, out["postcodes_expected"])
    out["postcode_coverage"] = (out["postcodes_live"] / out["postcodes_expected"]
                                .where(out["postcodes_expected"] > 0)).clip(upper=1.0)
    young = pd.to_numeric(lsoas["young_people"], errors="coerce").fillna(0.0)
    out["young_people_on_postcodes"] = young.where(out["postcodes_live"] > 0, 0.0)
    status = pd.Series("complete", index=out.index)
    status[out["postcodes_filled"] > 0] = "filled"
    status[out["postcode_coverage"].fillna(0) < PARTIAL] = "partial"
    status[out["postcodes_live"] == 0] = "none"
    out["status"] = status
    out["postcode_uncertain"] = status.isin(["partial", "none"]).astype(float)
    return out


def store_coverage(session: Session, table: pd.DataFrame,
                   summary: PostcodeSummary) -> ImportReport:
    """Replace the stored coverage rows; one report line per uncertain LSOA."""
    year = int(summary.get("year") or 0)
    uncertain = table[table["postcode_uncertain"] > 0]
    if len(uncertain):
        summary["text"] += (f"; {len(uncertain)} LSOAs with partial or no postcode coverage "
                            "marked uncertain")
    source = summary["text"][:300]
    session.execute(delete(AreaIndicator).where(AreaIndicator.level == "lsoa",
                                                AreaIndicator.name.in_(NAMES)))
    rows: list[IndicatorRow] = []
    for code, record in table.iterrows():
        for name in NAMES:
            rows.append({"level": "lsoa", "area_code": code, "name": name, "year": year,
                         "value": float(record[name]) if pd.notna(record[name]) else None,
                         "text_value": record["status"] if name == "postcode_uncertain"
                         else None, "source": source})
    if rows:
        session.execute(insert(AreaIndicator), rows)
    young = table["young_people_on_postcodes"].sum()
    report = ImportReport(Path("postcode coverage"), "postcode coverage per LSOA",
                          rows=len(table), notes=[summary["text"]])
    report.notes.append(f"{int(table['postcodes_live'].sum())} live residential postcodes "
                        f"placed in {int((table['postcodes_live'] > 0).sum())} of "
                        f"{len(table)} LSOAs; {young:,.0f} young people on postcodes")
    for code, record in uncertain.iterrows():
        report.notes.append(f"{code}: {record['status']} postcode coverage "
                            f"({record['postcodes_live']:.0f} of about "
                            f"{record['postcodes_expected']:.0f} postcodes): marked uncertain")
    return report


def stored_coverage(session: Session) -> pd.DataFrame:
    """The stored coverage (index LSOA code; columns :data:`NAMES` and ``status``)."""
    rows = session.execute(select(AreaIndicator.area_code, AreaIndicator.name,
                                  AreaIndicator.value, AreaIndicator.text_value)
                           .where(AreaIndicator.level == "lsoa",
                                  AreaIndicator.name.in_(NAMES))).all()
    if not rows:
        return pd.DataFrame(columns=[*NAMES, "status"])
    frame = pd.DataFrame(rows, columns=["code", "name", "value", "text"])
    table = frame.pivot(index="code", columns="name", values="value")
    status = frame[frame["name"] == "postcode_uncertain"].set_index("code")["text"]
    table["status"] = status.reindex(table.index)
    return table


def coverage_source(session: Session) -> str | None:
    """The sentence saying which postcode files were used, or ``None``."""
    return session.scalar(select(AreaIndicator.source).where(
        AreaIndicator.level == "lsoa", AreaIndicator.name == "postcode_uncertain").limit(1))


def uncertain_flags(session: Session,
                    codes: Iterable[str]) -> tuple[FloatArray, FigureSource] | None:
    """(1.0/0.0 per LSOA in ``codes`` order, its source) or ``None`` with no coverage."""
    table = stored_coverage(session)
    if table.empty:
        return None
    flags: FloatArray = table["postcode_uncertain"].reindex(list(codes)).fillna(0.0) \
        .to_numpy(dtype=float)
    year = session.scalar(select(AreaIndicator.year).where(
        AreaIndicator.level == "lsoa", AreaIndicator.name == "postcode_uncertain").limit(1))
    source = coverage_source(session)
    assert source is not None  # the flags were read from postcode_uncertain rows, with theirs
    return flags, {"source": source, "year": year or None,
                   "threshold": AREA_UNCERTAIN,
                   "note": "uncertain: young people placed on too few postcodes (under "
                           f"{PARTIAL:.0%} of those expected) or on one central point; an area "
                           f"is uncertain when {AREA_UNCERTAIN:.0%} or more of its young "
                           "people live in such LSOAs"}
