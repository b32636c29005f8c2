"""Form pieces shared by every package; every form is built on ``Form``."""
from flask import current_app, flash, redirect
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from markupsafe import Markup, escape
from wtforms import (
    DateField,
    DateTimeField,
    IntegerField,
    PasswordField,
    SearchField,
    StringField,
    TextAreaField,
)
from wtforms import ValidationError as FieldError
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields.choices import SelectChoice

from app import validation
from app.errors import ValidationError
from app.i18n import lazy_gettext as _l
from app.mail.addresses import normalize_address
from app.text import clean_line
from app.uploads import Upload
from app.validation import MAX_YEAR, MIN_YEAR
from app.widgets import fast_widget

# Text fields that are not one line of words: their value is kept exactly as typed.
_NOT_ONE_LINE = (TextAreaField, PasswordField, CSRFTokenField)


def one_line(value):
    """WTForms filter of every one-line text field: surrounding whitespace goes;
    line breaks and other control characters are refused with a form error."""
    if not isinstance(value, str):
        return value
    try:
        return clean_line(value)
    except ValueError:
        raise ValueError(_l("Please write this on one line, without control characters.")) from None


def storable_text(value):
    """WTForms filter of every text area: any number of lines, but nothing that cannot be stored."""
    if isinstance(value, str) and not validation.text_ok(value):
        raise ValueError(_l("This text holds characters that cannot be stored (control characters)."))
    return value


def sensible_date(form, field) -> None:
    """WTForms validator of every date and time field: a year anyone means."""
    year = getattr(field.data, "year", None)  # a TimeField has none
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise FieldError(_l("Give a date between the years %(first)d and %(last)d.", first=MIN_YEAR, last=MAX_YEAR))


def storable_number(form, field) -> None:
    """WTForms validator of every integer field: a number the database can hold."""
    if field.data is not None and validation.int_or_none(field.data) is None:
        raise FieldError(_l("This number is too large."))


class Form(FlaskForm):
    """The base of every form, whatever its fields (declared, or built at run time like the
    catalog's): one_line() filters each one-line text field (StringField and its kin: e-mail,
    search, hidden), storable_text() each text area, and dates and integers are kept to what
    the database and the calendar can hold (app/validation.py). Inputs and selects
    render through app.widgets.fast_widget (WTForms' markup, several times cheaper to write)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field_class, kwargs = unbound_field.field_class, unbound_field.kwargs
            if issubclass(field_class, TextAreaField):
                options = {**options, "filters": (storable_text, *kwargs.get("filters", ()))}
            elif issubclass(field_class, StringField) and not issubclass(field_class, _NOT_ONE_LINE):
                options = {**options, "filters": (one_line, *kwargs.get("filters", ()))}
            elif issubclass(field_class, (DateField, DateTimeField)):
                options = {**options, "validators": (*kwargs.get("validators", ()), sensible_date)}
            elif issubclass(field_class, IntegerField):
                options = {**options, "validators": (*kwargs.get("validators", ()), storable_number)}
            fast = fast_widget(kwargs.get("widget") or getattr(field_class, "widget", None))
            if fast is not None:
                options = {**options, "widget": fast}  # the same markup, written faster
            return super().bind_field(form, unbound_field, options)


class SearchForm(Form):
    """The search box above a list: a GET form, so it carries no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"))


def attempted(form, action):
    """Validate the form (or each of a list of forms, so that every one shows its errors) and call
    the service (``action()``). Returns ``(True, result)``, or ``(False, None)`` when a form was
    invalid or the service refused: its ValidationError is then on the (first) form."""
    forms = form if isinstance(form, (list, tuple)) else [form]
    if not all([each.validate_on_submit() for each in forms]):
        return False, None
    return _call(forms[0], action)


def _call(form, action):
    try:
        return True, action()
    except ValidationError as error:
        map_errors(form, error.errors)
        return False, None


def submitted(form, action, message, to):
    """How a view handles a form: validate it, call the service (``action()``), then either put
    the service's ValidationError onto the form or flash ``message`` and redirect to ``to``
    (either may be a function of the service's result; a message may be a pair (text, category)).
    Returns the redirect, or None: show the form (again, with its errors). ``form`` may be a list
    of forms shown together: all are validated, the service's errors go onto the first."""
    done, result = attempted(form, action)
    return _said(message, to, result) if done else None


def answered(form, action, message, to, page, *, invalid=400):
    """Like submitted(), for a form posted from a page that shows several forms (a ticket page):
    when it is not done, that page is shown again with this form's errors (``page()``), with the
    status ``invalid`` if the form itself was wrong and 422 if the service refused it."""
    if not form.validate_on_submit():
        return page(), invalid
    done, result = _call(form, action)
    return _said(message, to, result) if done else (page(), 422)


def acted(action, message, to, *, form=None):
    """How a button (a panel's form on another page) is handled: call the service, flash its
    refusal or ``message`` (None: nothing to say), and go back to ``to`` either way (``message``
    may be a function of the result). With ``form``: a form that is not valid goes back to ``to``
    at once, saying nothing (the browser has checked its fields already)."""
    if form is not None and not form.validate_on_submit():
        return redirect(to)
    try:
        result = action()
    except ValidationError as error:
        flash_errors(error)
    else:
        _flash(message, result)
    return redirect(to)


def _flash(message, result) -> None:
    """``message`` (or ``message(result)``) is the text said in green, or a pair (text, category)."""
    said = message(result) if callable(message) else message
    if said is not None:
        text, category = said if isinstance(said, tuple) else (said, "success")
        flash(text, category)


