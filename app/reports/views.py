"""Reports for managers: read-only."""
import csv
import io

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import timeutil
from app.auth import permissions
from app.auth.permissions import require
from app.errors import ValidationError
from app.reports import queries

bp = Blueprint("reports", __name__)


@bp.before_request
@login_required
def require_manager():
    require(permissions.is_manager(current_user))


def _month() -> str:
    month = request.args.get("month") or timeutil.utcnow().strftime("%Y-%m")
    try:
        queries.month_bounds(month)
    except ValueError:
        raise ValidationError.single("month", _("Give the month as YYYY-MM.")) from None
    return month


@bp.route("/time")
def time_report():
    month = _month()
    rows = queries.time_by_organization(month)
    if request.args.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["month", "organization_code", "organization", "tickets", "billable_minutes", "total_minutes"])
        for row in rows:
            writer.writerow([month, row["code"], row["name"], row["tickets"], row["billable"], row["total"]])
        return Response(out.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename=zayavka-time-{month}.csv"})
    return render_template("reports/time.html", rows=rows, month=month)


@bp.route("/ratings")
def ratings_report():
    month = _month()
    return render_template("reports/ratings.html", report=queries.ratings(month), month=month)
