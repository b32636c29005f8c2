"""A client follows a ticket in the portal: public conversation only, reply,
close, reopen, rate, colleagues in copy, and the mails that go with them."""
import re
from datetime import timedelta

from app import timeutil
from app.auth import tokens
from app.tickets import relations, services
from app.uploads import Upload
from tests.factories import PNG, make_ticket
from tests.helpers import run_jobs, text


def resolve(users, ticket):
    services.transition(users["agent"], ticket, "resolved", resolution_code="fixed",
                        resolution="Restarted php-fpm; the pool was exhausted.")


def test_internal_notes_never_reach_the_client(login, users, db):
    ticket = make_ticket(users["client_user"], title="web-01 slow")
    services.reply(users["agent"], ticket, "We are looking at the load now.")
    note = services.add_note(users["agent"], ticket, "Secret: the client's plan is too small",
                             [Upload("internal.png", PNG)])
    client = login("client_user")
    page = text(client.get(f"/portal/tickets/{ticket.number}"))
    assert "We are looking at the load now." in page
    assert "Secret" not in page and "internal.png" not in page
    hidden = note.attachments[0].id
    assert client.get(f"/portal/tickets/{ticket.number}/attachments/{hidden}").status_code == 404


def test_another_organizations_ticket_is_the_same_404_as_none(login, users):
    theirs = make_ticket(users["other_user"], title="Globex outage", uploads=[Upload("g.png", PNG)])
    client = login("client_admin")
    missing = client.get("/portal/tickets/INC-999999")
    guessed = client.get(f"/portal/tickets/{theirs.number}")
    assert guessed.status_code == missing.status_code == 404
    same = [re.sub(r'value="[^"]*"', "", page) for page in (text(guessed).replace(theirs.number, "INC-999999"),
                                                             text(missing))]  # CSRF tokens differ by the second
    assert same[0] == same[1]
    assert client.get(f"/portal/tickets/{theirs.number}/attachments/{theirs.attachments[0].id}").status_code == 404
    assert client.submit(f"/portal/tickets/{theirs.number}/reply", {"body": "hi"}, page="/portal/").status_code == 404


def test_client_closes_a_solved_ticket_and_rates_it_once(login, users, db):
    ticket = make_ticket(users["client_user"], title="web-01 slow")
    client = login("client_user")
    response = client.submit(f"/portal/tickets/{ticket.number}/rate", {"rating": "5"}, page="/portal/")
    assert "once it is resolved" in text(response) and response.status_code == 422

    assert client.submit(f"/portal/tickets/{ticket.number}/close", page="/portal/").status_code == 302
    db.session.expire_all()
    assert ticket.status == "closed"
    response = client.submit(f"/portal/tickets/{ticket.number}/rate", {"rating": "4", "comment": "Quick, thanks"},
                             page=f"/portal/tickets/{ticket.number}")
    assert response.status_code == 302
    db.session.expire_all()
    assert (ticket.rating, ticket.rating_comment, ticket.rated_by) == (4, "Quick, thanks", users["client_user"])

    again = client.submit(f"/portal/tickets/{ticket.number}/rate", {"rating": "1"}, page="/portal/")
    assert "already been rated" in text(again)
    db.session.expire_all()
    assert ticket.rating == 4
    agent_page = text(login("agent").get(f"/tickets/{ticket.number}"))
    assert "4/5" in agent_page and "Quick, thanks" in agent_page


def test_a_rating_outside_one_to_five_is_refused(login, users, db):
    ticket = make_ticket(users["client_user"])
    resolve(users, ticket)
    response = login("client_user").submit(f"/portal/tickets/{ticket.number}/rate", {"rating": "9"}, page="/portal/")
    assert response.status_code == 400
    db.session.expire_all()
    assert ticket.rating is None


