"""The incident rules answer at the ticket core's doors: the major flag is an event with who and
why however it moves, and resolving a major incident opens its review."""
import pytest
import sqlalchemy as sa

from app.errors import ValidationError
from app.incidents.models import MajorDeclaration
from app.tickets import services as tickets
from app.tickets.pages import banners
from tests.factories import make_ticket


def declarations(db, ticket):
    return [(d.actor.email, d.declared, d.reason) for d in db.session.scalars(
        sa.select(MajorDeclaration).where(MajorDeclaration.ticket_id == ticket.id).order_by(MajorDeclaration.id))]


def test_the_major_flag_moved_on_the_ticket_form_is_recorded_with_who(users, outage, db):
    tickets.update_ticket(users["agent"], outage, major=True)
    assert declarations(db, outage) == [("agent@provider.test", True, "")]
    assert outage.incident_detail.next_update_due is not None  # the first public update is now due
    tickets.update_ticket(users["agent"], outage, major=False)
    assert declarations(db, outage)[-1] == ("agent@provider.test", False, "")
    assert outage.incident_detail.next_update_due is None


def test_a_new_ticket_marked_major_is_declared_at_creation(users, org_a, db):
    ticket = make_ticket(users["agent"], organization=org_a, major=True)
    assert declarations(db, ticket) == [("agent@provider.test", True, "")]
    assert ticket.incident_detail.manager == users["agent"]  # who declared runs it until someone else does


def test_the_workspace_banner_comes_from_the_incidents_package(users, major, app):
    with app.test_request_context():
        shown = dict(banners())
    assert shown["incidents/_banner.html"][0]["number"] == major.number


def test_resolving_a_major_incident_opens_its_review_and_stops_the_clock(users, major):
    tickets.transition(users["agent"], major, "resolved", resolution_code="fixed", resolution="Switch replaced")
    assert major.incident_detail.review_open and major.incident_detail.next_update_due is None


def test_resolution_code_is_still_required_for_incidents(users, outage):
    with pytest.raises(ValidationError) as error:
        tickets.transition(users["agent"], outage, "resolved", resolution="Done")
    assert "resolution_code" in error.value.errors
