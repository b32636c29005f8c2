"""Form pieces shared by every package."""
from flask import flash, redirect
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SearchField
from wtforms import ValidationError as FieldError
from wtforms.fields.choices import SelectChoice

from app.errors import ValidationError
from app.mail.addresses import normalize_address
from app.tickets.attachments import Upload


class SearchForm(FlaskForm):
    """The search box above a list: a GET form, so it carries no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"))


def submitted(form, action, message, to):
    """How a view handles a form: validate it, call the service (``action()``), then either put
    the service's ValidationError onto the form or flash ``message`` and redirect to ``to``
    (either may be a function of the service's result). Returns the redirect, or None: show the
    form (again, with its errors)."""
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except ValidationError as error:
        map_errors(form, error.errors)
        return None
    flash(message(result) if callable(message) else message, "success")
    return redirect(to(result) if callable(to) else to)


def acted(action, message, to):
    """How a button (a panel's form on another page) is handled: call the service, flash its
    refusal or ``message``, and go back to ``to`` either way (``message`` may be a function of
    the result)."""
    try:
        result = action()
    except ValidationError as error:
        flash_errors(error)
    else:
        flash(message(result) if callable(message) else message, "success")
    return redirect(to)


def flash_errors(error) -> None:
    """A service's refusal (ValidationError), said on the page the user returns to."""
    for messages in error.errors.values():
        for message in messages:
            flash(str(message), "danger")


def map_errors(form, errors: dict[str, list[str]]) -> None:
    """Put a service's ValidationError onto the form; unknown fields go to the form itself."""
    for field_name, messages in errors.items():
        field = getattr(form, field_name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
        else:
            form.form_errors.extend(messages)


class EmailAddress:
    """WTForms validator: a well-formed e-mail address (no DNS look-up)."""

    def __call__(self, form, field) -> None:
        if field.data:
            try:
                normalize_address(field.data)
            except ValueError:
                raise FieldError(_l("Please give a valid e-mail address.")) from None


def choices(pairs) -> list[SelectChoice]:
    """Options for a SelectField from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def options_html(options, selected=None, blank_label=None) -> Markup:
    """<option> tags for a long select, built in Python: far cheaper than a template
    loop for the hundreds of organizations in a filter bar."""
    parts = []
    for option in options:
        value, label = option.value, option.label
        if value == "" and blank_label is not None:
            label = blank_label
        mark = " selected" if selected is not None and str(value) == str(selected) else ""
        parts.append(f'<option value="{escape(value)}"{mark}>{escape(label)}</option>')
    return Markup("".join(parts))


def uploads_from(field) -> list[Upload]:
    """The files of a MultipleFileField as Upload values for the ticket services (their content is checked there)."""
    return [Upload(f.filename, f.read()) for f in field.data or [] if f and f.filename]
