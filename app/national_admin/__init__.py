"""The national admin's page (issue 27): the councils of this deployment."""

from flask import Blueprint

bp = Blueprint("national_admin", __name__)
