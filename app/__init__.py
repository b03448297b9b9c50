"""Youth Voice Map: hear young people, map youth provision, find the gaps.

The Flask application lives in :mod:`app.factory`.  This module imports
nothing from Flask so that the pure analysis packages (``app.analysis``,
``app.maps``, ``app.geodata``, ``app.disclosure``) can be imported and tested
without a web framework.
"""


def create_app(config=None):
    """Build the Flask application (see :func:`app.factory.create_app`)."""
    from .factory import create_app as _create_app

    return _create_app(config)
