"""Forms of the problem panel on the ticket page. Shape only: the rules live in services."""
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form
from app.i18n import lazy_gettext as _l


class ProblemForm(Form):
    root_cause = TextAreaField(_l("Root cause"), validators=[Optional(), Length(max=20_000)])
    workaround = TextAreaField(_l("Workaround"), validators=[Optional(), Length(max=20_000)],
                               description=_l("Offered to agents on new incidents of the same category or system."))
    submit = SubmitField(_l("Save"))
    known_error = SubmitField(_l("Save and mark as known error"))


class GatherForm(Form):
    incidents = StringField(_l("Incidents"), validators=[DataRequired(), Length(max=500)],
                            description=_l("Ticket numbers, separated by commas or spaces."))
    submit = SubmitField(_l("Link to this problem"))


def numbers(text: str) -> list[str]:
    return [n for n in (text or "").replace(",", " ").upper().split() if n]
