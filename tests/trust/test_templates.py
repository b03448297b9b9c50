"""No name is ever code (issue 30): text in a map is never rendered as a template.

folium and branca rendered each map element's output as a new Jinja template, so a
building called ``Library {{lipsum.__globals__.os.popen(...).read()}}`` ran a shell
command on the server when anyone opened a page with a map near it.  These tests hold
the fix (:mod:`app.maps.literal`) from three sides:

* the mechanism: branca's ``Element`` keeps text as text in any process that imported
  :mod:`app.maps`, and every module that draws a folium map renders it only through
  :func:`app.maps.page.page_parts`, which checks the guard first;
* each map builder given every template payload shows it back as text;
* every page and download of a county whose every name (areas of every level, services,
  venues, organisations, buildings, a campaign, a scenario, a typed candidate site) is a
  template payload, anonymously and as every role: never a 5xx, never anything an
  evaluated payload leaves, and the payloads shown as text where the page shows names.
  (``tests/trust/test_browser_hostile.py`` opens the map pages with the same payloads in
  chromium.)
"""

from __future__ import annotations

import ast
import html
import io
import json
import re
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from branca.element import Div, Element, Figure
from sqlalchemy import select

from app.maps import literal
from app.models import Area, Building, Organisation, Service
from app.models.users import ROLES

from ..conftest import ROOT, make_user, sign_in_client
from ..county import County
from . import test_hostile_maps as hostile_maps
from .hostile import EVALUATED, TEMPLATE_PAYLOADS
from .sweep import SESSION_ENDING, access_of, rules, url_for_rule
from .test_browser_hostile import make_hostile


def template_name(i: int) -> str:
    return f"T{i} " + TEMPLATE_PAYLOADS[i % len(TEMPLATE_PAYLOADS)]


# -- the mechanism --------------------------------------------------------------------

def test_branca_keeps_map_output_as_text():
    for payload in TEMPLATE_PAYLOADS:
        assert Element(payload).render() == payload
    # A Div still renders its children (the one template branca passes to Element()).
    fig = Figure()
    div = Div()
    fig.add_child(div)
    div.html.add_child(Element("<p>{{ 6 * 7 }}</p>"))
    assert "<p>{{ 6 * 7 }}</p>" in div.html.render()
    assert literal.installed()


def test_a_broken_guard_stops_every_map(monkeypatch):
    from app.maps.page import page_parts
    from app.maps.service_map import point_map

    monkeypatch.setattr(Element, "__init__", literal._original_init)
    with pytest.raises(RuntimeError, match="Jinja template"):
        point_map([{"lat": 52.1, "lon": -2.7, "label": "x"}],
                  asset_url=lambda p, f: f"/v/{p}/{f}", nonce="n")
    import folium

    with pytest.raises(RuntimeError):
        page_parts(folium.Map(), lambda p, f: f"/v/{p}/{f}", "n")


def test_any_map_module_imported_alone_installs_the_guard():
    """In a fresh interpreter, importing any map builder is enough (one interpreter
    per module, all started at once: each spends seconds importing, on its own)."""
    procs = {}
    for module in ("app.maps.gap_map", "app.maps.service_map", "app.planning.maps",
                   "app.maps.page"):
        code = (f"import {module}; from branca.element import Element; "
                "print(Element('{{ 6 * 7 }}').render())")
        procs[module] = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, text=True,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for module, proc in procs.items():
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, (module, err)
        assert out.strip() == "{{ 6 * 7 }}", (module, out)


