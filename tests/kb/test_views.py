"""The knowledge base's pages: staff write and review, clients read what is theirs, the portal
suggests articles while a ticket is written, and the ticket page offers articles."""
import sqlalchemy as sa

from kb import services
from kb.models import Article


def test_staff_write_submit_and_a_reviewer_publishes(login, users, db):
    agent = login("agent")
    page = agent.submit("/kb/new", {"title": "Renew a Let's Encrypt certificate", "body": "Run **certbot renew**.",
                                    "visibility": "clients", "language": "en", "tags": "ssl, web"},
                        follow_redirects=True)
    assert page.status_code == 200 and "<strong>certbot renew</strong>" in page.get_data(as_text=True)
    article = db.session.scalar(sa.select(Article))
    agent.submit(f"/kb/{article.id}/submit", page=f"/kb/{article.id}")
    assert "Publish" not in agent.get(f"/kb/{article.id}").get_data(as_text=True).split('id="kb-body"')[0]
    manager = login("manager")
    manager.submit(f"/kb/{article.id}/publish", page=f"/kb/{article.id}")
    db.session.expire_all()
    assert db.session.get(Article, article.id).status == "published"
    found = agent.get("/kb/?q=certbot").get_data(as_text=True)
    assert "<mark>certbot</mark>" in found


def test_edit_keeps_a_diff(login, users, db):
    article = services.create_article(users["agent"], title="Old title", body="line one\nline two")
    agent = login("agent")
    agent.submit(f"/kb/{article.id}/edit", {"title": "New title", "body": "line one\nline 2", "visibility": "internal",
                                            "language": "en", "version": article.version})
    diff = agent.get(f"/kb/{article.id}/diff").get_data(as_text=True)
    assert "line 2" in diff and "line two" in diff and "New title" in diff


def test_a_huge_article_is_refused_on_the_form(login, users, db, app):
    app.config["KB_MAX_ARTICLE_BYTES"] = 10_000
    try:
        agent = login("agent")
        page = agent.submit("/kb/new", {"title": "Huge", "body": "x" * 20_000, "visibility": "internal",
                                        "language": "en"})
        assert page.status_code == 200 and "too long" in page.get_data(as_text=True)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Article)) == 0
    finally:
        app.config["KB_MAX_ARTICLE_BYTES"] = 1_000_000


def test_clients_never_open_staff_pages(login, users, db):
    client = login("client_user")
    assert client.get("/kb/").status_code == 403


def test_a_client_reads_only_what_is_theirs(login, users, org_a, org_b, db, publish):
    ours = publish("Mail for Acme", "Acme's relay.", visibility="organizations", organizations=[org_a])
    theirs = publish("Mail for Globex", "Globex's relay.", visibility="organizations", organizations=[org_b])
    internal = publish("Mail internals", "Runbook.", visibility="internal")
    client = login("client_user")
    assert client.get(f"/portal/kb/{ours.id}").status_code == 200
    for hidden in (theirs, internal):
        assert client.get(f"/portal/kb/{hidden.id}").status_code == 404
    assert client.get("/portal/kb/99999").status_code == 404
    listing = client.get("/portal/kb/?q=mail").get_data(as_text=True)
    assert "Mail for Acme" in listing and "Globex" not in listing and "internals" not in listing
    suggested = client.get("/portal/kb/suggest?title=mail relay").get_json()
    assert [s["id"] for s in suggested] == [ours.id]


def test_this_solved_it_counts_and_opens_no_ticket(login, users, db, publish):
    from app.tickets.models import Ticket

    article = publish("VPN drops every hour", "Renew the certificate.")
    client = login("client_user")
    suggested = client.get("/portal/kb/suggest?title=vpn drop&description=").get_json()
    assert suggested[0]["title"] == "VPN drops every hour"
    page = client.submit(suggested[0]["solved_url"], page="/portal/new", follow_redirects=True)
    assert "No ticket was opened" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Article, article.id).deflections == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0


def test_feedback_from_the_portal(login, users, db, publish):
    from app.jobs.models import OutboxJob

    article = publish("Reset the panel password", "Click *Forgot*.")
    client = login("client_user")
    client.submit(f"/portal/kb/{article.id}/feedback", {"helpful": "yes"}, page=f"/portal/kb/{article.id}")
    client.submit(f"/portal/kb/{article.id}/feedback", {"helpful": "no", "comment": "No such link"},
                  page=f"/portal/kb/{article.id}")
    db.session.expire_all()
    found = db.session.get(Article, article.id)
    assert (found.helpful, found.unhelpful) == (1, 1)
    assert db.session.scalar(sa.select(OutboxJob.func)) == "kb.jobs.unhelpful_feedback"


