"""Publishing a snapshot from tests, as the nightly job or an admin would."""

from __future__ import annotations

from flask import current_app

from app.publication import CellKeyMethod, Schedule, publish


def publish_now(db, **config):
    """Publish a snapshot with the app's settings (``config`` overrides some)."""
    settings = {**current_app.config, **config}
    return publish(db.session, CellKeyMethod.from_config(settings),
                   Schedule.from_config(settings), trigger="test")