def _imports(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_every_map_is_rendered_through_page_parts():
    """Only modules of :mod:`app.maps` (whose import installs the guard) or modules that
    import from it build folium or branca elements; none but ``page.py`` renders, saves
    or shows a map, or makes a template or an ``Element`` of its own; and the pages that
    show maps get them from ``page_parts`` (which checks the guard, then renders)."""
    builders = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        source = path.read_text()
        tree = ast.parse(source)
        rel = path.relative_to(ROOT).as_posix()
        if rel in ("app/maps/page.py", "app/maps/literal.py"):
            continue
        from_maps = any(isinstance(n, ast.ImportFrom) and (
            (n.level and rel.startswith("app/maps/")) or (n.module or "").startswith(
                ("app.maps", "maps.", "..maps"))) for n in ast.walk(tree))
        from_maps = from_maps or "from ..maps" in source or "from app.maps" in source
        if _imports(tree) & {"folium", "branca"}:
            builders.append(rel)
            assert from_maps, f"{rel} builds a map without going through app.maps"
        for call in ("get_root(", "_repr_html_", ".render(", "Template(", "Element("):
            if rel.startswith(("app/maps/", "app/planning/maps.py")) or "page_parts" in source:
                assert call not in source, f"{rel} calls {call}: use app.maps.page"
    assert {"app/maps/gap_map.py", "app/maps/service_map.py", "app/planning/maps.py"} <= \
        set(builders)
    callers = {p.relative_to(ROOT).as_posix() for p in (ROOT / "app").rglob("*.py")
               if "page_parts(" in p.read_text()}
    assert callers == {"app/maps/page.py", "app/maps/service_map.py", "app/planning/maps.py",
                       "app/gaps/map_data.py"}, callers


# -- each map builder --------------------------------------------------------------------

@pytest.mark.parametrize("builder", ["test_gap_map_names_are_data",
                                     "test_service_and_buildings_map_names_are_data",
                                     "test_planning_map_names_are_data"])
def test_each_map_builder_shows_template_payloads_as_text(builder, monkeypatch):
    """The hostile-map tests again with the template payloads as the names, and nothing
    in the rendered map that an evaluated payload leaves."""
    import app.maps.page as page

    monkeypatch.setattr(hostile_maps, "NAMES", list(TEMPLATE_PAYLOADS))
    rendered = []
    real = page.page_parts

    def keep(*args, **kwargs):
        parts = real(*args, **kwargs)
        rendered.append(parts)
        return parts

    for module in ("app.maps.gap_map", "app.maps.service_map", "app.planning.maps"):
        monkeypatch.setattr(f"{module}.page_parts", keep, raising=False)
    monkeypatch.setattr(hostile_maps, "page_parts", keep)
    getattr(hostile_maps, builder)()
    assert rendered
    for parts in rendered:
        for part in ("header", "html", "script"):
            assert not EVALUATED.search(parts[part]), part


# -- every page and download -------------------------------------------------------------

_ISLAND = re.compile(r'<script type="application/json" id="\w+">(.*?)</script>', re.S)
_PDF_WAIT_S = 60


def _text_of(resp) -> str:
    """What a reader gets from a response: unescaped HTML plus the maps' data islands,
    JSON and CSV as they are, a PDF's text."""
    body = resp.get_data()
    kind = resp.mimetype or ""
    if kind == "application/pdf":
        from pypdf import PdfReader

        return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(body)).pages)
    text = body.decode("utf-8", "replace")
    if kind == "text/html":
        islands = [" ".join(json.loads(m)) for m in _ISLAND.findall(text)]
        return html.unescape(text) + "\n".join(islands)
    return text


def _clients(app, db):
    clients = {"anonymous": app.test_client()}
    for role in ROLES:
        org = db.session.query(Organisation).order_by(Organisation.id).first() \
            if role == "partner" else None
        user = make_user(db, role, email=f"tpl-{role}@example.org", organisation=org)
        clients[role] = sign_in_client(app.test_client(), user)
    return clients


def _get_urls(app, pages: dict) -> list[str]:
    urls = list(pages)
    for rule in rules(app):
        if "GET" not in rule.methods or rule.endpoint in SESSION_ENDING or \
                rule.endpoint.startswith("vendor."):
            continue
        urls.append(url_for_rule(rule))
    return list(dict.fromkeys(urls))


def _allowed(app, url: str, role: str) -> bool:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(url.split("?")[0])
    except Exception:  # noqa: BLE001 - a URL the map cannot match is tried by everyone
        return True
    access = access_of(app, app.url_map._rules_by_endpoint[endpoint][0])
    return role == "anonymous" or access == "public" or role in (access or ())


