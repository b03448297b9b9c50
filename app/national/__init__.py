"""The national picture: tables and the map of England's small areas.

Views live in the ``*routes`` modules, each with its own blueprint (the map's
tiles in :mod:`.tiles_routes`), so helpers can add pages without touching
another's module.
"""
