"""The Herefordshire ward and LSOA map pages stay under 1.5 MB in total."""

from __future__ import annotations

import re

import pytest

from tests.analysis import realdata
from tests.analysis.test_herefordshire import SERVICES
from tests.county import County

pytestmark = pytest.mark.skipif(not realdata.available(), reason="shared data not present")
LIMIT = 1_500_000


def page_weight(client, url) -> tuple[int, int]:
    """(total bytes of the page and everything it loads, bytes of the page)."""
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data()
    total = len(html)
    assets = set(re.findall(rb'(?:src|href)="(/(?:static|vendor)/[^"]+)"', html))
    for asset in assets:
        r = client.get(asset.decode())
        assert r.status_code == 200, asset
        total += len(r.get_data())
        r.close()
    return total, len(html)


def test_herefordshire_map_pages_under_limit(client, auth, db):
    county = County(db.session)
    for level, gdf in (("lsoa", realdata.lsoa_areas()), ("ward", realdata.ward_areas())):
        for code, row in gdf.iterrows():
            county.area(code, row["name"], level, geometry=row.geometry)
    for pc, name, kind, _cost in SERVICES:
        county.service(name, *realdata.postcode_xy(pc), service_type=kind, postcode=pc,
                       cost_model="free", status="active")
    county.commit()
    auth.login_as("councillor")
    for level in ("lsoa", "ward"):
        total, html = page_weight(client, f"/map?level={level}")
        print(f"{level}: page {html:,} B, with assets {total:,} B")
        assert total < LIMIT, (level, total)
        assert html > 50_000  # the boundaries really are in the page
    # The evidence pack PDF for the real wards: every ward in the ranked table.
    pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    import io
    import os

    from tests.polling import fetch_pdf

    pdf = fetch_pdf(client, "/evidence.pdf?level=ward")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    if os.environ.get("YVM_KEEP_PDF"):
        with open(os.path.join(os.environ["YVM_KEEP_PDF"], "evidence-wards.pdf"), "wb") as fh:
            fh.write(pdf.data)
    reader = pypdf.PdfReader(io.BytesIO(pdf.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    names = realdata.ward_areas()["name"]
    assert sum(name.split()[0] in text for name in names) == len(names)
    print(f"ward evidence PDF: {len(reader.pages)} pages, {len(pdf.data):,} B")
