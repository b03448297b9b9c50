"""The dashboard's one form: which ward a member of staff looks after."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField


class WardForm(FlaskForm):
    """Choose (or forget) your ward.  The choices are set from the imported wards."""

    ward = SelectField("Your ward", choices=[], validate_choice=False)
    submit = SubmitField("Show my ward first")
