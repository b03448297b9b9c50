"""The survey blueprint, in its own module so that importing :mod:`app.survey`
(the survey definition and storage, which the publication layer reads) never
loads Flask; the ``*routes`` modules import it from here."""

from flask import Blueprint

bp = Blueprint("survey", __name__)
