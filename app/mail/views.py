"""The mail quarantine (staff) and the images that mails showed inline (anyone who may see the ticket)."""
import re

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions
from app.forms import acted
from app.mail import gateway, queries
from app.mail.forms import TurnIntoTicketForm
from app.mail.labels import STATUS_LABELS, reason_label
from app.orgs import queries as org_queries
from app.tickets import attachments, workspace

bp = Blueprint("mail", __name__)


@bp.context_processor
def labels():
    return {"status_label": lambda status: str(STATUS_LABELS.get(status, status)), "reason_label": reason_label}
SHA256 = re.compile(r"^[0-9a-f]{64}$")


@bp.get("/inline/<sha256>")
@login_required
def inline(sha256):
    if not SHA256.match(sha256):
        abort(404)
    return attachments.send(queries.inline_image(current_user, sha256))


@bp.get("/quarantine")
@login_required
@permissions.staff_required
def quarantine():
    return render_template("mail/quarantine.html", mails=queries.quarantined())


@bp.get("/quarantine/<int:mail_id>")
@login_required
@permissions.staff_required
def detail(mail_id):
    mail = queries.get_mail(mail_id)
    form = TurnIntoTicketForm()
    form.organization.choices = workspace.organization_choices()
    raw, cut = queries.raw_source(mail)
    return render_template("mail/detail.html", mail=mail, form=form, raw=raw, cut=cut,
                           text=queries.preview(mail, current_app.config["MAIL_CHARSETS"]))


@bp.post("/quarantine/<int:mail_id>/ticket")
@login_required
@permissions.staff_required
def turn_into_ticket(mail_id):
    mail = queries.get_mail(mail_id)
    form = TurnIntoTicketForm()
    form.organization.choices = workspace.organization_choices()
    back = url_for("mail.detail", mail_id=mail_id)
    if not form.validate_on_submit():
        return redirect(back)
    organization = org_queries.get_organization(current_user, form.organization.data) if form.organization.data else None
    done = acted(lambda: gateway.turn_into_ticket(current_user, mail, organization),
                 lambda result: _("The mail became ticket %(number)s.", number=result.ticket.number), back)
    if mail.status == "ticketed" and mail.ticket is not None:
        return redirect(url_for("tickets.detail", number=mail.ticket.number))
    return done


@bp.post("/quarantine/<int:mail_id>/discard")
@login_required
@permissions.staff_required
def discard(mail_id):
    mail = queries.get_mail(mail_id)
    return acted(lambda: gateway.discard(current_user, mail), _("The mail was discarded."), url_for("mail.quarantine"))
