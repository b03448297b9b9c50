"""What test_leak_posts.py posts and how it checks a post: the bodies of the POST
routes without an id in the path, the routes it does not post (with the reason),
and the before/after picture of every table, read as the tables' owner (who sees
every council's rows on PostgreSQL as well)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from html.parser import HTMLParser

from sqlalchemy import select
from sqlalchemy.engine import Engine

# Path arguments that name a row (an id, a token, a code, a reference): a POST route with
# one of them is test_leak_more.py's (posted with B's ids), not this walk's.
ID_ARGS = ("id", "token", "code", "ref", "number")
# The survey slug both councils have: A's post must reach A's survey, never B's.
SLUG = "youth"
A_HOST = "http://a.example"
# A's county (tests/tenancy/leak_support.py): a point inside A's first LSOA and ward.
A_POINT = (353_500, 250_200)
A_LSOA = "E01000001"  # A's own area: a travel time from it to B's club must be refused

NOT_POSTED = {
    "auth.logout": "signs the walker out and writes nothing",
    "auth.login": "a sign-in, not a staff post: test_b_cannot_sign_in_on_as_host checks "
                  "that B's account and password do not sign in on A's host",
}


def is_walked(rule) -> bool:
    """A POST route whose path names no row (its arguments, if any, are slugs)."""
    if "POST" not in rule.methods or rule.endpoint == "static":
        return False
    return not any(arg == name or arg.endswith("_" + name) for arg in rule.arguments
                   for name in ID_ARGS)


@dataclass
class Post:
    """A route's form: ``data(ids)`` with A's ids (or B's, when ``with_b`` says the body
    names rows and may be tried with B's), the table a real post adds a row to
    (None: a post that changes a row or starts work but adds none)."""

    data: object
    adds: str | None = None
    with_b: bool = False
    note: str = ""


def _lat_lon(x: float, y: float) -> tuple[str, str]:
    from app.geodata.crs import BNG, WGS84, transformer

    lon, lat = transformer(BNG, WGS84).transform(x, y)
    return f"{lat:.6f}", f"{lon:.6f}"


def _file(text: str, name: str):
    return (io.BytesIO(text.encode()), name)


def _xlsform():
    from tests.survey.xlsform_helpers import workbook

    return (io.BytesIO(workbook()), "clubs.xlsx")


def _service_form(ids, role):
    lat, lon = _lat_lon(*A_POINT)
    return {"name": f"Walked {role} club", "service_type": "sport", "cost_model": "free",
            "place": "point", "latitude": lat, "longitude": lon, "status": "active",
            "sessions-0-day": "2", "sessions-0-start": "18:00", "sessions-0-end": "20:00"}


BODIES: dict[str, Post] = {
    "admin.users": Post(lambda ids, role: {
        "email": f"walked-{role}@ashcombe.example", "role": "councillor",
        "password": "lantern orbit kettle river"}, adds="user_account"),
    "admin.publish": Post(lambda ids, role: {}, adds="published_snapshot"),
    "admin.geodata_import": Post(lambda ids, role: {
        "code": "E06000019", "files": _file("not,a,council\n", "bad.csv")},
        note="a whole council's files are tests/geodata's: here one bad file is refused"),
    "survey.admin_surveys": Post(lambda ids, role: {"xlsform": _xlsform()}, adds="survey"),
    "survey.admin_waves": Post(lambda ids, role: {
        "name": "walked", "opens_on": "2026-01-01", "closes_on": "2026-06-30"},
        adds="survey_wave"),
    "main.choose_ward": Post(lambda ids, role: {"ward": ids["ward_code"]}, with_b=True),
    "directory.import_buildings": Post(lambda ids, role: {"file": _file(
        "name,uprn,easting,northing,kind,notes\n"
        f"Walked hall {role},{9000 + len(role)},{A_POINT[0]},{A_POINT[1]},village hall,\n",
        "buildings.csv")}, adds="building"),
    "directory.edit_building": Post(lambda ids, role: {
        "name": f"Walked library {role}", "uprn": str(8000 + len(role)),
        "easting": str(A_POINT[0]), "northing": str(A_POINT[1]), "kind": "library"},
        adds="building"),
    "directory.import_services": Post(lambda ids, role: {"file": _file(
        "name,service_type,cost_model,easting,northing\n"
        f"Walked import {role},sport,free,{A_POINT[0]},{A_POINT[1]}\n", "services.csv")},
        adds="service"),
    "directory.new_service": Post(_service_form, adds="service"),
    "partners.edit_listing": Post(_service_form, adds="listing_change"),
    "partners.import_listings": Post(lambda ids, role: {"file": _file(
        "name,service_type,cost_model,easting,northing\n"
        f"Walked listing {role},sport,free,{A_POINT[0]},{A_POINT[1]}\n", "listings.csv")},
        adds="listing_change"),
    "partners.organisations": Post(lambda ids, role: {
        "name": f"Walked trust {role}", "kind": "charity"}, adds="organisation"),
    "planning.create_scenario": Post(lambda ids, role: {"name": f"Walked plan {role}"},
                                     adds="scenario"),
    "planning.create_cliff_scenario": Post(lambda ids, role: {}, adds="scenario"),
    "planning.compute_journeys": Post(lambda ids, role: {"limit": "30"},
                                      adds="background_job"),
    "survey.campaigns": Post(lambda ids, role: {
        "action": "add", "name": f"Walked fair {role}", "kind": "event"}, adds="campaign"),
    "survey.take": Post(lambda ids, role: {
        "area": ids["ward_code"], "age_band": "13-15", "wishes": "sport",
        "barriers": "cost", "anything_else": f"walked-{role} words"},
        adds="response", with_b=True),
    "survey.themes_suggest": Post(lambda ids, role: {}),
    "gaps.travel_times": Post(lambda ids, role: {"mode": "bus", "file": _file(
        f"from_code,to_kind,to_id,minutes\n{A_LSOA},service,{ids['service']},25\n",
        "times.csv")}, adds="travel_time", with_b=True),
    "national_admin.councils": Post(lambda ids, role: {
        "code": "E06000002", "name": "Walked Council"},
        note="the national admin's page: council staff are refused"),
}


# --- the picture of every table ---------------------------------------------------------

def picture(engine: Engine) -> dict[str, dict[tuple, dict]]:
    """Every row of every table, by primary key: {table: {key: row}} (as the owner)."""
    from app.models import Base

    out = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            keys = [c.name for c in table.primary_key.columns]
            out[table.name] = {tuple(r[k] for k in keys): dict(r)
                               for r in conn.execute(select(table)).mappings()}
    return out


def changes(before: dict, after: dict, a_id: int, b_id: int) -> list[str]:
    """What a post by A may not do: change, add or remove a row of B, add a row of
    any council but A, touch the councils, or add a row of A that points at a row of
    another council."""
    from app.models import Base

    problems = []
    if before["council"] != after["council"]:
        problems.append("the council table changed")
    owner_of = {name: {k: r.get("council_id") for k, r in rows.items()}
                for name, rows in after.items()}
    for table in Base.metadata.sorted_tables:
        if "council_id" not in table.c:
            continue
        old, new = before[table.name], after[table.name]
        b_old = {k: r for k, r in old.items() if r["council_id"] == b_id}
        b_new = {k: r for k, r in new.items() if r["council_id"] == b_id}
        if b_old != b_new:
            problems.append(f"{table.name}: B's rows changed")
        added = [new[k] for k in new.keys() - old.keys()]
        problems += [f"{table.name}: a new row of council {r['council_id']}"
                     for r in added if r["council_id"] != a_id]
        for fk in table.foreign_key_constraints:
            if len(fk.elements) != 1 or "council_id" not in fk.referred_table.c:
                continue
            column, target = fk.elements[0].parent.name, fk.elements[0].column
            if list(fk.referred_table.primary_key.columns) != [target]:
                continue
            for row in added:
                value = row[column]
                if value is not None and owner_of[fk.referred_table.name].get((value,)) != a_id:
                    problems.append(f"{table.name}.{column} = {value}: a row of another "
                                    f"council ({fk.referred_table.name})")
    return problems


def added_rows(before: dict, after: dict, table: str) -> int:
    return len(after[table].keys() - before[table].keys())


class _Forms(HTMLParser):
    """The fields of the POST form whose action is ``action`` (or has none), with the
    values a person leaving everything as shown would send."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.select = action, False, None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            target = (a.get("action") or "").split("?")[0]
            self.inside = (a.get("method") or "").lower() == "post" and (
                not target or target.endswith(self.action))
        elif not self.inside or not a.get("name"):
            if tag == "option" and self.inside and self.select:
                self.fields.setdefault(self.select, a.get("value") or "")
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.fields.setdefault(a["name"], a.get("value") or "y")
            elif kind not in ("file", "submit"):
                self.fields.setdefault(a["name"], a.get("value") or "")
        elif tag == "select":
            self.select = a["name"]
        elif tag == "textarea":
            self.fields.setdefault(a["name"], "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


def form_defaults(client, url: str) -> dict:
    """What the page at ``url`` offers to post back to it (empty for a POST-only route)."""
    page = client.get(url, base_url=A_HOST)
    if page.status_code != 200 or page.mimetype != "text/html":
        return {}
    parser = _Forms(url)
    parser.feed(page.get_data(as_text=True))
    return parser.fields
