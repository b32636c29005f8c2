"""Fewer clicks per ticket: "Assign to me", one reply box that also waits for the client or
resolves, the go-to box, the context panel, and a followers select that picks nobody by itself."""
import sqlalchemy as sa

from app.tickets import queries, services
from app.tickets.models import Message, Ticket
from tests.factories import make_ticket
from tests.helpers import count, form_values, text


def test_assign_to_me_takes_the_ticket_into_my_team(login, users, team, db):
    ticket = make_ticket(users["client_user"])
    assert ticket.team is None and ticket.assignee is None
    agent = login("agent")
    assert f'/tickets/{ticket.number}/take"' in text(agent.get(f"/tickets/{ticket.number}"))
    response = agent.submit(f"/tickets/{ticket.number}/take", page=f"/tickets/{ticket.number}")
    assert response.status_code == 302
    db.session.expire_all()
    assert (ticket.assignee, ticket.team) == (users["agent"], team)
    assert f'/tickets/{ticket.number}/take"' not in text(agent.get(f"/tickets/{ticket.number}"))


def test_assign_to_me_is_refused_on_a_closed_ticket(login, users, db):
    ticket = make_ticket(users["client_user"])
    services.transition(users["agent"], ticket, "resolved", resolution_code="fixed", resolution="Done.")
    services.transition(users["agent"], ticket, "closed")
    agent = login("agent")
    agent.submit(f"/tickets/{ticket.number}/take", page=f"/tickets/{ticket.number}")
    db.session.expire_all()
    assert ticket.assignee is None


def reply(client, ticket, **data):
    return client.submit(f"/tickets/{ticket.number}/reply", data, page=f"/tickets/{ticket.number}")


def test_send_and_wait_for_the_client_in_one_step(login, users, db):
    ticket = make_ticket(users["client_user"])
    response = reply(login("agent"), ticket, body="Could you send the log?", send_wait="y")
    assert response.status_code == 302
    db.session.expire_all()
    assert ticket.status == "pending"
    assert [m.body_text for m in ticket.messages if not m.internal] == ["Could you send the log?"]


def test_send_and_resolve_takes_the_reply_as_the_resolution(login, users, db):
    ticket = make_ticket(users["client_user"])
    response = reply(login("agent"), ticket, body="We freed 40 GB; the disk is at 60%.", resolution_code="fixed",
                     send_resolve="y")
    assert response.status_code == 302
    db.session.expire_all()
    assert (ticket.status, ticket.resolution_code) == ("resolved", "fixed")
    assert ticket.resolution == "We freed 40 GB; the disk is at 60%."


def test_send_and_resolve_without_a_resolution_code_sends_nothing(login, users, db):
    ticket = make_ticket(users["client_user"])
    response = reply(login("agent"), ticket, body="Done, I think.", send_resolve="y")
    assert response.status_code == 422
    assert "Choose how the ticket was resolved." in text(response)
    db.session.expire_all()
    assert ticket.status == "new" and count(db, Message) == 0


def test_plain_send_still_only_replies(login, users, db):
    ticket = make_ticket(users["client_user"])
    assert reply(login("agent"), ticket, body="On it.", submit="Send").status_code == 302
    db.session.expire_all()
    assert ticket.status == "open"


def test_the_resolve_panel_says_resolve_and_placeholders_are_not_values(login, users):
    ticket = make_ticket(users["client_user"])
    page = text(login("agent").get(f"/tickets/{ticket.number}"))
    form = page[page.index('id="transition-form"'):]
    assert 'value="Resolve"' in form[:form.index("</form>")]
    assert 'placeholder="INC-1"' not in page and 'placeholder="PRB-12"' not in page


def test_the_followers_select_chooses_nobody_by_itself(login, users):
    ticket = make_ticket(users["client_user"])
    agent = login("agent")
    assert f'data-fragment="/tickets/{ticket.number}/tools"' in text(agent.get(f"/tickets/{ticket.number}"))
    values = form_values(text(agent.get(f"/tickets/{ticket.number}/tools")), having="user")  # the page's tools
    assert values["user"] == ""  # the placeholder, not the first contact


