"""The ticket page's warning of bounced addresses: the requester's and the followers', nobody else's."""
from datetime import UTC, datetime

from app.mail.models import BouncedAddress
from app.tickets import relations
from tests.factories import make_ticket
from tests.helpers import text


def test_the_requesters_and_the_followers_bounced_addresses_are_shown_the_requesters_first(login, users, db):
    ticket = make_ticket(users["client_user"], title="VPN drops")
    relations.watch(users["agent"], ticket, users["client_admin"])
    when = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    for user in (users["client_admin"], users["client_user"], users["other_user"]):
        db.session.add(BouncedAddress(address=user.email.lower(), bounced_at=when, detail="550 5.1.1 User unknown"))
    db.session.add(BouncedAddress(address="gone@acme.test", bounced_at=when, cleared_at=when))
    db.session.commit()
    page = text(login("agent").get(f"/tickets/{ticket.number}"))
    follower, requester = users["client_admin"].email.lower(), users["client_user"].email.lower()
    assert f"Mail to {requester} bounced on" in page and f"Mail to {follower} bounced on" in page
    assert page.index(f"Mail to {requester}") < page.index(f"Mail to {follower}")
    assert users["other_user"].email.lower() not in page  # another organization's contact, not on the ticket
