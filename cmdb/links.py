"""Ticket ↔ CI links: linked by hand (``manual``), added by impact analysis (``computed``) or
ruled out (``not_impacted``). A client links only their own organization's CIs, to their own
organization's tickets; anything else reads as "no such CI", like a CI that does not exist."""
import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.permissions import can_view_ticket, is_staff
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.tickets.models import Ticket
from app.transactions import transactional
from cmdb import graph, impact
from cmdb.catalog import LINK_IMPACTS
from cmdb.models import CI, TicketCI
from cmdb.services import require_staff


def _may_link(actor, ticket, ci: CI) -> bool:
    if is_staff(actor):
        return True
    return ci.organization_id is not None and ci.organization_id == actor.organization_id == ticket.organization_id


def links_of(ticket) -> dict[int, TicketCI]:
    return {link.ci_id: link for link in db.session.scalars(sa.select(TicketCI).where(TicketCI.ticket_id == ticket.id))}


def _link(actor, ticket, cis, kind: str, existing: dict) -> list[CI]:
    added = []
    for ci in cis:
        link = existing.get(ci.id)
        if link is None:
            existing[ci.id] = link = TicketCI(ticket_id=ticket.id, ci_id=ci.id, impact=kind,
                                              actor_id=getattr(actor, "id", None))
            db.session.add(link)
            added.append(ci)
        elif link.impact != kind and kind != "computed":  # a person's word outranks the computation
            link.impact, link.actor_id = kind, getattr(actor, "id", None)
            added.append(ci)
    db.session.flush()
    return added


@transactional
def link_cis(actor, ticket, cis: list[CI], impact_code: str = "manual") -> list[CI]:
    """Link the CIs to the ticket (or re-mark a linked one). Returns those added or re-marked."""
    if not can_view_ticket(actor, ticket):
        raise Forbidden()
    if impact_code not in LINK_IMPACTS or (impact_code != "manual" and not is_staff(actor)):
        raise ValidationError.single("impact", _("Not a kind of CI link."))
    refused = [ci for ci in cis if not _may_link(actor, ticket, ci)]
    if refused:
        raise ValidationError.single("cis", _("There is no such CI."))
    return _link(actor, ticket, cis, impact_code, links_of(ticket))


def resolve_refs(actor, ticket, refs) -> list[CI]:
    """CIs named by id ("42") or by name (within the ticket's organization); every unknown one
    — and every one the actor may not link — is an error on ``cis``."""
    found, errors = [], []
    for position, ref in enumerate(refs):
        text = str(ref).strip()
        ci = None
        if text.isdigit() and len(text) < 10:
            ci = db.session.get(CI, int(text))
        elif text:
            org = CI.organization_id.is_(None) if ticket.organization_id is None \
                else CI.organization_id == ticket.organization_id
            ci = db.session.scalar(sa.select(CI).where(org, sa.func.lower(CI.name) == text.lower(),
                                                       CI.status != "retired").limit(1))
        if ci is None or not _may_link(actor, ticket, ci):
            errors.append(_("%(position)d: there is no CI %(ref)s here.", position=position, ref=text[:200]))
        elif ci not in found:
            found.append(ci)
    if errors:
        raise ValidationError({"cis": errors})
    return found


@transactional
def link_refs(actor, ticket, refs) -> list[CI]:
    """The API's ``cis``: link CIs named by id or by name."""
    return link_cis(actor, ticket, resolve_refs(actor, ticket, refs))


@transactional
def unlink_ci(actor, ticket, ci: CI) -> None:
    require_staff(actor)
    link = db.session.get(TicketCI, (ticket.id, ci.id))
    if link is None:
        raise ValidationError.single("ci", _("This CI is not linked to the ticket."))
    db.session.delete(link)


@transactional
def rule_out(actor, ticket, ci: CI) -> None:
    """Someone checked: this CI is not impacted (computation will not add it again)."""
    require_staff(actor)
    _link(actor, ticket, [ci], "not_impacted", links_of(ticket))


