"""Managers and admins keep the canned responses."""
from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.auth import permissions
from app.auth.permissions import require
from app.forms import Form, optional_id, submitted
from app.i18n import lazy_gettext as _l
from app.orgs import queries as org_queries
from app.tickets import canned, queries, workspace

bp = Blueprint("canned", __name__)


class CannedForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    team = SelectField(_l("Team"), coerce=optional_id,
                       validators=[Optional()], description=_l("Empty: every agent sees it."))
    body = TextAreaField(_l("Answer"), validators=[DataRequired(), Length(max=20_000)],
                         description=_l("Placeholders: {ticket} {title} {requester} {organization} {agent}"))
    active = BooleanField(_l("In use"), default=True)
    submit = SubmitField(_l("Save"))


@bp.before_request
@login_required
def require_manager():
    require(permissions.is_manager(current_user))


@bp.route("/")
def index():
    return render_template("canned/index.html", responses=queries.canned_responses())


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:response_id>/edit", methods=["GET", "POST"])
def edit(response_id=None):
    response = queries.get_canned_response(response_id) if response_id else None
    form = CannedForm(obj=response)
    form.team.choices = workspace.team_choices()
    done = submitted(form, lambda: canned.save(current_user, response, title=form.title.data, body=form.body.data,
                                               active=form.active.data,
                                               team=org_queries.team_or_none(current_user, form.team.data)),
                     _("Canned response saved."), url_for("canned.index"))
    return done or render_template("canned/form.html", form=form, response=response)
