"""Shared fixtures for the trust tests."""

from __future__ import annotations

import types

import pytest


class Clock:
    """A fake clock for the limiter, so a school morning takes no real time."""

    def __init__(self, start=1_800_000_000.0):
        self.now = start

    def time(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    import flask_limiter._extension
    import limits.storage.memory
    import limits.strategies

    import app.ratelimit
    import app.ratelimit_store

    c = Clock()
    fake = types.SimpleNamespace(time=c.time, sleep=lambda s: None)
    for module in (limits.storage.memory, limits.strategies, app.ratelimit,
                   app.ratelimit_store, flask_limiter._extension):
        monkeypatch.setattr(module, "time", fake)
    return c