def test_reopen_within_the_allowed_days_then_only_a_linked_new_ticket(app, login, users, db, monkeypatch):
    ticket = make_ticket(users["client_user"])
    resolve(users, ticket)
    client = login("client_user")
    page = text(client.get(f"/portal/tickets/{ticket.number}"))
    assert "Not solved — reopen" in page and "Restarted php-fpm" in page
    client.submit(f"/portal/tickets/{ticket.number}/reopen", page="/portal/")
    db.session.expire_all()
    assert ticket.status == "open"

    resolve(users, ticket)
    services.transition(users["client_user"], ticket, "closed")
    later = timeutil.utcnow() + timedelta(days=app.config["REOPEN_DAYS"] + 1)
    monkeypatch.setattr(timeutil, "utcnow", lambda: later)
    page = text(client.get(f"/portal/tickets/{ticket.number}"))
    assert f"/portal/tickets/{ticket.number}/reopen" not in page and f"/portal/new?follow_up={ticket.number}" in page
    response = client.submit(f"/portal/tickets/{ticket.number}/reopen", page="/portal/", follow_redirects=True)
    assert "more than 14 days ago" in text(response)
    db.session.expire_all()
    assert ticket.status == "closed"


def test_a_reply_to_a_closed_ticket_offers_reopen_or_a_new_ticket(login, users, db):
    ticket = make_ticket(users["client_user"])
    services.transition(users["client_user"], ticket, "closed")
    client = login("client_user")
    response = client.submit(f"/portal/tickets/{ticket.number}/reply", {"body": "It is back"}, page="/portal/")
    assert response.status_code == 422
    page = text(response)
    assert "This ticket is closed" in page and "Reopen" in page and "New ticket about this" in page
    assert len(ticket.messages) == 0


def test_colleague_in_copy_gets_the_mails_and_may_answer(app, login, users, db, mailbox):
    ticket = make_ticket(users["client_user"], title="VPN drops")
    client = login("client_user")
    response = client.submit(f"/portal/tickets/{ticket.number}/cc", {"email": users["client_admin"].email},
                             page=f"/portal/tickets/{ticket.number}")
    assert response.status_code == 302
    outsider = client.submit(f"/portal/tickets/{ticket.number}/cc", {"email": users["other_user"].email},
                             page=f"/portal/tickets/{ticket.number}")
    assert outsider.status_code == 422 and "Only active colleagues of your organization" in text(outsider)
    db.session.expire_all()
    assert [w.email for w in ticket.watchers] == [users["client_admin"].email]

    run_jobs(app)
    mailbox.messages.clear()
    services.reply(users["agent"], ticket, "Which VPN client version do you use?")
    run_jobs(app)
    assert sorted(m["To"] for m in mailbox.messages) == sorted([users["client_user"].email, users["client_admin"].email])
    assert all(m["Subject"] == f"[{ticket.number}] New reply: VPN drops" for m in mailbox.messages)
    assert "Which VPN client version" in mailbox.body(mailbox.messages[0])

    mailbox.messages.clear()
    login("client_admin").submit(f"/portal/tickets/{ticket.number}/reply", {"body": "Version 5.1"},
                                 page=f"/portal/tickets/{ticket.number}")
    run_jobs(app)
    assert [m["To"] for m in mailbox.messages] == [users["client_user"].email]  # not to its own author


def test_mails_speak_the_readers_language_and_ask_for_a_rating(app, users, db, mailbox):
    users["client_user"].locale = "uk"
    db.session.commit()
    ticket = make_ticket(users["client_user"], title="Диск")
    resolve(users, ticket)
    run_jobs(app)
    received, resolved = mailbox.messages
    assert received["Subject"] == f"[{ticket.number}] Ми отримали вашу заявку: Диск"
    assert resolved["Subject"] == f"[{ticket.number}] Розв’язано: Диск"
    assert f"/portal/tickets/{ticket.number}#rate" in mailbox.body(resolved)


def test_contacts_may_see_only_their_own_tickets(login, users, org_a, db):
    own = make_ticket(users["client_user"], title="Mine")
    colleague = make_ticket(users["client_admin"], title="The boss's ticket")
    copied = make_ticket(users["client_admin"], title="Boss with me in copy", watchers=[users["client_user"]])
    admin = login("client_admin")
    admin.submit("/portal/colleagues/visibility", {"contacts_see_all": "own"}, page="/portal/colleagues")
    db.session.expire_all()
    assert org_a.contacts_see_all is False

    client = login("client_user")
    listing = text(client.get("/portal/tickets?state=all"))
    assert "Mine" in listing and "Boss with me in copy" in listing and "The boss&#39;s ticket" not in listing
    assert client.get(f"/portal/tickets/{colleague.number}").status_code == 404
    assert client.get(f"/portal/tickets/{copied.number}").status_code == 200
    assert client.get(f"/portal/tickets/{own.number}").status_code == 200
    assert "The boss" in text(admin.get("/portal/tickets?state=all"))  # client admins see everything


