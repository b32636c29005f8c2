"""Articles for the knowledge base's tests: written by the agent, published by the manager."""
import pytest

from app.tickets import services as tickets
from kb import services
from tests.factories import make_ticket


@pytest.fixture
def publish(users):
    """publish(title, body, visibility="clients", organizations=()) → a published article."""

    def make(title, body="", visibility="clients", organizations=(), **fields):
        article = services.create_article(users["agent"], title=title, body=body, visibility=visibility,
                                          organizations=organizations, **fields)
        return services.publish(users["manager"], article)

    return make


@pytest.fixture
def resolved_incident(users, org_a):
    ticket = make_ticket(users["client_user"], title="Mail to gmail bounces",
                         description="Since Monday mail from boss@acme.test to gmail.com bounces; "
                                     "our server mx1.acme.test (192.0.2.25) says 550 SPF fail.")
    tickets.reply(users["agent"], ticket, "We added the new relay to the SPF record; mail flows again.")
    tickets.add_note(users["agent"], ticket, "internal: the relay was missing from DNS")
    tickets.transition(users["agent"], ticket, "resolved", resolution_code="configuration",
                       resolution="The SPF record lacked the outgoing relay; we added it.")
    return ticket
