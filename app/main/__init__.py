"""Public pages: home, about the data, privacy, help, health check, error pages.

Views live in the ``*routes`` modules; the blueprint is made here so they share it.
"""

from flask import Blueprint

from ..settings import analysis_settings

bp = Blueprint("main", __name__)

# A setting the analysis cannot use stops the app at its start, naming the setting.
bp.record_once(lambda state: analysis_settings(state.app.config))


@bp.app_context_processor
def _analysis_settings() -> dict:
    """``analysis`` in every template: the age band and defaults the figures use."""
    return {"analysis": analysis_settings()}
