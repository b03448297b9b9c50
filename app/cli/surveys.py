"""`flask surveys` commands."""

from flask.cli import AppGroup

cli = AppGroup("surveys", help="surveys commands.")
