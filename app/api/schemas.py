"""The API's shapes, as marshmallow schemas: what callers send (…In, strict,
unknown fields refused) and what they get back (…Out), kept apart.

Output comes in audience views: a client gets the plain schema, the provider's
staff get the Staff… one, which adds the internal fields. Every output field is
always present (null when empty), and the OpenAPI document says so, so a
response with a missing or an extra field fails the documentation test.
These schemas only shape data: no database, no current user, no rules.
"""
import copy

from flask_babel import gettext as _
from marshmallow import Schema, fields, validate, validates_schema
from marshmallow import ValidationError as SchemaError

from app.api.fields import Bool, Date, Dict, FormInt, InputSchema, Int, List, Str, at_least, length, one_of
from app.auth.permissions import can_see_internal
from app.auth.roles import Role
from app.changes import rules as change_rules
from app.i18n import lazy_gettext as _l
from app.tickets import queries
from app.tickets.content import to_text
from app.tickets.workflow import CLIENT_STATUS_LABELS, LINK_KINDS, RESOLUTION_CODES, STATUS_LABELS, Kind
from sla import queries as sla_queries

LEVELS = (1, 2, 3)


def problem_details(ticket):
    return ticket.problem_detail or {"root_cause": "", "workaround": "", "known_error": False, "known_error_at": None}


def output(cls=None, *, optional=()):
    """Mark the fields of an output schema as always present (and so documented as required),
    but those named in ``optional``. Fields are copied: a subclass may mark them otherwise."""

    def mark(cls):
        for name, field in list(cls._declared_fields.items()):
            field = copy.copy(field)
            field.required = name not in optional
            cls._declared_fields[name] = field
        return cls

    return mark(cls) if cls is not None else mark


# -- references to other objects -----------------------------------------------------------

@output
class UserRefOut(Schema):
    id = fields.Int()
    name = fields.Str()


@output
class OrganizationRefOut(Schema):
    code = fields.Str()
    name = fields.Str()


@output
class TeamRefOut(Schema):
    id = fields.Int()
    name = fields.Str()


# -- tickets ------------------------------------------------------------------------------

@output
class TicketOut(Schema):
    number = fields.Str(metadata={"description": _l("The ticket's handle, e.g. INC-42.")})
    kind = fields.Str(metadata={"enum": [k.value for k in Kind]})
    title = fields.Str()
    description_html = fields.Str(attribute="description", metadata={"description": _l("Sanitized HTML.")})
    description_text = fields.Function(lambda t: to_text(t.description), metadata={"type": "string"})
    status = fields.Str(metadata={"enum": list(STATUS_LABELS)})
    status_label = fields.Function(lambda t: str(CLIENT_STATUS_LABELS.get(t.status, t.status)),
                                   metadata={"type": "string"})
    is_open = fields.Bool()
    impact = fields.Int()
    urgency = fields.Int()
    priority = fields.Int()
    category = fields.Str()
    affected_system = fields.Str()
    organization = fields.Nested(OrganizationRefOut)
    requester = fields.Nested(UserRefOut, allow_none=True)
    resolution_code = fields.Str(allow_none=True)
    resolution = fields.Str()
    merged_into = fields.Function(lambda t: t.merged_into.number if t.merged_into else None,
                                  allow_none=True, metadata={"type": "string"})
    version = fields.Int(metadata={"description": _l("Send it back with a change: a stale version gets 409.")})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    last_activity_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    rating = fields.Int(allow_none=True, metadata={"description": _l("The client's rating, 1 to 5, once resolved.")})
    rating_comment = fields.Str()
    rated_at = fields.DateTime(allow_none=True)
    sla = fields.Function(lambda t: sla_queries.summary(t), allow_none=True, metadata={
        "type": "object", "description": _l(
            "The service level: policy, paused, pause_reason (the status the clock stands for: pending, "
            "third_party, …), and first_response and resolution, each with due, met_at, breached and "
            "remaining_minutes (business minutes); null when no policy applies.")})


class KindNested(fields.Nested):
    """The fields of one ticket kind (app.api.change_schemas): an object on a ticket of that kind, null on others."""

    def __init__(self, nested: str, kind: str, details, **kwargs):
        super().__init__(nested, allow_none=True, **kwargs)
        self.kind, self.details = kind, details

    def serialize(self, attr, obj, accessor=None, **kwargs):
        return self._serialize(self.details(obj), attr, obj, **kwargs) if obj.kind == self.kind else None


@output
class StaffTicketOut(TicketOut):
    status_label = fields.Function(lambda t: str(STATUS_LABELS.get(t.status, t.status)), metadata={"type": "string"})
    team = fields.Nested(TeamRefOut, allow_none=True)
    assignee = fields.Nested(UserRefOut, allow_none=True)
    major = fields.Bool()
    via = fields.Str()
    first_response_at = fields.DateTime(allow_none=True)
    approval_status = fields.Str(allow_none=True, metadata={"description": _l(
        "A request's or a change's approval: pending, approved or rejected.")})
    problem = KindNested("ProblemDetailOut", Kind.PROBLEM, problem_details,
                         metadata={"description": _l("A problem's own fields; null on other kinds.")})
    change = KindNested("ChangeDetailOut", Kind.CHANGE, change_rules.details,
                        metadata={"description": _l("A change's own fields; null on other kinds.")})


