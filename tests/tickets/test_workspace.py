"""The agent workspace in the browser's place: lists, the ticket page and its forms."""
import io
import re

import sqlalchemy as sa

from app.tickets import services
from app.tickets.models import Attachment, Ticket, Worklog
from app.uploads import Upload
from tests.factories import ELF, PNG, make_ticket
from tests.helpers import text


def test_workspace_is_for_staff_only(login):
    assert login("client_admin").get("/tickets/").status_code == 403
    assert login("agent").get("/tickets/").status_code == 200


def test_views_and_filters(login, users, org_a, org_b, team):
    agent = users["agent"]
    mine = make_ticket(agent, organization=org_a, title="Mine: backup failed", team=team, assignee=agent)
    queue = make_ticket(agent, organization=org_b, title="Team queue: VPN flaps", team=team)
    other = make_ticket(agent, organization=org_b, title="Nobody: DNS slow")
    client = login("agent")
    page = text(client.get("/tickets/?view=mine"))
    assert mine.title in page and queue.title not in page
    page = text(client.get("/tickets/?view=my_teams"))
    assert mine.title in page and queue.title in page and other.title not in page
    page = text(client.get(f"/tickets/?view=open&organization={org_b.id}"))
    assert queue.title in page and other.title in page and mine.title not in page
    page = text(client.get("/tickets/?view=unassigned"))
    assert queue.title in page and mine.title not in page
    counts = {view: int(n) for view, n in re.findall(r'view=(\w+)">[^<]*<span class="badge[^>]*>(\d+)</span>', page)}
    assert counts == {"mine": 1, "my_teams": 2, "unassigned": 2, "open": 3}


def test_full_text_search_finds_words_in_messages(login, users, org_a):
    ticket = make_ticket(users["agent"], organization=org_a, title="Slow site")
    services.reply(users["client_user"], ticket, "mtr shows packet loss at hop 7")
    services.add_note(users["agent"], ticket, "uplink provider ticket 4471")
    make_ticket(users["agent"], organization=org_a, title="Unrelated printer")
    client = login("agent")
    found = text(client.get("/tickets/?view=all&q=packet+loss"))
    assert "Slow site" in found and "Unrelated printer" not in found
    assert "Slow site" in text(client.get("/tickets/?view=all&q=upli"))  # prefix, internal notes too
    assert "Slow site" not in text(client.get("/tickets/?view=all&q=nothingmatches"))


def test_keyset_pages_walk_the_whole_list_once(app, login, users, org_a):
    app.config["TICKET_PAGE_SIZE"] = 4
    try:
        created = [make_ticket(users["agent"], organization=org_a, title=f"Ticket number {i}",
                               impact=1 + i % 3, urgency=2).number for i in range(10)]
        client = login("agent")
        seen, url = [], "/tickets/?view=all&sort=priority"
        while url:
            page = text(client.get(url))
            seen += re.findall(r'name="ticket" value="([A-Z]+-\d+)"', page)
            more = re.search(r'href="(/tickets/\?[^"]*cursor=[^"]+)"', page)
            url = more.group(1).replace("&amp;", "&") if more else None
        assert sorted(seen) == sorted(created) and len(seen) == 10
    finally:
        app.config["TICKET_PAGE_SIZE"] = 50


def test_agent_creates_a_ticket_with_an_attachment(login, users, org_a, team, db):
    client = login("agent")
    response = client.submit("/tickets/new", {
        "kind": "incident", "organization": str(org_a.id), "requester": str(users["client_user"].id),
        "title": "RAID degraded on db-02", "description": "Disk **sdb** failed", "impact": "1", "urgency": "1",
        "team": str(team.id), "assignee": "", "attachments": (io.BytesIO(PNG), "smart.png")},
        content_type="multipart/form-data")
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.title == "RAID degraded on db-02"))
    assert response.headers["Location"] == f"/tickets/{ticket.number}"
    assert ticket.priority == 1 and ticket.requester_id == users["client_user"].id
    page = text(client.get(f"/tickets/{ticket.number}"))
    assert "<strong>sdb</strong>" in page and "smart.png" in page


def test_attachment_download_checks_access_and_headers(login, users):
    ticket = make_ticket(users["client_user"], uploads=[])
    services.reply(users["client_user"], ticket, "log attached",
                   uploads=[Upload("boot.log", b"kernel: oops")])
    item = ticket.attachments[0]
    response = login("agent").get(f"/tickets/{ticket.number}/attachments/{item.id}")
    assert response.data == b"kernel: oops"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert login("agent").get(f"/tickets/{ticket.number}/attachments/{item.id + 99}").status_code == 404


def test_renamed_executable_is_refused_and_nothing_saved(login, users, db):
    ticket = make_ticket(users["client_user"])
    client = login("agent")
    response = client.submit(f"/tickets/{ticket.number}/reply", {
        "body": "see attached", "attachments": (io.BytesIO(ELF), "screenshot.png")},
        page=f"/tickets/{ticket.number}", content_type="multipart/form-data")
    assert response.status_code == 422
    assert "not accepted" in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0


def test_reply_note_and_script_sanitizing(login, users):
    ticket = make_ticket(users["client_user"])
    client = login("agent")
    client.submit(f"/tickets/{ticket.number}/reply", {"body": "Hello <script>alert(1)</script>"},
                  page=f"/tickets/{ticket.number}")
    client.submit(f"/tickets/{ticket.number}/reply", {"body": "internal only", "internal": "y"},
                  page=f"/tickets/{ticket.number}")
    page = text(client.get(f"/tickets/{ticket.number}"))
    assert "<script>alert(1)</script>" not in page and "Hello" in page
    assert "Internal note" in page and "internal only" in page


