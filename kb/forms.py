"""The knowledge base's forms. Shape only: the rules are in kb/services.py."""
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.forms import AttachmentsField, Form, choices
from app.i18n import lazy_gettext as _l
from kb.labels import LANGUAGE_LABELS, VISIBILITY_LABELS


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class ArticleForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text (Markdown)"))
    category = SelectField(_l("Category"), coerce=_int_or_none, validators=[Optional()], validate_choice=False)
    tags = StringField(_l("Tags (comma-separated)"), validators=[Length(max=900)])
    visibility = SelectField(_l("Who may read it"), choices=choices(VISIBILITY_LABELS.items()))
    organizations = SelectMultipleField(_l("Organizations"), coerce=int, validate_choice=False)
    language = SelectField(_l("Language"), choices=choices(LANGUAGE_LABELS.items()))
    translation_of = SelectField(_l("Translation of"), coerce=_int_or_none, validators=[Optional()],
                                 validate_choice=False)
    review_by = DateField(_l("Review by"), validators=[Optional()])
    cis = StringField(_l("CIs (names or ids, comma-separated)"), validators=[Length(max=4000)])
    ci_classes = SelectMultipleField(_l("CI classes"), validate_choice=False)
    attachments = AttachmentsField(_l("Add files (images, logs, PDFs)"))
    note = StringField(_l("What changed"), validators=[Length(max=200)])
    version = HiddenField()
    submit = SubmitField(_l("Save"))


class ActionForm(Form):
    """A button: submit for review, publish, retire, make an article, insert a link."""


class FeedbackForm(Form):
    helpful = HiddenField()
    comment = TextAreaField(_l("What was missing or wrong?"), validators=[Length(max=5000)])
    submit = SubmitField(_l("Send"))


class CategoryForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    parent = SelectField(_l("Inside"), coerce=_int_or_none, validators=[Optional()], validate_choice=False)
    submit = SubmitField(_l("Add category"))


class SolvedForm(Form):
    solved = BooleanField()