@transactional
def compute_impact(actor, ticket) -> tuple[list[CI], list]:
    """Add the CIs impacted by the ticket's manually linked CIs as ``computed`` links (the ruled
    out ones excluded and not passed through). Returns the CIs added and every affected
    organization (of the failed and the impacted CIs; the provider's CIs have none)."""
    require_staff(actor)
    existing = links_of(ticket)
    failed = [ci for ci, link in existing.items() if link.impact == "manual"]
    if not failed:
        raise ValidationError.single("cis", _("Link the failed CIs first: the impact is computed from them."))
    excluded = [ci for ci, link in existing.items() if link.impact == "not_impacted"]
    result = impact.downstream(graph.graph(), failed, excluded=excluded)
    impacted = sorted(result.down | result.degraded)
    cis = list(db.session.scalars(sa.select(CI).where(CI.id.in_(impacted)).order_by(CI.id))) if impacted else []
    added = _link(actor, ticket, [ci for ci in cis if ci.id not in existing], "computed", existing)
    all_ids = set(failed) | set(impacted)
    orgs = db.session.scalars(sa.select(CI.organization_id).where(CI.id.in_(all_ids),
                                                                  CI.organization_id.is_not(None)).distinct())
    return added, sorted(set(orgs))


def matching_ci(ticket) -> CI | None:
    """The one live CI of the ticket's organization whose name or hostname is its affected system."""
    return _named(ticket.organization_id, ticket.affected_system)


def _named(organization_id: int | None, affected_system: str | None) -> CI | None:
    text = (affected_system or "").strip().lower()
    if not text or organization_id is None:
        return None
    found = db.session.scalars(sa.select(CI).where(
        CI.organization_id == organization_id, CI.status != "retired",
        sa.or_(sa.func.lower(CI.name) == text, sa.func.lower(CI.hostname) == text)).limit(2)).all()
    return found[0] if len(found) == 1 else None


def classes_at_creation(ticket, arrival: dict) -> set[int]:
    """The classes of the CIs a ticket not yet inserted comes with, for routing: the CIs the API
    names (``arrival["cis"]``, by id or by name in the organization; a bad one fails the request
    later, in link_refs) and the one its affected system names (linked at ``ticket_created``)."""
    organization_id = ticket.organization.id if ticket.organization is not None else None
    classes = set()
    named = _named(organization_id, ticket.affected_system)
    if named is not None:
        classes.add(named.class_id)
    refs = [str(ref).strip() for ref in arrival.get("cis", ()) if str(ref).strip()]
    ids = [int(ref) for ref in refs if ref.isdigit() and len(ref) < 10]
    names = [ref.lower() for ref in refs if not ref.isdigit()]
    wanted = [CI.id.in_(ids)] if ids else []
    if names and organization_id is not None:
        wanted.append(sa.and_(CI.organization_id == organization_id, sa.func.lower(CI.name).in_(names)))
    if wanted:
        classes.update(db.session.scalars(sa.select(CI.class_id).where(sa.or_(*wanted), CI.status != "retired")))
    return classes


@transactional
def link_affected(actor, *, dry_run: bool = False) -> list[tuple[str, str]]:
    """The one-off match of tickets' free-text affected systems to CIs: every ticket with no CI
    yet whose affected system names exactly one CI of its organization gets it (``manual``).
    Returns (ticket number, CI name) for each, linked or — with ``dry_run`` — that would be."""
    require_staff(actor)
    unlinked = sa.select(Ticket).where(Ticket.affected_system != "", Ticket.organization_id.is_not(None),
                                       ~sa.exists().where(TicketCI.ticket_id == Ticket.id)).order_by(Ticket.id)
    done = []
    for ticket in db.session.scalars(unlinked).all():
        ci = matching_ci(ticket)
        if ci is not None:
            if not dry_run:
                _link(actor, ticket, [ci], "manual", {})
            done.append((ticket.number, ci.name))
    return done
