"""Forms of changes, the CAB, the calendar's maintenance windows and the policy. Shape only."""
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.changes.rules import OUTCOME_LABELS, RISK_LABELS, TYPE_LABELS
from app.forms import Form, choices, optional_id
from app.i18n import lazy_gettext as _l

QUESTIONS = {
    "downtime": _l("Will users notice downtime?"),
    "first_time": _l("Is it the first time we make this change?"),
    "slow_backout": _l("Would backing out take more than an hour?"),
    "shared": _l("Does it touch shared systems or several organizations?"),
}
WEEKDAYS = [(0, _l("Monday")), (1, _l("Tuesday")), (2, _l("Wednesday")), (3, _l("Thursday")), (4, _l("Friday")),
            (5, _l("Saturday")), (6, _l("Sunday"))]
WINDOW_FORMAT = "%Y-%m-%dT%H:%M"



class ChangeForm(Form):
    organization = SelectField(_l("Organization"), coerce=optional_id, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=100_000)])
    team = SelectField(_l("Team"), coerce=optional_id, validators=[Optional()])
    change_type = SelectField(_l("Type"), choices=choices([(k, v) for k, v in TYPE_LABELS.items() if k != "standard"]),
                              default="normal")
    risk = SelectField(_l("Risk"), choices=choices([("", _l("Suggest it from the answers")), *RISK_LABELS.items()]),
                       validators=[Optional()])
    downtime = BooleanField(QUESTIONS["downtime"])
    first_time = BooleanField(QUESTIONS["first_time"])
    slow_backout = BooleanField(QUESTIONS["slow_backout"])
    shared = BooleanField(QUESTIONS["shared"])
    planned_start = DateTimeLocalField(_l("Planned start"), format=WINDOW_FORMAT, validators=[Optional()])
    planned_end = DateTimeLocalField(_l("Planned end"), format=WINDOW_FORMAT, validators=[Optional()])
    implementation_plan = TextAreaField(_l("Implementation plan"), validators=[Optional(), Length(max=20_000)])
    backout_plan = TextAreaField(_l("Backout plan"), validators=[Optional(), Length(max=20_000)])
    test_plan = TextAreaField(_l("Test plan"), validators=[Optional(), Length(max=20_000)])
    client_summary = TextAreaField(_l("Summary for the clients"), validators=[Optional(), Length(max=500)],
                                   description=_l("What the affected clients read in their cabinet and in the mail."))
    organizations = SelectMultipleField(_l("Affected organizations"), coerce=int, validators=[Optional()],
                                        description=_l("None chosen: the change's own organization."))
    submit = SubmitField(_l("Save"))


class DecisionForm(Form):
    comment = StringField(_l("Comment"), validators=[Optional(), Length(max=1000)])
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))


class ReviewForm(Form):
    outcome = SelectField(_l("Outcome"), choices=choices([("", "—"), *OUTCOME_LABELS.items()]), validators=[Optional()])
    lessons = TextAreaField(_l("Lessons"), validators=[Optional(), Length(max=20_000)])
    caused = StringField(_l("Incidents it caused"), validators=[Optional(), Length(max=500)],
                         description=_l("Ticket numbers, separated by commas or spaces."))
    submit = SubmitField(_l("Save the review"))


class ResolveProblemsForm(Form):
    message = TextAreaField(_l("Message to the requesters"), validators=[Optional(), Length(max=20_000)])
    submit = SubmitField(_l("Resolve them"))


class WindowForm(Form):
    organization = SelectField(_l("Organization"), coerce=optional_id, validators=[DataRequired()])
    weekday = SelectField(_l("Day"), coerce=int, choices=choices(WEEKDAYS), default=6)
    start_time = TimeField(_l("From"), validators=[DataRequired()])
    hours = IntegerField(_l("Hours"), validators=[DataRequired(), NumberRange(min=1, max=24)], default=3)
    timezone = SelectField(_l("Time zone"), default="Europe/Kyiv")
    submit = SubmitField(_l("Add the window"))


class PolicyForm(Form):
    approvals_low = IntegerField(_l("Approvals for a low risk"), validators=[DataRequired(), NumberRange(min=1, max=9)])
    approvals_medium = IntegerField(_l("Approvals for a medium risk"), validators=[DataRequired(), NumberRange(min=1, max=9)])
    approvals_high = IntegerField(_l("Approvals for a high risk"), validators=[DataRequired(), NumberRange(min=1, max=9)])
    self_approval = BooleanField(_l("One may approve one's own change"))
    cab_team = SelectField(_l("CAB team"), coerce=optional_id, validators=[Optional()],
                           description=_l("None: managers approve."))
    submit = SubmitField(_l("Save"))


class TemplateForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    title = StringField(_l("Title of the change"), validators=[DataRequired(), Length(max=200)])
    risk = SelectField(_l("Risk"), choices=choices(RISK_LABELS.items()), default="low")
    implementation_plan = TextAreaField(_l("Implementation plan"), validators=[Optional(), Length(max=20_000)])
    backout_plan = TextAreaField(_l("Backout plan"), validators=[Optional(), Length(max=20_000)])
    client_summary = StringField(_l("Summary for the clients"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Add the template"))
