"""The survey blueprint, in its own module so that importing :mod:`app.survey`
(the survey definition and storage, which the publication layer reads) never
loads Flask.  It is made as the package's (``import_name`` ``app.survey``) and is
``app.survey.bp`` (the ``*routes`` modules take it with ``from . import bp``)."""

from flask import Blueprint

bp = Blueprint("survey", "app.survey")
