"""How the API fails: always the house envelope of app.errors.render_error,
``{"error": {"code", "message", "fields"?}}``, never an HTML page or a bare 500
for bad input. The handlers here are the API blueprint's; the application's
own (app.errors) already render services' ValidationError as a 422."""
from flask import Blueprint, jsonify
from flask_babel import gettext as _
from marshmallow import Schema, fields
from marshmallow import ValidationError as SchemaError
from werkzeug import exceptions

from app.api.auth import api_user
from app.api.schemas import UserRefOut, output
from app.auth.permissions import can_see_internal
from app.errors import render_error
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.tickets import queries as ticket_queries
from app.tickets.services import Conflict

# -- the bodies, as the OpenAPI document shows them ------------------------------------------

@output(optional=("field_errors",))
class ErrorDetailOut(Schema):
    code = fields.Int()
    message = fields.Str()
    field_errors = fields.Dict(keys=fields.Str(), values=fields.List(fields.Str()), data_key="fields",
                               metadata={"description": _l("What is wrong with each field (422, 409).")})


@output
class ErrorOut(Schema):
    error = fields.Nested(ErrorDetailOut)


@output
class ChangeOut(Schema):
    field = fields.Str()
    old = fields.Str(attribute="old_value", allow_none=True)
    new = fields.Str(attribute="new_value", allow_none=True)
    actor = fields.Nested(UserRefOut, allow_none=True)
    version = fields.Int(attribute="ticket_version")
    at = fields.DateTime(attribute="created_at")


@output
class ConflictDetailOut(ErrorDetailOut):
    version = fields.Int(metadata={"description": _l("The ticket's version now.")})
    changes = fields.List(fields.Nested(ChangeOut))


@output
class ConflictOut(Schema):
    error = fields.Nested(ConflictDetailOut)


# -- making them ------------------------------------------------------------------------------

def error_response(code: int, message: str | None = None, field_errors: dict | None = None, **extra):
    """render_error's body, with ``extra`` keys beside code and message (e.g. a conflict's changes)."""
    response, code = render_error(code, message, field_errors)
    if extra:
        body = response.get_json()
        body["error"].update(extra)
        response = jsonify(body)
    return response, code


def flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages ({"cis": {0: [...]}}) as {"cis.0": [...]}, every message a string."""
    if isinstance(messages, (list, tuple)):
        strings = [m for m in messages if not isinstance(m, dict)]
        flat = {prefix or "_schema": [str(m) for m in strings]} if strings else {}
        for nested in (m for m in messages if isinstance(m, dict)):
            flat.update(flatten(nested, prefix))
        return flat
    if isinstance(messages, dict):
        flat = {}
        for key, value in messages.items():
            flat.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix or "_schema": [str(messages)]}


def _custom_description(error: exceptions.HTTPException) -> str | None:
    """The message an API view gave its 4xx (Forbidden(description=…)), not werkzeug's stock English."""
    return error.description if error.description != type(error).description else None


def register(bp: Blueprint) -> None:
    @bp.errorhandler(SchemaError)
    def invalid_input(error):
        db.session.rollback()
        return error_response(422, field_errors=flatten(error.messages))

    @bp.errorhandler(Conflict)
    def conflict(error):
        reader = api_user()
        changes = ChangeOut(many=True).dump(ticket_queries.events_visible_to(reader, error.events))
        if not can_see_internal(reader):  # a client learns what changed, not which engineer did it
            for change in changes:
                change["actor"] = None
        field_errors = {c["field"]: [_("Changed to “%(new)s” by %(who)s.", new=c["new"] or "—",
                                       who=c["actor"]["name"] if c["actor"] else "—")] for c in changes}
        number, current = error.ticket.number, error.ticket.version
        db.session.rollback()
        message = _("%(number)s changed since you read it: it is at version %(version)d now.",
                    number=number, version=current)
        return error_response(409, message, field_errors, version=current, changes=changes)

    @bp.errorhandler(exceptions.HTTPException)
    def http_error(error):
        response, code = error_response(error.code, _custom_description(error))
        for name, value in error.get_headers():
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value  # WWW-Authenticate on 401, Allow on 405
        return response, code
