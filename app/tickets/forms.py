"""Forms of the agent workspace. Shape only: the rules live in services."""
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import AttachmentsField, Form, choices, optional_id
from app.i18n import lazy_gettext as _l
from app.tickets.workflow import LEVEL_LABELS, LINK_KINDS, RESOLUTION_CODES

LEVELS = [(str(k), v) for k, v in LEVEL_LABELS.items()]


class NewTicketForm(Form):
    kind = SelectField(_l("Kind"))
    organization = SelectField(_l("Organization"), coerce=optional_id, validators=[DataRequired()])
    requester = SelectField(_l("Requester"), coerce=optional_id, validators=[Optional()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=100_000)],
                                description=_l("Markdown: **bold**, `code`, indented blocks for command output."))
    impact = SelectField(_l("Impact"), choices=choices(LEVELS), default="2")
    urgency = SelectField(_l("Urgency"), choices=choices(LEVELS), default="2")
    category = StringField(_l("Category"), validators=[Optional(), Length(max=60)])
    affected_system = StringField(_l("Affected system"), validators=[Optional(), Length(max=200)],
                                  description=_l("The server, service or device, e.g. web-01."))
    team = SelectField(_l("Team"), coerce=optional_id, validators=[Optional()])
    assignee = SelectField(_l("Assignee"), coerce=optional_id, validators=[Optional()])
    major = BooleanField(_l("Major incident"))
    attachments = AttachmentsField(_l("Attachments"))
    submit = SubmitField(_l("Create ticket"))


class ReplyForm(Form):
    body = TextAreaField(_l("Message"), validators=[Length(max=100_000)])
    internal = BooleanField(_l("Internal note (not shown to the client)"))
    attachments = AttachmentsField(_l("Attachments"))
    submit = SubmitField(_l("Send"))
    send_wait = SubmitField(_l("Send and wait for the client"))
    # "Send and resolve": the resolution, asked beside the reply.
    resolution_code = SelectField(_l("Resolution"), choices=choices([("", "—"), *RESOLUTION_CODES.items()]),
                                  validators=[Optional()])
    resolution = TextAreaField(_l("What was done"), validators=[Optional(), Length(max=20_000)],
                               description=_l("Empty: your reply is the resolution."))
    send_resolve = SubmitField(_l("Send and resolve"))

    def then(self) -> str | None:
        """The status the ticket moves to after the message, by the button pressed."""
        return "pending" if self.send_wait.data else "resolved" if self.send_resolve.data else None


class TransitionForm(Form):
    status = HiddenField(validators=[DataRequired()])
    resolution_code = SelectField(_l("Resolution"), choices=choices([("", "—"), *RESOLUTION_CODES.items()]),
                                  validators=[Optional()])
    resolution = TextAreaField(_l("What was done"), validators=[Optional(), Length(max=20_000)])
    version = HiddenField()
    submit = SubmitField(_l("Resolve"))


class UpdateForm(Form):
    impact = SelectField(_l("Impact"), choices=choices(LEVELS))
    urgency = SelectField(_l("Urgency"), choices=choices(LEVELS))
    category = StringField(_l("Category"), validators=[Optional(), Length(max=60)])
    affected_system = StringField(_l("Affected system"), validators=[Optional(), Length(max=200)])
    team = SelectField(_l("Team"), coerce=optional_id, validators=[Optional()])
    assignee = SelectField(_l("Assignee"), coerce=optional_id, validators=[Optional()])
    major = BooleanField(_l("Major incident"))
    version = HiddenField()
    submit = SubmitField(_l("Save"))


class LinkForm(Form):
    kind = SelectField(_l("Link"), choices=choices(LINK_KINDS.items()))
    target = StringField(_l("Ticket number"), validators=[DataRequired(), Length(max=24)])
    submit = SubmitField(_l("Link"))


class MergeForm(Form):
    target = StringField(_l("Merge into ticket"), validators=[DataRequired(), Length(max=24)],
                         description=_l("This ticket's conversation moves there, and this ticket is closed."))
    submit = SubmitField(_l("Merge"))


class WorklogForm(Form):
    minutes = IntegerField(_l("Minutes"), validators=[DataRequired(), NumberRange(min=1, max=1440)])
    billable = BooleanField(_l("Billable"), default=True)
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    work_date = DateField(_l("Date"), validators=[Optional()])
    submit = SubmitField(_l("Log time"))


class BulkForm(Form):
    numbers = HiddenField()  # filled from the checked rows; also sent as repeated "ticket" fields
    action = SelectField(_l("Action"), choices=choices([
        ("assign", _l("Assign")), ("status", _l("Change status")), ("priority", _l("Change priority")),
        ("link", _l("Link to a problem")), ("child", _l("Link as children of an incident"))]))
    team = SelectField(_l("Team"), coerce=optional_id, validators=[Optional()])
    assignee = SelectField(_l("Assignee"), coerce=optional_id, validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    priority = SelectField(_l("Priority"), choices=choices([(str(p), f"P{p}") for p in (1, 2, 3, 4)]),
                           validators=[Optional()])
    problem = StringField(_l("Problem number"), validators=[Optional(), Length(max=24)])
    parent = StringField(_l("Incident number"), validators=[Optional(), Length(max=24)])
    submit = SubmitField(_l("Apply to selected"))


class SavedFilterForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    query = HiddenField()
    submit = SubmitField(_l("Save this view"))
