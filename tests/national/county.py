"""A small county of LSOAs for the national map's tests (one with a hostile name)."""

from __future__ import annotations

from datetime import date, timedelta

from tests.county import County

HOSTILE = "</script><script>alert('x')</script> & \"Brook\" {{7*7}}"


def lsoa_county(db) -> list[str]:
    county = County(db.session, today=date(2026, 3, 1), source="Test source")
    codes = []
    for i in range(4):
        for j in range(3):
            code = f"E0100{i}{j}00"
            codes.append(code)
            county.lsoa(code, HOSTILE if (i, j) == (0, 0) else f"Area {i}{j}",
                        corner=(350_000 + i * 2_000, 250_000 + j * 2_000), size=2_000,
                        indicators={"population_age_13_19": 100 + 10 * i, "imd_decile": 1 + i})
    county.service("Ashby Youth Club", 351_000, 251_000, key="club",
                   sessions=[(1, "18:00", "20:00")], funding_end=timedelta(days=180))
    county.commit()
    return codes
