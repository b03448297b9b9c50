"""A tiny geography for survey tests: three parishes side by side and a few postcodes."""

from __future__ import annotations

import re

import shapely

from app.models import Area, AreaIndicator, Postcode

PARISHES = [
    ("E04000001", "Ashford Carbonell", 350000),
    ("E04000002", "Bromyard and Winslow", 352000),
    ("E04000003", "Colwall", 354000),
]
POSTCODES = {"HR1 1AA": (351000, 250500), "HR7 4BB": (353000, 250500),
             "HR9 9ZZ": (365000, 251500)}


def make_geography(db, with_indicators: bool = False):
    for code, name, x in PARISHES:
        area = Area(code=code, name=name, level="parish", edition="2019")
        area.geometry = shapely.box(x, 250000, x + 2000, 252000)
        db.session.add(area)
    for pc, (x, y) in POSTCODES.items():
        db.session.add(Postcode(postcode=pc, x=x, y=y, lsoa_code=None))
    if with_indicators:
        for (code, _name, _x), imd, rural in zip(PARISHES, (0.1, 0.5, 0.9), ("Urban city and town", "Rural village", "Rural hamlet and isolated dwellings"), strict=True):
            db.session.add(AreaIndicator(level="parish", area_code=code, name="imd_score",
                                         value=imd * 60, source="test", year=2019))
            db.session.add(AreaIndicator(level="parish", area_code=code, name="ruc_class",
                                         text_value=rural, source="test", year=2021))
    db.session.commit()


def token_from(html: str) -> str:
    match = re.search(r'name="submission_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="submission_token"', html)
    assert match, "no submission token on the page"
    return match.group(1)


def good_answers(token: str, **over) -> dict:
    data = {
        "submission_token": token,
        "area": "E04000002",
        "postcode": "",
        "age_band": "13-15",
        "now_do": ["sport", "friends"],
        "wishes": ["drop_in", "music"],
        "barriers": ["cost", "transport"],
        "can_pay": "1-2",
        "travel_mode": "bus",
        "travel_time": "30",
        "feel_heard": "2",
        "anything_else": "More buses after 6pm please",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def forget_visitor():
    """The test app context (and so ``g``) outlives each request: drop the cached anonymous
    user so a staff login made after a young person's visit takes effect."""
    from flask import g

    g.pop("_login_user", None)
