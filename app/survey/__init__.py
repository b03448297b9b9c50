"""The youth voice survey: the public form, staff results, campaigns, survey dates
and the safeguarding queue.

Views live in the ``*routes`` modules (:mod:`.routes` for young people,
:mod:`.results_routes` and :mod:`.admin_routes` for staff); the blueprint is
made here so every route module shares it without importing another.
"""

from flask import Blueprint

bp = Blueprint("survey", __name__)
