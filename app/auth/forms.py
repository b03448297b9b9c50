from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length

from ..form_limits import LengthFirst


class LoginForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address."), LengthFirst(max=254),
                    Email("Enter a valid email address.")],
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password."), Length(max=256)]
    )
