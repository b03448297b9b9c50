"""The national picture: councils' published figures added up by region and England.

Flask-free.  The input is one :class:`CouncilRelease` per council: the figures
that council has already *published* (its snapshot's protected counts, its
directory's service counts), never a row and never a true count of people.  The
output (:func:`build`) is a table by council, by region and for England.

The disclosure method: aggregate published values only
-------------------------------------------------------
A council's count of people is either a published number (cell key noise,
rounded to 5) or hidden (``None``, shown ``[c]``: 0 to 11 people).  A region or
England figure is **the sum of its councils' published numbers**; a hidden part
adds nothing, and the figure says how many of its parts were hidden (the page
prints "at least" before it: the hidden parts are each 0 or more).

Why this and not "add the true counts, then apply the cell key to the total,
then suppress a total with exactly one hidden part"?  Because this module never
has true counts (the national picture is made from published snapshots only),
and because it is safe by construction: every output is a function of the
published values alone (post-processing), so nobody can learn from it anything
about a hidden count that the council's own publication did not already give.
In particular a region figure minus the sum of the other councils' published
figures is exactly the hidden council's *published* contribution, which is 0;
the hidden council's true count (1 to 11) changes no output at all
(``tests/national/test_national_disclosure.py`` makes that attack and shows that
the naive sum of true counts falls to it).  Adding true counts and then
perturbing would need a cell key for the total (the record keys of every
council's respondents) and a rule for secondary suppression across councils;
the sum of published parts needs neither, at the cost of totals that leave out
small hidden counts (at most 11 people per hidden council).

Shares and rates (reach share, provision per 1,000, an answer's share) are
worked out from the published counts of the councils in which *both* the count
and its base are shown, and say from how many councils they come.
Counts of services (the directory, the funding cliff, cost bands) are not counts
of people and are added up as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

Count = int | None  # a published count of people: None is hidden ([c])

ENGLAND = ("E92000001", "England")
# ONS region codes (RGN22CD) and names: the nine English regions.
REGIONS: dict[str, str] = {
    "E12000001": "North East", "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber", "E12000004": "East Midlands",
    "E12000005": "West Midlands", "E12000006": "East of England", "E12000007": "London",
    "E12000008": "South East", "E12000009": "South West",
}
UNKNOWN_REGION = ("", "Region not given")
# Monthly cost bands of services (£ a month for a young person): (key, upper bound).
COST_BANDS: tuple[tuple[str, float | None], ...] = (
    ("free", 0.0), ("up_to_10", 10.0), ("up_to_25", 25.0), ("up_to_50", 50.0),
    ("over_50", None), ("unknown", None))
CLIFF_MONTHS: tuple[int, ...] = (6, 12, 24)


def cost_band(monthly: float | None) -> str:
    """The band of a monthly cost (``"unknown"`` without one)."""
    if monthly is None:
        return "unknown"
    for key, upper in COST_BANDS[:-2]:
        if upper is not None and monthly <= upper:
            return key
    return "over_50"


@dataclass(frozen=True)
class AnswerCount:
    """One answer of one question, as a council published it: the published number of
    people who gave it and the published number the share is out of (the question's
    total), each ``None`` when hidden."""

    survey: str
    question: str
    question_text: str
    answer: str
    count: Count
    base: Count


@dataclass(frozen=True)
class CouncilRelease:
    """What one council has published, and nothing else."""

    code: str  # ONS local authority code, e.g. E06000019
    name: str
    region_code: str
    region_name: str
    licence: str
    licence_url: str
    attribution: str
    published_on: date | None  # the snapshot's date (None before a first snapshot)
    young_people: Count  # young people in the age band, as published
    reached: Count  # of them, within reach of a service, as published
    services: int  # active services in the directory
    cost_bands: Mapping[str, int] = field(default_factory=dict)  # band -> services
    cliff_services: Mapping[int, int] = field(default_factory=dict)  # months -> services
    responses: Count = 0  # survey answers, as published
    answers: tuple[AnswerCount, ...] = ()
    # False when the council has no population figures yet (no geography imported):
    # its young people and reach are then no part of any sum or rate (not hidden).
    population: bool = True


@dataclass(frozen=True)
class Total:
    """A sum of published parts: ``value`` is the sum of the shown ones, ``hidden`` how
    many parts were hidden (each 0 to 11 people), ``parts`` how many there were."""

    value: int
    hidden: int
    parts: int

    @property
    def at_least(self) -> bool:
        """Some part is hidden, so the figure is a lower bound of the published parts."""
        return self.hidden > 0

    @property
    def all_hidden(self) -> bool:
        return self.parts > 0 and self.hidden == self.parts


@dataclass(frozen=True)
class Ratio:
    """``value`` (None when no council had both parts shown) from ``used`` of ``of``."""

    value: float | None
    used: int
    of: int


def add(parts: Iterable[Count]) -> Total:
    """The sum of published parts; a hidden part adds nothing and is counted."""
    values = list(parts)
    hidden = sum(1 for v in values if v is None)
    return Total(sum(v for v in values if v is not None), hidden, len(values))


def ratio(pairs: Sequence[tuple[Count, Count]], scale: float) -> Ratio:
    """``scale`` × sum(numerators) / sum(denominators) over the pairs where both are
    shown and the denominator is above 0."""
    used = [(n, d) for n, d in pairs if n is not None and d is not None and d > 0]
    den = sum(d for _n, d in used if d is not None)
    num = sum(n for n, _d in used if n is not None)
    return Ratio(scale * num / den if den else None, len(used), len(pairs))


@dataclass(frozen=True)
class Row:
    """One line of a national table: a council, a region or England."""

    level: str  # "council", "region" or "england"
    code: str
    name: str
    region_code: str
    councils: int
    young_people: Total
    reached: Total
    reach_share: Ratio  # percent
    services: int
    per_1000: Ratio  # services per 1,000 young people
    cost_bands: dict[str, int]
    cliff_services: dict[int, int]
    responses: Total


@dataclass(frozen=True)
class AnswerRow:
    """One answer added up over a set of councils."""

    survey: str
    question: str
    question_text: str
    answer: str
    count: Total
    share: Ratio  # percent of those who answered, where count and base are shown


@dataclass(frozen=True)
class NationalPicture:
    councils: list[Row]
    regions: list[Row]
    england: Row
    answers: dict[str, list[AnswerRow]]  # area code (council, region, England) -> rows
    releases: list[CouncilRelease]

    @property
    def earliest(self) -> date | None:
        dates = [r.published_on for r in self.releases if r.published_on]
        return min(dates) if dates else None

    @property
    def latest(self) -> date | None:
        dates = [r.published_on for r in self.releases if r.published_on]
        return max(dates) if dates else None


def _row(level: str, code: str, name: str, region: str,
         releases: Sequence[CouncilRelease]) -> Row:
    counted = [r for r in releases if r.population]
    return Row(
        level=level, code=code, name=name, region_code=region, councils=len(releases),
        young_people=add(r.young_people for r in counted),
        reached=add(r.reached for r in counted),
        reach_share=ratio([(r.reached, r.young_people) for r in counted], 100.0),
        services=sum(r.services for r in releases),
        per_1000=ratio([(r.services, r.young_people) for r in counted], 1000.0),
        cost_bands={k: sum(int(r.cost_bands.get(k, 0)) for r in releases)
                    for k, _u in COST_BANDS},
        cliff_services={m: sum(int(r.cliff_services.get(m, 0)) for r in releases)
                        for m in CLIFF_MONTHS},
        responses=add(r.responses for r in releases))


def answer_rows(releases: Sequence[CouncilRelease]) -> list[AnswerRow]:
    """Every (survey, question, answer) any council published, added up over
    ``releases`` in the order first seen.  A council that did not publish the answer
    is not a part of it (it asked something else)."""
    order: list[tuple[str, str, str]] = []
    found: dict[tuple[str, str, str], list[AnswerCount]] = {}
    texts: dict[tuple[str, str, str], str] = {}
    for release in releases:
        for a in release.answers:
            key = (a.survey, a.question, a.answer)
            if key not in found:
                order.append(key)
                found[key] = []
                texts[key] = a.question_text
            found[key].append(a)
    return [AnswerRow(survey=k[0], question=k[1], question_text=texts[k], answer=k[2],
                      count=add(a.count for a in found[k]),
                      share=ratio([(a.count, a.base) for a in found[k]], 100.0))
            for k in order]


def region_of(release: CouncilRelease) -> tuple[str, str]:
    """(code, name) of a council's region; a known code keeps ONS's own name."""
    if release.region_code in REGIONS:
        return release.region_code, REGIONS[release.region_code]
    if release.region_code:
        return release.region_code, release.region_name or release.region_code
    return UNKNOWN_REGION


def build(releases: Iterable[CouncilRelease]) -> NationalPicture:
    """The national picture of ``releases`` (one per council; a repeated ONS code is
    refused, as it would count a council twice)."""
    items = sorted(releases, key=lambda r: (region_of(r)[1], r.name, r.code))
    codes = [r.code for r in items]
    if len(set(codes)) != len(codes):
        raise ValueError("each council must appear once in the national picture")
    councils = [_row("council", r.code, r.name, region_of(r)[0], [r]) for r in items]
    by_region: dict[tuple[str, str], list[CouncilRelease]] = {}
    for r in items:
        by_region.setdefault(region_of(r), []).append(r)
    regions = [_row("region", code, name, code, members)
               for (code, name), members in sorted(by_region.items(), key=lambda kv: kv[0][1])]
    england = _row("england", ENGLAND[0], ENGLAND[1], "", items)
    answers = {ENGLAND[0]: answer_rows(items)}
    answers.update({r.code: answer_rows([r]) for r in items})
    for (code, _name), members in by_region.items():
        answers[code] = answer_rows(members)
    return NationalPicture(councils, regions, england, answers, items)


__all__ = ["CLIFF_MONTHS", "COST_BANDS", "ENGLAND", "REGIONS", "AnswerCount", "AnswerRow",
           "CouncilRelease", "Count", "NationalPicture", "Ratio", "Row", "Total", "add",
           "answer_rows", "build", "cost_band", "ratio", "region_of"]
