"""Forms of the client portal. Shape only: the rules live in app/portal/services.py."""
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import AttachmentsField, EmailAddress, Form, choices
from app.i18n import lazy_gettext as _l

URGENCY = [("1", _l("It stops our business")), ("2", _l("It hampers our work")), ("3", _l("It can wait"))]


class NewTicketForm(Form):
    affected_system = StringField(_l("Which server or service?"), validators=[Optional(), Length(max=200)],
                                  description=_l("Its name as you know it (e.g. web-01 or shop.example.com), hostname or IP: "
                                                  "pick one of your servers; leave it empty if you don't know."))
    title = StringField(_l("Title"), validators=[Length(max=200)],
                        description=_l("Short and exact, with the server's name: "
                                       "“web-01: 502 errors since 10:00”, not “site not working”."))
    category = SelectField(_l("What is it about?"))
    description = TextAreaField(_l("Description"), validators=[Length(max=100_000)],
                                description=_l("What happened, since when, what you already tried. "
                                               "Paste command output as it is."))
    urgency = SelectField(_l("How urgent is it?"), choices=choices(URGENCY), default="2")
    attachments = AttachmentsField(_l("Files"))
    follow_up = HiddenField()
    add_to = HiddenField()  # "add my message there instead": the number of a similar open ticket
    part_of = StringField(validators=[Optional(), Length(max=40)])  # a checkbox: the major incident it is part of
    submit = SubmitField(_l("Send the ticket"))


class ReplyForm(Form):
    body = TextAreaField(_l("Your message"), validators=[Length(max=100_000)])
    attachments = AttachmentsField(_l("Files"))
    submit = SubmitField(_l("Send"))


class RatingForm(Form):
    rating = RadioField(_l("Your rating"), choices=choices([(str(n), str(n)) for n in range(5, 0, -1)]),
                        validators=[DataRequired(_l("Choose from 1 to 5 stars."))])
    comment = TextAreaField(_l("Anything to add? (optional)"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Rate"))


class CcForm(Form):
    email = StringField(_l("Colleague's e-mail"), validators=[DataRequired(), EmailAddress(), Length(max=254)])
    submit = SubmitField(_l("Put in copy"))


class InviteForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = StringField(_l("E-mail"), validators=[DataRequired(), EmailAddress(), Length(max=254)])
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=120)])
    admin = BooleanField(_l("May invite colleagues and approve requests"))
    submit = SubmitField(_l("Send the invitation"))


class VisibilityForm(Form):
    contacts_see_all = RadioField(_l("Who sees which tickets"), choices=choices([
        ("all", _l("Everyone sees all of the organization's tickets")),
        ("own", _l("Each contact sees their own tickets and those they are in copy of")),
    ]))
    submit = SubmitField(_l("Save"))


class CategoryForm(Form):
    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=40)])
    label_en = StringField(_l("Label (English)"), validators=[Optional(), Length(max=120)])
    hint_en = TextAreaField(_l("Hint (English)"), validators=[Optional(), Length(max=2000)])
    label_uk = StringField(_l("Label (Ukrainian)"), validators=[Optional(), Length(max=120)])
    hint_uk = TextAreaField(_l("Hint (Ukrainian)"), validators=[Optional(), Length(max=2000)])
    position = IntegerField(_l("Position"), default=100, validators=[Optional()])
    active = BooleanField(_l("Offered to clients"), default=True)
    submit = SubmitField(_l("Save"))

