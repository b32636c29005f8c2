from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from app.forms import EmailAddress, Form, choices, timezone_groups
from app.i18n import LANGUAGE_NAMES
from app.i18n import lazy_gettext as _l
from app.timeutil import timezone_choices


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me logged in"))
    submit = SubmitField(_l("Log in"))


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), EmailAddress(), Length(max=254)])
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])
    submit = SubmitField(_l("Set password"))


class ProfileForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    locale = SelectField(_l("Language"))
    timezone = SelectField(_l("Time zone"))
    submit = SubmitField(_l("Save profile"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = choices([("", _l("As my browser says")), *LANGUAGE_NAMES.items()])
        self.timezone.choices = timezone_groups(timezone_choices(), blank=("", _l("Default")))


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The passwords do not match."))])
    submit = SubmitField(_l("Change password"))


class LanguageForm(Form):
    locale = HiddenField(validators=[DataRequired()])
    next = HiddenField()


class TokenForm(Form):
    """A new API token: only its name is chosen (rendered with prefix="token")."""

    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=80)],
                       description=_l("What will use it, e.g. “nightly backup check”."))
    submit = SubmitField(_l("Create token"))
