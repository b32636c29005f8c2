"""Agent teams: the provider's queues."""
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
from app.auth.permissions import require
from app.extensions import db
from app.forms import SearchForm, choices, submitted
from app.orgs import overview, queries, services
from app.orgs.forms import TeamForm

bp = Blueprint("teams", __name__)


@bp.before_request
@login_required
@permissions.staff_required
def require_staff():
    pass


def _team_form(team=None) -> TeamForm:
    form = TeamForm(obj=team)
    form.members.choices = choices((u.id, f"{u.name} <{u.email}>") for u in queries.staff_for_teams())
    if team is not None and request.method == "GET":
        form.members.data = [m.id for m in team.members]
    return form


def _team_fields(form: TeamForm) -> dict:
    return dict(name=form.name.data, email=form.email.data, description=form.description.data,
                members=queries.members_with_ids(form.members.data))


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
    done = submitted(form, lambda: services.create_team(current_user, **_team_fields(form)),
                     lambda team: _("Team %(name)s created.", name=team.name),
                     lambda team: url_for("teams.detail", team_id=team.id))
    return done or render_template("teams/form.html", form=form, team=None)


@bp.route("/<int:team_id>")
def detail(team_id):
    team = queries.get_team(current_user, team_id)
    return render_template("teams/detail.html", team=team, overview=overview.team(team),
                           can_manage=permissions.can_manage_teams(current_user))


@bp.route("/<int:team_id>/edit", methods=["GET", "POST"])
def edit(team_id):
    team = queries.get_team(current_user, team_id)
    require(permissions.can_manage_teams(current_user))
    form = _team_form(team)
    done = submitted(form, lambda: services.update_team(current_user, team, **_team_fields(form)), _("Team saved."),
                     url_for("teams.detail", team_id=team.id))
    return done or render_template("teams/form.html", form=form, team=team)


@bp.route("/<int:team_id>/<any(activate, deactivate):action>", methods=["POST"])
def set_active(team_id, action):
    team = queries.get_team(current_user, team_id)
    require(permissions.can_manage_teams(current_user))
    services.set_team_active(current_user, team, action == "activate")
    flash(_("Team activated.") if team.active else _("Team deactivated."), "success")
    return redirect(url_for("teams.detail", team_id=team.id))
