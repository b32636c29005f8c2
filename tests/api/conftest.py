"""API fixtures: tickets to read and write (the token clients, `api`, are in the root conftest)."""
import pytest

from tests.cmdb.conftest import catalog, estate  # noqa: F401 (the CMDB tests' fixtures, for tests/api/test_cmdb.py)
from tests.factories import make_ticket


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
