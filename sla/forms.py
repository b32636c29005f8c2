"""Forms of the SLA admin pages: calendars, their dated rows, the holiday import, the deadline
calculator and policies. Shape only: the services say what a good calendar or policy is."""
import re

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.forms import Form, choices
from app.i18n import lazy_gettext as _l
from sla.calendar import DAYS
from sla.models import TARGETS
from sla.policy import ACTIONS, MAX_TARGET_MINUTES, PRIORITIES, THIRD_PARTY, pause_statuses

DAY_LABELS = {"mon": _l("Monday"), "tue": _l("Tuesday"), "wed": _l("Wednesday"), "thu": _l("Thursday"),
              "fri": _l("Friday"), "sat": _l("Saturday"), "sun": _l("Sunday")}
TARGET_LABELS = {"first_response": _l("First response"), "next_response": _l("Next response"),
                 "resolution": _l("Resolution")}
ACTION_LABELS = {"notify_assignee": _l("Tell the assignee (else the team)"), "notify_team": _l("Tell the team"),
                 "notify_managers": _l("Tell the managers")}
KIND_LABELS = {"": _l("Incidents and service requests"), "incident": _l("Incidents"),
               "request": _l("Service requests")}
PAUSE_LABELS = {"pending": _l("Waiting for the client"), "awaiting_approval": _l("Awaiting approval"),
                "open": _l("Open"), THIRD_PARTY: _l("Waiting for a third party")}
# The list of checkboxes; waiting for a third party has a checkbox of its own (PolicyForm.pause_third_party).
LISTED_PAUSES = {k: v for k, v in PAUSE_LABELS.items() if k != THIRD_PARTY}
LEVEL_ROWS = 4
_PIECES = re.compile(r"[,;]")
_DASH = re.compile(r"\s*[-–—]\s*")
_SHORT_HOUR = re.compile(r"\d:\d\d")


def parse_hours(text: str | None) -> list:
    """"09:00–13:00, 14:00–18:00" → [["09:00", "13:00"], ["14:00", "18:00"]]; a piece that is
    not two times joined by a dash stays a string, which the service refuses by name."""
    out = []
    for piece in _PIECES.split(text or ""):
        piece = piece.strip()
        if not piece:
            continue
        parts = _DASH.split(piece)
        if len(parts) != 2:
            out.append(piece)
            continue
        out.append(["0" + p if _SHORT_HOUR.fullmatch(p) else p for p in parts])
    return out


def format_hours(intervals) -> str:
    return ", ".join(f"{a}–{b}" for a, b in intervals or [])


class CalendarForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    timezone = SelectField(_l("Time zone"), validators=[DataRequired()])
    mon = StringField(DAY_LABELS["mon"], validators=[Length(max=200)])
    tue = StringField(DAY_LABELS["tue"], validators=[Length(max=200)])
    wed = StringField(DAY_LABELS["wed"], validators=[Length(max=200)])
    thu = StringField(DAY_LABELS["thu"], validators=[Length(max=200)])
    fri = StringField(DAY_LABELS["fri"], validators=[Length(max=200)])
    sat = StringField(DAY_LABELS["sat"], validators=[Length(max=200)])
    sun = StringField(DAY_LABELS["sun"], validators=[Length(max=200)])
    submit = SubmitField(_l("Save calendar"))

    def weekly(self) -> dict:
        return {day: parse_hours(getattr(self, day).data) for day in DAYS}


class DayForm(Form):
    day = DateField(_l("Date"), validators=[InputRequired()])
    kind = SelectField(_l("What"), choices=choices([("holiday", _l("Holiday: no working time")),
                                                     ("exception", _l("Other hours that day"))]))
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    hours = StringField(_l("Hours"), validators=[Optional(), Length(max=200)],
                        description=_l("For other hours, e.g. 09:00–13:00; empty closes the day."))
    submit = SubmitField(_l("Add date"))


class ImportForm(Form):
    country = SelectField(_l("Country"))
    subdivision = StringField(_l("Region (optional)"), validators=[Optional(), Length(max=10)])
    first_year = IntegerField(_l("From year"), validators=[InputRequired()])
    last_year = IntegerField(_l("To year"), validators=[InputRequired()])
    submit = SubmitField(_l("Import holidays"))


