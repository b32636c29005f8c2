"""Ticket ↔ CI links: who may link what, by id or by name, and the computed impact."""
import pytest
import sqlalchemy as sa

from app.errors import ValidationError
from cmdb import links
from cmdb.models import TicketCI
from tests.factories import make_ticket


def linked(ticket):
    return {link.ci.name: link.impact for link in links.links_of(ticket).values()}


def test_a_client_links_their_own_ci_by_name_or_id(estate, users):
    ticket = make_ticket(users["client_user"], title="Shop slow")
    links.link_refs(users["client_user"], ticket, ["web-01", str(estate["shop"].id)])
    assert linked(ticket) == {"web-01": "manual", "Acme Shop": "manual"}


def test_a_client_cannot_link_another_organizations_or_the_providers_ci(estate, users):
    ticket = make_ticket(users["client_user"], title="Shop slow")
    for ci in (estate["globex"], estate["core"]):
        with pytest.raises(ValidationError) as caught:
            links.link_cis(users["client_user"], ticket, [ci])
        assert caught.value.errors == {"cis": ["There is no such CI."]}
    with pytest.raises(ValidationError) as caught:
        links.link_refs(users["client_user"], ticket, ["web-01", "globex-db", str(estate["globex"].id)])
    assert caught.value.errors["cis"] == ["1: there is no CI globex-db here.",
                                         f"2: there is no CI {estate['globex'].id} here."]
    links.db.session.rollback()
    assert links.db.session.scalar(sa.select(sa.func.count()).select_from(TicketCI)) == 0


def test_compute_impact_adds_the_impacted_cis_and_names_the_organizations(estate, users, org_a, org_b):
    ticket = make_ticket(users["agent"], title="Core switch down", organization=org_a)
    links.link_cis(users["agent"], ticket, [estate["core"]])
    links.rule_out(users["agent"], ticket, estate["hv2"])
    added, orgs = links.compute_impact(users["agent"], ticket)
    assert {ci.name for ci in added} == {"hv-01", "web-01", "web-cluster", "Acme Shop", "globex-db"}
    assert orgs == sorted([org_a.id, org_b.id])
    assert linked(ticket)["hv-02"] == "not_impacted" and linked(ticket)["Acme Shop"] == "computed"
    assert links.compute_impact(users["agent"], ticket)[0] == []  # idempotent


def test_compute_impact_needs_a_failed_ci(estate, users, org_a):
    ticket = make_ticket(users["agent"], title="Something", organization=org_a)
    with pytest.raises(ValidationError):
        links.compute_impact(users["agent"], ticket)


def test_link_affected_matches_old_tickets_by_name_or_hostname(app, users, org_a, org_b):
    from cmdb import services
    from tests.cmdb.conftest import cls

    old = make_ticket(users["client_user"], title="Old server is slow", affected_system="WEB-09.acme.test")
    other = make_ticket(users["other_user"], title="Globex server is slow", affected_system="web-09")
    unknown = make_ticket(users["client_user"], title="Something is slow somewhere", affected_system="nowhere")
    services.seed_catalog(users["admin"])
    services.create_ci(users["agent"], ci_class=cls("virtual_machine"), name="web-09", organization=org_a,
                       hostname="web-09.acme.test")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["cmdb", "link-affected", "--dry-run"])
    assert f"{old.number} → web-09" in result.output and "1 tickets would be linked." in result.output
    assert not links.links_of(old)
    assert "1 tickets linked." in runner.invoke(args=["cmdb", "link-affected"]).output
    assert [link.ci.name for link in links.links_of(old).values()] == ["web-09"]
    assert not links.links_of(other) and not links.links_of(unknown)
