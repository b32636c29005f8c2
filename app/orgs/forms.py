from wtforms import (
    DecimalField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.auth.roles import ROLE_LABELS
from app.forms import EmailAddress, Form, choices
from app.i18n import lazy_gettext as _l


class OrganizationForm(Form):
    code = StringField(_l("Short code"), validators=[DataRequired(), Length(max=20)],
                       description=_l("Used in reports and ticket lists, e.g. ACME."))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[Optional(), EmailAddress(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=200)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=400)])
    notes = TextAreaField(_l("Notes for staff"), validators=[Optional(), Length(max=10000)])
    contract_hours = DecimalField(_l("Contract hours per month"), places=2,
                                  validators=[Optional(), NumberRange(min=0, max=100_000)],
                                  description=_l("Included in the contract each month; the monthly report shows the "
                                                 "billable time against it. Empty: no contract hours."))
    submit = SubmitField(_l("Save"))

    def contract_minutes(self) -> int | None:
        return None if self.contract_hours.data is None else int(round(self.contract_hours.data * 60))


class ContactForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), EmailAddress(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Role"))
    submit = SubmitField(_l("Save"))

    def set_roles(self, roles) -> None:
        self.role.choices = choices((r.value, ROLE_LABELS[r]) for r in roles)


class TeamForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("Queue e-mail"), validators=[Optional(), EmailAddress(), Length(max=254)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    members = SelectMultipleField(_l("Members"), coerce=int)
    submit = SubmitField(_l("Save"))
