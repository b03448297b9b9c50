"""Property test: arbitrary input at every form and API never gives a 500 or a
half-stored record.

Walks ``app.url_map`` for every rule that takes POST (or PUT/PATCH/DELETE),
signs in as a role allowed to use it, reads the field names from the page's own
form when it has one, and lets Hypothesis throw text, numbers, unicode, huge
values, repeated and missing fields (and, at ``/api/``, arbitrary JSON).  A
refused request (4xx, or the form shown again with its error summary) must leave
every table exactly as it was.  CSRF and rate limits are off here so that the
input reaches the validation code.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..conftest import ROOT
from .sweep import SESSION_ENDING, access_of, rules, table_counts

EXAMPLES = 20 if settings.default.derandomize else 200  # HYPOTHESIS_PROFILE=explore: more

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
HUGE = st.sampled_from([
    "x" * 100_000, "🎉" * 20_000, "<script>alert(1)</script>" * 2_000,
    "9" * 5_000, "\u202e" * 1_000, "a\x00b", "Robert'); DROP TABLE response;--",
])
NUMBERS = st.one_of(st.integers(min_value=-(10**20), max_value=10**20).map(str),
                    st.floats(allow_nan=True, allow_infinity=True).map(repr),
                    st.sampled_from(["0", "-1", "1e309", "NaN", "0x10", " 7 ", "٣"]))
# Only spaces (issue 30: ``k=%20`` gave a 500 where ``k=`` gave the field's message):
# every character Python's ``str.strip()`` removes, up to the ideographic space.
SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
BLANK = st.text(st.sampled_from(SPACES), min_size=1, max_size=4)
VALUE = st.one_of(TEXT, NUMBERS, HUGE, st.just(""), BLANK)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**18), max_value=10**18)
    | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(TEXT, kids, max_size=4),
    max_leaves=12)


class FormFields(HTMLParser):
    """Names (and offered values) of a page's form fields."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, set[str]] = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag in ("input", "textarea", "select", "button") and name:
            values = self.fields.setdefault(name, set())
            if attrs.get("value") is not None:
                values.add(attrs["value"])
            if tag == "select":
                self._select = name
        if tag == "option" and self._select and attrs.get("value") is not None:
            self.fields[self._select].add(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def arg_values(app, name: str) -> list[str]:
    """Plausible values for a string URL argument, so the real form is reached."""
    if name == "slug":
        return [p.stem for p in sorted((ROOT / "surveys").glob("*.y*ml"))] or ["x"]
    return ["x"]


def example_url(app, rule) -> str:
    url = rule.rule
    for conv, arg in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule):
        value = "1" if conv in ("int", "float") else arg_values(app, arg)[0]
        url = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?" + arg + ">", value, url, count=1)
    return url


def post_rules(app):
    for rule in rules(app):
        if rule.endpoint in SESSION_ENDING or rule.endpoint.startswith("vendor."):
            continue
        if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}:
            yield rule


def refused(resp) -> bool:
    if resp.status_code >= 400:
        return True
    body = resp.get_data(as_text=True) if "html" in (resp.content_type or "") else ""
    return 'class="error-summary"' in body


def payloads(fields: dict[str, set[str]]):
    names = sorted(fields)
    offered = {n: sorted(v) for n, v in fields.items() if v}

    def value_for(name):
        if offered.get(name):
            return st.one_of(st.sampled_from(offered[name]), VALUE)
        return VALUE

    known = (st.fixed_dictionaries({}, optional={n: st.one_of(value_for(n),
                                                               st.lists(value_for(n), max_size=3))
                                                 for n in names})
             if names else st.just({}))
    extra = st.dictionaries(TEXT.filter(bool), VALUE, max_size=3)
    return st.tuples(known, extra).map(lambda pair: {**pair[1], **pair[0]})


def throw_at(client, db, url, method, is_api, fields):
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(form=payloads(fields), body=JSON, as_json=st.booleans())
    def throw(form, body, as_json):
        before = table_counts(db)
        if is_api and as_json:
            resp = client.open(url, method=method, json=body)
        else:
            resp = client.open(url, method=method, data=form)
        assert resp.status_code < 500, (
            f"{method} {url} gave {resp.status_code} for {str(form)[:300]}")
        if refused(resp):
            after = table_counts(db)
            assert after == before, (
                f"{method} {url} refused the input ({resp.status_code}) but changed "
                f"{ {k: (before[k], after[k]) for k in after if after[k] != before[k]} }")

    throw()


def test_arbitrary_input_never_gives_a_500_or_a_half_stored_record(app, db, client, auth):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash shows as a 500, not a test error
    swept = []
    for rule in post_rules(app):
        roles = access_of(app, rule)
        auth.logout()
        if isinstance(roles, tuple):
            auth.login_as(roles[0])
        url = example_url(app, rule)
        fields: dict[str, set[str]] = {}
        if "GET" in rule.methods:
            page = client.get(url)
            if "html" in (page.content_type or ""):
                parser = FormFields()
                parser.feed(page.get_data(as_text=True))
                fields = parser.fields
        method = sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"})[0]
        throw_at(client, db, url, method, url.startswith("/api/"), fields)
        swept.append(rule.endpoint)
    assert "auth.login" in swept
    print("swept:", ", ".join(swept))


def test_nul_characters_are_refused_with_a_reason_before_any_view(app, db, client, auth):
    """Found by the property test: PostgreSQL cannot store NUL, so a NUL in any
    field made a form crash half-way.  Now every request carrying one gets a 400."""
    before = table_counts(db)
    resp = client.post("/login", data={"email": "a\x00@example.org", "password": "x"})
    assert resp.status_code == 400
    assert "hidden character" in resp.get_data(as_text=True)
    assert client.get("/?q=%00").status_code == 400
    auth.login_as("admin")
    assert client.post("/api/anything", json={"a": ["b\x00"]}).status_code == 400
    after = table_counts(db)
    assert after.pop("user_account") == before.pop("user_account") + 1  # the admin signed in
    assert after == before
