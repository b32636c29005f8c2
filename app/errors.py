"""Domain errors and the handlers that turn any error into an HTML page or a JSON body.

Services raise these; views map ValidationError onto their forms; anything that
escapes is rendered here, as JSON for API clients and as a friendly page for
people.
"""
from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug import exceptions

from app.extensions import db


class NotFound(exceptions.NotFound):
    """The object does not exist, or the current user may not know it exists."""


class Forbidden(exceptions.Forbidden):
    """The user is known and may see the object, but not do this to it."""


class ValidationError(Exception):
    """Bad input found by a service: ``errors`` maps a field name to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors

    @classmethod
    def single(cls, field: str, message: str) -> "ValidationError":
        return cls({field: [message]})


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _messages():
    # Built per request so the texts come out in the user's language.
    return {
        400: (_("Bad request"), _("The request could not be understood. Please check what you sent.")),
        401: (_("Please log in"), _("You need to log in to see this page.")),
        403: (_("Access denied"), _("You do not have permission to do this.")),
        404: (_("Not found"), _("There is nothing here, or it is not yours to see.")),
        405: (_("Not allowed"), _("This address does not accept that kind of request.")),
        409: (_("Conflict"), _("Someone else changed this in the meantime.")),
        413: (_("Too large"), _("What you sent is larger than allowed.")),
        422: (_("Invalid input"), _("Some fields are not valid.")),
        429: (_("Too many requests"), _("Please wait a moment and try again.")),
        500: (_("Something went wrong"), _("An unexpected error happened. It has been logged; please try again.")),
    }


def render_error(code: int, message: str | None = None, fields: dict | None = None):
    title, default_text = _messages().get(code, (str(code), ""))
    message = message or default_text
    if wants_json():
        body = {"error": {"code": code, "message": message}}
        if fields:
            body["error"]["fields"] = fields
        return jsonify(body), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _("The form expired or was sent from elsewhere. Please reload the page and try again."))

    @app.errorhandler(ValidationError)
    def validation_error(error):
        db.session.rollback()
        return render_error(422, fields=error.errors)

    @app.errorhandler(exceptions.HTTPException)
    def http_error(error):
        if error.code in _messages():
            return render_error(error.code)
        return error

    @app.errorhandler(Exception)
    def unexpected_error(error):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)
