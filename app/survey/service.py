"""Taking a survey: the survey, its form and campaign link, and storing an answer.

The views in :mod:`app.survey.routes` parse the request, call one function here
(:func:`take`, :func:`refused` or :func:`default_slug`) and render the
:class:`SurveyPage` it returns.  Submission tokens, checking and the
all-or-nothing store are in :mod:`app.survey.store` and :mod:`app.survey.forms`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date

import cachetools
from flask import abort, current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..i18n import N_, _, current_language
from ..models import Campaign
from ..models.tenancy import current_council_id
from .definition import SurveyDefinition
from .forms import build_form_class, read_answers
from .safeguarding import DEFAULT_INDICATORS, load_indicators
from .store import (
    SurveySnapshot,
    area_choices,
    area_level,
    current_survey_key,
    default_survey,
    example_postcode,
    is_open,
    issue_token,
    open_dates,
    store_response,
    survey_snapshot,
    today,
    token_key,
)

# What a young person reads: marked here, translated (``_``) where it is used.
BAD_LINK = N_("This survey link is not right. Check it, or ask the person who gave it to you.")
EXPIRED = N_("This form has expired or was not sent properly. Check your answers and press "
             "Send again.")
TIMED_OUT = N_("This page timed out. Check your answers and press Send again.")
NOT_SAVED = N_("Sorry, we could not save your answers just now. Nothing was saved. Your "
               "answers are still here: please press Send again.")
NOTHING_SENT = N_("This page timed out, so nothing was sent. Your answers are still here: "
                  "check them and press Send again.")
NO_SURVEY = N_("There is no survey at this address.")


def indicators():
    """The safeguarding indicators in use (``SAFEGUARDING_INDICATORS_FILE`` or the shipped list)."""
    path = current_app.config.get("SAFEGUARDING_INDICATORS_FILE") or DEFAULT_INDICATORS
    return load_indicators(path)


def default_slug() -> str | None:
    """The slug of the survey ``/survey`` leads to; ``None`` when there is none."""
    survey = default_survey(db.session)
    return survey.slug if survey is not None else None


# --- the per-process cache ---------------------------------------------------

class _LRU(cachetools.LRUCache):
    """``cachetools.LRUCache`` with a lock: one per app, per process, and a worker's
    threads share it."""

    def __init__(self, size: int):
        super().__init__(maxsize=size)
        self.lock = threading.Lock()

    def get(self, key, default=None):
        with self.lock:
            return super().get(key, default)

    def __setitem__(self, key, value):
        with self.lock:
            super().__setitem__(key, value)


def cache() -> _LRU:
    """This app's per-process cache of built survey forms and shared pages (see
    :func:`_context`): enough for many campaign links, old entries dropped first."""
    return current_app.extensions.setdefault("survey_forms", _LRU(512))


def _survey_key(kept, slug):
    """:func:`current_survey_key`, asked of the database at most once every
    ``SURVEY_RECHECK_SECONDS`` per process (0: every request).

    A blank survey page then needs no database at all: a whole school opening the
    link at once costs no queries, and an admin's change still reaches every app
    server within those seconds.
    """
    every = current_app.config["SURVEY_RECHECK_SECONDS"]
    now = time.monotonic()
    # Per council (app/tenancy): every council may have a survey of this slug.
    kept_key = ("key", current_council_id(), slug)
    if every > 0:
        known = kept.get(kept_key)
        if known is not None and known[0] > now:
            return known[1]
    key = current_survey_key(db.session, slug)
    if key is not None and every > 0:
        kept[kept_key] = (now + every, key)
    return key


@dataclass
class SurveyPage:
    """What a survey view renders: the form (blank or answered), the closed page or
    the thank-you page."""

    survey: SurveySnapshot
    definition: SurveyDefinition
    form_class: type
    level: str | None  # the area level the form lists
    campaign: Campaign | None
    cache_key: tuple  # (survey id, revision, data version, language): pages shared under it
    closed: bool = False
    opens_on: date | None = None
    today: date | None = None
    token: str | None = None  # a fresh submission token for a blank form
    form: object = None  # the answered form to show again; None for a blank one
    status: int = 200
    problem: str | None = None
    sent: bool = False
    # Boxes the young person wrote in that were not meant for them: (label, why), for the
    # thank-you page to say plainly that those words were not kept.
    not_kept: list = field(default_factory=list)

    def blank_form(self, token: str):
        """A new, empty form carrying ``token``."""
        form = self.form_class()
        form.submission_token.data = token
        return form


def _context(slug, camp) -> SurveyPage:
    """The survey (a ``SurveySnapshot``), its definition, the area level and its form class.

    At most one small query per request (see :func:`_survey_key`): the survey's
    id and revision with the data version.  The snapshot of the survey row, the
    parsed definition, the area list and the built form class are cached per
    process, keyed on that triple (the revision goes up on every change to the
    survey row, the data version whenever areas or postcodes change), so an edit
    reaches every app server within ``SURVEY_RECHECK_SECONDS``.
    """
    kept = cache()
    key = _survey_key(kept, slug)
    if key is None:
        abort(404, description=_(NO_SURVEY))
    survey_id, revision, version = key
    lang = current_language()  # the form and the shared pages are built per language
    key = (*key, lang)
    built = kept.get(("form", *key))
    if built is None:
        # Per council: data versions count from 1 in every council (app/tenancy).
        areas_key = ("areas", current_council_id(), version)
        areas = kept.get(areas_key)
        if areas is None:
            level = area_level(db.session)
            areas = kept[areas_key] = (level, area_choices(db.session, level),
                                       example_postcode(db.session))
        level, choices, example = areas
        survey = survey_snapshot(db.session, survey_id)
        built = kept[("form", *key)] = (survey, level,
                                        build_form_class(survey.parsed, choices, example,
                                                         lang))
    survey, level, form_class = built
    return SurveyPage(survey=survey, definition=survey.parsed, form_class=form_class,
                      level=level, campaign=camp, cache_key=key)


def _campaign(slug, code) -> Campaign | None:
    return db.session.scalar(select(Campaign).where(Campaign.survey_slug == slug,
                                                    Campaign.code == code))


def take(slug: str, code: str | None, *, posting: bool) -> SurveyPage:
    """A survey page (from a campaign link when ``code`` is given): the closed page,
    a blank form (GET), or the posted answers checked and stored (POST).

    A POST with an expired or forged submission token, a CSRF failure or answers to
    correct comes back with the form (400); a database failure stores nothing and
    says so (503).  Either way the young person's answers stay on the page.
    """
    camp = None
    if code is not None:
        camp = _campaign(slug, code)
        if camp is None:
            abort(404, description=_(BAD_LINK))
    page = _context(slug, camp)
    survey, definition = page.survey, page.definition
    page.today = today()
    if not is_open(survey, definition, page.today):
        page.closed = True
        page.opens_on, _closes_on = open_dates(survey, definition)
        return page
    secret = current_app.config["SECRET_KEY"]
    if not posting:
        page.token = issue_token(secret, survey.slug)
        return page
    form = page.form = page.form_class()
    key = token_key(secret, survey.slug, form.submission_token.data)
    if key is None:
        form.submission_token.data = issue_token(secret, survey.slug)
        page.status, page.problem = 400, _(EXPIRED)
        return page
    form.validate()  # CSRF (when on); the answers are checked in plain English next
    if form.errors.get("csrf_token"):
        form.submission_token.data = issue_token(secret, survey.slug)
        page.status, page.problem = 400, _(TIMED_OUT)
        return page
    submission = read_answers(form, definition, db.session, page.level)
    if submission is None:
        page.status = 400
        return page
    try:
        store_response(db.session, survey=survey, definition=definition, key=key,
                       submission=submission, campaign=camp, indicators=indicators(),
                       today=page.today)
    except SQLAlchemyError as exc:
        db.session.rollback()
        # Only the error's type: its message would carry the answers as SQL parameters.
        current_app.logger.error("survey %s: a response could not be stored (%s)", survey.slug,
                                 type(exc).__name__)
        page.status, page.problem = 503, _(NOT_SAVED)
        return page
    page.sent = True
    questions = {q.id: q for q in definition.questions}
    page.not_kept = [(questions[qid].label, questions[qid].show_if_hint)
                     for qid in submission.unasked_text]
    return page


def refused(slug: str, code: str | None) -> SurveyPage:
    """The form again after a POST refused for its CSRF token: nothing stored, the
    posted answers kept, with a fresh CSRF token and submission token (400)."""
    camp = _campaign(slug, code) if code else None
    page = _context(slug, camp)
    form = page.form_class(meta={"csrf": False})
    form.submission_token.data = issue_token(current_app.config["SECRET_KEY"], page.survey.slug)
    page.form = _with_fresh_csrf(page.form_class, form)
    page.status, page.problem = 400, _(NOTHING_SENT)
    return page


def _with_fresh_csrf(form_class, answered):
    """A form holding the posted answers and a fresh CSRF token."""
    fresh = form_class(formdata=None)
    for name, answered_field in answered._fields.items():
        if name != "csrf_token":
            fresh[name].data = answered_field.data
    return fresh
