"""Every URL rule the app registers is guarded, and each role gets what it should."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from app.models import ROLES

FLASK_BUILTIN = {"static"}
# Visiting these would end the signed-in session mid-sweep; tested on their own.
SESSION_ENDING = {"auth.logout"}


def _url_for_rule(rule) -> str:
    url = rule.rule
    for conv, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", url):
        value = "1" if conv in ("int", "float") else "x"
        url = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?" + name + ">", value, url, count=1)
    return url


def _rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in FLASK_BUILTIN:
            continue
        yield rule


def _method(rule) -> str:
    return "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]


def test_every_view_declares_who_may_see_it(app):
    unguarded = []
    for rule in _rules(app):
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "access_roles", None)
        if roles != "public" and not (isinstance(roles, tuple) and roles):
            unguarded.append(f"{rule.rule} ({rule.endpoint})")
    assert not unguarded, "views with no @public or @roles_required: " + ", ".join(unguarded)


def test_anonymous_visitor_is_sent_to_login_from_every_staff_page(app, client):
    """Also: no page an anonymous visitor opens references another host (see
    ``_no_other_hosts``)."""
    checked = 0
    for rule in _rules(app):
        roles = app.view_functions[rule.endpoint].access_roles
        url = _url_for_rule(rule)
        resp = client.open(url, method=_method(rule))
        _no_other_hosts(rule, resp, None)
        if roles == "public":
            assert resp.status_code < 500, f"{url} gave {resp.status_code}"
            assert "/login?next=" not in resp.headers.get("Location", ""), url
            continue
        checked += 1
        if url.startswith("/api/"):
            assert resp.status_code == 401, f"{url} gave {resp.status_code} to an anonymous visitor"
        else:
            assert resp.status_code == 302, f"{url} gave {resp.status_code} to an anonymous visitor"
            assert "/login" in resp.headers["Location"], url
    assert checked >= 3


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_its_pages_and_403_elsewhere(app, client, auth, role):
    """Also: no page the role opens references another host (see ``_no_other_hosts``)."""
    auth.login_as(role)
    for rule in _rules(app):
        if rule.endpoint in SESSION_ENDING:
            continue
        roles = app.view_functions[rule.endpoint].access_roles
        url = _url_for_rule(rule)
        resp = client.open(url, method=_method(rule))
        _no_other_hosts(rule, resp, role)
        assert resp.status_code < 500, f"{url} as {role} gave {resp.status_code}"
        if roles == "public":
            continue
        if role in roles:
            assert resp.status_code != 403, f"{url} refused {role}, who is allowed"
            assert "/login" not in resp.headers.get("Location", ""), url
        else:
            assert resp.status_code == 403, f"{url} gave {resp.status_code} to {role}, not allowed"


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in {"script": "src", "link": "href", "img": "src", "iframe": "src",
                    "source": "src", "video": "src", "audio": "src"}.get(tag, "").split():
            if attrs.get(key):
                self.refs.append(attrs[key])
        if tag == "iframe" and attrs.get("srcdoc"):
            inner = _Refs()
            inner.feed(attrs["srcdoc"])
            self.refs.extend(inner.refs)


def external_refs(html: str) -> list[str]:
    parser = _Refs()
    parser.feed(html)
    found = [r for r in parser.refs if re.match(r"^(https?:)?//", r) and "localhost" not in r]
    # Inline script and CSS bodies can load assets too (folium does).
    found += re.findall(r"""["'(](https?://[^"')\s]+\.(?:js|css|png|woff2?|ttf)\b)""", html)
    return found


def _no_other_hosts(rule, resp, role) -> None:
    """No HTML page (every GET rule but the vendored files, as the anonymous visitor and as
    each role) references another host.  Checked on the responses the two sweeps above
    get anyway, instead of a third sweep requesting every page again for each role."""
    if "GET" not in rule.methods or rule.endpoint.startswith("vendor."):
        return
    if resp.status_code != 200 or "html" not in resp.content_type:
        return
    bad = external_refs(resp.get_data(as_text=True))
    assert not bad, f"{rule.rule} as {role} references other hosts: {bad}"


def test_partner_accounts_reach_only_the_partner_pages(app, client, auth):
    """A partner (someone at another organisation) is not council staff: the only
    signed-in pages open to them are their own partner pages, and every other staff page
    answers 403."""
    opened = sorted(rule.rule for rule in _rules(app)
                    if isinstance(app.view_functions[rule.endpoint].access_roles, tuple)
                    and "partner" in app.view_functions[rule.endpoint].access_roles)
    assert opened and all(r == "/partner" or r.startswith("/partner/") for r in opened), opened
    auth.login_as("partner")
    for url in ("/dashboard", "/directory/manage", "/partners", "/partners/review",
                "/admin/users", "/gaps", "/evidence"):
        assert client.get(url).status_code == 403, url
