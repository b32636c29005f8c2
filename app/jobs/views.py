"""Admins' view of the background jobs: what failed, what is stuck, and "retry"."""
from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions
from app.forms import acted
from app.jobs import outbox

bp = Blueprint("jobs", __name__)


@bp.before_request
@login_required
@permissions.admin_required
def require_admin():
    pass


@bp.get("")
def index():
    return render_template("jobs/index.html", rows=outbox.troubled(), is_stuck=outbox.is_stuck)


@bp.post("/<int:outbox_id>/retry")
def retry(outbox_id):
    return acted(lambda: outbox.retry(current_user, outbox_id), _("The job will run again."), url_for("jobs.index"))
