"""The youth voice survey: taking it (the staff pages are imported at the end).

Each view parses the request, calls one function of :mod:`app.survey.service`
and renders the page it returns.  The blank survey and thank-you pages, the
same for every anonymous visitor, are rendered once and shared (:func:`_shared_page`).
"""

from __future__ import annotations

import secrets

from flask import (
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf

from ..access import public
from ..i18n import _
from . import bp
from . import service as svc

CHILDLINE = "0800 1111"


@bp.route("/survey")
@public
def start():
    """The landing page for the current default survey."""
    slug = svc.default_slug()
    if slug is None:
        return render_template("survey/none.html"), 404
    return redirect(url_for("survey.take", slug=slug))


@bp.route("/survey/<slug>", methods=["GET", "POST"])
@public
def take(slug):
    """Fill in a survey (no account, works without JavaScript)."""
    return _show(svc.take(slug, None, posting=request.method == "POST"))


@bp.route("/survey/<slug>/c/<code>", methods=["GET", "POST"])
@public
def campaign(slug, code):
    """A school's, club's or event's own link to a survey."""
    return _show(svc.take(slug, code, posting=request.method == "POST"))


def _render_form(page, form, status=200, problem=None):
    survey, camp = page.survey, page.campaign
    action = (url_for("survey.campaign", slug=survey.slug, code=camp.code) if camp
              else url_for("survey.take", slug=survey.slug))
    return render_template("survey/take.html", survey=survey, definition=page.definition,
                           form=form, campaign=camp, action=action, problem=problem,
                           childline=CHILDLINE), status


def _show(page):
    """The page :func:`app.survey.service.take` decided on, rendered."""
    if page.closed:
        return render_template("survey/closed.html", survey=page.survey,
                               definition=page.definition, opens_on=page.opens_on,
                               today=page.today, childline=CHILDLINE)
    if page.sent and page.not_kept:  # this young person's own page: never shared
        return render_template("survey/thanks.html", survey=page.survey, childline=CHILDLINE,
                               not_kept=page.not_kept)
    if page.sent:
        return (_shared_page(page, ("thanks",), lambda: render_template(
            "survey/thanks.html", survey=page.survey, childline=CHILDLINE))
            or render_template("survey/thanks.html", survey=page.survey, childline=CHILDLINE))
    if page.form is not None:  # answers sent back: to correct, or to send again
        return _render_form(page, page.form, page.status, page.problem)
    camp = page.campaign
    shared = _shared_page(page, ("form", camp.id if camp else None, camp.name if camp else None),
                          lambda: _blank_form_page(page))
    if shared is not None:
        csrf = generate_csrf() if current_app.config.get("WTF_CSRF_ENABLED", True) else ""
        return shared.replace(_TOKEN_MARK, page.token).replace(_CSRF_MARK, csrf)
    return _render_form(page, page.blank_form(page.token))


# Stand-ins for the per-visitor tokens in a shared page (random per process, so no
# survey text can contain them).
_TOKEN_MARK = "submission-" + secrets.token_hex(16)
_CSRF_MARK = "csrf-" + secrets.token_hex(16)


def _shared_page(page, name: tuple, render) -> str | None:
    """A page that is the same for every anonymous visitor, rendered once per survey
    revision and data version and kept per process; ``None`` when it cannot be shared.

    Staff (whose navigation differs), a visitor with a message waiting to be shown,
    and a page that asked for a CSP nonce (which must be new on every response) all
    get a page rendered for them.  Young people on the survey and thank-you pages,
    the pages a whole school opens at once, get the shared copy.
    """
    if current_user.is_authenticated or "_flashes" in session:
        return None
    if any(arg != "lang" for arg in request.args):  # pages with other query args: not shared
        return None
    key = ("page", *name, *page.cache_key)
    cache = svc.cache()
    html = cache.get(key)
    if html is None:
        had_nonce = "yvm.csp_nonce" in request.environ
        html = render()
        if not had_nonce and "yvm.csp_nonce" in request.environ:
            return None
        cache[key] = html
    return html


def _blank_form_page(page) -> str:
    form = page.blank_form(_TOKEN_MARK)
    if getattr(form, "csrf_token", None) is not None:
        form.csrf_token.current_token = _CSRF_MARK
    html, _status = _render_form(page, form)
    return html


@bp.errorhandler(CSRFError)
def csrf_refused(error):
    """A survey POST without a valid CSRF token stores nothing; answers stay on the page."""
    slug = (request.view_args or {}).get("slug")
    if request.endpoint not in ("survey.take", "survey.campaign") or not slug:
        return render_template("errors/error.html", code=400,
                               title=_("Something was wrong with that request"),
                               message=_("Please go back and try again."),
                               detail=error.description), 400
    page = svc.refused(slug, (request.view_args or {}).get("code"))
    return _render_form(page, page.form, page.status, page.problem)


from . import (  # noqa: E402,F401 - staff pages, and the public "You said, we did"
    admin_routes,
    results_routes,
    safeguarding_routes,
    themes_routes,
    yousaid_routes,
)