@output
class TicketPageOut(Schema):
    items = fields.List(fields.Nested(TicketOut))
    next = fields.Str(allow_none=True, metadata={"description": _l("Pass as cursor= for the next page; null on the last.")})


@output
class StaffTicketPageOut(Schema):
    items = fields.List(fields.Nested(StaffTicketOut))
    next = fields.Str(allow_none=True)


def ticket_schema(user) -> Schema:
    return StaffTicketOut() if can_see_internal(user) else TicketOut()


def ticket_page_schema(user) -> Schema:
    return StaffTicketPageOut() if can_see_internal(user) else TicketPageOut()


class TicketListArgs(InputSchema):
    view = Str(load_default="all", validate=one_of(queries.VIEWS))
    kind = Str(load_default="", validate=one_of(["", *(k.value for k in Kind)]))
    status = Str(load_default="", validate=one_of(["", *STATUS_LABELS]))
    priority = FormInt(load_default=None, validate=at_least(1, 4))
    organization = Str(load_default=None, metadata={"description": _l("An organization code.")})
    team = FormInt(load_default=None, metadata={"description": _l("A team id.")})
    assignee = FormInt(load_default=None, metadata={"description": _l("A user id.")})
    q = Str(load_default="", validate=length(200))
    sort = Str(load_default=None, validate=one_of(queries.SORTS),
               metadata={"description": _l("priority (the default), updated, newest, oldest or due (the nearest due "
                                             "time first); a search defaults to newest")})
    cursor = Str(load_default=None)
    limit = FormInt(load_default=50, validate=at_least(1, 100))

    @validates_schema
    def check_cursor(self, data, **kwargs):
        cursor = data.get("cursor")
        sort = queries.default_sort(data.get("q"), data.get("sort"))
        if cursor and queries.decode_cursor(cursor, queries.SORTS[sort][0]) is None:
            raise SchemaError(_("Not a cursor of this list: use the \"next\" value of the previous page."), "cursor")


class TicketCreateIn(InputSchema):
    kind = Str(required=True, validate=one_of(k.value for k in Kind))
    title = Str(required=True, validate=length(200))
    description = Str(load_default="", validate=length(100_000))
    impact = Int(load_default=2, validate=one_of(LEVELS))
    urgency = Int(load_default=2, validate=one_of(LEVELS))
    category = Str(load_default="", validate=length(60))
    affected_system = Str(load_default="", validate=length(200))
    organization = Str(load_default=None, metadata={"description": _l(
        "The client organization's code: implied for clients, required for staff.")})
    cis = List(Str(validate=length(200)), load_default=list,
               validate=validate.Length(max=50, error=_l("At most {max} CIs.")), metadata={"description": _l(
                   "Configuration items to link: each a CI id, or a CI's name within the ticket's organization.")})
    problem = fields.Nested("ProblemFieldsIn", load_default=None, metadata={"description": _l("With kind problem.")})
    change = fields.Nested("NewChangeFieldsIn", load_default=None, metadata={"description": _l("With kind change.")})


class TicketUpdateIn(InputSchema):
    version = Int(required=True, metadata={"description": _l("The version you read: a stale one gets 409.")})
    title = Str(validate=length(200))
    impact = Int(validate=one_of(LEVELS))
    urgency = Int(validate=one_of(LEVELS))
    category = Str(validate=length(60))
    affected_system = Str(validate=length(200))
    major = Bool()
    team = Int(allow_none=True, metadata={"description": _l("A team id, or null.")})
    assignee = Int(allow_none=True, metadata={"description": _l("A staff user id, or null.")})


class TransitionIn(InputSchema):
    status = Str(required=True, validate=one_of(STATUS_LABELS))
    resolution_code = Str(load_default=None, allow_none=True, validate=one_of(RESOLUTION_CODES))
    resolution = Str(load_default=None, allow_none=True, validate=length(100_000))
    version = Int(load_default=None, allow_none=True)


# -- conversation and files ------------------------------------------------------------------

@output
class AttachmentOut(Schema):
    id = fields.Int()
    filename = fields.Str()
    content_type = fields.Str()
    size = fields.Int()
    message_id = fields.Int(allow_none=True)
    created_at = fields.DateTime()


@output
class AttachmentListOut(Schema):
    items = fields.List(fields.Nested(AttachmentOut))


@output
class MessageOut(Schema):
    id = fields.Int()
    author = fields.Nested(UserRefOut, allow_none=True)
    internal = fields.Bool()
    body_html = fields.Str()
    body_text = fields.Str()
    via = fields.Str()
    created_at = fields.DateTime()
    attachments = fields.List(fields.Nested(AttachmentOut))


