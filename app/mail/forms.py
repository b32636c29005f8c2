"""The quarantine's form: which organization a stranger's mail belongs to."""
from wtforms import SelectField
from wtforms.validators import Optional

from app import validation
from app.forms import Form
from app.i18n import lazy_gettext as _l


class TurnIntoTicketForm(Form):
    organization = SelectField(_l("Organization of the sender (when the sender is no contact yet)"),
                               coerce=validation.id_or_none, validators=[Optional()])
