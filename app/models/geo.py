"""Areas, their indicators, postcodes and lookups.

Geometry is kept as WKB in British National Grid (EPSG:27700); spatial work
is done in shapely / geopandas, never in the database.
"""

from __future__ import annotations

from datetime import date

import shapely
from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .tenancy import CouncilOwned

AREA_LEVELS = ("lsoa", "ward", "parish", "custom")


class Area(CouncilOwned, Base):
    __tablename__ = "area"
    __table_args__ = (UniqueConstraint("council_id", "level", "code", name="uq_area_level_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20), index=True)
    # Edition of the boundary set, for example "2021" for LSOA 2021.
    edition: Mapped[str | None] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"))
    parent_code: Mapped[str | None] = mapped_column(String(32))
    # Polygon or multipolygon, WKB, EPSG:27700.
    geom_wkb: Mapped[bytes] = mapped_column(LargeBinary)
    area_m2: Mapped[float | None] = mapped_column(Float)
    centroid_x: Mapped[float | None] = mapped_column(Float)
    centroid_y: Mapped[float | None] = mapped_column(Float)

    @property
    def geometry(self):
        return shapely.from_wkb(self.geom_wkb)

    @geometry.setter
    def geometry(self, geom) -> None:
        self.geom_wkb = shapely.to_wkb(geom)
        self.area_m2 = float(geom.area)
        c = geom.representative_point()
        self.centroid_x, self.centroid_y = float(c.x), float(c.y)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<Area {self.level}:{self.code} {self.name!r}>"


class AreaIndicator(CouncilOwned, Base):
    """One published figure for one area: what, value, source and year."""

    __tablename__ = "area_indicator"
    __table_args__ = (
        UniqueConstraint("council_id", "level", "area_code", "name", "year",
                         name="uq_area_indicator_key"),
        Index("ix_area_indicator_name_year", "name", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(20), default="lsoa")
    area_code: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(80))
    value: Mapped[float | None] = mapped_column(Float)
    text_value: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class Postcode(CouncilOwned, Base):
    """A postcode centroid (ONS postcode directory style)."""

    __tablename__ = "postcode"
    __table_args__ = (UniqueConstraint("council_id", "postcode", name="uq_postcode_council"),)

    # Each council imports its own cut of the postcode directory (issue 27), so a
    # postcode is unique per council; look one up with app.geodata.lookup.
    id: Mapped[int] = mapped_column(primary_key=True)
    # Normalised: upper case, single space before the inward code ("HR1 1AA").
    postcode: Mapped[str] = mapped_column(String(10), index=True)
    x: Mapped[float] = mapped_column(Float)  # easting, EPSG:27700
    y: Mapped[float] = mapped_column(Float)  # northing, EPSG:27700
    lsoa_code: Mapped[str | None] = mapped_column(String(32), index=True)
    terminated: Mapped[date | None] = mapped_column(Date)
    # ONS 'usertype': True for a large-user (business) postcode, never a home.
    large_user: Mapped[bool | None] = mapped_column(Boolean)
    # Households at the postcode when the file gives them (weights population points).
    households: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(String(200))


class LsoaLookup(CouncilOwned, Base):
    """ONS LSOA 2011 -> 2021 lookup (U unchanged, S split, M merged, X complex)."""

    __tablename__ = "lsoa_lookup"

    id: Mapped[int] = mapped_column(primary_key=True)
    lsoa11: Mapped[str] = mapped_column(String(32), index=True)
    lsoa21: Mapped[str] = mapped_column(String(32), index=True)
    change_code: Mapped[str] = mapped_column(String(2))


class DerivedFigure(CouncilOwned, Base):
    """A figure computed for a non-LSOA area, with the method and inputs beside it."""

    __tablename__ = "derived_figure"
    __table_args__ = (
        UniqueConstraint("council_id", "level", "area_code", "name", "year",
                         name="uq_derived_figure_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(20))
    area_code: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(80))
    value: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(Text)