@output
class MessageListOut(Schema):
    items = fields.List(fields.Nested(MessageOut))


class MessageIn(InputSchema):
    body = Str(required=True, validate=length(100_000))
    internal = Bool(load_default=False, metadata={"description": _l("An internal note, for staff only.")})


class UploadIn(InputSchema):
    """The text fields of a multipart upload; the files come as "file", repeated."""

    body = Str(load_default="", validate=length(100_000))
    internal = Bool(load_default=False)


UPLOAD_FORM = {  # multipart/form-data, as OpenAPI says it (marshmallow has no file field)
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "array", "items": {"type": "string", "contentMediaType": "application/octet-stream"}},
        "body": {"type": "string"},
        "internal": {"type": "boolean"},
    },
}


@output
class LinkOut(Schema):
    id = fields.Int()
    kind = fields.Str(metadata={"enum": list(LINK_KINDS)})
    source = fields.Function(lambda link: link.source.number, metadata={"type": "string"})
    target = fields.Function(lambda link: link.target.number, metadata={"type": "string"})
    created_at = fields.DateTime()


@output
class LinkListOut(Schema):
    items = fields.List(fields.Nested(LinkOut))


class LinkIn(InputSchema):
    kind = Str(required=True, validate=one_of(LINK_KINDS))
    target = Str(required=True, metadata={"description": _l("The other ticket's number.")})


class MergeIn(InputSchema):
    target = Str(required=True, metadata={"description": _l("The number of the ticket to merge this one into.")})


@output
class WorklogOut(Schema):
    id = fields.Int()
    user = fields.Nested(UserRefOut)
    minutes = fields.Int()
    billable = fields.Bool()
    note = fields.Str()
    work_date = fields.Date()
    created_at = fields.DateTime()


@output
class WorklogListOut(Schema):
    items = fields.List(fields.Nested(WorklogOut))
    total_minutes = fields.Int()


class WorklogIn(InputSchema):
    minutes = Int(required=True, validate=at_least(1, 24 * 60))
    billable = Bool(load_default=True)
    note = Str(load_default="", validate=length(500))
    work_date = Date(load_default=None, allow_none=True)


# -- people and organizations ---------------------------------------------------------------

@output
class OrganizationOut(Schema):
    code = fields.Str()
    name = fields.Str()
    email = fields.Str()
    phone = fields.Str()
    address = fields.Str()
    website = fields.Str()


@output
class StaffOrganizationOut(OrganizationOut):
    id = fields.Int()
    active = fields.Bool()
    notes = fields.Str()


@output
class OrganizationListOut(Schema):
    items = fields.List(fields.Nested(OrganizationOut))


@output
class StaffOrganizationListOut(Schema):
    items = fields.List(fields.Nested(StaffOrganizationOut))


def organization_schema(user) -> Schema:
    return StaffOrganizationOut() if can_see_internal(user) else OrganizationOut()


def organization_list_schema(user) -> Schema:
    return StaffOrganizationListOut() if can_see_internal(user) else OrganizationListOut()


@output
class UserOut(Schema):
    id = fields.Int()
    email = fields.Str()
    name = fields.Str()
    role = fields.Str(metadata={"enum": [r.value for r in Role]})
    organization = fields.Nested(OrganizationRefOut, allow_none=True)
    phone = fields.Str()
    job_title = fields.Str()
    active = fields.Bool()


@output
class UserListOut(Schema):
    items = fields.List(fields.Nested(UserOut))


class UserListArgs(InputSchema):
    q = Str(load_default="", validate=length(200))
    role = Str(load_default="", validate=one_of(["", *(r.value for r in Role)]))


@output
class TeamOut(Schema):
    id = fields.Int()
    name = fields.Str()
    description = fields.Str()
    email = fields.Str()
    active = fields.Bool()
    members = fields.List(fields.Nested(UserRefOut))


@output
class TeamListOut(Schema):
    items = fields.List(fields.Nested(TeamOut))


# -- the service catalog --------------------------------------------------------------------

@output
class CatalogFieldOut(Schema):
    name = fields.Str()
    label = fields.Str()
    type = fields.Str(metadata={"enum": ["text", "textarea", "number", "choice", "date"]})
    required = fields.Bool()
    choices = fields.List(fields.Str())
    help = fields.Str()


@output
class CatalogItemOut(Schema):
    id = fields.Int()
    name = fields.Str()
    description = fields.Str()
    category = fields.Str()
    needs_approval = fields.Bool()
    fields = fields.List(fields.Nested(CatalogFieldOut))


@output
class CatalogListOut(Schema):
    items = fields.List(fields.Nested(CatalogItemOut))


class OrderIn(InputSchema):
    values = Dict(keys=Str(), load_default=dict,
                  metadata={"description": _l("The item's form: field name → value.")})
    organization = Str(load_default=None, metadata={"description": _l("An organization code (staff ordering for a client).")})
    requester = FormInt(load_default=None, metadata={"description": _l("A contact's user id (staff).")})
    note = Str(load_default="", validate=length(10_000))
