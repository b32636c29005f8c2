"""The first page after login: each role has its own."""
import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app.auth.models import User
from app.auth.roles import CLIENT_ROLES, STAFF_ROLES, Role
from app.changes.queries import planned_work
from app.extensions import db
from app.orgs import queries as org_queries
from app.orgs.models import Organization, Team

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    if current_user.is_client:
        org = current_user.organization
        return render_template("home/client.html", org=org, colleagues=org_queries.contacts_of(org),
                               planned_work=planned_work(org))
    if current_user.role == Role.AGENT:
        return render_template("home/agent.html", teams=current_user.teams)
    counts = {
        "organizations": db.session.scalar(sa.select(sa.func.count()).where(Organization.active.is_(True))),
        "contacts": db.session.scalar(sa.select(sa.func.count()).where(User.role.in_(CLIENT_ROLES), User.active.is_(True))),
        "staff": db.session.scalar(sa.select(sa.func.count()).where(User.role.in_(STAFF_ROLES), User.active.is_(True))),
        "teams": db.session.scalar(sa.select(sa.func.count()).where(Team.active.is_(True))),
    }
    template = "home/admin.html" if current_user.role == Role.ADMIN else "home/manager.html"
    return render_template(template, counts=counts, teams=org_queries.active_teams())