class CalculatorForm(Form):
    """The deadline calculator: a GET form, so it carries no CSRF token."""

    class Meta:
        csrf = False

    start = DateTimeLocalField(_l("Start (your time)"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    minutes = FloatField(_l("Business minutes"), validators=[
        InputRequired(), NumberRange(min=0, max=MAX_TARGET_MINUTES,
                                     message=_l("Give a number of minutes from 0 to a year's."))])


def _team_id(value):
    return int(value) if value not in (None, "", "None") else None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PolicyForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    calendar = SelectField(_l("Working calendar"), coerce=int, validators=[InputRequired()])
    kind = SelectField(_l("For"), choices=choices(KIND_LABELS.items()))
    pause_statuses = MultiCheckboxField(_l("The clock stands while the ticket is"),
                                        choices=choices(LISTED_PAUSES.items()))
    pause_third_party = BooleanField(_l("Pause while waiting for a third party"), description=_l(
        "Off by default: while the ticket waits for a supplier or another outside party, the clock keeps "
        "running. Tick it when the contract lets that time not count."))
    is_default = BooleanField(_l("The provider's default (for organizations without a policy of their own)"))
    active = BooleanField(_l("Active"), default=True)
    mail_in_working_hours = BooleanField(_l("Send escalation mails only in the recipient's working hours "
                                            "(this calendar's hours in their time zone; others wait)"))
    organizations = SelectMultipleField(_l("Organizations whose contract names it"), coerce=int)
    submit = SubmitField(_l("Save policy"))

    def pauses(self) -> list[str]:
        """The pausing statuses: the ticked list and the third party's own checkbox."""
        return [*(self.pause_statuses.data or ()), *((THIRD_PARTY,) if self.pause_third_party.data else ())]

    def targets(self) -> dict:
        return {p: {t: getattr(self, f"t{p}_{t}").data for t in TARGETS} for p in PRIORITIES}

    def target_rows(self):
        return [(p, [getattr(self, f"t{p}_{t}") for t in TARGETS]) for p in PRIORITIES]

    def levels(self) -> list[dict]:
        return [{"percent": getattr(self, f"lv{i}_percent").data, "action": getattr(self, f"lv{i}_action").data,
                 "team_id": getattr(self, f"lv{i}_team").data, "raise_priority": getattr(self, f"lv{i}_raise").data}
                for i in range(LEVEL_ROWS) if getattr(self, f"lv{i}_percent").data is not None]

    def level_rows(self):
        return [tuple(getattr(self, f"lv{i}_{part}") for part in ("percent", "action", "team", "raise"))
                for i in range(LEVEL_ROWS)]

    def set_teams(self, teams) -> None:
        for i in range(LEVEL_ROWS):
            getattr(self, f"lv{i}_team").choices = choices([("", _l("and the ticket stays with its team")),
                                                            *((t.id, t.name) for t in teams)])

    def fill(self, policy) -> None:
        """The form's fields from a stored policy (for a GET)."""
        stands = list(pause_statuses(policy))
        self.pause_statuses.data = [s for s in stands if s in LISTED_PAUSES]
        self.pause_third_party.data = THIRD_PARTY in stands
        for p in PRIORITIES:
            for t in TARGETS:
                getattr(self, f"t{p}_{t}").data = (policy.targets or {}).get(p, {}).get(t)
        for i, level in enumerate((policy.levels or [])[:LEVEL_ROWS]):
            getattr(self, f"lv{i}_percent").data = level["percent"]
            getattr(self, f"lv{i}_action").data = level["action"]
            getattr(self, f"lv{i}_team").data = level.get("team_id")
            getattr(self, f"lv{i}_raise").data = bool(level.get("raise_priority"))


for _p in PRIORITIES:
    for _t in TARGETS:
        # Checked by the service (sla.policy.clean_targets): a negative target is its refusal.
        setattr(PolicyForm, f"t{_p}_{_t}", IntegerField(f"P{_p} {_t}", validators=[Optional()]))
for _i in range(LEVEL_ROWS):
    setattr(PolicyForm, f"lv{_i}_percent", IntegerField(_l("Percent of the target"), validators=[Optional()]))
    setattr(PolicyForm, f"lv{_i}_action", SelectField(_l("Then"), choices=choices(ACTION_LABELS.items())))
    setattr(PolicyForm, f"lv{_i}_team", SelectField(_l("Move to the team"), coerce=_team_id, validators=[Optional()]))
    setattr(PolicyForm, f"lv{_i}_raise", BooleanField(_l("Raise the priority")))
assert set(ACTION_LABELS) == set(ACTIONS)


def _int_or_none(value):
    return int(value) if value not in (None, "", "None") else None


class BreachFilterForm(Form):
    """The breach list's filters: a GET form, so it carries no CSRF token."""

    class Meta:
        csrf = False

    organization = SelectField(_l("Organization"), coerce=_int_or_none, validators=[Optional()])
    team = SelectField(_l("Team"), coerce=_int_or_none, validators=[Optional()])
    priority = SelectField(_l("Priority"), coerce=_int_or_none, validators=[Optional()],
                           choices=choices([("", _l("Any")), *((p, f"P{p}") for p in PRIORITIES)]))
    month = StringField(_l("Month"), validators=[Optional(), Length(max=7)])
    state = SelectField(_l("Tickets"), validators=[Optional()],
                        choices=choices([("", _l("Open and past")), ("open", _l("Open")), ("past", _l("Past"))]))
