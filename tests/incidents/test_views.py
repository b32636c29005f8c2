"""The incidents pages, the portal's service status and banner, and the public /status page."""
from app.incidents import queries, services
from cmdb import links
from tests.factories import PASSWORD, make_ticket
from tests.helpers import text
from tests.portal.test_new_ticket import post_new


def test_the_list_puts_major_incidents_first_with_their_organizations(login, users, major, children):
    page = text(login("agent").get("/incidents/"))
    assert page.index(major.number) < page.index(children[0].number)
    assert "Globex Corporation" in page and "Acme Hosting Clients" in page


def test_an_agent_posts_a_public_update_from_the_major_incident_page(login, users, major, children, db):
    agent = login("agent")
    answer = agent.submit(f"/incidents/{major.number}/children", {"children-children": " ".join(
        c.number for c in children)}, page=f"/incidents/{major.number}")
    assert answer.status_code == 302
    answer = agent.submit(f"/incidents/{major.number}/updates", {
        "update-body": "Replacement switch on site.", "update-public": "1"}, page=f"/incidents/{major.number}")
    assert answer.status_code == 302
    page = text(agent.get(f"/incidents/{major.number}"))
    assert "Replacement switch on site." in page and children[1].number in page and "Next public update due" in page


def test_an_empty_update_is_shown_again_with_its_error(login, major):
    answer = login("agent").submit(f"/incidents/{major.number}/updates", {"update-body": ""},
                                   page=f"/incidents/{major.number}")
    assert answer.status_code == 400 and "This field is required." in text(answer)
    assert not services.db.session.scalars(services.sa.select(services.StatusUpdate)).all()


def test_a_post_without_csrf_changes_nothing(login, major):
    answer = login("agent").post(f"/incidents/{major.number}/updates", data={"update-body": "Forged"})
    assert answer.status_code == 400
    assert not services.db.session.scalars(services.sa.select(services.StatusUpdate)).all()


def test_affected_clients_see_the_banner_and_the_status_page_and_others_see_nothing(
        app, login, users, major, initech, db):
    services.post_update(users["agent"], major, body="Replacement switch on site.", body_uk="Новий комутатор на місці.")
    services.post_update(users["agent"], major, body="Secret: vendor RMA number", public=False)
    for who in ("client_user", "other_user"):
        client = login(who)
        for page in ("/portal/", "/portal/tickets", "/cmdb/mine"):
            body = text(client.get(page))
            assert "service-banner" in body and "Hosting in the Kyiv data centre" in body, (who, page)
            assert "Replacement switch on site." in body and "Secret" not in body
        status = text(client.get("/portal/status"))
        assert "Replacement switch on site." in status and major.title not in status
    peter = app.test_client()
    peter.login("peter@initech.test", "correct horse battery")
    assert "service-banner" not in text(peter.get("/portal/"))
    assert "All your services are running normally." in text(peter.get("/portal/status"))


def test_the_status_page_keeps_90_days_of_history(login, users, major):
    services.post_update(users["agent"], major, body="Back to normal.")
    services.resolve_major(users["agent"], major, resolution_code="fixed", resolution="Done.", message="Back.")
    body = text(login("other_user").get("/portal/status"))
    assert "All your services are running normally." in body and "Back to normal." in body
    assert "service-banner" not in text(login("other_user").get("/portal/"))


def test_the_public_status_page_is_off_by_default_and_names_no_client(app, client, users, major):
    assert client.get("/status").status_code == 404
    app.config["PUBLIC_STATUS_PAGE"] = True
    try:
        assert "All services are running normally." in text(client.get("/status"))
        services.set_affected(users["agent"], major, [], provider_wide=True)
        services.post_update(users["agent"], major, body="Kyiv hosting is degraded.")
        body = text(client.get("/status"))
        assert "Kyiv hosting is degraded." in body and "Hosting in the Kyiv data centre" in body
        assert "Acme" not in body and "Globex" not in body and major.number not in body
    finally:
        app.config["PUBLIC_STATUS_PAGE"] = False


def test_clients_and_agents_are_refused_what_is_not_theirs(login, major):
    assert login("client_user").get(f"/incidents/{major.number}").status_code == 403
    assert login("agent").get("/portal/status").status_code == 403


def test_a_clients_new_ticket_about_an_affected_server_joins_the_major_incident(
        app, login, users, major, estate, initech, db):
    links.link_cis(users["agent"], major, [estate["core"]])
    services.compute_affected(users["agent"], major)
    client = login("other_user")
    form = text(client.get("/portal/new?affected_system=globex-db"))
    assert "This is part of an incident we are working on" in form
    assert "checked" in form.split('id="part-of-1"')[1][:40]  # offered, ticked: it names an affected server
    answer = post_new(client, affected_system="globex-db", title="globex-db: no network", part_of=major.number)
    assert answer.status_code == 302
    assert [c.title for c in queries.children_of(major)] == ["globex-db: no network"]
    peter = app.test_client()
    peter.login("peter@initech.test", PASSWORD)
    assert "This is part of an incident" not in text(peter.get("/portal/new"))
    assert post_new(peter, title="Our own printer is down", part_of=major.number).status_code == 302
    assert len(queries.children_of(major)) == 1  # not their incident: no link, no hint that it exists


def test_the_workspace_links_checked_incidents_as_children_all_or_nothing(login, users, major, children, org_a):
    agent = login("agent")
    answer = agent.submit("/tickets/bulk", {"action": "child", "parent": major.number,
                                            "ticket": [c.number for c in children]}, page="/tickets/")
    assert answer.status_code == 302
    assert [c.number for c in queries.children_of(major)] == [c.number for c in children]
    problem = make_ticket(users["agent"], kind="problem", organization=org_a, title="Switch firmware")
    other = make_ticket(users["client_user"], title="Mail is slow")
    agent.submit("/tickets/bulk", {"action": "child", "parent": problem.number, "ticket": [other.number]},
                 page="/tickets/")
    assert "Give the number of an incident." in text(agent.get("/tickets/"))
    assert len(queries.children_of(major)) == 2 and not queries.children_of(problem)


def test_the_people_on_it_are_chosen_on_the_page_and_nonsense_changes_nothing(login, users, major):
    agent = login("agent")
    page = f"/incidents/{major.number}"
    agent.submit(f"{page}/people", {"people-manager": str(users["agent"].id),
                                    "people-engineers": [str(users["admin"].id)]}, page=page)
    assert "Incident manager: <strong>" + users["agent"].name in text(agent.get(page))
    agent.submit(f"{page}/people", {"people-manager": "abc", "people-engineers": ["x"]}, page=page)
    services.db.session.expire_all()
    assert major.incident_detail.manager == users["agent"] and major.incident_detail.engineers == [users["admin"]]
    agent.submit(f"{page}/people", {"people-manager": str(users["client_user"].id)}, page=page)
    assert "The incident manager must be active staff." in text(agent.get(page))
