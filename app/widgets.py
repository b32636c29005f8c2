"""render_field: one WTForms field as Bootstrap 5 markup, written in Python.

The markup is the one Bootstrap-Flask's ``bootstrap5/form.html`` macro writes for the basic
layout, which is the layout every page of ours uses. The macro runs a dozen ``set``
statements and nested calls per field; on the agent's ticket page, with its side panel of
forms, it was the largest single cost of the page (bench/README.md, issue 18). The other
layouts (horizontal, inline) and compound fields are handed to the macro itself.

Templates use the global: ``{{ render_field(form.title, placeholder=…) }}``.
"""
import copy

from flask import current_app
from markupsafe import Markup, escape
from wtforms.widgets import Input, Select
from wtforms.widgets import html_params as wtforms_html_params

_MACRO_ONLY = frozenset({"RadioField", "FormField", "FieldList"})
_MACRO_KW = ("label_class", "radio_class", "description_class")
_RANGES = frozenset({"DecimalRangeField", "IntegerRangeField"})


def render_field(field, form_type="basic", horizontal_columns=("lg", 2, 10), button_map=None,
                 button_style="", button_size="", form_group_classes="", **kwargs):
    render_kw = field.render_kw or {}
    if form_type != "basic" or field.type in _MACRO_ONLY or any(k in render_kw for k in _MACRO_KW):
        macro = current_app.jinja_env.get_template("bootstrap5/form.html").module.render_field
        return macro(field, form_type=form_type, horizontal_columns=horizontal_columns,
                     button_map=button_map or {}, button_style=button_style, button_size=button_size,
                     form_group_classes=form_group_classes, **kwargs)

    if field.type in ("CSRFTokenField", "HiddenField"):
        return Markup(field())
    config = current_app.config
    if field.flags.required and "required" not in kwargs:
        kwargs["required"] = True
    css = kwargs.pop("class", "") or kwargs.pop("class_", "")
    extra = f" {css}" if css else (f" {render_kw['class']}" if render_kw.get("class") else "")

    if field.type == "SubmitField":
        style = (button_map or {}).get(field.name, button_style or config["BOOTSTRAP_BTN_STYLE"])
        size = button_size or config["BOOTSTRAP_BTN_SIZE"]
        return Markup(field(class_=f"btn btn-{style} btn-{size}{extra}", **kwargs))

    group = form_group_classes or config["BOOTSTRAP_FORM_GROUP_CLASSES"]
    invalid = " is-invalid" if field.errors else ""
    if field.errors:
        after = "".join(f'<div class="invalid-feedback d-block">{escape(error)}</div>' for error in field.errors)
    elif field.description:
        after = f'<small class="form-text text-body-secondary">{escape(field.description)}</small>'
    else:
        after = ""

    if getattr(field.widget, "input_type", None) == "checkbox":
        switch = field.type == "SwitchField"
        if switch:
            kwargs["role"] = "switch"
        control = field(class_=f"form-check-input{invalid}{extra}", **kwargs)
        label = field.label(class_="form-check-label", for_=field.id)
        return Markup(f'<div class="{group} form-check{" form-switch" if switch else ""}">'
                      f"{control}{label}{after}</div>")

    base = "form-range" if field.type in _RANGES else "form-select" if field.type == "SelectField" else "form-control"
    control = field(class_=f"{base}{invalid}{extra}", **kwargs)
    required = " required" if field.flags.required else ""
    return Markup(f'<div class="{group}{required}">{field.label(class_="form-label")}{control}{after}</div>')



def attributes(**kwargs) -> str:
    """WTForms' ``html_params`` to the byte (sorted keys, ``class_`` → ``class``, ``data_x`` →
    ``data-x``, True → the bare name, False → nothing), in plain f-strings: WTForms builds each
    attribute with ``Markup.format``, which was the largest part of rendering a select."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = key.rstrip("_")
        if key.startswith(("data_", "aria_")):
            key = key.replace("_", "-")
        if value is True:
            params.append(key)
        elif value is not False:  # (a Markup value keeps its own quotes: WTForms writes them as &quot;)
            params.append(f'{escape(key)}="{str(escape(value)).replace(QUOTE, "&quot;")}"')
    return " ".join(params)


QUOTE = '"'


def fast_widget(widget):
    """The widget to render a field with: for WTForms' inputs (text, hidden, checkbox, submit,
    number, date… all of ``wtforms.widgets.Input``), a copy whose ``html_params`` is
    ``attributes`` (the same markup, written faster); selects are FastSelect; None: keep it."""
    if type(widget) is Select and not widget.multiple:
        return FastSelect()
    if isinstance(widget, Input) and widget.html_params is wtforms_html_params:
        fast = copy.copy(widget)
        fast.html_params = attributes  # an instance attribute: called unbound, as the staticmethod was
        return fast
    return None


class FastSelect(Select):
    """WTForms' Select widget with the same markup, written without a ``Markup.format`` per
    attribute and per option: every SelectField of ours uses it (app.forms.Form). Options with
    ``render_kw`` and grouped choices are left to WTForms."""

    def __call__(self, field, **kwargs):
        if self.multiple or field.has_groups():
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = field.flags
        for name in self.validation_attrs:
            if name not in kwargs and getattr(flags, name, False):
                kwargs[name] = getattr(flags, name)
        html = [f"<select {attributes(name=field.name, **kwargs)}>"]
        for choice in field.iter_choices():
            if choice.render_kw:
                html.append(self.render_option(choice))
                continue
            value = str(choice.value) if isinstance(choice.value, bool) else choice.value
            label = escape(choice.label or choice.value)
            value = str(escape(value)).replace(QUOTE, "&quot;")
            html.append(f'<option {"selected " if choice.selected else ""}value="{value}">{label}</option>')
        html.append("</select>")
        return Markup("".join(html))
