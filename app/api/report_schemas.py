"""The SLA report's shapes in the API: its query and its answer (app/reports/sla.py)."""
from marshmallow import Schema, fields, validates_schema
from marshmallow import ValidationError as SchemaError

from app.api.fields import Date, FormInt, InputSchema, Str, at_least, length, one_of
from app.api.schemas import output
from app.i18n import lazy_gettext as _l
from app.reports.params import MAX_DAYS
from app.reports.sla import GROUPS
from app.tickets.workflow import Kind

FORMATS = ("json", "csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SlaReportArgs(InputSchema):
    start = Date(required=True, data_key="from", metadata={"description": _l("The first day (YYYY-MM-DD).")})
    end = Date(required=True, data_key="to", metadata={"description": _l("The day after the last (YYYY-MM-DD).")})
    group = Str(load_default="organization", validate=one_of(GROUPS))
    organization = Str(load_default=None, validate=length(20), metadata={"description": _l("An organization code.")})
    team = FormInt(load_default=None, validate=at_least(0, 2**31 - 1),
                   metadata={"description": _l("A team id; 0: tickets without a team.")})
    agent = FormInt(load_default=None, validate=at_least(0, 2**31 - 1),
                    metadata={"description": _l("A user id; 0: unassigned tickets.")})
    kind = Str(load_default=None, validate=one_of([k.value for k in Kind]))
    priority = FormInt(load_default=None, validate=at_least(1, 4))
    ci_class = FormInt(load_default=None, validate=at_least(1, 2**31 - 1),
                       metadata={"description": _l("A CI class id: tickets linked to CIs of that class.")})
    service = FormInt(load_default=None, validate=at_least(1, 2**31 - 1),
                      metadata={"description": _l("The id of a service CI: tickets linked to it.")})
    format = Str(load_default="json", validate=one_of(FORMATS))

    @validates_schema
    def check_period(self, data, **kwargs):
        start, end = data.get("start"), data.get("end")
        if start and end and not (start < end and (end - start).days <= MAX_DAYS):
            raise SchemaError(str(_l("The period ends after it starts, within three years.")), "to")


@output
class ComplianceOut(Schema):
    met = fields.Int()
    breached = fields.Int()
    compliance = fields.Float(allow_none=True, metadata={"description": _l("met / (met + breached), in %")})


@output
class SlaMeasuresOut(Schema):
    tickets = fields.Int()
    first_response = fields.Nested(ComplianceOut)
    resolution = fields.Nested(ComplianceOut)
    median_first_response_minutes = fields.Float(allow_none=True)
    p90_first_response_minutes = fields.Float(allow_none=True)
    median_resolution_minutes = fields.Float(allow_none=True)
    p90_resolution_minutes = fields.Float(allow_none=True)
    reopened = fields.Int()
    open = fields.Int()
    oldest_open_at = fields.Str(allow_none=True)
    rated = fields.Int()
    csat = fields.Float(allow_none=True)
    billable_minutes = fields.Int()


@output
class SlaRowOut(SlaMeasuresOut):
    key = fields.Raw(allow_none=True, metadata={"description": _l(
        "The organization's code, the team's or agent's id (null: none), the priority, or the month (YYYY-MM).")})
    label = fields.Str()


@output
class SlaReportOut(Schema):
    rows = fields.List(fields.Nested(SlaRowOut))
    total = fields.Nested(SlaMeasuresOut)


CONTENT = {"application/json": {"schema": SlaReportOut}, "text/csv": {"schema": {"type": "string"}},
           XLSX: {"schema": {"type": "string", "contentMediaType": XLSX}}}
