"""Survey results that lead with findings: shares, sorted bars and headline
sentences, worked out only from published (protected) tables.  No Flask.

Every number here comes from a :class:`~app.publication.Table` read from the
latest snapshot: counts already perturbed, hidden from 1 to 7 (``None``) and
rounded.  The rule for shares is docs/DISCLOSURE.md's: a share is the whole
percentage of two published counts, and there is no share when either count
is hidden (or the base is 0).  A share is therefore a function of published
figures only and can tell nobody more than the counts beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import _
from ..publication import Table

NO_ANSWER = "No answer"
NON_QUESTIONS = ("area", "age_band", "area_by_age", "campaign")


def share(count: int | None, base: int | None) -> int | None:
    """Whole percentage of two published counts, rounded half up; ``None`` when
    either is hidden or the base is 0."""
    if count is None or base is None or base <= 0:
        return None
    return (200 * count + base) // (2 * base)


def share_text(count: int | None, base: int | None) -> str | None:
    """A share as people read it: "62%", "less than 1%" (never a 0% for a count that
    is not 0), or ``None`` when there is no share."""
    pct = share(count, base)
    if pct is None:
        return None
    if pct == 0 and count:
        return _("less than 1%")
    return _("%(pct)s%%", pct=pct)


@dataclass
class Bar:
    label: str
    count: int | None  # published; None = hidden
    pct: int | None  # share of the base; None when either count is hidden
    pct_text: str | None
    width: float  # bar length, 0-100 (% of the track)


@dataclass
class QuestionView:
    """One question (or the age table): its bars, largest first, and its table rows
    in the survey's own order, each with count and share."""

    id: str
    title: str
    multiple: bool
    base: int | None  # the count shares are of
    base_label: str  # who the base is ("people who answered this question")
    total: int | None  # everyone in the results (for "1,400 of 1,500 answered")
    note: str | None
    bars: list[Bar] = field(default_factory=list)
    rows: list[Bar] = field(default_factory=list)
    scale: str | None = None  # a rating question's scale, "from 1 (Not at all) to 5 (A lot)"

    @property
    def answered(self) -> bool:
        """Whether anyone in the results gave an answer (a hidden count is 1 to 7
        people, so it counts; only published zeros mean nobody)."""
        return any(b.count != 0 for b in self.rows if b.label != NO_ANSWER)


def question_view(table: Table, total: int | None, scale: str | None = None) -> QuestionView:
    """The chart and table of one published one-way table.

    Multiple-choice questions are shares of the people who answered the question
    (people could pick more than one, so they add up to more than 100%); single
    choice and rating questions are shares of everyone in the results, with a
    "No answer" row, so they add up to about 100%.  Bars: largest published count
    first, hidden counts after them in the survey's order (their order must not
    depend on the hidden values), "No answer" last.
    """
    multiple = table.total_label != "Total" and table.id not in NON_QUESTIONS
    base = table.total
    base_label = ("young people who answered this question" if multiple
                  else "young people who answered the survey")
    rows = []
    biggest = max([v for v in table.values if v] or [1])
    for label, count in zip(table.rows, table.values, strict=True):
        pct = share(count, base)
        if pct is not None:
            width = float(min(100, pct))
        elif count:  # no base to share of: bars relative to the largest count
            width = 100.0 * count / biggest
        else:
            width = 0.0
        rows.append(Bar(label, count, pct, share_text(count, base), width))
    answers = [b for b in rows if b.label != NO_ANSWER]
    shown = sorted((b for b in answers if b.count is not None), key=lambda b: -b.count)
    hidden = [b for b in answers if b.count is None]
    last = [b for b in rows if b.label == NO_ANSWER]
    return QuestionView(table.id, table.title, multiple, base, base_label, total,
                        table.note, shown + hidden + last, rows, scale)


def _scale(question) -> str | None:
    if question is None or question.type != "rating":
        return None

    def end(n, label):
        return f"{n} ({label})" if label else str(n)

    return (f"from {end(question.scale_min, question.min_label)} "
            f"to {end(question.scale_max, question.max_label)}")


def question_views(tables: list[Table], total: int | None, definition=None) -> list[QuestionView]:
    """A view for each question table (not the area, age, area-by-age or campaign tables).
    ``definition`` (the survey's) says which questions are ratings, and their scale."""
    questions = {q.id: q for q in definition.questions} if definition is not None else {}
    return [question_view(t, total, _scale(questions.get(t.id))) for t in tables
            if not t.is_grid and t.id not in NON_QUESTIONS]


def _quoted(text: str) -> str:
    return f"\u201c{text}\u201d"


@dataclass(frozen=True)
class Finding:
    question: str  # the question, as asked
    sentence: str  # what the published figures say about it

    def __str__(self) -> str:
        return f"{self.question} {self.sentence}"


def headline(view: QuestionView) -> Finding | None:
    """One plain sentence about the most common answer to a question, or ``None`` when
    no share can be given (its count or base is hidden, or nobody answered).

    "Most" only above 50%; ties (the same published count) are named together.
    """
    top = [b for b in view.bars if b.label != NO_ANSWER and b.count and b.pct_text]
    if not top:
        return None
    best = [b for b in top if b.count == top[0].count]
    who = (_("young people who answered") if view.multiple
           else _("young people who took part"))
    if len(best) > 1:
        names = _("%(some)s and %(last)s",
                  some=", ".join(_quoted(b.label) for b in best[:-1]),
                  last=_quoted(best[-1].label))
        return Finding(view.title, _("The most common answers were %(names)s "
                                     "(%(pct)s of %(who)s each).",
                                     names=names, pct=best[0].pct_text, who=who))
    b = best[0]
    if view.scale:  # "3" means nothing without its scale
        point = b.label.split(" - ")[0]
        return Finding(view.title, _("On a scale %(scale)s, the most common answer was "
                                     "%(point)s (%(pct)s of %(who)s).",
                                     scale=view.scale, point=point, pct=b.pct_text, who=who))
    if b.pct is not None and b.pct > 50:
        return Finding(view.title, _("Most %(who)s (%(pct)s) said %(answer)s.",
                                     who=who, pct=b.pct_text, answer=_quoted(b.label)))
    return Finding(view.title, _("The most common answer was %(answer)s "
                                 "(%(pct)s of %(who)s).",
                                 answer=_quoted(b.label), pct=b.pct_text, who=who))


def headlines(views: list[QuestionView], limit: int = 8) -> list[Finding]:
    """Headline findings, one per question in the survey's order, at most ``limit``."""
    out = [f for f in (headline(v) for v in views) if f]
    return out[:limit]
