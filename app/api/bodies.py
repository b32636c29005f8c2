"""Request bodies in, response bodies out: the shape half of every API view.

Anything a caller can get wrong here (malformed JSON, a wrong type, an
unknown field, a missing file) becomes a 422 naming the field; an upload
larger than allowed becomes a 413.
"""
from flask import current_app, jsonify, request
from flask_babel import gettext as _
from marshmallow import Schema
from marshmallow import ValidationError as SchemaError
from werkzeug.exceptions import RequestEntityTooLarge

from app.uploads import Upload


def json_body() -> dict:
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # JSON nested deeper than any real body
        raise SchemaError({"_schema": [_("This JSON is nested too deeply.")]}) from None
    if not isinstance(data, dict):
        raise SchemaError({"_schema": [_("Send a JSON object, with Content-Type: application/json.")]})
    return data


def load_json(schema: type[Schema]) -> dict:
    return schema().load(json_body())


def load_args(schema: type[Schema]) -> dict:
    return schema().load(request.args.to_dict())


def _too_large(name: str, limit: int) -> RequestEntityTooLarge:
    return RequestEntityTooLarge(_("%(name)s is larger than %(mb)d MB.", name=name, mb=limit // (1024 * 1024)))


def load_upload(schema: type[Schema], field: str = "file") -> tuple[dict, list[Upload]]:
    """The text fields of a multipart body, loaded by ``schema``, and its files (``field``, repeated)."""
    limit, max_files = current_app.config["ATTACHMENT_MAX_BYTES"], current_app.config["ATTACHMENT_MAX_FILES"]
    request.max_content_length = limit * max_files + 1024 * 1024  # the whole body, before it is read
    if request.mimetype != "multipart/form-data":
        raise SchemaError({field: [_("Send the files as multipart/form-data, in the field \"%(field)s\".",
                                     field=field)]})
    errors: dict = {name: [_("Unknown field.")] for name in request.files if name != field}
    data: dict = {}
    try:
        data = schema().load(request.form.to_dict())
    except SchemaError as error:
        errors.update(error.messages)
    files = request.files.getlist(field)
    if not files:
        errors[field] = [_("Attach at least one file.")]
    elif len(files) > max_files:
        errors[field] = [_("At most %(n)d files at a time.", n=max_files)]
    if errors:
        raise SchemaError(errors)
    uploads = []
    for storage in files:
        content = storage.read(limit + 1)
        if len(content) > limit:
            raise _too_large(storage.filename or field, limit)
        uploads.append(Upload(storage.filename or "", content))
    return data, uploads


def dump(schema: Schema, obj, status: int = 200, headers: dict | None = None):
    return jsonify(schema.dump(obj)), status, headers or {}
