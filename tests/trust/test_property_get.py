"""Property test: arbitrary query parameters at every GET route never give a 500
(issue 12, "no parameter gives a 500").

The parameter names are read from the app itself (every ``args.get("...")``,
``arg_int``/``arg_float`` call and every field of a GET form), and every name
is thrown at every GET route in ``app.url_map``, as each role allowed to see
it and anonymously, with the values that used to crash: ``1e309``, ``inf``,
``nan``, forty digits, ``%`` and arbitrary text; integer path arguments get
ids no table can hold.  A refusal must be a 4xx (or the page again) with a
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
from .test_property_forms import NUMBERS, TEXT, arg_values

EXAMPLES = 8 if settings.default.derandomize else 80  # HYPOTHESIS_PROFILE=explore: more
NASTY = st.sampled_from(["1e309", "-1e309", "inf", "-Infinity", "nan", "NaN", "9" * 40,
                         "-" + "9" * 40, "1%", "100%", "%(min)s", "%s", "1e-400", "0x1p10",
                         "3.5", "", " ", "£5", "1,000", "١٢", "\u202e5"])
VALUE = st.one_of(NASTY, NUMBERS, TEXT)
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
    query = st.dictionaries(st.sampled_from(names),
                            st.one_of(VALUE, st.lists(VALUE, min_size=2, max_size=3)),
                            min_size=1, max_size=6)
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
