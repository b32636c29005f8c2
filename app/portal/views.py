"""The client's cabinet: their organization's tickets, a guided new ticket, the
conversation, close/reopen/rate, colleagues in copy, and (client admins) who
sees what. Every read goes through the ticket queries scoped to the contact."""
from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions
from app.auth import queries as people
from app.auth import services as accounts
from app.auth.roles import Role
from app.changes.queries import planned_work
from app.errors import NotFound
from app.forms import SearchForm, acted, answered, choices, submitted, uploads_from
from app.i18n import labels
from app.incidents import queries as incident_queries
from app.limits import by_user, limited
from app.portal import hints, queries, services
from app.portal.forms import CcForm, InviteForm, NewTicketForm, RatingForm, ReplyForm, VisibilityForm
from app.requests import catalog
from app.requests import queries as ordering_queries
from app.requests import services as ordering
from app.tickets import queries as ticket_queries
from app.tickets import relations
from app.tickets import services as tickets
from app.tickets.attachments import send
from app.tickets.workflow import CLIENT, CLIENT_STATUS_LABELS, workflow
from app.transactions import answered_from_memory
from cmdb import kinds as cmdb_kinds
from cmdb import queries as cmdb_queries
from sla import pages as sla_pages

bp = Blueprint("portal", __name__)


@bp.before_request
@login_required
def require_client():
    permissions.require(current_user.is_client)


@bp.context_processor
def portal_context():
    return {"status_labels": labels(CLIENT_STATUS_LABELS)}


def _locale() -> str:
    return str(get_locale())


@bp.route("/")
def home():
    planned = planned_work(current_user.organization)
    return render_template("portal/home.html", open_tickets=queries.open_tickets(current_user),
                           needs_answer=queries.needs_answer(current_user), to_rate=queries.to_rate(current_user),
                           activity=queries.recent_activity(current_user), planned_work=planned,
                           planned_cis=cmdb_kinds.planned_for(current_user, [ticket.id for ticket, _ in planned]))


@bp.route("/tickets")
def ticket_list():
    state = request.args.get("state", "open")
    state = state if state in queries.STATES else "open"
    search = SearchForm(request.args)
    rows, next_cursor = queries.ticket_list(current_user, state, search.q.data or "", cursor=request.args.get("cursor"),
                                            limit=current_app.config["PAGE_SIZE"])
    return render_template("portal/tickets.html", tickets=rows, next_cursor=next_cursor, state=state,
                           search=search)


@bp.route("/new", methods=["GET", "POST"])
@limited("RATE_LIMIT_PORTAL_TICKETS", key=by_user)
def new_ticket():
    form = NewTicketForm()
    categories = hints.categories(_locale())
    form.category.choices = choices([("", _("Choose…"))] + [(c.key, c.label) for c in categories])
    typed = form.follow_up.data or request.args.get("follow_up", "")
    earlier = ticket_queries.find_ticket(current_user, typed) if typed.strip() else None
    if request.method == "GET" and earlier is not None:
        form.follow_up.data = earlier.number
        form.affected_system.data = earlier.affected_system
        form.category.data = earlier.category
    if form.add_to.data:  # "add my message there instead"
        done = submitted(form, lambda: services.add_to_existing(
            current_user, ticket_queries.find_ticket(current_user, form.add_to.data), title=form.title.data,
            description=form.description.data, uploads=uploads_from(form.attachments)),
            lambda target: _("Your message was added to %(number)s.", number=target.number),
            lambda target: url_for("portal.ticket", number=target.number) + "#latest")
    else:
        with answered_from_memory():  # the message and the redirect need the number: no reload after the commit
            done = submitted(form, lambda: services.open_ticket(
                current_user, title=form.title.data, description=form.description.data, category=form.category.data,
                affected_system=form.affected_system.data or "", urgency=form.urgency.data,
                uploads=uploads_from(form.attachments), locale=_locale(), follow_up_of=earlier,
                part_of=incident_queries.major_affecting(current_user, form.part_of.data)),
                lambda ticket: _("Thank you. Your ticket %(number)s has been received; we have sent you a "
                                 "confirmation by e-mail.", number=ticket.number),
                lambda ticket: url_for("portal.ticket", number=ticket.number))
    if done:  # sent: what the form page shows beside the form is not needed (issue 18: 5 statements)
        return done
    ongoing = [s for s in incident_queries.service_status(current_user) if s.ticket is not None]
    suggested = incident_queries.affected_incident_for(
        current_user, form.affected_system.data or request.args.get("affected_system", ""))
    return render_template("portal/new.html", form=form, categories=categories, earlier=earlier,
                           ongoing=ongoing, suggested=suggested, vague_words=" ".join(sorted(hints.VAGUE_WORDS)),
                           has_catalog=bool(ordering_queries.offered_to(current_user)),
                           cis=cmdb_queries.search(current_user, "", organization_id=current_user.organization_id,
                                                   limit=500) if current_user.organization_id else [])


