"""The OpenAPI 3.1 document of the API, built from the very schemas the views load
and dump with: @doc on a view says what it takes and what it answers, and
openapi() walks the URL map (apispec + its marshmallow plugin)."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask

from app.api import errors
from app.i18n import lazy_gettext as _l
from app.tickets import attachments

# Reuses the titles of app.errors' pages, so they are translated once.
ERROR_TITLES = {401: _l("Please log in"), 403: _l("Access denied"), 404: _l("Not found"), 409: _l("Conflict"),
                413: _l("Too large"), 422: _l("Invalid input"), 429: _l("Too many requests")}
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def doc(summary, *, tag: str, out=None, status: int = 200, body=None, query=None, form=None,
        errors: tuple[int, ...] = (), public: bool = False, description=None):
    """Describe an API view for the OpenAPI document.

    ``out`` is the response schema; a list of schemas is one per audience
    (client, staff): the response matches one of them whole. "binary" is a file.
    ``body``/``query``/``form`` are the input schemas (form: a JSON Schema dict).
    """

    def mark(view):
        view.apidoc = dict(summary=summary, tag=tag, out=out, status=status, body=body, query=query, form=form,
                           errors=errors, public=public, description=description)
        return view

    return mark


def _content(out) -> dict:
    if out == "binary":  # a stored file, served as the type it was recognized as
        media_types = sorted({*attachments.BINARY_TYPES.values(), *attachments.TEXT_TYPES.values()})
        return {media: {"schema": {"type": "string", "contentMediaType": media}} for media in media_types}
    if isinstance(out, dict):  # a content map of its own (several media types)
        return out
    if out == "object":
        return {"application/json": {"schema": {"type": "object"}}}
    schema = {"anyOf": list(out)} if isinstance(out, (list, tuple)) else out
    return {"application/json": {"schema": schema}}


def _operation(endpoint: str, meta: dict, path_parameters: list[dict]) -> dict:
    operation = {
        "operationId": endpoint.split(".", 1)[1],
        "summary": str(meta["summary"]),
        "tags": [meta["tag"]],
        "parameters": list(path_parameters),
        "responses": {str(meta["status"]): {"description": str(meta["summary"]), "content": _content(meta["out"])}},
    }
    if meta["description"]:
        operation["description"] = str(meta["description"])
    if meta["query"] is not None:
        operation["parameters"].append({"in": "query", "schema": meta["query"]})
    if meta["body"] is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": meta["body"]}}}
    if meta["form"] is not None:
        operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": meta["form"]}}}
    codes = set(meta["errors"]) | (set() if meta["public"] else {401})
    if meta["body"] is not None or meta["form"] is not None or meta["query"] is not None:
        codes.add(422)
    if meta["body"] is not None or meta["form"] is not None:
        codes.add(413)  # a body over the size limit is refused before it is read
    codes.add(429)  # every call counts against its token's (or, without one, its address's) rate limit
    for code in sorted(codes):
        schema = errors.ConflictOut if code == 409 else errors.ErrorOut
        operation["responses"][str(code)] = {"description": str(ERROR_TITLES[code]),
                                             "content": {"application/json": {"schema": schema}}}
    operation["responses"]["429"]["headers"] = {"Retry-After": {
        "description": str(_l("Seconds to wait before the next call.")), "schema": {"type": "integer"}}}
    operation["security"] = [] if meta["public"] else [{"token": []}]
    return operation


def _path(rule: str) -> tuple[str, list[dict]]:
    """A werkzeug rule as an OpenAPI path template and its path parameters."""
    parameters = [{"in": "path", "name": name, "required": True,
                   "schema": {"type": "integer" if converter in ("int", "number") else "string"}}
                  for converter, name in _ARGUMENT.findall(rule)]
    return _ARGUMENT.sub(lambda m: "{" + m.group(2) + "}", rule), parameters


def _schema_name(schema) -> str:
    """A component's name: the schema class's, less "Out" (TicketOut → Ticket; TicketCreateIn stays)."""
    name = (schema if isinstance(schema, type) else type(schema)).__name__
    return name.removesuffix("Out")


def openapi(app: Flask) -> dict:
    spec = APISpec(
        title="Zayavka API", version="1", openapi_version="3.1.0",
        plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
        info={"description": str(_l("The service desk's REST API. Authenticate with a personal API token "
                                    "(your profile page, or `flask token create`): Authorization: Bearer <token>."))},
    )
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        meta = getattr(app.view_functions[rule.endpoint], "apidoc", None)
        if meta is None or not rule.endpoint.startswith("api."):
            continue
        path, parameters = _path(rule.rule)
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        spec.path(path=path, operations={m.lower(): _operation(rule.endpoint, meta, parameters) for m in methods})
    return spec.to_dict()
