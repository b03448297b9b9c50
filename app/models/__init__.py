"""All models.  Plain SQLAlchemy 2 declarative classes: importing them needs no Flask."""

from .base import Base, utcnow
from .directory import Building, Organisation, Service, ServiceReport, ServiceSession
from .geo import AREA_LEVELS, Area, AreaIndicator, DerivedFigure, LsoaLookup, Postcode
from .jobs import BackgroundJob
from .national import NationalRollup
from .partners import ListingChange, OrganisationContact, PartnerInvite
from .planning import DataVersion, Scenario, TravelTime
from .publication import PublishedFigure, PublishedSnapshot, ReleaseState
from .survey import (
    Answer,
    Campaign,
    Response,
    SafeguardingFlag,
    Survey,
    SurveyWave,
    WaveAction,
)
from .tenancy import Council, CouncilOwned, current_council_id, use_council
from .themes import THEME_STATUSES, ThemeCode, ThemeQuote
from .transport import TRANSPORT_KINDS, JourneyRun, TransportData
from .users import ROLE_LABELS, ROLES, AuditEvent, User

__all__ = [
    "AREA_LEVELS",
    "ROLES",
    "ROLE_LABELS",
    "THEME_STATUSES",
    "TRANSPORT_KINDS",
    "Answer",
    "Area",
    "BackgroundJob",
    "AreaIndicator",
    "AuditEvent",
    "Base",
    "Building",
    "Campaign",
    "Council",
    "CouncilOwned",
    "DataVersion",
    "DerivedFigure",
    "JourneyRun",
    "ListingChange",
    "LsoaLookup",
    "NationalRollup",
    "Organisation",
    "OrganisationContact",
    "PartnerInvite",
    "Postcode",
    "PublishedFigure",
    "PublishedSnapshot",
    "ReleaseState",
    "Response",
    "SafeguardingFlag",
    "Scenario",
    "Service",
    "ServiceReport",
    "ServiceSession",
    "Survey",
    "SurveyWave",
    "WaveAction",
    "current_council_id",
    "use_council",
    "ThemeCode",
    "ThemeQuote",
    "TransportData",
    "TravelTime",
    "User",
    "utcnow",
]
