"""The API's shapes of major incidents and the service status. A client reads what the portal's
status page shows (their organization's, in their words: no provider ticket, no other client);
staff read the incidents themselves."""
from marshmallow import Schema, fields

from app.api.fields import Bool, InputSchema, Str, length
from app.api.schemas import OrganizationRefOut, UserRefOut, output
from app.i18n import lazy_gettext as _l


@output
class StatusUpdateOut(Schema):
    id = fields.Int()
    public = fields.Bool()
    body_en = fields.Str()
    body_uk = fields.Str(metadata={"description": _l("Empty: the English text is for every reader.")})
    created_at = fields.DateTime()
    author = fields.Nested(UserRefOut, allow_none=True)


@output
class PublicUpdateOut(Schema):
    body = fields.Str(metadata={"description": _l("In the caller's language.")})
    created_at = fields.DateTime()


@output
class StatusOut(Schema):
    kind = fields.Str(metadata={"enum": ["incident", "maintenance"]})
    title = fields.Str()
    affected = fields.List(fields.Str(), metadata={"description": _l(
        "What is affected, in the client's words; a shared component reads \"a provider component\".")})
    since = fields.DateTime()
    ended = fields.DateTime(allow_none=True)
    next_update_due = fields.DateTime(allow_none=True)
    updates = fields.List(fields.Nested(PublicUpdateOut))


@output
class StatusListOut(Schema):
    items = fields.List(fields.Nested(StatusOut))
    history = fields.List(fields.Nested(StatusOut), metadata={"description": _l("Ended in the last 90 days.")})


@output
class ClientMajorListOut(Schema):
    items = fields.List(fields.Nested(StatusOut))


@output
class AffectedOut(Schema):
    organization = fields.Nested(OrganizationRefOut)
    computed = fields.Bool()
    services = fields.List(fields.Str())
    path = fields.Function(lambda row: [name for name, _ in row.path or []],
                           metadata={"type": "array", "items": {"type": "string"}})


@output
class MajorIncidentOut(Schema):
    number = fields.Str()
    title = fields.Str()
    priority = fields.Int()
    status = fields.Str()
    organization = fields.Nested(OrganizationRefOut)
    declared_at = fields.DateTime(allow_none=True)
    next_update_due = fields.DateTime(allow_none=True)
    manager = fields.Nested(UserRefOut, allow_none=True)
    affected = fields.List(fields.Nested(AffectedOut))
    children = fields.List(fields.Str())
    updates = fields.List(fields.Nested(StatusUpdateOut))


@output
class StaffMajorListOut(Schema):
    items = fields.List(fields.Nested(MajorIncidentOut))


class StatusUpdateIn(InputSchema):
    body = Str(required=True, validate=length(5000))
    body_uk = Str(load_default="", validate=length(5000), metadata={"description": _l(
        "The Ukrainian text, for readers who chose Ukrainian (optional).")})
    public = Bool(load_default=True, metadata={"description": _l(
        "Public: the affected clients by mail and on the portal; false: the people on the incident only.")})
