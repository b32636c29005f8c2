"""The CMDB's forms. Shape only: the rules (names, schemas, groups) live in cmdb/services.py."""
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import Form, choices
from app.i18n import lazy_gettext as _l
from cmdb.labels import GROUP_LABELS, IMPACT_LABELS, STATUS_LABELS, schema_label


class CIForm(Form):
    ci_class = SelectField(_l("Class"), validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    organization = SelectField(_l("Organization"), coerce=int,
                               description=_l("Nobody's: the provider's shared infrastructure."))
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS.items()), default="in_production")
    hostname = StringField(_l("Hostname"), validators=[Optional(), Length(max=255)])
    ip_addresses = StringField(_l("IP addresses"), validators=[Optional(), Length(max=500)],
                               description=_l("Separated by spaces or commas."))
    serial = StringField(_l("Serial number"), validators=[Optional(), Length(max=100)])
    asset_tag = StringField(_l("Asset tag"), validators=[Optional(), Length(max=100)])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)],
                           description=_l("Site / room / rack."))
    warranty_end = DateField(_l("Warranty end"), validators=[Optional()])
    support_contract = StringField(_l("Support contract"), validators=[Optional(), Length(max=200)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=20_000)])
    submit = SubmitField(_l("Save"))
    attribute_names: tuple = ()  # the class attributes' fields, attr_<name> (with_attributes)


class RelationForm(Form):
    type = SelectField(_l("Relation"), validators=[DataRequired()])
    target = StringField(_l("Depends on"), validators=[DataRequired(), Length(max=220)],
                         description=_l("Type a name, hostname or IP address and pick the CI."))
    impact = SelectField(_l("Impact"), choices=choices([("", _l("The type's default")), *IMPACT_LABELS.items()]),
                         validators=[Optional()])
    group = StringField(_l("Redundancy group"), validators=[Optional(), Length(max=40)])
    submit = SubmitField(_l("Add relation"))


class GroupForm(Form):
    key = StringField(_l("Group"), validators=[DataRequired(), Length(max=40)])
    min_up = IntegerField(_l("At least up"), validators=[Optional(), NumberRange(min=1)])
    min_up_pct = IntegerField(_l("Or at least up, %"), validators=[Optional(), NumberRange(min=1, max=100)])
    submit = SubmitField(_l("Save group"))


class LinkForm(Form):
    ci = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Link"))


class ActionForm(Form):
    """A button that only posts (compute impact, unlink, rule out): its CSRF token and nothing else."""
    submit = SubmitField(_l("Go"))


class ImportForm(Form):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()],
                     description=_l("One row per CI, relation or group: export the CMDB to see the columns."))
    dry_run = BooleanField(_l("Dry run: check every row, write nothing"), default=True)
    submit = SubmitField(_l("Import"))


def with_attributes(form_class, schema: dict):
    """``form_class`` with one field per class attribute (named ``attr_<name>``): a choice or a
    yes/no becomes a select, anything else a line of text that the service checks and converts."""

    class WithAttributes(form_class):
        attribute_names = tuple(sorted(schema or {}))

    for name, spec in sorted((schema or {}).items()):
        label = schema_label(schema, name)
        if spec.get("choices"):
            field = SelectField(label, choices=choices([("", "—"), *((c, c) for c in spec["choices"])]),
                                validators=[Optional()])
        elif spec.get("type") == "bool":
            field = SelectField(label, choices=choices([("", "—"), ("true", _l("Yes")), ("false", _l("No"))]),
                                validators=[Optional()])
        else:
            field = StringField(label, validators=[Optional(), Length(max=500)],
                                description=spec.get("type") if spec.get("type") != "str" else None)
        setattr(WithAttributes, f"attr_{name}", field)
    return WithAttributes


def attributes_of(form) -> dict:
    return {name.removeprefix("attr_"): field.data for name, field in form._fields.items()
            if name.startswith("attr_") and field.data not in (None, "")}


class ClassForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("Small letters, digits and _: used in imports and the API."))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    group = SelectField(_l("Group"), choices=choices(GROUP_LABELS.items()))
    attributes = TextAreaField(_l("Attributes"), validators=[Optional(), Length(max=10_000)],
                               description=_l("One per line: name: type (str, int, float, bool or date), "
                                              "or name: choice | choice; add = Label to show a label."))
    submit = SubmitField(_l("Save"))
