"""Property test: arbitrary query parameters at every GET route never give a 500
(issue 12, "no parameter gives a 500").

The parameter names are read from the app itself (every ``args.get("...")``,
``arg_int``/``arg_float`` call and every field of a GET form), and every name
is thrown at every GET route in ``app.url_map``, as each role allowed to see
it and anonymously, with the values that used to crash: ``1e309``, ``inf``,
``nan``, forty digits, ``%``, only spaces (issue 30) and arbitrary text;
integer path arguments get ids no table can hold.  A refusal must be a 4xx (or the page again) with a
message, never a 5xx.
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.analysis.gaps import DEFAULT_WEIGHTS
from app.models.users import ROLES

from ..conftest import ROOT, make_user, sign_in_client
from ..gaps.seed import seed
from .sweep import SESSION_ENDING, access_of, rules
from .test_property_forms import BLANK, NUMBERS, SPACES, TEXT, arg_values

EXAMPLES = 8 if settings.default.derandomize else 80  # HYPOTHESIS_PROFILE=explore: more
NASTY = st.sampled_from(["1e309", "-1e309", "inf", "-Infinity", "nan", "NaN", "9" * 40,
                         "-" + "9" * 40, "1%", "100%", "%(min)s", "%s", "1e-400", "0x1p10",
                         "3.5", "", " ", "£5", "1,000", "١٢", "\u202e5"])
VALUE = st.one_of(NASTY, BLANK, NUMBERS, TEXT)
ID = st.sampled_from(["1", "2", "0", "9" * 40, str(2**31), str(2**63), "987654"])

_ARG_NAME = re.compile(r"""(?:args\.get(?:list)?\(|arg_(?:int|float)\(\s*[\w.]+,\s*|"""
                       r"""in request\.args.{0,40}?)["'](\w+)["']""")


def parameter_names() -> list[str]:
    names = set()
    for path in (ROOT / "app").rglob("*.py"):
        names.update(_ARG_NAME.findall(path.read_text()))
    names.update(f"w_{k}" for k in DEFAULT_WEIGHTS)
    import app.directory.forms
    import app.planning.forms

    for module in (app.planning.forms, app.directory.forms):
        for form in vars(module).values():
            if isinstance(form, type) and issubclass(form, FlaskForm) and form is not FlaskForm:
                if getattr(getattr(form, "Meta", None), "csrf", True) is False:
                    names.update(n for n, v in vars(form).items()
                                 if hasattr(v, "field_class"))
    return sorted(names)


_NUMBER_ARG = re.compile(r"""arg_(?:int|float)\(\s*[\w.]+,\s*["'](\w+)["']""")


def number_parameter_names() -> list[str]:
    """The query parameters read as numbers: ``arg_int``/``arg_float`` calls, the
    weights, and every number field of a GET form."""
    names = {f"w_{k}" for k in DEFAULT_WEIGHTS}
    for path in (ROOT / "app").rglob("*.py"):
        names.update(_NUMBER_ARG.findall(path.read_text()))
    names.update(field for form, field in _number_fields()
                 if getattr(getattr(form, "Meta", None), "csrf", True) is False)
    return sorted(names)


def path_for(rule, draw_id) -> str:
    url = rule.rule
    for conv, arg in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule):
        value = draw_id() if conv in ("int", "float") else arg_values(None, arg)[0]
        url = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?" + arg + ">", value, url, count=1)
    return url


def get_rules(app):
    for rule in rules(app):
        if rule.endpoint in SESSION_ENDING or rule.endpoint.startswith("vendor."):
            continue
        if "GET" in rule.methods:
            yield rule


def _give_the_seeded_survey_a_real_definition(db):
    """The gap seed's survey has an empty definition (its tests never open it)."""
    import json

    import yaml

    from app.models import Survey

    definition = json.loads(json.dumps(yaml.safe_load(
        (ROOT / "surveys" / "youth-voice.yaml").read_text()), default=str))
    for survey in db.session.query(Survey).filter(Survey.slug == "youth"):
        survey.definition = {**definition, "slug": "youth"}
    db.session.commit()


def throw_at(rule, roles, clients, query):
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(role=st.sampled_from(roles), params=query, data=st.data())
    def throw(role, params, data):
        url = path_for(rule, lambda: data.draw(ID))
        resp = clients[role].get(url, query_string=params)
        assert resp.status_code < 500, (
            f"GET {url} as {role} gave {resp.status_code} for {str(params)[:300]}")
        if 400 <= resp.status_code < 500:
            assert resp.get_data(as_text=True).strip(), f"GET {url}: a bare {resp.status_code}"

    throw()


def test_every_get_route_refuses_bad_query_parameters_without_a_500(app, db):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash shows as a 500, not a test error
    seed(db.session)
    _give_the_seeded_survey_a_real_definition(db)
    names = parameter_names()
    for expected in ("threshold", "k", "take_up", "page", "per_page", "max_monthly", "points"):
        assert expected in names, expected
    clients = {"anonymous": app.test_client()}
    for role in ROLES:
        user = make_user(db, role, email=f"get-{role}@example.org")
        clients[role] = sign_in_client(app.test_client(), user)
    query = st.one_of(
        st.dictionaries(st.sampled_from(names),
                        st.one_of(VALUE, st.lists(VALUE, min_size=2, max_size=3)),
                        min_size=1, max_size=6),
        # One or two parameters left blank, the rest at their defaults: another
        # bad value beside them would stop the page before the blank is used.
        st.dictionaries(st.sampled_from(names), BLANK, min_size=1, max_size=2))
    swept = []
    for rule in get_rules(app):
        access = access_of(app, rule)
        roles = ["anonymous", *(access if isinstance(access, tuple) else ("admin",))]

        throw_at(rule, roles, clients, query)
        swept.append(rule.endpoint)
    assert {"gaps.map_page", "gaps.evidence", "planning.sites", "planning.subsidy",
            "directory.index", "directory.api_services"} <= set(swept)
    print(f"swept {len(swept)} GET routes with {len(names)} parameter names")


def test_the_numbers_that_used_to_crash_get_a_message(app, db, auth):
    """Each finding of issue 12 by name: a 4xx or the form again, with the message."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    seed(db.session)
    db.session.commit()
    client = auth.client
    auth.login_as("commissioner")
    for value in ("1e309", "inf", "9" * 40, "nan"):
        for url in ("/map", "/gaps", "/evidence", "/gaps.csv", "/api/v1/gaps"):
            resp = client.get(url, query_string={"threshold": value})
            assert resp.status_code == 400, (url, value, resp.status_code)
            assert "Enter a travel time from 5 to 120 minutes." in resp.get_data(as_text=True), url
        resp = client.get("/planning/sites", query_string={"k": value})
        assert resp.status_code in (200, 400) and "Between 1 and 20 sites" in resp.get_data(
            as_text=True), (value, resp.status_code)
    resp = client.get("/planning/subsidy", query_string={"take_up": "500"})
    assert resp.status_code in (200, 400)
    assert "Between 1% and 100%" in resp.get_data(as_text=True)
    assert client.get("/directory", query_string={"page": "9" * 40}).status_code == 200
    assert client.get("/api/v1/services", query_string={"page": "9" * 40}).status_code == 400
    assert client.get("/admin/audit", query_string={"page": "9" * 40}).status_code in (200, 403)
    assert client.get("/planning/scenarios/" + "9" * 40).status_code == 404


def test_blank_numbers_get_the_fields_own_message(app, db, auth):
    """Issue 30 by name: ``/planning/sites?k=%20`` and ``threshold=%20`` gave a 500
    (only spaces passed "give a number" and reached the analysis as nothing)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    seed(db.session)
    db.session.commit()
    client = auth.client
    auth.login_as("commissioner")
    cases = [("/planning/sites", {}, "k", "Give how many sites"),
             ("/planning/sites", {}, "threshold", "Give the travel threshold"),
             ("/planning/subsidy", {"deciles": "1"}, "take_up", "Give the take-up"),
             ("/planning/subsidy", {"deciles": "1"}, "threshold", "Give the travel threshold")]
    for url, rest, name, message in cases:
        for blank in ("", " ", "\t", "\u00a0", "\u3000 \n"):
            resp = client.get(url, query_string={**rest, name: blank})
            assert resp.status_code == 400, (url, name, repr(blank), resp.status_code)
            assert message in resp.get_data(as_text=True), (url, name, repr(blank))
    # A parameter with a default takes its default when blank, as when empty.
    for url in ("/map", "/gaps", "/evidence", "/api/v1/gaps"):
        for name in ("threshold", "max_monthly", "w_reach"):
            for blank in ("", " ", "\u00a0"):
                resp = client.get(url, query_string={name: blank})
                assert resp.status_code == 200, (url, name, repr(blank), resp.status_code)


def _number_fields():
    import importlib

    from app.number_fields import _Bounded

    for name in ("app.auth.forms", "app.directory.forms", "app.main.forms",
                 "app.partners.forms", "app.planning.forms", "app.survey.forms"):
        module = importlib.import_module(name)
        for form in vars(module).values():
            if not (isinstance(form, type) and issubclass(form, FlaskForm)
                    and form.__module__ == name):
                continue
            for field in dir(form):
                if issubclass(getattr(getattr(form, field), "field_class", object), _Bounded):
                    yield form, field


def test_every_number_field_takes_only_spaces_as_an_empty_box(app):
    """The class behind issue 30, for every number field of every form (GET and
    POST): only spaces give the same value and the same message as nothing."""
    from werkzeug.datastructures import MultiDict

    fields = list(_number_fields())
    assert {("SitesForm", "k"), ("SitesForm", "threshold"), ("SubsidyForm", "take_up")} <= {
        (form.__name__, field) for form, field in fields}
    with app.test_request_context():
        for form_class, name in fields:
            seen = {}
            for raw in ("", " ", "\t\n", SPACES):
                form = form_class(MultiDict({name: raw}), meta={"csrf": False})
                form[name].validate(form)
                seen[raw] = (form[name].data, form[name].errors)
            assert len({repr(v) for v in seen.values()}) == 1, (form_class.__name__, name, seen)


def test_blank_query_numbers_take_the_default(app):
    from app.number_input import arg_float, arg_int

    for raw in ("", " ", "\t", SPACES):
        errors = {}
        assert arg_int({"n": raw}, "n", 7, 1, 10, errors=errors) == 7
        assert arg_float({"n": raw}, "n", 2.5, 0, 10, errors=errors) == 2.5
        assert errors == {}


def test_every_get_route_takes_blank_numbers_without_a_500(app, db, auth):
    """Every number parameter left blank at once (each with other spaces), at
    every GET route as a role that may open it: never a 500 (issue 30)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    seed(db.session)
    _give_the_seeded_survey_a_real_definition(db)
    names = number_parameter_names()
    assert {"k", "threshold", "take_up", "cap", "page", "max_monthly", "w_reach"} <= set(names)
    blanks = [" ", "\t", "\u00a0", "\u3000", " \n ", SPACES]
    query = {name: blanks[i % len(blanks)] for i, name in enumerate(names)}
    client = auth.client
    for rule in get_rules(app):
        access = access_of(app, rule)
        auth.logout()
        if isinstance(access, tuple):
            auth.login_as(access[0])
        url = path_for(rule, lambda: "1")
        resp = client.get(url, query_string=query)
        assert resp.status_code < 500, f"GET {url} gave {resp.status_code} for blank numbers"
        if 400 <= resp.status_code < 500:
            assert resp.get_data(as_text=True).strip(), f"GET {url}: a bare {resp.status_code}"
