"""The coding page's service layer: free-text answers, suggested themes, a person's
decisions and approved quotes.

Reads free-text answer rows by design (like the safeguarding queue's
:mod:`.review_service`): only the roles allowed to read free text (safeguarding
lead, admin) reach it.  Nothing here is published: counts leave the app only
through :mod:`app.publication.themes`, from confirmed codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, current_app
from sqlalchemy import select

from ..audit import record, snapshot
from ..extensions import db
from ..models import Answer, Response, Survey, ThemeCode, ThemeQuote, utcnow
from .themes import Codebook, Suggester, load_codebook, personal_details

PAGE_SIZE = 20


def codebook() -> Codebook:
    return load_codebook(current_app.config.get("THEMES_FILE"))


def _survey(slug: str) -> Survey:
    survey = db.session.scalar(select(Survey).where(Survey.slug == slug).limit(1))
    if survey is None:
        abort(404)
    return survey


def _free_text(slug: str):
    return (select(Answer.id, Answer.value).join(Response, Response.id == Answer.response_id)
            .where(Response.survey_slug == slug, Answer.is_free_text.is_(True),
                   Answer.value.is_not(None)))


@dataclass
class Item:
    answer_id: int
    text: str
    codes: dict[str, ThemeCode] = field(default_factory=dict)
    quote: ThemeQuote | None = None

    @property
    def decided(self) -> bool:
        return any(c.status != "suggested" for c in self.codes.values())


def coding_page(slug: str, show: str = "todo") -> dict:
    """Free-text answers of a survey with their suggested and decided themes:
    ``show`` "todo" (nothing decided yet) or "done"."""
    survey = _survey(slug)
    book = codebook()
    texts = db.session.execute(_free_text(slug).order_by(Answer.id)).all()
    codes: dict[int, dict[str, ThemeCode]] = {}
    for code in db.session.scalars(select(ThemeCode).where(
            ThemeCode.answer_id.in_([t[0] for t in texts]))):
        codes.setdefault(code.answer_id, {})[code.theme] = code
    quotes = {q.answer_id: q for q in db.session.scalars(select(ThemeQuote).where(
        ThemeQuote.answer_id.in_([t[0] for t in texts])))}
    items = [Item(aid, text, codes.get(aid, {}), quotes.get(aid)) for aid, text in texts]
    todo = [i for i in items if not i.decided]
    done = [i for i in items if i.decided]
    shown = (done if show == "done" else todo)[:PAGE_SIZE]
    return {"survey": survey, "codebook": book, "items": shown, "show": show,
            "todo_count": len(todo), "done_count": len(done)}


def suggest(slug: str, user) -> int:
    """Suggest themes for every answer nobody has decided yet (audited); returns how
    many suggestions were made."""
    _survey(slug)
    book = codebook()
    texts = db.session.execute(_free_text(slug).order_by(Answer.id)).all()
    existing: dict[int, dict[str, ThemeCode]] = {}
    for code in db.session.scalars(select(ThemeCode).where(
            ThemeCode.answer_id.in_([t[0] for t in texts]))):
        existing.setdefault(code.answer_id, {})[code.theme] = code
    confirmed = [(text, [t for t, c in existing.get(aid, {}).items() if c.status == "confirmed"])
                 for aid, text in texts
                 if any(c.status != "suggested" for c in existing.get(aid, {}).values())]
    todo = [(aid, text) for aid, text in texts
            if not any(c.status != "suggested" for c in existing.get(aid, {}).values())]
    model = Suggester(book).fit([t for t, _ in confirmed], [c for _, c in confirmed],
                                seed_texts=[t for _, t in todo])
    made = 0
    for (aid, _text), got in zip(todo, model.suggest([t for _, t in todo]), strict=True):
        for theme, score in got.items():
            if theme not in existing.get(aid, {}):
                db.session.add(ThemeCode(answer_id=aid, theme=theme, status="suggested",
                                         source="keyword" if score >= 1.0 else "model",
                                         score=score))
                made += 1
    record(db.session, user=user, action="themes.suggest", object_type="Survey",
           object_id=slug, note=f"{made} suggestions")
    db.session.commit()
    return made


@dataclass
class Decision:
    themes: list[str]
    quote_theme: str = ""


def decide(slug: str, answer_id: int, decision: Decision, user) -> list[str]:
    """Record a person's themes for one answer (confirmed: those ticked; rejected:
    suggestions not ticked) and, if asked, approve its words as a quote under one
    of them.  Returns errors (nothing is saved when there are any)."""
    book = codebook()
    row = db.session.execute(_free_text(slug).where(Answer.id == answer_id)).first()
    if row is None:
        abort(404)
    errors = []
    unknown = [t for t in decision.themes if t not in book.ids]
    if unknown:
        errors.append("Choose themes from the codebook.")
    if decision.quote_theme:
        if decision.quote_theme not in decision.themes:
            errors.append("A quote must be under one of the themes ticked for it.")
        found = personal_details(row[1])
        if found:
            errors.append("These words cannot be quoted: they look like they hold "
                          + " and ".join(found) + ".")
    if errors:
        return errors
    now = utcnow()
    codes = {c.theme: c for c in db.session.scalars(
        select(ThemeCode).where(ThemeCode.answer_id == answer_id))}
    for theme in set(codes) | set(decision.themes):
        code = codes.get(theme)
        if code is None:
            code = ThemeCode(answer_id=answer_id, theme=theme, source="person")
            db.session.add(code)
        before = snapshot(code) if code.id else None
        code.status = "confirmed" if theme in decision.themes else "rejected"
        code.decided_by, code.decided_at = user.id, now
        db.session.flush()
        record(db.session, user=user, action="themes.code", obj=code, before=before,
               after=snapshot(code))
    quote = db.session.scalar(select(ThemeQuote).where(ThemeQuote.answer_id == answer_id))
    if decision.quote_theme or quote is not None:
        if quote is None:
            quote = ThemeQuote(answer_id=answer_id, theme=decision.quote_theme)
            db.session.add(quote)
        before = snapshot(quote) if quote.id else None
        quote.approved = bool(decision.quote_theme)
        quote.theme = decision.quote_theme or quote.theme
        quote.approved_by, quote.approved_at = user.id, now
        db.session.flush()
        record(db.session, user=user, action="themes.quote", obj=quote, before=before,
               after=snapshot(quote))
    db.session.commit()
    return []
