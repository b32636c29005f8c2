"""Agent teams: the provider's queues."""
import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions
from app.auth.models import User
from app.auth.permissions import require
from app.auth.roles import STAFF_ROLES
from app.errors import ValidationError
from app.extensions import db
from app.forms import SearchForm, choices, map_errors
from app.orgs import queries, services
from app.orgs.forms import TeamForm

bp = Blueprint("teams", __name__)


@bp.before_request
@login_required
@permissions.staff_required
def require_staff():
    pass


def _team_form(team=None) -> TeamForm:
    form = TeamForm(obj=team)
    staff = db.session.scalars(
        sa.select(User).where(User.role.in_(STAFF_ROLES), User.active.is_(True)).order_by(User.name))
    form.members.choices = choices((u.id, f"{u.name} <{u.email}>") for u in staff)
    if team is not None and request.method == "GET":
        form.members.data = [m.id for m in team.members]
    return form


def _members(ids) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.id.in_(ids or [])))) if ids else []


@bp.route("/")
def index():
    search = SearchForm(request.args)
    page = db.paginate(queries.teams_visible_to(current_user, search.q.data or ""),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("teams/index.html", page=page, search=search,
                           can_manage=permissions.can_manage_teams(current_user))


@bp.route("/new", methods=["GET", "POST"])
def create():
    require(permissions.can_manage_teams(current_user))
    form = _team_form()
    if form.validate_on_submit():
        try:
            team = services.create_team(name=form.name.data, email=form.email.data,
                                        description=form.description.data, members=_members(form.members.data))
        except ValidationError as error:
            map_errors(form, error.errors)
        else:
            flash(_("Team %(name)s created.", name=team.name), "success")
            return redirect(url_for("teams.detail", team_id=team.id))
    return render_template("teams/form.html", form=form, team=None)


@bp.route("/<int:team_id>")
def detail(team_id):
    team = queries.get_team(current_user, team_id)
    return render_template("teams/detail.html", team=team, can_manage=permissions.can_manage_teams(current_user))


@bp.route("/<int:team_id>/edit", methods=["GET", "POST"])
def edit(team_id):
    team = queries.get_team(current_user, team_id)
    require(permissions.can_manage_teams(current_user))
    form = _team_form(team)
    if form.validate_on_submit():
        try:
            services.update_team(team, name=form.name.data, email=form.email.data,
                                 description=form.description.data, members=_members(form.members.data))
        except ValidationError as error:
            map_errors(form, error.errors)
        else:
            flash(_("Team saved."), "success")
            return redirect(url_for("teams.detail", team_id=team.id))
    return render_template("teams/form.html", form=form, team=team)


@bp.route("/<int:team_id>/<any(activate, deactivate):action>", methods=["POST"])
def set_active(team_id, action):
    team = queries.get_team(current_user, team_id)
    require(permissions.can_manage_teams(current_user))
    services.set_team_active(team, action == "activate")
    flash(_("Team activated.") if team.active else _("Team deactivated."), "success")
    return redirect(url_for("teams.detail", team_id=team.id))
