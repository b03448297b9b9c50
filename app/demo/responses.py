"""Demo county: about 1,500 answers to the default survey that follow the geography.

Deterministic (seeded by ``ctx.seed``).  Every answer is made up.  Answers
follow the areas already in the database: cost is a bigger barrier where
deprivation is higher, transport and "nothing near me" where it is rural.  A
few answers have free text, a handful of which trip the safeguarding
indicators so the safeguarding queue has something to show.  A few made-up
schools and a youth club get campaign links.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from datetime import date, timedelta

import shapely
from sqlalchemy import insert, select

from ..models import Answer, Area, AreaIndicator, Campaign, Response, SafeguardingFlag
from ..survey.campaigns import new_code
from ..survey.safeguarding import load_indicators, match
from ..survey.store import area_level, default_survey, definition_of, sync_definitions

N_RESPONSES = 1500
FIRST_DAY = date(2026, 1, 12)
DAYS = 80

BENIGN = [
    "There is nothing to do in the village after school.",
    "The last bus home is too early, so I can't stay for clubs.",
    "A skate park would be amazing.",
    "Please keep the youth club open, it's the only place we can go.",
    "More music stuff, like a place to practise with a band.",
    "Things cost too much. My mum can't pay for all of us.",
    "I'd like somewhere quiet to hang out that isn't the shop car park.",
    "Free sport sessions in the holidays please.",
    "I didn't know about half of these things.",
    "Make things for people with autism, loud places are hard for me.",
    "Girls-only football would be good.",
    "A cafe for teenagers with wifi.",
]
# Made-up answers that should reach the safeguarding lead (checked against the indicators).
CONCERNING = [
    "Sometimes I feel like I want to hurt myself.",
    "I don't like going home, I'm scared at home when he's drunk.",
    "My brother's friends made me carry drugs for them.",
    "Someone at the park threatened me with a knife.",
    "I get really sad and think about self harm.",
    "There is no food at home most days.",
]


def _score(rng, p) -> bool:
    return rng.random() < max(0.0, min(1.0, p))


def _profiles(session, level):
    """{area code: (name, weight, deprivation 0-1, rurality 0-1)} for the survey's areas."""
    areas = session.scalars(select(Area).where(Area.level == level)).all() if level else []
    if not areas:
        return {}
    lsoas = session.scalars(select(Area).where(Area.level == "lsoa")).all()
    ind = defaultdict(dict)
    for row in session.scalars(select(AreaIndicator).where(
            AreaIndicator.name.in_(("imd_score", "ruc_class")))):
        # The newest year of each figure wins.
        prev = ind[(row.level, row.area_code)].get(row.name)
        if prev is None or row.year >= prev.year:
            ind[(row.level, row.area_code)][row.name] = row

    def figures(lvl, code):
        got = ind.get((lvl, code), {})
        imd = got.get("imd_score")
        ruc = got.get("ruc_class")
        return (imd.value if imd and imd.value is not None else None,
                None if ruc is None else (1.0 if "rural" in (ruc.text_value or "").lower()
                                          else 0.0))

    lsoa_points = [(a.code, shapely.Point(a.centroid_x, a.centroid_y)) for a in lsoas
                   if a.centroid_x is not None]
    out = {}
    for area in areas:
        imd_values, rural_values = [], []
        count = 0
        own = figures(level, area.code)
        if own[0] is not None or own[1] is not None:
            imd_values.append(own[0]) if own[0] is not None else None
            rural_values.append(own[1]) if own[1] is not None else None
            count = 1
        else:
            geom = area.geometry
            for code, point in lsoa_points:
                if geom.contains(point):
                    count += 1
                    imd, rural = figures("lsoa", code)
                    if imd is not None:
                        imd_values.append(imd)
                    if rural is not None:
                        rural_values.append(rural)
        imd = sum(imd_values) / len(imd_values) if imd_values else 20.0
        rural = sum(rural_values) / len(rural_values) if rural_values else \
            (0.3 if count > 2 else 0.8)
        out[area.code] = (area.name, 1 + 2 * count, imd, rural)
    top = max(v[2] for v in out.values()) or 1.0
    return {code: (name, weight, min(1.0, imd / top), rural)
            for code, (name, weight, imd, rural) in out.items()}


