"""Managers and admins keep the canned responses."""
import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.auth import permissions
from app.auth.permissions import require
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.forms import Form, map_errors
from app.orgs.models import Team
from app.tickets import canned, workspace
from app.tickets.models import CannedResponse

bp = Blueprint("canned", __name__)


class CannedForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    team = SelectField(_l("Team"), coerce=lambda v: int(v) if v not in (None, "", "None") else None,
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
    responses = db.session.scalars(sa.select(CannedResponse).order_by(CannedResponse.active.desc(), CannedResponse.title))
    return render_template("canned/index.html", responses=list(responses))


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:response_id>/edit", methods=["GET", "POST"])
def edit(response_id=None):
    response = db.session.get(CannedResponse, response_id) if response_id else None
    if response_id and response is None:
        raise NotFound()
    form = CannedForm(obj=response, team=response.team_id if response else None)
    form.team.choices = workspace.team_choices()
    if form.validate_on_submit():
        try:
            canned.save(response, title=form.title.data, body=form.body.data, active=form.active.data,
                        team=db.session.get(Team, form.team.data) if form.team.data else None)
        except ValidationError as error:
            map_errors(form, error.errors)
        else:
            flash(_("Canned response saved."), "success")
            return redirect(url_for("canned.index"))
    return render_template("canned/form.html", form=form, response=response)
