"""Every edit form, saved unchanged, changes nothing. The page is read as a browser shows it
(tests/helpers.form_values: each select's selected option, each checked box) and posted back
as it is. A select that shows the wrong option for a saved value (the change approval policy
once showed "—" for its CAB team and a plain save cleared it) fails here."""
import pytest
import sqlalchemy as sa

from app.auth.permissions import SHELL
from app.changes import services as changes
from app.changes.models import ChangePolicy
from app.extensions import db
from app.portal import hints
from app.requests import catalog
from app.requests import services as requests
from app.tickets import canned
from cmdb import services as cmdb
from cmdb.models import CIClass
from sla import services as sla
from tests import factories
from tests.changes.conftest import make_change
from tests.helpers import form_values
from tests.sla.conftest import NINE_TO_SIX, TARGETS

SKIP = {"created_at", "updated_at", "version", "last_login_at", "password_hash", "session_token"}


def row(obj, *many) -> dict:
    """The row's stored values, and the ids of the named collections."""
    db.session.refresh(obj)
    values = {c.key: getattr(obj, c.key) for c in obj.__table__.columns if c.key not in SKIP}
    values.update({name: sorted(x.id for x in getattr(obj, name)) for name in many})
    return values


def _policy(users, team):
    board = factories.make_team("Change Advisory Board")
    changes.save_policy(users["manager"], approvals_low=1, approvals_medium=2, approvals_high=3, self_approval=True,
                        cab_team=board)
    policy = db.session.scalar(sa.select(ChangePolicy))
    return "manager", "/changes/policy", None, "approvals_low", lambda: row(policy)


def _canned(users, team):
    response = canned.save(users["manager"], None, title="Restarted", body="We restarted {ticket}.", team=team)
    return "manager", f"/canned/{response.id}/edit", None, "body", lambda: row(response)


def _user(users, team):
    user = users["agent"]
    return "admin", f"/users/{user.id}/edit", None, "teams", lambda: row(user, "teams")


def _client_user(users, team):
    user = users["client_user"]
    return "admin", f"/users/{user.id}/edit", None, "organization", lambda: row(user, "teams")


def _contact(users, team):
    user = users["client_user"]
    return "admin", f"/organizations/{user.organization_id}/contacts/{user.id}/edit", None, "role", lambda: row(user)


def _organization(users, team):
    org = users["client_user"].organization
    org.contract_minutes = 7  # 0.12 h on the form: still 7 minutes when saved back
    db.session.commit()
    return "admin", f"/organizations/{org.id}/edit", None, "code", lambda: row(org)


def _team(users, team):
    return "admin", f"/teams/{team.id}/edit", None, "members", lambda: row(team, "members")


def _item(users, team):
    item = requests.save_item(SHELL, None, name="Firewall rule", fields=catalog.parse_fields("why | Why | text"),
                              team=team, organizations=[users["client_user"].organization], needs_approval=True)
    return "admin", f"/requests/catalog/{item.id}/edit", None, "fields", lambda: row(item, "organizations")


def _template(users, team):
    template = changes.save_template(users["manager"], None, name="Reboot", title="Reboot a VM", risk="medium",
                                     implementation_plan="Reboot.", backout_plan="Power on.")
    return ("manager", f"/changes/templates?edit={template.id}", f"/changes/templates?edit={template.id}",
            "template-name", lambda: row(template))


def _change(users, team):
    change = make_change(users["agent"], users["client_user"].organization, risk="high", team=team)
    return "agent", f"/changes/{change.number}/edit", None, "implementation_plan", lambda: row(change)


def _ticket(users, team):
    ticket = factories.make_ticket(users["agent"], organization=users["client_user"].organization, team=team,
                                   assignee=users["agent"], category="disk", affected_system="db-03", impact=1)
    return ("agent", f"/tickets/{ticket.number}", f"/tickets/{ticket.number}/update", "affected_system",
            lambda: row(ticket, "watchers"))


def _calendar(users, team):
    calendar = sla.save_calendar(SHELL, None, name="Kyiv office", timezone="Europe/Kyiv", weekly=NINE_TO_SIX)
    return "admin", f"/sla/calendars/{calendar.id}/edit", None, "mon", lambda: row(calendar)


def _sla_policy(users, team):
    calendar = sla.save_calendar(SHELL, None, name="Kyiv office", timezone="Europe/Kyiv", weekly=NINE_TO_SIX)
    sla.save_calendar(SHELL, None, name="Another", timezone="UTC", weekly=NINE_TO_SIX)
    policy = sla.save_policy(SHELL, None, name="Standard", calendar=calendar, kind="incident", targets=TARGETS,
                             is_default=True)
    return "admin", f"/sla/policies/{policy.id}", None, "calendar", lambda: row(policy)


def _ci(users, team):
    cmdb.seed_catalog(SHELL)
    vm = db.session.scalar(sa.select(CIClass).where(CIClass.code == "virtual_machine"))
    ci = cmdb.create_ci(users["agent"], ci_class=vm, name="web-01", organization=users["client_user"].organization,
                        hostname="web-01.acme.test", attributes={"vcpus": 4, "ram_gb": 8})
    return "agent", f"/cmdb/{ci.id}/edit", None, "hostname", lambda: row(ci)


def _ci_class(users, team):
    cmdb.seed_catalog(SHELL)
    vm = db.session.scalar(sa.select(CIClass).where(CIClass.code == "virtual_machine"))
    return "admin", f"/cmdb/classes/{vm.id}/edit", None, "attributes", lambda: row(vm)


def _profile(users, team):
    user = users["agent"]
    user.locale, user.timezone = "uk", "Europe/Kyiv"
    db.session.commit()
    return "agent", "/profile", None, "timezone", lambda: row(user)


def _portal_category(users, team):
    hints.categories("en")  # the defaults
    return ("admin", "/settings/portal/categories/network", None, "label_en",
            lambda: [(c.key, c.label, c.hint) for c in hints.categories("en", include_hidden=True)])


FORMS = {"change approval policy": _policy, "canned response": _canned, "staff user": _user,
         "client user": _client_user, "contact": _contact, "organization": _organization, "team": _team,
         "catalog item": _item, "change template": _template, "change": _change, "ticket fields": _ticket,
         "working calendar": _calendar, "SLA policy": _sla_policy, "CI": _ci, "CI class": _ci_class,
         "profile": _profile, "portal category": _portal_category}


@pytest.mark.parametrize("name", FORMS)
def test_saving_an_edit_form_unchanged_changes_nothing(name, login, users, team):
    who, page, action, having, snapshot = FORMS[name](users, team)
    before = snapshot()
    client = login(who)
    shown = client.get(page)
    assert shown.status_code == 200
    values = form_values(shown.get_data(as_text=True), having=having)
    response = client.post(action or page, data=values)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    assert snapshot() == before


def test_the_policy_page_shows_the_saved_cab_team(login, users, team):
    board = factories.make_team("Change Advisory Board")
    changes.save_policy(users["manager"], approvals_low=1, approvals_medium=2, approvals_high=2, cab_team=board)
    page = login("manager").get("/changes/policy").get_data(as_text=True)
    assert form_values(page, having="cab_team")["cab_team"] == str(board.id)
