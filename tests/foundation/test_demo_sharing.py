"""The workers of a run share one demo build (``tests/demo_support.SharedBuilds``): the
first to ask builds it under the lock, one asking meanwhile waits and gets that build,
and the last to finish drops it."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from tests.demo_support import DemoTemplate, SharedBuilds


def _builder(tmp_path: Path, calls: list[str], who: str,
             building: threading.Event | None = None, other_asks: threading.Event | None = None):
    def build() -> DemoTemplate:
        calls.append(who)
        if building and other_asks:  # the other worker asks while this one builds
            building.set()
            assert other_asks.wait(30)
        path = tmp_path / f"built-by-{who}.sqlite"
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE demo (x INTEGER)")
            conn.execute("INSERT INTO demo VALUES (42)")
        conn.close()
        return DemoTemplate(f"sqlite:///{path}", {"admin@demo": f"pw-{who}"},
                            lambda: path.unlink(missing_ok=True), 0.3)
    return build


def test_two_workers_share_one_build_and_the_last_drops_it(tmp_path):
    folder = tmp_path / "shared"
    gw0 = SharedBuilds(folder, code="c0de", me="gw0:1")
    gw1 = SharedBuilds(folder, code="c0de", me="gw1:2")
    calls: list[str] = []
    got: dict[str, DemoTemplate] = {}

    building, other_asks = threading.Event(), threading.Event()

    def first() -> None:
        got["gw0"] = gw0.get("county", tmp_path,
                             _builder(tmp_path, calls, "gw0", building, other_asks))

    def second() -> None:
        other_asks.set()
        got["gw1"] = gw1.get("county", tmp_path, _builder(tmp_path, calls, "gw1"))

    builder = threading.Thread(target=first)
    builder.start()
    assert building.wait(30)  # gw0 holds the lock and is building
    asker = threading.Thread(target=second)
    asker.start()
    for t in (builder, asker):
        t.join()

    assert len(calls) == 1  # one build for both
    assert got["gw0"].url == got["gw1"].url and got["gw0"].accounts == got["gw1"].accounts
    kept = Path(got["gw0"].url.removeprefix("sqlite:///"))
    assert kept.parent == folder and not list(tmp_path.glob("built-by-*.sqlite"))
    with sqlite3.connect(kept) as conn:
        assert conn.execute("SELECT x FROM demo").fetchall() == [(42,)]
    conn.close()

    gw0.release()
    assert kept.exists()  # gw1 still uses it
    gw1.release()
    assert not kept.exists()  # the last worker dropped it

    # Asked again after that, it is built again; other code gets a build of its own.
    again = gw0.get("county", tmp_path, _builder(tmp_path, calls, "gw0"))
    other = SharedBuilds(folder, code="other", me="gw1:2").get(
        "county", tmp_path, _builder(tmp_path, calls, "gw1"))
    assert len(calls) == 3 and again.url != other.url