def test_no_page_or_download_evaluates_a_name(app, db):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash shows as a 500, not a test error
    pages = make_hostile(db, hostile=template_name)
    for i, org in enumerate(db.session.query(Organisation).order_by(Organisation.id)):
        org.description = "About us: " + template_name(i + 7)
        org.website = "https://example.org/" + quote(template_name(i), safe="")
    used = " ".join(db.session.scalars(select(Area.name)))
    county = County(db.session)
    for i, payload in enumerate(p for p in TEMPLATE_PAYLOADS if p not in used):
        county.parish(f"E0400000{i}", f"P{i} {payload}", bounds=(295_000, 235_000 + i * 5_000,
                                                                345_000, 240_000 + i * 5_000))
    db.session.commit()
    extra = ["/map?level=parish", "/gaps?level=parish", "/gaps.csv?level=lsoa", "/gaps.csv?level=ward", "/api/v1/gaps?level=lsoa",
             "/api/v1/gaps.geojson?level=ward", "/directory/export.json",
             "/directory/export.csv", "/api/v1/services", "/evidence.pdf?level=lsoa"]
    urls = _get_urls(app, {**pages, **dict.fromkeys(extra)})
    clients = _clients(app, db)
    shown = {role: "" for role in clients}
    for role, client in clients.items():
        for url in urls:
            if not _allowed(app, url, role):
                continue
            resp = client.get(url)
            deadline = time.monotonic() + _PDF_WAIT_S
            while resp.status_code == 202 and time.monotonic() < deadline:  # a PDF job
                resp = client.get(url)
            assert resp.status_code < 500, f"GET {url} as {role}: {resp.status_code}"
            text = _text_of(resp)
            found = EVALUATED.search(text)
            assert not found, f"GET {url} as {role} evaluated a name: {found.group(0)!r}"
            shown[role] += text
    # The names are shown as people typed them: the services' and venues' names to the
    # public; every name of the county (areas, buildings, organisations too) to a
    # commissioner, who sees every directory, gap and planning page.
    public = [n for s in db.session.query(Service) for n in (s.name, s.venue_name)
              if n and n[0] in "TP"]
    everything = public + [n for model in (Area, Building, Organisation)
                           for n in db.session.scalars(select(model.name))]
    assert {p for p in TEMPLATE_PAYLOADS if any(p in n for n in everything)} == \
        set(TEMPLATE_PAYLOADS)
    for role, names in (("anonymous", public), ("commissioner", everything)):
        missing = [n for n in names if n not in shown[role]]
        assert not missing, (role, missing)


def _renamed_feed(tmp_path, names: list[str]):
    """The planning county's bus file with every stop, route and agency name a payload,
    saved under a payload file name."""
    import csv
    import zipfile

    from ..planning.journey_county import bus_file

    columns = {"stops.txt": "stop_name", "routes.txt": "route_short_name",
               "agency.txt": "agency_name"}
    with zipfile.ZipFile(bus_file(tmp_path)) as src:
        members = {n: src.read(n).decode() for n in src.namelist()}
    for member, column in columns.items():
        rows = list(csv.DictReader(io.StringIO(members[member])))
        for i, row in enumerate(rows):
            row[column] = names[i % len(names)]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        members[member] = out.getvalue()
    path = tmp_path / f"{names[0]}.zip"
    with zipfile.ZipFile(path, "w") as dst:
        for member, body in members.items():
            dst.writestr(member, body)
    return path


def test_road_and_bus_names_are_never_kept_and_file_names_show_as_text(app, db, auth,
                                                                      tmp_path):
    """OSM road names and GTFS stop, route and agency names are not stored (only the
    network's geometry and the timetable's times are); the imported file's name is shown
    on the travel page as text."""
    from app.demo.osmfile import write_osm
    from app.geodata.transport import import_network, import_timetable

    from ..planning.journey_county import lonlat

    app.config["PROPAGATE_EXCEPTIONS"] = False
    from ..planning.county import build_county

    build_county(db.session)
    names = [f"R{i} {payload}" for i, payload in enumerate(TEMPLATE_PAYLOADS)]
    nodes = {i + 1: lonlat(299_000 + 1_000 * i, 240_000) for i in range(43)}
    ways = [(100 + k, sorted(nodes), {"highway": "primary", "name": name, "ref": name})
            for k, name in enumerate(names[:1])]
    road = write_osm(tmp_path / f"{names[1]}.osm.pbf", nodes, ways,
                     timestamp="2026-11-20T20:00:00Z")
    import_network(db.session, road)
    import_timetable(db.session, _renamed_feed(tmp_path, names))
    db.session.commit()
    auth.login_as("commissioner")
    client = auth.client
    seen = ""
    for url in ("/planning/travel", "/planning", "/map?level=lsoa", "/directory",
                "/directory/1", "/about/data"):
        resp = client.get(url)
        assert resp.status_code < 500, url
        text = _text_of(resp)
        assert not EVALUATED.search(text), url
        seen += text
    travel = _text_of(client.get("/planning/travel"))
    assert f"{names[0]}.zip" in travel and f"{names[1]}.osm.pbf" in travel
    for name in names[2:]:  # the names inside the files are nowhere
        assert name not in seen.replace(f"{names[0]}.zip", "").replace(
            f"{names[1]}.osm.pbf", ""), name
