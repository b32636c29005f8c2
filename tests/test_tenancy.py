"""A client never sees or changes another organization's data, by any URL.

The first test walks every rule in the app's URL map, fills its arguments with
the other organization's objects, and tries every method as a client admin of
organization A (the strongest client role). The parametrized ones take each
HTML rule that names a ticket, organization, user or attachment, and each
staff-only page, one at a time.
"""
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app import create_app
from app.auth.models import User
from app.config import TestConfig
from app.jobs.models import OutboxJob
from app.orgs.models import Organization, Team
from app.routing import services as routing
from app.tickets.models import Link, Ticket
from tests.factories import make_ticket
from tests.helpers import csrf_from, text

# Pages any logged-in user may open; they still must not show org B's data.
OPEN_TO_CLIENTS = {
    "static", "bootstrap.static", "home.index", "auth.login", "auth.logout", "auth.forgot_password",
    "auth.reset_password", "auth.profile", "auth.change_password", "auth.set_language",
    "requests.approvals",  # a client admin's own organization's requests
    "auth.create_token", "auth.revoke_token",  # one's own API tokens (tests/api/test_tokens.py)
    "api.openapi",  # the API's public description; the API itself is walked with tokens in tests/api
    # The portal is the client's own: lists and forms of org A; org B's numbers and ids must give 404.
    "portal.home", "portal.ticket_list", "portal.new_ticket", "portal.similar", "portal.service_catalog",
    "portal.colleagues", "portal.visibility",
    "client_reports.monthly",  # a client admin's own organization's month (tests/reports/test_monthly.py)
    "cmdb.my_servers",  # the client's own organization's CIs
    "kb_portal.portal_index", "kb_portal.suggest",  # the articles meant for the client's own organization
    "status.portal",  # what affects the client's own organization
    "status.public",  # off by default (404); on, it names no client
}


def snapshot(db):
    """Everything organization B owns, as plain values."""
    db.session.expire_all()
    org = db.session.scalar(sa.select(Organization).where(Organization.code == "GLOBEX"))
    contacts = db.session.scalars(sa.select(User).where(User.organization_id == org.id).order_by(User.id))
    teams = db.session.scalars(sa.select(Team).order_by(Team.id))
    tickets = db.session.scalars(sa.select(Ticket).where(Ticket.organization_id == org.id).order_by(Ticket.id))
    return (
        [(t.number, t.title, t.status, t.version, len(t.messages), len(t.attachments)) for t in tickets],
        db.session.scalar(sa.select(sa.func.count()).select_from(Link)),
        [(c.email, c.name, c.role, c.active, c.password_hash, c.session_version) for c in contacts],
        (org.code, org.name, org.active, org.notes),
        [(t.name, t.active, [m.id for m in t.members]) for t in teams],
    )


def org_b_ticket(users, org_b):
    """A ticket of organization B with everything that hangs on a ticket."""
    from app.requests import services as catalog
    from app.tickets import relations
    from app.tickets import services as tickets
    from app.tickets.canned import save as save_canned
    from app.tickets.workspace import save_filter
    from app.uploads import Upload

    ticket = make_ticket(users["other_user"], title="Globex secret outage",
                         uploads=[Upload("globex-secret.log", b"Secret: Globex log")])
    other = make_ticket(users["other_user"], title="Globex second secret")
    relations.link(users["agent"], ticket, other, "related")
    relations.log_time(users["agent"], ticket, minutes=5)
    item = catalog.save_item(users["admin"], None, name="Globex-only item", fields=[], organizations=[org_b],
                             needs_approval=True)
    catalog.order(users["other_user"], item, values={"Secret": "Globex approval"})
    saved = save_filter(users["agent"], "Globex view", f"organization={org_b.id}")
    answer = save_canned(users["manager"], None, title="Globex answer", body="Secret: Globex canned")
    window, change, template = org_b_change(users, org_b)
    ci = org_b_ci(users, org_b, ticket)
    article = org_b_article(users, org_b)
    org_b_major(users, ticket)
    rule = routing.save_rule(users["admin"], None, name="Globex secret rule", active=True, organization=org_b,
                             kind="", category="", priority=None, request_item=None, channel="", team=None,
                             assign_mode="", assignee=None, priority_floor=None, followers=[])
    return {"ci_id": ci.id, "article_id": article.id, "kb_attachment_id": article.attachments[0].id,
            "name": "any-name.log", "rule_id": rule.id, "direction": "up",
            "number": ticket.number, "attachment_id": ticket.attachments[0].id, "key": "network", "step": "reopen",
            "link_id": tickets.db.session.scalar(sa.select(Link.id)), "item_id": item.id, "filter_id": saved.id,
            "response_id": answer.id, "window_id": window.id, "change": change.number, "template_id": template.id,
            "outbox_id": tickets.db.session.scalar(sa.select(OutboxJob.id)),  # B's acknowledgement mail
            "sha256": ticket.attachments[0].sha256}  # a mail's inline image is found by its content


