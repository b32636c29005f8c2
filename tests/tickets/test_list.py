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


def test_one_age_filter_short_in_the_list_and_a_sentence_on_the_incident_page(login, users, monkeypatch):
    """The incidents' pages used to register their own ``age`` over the app's, so every list
    showed "3 days" for "3d": now one filter, the style named where it is used."""
    from datetime import timedelta

    from app import timeutil

    ticket = make_ticket(users["client_user"])
    later = timeutil.utcnow() + timedelta(days=3, hours=2)
    monkeypatch.setattr(timeutil, "utcnow", lambda: later)
    agent = login("agent")
    page = text(agent.get("/tickets/?view=all"))
    row = page[page.index(f'value="{ticket.number}"'):page.index("</tr>", page.index(f'value="{ticket.number}"'))]
    assert ">3d</td>" in row and "3 days" not in row
    assert "opened 3 days ago" in text(agent.get(f"/incidents/{ticket.number}"))


def test_the_lists_rows_page_through_every_order_without_a_gap(app, login, users, org_a, monkeypatch):
    """The list reads rows of its columns (queries.list_rows), cursor included, for every order."""
    import re

    numbers = {make_ticket(users["client_user"], title=f"Ticket {i}", urgency=1 + i % 3).number for i in range(5)}
    monkeypatch.setitem(app.config, "TICKET_PAGE_SIZE", 2)
    agent = login("agent")
    for sort in ("priority", "updated", "newest", "oldest", "due"):  # (no SLA here: every due time is "none")
        seen, url = [], f"/tickets/?view=all&sort={sort}"
        for _ in range(5):  # 5 tickets, 2 a page: 3 pages
            if url is None:
                break
            page = text(agent.get(url))
            seen += re.findall(r'name="ticket" value="([A-Z]+-\d+)"', page)
            after = re.search(r'href="(/tickets/\?[^"]*cursor=[^"]+)"', page)
            url = after.group(1).replace("&amp;", "&") if after else None
        assert sorted(seen) == sorted(numbers), sort
