""""You said, we did": a public page per survey wave.

The page gives the wave's headline findings in plain words (the publication
layer's: :func:`app.survey.findings.headlines` of the wave's published tables,
nothing else) and the council's actions against them, each written by an admin:
what young people said, what the council did or is doing, and its status.  An
action's text is plain text (escaped on the page, never HTML) with a version per
language (``{"en": ..., "pl": ...}``); the reader sees their own language, else
English.  The views (:mod:`.yousaid_routes`, :mod:`.admin_routes`) call one
function here and render.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, current_app, request
from sqlalchemy import func, select

from .. import i18n, publication
from ..audit import record
from ..extensions import db
from ..i18n import _
from ..models import Survey, SurveyWave, WaveAction
from .findings import headlines, question_views
from .store import definition_of

STATUSES = ("done", "doing", "planned")
MAX_TEXT = 1000


def status_label(status: str) -> str:
    return {"done": _("Done"), "doing": _("We are doing this now"),
            "planned": _("Planned")}.get(status, status)


def languages() -> list[str]:
    """The shipped languages (``SUPPORTED_LANGUAGES``), English first."""
    raw = current_app.config["SUPPORTED_LANGUAGES"] or "en"  # empty: English only, as app.i18n
    codes = [c.strip() for c in str(raw).split(",") if c.strip()]
    return ["en"] + [c for c in codes if c != "en"]


def reader_language() -> str:
    """The reader's language: the languages layer's choice when it is there, else the
    browser's ``Accept-Language`` among the shipped languages, else English."""
    pick = getattr(i18n, "current_language", None)
    if pick is not None:
        return pick()
    return request.accept_languages.best_match(languages()) or "en"


def in_language(texts: dict, lang: str) -> str:
    """``texts[lang]``, else the English text."""
    return (texts or {}).get(lang) or (texts or {}).get("en") or ""


def wave_or_404(slug: str, name: str) -> SurveyWave:
    wave = db.session.scalar(select(SurveyWave).where(SurveyWave.survey_slug == slug,
                                                      SurveyWave.name == name))
    if wave is None:
        abort(404, description=_("There is no survey wave with that name."))
    return wave


def _survey(slug: str) -> Survey | None:
    return db.session.scalar(select(Survey).where(Survey.slug == slug,
                                                  Survey.is_current.is_(True)))


def wave_findings(slug: str, wave: str):
    """``(published number of answers, [Finding])`` of a wave, from its published
    tables only (``(None, [])`` before the wave is published or when too few answered)."""
    survey = _survey(slug)
    snap = publication.latest(db.session)
    total, tables = publication.wave_tables(db.session, snap, slug, wave)
    if survey is None or not tables:
        return total, []
    return total, headlines(question_views(tables, total, definition_of(survey)))


@dataclass
class ActionView:
    said: str
    did: str
    status: str
    status_text: str


def _actions(wave: SurveyWave, lang: str) -> list[ActionView]:
    rows = db.session.scalars(select(WaveAction).where(WaveAction.wave_id == wave.id)
                              .order_by(WaveAction.position, WaveAction.id))
    return [ActionView(in_language(a.said, lang), in_language(a.did, lang), a.status,
                       status_label(a.status)) for a in rows]


def public_page(slug: str, name: str) -> dict:
    """The public page of one wave: its findings and the council's actions."""
    wave = wave_or_404(slug, name)
    survey = _survey(slug)
    total, findings = wave_findings(slug, name)
    lang = reader_language()
    return {"wave": wave, "survey_title": survey.title if survey else slug,
            "total": total, "findings": findings, "actions": _actions(wave, lang),
            "lang": lang}


def public_index() -> dict:
    """Every wave of every survey, newest first, for the public list."""
    waves = db.session.scalars(select(SurveyWave).order_by(SurveyWave.opens_on.desc(),
                                                           SurveyWave.id.desc())).all()
    titles = dict(db.session.execute(select(Survey.slug, Survey.title)
                                     .where(Survey.is_current.is_(True))).all())
    return {"waves": [(w, titles.get(w.survey_slug, w.survey_slug)) for w in waves]}


# --- the admin's form ----------------------------------------------------------------

@dataclass
class ActionPost:
    """A posted action: ``said``/``did`` by language, and its status."""

    said: dict = field(default_factory=dict)
    did: dict = field(default_factory=dict)
    status: str = "doing"


def check_action(post: ActionPost) -> dict:
    """Errors by field id (empty: the action can be saved)."""
    errors = {}
    if not (post.said.get("en") or "").strip():
        errors["said-en"] = "Enter what young people said, in English"
    if not (post.did.get("en") or "").strip():
        errors["did-en"] = "Enter what the council did or is doing, in English"
    for kind, texts in (("said", post.said), ("did", post.did)):
        for lang, text in texts.items():
            if len(text or "") > MAX_TEXT:
                errors[f"{kind}-{lang}"] = f"Keep it to {MAX_TEXT} characters or fewer"
    if post.status not in STATUSES:
        errors["status"] = "Choose done, doing now or planned"
    return errors


def admin_page(wave_id: int, post: ActionPost | None = None, delete: int | None = None,
               user=None) -> dict:
    """The admin's "You said, we did" page of wave ``wave_id``; with ``post``, adds the
    action (when it has no errors); with ``delete``, removes that action.  Audited.
    ``saved`` says what was done, for the message after the redirect."""
    wave = db.session.get(SurveyWave, wave_id)
    if wave is None:
        abort(404, description="There is no wave with that number.")
    errors: dict = {}
    saved = None
    if delete is not None:
        action = db.session.get(WaveAction, delete)
        if action is None or action.wave_id != wave.id:
            abort(404)
        record(db.session, user=user, action="delete", object_type="WaveAction",
               object_id=action.id, note=f"wave {wave.survey_slug} {wave.name}")
        db.session.delete(action)
        db.session.commit()
        saved = "Action removed."
    elif post is not None:
        errors = check_action(post)
        if not errors:
            top = db.session.scalar(select(func.max(WaveAction.position))
                                    .where(WaveAction.wave_id == wave.id)) or 0
            clean = {k: {lang: t.strip() for lang, t in v.items() if (t or "").strip()}
                     for k, v in (("said", post.said), ("did", post.did))}
            action = WaveAction(wave_id=wave.id, position=top + 1, status=post.status,
                                **clean)
            db.session.add(action)
            db.session.flush()
            record(db.session, user=user, action="create", object_type="WaveAction",
                   object_id=action.id, after={**clean, "status": post.status},
                   note=f"wave {wave.survey_slug} {wave.name}")
            db.session.commit()
            saved = "Action added."
    actions = db.session.scalars(select(WaveAction).where(WaveAction.wave_id == wave.id)
                                 .order_by(WaveAction.position, WaveAction.id)).all()
    _total, findings = wave_findings(wave.survey_slug, wave.name)
    return {"wave": wave, "actions": actions, "errors": errors, "saved": saved,
            "post": post or ActionPost(), "languages": languages(), "statuses": STATUSES,
            "status_label": status_label, "findings": findings}