@bp.route("/similar")
def similar():
    """Open tickets of the organization like the one being written (the new-ticket form asks as you type)."""
    found = queries.similar_open(current_user, request.args.get("title", ""), request.args.get("description", ""))
    return jsonify([{"number": t.number, "title": t.title, "status": str(CLIENT_STATUS_LABELS[t.status]),
                     "url": url_for("portal.ticket", number=t.number)} for t in found])


@bp.route("/services")
def service_catalog():
    return render_template("portal/catalog.html", items=ordering_queries.offered_to(current_user))


@bp.route("/services/<int:item_id>", methods=["GET", "POST"])
def order(item_id):
    item = ordering_queries.get_item(current_user, item_id)
    form = catalog.order_form_class(item)()
    done = submitted(form, lambda: ordering.order(current_user, item, values=catalog.answers(item, form),
                                                  note=request.form.get("note", ""), via="portal"),
                     lambda ticket: _("Request %(number)s received.", number=ticket.number),
                     lambda ticket: url_for("portal.ticket", number=ticket.number))
    return done or render_template("portal/order.html", item=item, form=form)


# -- one ticket --------------------------------------------------------------------

def _ticket_page(ticket, *, reply_form=None, rating_form=None, cc_form=None):
    messages, files = ticket_queries.conversation(current_user, ticket)
    targets = workflow(ticket.kind).targets(ticket.status, CLIENT)
    can_reopen = "open" in targets and tickets.reopen_refusal(current_user, ticket) is None
    page = render_template(
        "portal/ticket.html", ticket=ticket, messages=messages,
        files=files,
        can_close="closed" in targets and ticket.is_open, can_reopen=can_reopen, reopen_until=tickets.reopen_deadline(ticket),
        reply_form=reply_form or ReplyForm(formdata=None), rating_form=rating_form or RatingForm(formdata=None),
        cc_form=cc_form or CcForm(formdata=None), copied=[w for w in ticket.watchers if w.is_client],
        colleagues=[c for c in queries.colleagues(current_user) if c.active and c.id != ticket.requester_id
                    and c not in ticket.watchers], **sla_pages.client_context(ticket))
    return page


@bp.route("/tickets/<number>")
def ticket(number):
    return _ticket_page(ticket_queries.get_ticket(current_user, number))


@bp.route("/tickets/<number>/reply", methods=["POST"])
def reply(number):
    ticket = ticket_queries.get_ticket(current_user, number)
    form = ReplyForm()
    return answered(form, lambda: tickets.reply(current_user, ticket, form.body.data, uploads_from(form.attachments),
                                                via="portal"),
                    _("Your message has been sent."), url_for("portal.ticket", number=ticket.number) + "#latest",
                    lambda: _ticket_page(ticket, reply_form=form))


