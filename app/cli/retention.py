"""`flask retention` commands."""

from flask.cli import AppGroup

cli = AppGroup("retention", help="retention commands.")