def _said(message, to, result):
    _flash(message, result)
    return redirect(to(result) if callable(to) else to)


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


def optional_id(value):
    """The coerce of every select whose values are ids: "" is None, "7" is 7, and a row is its id.
    A form built with ``obj=`` reads a field named after a relationship (``policy.cab_team``) as the
    related row; coercing it to its id makes the saved value the selected option, so that saving
    the form unchanged keeps it (instead of showing "—" and clearing it)."""
    if value is None or (isinstance(value, str) and value in ("", "None")):
        return None
    if not isinstance(value, (int, str)) and hasattr(value, "id"):
        return value.id
    return int(value)


COMMON_ZONES = ("Europe/Kyiv", "Europe/Warsaw", "Europe/Berlin", "Europe/London", "UTC", "America/New_York",
                "Asia/Dubai")
REGIONS = {"Europe": _l("Europe"), "America": _l("America"), "Asia": _l("Asia"), "Africa": _l("Africa"),
           "Australia": _l("Australia"), "Pacific": _l("Pacific"), "Atlantic": _l("Atlantic"), "Indian": _l("Indian Ocean"),
           "Antarctica": _l("Antarctica"), "Arctic": _l("Arctic")}


def zone_label(zone: str) -> str:
    """A zone as people read it: "Kyiv", "Argentina / Buenos Aires" (its region is the group)."""
    place = zone.split("/", 1)[1] if "/" in zone else zone
    return place.replace("_", " ").replace("/", " / ")


def timezone_groups(zones, blank=None) -> dict:
    """Choices of a time-zone select, grouped (<optgroup>): the common zones first, then by region,
    then the rest; ``blank`` is an optional (value, label) offered first."""
    zones = list(zones)
    groups: dict = {}
    if blank is not None:
        groups[None] = [SelectChoice(*blank)]
    groups[str(_l("Common"))] = [SelectChoice(z, f"{zone_label(z)} ({z.split('/')[0]})" if "/" in z else z)
                                 for z in COMMON_ZONES if z in zones]
    for region, label in REGIONS.items():
        members = [SelectChoice(z, zone_label(z)) for z in zones if z.split("/")[0] == region]
        if members:
            groups[str(label)] = members
    rest = [SelectChoice(z, z.replace("_", " ")) for z in zones if z.split("/")[0] not in REGIONS]
    if rest:
        groups[str(_l("Other"))] = rest
    return groups


def choices(pairs) -> list[SelectChoice]:
    """Options for a SelectField from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class OptionList(list):
    """Choices for a long select whose <option> tags are written once and shared: the
    workspace's organizations, teams and staff (app.tickets.workspace), made again only when
    their cached rows change. ``tags`` holds (value, '<option value="…"', '>label</option>')
    for each choice but the leading blank one, if any."""

    def __init__(self, choices, tags=None):
        super().__init__(choices)
        self.tags = tags if tags is not None else [
            (str(c.value), f'<option value="{escape(c.value)}"', f">{escape(c.label)}</option>")
            for c in choices if c.value != ""]

    def with_blank(self, label="—") -> "OptionList":
        return OptionList([SelectChoice("", label), *self], self.tags)


def options_html(options, selected=None, blank_label=None) -> Markup:
    """<option> tags for a long select, built in Python: far cheaper than a template
    loop for the hundreds of organizations in a filter bar (an OptionList's tags are
    written already: only the chosen one is marked)."""
    if isinstance(options, OptionList):
        chosen = None if selected is None else str(selected)
        parts = []
        if options and options[0].value == "":
            label = blank_label if blank_label is not None else options[0].label
            parts.append(f'<option value=""{" selected" if chosen == "" else ""}>{escape(label)}</option>')
        parts += [f"{start} selected{end}" if value == chosen else start + end for value, start, end in options.tags]
        return Markup("".join(parts))
    parts = []
    for option in options:
        value, label = option.value, option.label
        if value == "" and blank_label is not None:
            label = blank_label
        mark = " selected" if selected is not None and str(value) == str(selected) else ""
        parts.append(f'<option value="{escape(value)}"{mark}>{escape(label)}</option>')
    return Markup("".join(parts))


class AttachmentsField(MultipleFileField):
    """The files of a message. Validating it reads them, each no further than one
    byte past ATTACHMENT_MAX_BYTES, and refuses more than ATTACHMENT_MAX_FILES; the
    whole request is already bounded by MAX_CONTENT_LENGTH (a 413 before any of this)."""

    uploads: list[Upload] = []

    def pre_validate(self, form) -> None:
        self.uploads = []
        files = [f for f in self.data or [] if f and f.filename]
        most, limit = current_app.config["ATTACHMENT_MAX_FILES"], current_app.config["ATTACHMENT_MAX_BYTES"]
        if len(files) > most:
            raise FieldError(_("At most %(n)d files at a time.", n=most))
        for storage in files:
            data = storage.read(limit + 1)
            if len(data) > limit:
                raise FieldError(_("%(name)s is larger than %(mb)d MB.", name=storage.filename,
                                        mb=limit // (1024 * 1024)))
            self.uploads.append(Upload(storage.filename, data))


def uploads_from(field: AttachmentsField) -> list[Upload]:
    """The files of a validated AttachmentsField as Upload values for the ticket services
    (their content is checked there)."""
    return list(field.uploads)
