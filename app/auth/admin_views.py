"""User administration, for admins."""
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

from app.auth import permissions, queries, services
from app.auth.admin_forms import UserFilterForm, UserForm
from app.errors import ValidationError
from app.extensions import db
from app.forms import choices, map_errors
from app.orgs import queries as org_queries
from app.orgs.models import Organization, Team

bp = Blueprint("users", __name__)


@bp.before_request
@login_required
@permissions.admin_required
def require_admin():
    pass


def _user_form(user=None) -> UserForm:
    form = UserForm(obj=user)
    organizations = ((o.id, f"{o.name} ({o.code})") for o in org_queries.active_organizations())
    form.organization.choices = choices([("", "—"), *organizations])
    form.teams.choices = choices((t.id, t.name) for t in org_queries.active_teams())
    if user is not None and request.method == "GET":
        form.organization.data = user.organization_id
        form.teams.data = [t.id for t in user.teams]
    return form


def _user_fields(form: UserForm) -> dict:
    org = db.session.get(Organization, form.organization.data) if form.organization.data else None
    teams = [db.session.get(Team, tid) for tid in form.teams.data or []]
    return dict(email=form.email.data, name=form.name.data, role=form.role.data, organization=org,
                teams=teams, phone=form.phone.data or "", job_title=form.job_title.data or "")


@bp.route("/")
def index():
    filters = UserFilterForm(request.args)
    page = db.paginate(queries.users_visible_to(current_user, filters.q.data or "", filters.role.data or ""),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("users/index.html", page=page, filters=filters)


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = _user_form()
    if form.validate_on_submit():
        try:
            user = services.create_user(**_user_fields(form))
        except ValidationError as error:
            map_errors(form, error.errors)
        else:
            flash(_("%(name)s has been added and invited by e-mail to choose a password.", name=user.name), "success")
            return redirect(url_for("users.index"))
    return render_template("users/form.html", form=form, user=None)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
def edit(user_id):
    user = queries.get_user(current_user, user_id)
    form = _user_form(user)
    if form.validate_on_submit():
        try:
            services.update_user(user, actor=current_user, **_user_fields(form))
        except ValidationError as error:
            map_errors(form, error.errors)
        else:
            flash(_("User saved."), "success")
            return redirect(url_for("users.index"))
    return render_template("users/form.html", form=form, user=user)


@bp.route("/<int:user_id>/<any(activate, deactivate):action>", methods=["POST"])
def set_active(user_id, action):
    user = queries.get_user(current_user, user_id)
    try:
        services.set_user_active(user, action == "activate", actor=current_user)
    except ValidationError as error:
        flash(error.errors["active"][0], "danger")
    else:
        flash(_("%(name)s can log in again.", name=user.name) if user.active else
              _("%(name)s has been deactivated.", name=user.name), "success")
    return redirect(url_for("users.edit", user_id=user.id))


@bp.route("/<int:user_id>/send-reset", methods=["POST"])
def send_reset(user_id):
    user = queries.get_user(current_user, user_id)
    services.request_password_reset(user.email)
    flash(_("A link to set a new password has been sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("users.edit", user_id=user.id))
