"""Time the evidence pack PDF for the real Herefordshire LSOAs and wards.

    .venv/bin/python bench/gaps_pdf.py [--keep DIR]

The real bundle from ../shared/geodata/herefordshire (read in place) is
imported into a throwaway SQLite database with 150 services at real live
postcodes (seeded), two sessions a week each, some funding ending within two
years.  For each level it builds the evidence page as ``/evidence.pdf`` does
and prints: HTML render time, PDF (WeasyPrint) time, pages and bytes, and
what the fetcher served and refused.  ``--keep DIR`` writes the PDFs there so
that they can be looked at (``pdftoppm -r 60 -png``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TYPES = ["open_access", "drop_in", "uniformed", "sport", "arts_music", "outdoor", "other"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="folder to write the PDFs to")
    args = parser.parse_args()

    from tests.analysis import realdata

    if not realdata.available():
        sys.exit("The shared Herefordshire data is not present.")
    os.environ.setdefault("APP_ENV", "testing")
    from flask import render_template
    from werkzeug.datastructures import MultiDict

    from app import create_app
    from app.extensions import db
    from app.gaps.evidence import evidence_context
    from app.gaps.pdf import pdf_available, render_pdf, unavailable_reason
    from app.gaps.service import load_view, page_context
    from app.geodata.bundle import import_bundle
    from app.models import Service, ServiceSession

    if not pdf_available():
        sys.exit(f"WeasyPrint cannot be loaded: {unavailable_reason()}")
    rng = np.random.default_rng(20261125)
    tmp = tempfile.mkdtemp()
    app = create_app({"TESTING": True, "MAP_TILES_URL": "", "SERVER_NAME": None,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite"})
    with app.app_context():
        db.create_all()
        import_bundle(db.session, realdata.HEREFORDSHIRE)
        pcs = realdata.live_postcodes()
        picks = pcs.iloc[rng.choice(len(pcs), 150, replace=False)]
        today = date.today()
        for n, (pc, row) in enumerate(picks.iterrows(), start=1):
            s = Service(name=f"Service {n}", service_type=TYPES[n % len(TYPES)],
                        cost_model="free" if n % 2 else "monthly",
                        cost_amount=None if n % 2 else 5 * (n % 7), x=row["x"], y=row["y"],
                        postcode=pc, capacity=20, status="active",
                        funding_end=today + timedelta(days=int(rng.integers(30, 1500))))
            s.sessions = [ServiceSession(day=n % 7, start=clock(16 + n % 4), end=clock(20)),
                          ServiceSession(day=(n + 3) % 7, start=clock(10), end=clock(12))]
            db.session.add(s)
        db.session.commit()
        for level in ("lsoa", "ward"):
            with app.test_request_context(f"/evidence.pdf?level={level}"):
                view, errors = load_view(db.session, MultiDict({"level": level}))
                t0 = time.perf_counter()
                html = render_template("gaps/evidence.html",
                                       **evidence_context(view, errors,
                                                          page_context(view, errors), pdf=True))
                t_html = time.perf_counter() - t0
                t0 = time.perf_counter()
                body, fetcher = render_pdf(html, "http://localhost/")
                t_pdf = time.perf_counter() - t0
            import io

            from pypdf import PdfReader  # dev requirement

            pages = len(PdfReader(io.BytesIO(body)).pages)
            print(f"Herefordshire {level:<5} {len(view.gaps):>4} areas: HTML {t_html:.2f} s, "
                  f"PDF {t_pdf:.2f} s, {pages} A4 pages, {len(body):,} bytes; "
                  f"served {len(fetcher.served)} static files, refused {len(fetcher.refused)}")
            if args.keep:
                out = Path(args.keep) / f"evidence-herefordshire-{level}.pdf"
                out.write_bytes(body)
                print(f"  written to {out}")


if __name__ == "__main__":
    main()
