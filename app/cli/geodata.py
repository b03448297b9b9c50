"""`flask geodata` commands."""

from flask.cli import AppGroup

cli = AppGroup("geodata", help="geodata commands.")