def test_go_to_box_jumps_to_a_number_and_searches_otherwise(login, users):
    ticket = make_ticket(users["client_user"])
    agent = login("agent")
    for typed in (ticket.number, ticket.number.lower(), ticket.number.split("-")[1]):
        response = agent.get("/tickets/go", query_string={"q": typed})
        assert response.headers["Location"].endswith(f"/tickets/{ticket.number}"), typed
    response = agent.get("/tickets/go", query_string={"q": "disk full"})
    assert "/tickets/?" in response.headers["Location"] and "q=disk+full" in response.headers["Location"]
    assert "/tickets/?" in agent.get("/tickets/go", query_string={"q": "INC-99999"}).headers["Location"]
    assert login("client_user").get("/tickets/go", query_string={"q": ticket.number}).status_code == 403


def test_context_panel_lists_the_requesters_and_the_organizations_other_open_tickets(login, users, db):
    ticket = make_ticket(users["client_user"], title="Disk full on db-03")
    same = make_ticket(users["client_user"], title="Backup failed on db-03")
    colleague = make_ticket(users["client_admin"], title="VPN drops every hour")
    foreign = make_ticket(users["other_user"], title="Globex printer is offline")
    agent = login("agent")
    assert f'data-fragment="/tickets/{ticket.number}/context"' in text(agent.get(f"/tickets/{ticket.number}"))
    page = text(agent.get(f"/tickets/{ticket.number}/context"))  # asked for once the page is shown
    requester = page[page.index('id="context-requester"'):page.index('id="context-organization"')]
    assert same.number in requester and colleague.number not in requester
    similar = page.find('id="context-similar"')  # the similar tickets' card, if any, comes last
    organization = page[page.index('id="context-organization"'):similar if similar != -1 else None]
    assert colleague.number in organization and same.number not in organization
    assert foreign.number not in page


def test_similar_tickets_are_found_across_organizations_for_staff_only_by_shared_words(login, users, db):
    ticket = make_ticket(users["client_user"], title="Disk full on db-03",
                         description="The data disk of db-03 is full, PostgreSQL stopped writing.")
    same_host = make_ticket(users["client_admin"], title="db-03 is slow",
                            description="Queries on db-03 take seconds; the disk is busy.")
    elsewhere = make_ticket(users["other_user"], title="Disk full on the Globex file server",
                            description="The disk is full again.")
    unrelated = make_ticket(users["client_user"], title="VPN drops every hour", description="Since Monday.")
    agent = login("agent")
    context = text(agent.get(f"/tickets/{ticket.number}/context"))
    similar = context[context.index('id="context-similar"'):]
    assert "Similar tickets" in similar
    assert same_host.number in similar and elsewhere.number in similar  # staff see every organization's
    assert unrelated.number not in similar and f"/tickets/{ticket.number}\"" not in similar
    assert similar.index(elsewhere.number) < similar.index(same_host.number)  # two title words shared: more alike
    assert 'id="context-similar"' not in text(agent.get(f"/tickets/{unrelated.number}/context"))  # none alike: no card


def test_the_context_beside_a_ticket_is_for_staff_only(login, users):
    ticket = make_ticket(users["client_user"], title="Disk full on db-03")
    make_ticket(users["client_user"], title="Disk full on db-04")
    assert login("client_user").get(f"/tickets/{ticket.number}/context").status_code == 403
    assert login("agent").get("/tickets/INC-99999/context").status_code == 404


def test_shortcuts_overlay_and_script_are_on_staff_pages_only(login, users):
    agent_page = text(login("agent").get("/tickets/"))
    assert 'id="shortcuts"' in agent_page and "js/keys.js" in agent_page and 'id="go-to-ticket"' in agent_page
    client_page = text(login("client_user").get("/portal/"))
    assert "js/keys.js" not in client_page and 'id="go-to-ticket"' not in client_page
    assert login("agent").get("/static/js/keys.js").status_code == 200


def test_the_ticket_numbers_typed_are_read_by_the_core(users, db):
    ticket = make_ticket(users["client_user"])
    assert queries.ticket_by_typed_number(users["agent"], ticket.number.replace("-", "")) == ticket
    assert queries.ticket_by_typed_number(users["agent"], "hello") is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 1
