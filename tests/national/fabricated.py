"""Three fabricated councils in two regions, with figures worked out by hand in
test_national_sums.py."""

from __future__ import annotations

from datetime import date

from app.publication.national import AnswerCount, CouncilRelease

OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def council(code: str, name: str, region: str, **figures) -> CouncilRelease:
    values = {"young_people": 0, "reached": 0, "services": 0, "responses": 0,
              "published_on": date(2026, 11, 30), "cost_bands": {}, "cliff_services": {},
              "answers": (), "licence": "Open Government Licence v3.0",
              "licence_url": OGL_URL, "attribution": f"Contains data from {name}.",
              **figures}
    return CouncilRelease(code=code, name=name, region_code=region, region_name="",
                          **values)


def three() -> list[CouncilRelease]:
    alpha = council(
        "E06000001", "Alpha Council", "E12000001", young_people=1000, reached=600,
        services=10, cost_bands={"free": 4, "up_to_10": 3, "over_50": 1, "unknown": 2},
        cliff_services={6: 1, 12: 2, 24: 3}, responses=200,
        published_on=date(2026, 11, 23),
        answers=(AnswerCount("youth-voice", "barriers", "What stops you?", "Cost", 50, 200),
                 AnswerCount("youth-voice", "barriers", "What stops you?", "Transport",
                             None, 200)))
    beta = council(
        "E06000002", "Beta Council", "E12000001", young_people=500, reached=None,
        services=5, cost_bands={"free": 5}, cliff_services={6: 0, 12: 1, 24: 1},
        responses=100,
        answers=(AnswerCount("youth-voice", "barriers", "What stops you?", "Cost", 20, 100),))
    gamma = council(
        "E07000003", "Gamma District Council", "E12000009", young_people=None, reached=None,
        services=2, cost_bands={"up_to_25": 2}, cliff_services={6: 0, 12: 0, 24: 2},
        responses=40, published_on=date(2026, 12, 1),
        answers=(AnswerCount("youth-voice", "barriers", "What stops you?", "Cost", None, 40),
                 AnswerCount("youth-voice", "barriers", "What stops you?", "Transport",
                             10, 40)))
    return [gamma, beta, alpha]  # any order in: the picture sorts them