def build(session, ctx) -> None:
    """Add the demo survey's answers, campaigns and safeguarding flags to ``session``."""
    rng = random.Random(ctx.seed * 7 + 4)
    sync_definitions(session)
    survey = default_survey(session)
    if survey is None:
        return
    definition = definition_of(survey)
    level = area_level(session)
    profiles = _profiles(session, level)
    codes = sorted(profiles)
    weights = [profiles[c][1] for c in codes]
    indicators = load_indicators()

    # Campaigns: the biggest places get a made-up high school; one youth club and one event.
    campaigns: dict[str, Campaign] = {}
    biggest = sorted(codes, key=lambda c: -profiles[c][1])[:5]
    for code in biggest:
        name = profiles[code][0]
        camp = Campaign(survey_slug=survey.slug, code=new_code(rng), kind="school",
                        name=f"{name} High School (demo)", pupils=rng.randrange(450, 1400, 10),
                        area_code=code)
        session.add(camp)
        campaigns[code] = camp
    extra = [Campaign(survey_slug=survey.slug, code=new_code(rng), kind="club",
                      name="Detached youth work bus (demo)"),
             Campaign(survey_slug=survey.slug, code=new_code(rng), kind="event",
                      name="County show youth tent (demo)")]
    session.add_all(extra)
    session.flush()

    age_q = definition.age_question
    ages = [o.value for o in age_q.options] if age_q else [None]
    age_weights = {"11-12": 18, "13-15": 36, "16-17": 28, "18-19": 12, "20-24": 3,
                   "not_say": 3}
    concerning = list(CONCERNING)
    rng.shuffle(concerning)
    pending = []
    n_responses = int(ctx.info.get("survey_responses_wanted", N_RESPONSES))
    # Record keys for the cell key method: seeded here so the demo county (and the
    # attacker tests run on it) are the same every time; real responses use secrets.
    key_rng = random.Random(ctx.seed * 11 + 5)
    for k in range(n_responses):
        code = rng.choices(codes, weights)[0] if codes else None
        name, _w, dep, rural = profiles.get(code, ("", 1, 0.4, 0.5))
        if code and rng.random() < 0.05:
            code = None  # "I'd rather not say"
        age = rng.choices(ages, [age_weights.get(a, 5) for a in ages])[0]
        camp = None
        if code in campaigns and age in ("11-12", "13-15", "16-17") and rng.random() < 0.55:
            camp = campaigns[code]
        elif rng.random() < 0.03:
            camp = extra[k % 2]
        token = hashlib.sha256(f"demo:{ctx.seed}:{k}".encode()).hexdigest()
        r = Response(survey_id=survey.id, survey_slug=survey.slug,
                     survey_version=survey.version, token=token,
                     submitted_on=FIRST_DAY + timedelta(days=rng.randrange(DAYS)),
                     area_level=level if code else None, area_code=code,
                     age_band=age,
                     campaign_id=camp.id if camp else None, flagged=False,
                     record_key=key_rng.randrange(256))

        answers: list[tuple[str, str, bool]] = []

        def add(qid, value, answers=answers):
            answers.append((qid, value, False))

        # What stops you: cost with deprivation, transport and distance with rurality.
        chances = {"cost": 0.15 + 0.5 * dep, "transport": 0.1 + 0.55 * rural,
                   "nothing_near": 0.08 + 0.4 * rural, "not_my_thing": 0.2,
                   "dont_know": 0.3, "unsafe": 0.03 + 0.15 * dep * (1 - rural),
                   "time": 0.15, "access": 0.05}
        barriers = [b for b, p in chances.items() if _score(rng, p)]
        for b in barriers or ["nothing_stops"]:
            add("barriers", b)
        wish_p = {"drop_in": 0.35 + 0.15 * dep, "sport": 0.45, "arts": 0.2, "music": 0.25,
                  "outdoor": 0.2 + 0.15 * rural, "uniformed": 0.08, "online": 0.15,
                  "skills": 0.15, "jobs": 0.1 + (0.25 if age in ("16-17", "18-19") else 0),
                  "wellbeing": 0.12, "other": 0.05}
        wishes = [w for w, p in wish_p.items() if _score(rng, p)] or ["drop_in"]
        for w in wishes:
            add("wishes", w)
        now = [v for v, p in {"youth_club": 0.15 * (1 - rural) + 0.05, "sport": 0.4,
                              "arts": 0.12, "music": 0.15, "outdoor": 0.2 + 0.1 * rural,
                              "uniformed": 0.08, "volunteering": 0.06, "online": 0.55,
                              "friends": 0.6}.items() if _score(rng, p)]
        for v in now or ["nothing"]:
            add("now_do", v)
        for v in [v for v, p in {"after_school": 0.5, "weekday_evening": 0.45,
                                 "weekend": 0.6, "holidays": 0.5}.items() if _score(rng, p)]:
            add("free_when", v)
        if rng.random() < 0.9:
            pay = rng.choices(["0", "1-2", "3-5", "6+", "dont_know"],
                              [10 + 40 * dep, 30, 20 - 10 * dep, 6 - 4 * dep, 12])[0]
            add("can_pay", pay)
        if rng.random() < 0.9:
            add("travel_mode", rng.choices(["walk", "cycle", "bus", "lift", "other"],
                                           [40 * (1 - rural) + 5, 10, 25, 10 + 45 * rural, 3])[0])
        if rng.random() < 0.85:
            add("travel_time", rng.choices(["15", "30", "45", "60+"],
                                           [40 - 20 * rural, 35, 12 + 10 * rural, 5])[0])
        if rng.random() < 0.8:
            add("feel_heard", str(rng.choices([1, 2, 3, 4, 5], [15, 25, 30, 20, 10])[0]))
        text = None
        if age != "11-12":
            if concerning and k % 211 == 17:
                text = concerning.pop()
            elif rng.random() < 0.07:
                text = rng.choice(BENIGN)
        found = []
        if text:
            answers.append(("anything_else", text, True))
            found = match(text, indicators)
            r.flagged = bool(found)
        pending.append((r, answers, found))
    # Bulk insert: responses first (for their ids), then answers in one statement.
    session.add_all([r for r, _a, _f in pending])
    session.flush()
    session.execute(insert(Answer), [
        {"response_id": r.id, "question_id": q, "value": v, "is_free_text": free}
        for r, answers, _f in pending for q, v, free in answers])
    for r, _a, found in pending:
        if found:
            session.add(SafeguardingFlag(response_id=r.id, matched=found, status="open"))
    session.flush()
    ctx.info["survey_slug"] = survey.slug
    ctx.info["responses"] = n_responses
    ctx.info["campaign_codes"] = [c.code for c in list(campaigns.values()) + extra]
