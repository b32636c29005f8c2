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
from app.extensions import db
from app.forms import acted, choices, submitted
from app.orgs import queries as org_queries

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
    return dict(email=form.email.data, name=form.name.data, role=form.role.data,
                organization=org_queries.organization_or_none(current_user, form.organization.data),
                teams=org_queries.teams_with_ids(current_user, form.teams.data), phone=form.phone.data or "",
                job_title=form.job_title.data or "")


@bp.route("/")
def index():
    filters = UserFilterForm(request.args)
    page = db.paginate(queries.users_visible_to(current_user, filters.q.data or "", filters.role.data or ""),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("users/index.html", page=page, filters=filters)


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = _user_form()
    done = submitted(form, lambda: services.create_user(current_user, **_user_fields(form)),
                     lambda user: _("%(name)s has been added and invited by e-mail to choose a password.",
                                    name=user.name), url_for("users.index"))
    return done or render_template("users/form.html", form=form, user=None)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
def edit(user_id):
    user = queries.get_user(current_user, user_id)
    form = _user_form(user)
    done = submitted(form, lambda: services.update_user(user, actor=current_user, **_user_fields(form)),
                     _("User saved."), url_for("users.index"))
    return done or render_template("users/form.html", form=form, user=user)


@bp.route("/<int:user_id>/<any(activate, deactivate):action>", methods=["POST"])
def set_active(user_id, action):
    user = queries.get_user(current_user, user_id)
    return acted(lambda: services.set_user_active(user, action == "activate", actor=current_user),
                 lambda _none: _("%(name)s can log in again.", name=user.name) if user.active else
                 _("%(name)s has been deactivated.", name=user.name), url_for("users.edit", user_id=user.id))


@bp.route("/<int:user_id>/send-reset", methods=["POST"])
def send_reset(user_id):
    user = queries.get_user(current_user, user_id)
    services.request_password_reset(user.email)
    flash(_("A link to set a new password has been sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("users.edit", user_id=user.id))
