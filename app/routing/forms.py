"""The admins' routing rule and default-team forms. Every select holding ids is named
after its column (``team_id``…), so a form built with ``obj=rule`` shows the saved value."""
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form, choices, optional_id
from app.i18n import lazy_gettext as _l
from app.routing.models import ASSIGN_AGENT, ASSIGN_LEAST_OPEN, ASSIGN_NOBODY, ASSIGN_ROUND_ROBIN
from app.tickets.workflow import KIND_LABELS

CHANNEL_LABELS = {"web": _l("Agent's form"), "portal": _l("Client portal"), "api": _l("API"), "email": _l("E-mail")}
ASSIGN_LABELS = {ASSIGN_NOBODY: _l("Nobody: the team picks it up"), ASSIGN_AGENT: _l("A named agent"),
                 ASSIGN_ROUND_ROBIN: _l("The team's agents in turn"),
                 ASSIGN_LEAST_OPEN: _l("The team's agent with the fewest open tickets")}
PRIORITY_CHOICES = [(1, "P1"), (2, "P2"), (3, "P3"), (4, "P4")]


class RuleForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    active = BooleanField(_l("Active"), default=True)
    organization_id = SelectField(_l("Organization"), coerce=optional_id, validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=choices([("", _l("Any")), *((k.value, v) for k, v in KIND_LABELS.items())]),
                       validators=[Optional()])
    category = SelectField(_l("Category"), validators=[Optional()])
    priority = SelectField(_l("Priority"), coerce=optional_id, validators=[Optional()],
                           choices=choices([("", _l("Any")), *PRIORITY_CHOICES]))
    request_item_id = SelectField(_l("Catalog item"), coerce=optional_id, validators=[Optional()])
    channel = SelectField(_l("Channel"), choices=choices([("", _l("Any")), *CHANNEL_LABELS.items()]),
                          validators=[Optional()])
    ci_class_id = SelectField(_l("Class of the CI"), coerce=optional_id, validators=[Optional()],
                              description=_l("Of a CI given with the new ticket (its affected system, the API's CIs)."))
    mailbox = StringField(_l("Mailbox or address"), validators=[Optional(), Length(max=254)],
                          description=_l("A mail that came through this mailbox, or was sent to this address."))
    team_id = SelectField(_l("Team"), coerce=optional_id, validators=[Optional()])
    assign_mode = SelectField(_l("Assignee"), choices=choices(ASSIGN_LABELS.items()), validators=[Optional()])
    assignee_id = SelectField(_l("The named agent"), coerce=optional_id, validators=[Optional()])
    priority_floor = SelectField(_l("Priority at least"), coerce=optional_id, validators=[Optional()],
                                 choices=choices([("", _l("As given")), *PRIORITY_CHOICES]),
                                 description=_l("A less urgent ticket is raised to this priority."))
    followers = SelectMultipleField(_l("Followers"), coerce=int, validators=[Optional()],
                                    description=_l("Staff who follow every ticket of this rule."))
    submit = SubmitField(_l("Save the rule"))


class DefaultTeamForm(Form):
    default_team_id = SelectField(_l("Default team"), coerce=optional_id, validators=[Optional()],
                                  description=_l("Takes every new ticket that no rule gave a team."))
    submit = SubmitField(_l("Save"))