def org_b_ci(users, org_b, ticket):
    """Organization B's server on the provider's shared switch, linked to B's ticket."""
    from cmdb import links, services
    from cmdb.queries import class_by_code

    services.seed_catalog(users["admin"])
    switch = services.create_ci(users["agent"], ci_class=class_by_code("switch"), name="shared-core-switch")
    server = services.create_ci(users["agent"], ci_class=class_by_code("physical_server"), organization=org_b,
                                name="Secret: Globex db server", hostname="db.globex.test")
    services.add_relation(users["agent"], server, switch, "connected_to")
    links.link_cis(users["agent"], ticket, [server])
    return server


def org_b_article(users, org_b):
    """A published knowledge-base article meant for organization B only."""
    from app.uploads import Upload
    from kb import services

    article = services.create_article(users["agent"], title="Secret: Globex failover runbook",
                                      body="Secret: Globex steps", visibility="organizations", organizations=[org_b],
                                      uploads=[Upload("globex-secret.log", b"Secret: Globex kb log")])
    return services.publish(users["manager"], article)


def org_b_major(users, ticket):
    """Organization B's outage declared major, with a public and an internal update."""
    from app.incidents import services as incidents

    incidents.declare(users["manager"], ticket, "Secret: Globex core switch down")
    incidents.post_update(users["agent"], ticket, body="Secret: Globex public update")
    incidents.post_update(users["agent"], ticket, body="Secret: Globex internal update", public=False)


def org_b_change(users, org_b):
    """Organization B's maintenance window, and a change of B waiting for the CAB (problems and
    changes are the provider's: a client of any organization sees none of them)."""
    from datetime import UTC, datetime, time

    from app.changes import services as changes
    from app.tickets import services as tickets

    window = changes.add_window(users["manager"], org_b, weekday=6, start_time=time(2), duration_minutes=180)
    change = changes.create_change(users["agent"], organization=org_b, title="Globex secret change",
                                   planned_start=datetime(2030, 6, 1, 23, tzinfo=UTC),
                                   planned_end=datetime(2030, 6, 2, 1, tzinfo=UTC), implementation_plan="Secret: Globex plan",
                                   backout_plan="Secret: Globex backout")
    for status in ("submitted", "assessment", "awaiting_approval"):
        tickets.transition(users["agent"], change, status)
    template = changes.save_template(users["manager"], None, name="Secret: Globex reboot", title="Reboot the Globex core")
    return window, change, template


def fill(rule, org_b, users, team, extra):
    values = {"org_id": org_b.id, "user_id": users["other_user"].id, "team_id": team.id,
              "token": "forged-token", "action": "deactivate", "filename": "css/app.css", "code": org_b.code,
              "outbox_id": 1, "run_id": 1, "kind": "csv", "move": "publish", "class_id": 1, "calendar_id": 1,
              "policy_id": 1, "day": "2026-03-09", "mail_id": 1,
              **extra}  # the outbox, calendars, policies and mail quarantine are the provider's
    missing = set(rule.arguments) - set(values)
    assert not missing, f"{rule.rule}: teach the isolation test how to fill {missing}"
    _, path = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)
    return path


def test_every_url_keeps_organization_b_private(app, login, users, org_a, org_b, team, db):
    org_b.notes = "Secret: Globex core switch password"
    db.session.commit()
    extra = org_b_ticket(users, org_b)
    before = snapshot(db)
    client = login("client_admin")
    token = csrf_from(text(client.get("/profile")))
    secrets = ["db.globex.test", org_b.name, users["other_user"].email, users["other_admin"].email, "Secret: Globex",
               "Globex secret outage", "globex-secret.log", "Globex approval", extra["number"] + "<",
               "Globex secret change", extra["change"] + "<"]

    tried = 0
    for rule in app.url_map.iter_rules():
        numbered = {**extra, "number": extra["change"]} if rule.endpoint.startswith(("changes.", "problems.")) else extra
        if rule.endpoint in ("kb_files.file", "kb.remove_file"):
            numbered = {**extra, "attachment_id": extra["kb_attachment_id"]}  # the article's file, not the ticket's
        path = fill(rule, org_b, users, team, numbered)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if rule.endpoint == "auth.logout":
                continue  # would end the session; it touches no organization's data
            data = {"csrf_token": token, "name": "Hijacked", "email": "hijack@acme.test", "role": "client_admin",
                    "code": "HIJACK", "locale": "uk", "members": [users["client_admin"].id]}
            response = client.open(path, method=method, data=data if method == "POST" else None)
            tried += 1
            body = text(response)
            for secret in secrets:
                assert secret not in body, f"{method} {path} shows {secret!r}"
            if rule.endpoint not in OPEN_TO_CLIENTS:
                refused = (401, 403, 404) if path.startswith("/api/") else (403, 404)
                assert response.status_code in refused, f"{method} {path} answered {response.status_code}"
    assert tried > 25
    assert snapshot(db) == before
    assert client.get("/portal/").status_code == 200  # the walk did not end the client's own session


