"""The youth voice survey: taking it, campaigns, results and the safeguarding queue."""

from __future__ import annotations

import secrets
import threading
import time

import cachetools
from flask import (
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..access import public
from ..extensions import db
from ..models import Campaign
from . import bp
from .forms import build_form_class, read_answers
from .safeguarding import DEFAULT_INDICATORS, load_indicators
from .store import (
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

CHILDLINE = "0800 1111"


def indicators():
    path = current_app.config.get("SAFEGUARDING_INDICATORS_FILE") or DEFAULT_INDICATORS
    return load_indicators(path)


@bp.route("/survey")
@public
def start():
    """The landing page for the current default survey."""
    survey = default_survey(db.session)
    if survey is None:
        return render_template("survey/none.html"), 404
    return redirect(url_for("survey.take", slug=survey.slug))


@bp.route("/survey/<slug>", methods=["GET", "POST"])
@public
def take(slug):
    """Fill in a survey (no account, works without JavaScript)."""
    return _take(slug, None)


@bp.route("/survey/<slug>/c/<code>", methods=["GET", "POST"])
@public
def campaign(slug, code):
    """A school's, club's or event's own link to a survey."""
    camp = db.session.scalar(select(Campaign).where(Campaign.survey_slug == slug,
                                                    Campaign.code == code))
    if camp is None:
        abort(404, description="This survey link is not right. Check it, or ask the person "
                               "who gave it to you.")
    return _take(slug, camp)


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


def _cache() -> _LRU:
    """This app's per-process cache of built survey forms and shared pages (see
    :func:`_context`): enough for many campaign links, old entries dropped first."""
    return current_app.extensions.setdefault("survey_forms", _LRU(512))


def _cache_key():
    return g.get("survey_cache_key")


def _survey_key(cache, slug):
    """:func:`current_survey_key`, asked of the database at most once every
    ``SURVEY_RECHECK_SECONDS`` per process (0: every request).

    A blank survey page then needs no database at all: a whole school opening the
    link at once costs no queries, and an admin's change still reaches every app
    server within those seconds.
    """
    every = current_app.config.get("SURVEY_RECHECK_SECONDS", 0)
    now = time.monotonic()
    if every > 0:
        known = cache.get(("key", slug))
        if known is not None and known[0] > now:
            return known[1]
    key = current_survey_key(db.session, slug)
    if key is not None and every > 0:
        cache[("key", slug)] = (now + every, key)
    return key


def _context(slug, camp):
    """The survey (a ``SurveySnapshot``), its definition, the area level and its form class.

    At most one small query per request (see :func:`_survey_key`): the survey's
    id and revision with the data version.  The snapshot of the survey row, the
    parsed definition, the area list and the built form class are cached per
    process, keyed on that triple (the revision goes up on every change to the
    survey row, the data version whenever areas or postcodes change), so an edit
    reaches every app server within ``SURVEY_RECHECK_SECONDS``.
    """
    cache = _cache()
    key = _survey_key(cache, slug)
    if key is None:
        abort(404, description="There is no survey at this address.")
    survey_id, revision, version = key
    built = cache.get(("form", *key))
    if built is None:
        areas_key = ("areas", version)
        areas = cache.get(areas_key)
        if areas is None:
            level = area_level(db.session)
            areas = cache[areas_key] = (level, area_choices(db.session, level),
                                        example_postcode(db.session))
        level, choices, example = areas
        survey = survey_snapshot(db.session, survey_id)
        built = cache[("form", *key)] = (survey, level,
                                         build_form_class(survey.parsed, choices, example))
    survey, level, form_class = built
    g.survey_cache_key = key
    return survey, survey.parsed, level, form_class


def _render_form(survey, definition, form, camp, status=200, problem=None):
    action = (url_for("survey.campaign", slug=survey.slug, code=camp.code) if camp
              else url_for("survey.take", slug=survey.slug))
    return render_template("survey/take.html", survey=survey, definition=definition,
                           form=form, campaign=camp, action=action, problem=problem,
                           childline=CHILDLINE), status


def _take(slug, camp):
    survey, definition, level, form_class = _context(slug, camp)
    if not is_open(survey, definition, today()):
        opens_on, _closes_on = open_dates(survey, definition)
        return render_template("survey/closed.html", survey=survey, definition=definition,
                               opens_on=opens_on, today=today(), childline=CHILDLINE)
    secret = current_app.config["SECRET_KEY"]
    if request.method == "GET":
        token = issue_token(secret, survey.slug)
        page = _shared_page(("form", camp.id if camp else None, camp.name if camp else None),
                            lambda: _blank_form_page(survey, definition, form_class, camp))
        if page is not None:
            csrf = generate_csrf() if current_app.config.get("WTF_CSRF_ENABLED", True) else ""
            return page.replace(_TOKEN_MARK, token).replace(_CSRF_MARK, csrf)
        form = form_class()
        form.submission_token.data = token
        return _render_form(survey, definition, form, camp)
    form = form_class()

    key = token_key(secret, survey.slug, form.submission_token.data)
    if key is None:
        form.submission_token.data = issue_token(secret, survey.slug)
        return _render_form(survey, definition, form, camp, 400,
                            "This form has expired or was not sent properly. Check your "
                            "answers and press Send again.")
    form.validate()  # CSRF (when on); the answers are checked in plain English next
    if form.errors.get("csrf_token"):
        form.submission_token.data = issue_token(secret, survey.slug)
        return _render_form(survey, definition, form, camp, 400,
                            "This page timed out. Check your answers and press Send again.")
    submission = read_answers(form, definition, db.session, level)
    if submission is None:
        return _render_form(survey, definition, form, camp, 400)
    try:
        store_response(db.session, survey=survey, definition=definition, key=key,
                       submission=submission, campaign=camp, indicators=indicators(),
                       today=today())
    except SQLAlchemyError as exc:
        db.session.rollback()
        # Only the error's type: its message would carry the answers as SQL parameters.
        current_app.logger.error("survey %s: a response could not be stored (%s)", survey.slug,
                                 type(exc).__name__)
        return _render_form(survey, definition, form, camp, 503,
                            "Sorry, we could not save your answers just now. Nothing was "
                            "saved. Your answers are still here: please press Send again.")
    return (_shared_page(("thanks",), lambda: render_template(
        "survey/thanks.html", survey=survey, childline=CHILDLINE))
        or render_template("survey/thanks.html", survey=survey, childline=CHILDLINE))


# Stand-ins for the per-visitor tokens in a shared page (random per process, so no
# survey text can contain them).
_TOKEN_MARK = "submission-" + secrets.token_hex(16)
_CSRF_MARK = "csrf-" + secrets.token_hex(16)


def _shared_page(name: tuple, render) -> str | None:
    """A page that is the same for every anonymous visitor, rendered once per survey
    revision and data version and kept per process; ``None`` when it cannot be shared.

    Staff (whose navigation differs), a visitor with a message waiting to be shown,
    and a page that asked for a CSP nonce (which must be new on every response) all
    get a page rendered for them.  Young people on the survey and thank-you pages,
    the pages a whole school opens at once, get the shared copy.
    """
    if current_user.is_authenticated or "_flashes" in session:
        return None
    key = ("page", *name, *_cache_key())
    cache = _cache()
    page = cache.get(key)
    if page is None:
        had_nonce = "yvm.csp_nonce" in request.environ
        page = render()
        if not had_nonce and "yvm.csp_nonce" in request.environ:
            return None
        cache[key] = page
    return page


def _blank_form_page(survey, definition, form_class, camp) -> str:
    form = form_class()
    form.submission_token.data = _TOKEN_MARK
    if getattr(form, "csrf_token", None) is not None:
        form.csrf_token.current_token = _CSRF_MARK
    html, _status = _render_form(survey, definition, form, camp)
    return html


@bp.errorhandler(CSRFError)
def csrf_refused(error):
    """A survey POST without a valid CSRF token stores nothing; answers stay on the page."""
    slug = (request.view_args or {}).get("slug")
    if request.endpoint not in ("survey.take", "survey.campaign") or not slug:
        return render_template("errors/error.html", code=400,
                               title="Something was wrong with that request",
                               message="Please go back and try again.",
                               detail=error.description), 400
    camp = None
    code = (request.view_args or {}).get("code")
    if code:
        camp = db.session.scalar(select(Campaign).where(Campaign.survey_slug == slug,
                                                        Campaign.code == code))
    survey, definition, _level, form_class = _context(slug, camp)
    form = form_class(meta={"csrf": False})
    form.submission_token.data = issue_token(current_app.config["SECRET_KEY"], survey.slug)
    form = _with_fresh_csrf(form_class, form)
    return _render_form(survey, definition, form, camp, 400,
                        "This page timed out, so nothing was sent. Your answers are still "
                        "here: check them and press Send again.")


def _with_fresh_csrf(form_class, answered):
    """A form holding the posted answers and a fresh CSRF token."""
    fresh = form_class(formdata=None)
    for name, field in answered._fields.items():
        if name != "csrf_token":
            fresh[name].data = field.data
    return fresh


from . import admin_routes, results_routes, safeguarding_review  # noqa: E402,F401 - staff pages
