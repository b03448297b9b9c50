"""`flask services` commands."""

from flask.cli import AppGroup

cli = AppGroup("services", help="services commands.")
