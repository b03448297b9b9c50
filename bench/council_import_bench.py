"""Time a council import from national-sized files; prints figures, asserts nothing.

    APP_ENV=testing .venv/bin/python bench/council_import_bench.py [--rows 2700000]
        [--database-url URL]

Builds, in a temporary folder, Herefordshire's folder as a council downloads it
with the postcode directory replaced by a UK-NSPL-shaped CSV (the NSPL's 41
columns, ``--rows`` rows: Herefordshire's real HR and LD rows placed in the
middle of made-up rows of 380 other councils), plus the real national IoD2019
file; the other files are linked from ../shared (never copied).  Then runs
``flask geodata import-council E06000019 DIR`` in a child process and reports
its wall time and peak memory (max RSS).  The child is a separate process so
the figure is the import's own, not the generator's.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
HEREFORDSHIRE = ROOT.parent / "shared" / "geodata" / "herefordshire"
NSPL = HEREFORDSHIRE / "postcodes_herefordshire_nspl_nov2021_HR_LD.csv"
# The NSPL (November 2021) header, in order.
COLUMNS = ["pcd", "pcd2", "pcds", "dointr", "doterm", "usertype", "oseast1m", "osnrth1m",
           "osgrdind", "oa11", "cty", "ced", "laua", "ward", "hlthau", "nhser", "ctry", "rgn",
           "pcon", "eer", "teclec", "ttwa", "pct", "itl", "statsward", "oa01", "casward",
           "park", "lsoa01", "msoa01", "ur01ind", "oac01", "lsoa11", "msoa11", "wz11", "ccg",
           "bua11", "buasd11", "ru11ind", "oac11", "lat", "long"]
BLOCK = 100_000


def synthetic_block(rng, n: int, council: str) -> list[list[str]]:
    """``n`` rows of made-up postcodes for another council, NSPL-shaped."""
    letters = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
    areas = rng.choice(["AB", "B", "BS", "CF", "E", "G", "L", "M", "NE", "S", "SW", "YO"], n)
    district = rng.integers(1, 99, n)
    inward = [f"{d}{a}{b}" for d, a, b in zip(rng.integers(0, 9, n), rng.choice(letters, n),
                                              rng.choice(letters, n), strict=True)]
    east = rng.integers(100_000, 650_000, n)
    north = rng.integers(10_000, 1_200_000, n)
    rows = []
    for i in range(n):
        pc = f"{areas[i]}{district[i]} {inward[i]}"
        rows.append([pc.replace(" ", ""), pc, pc, "199801", "", "0", str(east[i]),
                     str(north[i]), "1", "E00000001", "E99999999", "E99999999", council,
                     "E05000001", "E18000001", "E40000001", "E92000001", "E12000001",
                     "E14000001", "E15000001", "E24000001", "E30000001", "E16000001",
                     "E06000001", "00AA", "00AAFA0001", "00AA", "E65000001", "E01000001",
                     "E02000001", "A", "1A", "E01000001", "E02000001", "E33000001",
                     "E38000001", "E34000001", "E35000001", "A1", "1A1", "51.5", "-0.1"])
    return rows


def write_nspl(path: Path, rows: int, seed: int = 1) -> int:
    """The UK-shaped file; returns how many real Herefordshire rows it holds."""
    rng = np.random.default_rng(seed)
    with NSPL.open(encoding="utf-8") as handle:
        real = list(csv.DictReader(handle))
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        block = None
        written, placed = 0, False
        n = 0
        while written < rows:
            if block is None or n % 5 == 0:  # a few distinct blocks are enough
                block = synthetic_block(rng, BLOCK, f"E0{6 + n % 3}000{100 + n:03d}")
            take = block[: min(BLOCK, rows - written)]
            out.writerows(take)
            written += len(take)
            n += 1
            if not placed and written >= rows // 2:
                for r in real:
                    out.writerow([r["pcds"].replace(" ", ""), r["pcds"], r["pcds"],
                                  r["dointr"], r["doterm"], r["usertype"], r["oseast1m"],
                                  r["osnrth1m"], r["osgrdind"], r["oa11"], "", "", r["laua"],
                                  r["ward"], "", "", "E92000001", "", r["pcon"], "", "", "", "",
                                  "", "", "", "", "", "", "", "", "", r["lsoa11"], r["msoa11"],
                                  "", "", "", "", r["ru11ind"], r["oac11"], r["lat"],
                                  r["long"]])
                placed = True
    return len(real)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2_700_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="yvm-council-bench-") as tmp:
        folder = Path(tmp) / "downloads"
        folder.mkdir()
        for path in HEREFORDSHIRE.iterdir():
            if path.suffix in (".csv", ".geojson", ".gpkg") and "nspl_nov2021" not in path.name:
                (folder / path.name).symlink_to(path)
        start = time.perf_counter()
        real = write_nspl(folder / "NSPL_NOV_2021_UK.csv", args.rows)
        size = (folder / "NSPL_NOV_2021_UK.csv").stat().st_size
        print(f"UK-shaped NSPL: {args.rows + real:,} rows ({real:,} Herefordshire), "
              f"{size / 1e6:,.0f} MB, written in {time.perf_counter() - start:.0f} s")
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        env = {**os.environ, "APP_ENV": os.environ.get("APP_ENV", "testing"),
               "DATABASE_URL": url}
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
                       cwd=ROOT, env=env, check=True, capture_output=True)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "geodata",
                               "import-council", "E06000019", str(folder)],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(done.stdout[-1500:] if done.returncode == 0 else done.stderr[-3000:])
        print(f"import-council E06000019 from national-sized files: {seconds:.1f} s, "
              f"peak memory (max RSS) {peak:,.0f} MB, exit {done.returncode}; "
              f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
