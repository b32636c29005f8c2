"""Forms of the major-incident page. Shape only: the rules live in services."""
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form, choices
from app.i18n import lazy_gettext as _l
from app.tickets.workflow import RESOLUTION_CODES


class DeclareForm(Form):
    reason = StringField(_l("Why"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Declare a major incident"))


class UndeclareForm(Form):
    reason = StringField(_l("Why"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("No longer major"))


class UpdateForm(Form):
    body = TextAreaField(_l("Update (English)"), validators=[DataRequired(), Length(max=5000)],
                         description=_l("What is known, what is being done, when they will hear next."))
    body_uk = TextAreaField(_l("Update (Ukrainian, optional)"), validators=[Optional(), Length(max=5000)],
                            description=_l("Readers who chose Ukrainian get this text; without it, the English one."))
    public = SelectField(_l("Who reads it"), choices=choices([("1", _l("Public: affected clients, by mail and on the portal")),
                                                             ("0", _l("Internal: the people on the incident"))]), default="1")
    submit = SubmitField(_l("Post a status update"))


class PeopleForm(Form):
    manager = SelectField(_l("Incident manager"), coerce=lambda v: int(v) if v not in (None, "") else None,
                          validate_choice=False)
    engineers = SelectMultipleField(_l("Engineers on it"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Save"))


class AffectedForm(Form):
    organizations = SelectMultipleField(_l("Affected organizations"), coerce=int, validate_choice=False)
    public_summary = StringField(_l("What clients read as affected"), validators=[Optional(), Length(max=300)],
                                 description=_l("In the clients' words, e.g. “Hosting in the Kyiv data centre”."))
    provider_wide = BooleanField(_l("Provider-wide: show on the public status page"))
    submit = SubmitField(_l("Save"))


class ChildrenForm(Form):
    children = StringField(_l("Child incidents"), validators=[DataRequired(), Length(max=500)],
                           description=_l("Ticket numbers, separated by commas or spaces."))
    submit = SubmitField(_l("Link as children"))


class ResolveForm(Form):
    resolution_code = SelectField(_l("How it was resolved"), choices=choices(RESOLUTION_CODES.items()), default="fixed")
    resolution = TextAreaField(_l("Resolution"), validators=[DataRequired(), Length(max=20_000)],
                               description=_l("What was done; the children get their own message below."))
    message = TextAreaField(_l("Message to the children's requesters"), validators=[DataRequired(),
                                                                                    Length(max=20_000)])
    submit = SubmitField(_l("Resolve with its children"))


class ReviewForm(Form):
    changes = TextAreaField(_l("What to change"), validators=[Optional(), Length(max=20_000)])
    submit = SubmitField(_l("Save the review"))


class ProblemForm(Form):
    root_cause = TextAreaField(_l("Root cause"), validators=[Optional(), Length(max=20_000)])
    submit = SubmitField(_l("Create the problem"))


def numbers(text: str) -> list[str]:
    return [n for n in (text or "").replace(",", " ").upper().split() if n]