def test_client_admin_cannot_edit_another_organizations_contact(login, users, org_b, db):
    client = login("client_admin")
    url = f"/organizations/{org_b.id}/contacts/{users['other_user'].id}/edit"
    assert client.get(url).status_code == 404
    token = client.csrf_token("/profile")
    response = client.post(url, data={"csrf_token": token, "name": "Changed", "email": "changed@globex.test",
                                      "role": "client_admin"})
    assert response.status_code == 404
    assert db.session.get(User, users["other_user"].id).name == "User"


def test_contact_ids_cannot_be_smuggled_through_ones_own_organization(login, users, org_a, db):
    """Org A's URL with org B's contact id: still 404."""
    client = login("client_admin")
    url = f"/organizations/{org_a.id}/contacts/{users['other_user'].id}/edit"
    assert client.get(url).status_code == 404
    response = client.submit(f"/organizations/{org_a.id}/contacts/{users['other_user'].id}/deactivate",
                             page="/profile")
    assert response.status_code == 404
    assert db.session.get(User, users["other_user"].id).active


@pytest.mark.parametrize("who", ["client_user", "client_admin"])
def test_client_sees_only_its_own_organization(login, who, org_a, org_b):
    client = login(who)
    assert org_a.name in text(client.get(f"/organizations/{org_a.id}"))
    assert client.get(f"/organizations/{org_b.id}").status_code == 404
    assert client.get("/organizations/").status_code == 403


def test_client_user_may_not_manage_contacts(login, org_a, users):
    client = login("client_user")
    assert client.get(f"/organizations/{org_a.id}/contacts/new").status_code == 403
    assert client.get(f"/organizations/{org_a.id}/contacts/{users['client_admin'].id}/edit").status_code == 403


# -- one rule at a time --------------------------------------------------------------------

def html_rules():
    """The HTML rules of the URL map, read at collection time off an app that connects to nothing."""
    config = {k: v for k, v in vars(TestConfig).items() if k.isupper()}
    rules = create_app({**config, "SQLALCHEMY_DATABASE_URI": "sqlite://"}).url_map.iter_rules()
    return sorted((r for r in rules if not r.endpoint.startswith(("api.", "static", "bootstrap."))), key=str)


