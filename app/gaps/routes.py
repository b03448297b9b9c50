from flask import Blueprint

bp = Blueprint("gaps", __name__)
