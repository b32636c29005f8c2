"""The first page after login: what needs doing, by role. Counts link to the lists they count."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.auth.roles import Role
from app.changes import queries as changes
from app.home import queries
from app.i18n import labels
from app.incidents import queries as incidents
from app.jobs import outbox
from app.tickets.workflow import STATUS_LABELS

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    if current_user.is_client:
        return redirect(url_for("portal.home"))
    team_ids = [t.id for t in current_user.teams]
    mine = queries.my_open_by_status(current_user)
    context = dict(
        mine=mine, mine_total=sum(mine.values()), status_labels=labels(STATUS_LABELS),
        teams=current_user.teams, unassigned_by_team=queries.unassigned_in_teams(team_ids),
        answered=queries.client_answered(current_user), followed=queries.followed_with_news(current_user),
        majors=incidents.major_banner())
    if current_user.role == Role.AGENT:
        return render_template("home/agent.html", **context)
    backlog_teams, backlog = queries.backlog()
    context.update(backlog_teams=backlog_teams, backlog=backlog, unassigned=queries.unassigned_count(),
                   oldest=queries.oldest_open(), ratings=queries.recent_ratings(),
                   cab=changes.approval_queue(current_user),
                   troubled_jobs=len(outbox.troubled()) if current_user.role == Role.ADMIN else 0)
    return render_template("home/overview.html", **context)
