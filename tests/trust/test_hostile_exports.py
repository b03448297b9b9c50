"""Hostile names leave the app escaped for where they land: CSV cells a
spreadsheet would run as formulas, the funding-cliff timeline, and the sign-out link
(issue 12)."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date, timedelta

from app import csvsafe
from app.directory.io import export_services_csv, import_services_csv
from app.models import Service
from app.planning.timeline import cliff_timeline
from tests.directory.test_import_export import GOOD, _csv, make_geography
from tests.trust.hostile import PAYLOADS

FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def test_csv_cells_that_a_spreadsheet_would_run_start_with_an_apostrophe():
    out = io.StringIO()
    csvsafe.writer(out).writerow([*FORMULAS, -3, 2.5, "plain", "a=b"])
    cells = next(csv.reader(io.StringIO(out.getvalue())))
    assert cells[:6] == ["'" + f for f in FORMULAS]
    assert cells[6:] == ["-3", "2.5", "plain", "a=b"]  # numbers and inner "=" untouched
    assert [csvsafe.unguard(c) for c in cells[:6]] == FORMULAS


def test_directory_export_guards_formulas_and_round_trips(db):
    make_geography(db.session)
    rows = [{**GOOD, "name": name, "organisation": name}
            for name in ("=HYPERLINK(\"http://evil\")", "@SUM(1+1)", "-1 club")]
    assert import_services_csv(db.session, _csv(rows)).ok
    db.session.commit()
    text = export_services_csv(db.session.query(Service).order_by(Service.name).all())
    names = [r["name"] for r in csv.DictReader(io.StringIO(text))]
    assert sorted(names) == sorted(["'=HYPERLINK(\"http://evil\")", "'@SUM(1+1)", "'-1 club"])
    # Our own export imports back to the same names (the apostrophe comes off).
    db.session.query(Service).delete()
    db.session.commit()
    assert import_services_csv(db.session, text).ok
    db.session.commit()
    assert sorted(s.name for s in db.session.query(Service)) == sorted(r["name"] for r in rows)


def test_funding_cliff_timeline_shows_hostile_names_as_text():
    today = date(2026, 6, 1)
    rows = [{"name": p, "funding_end": today + timedelta(days=30 * (i + 1))}
            for i, p in enumerate(PAYLOADS)]
    markup = str(cliff_timeline(rows, today=today))  # HTML and CSS (was SVG)
    root = ET.fromstring(markup)  # well-formed: nothing broke out of its element
    tags = {el.tag.split("}")[-1] for el in root.iter()}
    assert tags <= {"figure", "figcaption", "div", "ol", "li", "span"}, tags
    assert not any(k.startswith("on") for el in root.iter() for k in el.attrib)
    texts = "".join(root.itertext())
    assert "</script><script>window.__pwned=1</script>" in texts


def test_sign_out_is_post_only(client, auth):
    auth.login_as("admin")
    assert client.get("/logout").status_code == 405
    assert client.get("/admin/users").status_code == 200  # still signed in
    page = client.get("/").get_data(as_text=True)
    assert 'method="post" action="/logout"' in page and 'name="csrf_token"' in page
