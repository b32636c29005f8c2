"""app.widgets.FastSelect writes exactly the markup of WTForms' Select (it only writes it faster),
and every select of our forms uses it."""
import pytest
from wtforms import Form as PlainForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import Select

from app.widgets import FastSelect

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
