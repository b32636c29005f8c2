"""Who wrote: the account of an address (case-insensitive, plus-addressing aware), whether our
mail to it bounced, the organization of an unknown sender's domain, and our own addresses."""
import functools

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.extensions import db
from app.mail import parse
from app.mail.models import BouncedAddress
from app.orgs.models import Organization


def own_addresses() -> frozenset[str]:
    config = current_app.config
    return _own_addresses(tuple(config["MAIL_ADDRESSES"]), config["MAIL_DEFAULT_SENDER"])


@functools.lru_cache(maxsize=8)
def _own_addresses(addresses: tuple[str, ...], sender: str) -> frozenset[str]:
    """Read once per configuration, not twice per mail."""
    return frozenset({address.lower() for address in addresses} | set(parse.addresses(sender)))


def find_person(address: str) -> User | None:
    """The account with this address: case-insensitive, and user+tag@ finds user@."""
    address = (address or "").lower()
    local, _at, domain = address.partition("@")
    candidates = {address, f"{local.split('+', 1)[0]}@{domain}"}
    # Accounts keep their address lower-cased (auth.services.normalize_email): the unique index answers.
    people = list(db.session.scalars(sa.select(User).where(User.email.in_(candidates))))
    people.sort(key=lambda person: person.email.lower() != address)
    return people[0] if people else None


def sender_and_bounce(address: str) -> tuple[User | None, bool]:
    """find_person, and whether the account's address bounced (one query: most mail comes from
    known contacts whose address never bounced), with the account's organization, which the ticket
    services read next (a statement less per mail)."""
    address = (address or "").lower()
    local, _at, domain = address.partition("@")
    candidates = {address, f"{local.split('+', 1)[0]}@{domain}"}
    rows = db.session.execute(sa.select(User, BouncedAddress.id).outerjoin(BouncedAddress, sa.and_(
        BouncedAddress.address == User.email, BouncedAddress.cleared_at.is_(None))).where(
        User.email.in_(candidates)).options(joinedload(User.organization))).all()
    rows.sort(key=lambda row: row[0].email.lower() != address)
    return (rows[0][0], rows[0][1] is not None) if rows else (None, False)


def organization_for_domain(address: str) -> Organization | None:
    """The one active organization whose own e-mail address has the sender's domain."""
    domain = address.rpartition("@")[2].lower()
    if not domain:
        return None
    found = list(db.session.scalars(sa.select(Organization).where(
        Organization.active.is_(True), sa.func.lower(Organization.email).like(f"%@{domain}"))).all())
    return found[0] if len(found) == 1 else None
