"""`flask councils`: add and list councils (tenants)."""
from flask.cli import AppGroup

cli = AppGroup("councils", help="Add and list councils.")
