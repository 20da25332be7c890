"""Flask-WTF forms shared by the web blueprints (CSRF on every one)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("E-posta"), validators=[DataRequired(_l("E-posta adresinizi girin.")),
                                                  Email(_l("Geçerli bir e-posta adresi girin."))])
    password = PasswordField(_l("Parola"), validators=[DataRequired(_l("Parolanızı girin."))])


class LanguageForm(FlaskForm):
    locale = SelectField(choices=[("tr", "Türkçe"), ("en", "English")], validate_choice=True)


class TokenForm(FlaskForm):
    name = StringField(_l("Anahtar adı"), validators=[
        DataRequired(_l("Anahtar için bir ad girin.")), Length(max=100, message=_l("En fazla 100 karakter."))])


class ActionForm(FlaskForm):
    """A bare form for POST buttons: only the CSRF token."""
    action = HiddenField()
