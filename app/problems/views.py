"""The problem panel's actions on the ticket page: root cause and workaround, the known error,
incidents gathered, and a change raised in one click."""
from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions
from app.errors import ValidationError
from app.forms import flash_errors
from app.problems import services
from app.problems.forms import GatherForm, ProblemForm, numbers
from app.tickets import queries as tickets

bp = Blueprint("problems", __name__)


@bp.before_request
@login_required
@permissions.staff_required
def require_staff():
    pass


def _back(ticket):
    return redirect(url_for("tickets.detail", number=ticket.number))


@bp.route("/<number>/details", methods=["POST"])
def save(number):
    problem = tickets.get_ticket(current_user, number)
    form = ProblemForm()
    if not form.validate_on_submit():
        flash(_("Root cause and workaround are at most 20,000 characters."), "danger")
        return _back(problem)
    try:
        services.update_problem(current_user, problem, root_cause=form.root_cause.data or "",
                                workaround=form.workaround.data or "")
        if form.known_error.data:
            services.mark_known_error(current_user, problem, form.workaround.data or "")
    except ValidationError as error:
        flash_errors(error)
    else:
        flash(_("%(number)s is a known error now.", number=problem.number) if form.known_error.data
              else _("Problem saved."), "success")
    return _back(problem)


@bp.route("/<number>/incidents", methods=["POST"])
def gather(number):
    problem = tickets.get_ticket(current_user, number)
    form = GatherForm(prefix="gather")
    if form.validate_on_submit():
        try:
            found = [tickets.find_ticket(current_user, n) for n in numbers(form.incidents.data)]
            missing = [n for n, t in zip(numbers(form.incidents.data), found, strict=True) if t is None]
            if missing:
                raise ValidationError.single("incidents", _("There is no ticket %(number)s.", number=", ".join(missing)))
            linked = services.gather_incidents(current_user, problem, found)
        except ValidationError as error:
            flash_errors(error)
        else:
            flash(_("Linked: %(numbers)s.", numbers=", ".join(linked)) if linked else _("Nothing new to link."), "success")
    return _back(problem)
