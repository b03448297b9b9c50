"""The baseline for bench/load_survey.py: a minimal Flask + Flask-WTF form
that inserts one row.  Same database, same gunicorn, same client as the real
survey, so the ratio between them holds on a noisy machine.

    DATABASE_URL=sqlite:////tmp/minimal.sqlite gunicorn bench.load_minimal_app:app
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from datetime import date

from flask import Flask, render_template
from flask_wtf import FlaskForm
from jinja2 import DictLoader
from sqlalchemy import (
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
)
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import DataRequired

metadata = MetaData()
submission = Table(
    "minimal_submission", metadata,
    Column("id", Integer, primary_key=True),
    Column("token", String(64), unique=True, nullable=False),
    Column("answer", String(40)),
    Column("comment", Text),
    Column("submitted_on", Date),
)

app = Flask(__name__)
app.config.update(SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only"), WTF_CSRF_TIME_LIMIT=None)
engine = create_engine(os.environ.get("DATABASE_URL", "sqlite:////tmp/yvm_minimal.sqlite"),
                       pool_pre_ping=True)


@event.listens_for(engine, "connect")
def _sqlite_wal(dbapi_connection, _record):
    """The same SQLite settings as the real app (app/sqlite_wal.py): a fair baseline."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA busy_timeout=5000")


metadata.create_all(engine)
engine.dispose()  # gunicorn may fork after this import: no shared connections

PAGE = """<!doctype html><title>Minimal form</title>
<form method="post">{{ form.csrf_token }}{{ form.submission_token }}
{% for e in form.errors.values() %}<p class="error">{{ e[0] }}</p>{% endfor %}
{{ form.answer }}{{ form.comment }}<button type="submit">Send</button></form>"""


# A loaded template, compiled once and cached by Jinja as a real app's would be
# (render_template_string would compile it again on every request).
app.jinja_loader = DictLoader({"form.html": PAGE})


class MinimalForm(FlaskForm):
    submission_token = HiddenField(validators=[DataRequired()])
    answer = RadioField(choices=[("yes", "Yes"), ("no", "No")],
                        validators=[DataRequired("Choose one.")])
    comment = TextAreaField()


@app.route("/form", methods=["GET", "POST"])
def form():
    f = MinimalForm()
    if f.validate_on_submit():
        try:
            with engine.begin() as conn:
                conn.execute(insert(submission).values(
                    token=f.submission_token.data[:64], answer=f.answer.data,
                    comment=f.comment.data, submitted_on=date.today()))
        except IntegrityError:
            pass  # the same token again: already stored
        return "<!doctype html><title>Thank you</title><h1>Thank you</h1>"
    if not f.is_submitted():
        f.submission_token.data = secrets.token_hex(16)
        return render_template("form.html", form=f)
    return render_template("form.html", form=f), 400


@app.route("/healthz")
def healthz():
    return "ok"
