"""Catalog items: their field definitions (written one per line by admins) and
the WTForms form built from them for ordering."""
import re

from flask_babel import gettext as _
from markupsafe import escape
from werkzeug.datastructures import MultiDict
from wtforms import DateField, DecimalField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.errors import ValidationError
from app.forms import Form
from app.requests.models import FIELD_TYPES

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def parse_fields(text: str) -> list[dict]:
    """Field definitions from lines of ``name | label | type | required | choices | help``.

    Raises ValueError naming the line that is wrong."""
    fields, names = [], set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")] + [""] * 6
        name, label, kind, required, options, help_text = parts[:6]
        if not NAME_RE.match(name):
            raise ValueError(_("Line %(n)d: the name must be lower-case letters, digits or _.", n=number))
        if name in names:
            raise ValueError(_("Line %(n)d: the name %(name)s is used twice.", n=number, name=name))
        if kind not in FIELD_TYPES:
            raise ValueError(_("Line %(n)d: the type must be one of %(types)s.", n=number, types=", ".join(FIELD_TYPES)))
        choices = [c.strip() for c in options.split(",") if c.strip()]
        if kind == "choice" and not choices:
            raise ValueError(_("Line %(n)d: a choice field needs its choices, separated by commas.", n=number))
        names.add(name)
        fields.append({"name": name, "label": label or name, "type": kind,
                       "required": required.lower() in ("yes", "required", "true", "1"),
                       "choices": choices, "help": help_text})
    return fields


def format_fields(fields: list[dict]) -> str:
    return "\n".join(" | ".join([f["name"], f["label"], f["type"], "required" if f["required"] else "optional",
                                 ", ".join(f.get("choices") or []), f.get("help") or ""]) for f in fields)


def order_form_class(item):
    """A form class with one typed field per definition of the catalog item."""

    class OrderForm(Form):
        submit = SubmitField(_("Order"))

    for spec in item.fields:
        check = [InputRequired()] if spec["required"] else [Optional()]
        # The form macro prints a description as HTML: the admin's help text is text.
        options = {"label": spec["label"], "description": escape(spec.get("help", ""))}
        if spec["type"] == "text":
            field = StringField(validators=[*check, Length(max=500)], **options)
        elif spec["type"] == "textarea":
            field = TextAreaField(validators=[*check, Length(max=10_000)], **options)
        elif spec["type"] == "number":
            field = DecimalField(validators=check, **options)
        elif spec["type"] == "date":
            field = DateField(validators=check, **options)
        else:
            choices = [SelectChoice("", "—")] + [SelectChoice(c, c) for c in spec["choices"]]
            field = SelectField(validators=check, choices=choices, **options)
        setattr(OrderForm, f"field_{spec['name']}", field)
    return OrderForm


def answers(item, form) -> dict:
    """The filled-in values, as text, keyed by the fields' labels (what agents read)."""
    values = {}
    for spec in item.fields:
        value = getattr(form, f"field_{spec['name']}").data
        if value not in (None, ""):
            values[spec["label"]] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return values


def checked_values(item, values: dict) -> dict:
    """Values sent by a script, checked by the same typed form the web order uses;
    the answers keyed by label, or ValidationError naming each bad field."""
    known = {spec["name"] for spec in item.fields}
    errors = {f"values.{name}": [_("This item has no such field.")] for name in values if name not in known}
    form = order_form_class(item)(formdata=MultiDict({f"field_{k}": str(v) for k, v in values.items() if k in known}),
                                  meta={"csrf": False})
    if not form.validate():
        for name, messages in form.errors.items():
            if name.startswith("field_"):
                errors[f"values.{name[6:]}"] = [str(m) for m in messages]
    if errors:
        raise ValidationError(errors)
    return answers(item, form)
