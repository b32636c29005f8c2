"""The ticket list: requester and age, the organization by name, no bulk bar on an empty list."""
from tests.factories import make_ticket
from tests.helpers import text


def test_the_list_shows_requester_age_and_organization_name(login, users, org_a):
    ticket = make_ticket(users["client_user"])
    page = text(login("agent").get("/tickets/?view=all"))
    row = page[page.index(f'value="{ticket.number}"'):page.index("</tr>", page.index(f'value="{ticket.number}"'))]
    assert users["client_user"].name in row and org_a.name in row and "No team" in row
    assert row.count('class="small text-nowrap"') == 2  # the age (opened when: its title) and the last update


def test_an_empty_list_hides_the_bulk_bar(login, users):
    page = text(login("agent").get("/tickets/?view=mine"))
    assert "No tickets here." in page and 'bulk-actions d-flex flex-wrap gap-2 align-items-center d-none' in page
    make_ticket(users["agent"], organization=users["client_user"].organization, assignee=users["agent"])
    assert "align-items-center d-none" not in text(login("agent").get("/tickets/?view=mine"))
