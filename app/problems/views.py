"""The problem panel's actions on the ticket page: root cause and workaround, the known error,
incidents gathered, and a change raised in one click."""
from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions
from app.forms import acted
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
    return acted(lambda: services.save_problem(current_user, problem, root_cause=form.root_cause.data or "",
                                               workaround=form.workaround.data or "",
                                               known_error=form.known_error.data),
                 _("%(number)s is a known error now.", number=problem.number) if form.known_error.data
                 else _("Problem saved."), url_for("tickets.detail", number=problem.number))


@bp.route("/<number>/incidents", methods=["POST"])
def gather(number):
    problem = tickets.get_ticket(current_user, number)
    form = GatherForm(prefix="gather")
    return acted(lambda: services.gather_incidents(current_user, problem, tickets.find_tickets(
        current_user, numbers(form.incidents.data), field_name="incidents")),
        lambda linked: _("Linked: %(numbers)s.", numbers=", ".join(linked)) if linked else _("Nothing new to link."),
        url_for("tickets.detail", number=problem.number), form=form)
