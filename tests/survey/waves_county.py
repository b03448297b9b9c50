"""A small county with two survey waves, for the wave and "You said, we did" tests.

Three parishes side by side (tests/county.py).  Wave "2025" runs January to June
2025, wave "2026" January to June 2026; ``SIZES`` says how many answered from each
parish in each wave.  Version 1 of the survey called the drop-in youth club option
``club``; version 2 (current) calls it ``drop_in`` and maps ``club`` to it.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import yaml

from app.disclosure import DisclosureRule
from app.publication import CellKeyMethod
from tests.county import County

PARISHES = {"E04000101": ("Ashperton", 350_000), "E04000102": ("Bosbury", 352_000),
            "E04000103": ("Cradley", 354_000)}
# parish: (answers in 2025, answers in 2026)
SIZES = {"E04000101": (20, 35), "E04000102": (60, 12), "E04000103": (5, 30)}
WAVES = {"2025": (date(2025, 1, 1), date(2025, 6, 30)),
         "2026": (date(2026, 1, 1), date(2026, 6, 30))}
TODAY = date(2026, 3, 1)
NO_NOISE = CellKeyMethod(DisclosureRule(), max_perturbation=0, variance=0)


def definitions() -> tuple[dict, dict]:
    """Version 1 (option ``club``) and version 2 (``drop_in``, with the option map)."""
    base = yaml.safe_load(Path("surveys/youth-voice.yaml").read_text(encoding="utf-8"))
    base = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in base.items()}
    base.pop("opens_on", None)
    base.pop("closes_on", None)
    v1 = copy.deepcopy(base)
    v1["version"] = 1
    for q in v1["questions"]:
        if q["id"] == "wishes":
            for opt in q["options"]:
                if opt["value"] == "drop_in":
                    opt["value"] = "club"
    v2 = copy.deepcopy(base)
    v2["version"] = 2
    v2["option_map"] = {"wishes": {"club": "drop_in"}}
    return v1, v2


def build(db, *, waves: bool = True, sizes=SIZES, with_map: bool = True) -> County:
    """The county, its two survey versions and answers, and (``waves``) both waves.
    Every answer in 2025 (version 1) wishes for ``club``, in 2026 (version 2) for
    ``drop_in``; everyone is 13-15 and names cost as a barrier."""
    from app.models import SurveyWave

    county = County(db.session, today=TODAY)
    for code, (name, x) in PARISHES.items():
        county.parish(code, name, edition="2019", corner=(x, 250_000), size=2000)
    county.ward("E05000101", "Frome Valley", edition="2019",
                bounds=(350_000, 250_000, 356_000, 252_000))
    v1, v2 = definitions()
    if not with_map:
        v2.pop("option_map")
    old = county.survey("youth-voice", version=1, title="Youth voice", definition=v1)
    for code, (first, _second) in sizes.items():
        county.responses("youth-voice", code, first, submitted_on=date(2025, 3, 3),
                         age_band="13-15", answers={"wishes": "club", "barriers": "cost"})
    old.is_current = False
    county.survey("youth-voice", version=2, title="Youth voice", definition=v2)
    for code, (_first, second) in sizes.items():
        county.responses("youth-voice", code, second, submitted_on=date(2026, 2, 2),
                         age_band="13-15", answers={"wishes": "drop_in", "barriers": "cost"})
    if waves:
        for name, (opens, closes) in WAVES.items():
            db.session.add(SurveyWave(survey_slug="youth-voice", name=name, opens_on=opens,
                                      closes_on=closes, versions=[]))
    county.commit()
    return county


def by_hand(n: int) -> int | None:
    """The published value of ``n`` people with no noise, worked out by hand: 1-7
    hidden, else rounded to the nearest 5 (half up)."""
    if 1 <= n <= 7:
        return None
    return (n + 2) // 5 * 5