def test_the_ticket_page_offers_articles_and_makes_one(login, users, db, publish, resolved_incident):
    related = publish("Mail to gmail bounces with SPF fail", "Add the relay to SPF.")
    agent = login("agent")
    page = agent.get(f"/tickets/{resolved_incident.number}").get_data(as_text=True)
    assert "Make an article" in page and f'data-fragment="/kb/related/{resolved_incident.number}"' in page
    related_list = agent.get(f"/kb/related/{resolved_incident.number}").get_data(as_text=True)  # asked for once shown
    assert "Mail to gmail bounces with SPF fail" in related_list and "Insert link into reply" in related_list
    answer = agent.post(f"/kb/{related.id}/use?ticket={resolved_incident.number}",
                        data={"csrf_token": agent.csrf_token(f"/tickets/{resolved_incident.number}")},
                        headers={"Accept": "application/json"})
    assert answer.get_json()["uses"] == 1 and f"/portal/kb/{related.id}" in answer.get_json()["link"]
    made = agent.submit(f"/kb/from/{resolved_incident.number}", page=f"/tickets/{resolved_incident.number}")
    assert made.status_code == 302 and "/edit" in made.headers["Location"]
    article = db.session.scalar(sa.select(Article).where(Article.id != related.id))
    assert article.source_tickets[0].number == resolved_incident.number and article.status == "draft"


def test_the_portal_new_ticket_form_has_the_suggestion_step(login, users, db):
    page = login("client_user").get("/portal/new").get_data(as_text=True)
    assert 'id="kb-suggestions"' in page and "/portal/kb/suggest" in page


def test_the_edit_form_shows_what_the_article_holds(login, users, org_a, db):
    category = services.save_category(users["agent"], "Mail")
    article = services.create_article(users["agent"], title="Relay", body="Use **relay**.", tags=["mail", "dns"],
                                      visibility="organizations", organizations=[org_a], category=category)
    page = login("agent").get(f"/kb/{article.id}/edit").get_data(as_text=True)
    assert 'value="mail, dns"' in page and "Use **relay**." in page
    assert f'<option selected value="{org_a.id}">' in page or f'value="{org_a.id}" selected' in page
    assert f'<option selected value="{category.id}">' in page or f'value="{category.id}" selected' in page


def test_the_form_links_cis_and_refuses_a_clients_ci_on_an_article_for_everyone(login, users, org_a, db):
    from cmdb import services as cmdb
    from cmdb.queries import class_by_code

    cmdb.seed_catalog(users["admin"])
    cmdb.create_ci(users["agent"], ci_class=class_by_code("physical_server"), name="acme-db-01", organization=org_a)
    agent = login("agent")
    page = agent.submit("/kb/new", {"title": "DB restarts", "visibility": "clients", "language": "en",
                                    "cis": "acme-db-01", "ci_classes": "physical_server"})
    assert page.status_code == 200 and "acme-db-01 belong to an organization" in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Article)) == 0
    done = agent.submit("/kb/new", {"title": "DB restarts", "visibility": "internal", "language": "en",
                                    "cis": "acme-db-01", "ci_classes": "physical_server"})
    assert done.status_code == 302
    article = db.session.scalar(sa.select(Article))
    assert [ci.name for ci in article.cis] == ["acme-db-01"] and article.ci_classes[0].code == "physical_server"


def test_beside_a_ticket_no_article_of_another_client_and_no_link_to_an_internal_one(login, users, org_a, org_b, db,
                                                                                      publish):
    from tests.factories import make_ticket

    publish("Mail relay for Globex", "Relay settings.", visibility="organizations", organizations=[org_b])
    publish("Mail relay runbook", "Relay internals.", visibility="internal")
    publish("Mail relay for everyone", "Relay for all.")
    ticket = make_ticket(users["client_user"], title="Mail relay refuses our mail")
    panel = login("agent").get(f"/kb/related/{ticket.number}").get_data(as_text=True)
    assert "Mail relay for Globex" not in panel
    assert "Mail relay runbook" in panel and "Staff only" in panel
    assert panel.count("Insert link into reply") == 1
    assert login("client_user").get(f"/kb/related/{ticket.number}").status_code == 403
    assert login("agent").get("/kb/related/INC-99999").status_code == 404


def test_the_portal_shows_an_article_in_the_readers_language_when_it_has_one(login, users, db, publish):
    english = publish("Mail bounces with SPF fail", "Fix the SPF record.")
    publish("Пошта повертається: SPF fail", "Виправте SPF-запис.", language="uk", translation_of=english)
    publish("SPF for beginners", "What SPF is.")
    client = login("client_user")
    assert [s["title"] for s in client.get("/portal/kb/suggest?title=spf fail").get_json()][:1] == \
        ["Mail bounces with SPF fail"]
    client.submit("/language", {"locale": "uk"}, page="/profile")
    titles = [s["title"] for s in client.get("/portal/kb/suggest?title=spf fail").get_json()]
    assert "Пошта повертається: SPF fail" in titles and "Mail bounces with SPF fail" not in titles
    assert "SPF for beginners" in titles
