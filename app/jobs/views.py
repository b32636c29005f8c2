"""Admins' view of the background jobs: what failed, what is stuck, and "retry"."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions
from app.errors import ValidationError
from app.forms import flash_errors
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
    try:
        outbox.retry(current_user, outbox_id)
    except ValidationError as error:
        flash_errors(error)
    else:
        flash(_("The job will run again."), "success")
    return redirect(url_for("jobs.index"))
