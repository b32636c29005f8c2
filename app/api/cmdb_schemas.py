"""The API's shapes of the CMDB: CIs, their relations, a failure's impact and a ticket's CIs.
A client sees their organization's CIs; a provider CI shows to them as ``null`` ("a provider
component"), and another organization's not at all (cmdb/queries.py decides)."""
from marshmallow import Schema, fields, validate

from app.api.fields import FormInt, InputSchema, List, Str, at_least, length, one_of
from app.api.schemas import OrganizationRefOut, output
from app.i18n import lazy_gettext as _l
from cmdb.catalog import GROUPS, IMPACTS, LINK_IMPACTS, STATUSES

AT_MOST_50 = validate.Length(max=50, error=_l("At most {max} CIs."))


@output
class CIRefOut(Schema):
    id = fields.Int()
    name = fields.Str()


@output
class CIOut(Schema):
    id = fields.Int()
    name = fields.Str()
    ci_class = fields.Function(lambda ci: ci.ci_class.code, data_key="class", metadata={"type": "string"})
    group = fields.Function(lambda ci: ci.ci_class.group, metadata={"type": "string", "enum": list(GROUPS)})
    organization = fields.Nested(OrganizationRefOut, allow_none=True, metadata={
        "description": _l("Null: the provider's shared infrastructure.")})
    status = fields.Str(metadata={"enum": list(STATUSES)})
    hostname = fields.Str()
    ip_addresses = fields.Function(lambda ci: ci.ip_addresses.split(), metadata={"type": "array",
                                                                               "items": {"type": "string"}})
    serial = fields.Str()
    asset_tag = fields.Str()
    location = fields.Str()
    warranty_end = fields.Date(allow_none=True)
    support_contract = fields.Str()
    attributes = fields.Dict(keys=fields.Str())
    updated_at = fields.DateTime()


@output
class CIPageOut(Schema):
    items = fields.List(fields.Nested(CIOut))
    next = fields.Int(allow_none=True, metadata={"description": _l("The offset of the next page, or null.")})


class CIListArgs(InputSchema):
    q = Str(load_default="", validate=length(200), metadata={"description": _l("Part of a name, hostname or IP.")})
    organization = Str(load_default=None, validate=length(20), metadata={
        "description": _l("An organization's code, or \"provider\" for the shared infrastructure (staff).")})
    group = Str(load_default=None, validate=one_of(GROUPS))
    status = Str(load_default=None, validate=one_of(STATUSES))
    offset = FormInt(load_default=0, validate=at_least(0, 100_000))
    limit = FormInt(load_default=50, validate=at_least(1, 100))


@output
class RelationOut(Schema):
    id = fields.Int()
    direction = fields.Str(metadata={"enum": ["depends_on", "depended_on_by"]})
    type = fields.Str()
    label = fields.Str()
    impact = fields.Str(metadata={"enum": list(IMPACTS)})
    group = fields.Str(allow_none=True)
    ci = fields.Nested(CIRefOut, allow_none=True, metadata={"description": _l("Null: a provider component.")})


@output
class RelationListOut(Schema):
    items = fields.List(fields.Nested(RelationOut))


@output
class ImpactedOut(Schema):
    ci = fields.Nested(CIRefOut)
    state = fields.Str(metadata={"enum": ["down", "degraded"]})
    service = fields.Bool()
    organization = fields.Nested(OrganizationRefOut, allow_none=True)
    path = fields.List(fields.Int(), metadata={"description": _l("CI ids from this CI back to the failed one.")})


@output
class ImpactOut(Schema):
    failed = fields.Nested(CIRefOut)
    impacted = fields.List(fields.Nested(ImpactedOut))
    organizations = fields.List(fields.Nested(OrganizationRefOut))
    open_tickets = fields.List(fields.Str(), metadata={"description": _l("Numbers of open tickets on these CIs.")})


@output
class TicketCIOut(Schema):
    ci = fields.Nested(CIRefOut, allow_none=True, metadata={"description": _l("Null: a provider component.")})
    impact = fields.Str(metadata={"enum": list(LINK_IMPACTS)})


@output
class TicketCIListOut(Schema):
    items = fields.List(fields.Nested(TicketCIOut))


class TicketCIsIn(InputSchema):
    cis = List(Str(validate=length(200)), required=True, validate=AT_MOST_50, metadata={
        "description": _l("CI ids, or CI names within the ticket's organization.")})
