"""The youth voice survey: taking it, campaigns, results and the safeguarding queue."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..access import public
from ..extensions import db
from ..models import Campaign
from .forms import build_form_class, read_answers
from .safeguarding import DEFAULT_INDICATORS, load_indicators
from .store import (
    area_choices,
    area_level,
    current_survey_and_version,
    default_survey,
    definition_of,
    example_postcode,
    is_open,
    issue_token,
    open_dates,
    store_response,
    token_key,
)

bp = Blueprint("survey", __name__)

CHILDLINE = "0800 1111"


def today():
    return datetime.now(UTC).date()


def indicators():
    path = (current_app.config.get("SAFEGUARDING_INDICATORS_FILE")
            or os.environ.get("SAFEGUARDING_INDICATORS_FILE") or DEFAULT_INDICATORS)
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


def _cache() -> dict:
    """This app's per-process cache of built survey forms (see :func:`_context`)."""
    cache = current_app.extensions.setdefault("survey_forms", {})
    if len(cache) > 64:  # old data versions or edited definitions: start again
        cache.clear()
    return cache


def _data_version():
    return g.get("survey_data_version")


def _context(slug, camp):
    """The survey, its definition, the area level and its form class.

    One query per request: the survey row with the data version.  The parsed
    definition, the area list and the built form class are cached per process,
    keyed on the survey row, its definition and the data version (which changes
    whenever areas or postcodes change), so an edit shows at once everywhere.
    """
    survey, version = current_survey_and_version(db.session, slug)
    if survey is None:
        abort(404, description="There is no survey at this address.")
    definition = definition_of(survey)
    cache = _cache()
    key = ("form", survey.id, definition, version)
    built = cache.get(key)
    if built is None:
        areas_key = ("areas", version)
        areas = cache.get(areas_key)
        if areas is None:
            level = area_level(db.session)
            areas = cache[areas_key] = (level, area_choices(db.session, level),
                                        example_postcode(db.session))
        level, choices, example = areas
        built = cache[key] = (level, build_form_class(definition, choices, example))
    level, form_class = built
    g.survey_data_version = version
    return survey, definition, level, form_class


def _render_form(survey, definition, form, camp, status=200, problem=None):
    action = (url_for("survey.campaign", slug=survey.slug, code=camp.code) if camp
              else url_for("survey.take", slug=survey.slug))
    questions_html = None
    if status == 200 and problem is None and not form.errors and request.method == "GET":
        # A blank form's questions are the same for everyone: render them once per
        # survey version and data version (the tokens are outside this part).
        key = ("html", survey.id, definition, _data_version())
        cache = _cache()
        questions_html = cache.get(key)
        if questions_html is None:
            questions_html = cache[key] = Markup(render_template(
                "survey/_questions.html", definition=definition, form=form,
                childline=CHILDLINE))
    return render_template("survey/take.html", survey=survey, definition=definition,
                           form=form, campaign=camp, action=action, problem=problem,
                           childline=CHILDLINE, questions_html=questions_html), status


def _take(slug, camp):
    survey, definition, level, form_class = _context(slug, camp)
    if not is_open(survey, definition, today()):
        opens_on, _closes_on = open_dates(survey, definition)
        return render_template("survey/closed.html", survey=survey, definition=definition,
                               opens_on=opens_on, today=today(), childline=CHILDLINE)
    secret = current_app.config["SECRET_KEY"]
    form = form_class()
    if request.method == "GET":
        form.submission_token.data = issue_token(secret, survey.slug)
        return _render_form(survey, definition, form, camp)

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
    return render_template("survey/thanks.html", survey=survey, childline=CHILDLINE)


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


from . import admin, results  # noqa: E402,F401 - registers the staff pages on bp
