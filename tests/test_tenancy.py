"""A client never sees or changes another organization's data, by any URL.

The test walks every rule in the app's URL map, fills its arguments with the
other organization's objects, and tries every method as a client admin of
organization A (the strongest client role).
"""
import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.jobs.models import OutboxJob
from app.orgs.models import Organization, Team
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
    from app.tickets.attachments import Upload
    from app.tickets.canned import save as save_canned
    from app.tickets.workspace import save_filter

    ticket = make_ticket(users["other_user"], title="Globex secret outage",
                         uploads=[Upload("globex-secret.log", b"Secret: Globex log")])
    other = make_ticket(users["other_user"], title="Globex second secret")
    relations.link(users["agent"], ticket, other, "related")
    relations.log_time(users["agent"], ticket, minutes=5)
    item = catalog.save_item(users["admin"], None, name="Globex-only item", fields=[], organizations=[org_b],
                             needs_approval=True)
    catalog.order(users["other_user"], item, values={"Secret": "Globex approval"})
    saved = save_filter(users["agent"], "Globex view", f"organization={org_b.id}")
    answer = save_canned(None, title="Globex answer", body="Secret: Globex canned")
    window, change, template = org_b_change(users, org_b)
    return {"number": ticket.number, "attachment_id": ticket.attachments[0].id, "key": "network", "step": "reopen",
            "link_id": tickets.db.session.scalar(sa.select(Link.id)), "item_id": item.id, "filter_id": saved.id,
            "response_id": answer.id, "window_id": window.id, "change": change.number, "template_id": template.id,
            "outbox_id": tickets.db.session.scalar(sa.select(OutboxJob.id))}  # B's acknowledgement mail


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
              "token": "forged-token", "action": "deactivate", "filename": "css/app.css", "code": org_b.code, **extra}
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
    secrets = [org_b.name, users["other_user"].email, users["other_admin"].email, "Secret: Globex",
               "Globex secret outage", "globex-secret.log", "Globex approval", extra["number"] + "<",
               "Globex secret change", extra["change"] + "<"]

    tried = 0
    for rule in app.url_map.iter_rules():
        numbered = {**extra, "number": extra["change"]} if rule.endpoint.startswith(("changes.", "problems.")) else extra
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
