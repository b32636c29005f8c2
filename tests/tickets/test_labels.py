"""The ticket page says values in words: the channel, and coded values in the history."""
from app.tickets import services
from tests.factories import make_ticket
from tests.helpers import text


def test_channel_and_coded_history_values_are_labels(login, users, db):
    ticket = make_ticket(users["client_user"], via="portal", urgency=1)
    services.update_ticket(users["agent"], ticket, urgency=3)
    services.transition(users["agent"], ticket, "resolved", resolution_code="workaround", resolution="Rebooted.")
    page = text(login("agent").get(f"/tickets/{ticket.number}"))
    assert "· client portal" in page and "· portal<" not in page
    assert "<strong>Workaround given</strong>" in page and "<strong>workaround</strong>" not in page
    assert "High → <strong>Low</strong>" in page


def test_in_ukrainian_too(login, users, db):
    users["agent"].locale = "uk"
    db.session.commit()
    ticket = make_ticket(users["client_user"], via="portal")
    services.transition(users["agent"], ticket, "resolved", resolution_code="fixed", resolution="Done.")
    page = text(login("agent").get(f"/tickets/{ticket.number}"))
    assert "· портал клієнта" in page and "<strong>fixed</strong>" not in page