def test_resolve_requires_a_resolution_then_succeeds(login, users):
    ticket = make_ticket(users["client_user"])
    client = login("agent")
    url, page = f"/tickets/{ticket.number}/transition", f"/tickets/{ticket.number}"
    response = client.submit(url, {"status": "resolved"}, page=page)
    assert response.status_code == 422 and "Choose how the ticket was resolved." in text(response)
    response = client.submit(url, {"status": "closed"}, page=page)
    assert "cannot go from" in text(response)
    response = client.submit(url, {"status": "resolved", "resolution_code": "fixed", "resolution": "Replaced disk"},
                             page=page)
    assert response.status_code == 302
    assert "Resolved" in text(client.get(page))


def test_second_save_of_a_stale_page_is_refused_with_the_changes(login, users, team):
    ticket = make_ticket(users["agent"], organization=users["client_user"].organization)
    one, two = login("agent"), login("manager")
    page = f"/tickets/{ticket.number}"
    stale = ticket.version
    fields = {"impact": "2", "urgency": "2", "team": str(team.id), "assignee": "", "category": "", "version": stale}
    assert one.submit(f"{page}/update", fields, page=page).status_code == 302
    response = two.submit(f"{page}/update", {**fields, "team": "", "category": "network"}, page=page)
    assert response.status_code == 409
    body = text(response)
    assert "This ticket changed since you opened it." in body and "Service Desk L1" in body


def test_link_merge_and_time_from_the_ticket_page(login, users, db):
    first = make_ticket(users["client_user"], title="Mail bounces")
    second = make_ticket(users["client_admin"], title="Cannot send mail")
    problem = make_ticket(users["agent"], kind="problem", organization=first.organization, title="MX misconfigured")
    client = login("agent")
    page = f"/tickets/{first.number}"
    assert client.submit(f"{page}/links", {"link-kind": "caused_by", "link-target": problem.number.lower()}, page=page
                         ).status_code == 302
    response = client.submit(f"{page}/links", {"link-kind": "related", "link-target": "INC-999"}, page=page)
    assert "There is no ticket INC-999." in text(response)
    client.submit(f"{page}/time", {"minutes": "25", "note": "checked DNS", "billable": "y"}, page=page)
    assert db.session.scalar(sa.select(Worklog.minutes)) == 25
    response = client.submit(f"/tickets/{second.number}/merge", {"merge-target": first.number},
                             page=f"/tickets/{second.number}")
    assert response.headers["Location"] == page
    tools = text(client.get(f"{page}/tools"))  # the page's links, time and followers, asked for once it is shown
    assert problem.number in tools and second.number in tools and "Cannot send mail" in tools
    assert "0 h 25 min" in tools


def test_bulk_assign_and_priority(login, users, org_a, team, db):
    tickets = [make_ticket(users["agent"], organization=org_a, title=f"Bulk {i}") for i in range(3)]
    client = login("manager")
    data = {"action": "assign", "team": str(team.id), "assignee": str(users["agent"].id),
            "ticket": [t.number for t in tickets[:2]]}
    response = client.submit("/tickets/bulk", data, page="/tickets/")
    assert response.status_code == 302
    assigned = db.session.scalars(sa.select(Ticket.number).where(Ticket.assignee_id == users["agent"].id)).all()
    assert sorted(assigned) == sorted(t.number for t in tickets[:2])
    client.submit("/tickets/bulk", {"action": "priority", "priority": "1", "ticket": [tickets[2].number]},
                  page="/tickets/")
    assert db.session.get(Ticket, tickets[2].id).priority == 1


def test_saved_views(login):
    client = login("agent")
    client.submit("/tickets/filters", {"name": "P1 only", "query": "view=open&priority=1"}, page="/tickets/")
    page = text(client.get("/tickets/"))
    assert "P1 only" in page and "view=open&amp;priority=1" in page


def test_followers_are_staff_or_contacts_of_the_organization(login, users, db):
    ticket = make_ticket(users["client_user"])
    client = login("agent")
    page = f"/tickets/{ticket.number}"
    client.submit(f"{page}/watchers", {"user": str(users["client_admin"].id)}, page=page)
    response = client.submit(f"{page}/watchers", {"user": str(users["other_user"].id)}, page=page,
                             follow_redirects=True)
    assert "Only staff and contacts of the organization can follow a ticket." in text(response)
    assert [w.email for w in db.session.get(Ticket, ticket.id).watchers] == ["boss@acme.test"]
    client.submit(f"{page}/watchers", {"user": str(users["client_admin"].id), "remove": "1"}, page=page)
    assert db.session.get(Ticket, ticket.id).watchers == []


def test_the_new_ticket_form_offers_the_chosen_organizations_contacts_only(login, users, org_a, org_b, db):
    agent = login("agent")
    blank = text(agent.get("/tickets/new"))
    assert users["client_user"].email not in blank and users["other_user"].email not in blank
    for_a = text(agent.get(f"/tickets/new?organization={org_a.id}"))
    assert users["client_user"].email in for_a and users["other_user"].email not in for_a
    listed = agent.get(f"/tickets/requesters?organization={org_b.id}").json
    assert {c["label"].split("<")[1].rstrip(">") for c in listed if c["value"]} == {
        users["other_user"].email, users["other_admin"].email}
    assert agent.get("/tickets/requesters?organization=99999").json == [{"value": "", "label": "—"}]
    wrong = agent.submit("/tickets/new", {"kind": "incident", "organization": str(org_a.id),
                                          "requester": str(users["other_user"].id), "title": "Mixed up",
                                          "impact": "2", "urgency": "2"}, page="/tickets/new")
    assert wrong.status_code == 200 and "Not a valid choice" in text(wrong)
    assert login("client_user").get(f"/tickets/requesters?organization={org_a.id}").status_code == 403
