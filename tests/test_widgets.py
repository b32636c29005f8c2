"""app.widgets.FastSelect writes exactly the markup of WTForms' Select (it only writes it faster),
and every select of our forms uses it."""
import pytest
from markupsafe import Markup
from wtforms import Form as PlainForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import Input, Select, html_params

from app.widgets import FastSelect, attributes

CHOICES = [SelectChoice("", "—"), SelectChoice(1, 'Ops & "Infra" <core>'), SelectChoice("2", "Дві команди"),
           SelectChoice(3, ""), SelectChoice(True, "yes"), SelectChoice("x", "with kw", render_kw={"disabled": True})]


def both(data, validators=(), **kwargs):
    rendered = []
    for widget in (Select(), FastSelect()):
        class One(PlainForm):
            pick = SelectField("Pick", choices=CHOICES, coerce=str, validators=list(validators), widget=widget)
        form = One(data={"pick": data})
        rendered.append(form.pick(**kwargs))
    return rendered


@pytest.mark.parametrize("data", [None, "", "1", "2", "True", "x"])
@pytest.mark.parametrize("validators", [(), (DataRequired(),), (Optional(),)])
def test_fast_select_writes_wtforms_markup(data, validators):
    wtforms_html, fast_html = both(data, validators, class_="form-select w-auto", data_bulk="assign",
                                   aria_label='Team "A"', disabled=False, autofocus=True)
    assert fast_html == wtforms_html
    assert str(fast_html).count("<option") == len(CHOICES)


def test_every_select_of_our_forms_is_fast(app):
    from app.tickets.forms import BulkForm, UpdateForm

    with app.test_request_context():
        for form in (BulkForm(), UpdateForm()):
            selects = [f for f in form if isinstance(f, SelectField)]
            assert selects and all(isinstance(f.widget, FastSelect) for f in selects)


@pytest.mark.parametrize("params", [
    {"name": "title", "id": "title", "class_": "form-control is-invalid", "value": 'Disk "full" <b>&'},
    {"value": Markup('<b title="x">ok</b>'), "required": True, "disabled": False, "for_": "x"},
    {"data_bulk_action": "assign", "aria_label": "Ticket's team", "maxlength": 200, "value": None},
    {"type": "checkbox", "checked": True, "value": "y", "autofocus": True, "readonly": False, "step": 1.5},
])
def test_attributes_are_wtforms_html_params(params):
    assert attributes(**params) == html_params(**params)


def test_every_input_of_our_forms_renders_as_wtforms_would(app):
    """The fields of the ticket page's forms, rendered with their fast widget and with WTForms' own."""
    from app.tickets.forms import LinkForm, MergeForm, ReplyForm, TransitionForm, UpdateForm, WorklogForm

    with app.test_request_context():
        for form in (ReplyForm(), TransitionForm(), UpdateForm(), LinkForm(prefix="link"), MergeForm(prefix="merge"),
                     WorklogForm()):
            for field in form:
                fast = field.widget
                wtforms_widget = Select() if isinstance(fast, FastSelect) else type(fast)(
                    *([fast.input_type] if isinstance(fast, Input) else []))
                if isinstance(fast, Input):
                    assert fast.html_params is attributes, field.name
                    vars(wtforms_widget).update({k: v for k, v in vars(fast).items() if k != "html_params"})
                if isinstance(field, SelectField) and not field.choices:
                    field.choices = [SelectChoice("", "—"), SelectChoice(1, "Ops & \"Infra\""), SelectChoice(2, "Дві")]
                assert fast(field, class_="x y") == wtforms_widget(field, class_="x y"), field.name


CHOICES = [SelectChoice(1, 'ACME <"Kyiv"> & Co'), SelectChoice(2, "Globex"), SelectChoice("x&y", "Initech's")]


@pytest.mark.parametrize("selected", [None, "", 1, "2", "x&y", 99])
@pytest.mark.parametrize("blank_label", [None, "Any <organization>"])
def test_shared_option_tags_say_what_the_plain_options_say(selected, blank_label):
    from app.forms import OptionList, options_html

    shared = OptionList(CHOICES)
    for plain, fast in ((CHOICES, shared), ([SelectChoice("", "—"), *CHOICES], shared.with_blank())):
        assert options_html(fast, selected, blank_label) == options_html(plain, selected, blank_label)
    assert shared.with_blank().tags is shared.tags and len(shared.with_blank()) == len(CHOICES) + 1
