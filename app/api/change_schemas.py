"""The API's shapes of problems and changes: the kind's own fields on a ticket (staff), what
scripts send to describe or plan one, the CAB's decisions and the change calendar.
StaffTicketOut names the …DetailOut schemas by name, so this module is imported by the views."""
from flask_babel import gettext as _
from marshmallow import Schema, fields, validates_schema
from marshmallow import ValidationError as SchemaError

from app.api.fields import AwareDateTime, Bool, Date, Dict, FormInt, InputSchema, Int, List, Str, length, one_of
from app.api.schemas import OrganizationRefOut, TeamRefOut, UserRefOut, output
from app.changes.models import CHANGE_TYPES, DECISIONS, OUTCOMES, RISKS
from app.changes.risk import QUESTIONS
from app.i18n import lazy_gettext as _l

MAX_CALENDAR_DAYS = 92


# -- out -----------------------------------------------------------------------------------------

@output
class ProblemDetailOut(Schema):
    root_cause = fields.Str()
    workaround = fields.Str()
    known_error = fields.Bool()
    known_error_at = fields.DateTime(allow_none=True)


@output
class ChangeDetailOut(Schema):
    change_type = fields.Str(metadata={"enum": list(CHANGE_TYPES)})
    risk = fields.Str(metadata={"enum": list(RISKS)})
    risk_answers = fields.Dict(keys=fields.Str(), values=fields.Bool())
    planned_start = fields.DateTime(allow_none=True)
    planned_end = fields.DateTime(allow_none=True)
    implementation_plan = fields.Str()
    backout_plan = fields.Str()
    test_plan = fields.Str()
    client_summary = fields.Str(metadata={"description": _l("What the affected clients read.")})
    organizations = fields.List(fields.Nested(OrganizationRefOut), metadata={"description": _l("Affected organizations.")})
    template = fields.Function(lambda d: d.template.name if d.template else None, allow_none=True,
                               metadata={"type": "string"})
    outcome = fields.Str(allow_none=True, metadata={"enum": [*OUTCOMES, None]})
    lessons = fields.Str()


@output
class ApprovalOut(Schema):
    id = fields.Int()
    approver = fields.Nested(UserRefOut)
    decision = fields.Str(metadata={"enum": list(DECISIONS)})
    comment = fields.Str()
    created_at = fields.DateTime()


@output
class ApprovalListOut(Schema):
    items = fields.List(fields.Nested(ApprovalOut))
    required = fields.Int(metadata={"description": _l("Approvals the policy asks for at the change's risk.")})
    status = fields.Str(allow_none=True, metadata={"description": _l("pending, approved or rejected; null before the CAB.")})


@output
class CalendarItemOut(Schema):
    number = fields.Function(lambda e: e.ticket.number, metadata={"type": "string"})
    title = fields.Function(lambda e: e.ticket.title, metadata={"type": "string"})
    status = fields.Function(lambda e: e.ticket.status, metadata={"type": "string"})
    change_type = fields.Function(lambda e: e.detail.change_type, metadata={"type": "string"})
    risk = fields.Function(lambda e: e.detail.risk, metadata={"type": "string"})
    planned_start = fields.DateTime(attribute="detail.planned_start")
    planned_end = fields.DateTime(attribute="detail.planned_end")
    team = fields.Nested(TeamRefOut, attribute="ticket.team", allow_none=True)
    organizations = fields.List(fields.Nested(OrganizationRefOut))
    conflicts = fields.Function(lambda e: [t.number for t in e.conflicts], metadata={
        "type": "array", "items": {"type": "string"},
        "description": _l("Changes whose windows overlap this one on a shared organization.")})
    outside_window = fields.Function(lambda e: [o.code for o in e.outside], metadata={
        "type": "array", "items": {"type": "string"},
        "description": _l("Organizations whose maintenance windows this change misses.")})


@output
class CalendarOut(Schema):
    items = fields.List(fields.Nested(CalendarItemOut))


# -- in ------------------------------------------------------------------------------------------

class ProblemFieldsIn(InputSchema):
    root_cause = Str(validate=length(20_000))
    workaround = Str(validate=length(20_000))


class ChangeFieldsIn(InputSchema):
    change_type = Str(validate=one_of(("normal", "emergency")), metadata={"description": _l(
        "normal (the default) or emergency; a standard change comes from a template.")})
    risk = Str(allow_none=True, validate=one_of(RISKS), metadata={"description": _l(
        "low, medium or high; null: suggested from risk_answers.")})
    risk_answers = Dict(keys=Str(validate=one_of(QUESTIONS)), values=Bool())
    planned_start = AwareDateTime(allow_none=True)
    planned_end = AwareDateTime(allow_none=True)
    implementation_plan = Str(validate=length(20_000))
    backout_plan = Str(validate=length(20_000))
    test_plan = Str(validate=length(20_000))
    client_summary = Str(validate=length(500))
    organizations = List(Str(), metadata={"description": _l("Codes of the affected organizations.")})


class NewChangeFieldsIn(ChangeFieldsIn):
    template = Int(allow_none=True, metadata={"description": _l("A standard-change template's id.")})


class DecisionIn(InputSchema):
    decision = Str(required=True, validate=one_of(DECISIONS))
    comment = Str(required=True, validate=length(1000), metadata={"description": _l("Goes into the change's history.")})


class CalendarArgs(InputSchema):
    start = Date(data_key="from", load_default=None, metadata={"description": _l("First day (UTC), default today.")})
    end = Date(data_key="to", load_default=None, metadata={"description": _l("Day after the last (UTC), default a week on.")})
    team = FormInt(load_default=None, metadata={"description": _l("A team id.")})
    organization = Str(load_default=None, metadata={"description": _l("An organization code.")})
    risk = Str(load_default=None, validate=one_of(RISKS))

    @validates_schema
    def check_range(self, data, **kwargs):
        start, end = data.get("start"), data.get("end")
        if start and end and not 0 < (end - start).days <= MAX_CALENDAR_DAYS:
            raise SchemaError(_("Give a range of 1 to %(n)d days, \"to\" after \"from\".", n=MAX_CALENDAR_DAYS), "to")

