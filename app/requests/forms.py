from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form, optional_id
from app.i18n import lazy_gettext as _l

FIELDS_HELP = _l("One field per line: name | label | type | required or optional | choices, comma-separated | help. "
                 "Types: text, textarea, number, choice, date.")



class ItemForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    category = StringField(_l("Category"), validators=[Optional(), Length(max=60)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    fields = TextAreaField(_l("Form fields"), validators=[Optional(), Length(max=20_000)], description=FIELDS_HELP)
    team = SelectField(_l("Team that fulfils it"), coerce=optional_id, validators=[Optional()])
    organizations = SelectMultipleField(_l("Offered to"), coerce=int, validators=[Optional()],
                                        description=_l("None chosen: every organization."))
    needs_approval = BooleanField(_l("Needs the client admin's approval before work starts"))
    active = BooleanField(_l("Can be ordered"), default=True)
    submit = SubmitField(_l("Save"))


class OrderForFields(Form):
    """Who orders, when an agent orders for a client (posted with the order form, which carries the CSRF token)."""

    class Meta:
        csrf = False

    organization = SelectField(_l("Organization"), coerce=optional_id, validators=[DataRequired()])
    requester = SelectField(_l("Requester"), coerce=optional_id, validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=10_000)])


class DecisionForm(Form):
    comment = StringField(_l("Comment"), validators=[Optional(), Length(max=1000)])
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))
