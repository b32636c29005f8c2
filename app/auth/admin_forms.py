from wtforms import (
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.auth.roles import ROLE_LABELS, Role
from app.forms import EmailAddress, Form, choices, optional_id
from app.i18n import lazy_gettext as _l


class UserForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), EmailAddress(), Length(max=254)])
    role = SelectField(_l("Role"), choices=choices((r.value, ROLE_LABELS[r]) for r in Role))
    organization = SelectField(_l("Organization"), coerce=optional_id,
                               description=_l("Client contacts only."))
    teams = SelectMultipleField(_l("Teams"), coerce=int, description=_l("Staff only."))
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Save"))


class UserFilterForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Search"))
    role = SelectField(_l("Role"), choices=choices([("", _l("All roles")), *((r.value, ROLE_LABELS[r]) for r in Role)]))
