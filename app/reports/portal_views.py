"""The client's monthly report in the portal: a client administrator reads their own
organization's, any month; nobody else's."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app.auth.permissions import require
from app.auth.roles import Role
from app.i18n import select_timezone
from app.reports import monthly as monthly_reports
from app.reports import pages

bp = Blueprint("client_reports", __name__)


@bp.before_request
@login_required
def require_client_admin():
    require(current_user.is_client and current_user.role == Role.CLIENT_ADMIN)


@bp.route("/monthly")
def monthly():
    zone = select_timezone()
    found = monthly_reports.monthly(current_user.organization, pages.month_arg(zone), zone)
    return render_template("client_reports/monthly.html", **pages.monthly_context(found, "portal.ticket"))
