"""Routing by what a ticket arrives with: the class of a CI given at creation (the portal's and the
agent form's affected system naming a CI, the API's cis) and the mailbox or address a mail came
through. The admin form offers both and keeps them on an unchanged save."""
import sqlalchemy as sa

from app.routing.models import RoutingRule
from tests.cmdb.conftest import cls
from tests.factories import make_ticket
from tests.helpers import count, form_values, text
from tests.mail.conftest import mail
from tests.routing.test_mail_and_pages import rule_form


def number_of(response) -> str:
    return response.get_json()["number"]


def ticket(db, number):
    from app.tickets.models import Ticket

    return db.session.scalar(sa.select(Ticket).where(Ticket.number == number))


def test_a_ci_class_rule_routes_tickets_about_such_a_ci(users, l1, rule, network, estate, api, db):
    rule(ci_class=cls("virtual_machine"), team=network)
    # The portal's "Which server or service?" (and the agent form's affected system) names a CI.
    assert make_ticket(users["client_user"], affected_system="web-01").team == network
    assert make_ticket(users["client_user"], affected_system="Acme Shop").team == l1  # a client service
    assert make_ticket(users["client_user"], affected_system="no such host").team == l1
    # The API names its CIs by name or by id.
    client = api("client_user")
    by_name = client.post("/api/v1/tickets", json={"kind": "incident", "title": "Slow", "cis": ["web-02"]})
    by_id = client.post("/api/v1/tickets", json={"kind": "incident", "title": "Slow",
                                                  "cis": [str(estate["node1"].id)]})
    other = client.post("/api/v1/tickets", json={"kind": "incident", "title": "Slow", "cis": ["Acme Shop"]})
    assert [ticket(db, number_of(r)).team for r in (by_name, by_id, other)] == [network, network, l1]


def test_a_ci_class_rule_does_not_see_another_organizations_ci_by_name(users, l1, rule, network, estate):
    rule(ci_class=cls("physical_server"), team=network)
    assert make_ticket(users["client_user"], affected_system="globex-db").team == l1  # Globex's, not Acme's
    assert make_ticket(users["other_user"], affected_system="globex-db").team == network


def test_a_mailbox_rule_routes_mail_by_mailbox_or_address(users, l1, rule, network, ingest, db):
    rule(mailbox="noc", team=network)
    rule(mailbox="Network@Zayavka.example", team=network)
    by_mailbox = ingest(mail(message_id="a@acme.test"), "noc")
    by_address = ingest(mail(message_id="b@acme.test", to="network@zayavka.example"), "pipe")
    by_cc = ingest(mail(message_id="c@acme.test", Cc="network@zayavka.example"), "pipe")
    neither = ingest(mail(message_id="d@acme.test"), "support")
    assert [ticket(db, r.ticket).team for r in (by_mailbox, by_address, by_cc, neither)] == [network, network,
                                                                                           network, l1]
    assert make_ticket(users["client_user"]).team == l1  # no mail at all: the condition does not hold


def test_admin_sets_both_conditions_and_an_unchanged_save_keeps_them(login, users, team, catalog, db):
    admin = login("admin")
    vm = cls("virtual_machine")
    page = text(admin.get("/admin/routing/new"))
    assert "Class of the CI" in page and "Mailbox or address" in page and vm.name in page
    response = admin.submit("/admin/routing/new", rule_form(ci_class_id=str(vm.id), mailbox=" NOC ",
                                                           team_id=str(team.id)))
    assert response.status_code == 302
    saved = db.session.scalar(sa.select(RoutingRule))
    assert (saved.ci_class_id, saved.mailbox) == (vm.id, "noc")
    listing = text(admin.get("/admin/routing"))
    assert f"a {vm.name} CI" in listing and "mail to noc" in listing
    before = (saved.ci_class_id, saved.mailbox, saved.category, saved.team_id)
    assert admin.submit(f"/admin/routing/{saved.id}", form_values(admin.get(f"/admin/routing/{saved.id}")
                                                                  .get_data(as_text=True))).status_code == 302
    db.session.expire_all()
    assert (saved.ci_class_id, saved.mailbox, saved.category, saved.team_id) == before


def test_a_bad_mailbox_is_refused_and_nothing_saved(login, users, db):
    admin = login("admin")
    response = admin.submit("/admin/routing/new", rule_form(mailbox="two words"))
    assert response.status_code == 200 and "A mailbox name or one e-mail address, without spaces." in text(response)
    response = admin.submit("/admin/routing/new", rule_form(ci_class_id="999999"))
    assert response.status_code == 200
    assert count(db, RoutingRule) == 0
