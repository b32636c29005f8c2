"""What a client does in the portal that the ticket core does not already do:
write a good ticket, add to an existing one, close, reopen, rate, CC colleagues,
and (client admins) choose who sees which tickets. Ticket writes go through
app.tickets.services, so the portal behaves like every other channel."""
import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth import services as accounts
from app.auth.models import User
from app.auth.roles import Role
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.incidents import services as incidents
from app.portal import hints
from app.portal.models import PortalCategory
from app.tickets import content, relations
from app.tickets import services as tickets
from app.tickets.models import Ticket
from app.tickets.workflow import Kind
from app.transactions import transactional

MIN_DESCRIPTION = 20  # characters: enough for "what happened, since when"


def check_new_ticket(title: str, description: str, category: str, locale: str, uploads=()) -> dict:
    """The portal's own rules for a good ticket, before the ticket core's."""
    errors: dict[str, list[str]] = {}
    if len(hints.title_words(title)) < 2:
        errors["title"] = [_("Please write a title of a few words: what is wrong, and with which server.")]
    if len(content.to_text(content.to_html(description or ""))) < MIN_DESCRIPTION:
        errors["description"] = [_("Please describe the problem in at least %(count)d characters: "
                                   "what happened, since when, what you tried.", count=MIN_DESCRIPTION)]
    if category not in {c.key for c in hints.categories(locale)}:
        errors["category"] = [_("Choose what the problem is about.")]
    tickets.check_uploads(uploads, errors)
    return errors


@transactional
def open_ticket(actor, *, title: str, description: str, category: str, affected_system: str = "", urgency=2,
                uploads=(), locale: str = "en", follow_up_of: Ticket | None = None,
                part_of: Ticket | None = None) -> Ticket:
    """A client's incident from the portal; ``follow_up_of`` links it to the old ticket it continues,
    ``part_of`` makes it a child of the major incident affecting the client's organization."""
    if not actor.is_client:
        raise Forbidden()
    errors = check_new_ticket(title, description, category, locale, uploads)
    if errors:
        raise ValidationError(errors)
    ticket = tickets.create_ticket(actor, kind=Kind.INCIDENT, title=title, description=description,
                                   category=category, affected_system=affected_system, urgency=urgency,
                                   uploads=uploads, via="portal")
    if follow_up_of is not None:
        relations.relate(actor, ticket, follow_up_of)
    if part_of is not None:
        incidents.join_major(actor, ticket, part_of)
    return ticket


@transactional
def add_to_existing(actor, ticket: Ticket | None, *, title: str, description: str, uploads=()) -> Ticket:
    """"Add my message there instead": the new ticket's text becomes a reply on a similar open one
    (``ticket`` as the contact's scoped lookup found it, or None). Returns that ticket."""
    if ticket is None or not ticket.is_open:
        raise ValidationError.single("add_to", _("That ticket is no longer open; send yours as a new ticket."))
    body = f"**{' '.join((title or '').split())}**\n\n{description or ''}" if title else description
    tickets.reply(actor, ticket, body, uploads, via="portal")
    return ticket


@transactional
def add_cc(actor, ticket: Ticket, email: str) -> User:
    """CC a colleague of the same organization: they get the ticket's mails and may answer."""
    address = (email or "").strip().lower()
    person = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == address)) if address else None
    if person is None or not person.active or person.organization_id != ticket.organization_id:
        raise ValidationError.single("email", _("Only active colleagues of your organization can be put in copy."))
    if person.id == ticket.requester_id or person in ticket.watchers:
        raise ValidationError.single("email", _("%(name)s already follows this ticket.", name=person.name))
    relations.watch(actor, ticket, person, True)
    return person


@transactional
def remove_cc(actor, ticket: Ticket, person: User) -> None:
    if person not in ticket.watchers:
        raise ValidationError.single("email", _("%(name)s is not in copy.", name=person.name))
    relations.watch(actor, ticket, person, False)


@transactional
def invite_colleague(actor, *, email: str, name: str, admin: bool = False, job_title: str = "", locale: str = "en"):
    """A client admin invites a colleague into their own organization, as a client admin too
    (``admin``) or as a client user."""
    if actor.role != Role.CLIENT_ADMIN:
        raise Forbidden()
    return accounts.invite_contact(actor, actor.organization, email=email, name=name,
                                   role=Role.CLIENT_ADMIN if admin else Role.CLIENT_USER, job_title=job_title,
                                   locale=locale)


@transactional
def set_visibility(actor, organization, contacts_see_all: bool) -> None:
    if actor.role != Role.CLIENT_ADMIN or actor.organization_id != organization.id:
        raise Forbidden()
    organization.contacts_see_all = bool(contacts_see_all)


@transactional
def save_category(actor, key: str, *, texts: dict, position: int = 100, active: bool = True) -> PortalCategory:
    """An admin's labels and hints of a category (a default one, or a new key)."""
    if not actor.is_authenticated or actor.role != Role.ADMIN:
        raise Forbidden()
    key = (key or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if not key or not key.replace("_", "").replace("-", "").isalnum() or len(key) > 40:
        errors["key"] = [_("Use a short key of letters, digits, - and _.")]
    cleaned = {}
    for locale, fields in texts.items():  # what equals the shipped text is not stored: it follows our updates
        shipped = hints.default_texts(key, locale) or {}
        cleaned[locale] = {name: value for name, value in ((n, (v or "").strip()) for n, v in fields.items())
                           if value and value != shipped.get(name)}
    if hints.default_texts(key, "en") is None and not any(fields.get("label") for fields in cleaned.values()):
        errors["label"] = [_("A new category needs a label.")]
    if errors:
        raise ValidationError(errors)
    row = db.session.scalar(sa.select(PortalCategory).where(PortalCategory.key == key))
    if row is None:
        row = PortalCategory(key=key)
        db.session.add(row)
    row.texts, row.position, row.active = cleaned, int(position), bool(active)
    return row
