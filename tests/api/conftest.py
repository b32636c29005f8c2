"""API fixtures: a test client per role that carries an API token (and no session)."""
import pytest

from app.auth import tokens
from tests.factories import make_ticket


@pytest.fixture
def api(app, users):
    """api("agent") → a test client whose every request carries that user's API token."""

    def client_for(who: str):
        _row, raw = tokens.create_token(users[who], f"{who} test token")
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        client.token = raw
        return client

    return client_for


@pytest.fixture
def ticket(users):
    """An incident opened by a client of organization A."""
    return make_ticket(users["client_user"], title="Disk full on web-01", description="The disk is **full**.")


@pytest.fixture
def other_ticket(users):
    """An incident of organization B, with a public reply and an internal note."""
    from app.tickets import services

    ticket = make_ticket(users["other_user"], title="Globex VPN is down", description="Globex secret: tunnel 7")
    services.reply(users["agent"], ticket, "Globex reply: restarting the tunnel")
    services.add_note(users["agent"], ticket, "Globex internal: the PSK is hunter2")
    return ticket
