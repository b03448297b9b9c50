"""The one place the analysis settings are built from the app's configuration.

Every page, download, API answer, report, background job and planning page
takes its age band, travel threshold, way of travelling and reach filter from
:func:`analysis_settings` (:class:`app.analysis.settings.AnalysisSettings`),
so no two of them can count different young people or use different defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app

from .analysis.settings import AnalysisSettings


def analysis_settings(config: Mapping[str, Any] | None = None) -> AnalysisSettings:
    """The analysis settings of ``config`` (the current app's when not given)."""
    return AnalysisSettings.from_mapping(current_app.config if config is None else config)


def from_job(values: Mapping[str, Any] | None) -> AnalysisSettings:
    """The settings a job was started with (its parameters carry them, so a job made
    under one age band is keyed by it); the app's own for an older job without them."""
    return AnalysisSettings(**values) if values else analysis_settings()