OBJECT_ARGUMENTS = {"number", "org_id", "user_id", "attachment_id", "ci_id", "article_id"}
OBJECT_RULES = [pytest.param(rule.endpoint, rule.rule, method, id=f"{method} {rule.rule}")
                for rule in html_rules() if rule.arguments & OBJECT_ARGUMENTS
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


def acme_objects(rule, users, org_a):
    """Organization A's objects for the rule's arguments, and the same arguments naming nothing."""
    from app.changes import services as changes
    from app.tickets import relations
    from app.uploads import Upload

    real = {"org_id": org_a.id, "user_id": users["client_user"].id, "action": "deactivate", "step": "reopen",
            "move": "publish"}
    missing = {**real, "org_id": 99999, "user_id": 99999}
    if "number" in rule.arguments:
        if rule.endpoint.startswith("problems.") or rule.endpoint == "changes.raise_from_problem":
            ticket = make_ticket(users["agent"], kind="problem", organization=org_a, title="Acme secret problem")
        elif rule.endpoint.startswith("changes."):
            ticket = changes.create_change(users["agent"], organization=org_a, title="Acme secret change",
                                           planned_start=datetime(2030, 6, 1, 23, tzinfo=UTC),
                                           planned_end=datetime(2030, 6, 2, 1, tzinfo=UTC))
        else:
            ticket = make_ticket(users["client_user"], title="Acme secret outage",
                                 uploads=[Upload("acme-secret.log", b"Secret: Acme log")])
        real["number"], missing["number"] = ticket.number, ticket.number.split("-")[0] + "-99999"
        if "attachment_id" in rule.arguments:
            real["attachment_id"], missing["attachment_id"] = ticket.attachments[0].id, 99999
        if "link_id" in rule.arguments:
            link = relations.link(users["agent"], ticket, make_ticket(users["client_user"], title="Acme second"),
                                  "related")
            real["link_id"] = missing["link_id"] = link.id
    if "ci_id" in rule.arguments:
        from cmdb import services as cmdb
        from cmdb.queries import class_by_code

        cmdb.seed_catalog(users["admin"])
        ci = cmdb.create_ci(users["agent"], ci_class=class_by_code("virtual_machine"), organization=org_a,
                            name="Acme secret VM")
        real["ci_id"], missing["ci_id"] = ci.id, 99999
    if "article_id" in rule.arguments:
        from kb import services as kb

        article = kb.create_article(users["agent"], title="Acme secret runbook", visibility="organizations",
                                    organizations=[org_a], uploads=[Upload("acme-secret.log", b"Secret: Acme log")])
        real["article_id"], missing["article_id"] = kb.publish(users["manager"], article).id, 99999
        if "attachment_id" in rule.arguments:
            real["attachment_id"], missing["attachment_id"] = article.attachments[0].id, 99999
        real["name"] = missing["name"] = "acme-secret.log"
    unknown = set(rule.arguments) - set(real)
    assert not unknown, f"{rule.rule}: teach acme_objects how to fill {unknown}"
    return ({a: real[a] for a in rule.arguments}, {a: missing[a] for a in rule.arguments})


# Whole blueprints a client may not open: they refuse before looking anything up, so with a 403
# that is the same for every object, existing or not. The rest must answer 404.
STAFF_ONLY = ("tickets.", "changes.", "problems.", "incidents.", "users.", "cmdb.", "kb.")
CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+')


def answer(client, rule, values, method, data):
    """Status and page, without what differs between any two pages: its own address (in the language
    menu) and the CSRF token (signed with the second it was made in)."""
    url = rule.build(values, append_unknown=False)[1]
    response = client.open(url, method=method, data=data)
    return response.status_code, CSRF_VALUE.sub(r"\1<csrf>", text(response).replace(url, "<url>"))


@pytest.mark.parametrize("endpoint,path,method", OBJECT_RULES)
def test_another_organizations_object_answers_as_a_missing_one(app, login, users, org_a, endpoint, path, method):
    """A client of organization B learns nothing from a URL of A's: not even that the object exists."""
    (rule,) = [r for r in app.url_map.iter_rules() if (r.endpoint, r.rule) == (endpoint, path)]
    real, missing = acme_objects(rule, users, org_a)
    client = login("other_admin")
    data = {"csrf_token": client.csrf_token("/profile"), "body": "Hijacked", "name": "Hijacked",
            "email": "hijack@globex.test", "role": "client_admin", "status": "closed"} if method == "POST" else None
    seen = answer(client, rule, real, method, data)
    assert seen == answer(client, rule, missing, method, data), f"{method} {rule.build(real)[1]}"
    assert seen[0] == (403 if endpoint.startswith(STAFF_ONLY) else 404), f"{method} {path} answered {seen[0]}"
    assert "Acme secret" not in seen[1]


# The provider's own pages: a client of either role gets 403, a visitor is sent to log in.
STAFF_PAGES = [
    "/tickets/", "/tickets/new", "/tickets/requesters", "/canned/", "/canned/new", "/reports/ratings", "/reports/time",
    "/changes/approvals", "/changes/calendar", "/changes/new", "/changes/policy", "/changes/templates",
    "/changes/windows", "/requests/catalog", "/requests/catalog/new", "/organizations/", "/organizations/new",
    "/users/", "/users/new", "/teams/", "/teams/new", "/settings/portal/", "/settings/portal/categories/new",
    "/reports/", "/reports/sla", "/reports/sla/tickets", "/reports/dashboard/tickets",
    "/admin/jobs", "/admin/routing", "/admin/routing/new", "/tickets/go",
    "/cmdb/", "/cmdb/new", "/cmdb/import", "/cmdb/classes", "/cmdb/search.json?q=web",
    "/sla/breaches", "/sla/calendars", "/sla/calendars/new", "/sla/policies", "/sla/policies/new",
]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_pages_are_refused_to_clients_and_ask_visitors_to_log_in(app, login, url):
    for who in ("client_user", "client_admin"):
        assert login(who).get(url).status_code == 403, f"{who} opened {url}"
    response = app.test_client().get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next="), url


def test_the_list_names_every_page_of_the_staff_only_blueprints():
    staff_only = {"tickets", "canned", "reports", "changes", "users", "teams", "jobs", "portal_settings", "sla",
                  "routing"}
    pages = {r.rule for r in html_rules() if not r.arguments and "GET" in r.methods
             and r.endpoint.split(".")[0] in staff_only}
    assert pages <= set(STAFF_PAGES), f"add to STAFF_PAGES: {sorted(pages - set(STAFF_PAGES))}"