def test_only_client_admins_manage_colleagues(login, users, mailbox, app, db):
    assert login("client_user").get("/portal/colleagues").status_code == 403
    admin = login("client_admin")
    response = admin.submit("/portal/colleagues", {"name": "Olena", "email": "olena@acme.test"})
    assert response.status_code == 302
    run_jobs(app)
    assert [m["To"] for m in mailbox.messages] == ["olena@acme.test"]
    admin.submit(f"/portal/colleagues/{users['client_user'].id}/deactivate", page="/portal/colleagues")
    db.session.expire_all()
    assert not users["client_user"].active
    bad = admin.submit("/portal/colleagues", {"name": "X", "email": "not-an-address"})
    assert "valid e-mail address" in text(bad)


def test_staff_do_not_use_the_portal(login):
    assert login("agent").get("/portal/").status_code == 403


def test_problems_and_changes_of_the_organization_stay_with_the_provider(app, login, users, org_a):
    problem = make_ticket(users["agent"], kind="problem", organization=org_a, title="Root cause: flaky RAID card")
    client = login("client_admin")
    assert "flaky RAID card" not in text(client.get("/portal/tickets?state=all"))
    assert client.get(f"/portal/tickets/{problem.number}").status_code == 404
    _row, raw = tokens.create_token(users["client_admin"], "portal test")
    api = app.test_client()
    assert api.get(f"/api/v1/tickets/{problem.number}", headers={"Authorization": f"Bearer {raw}"}).status_code == 404
    listed = api.get("/api/v1/tickets?view=all", headers={"Authorization": f"Bearer {raw}"}).json["items"]
    assert problem.number not in [t["number"] for t in listed]


def test_the_ticket_list_pages_through_everything_most_recent_first(app, login, users, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    made = [make_ticket(users["client_user"], title=f"Ticket number {i}") for i in range(7)]
    services.reply(users["agent"], made[2], "Activity moves it to the top")
    client, seen, url = login("client_user"), [], "/portal/tickets?state=all"
    while url:
        page = text(client.get(url))
        seen += [t.number for t in made if f">{t.title}<" in page]
        found = re.search(r'href="(/portal/tickets\\?[^"]*cursor=[^"]+)"', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert seen[0] == made[2].number and sorted(seen) == sorted(t.number for t in made) and len(seen) == 7


def test_the_rating_travels_with_the_ticket_in_the_api(app, users):
    ticket = make_ticket(users["client_user"])
    services.transition(users["client_user"], ticket, "closed")
    relations.rate(users["client_user"], ticket, 3, "Slow, but solved")
    _row, raw = tokens.create_token(users["manager"], "ratings export")
    body = app.test_client().get(f"/api/v1/tickets/{ticket.number}", headers={"Authorization": f"Bearer {raw}"}).json
    assert (body["rating"], body["rating_comment"]) == (3, "Slow, but solved") and body["rated_at"]


def test_the_engineer_on_the_ticket_hears_when_the_client_writes(app, login, users, team, db, mailbox):
    ticket = make_ticket(users["client_user"], title="VPN drops")
    services.assign(users["manager"], ticket, team=team, assignee=users["agent"])
    relations.watch(users["manager"], ticket, users["manager"], True)
    services.reply(users["agent"], ticket, "Which client version?")
    run_jobs(app)
    mailbox.messages.clear()

    login("client_user").submit(f"/portal/tickets/{ticket.number}/reply", {"body": "Version 5.1, on Windows 11"},
                                page=f"/portal/tickets/{ticket.number}")
    run_jobs(app)
    to_staff = {m["To"]: m for m in mailbox.messages if m["To"].endswith("@provider.test")}
    assert set(to_staff) == {users["agent"].email, users["manager"].email}
    mail = to_staff[users["agent"].email]
    assert mail["Subject"] == f"[{ticket.number}] User wrote: VPN drops"
    assert "Version 5.1, on Windows 11" in mailbox.body(mail) and f"/tickets/{ticket.number}" in mailbox.body(mail)
    assert "/portal/" not in mailbox.body(mail)
