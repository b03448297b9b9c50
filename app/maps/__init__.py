"""Folium map builders.  Never imports Flask.

Importing this package makes every folium map's output text, never a Jinja template
(:mod:`app.maps.literal`): a name on a map cannot run on the server.
"""

from . import literal

literal.install()