@bp.route("/tickets/<number>/<any(close, reopen):step>", methods=["POST"])
def change_status(number, step):
    ticket = ticket_queries.get_ticket(current_user, number)  # CSRFProtect has checked the token
    return acted(lambda: tickets.transition(current_user, ticket, "closed" if step == "close" else "open"),
                 _("Closed. We are glad it is solved.") if step == "close" else _("Reopened: we are on it again."),
                 url_for("portal.ticket", number=ticket.number))


@bp.route("/tickets/<number>/rate", methods=["POST"])
def rate(number):
    ticket = ticket_queries.get_ticket(current_user, number)
    form = RatingForm()
    return answered(form, lambda: relations.rate(current_user, ticket, form.rating.data, form.comment.data or ""),
                    _("Thank you for your rating."), url_for("portal.ticket", number=ticket.number),
                    lambda: _ticket_page(ticket, rating_form=form))


@bp.route("/tickets/<number>/cc", methods=["POST"])
def add_cc(number):
    ticket = ticket_queries.get_ticket(current_user, number)
    form = CcForm()
    return answered(form, lambda: services.add_cc(current_user, ticket, form.email.data),
                    lambda person: _("%(name)s is now in copy of this ticket.", name=person.name),
                    url_for("portal.ticket", number=ticket.number), lambda: _ticket_page(ticket, cc_form=form))


@bp.route("/tickets/<number>/cc/<int:user_id>/remove", methods=["POST"])
def remove_cc(number, user_id):
    ticket = ticket_queries.get_ticket(current_user, number)
    person = next((w for w in ticket.watchers if w.id == user_id and w.is_client), None)
    if person is None:
        raise NotFound()
    services.remove_cc(current_user, ticket, person)
    flash(_("%(name)s is no longer in copy.", name=person.name), "success")
    return redirect(url_for("portal.ticket", number=ticket.number))


@bp.route("/tickets/<number>/attachments/<int:attachment_id>")
def attachment(number, attachment_id):
    ticket = ticket_queries.get_ticket(current_user, number)
    return send(ticket_queries.get_attachment(current_user, ticket, attachment_id))


# -- colleagues (client admins) ------------------------------------------------------

def _require_client_admin():
    permissions.require(current_user.role == Role.CLIENT_ADMIN)


@bp.route("/colleagues", methods=["GET", "POST"])
def colleagues():
    _require_client_admin()
    org = current_user.organization
    form = InviteForm()
    # the same words when the address was someone else's (see invite_contact)
    done = submitted(form, lambda: services.invite_colleague(current_user, email=form.email.data, name=form.name.data,
                                                             admin=form.admin.data, job_title=form.job_title.data or "",
                                                             locale=_locale()),
                     _("%(name)s has been invited by e-mail to choose a password.", name=form.name.data),
                     url_for("portal.colleagues"))
    visibility = VisibilityForm(formdata=None, contacts_see_all="all" if org.contacts_see_all else "own")
    return done or render_template("portal/colleagues.html", people=queries.colleagues(current_user), form=form,
                                   visibility=visibility)


@bp.route("/colleagues/<int:user_id>/<any(activate, deactivate):action>", methods=["POST"])
def set_colleague_active(user_id, action):
    _require_client_admin()
    person = people.get_user(current_user, user_id)  # a colleague: of the client admin's own organization
    return acted(lambda: accounts.set_user_active(person, action == "activate", actor=current_user),
                 lambda _none: _("%(name)s can log in again.", name=person.name) if person.active else
                 _("%(name)s has been deactivated.", name=person.name), url_for("portal.colleagues"))


@bp.route("/colleagues/visibility", methods=["POST"])
def visibility():
    _require_client_admin()
    form = VisibilityForm()
    if form.validate_on_submit():
        services.set_visibility(current_user, current_user.organization, form.contacts_see_all.data == "all")
        flash(_("Saved."), "success")
    return redirect(url_for("portal.colleagues"))
