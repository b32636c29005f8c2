"""Admins edit the portal's categories and their hints; clients see the result."""
import sqlalchemy as sa

from app.portal.models import PortalCategory
from tests.helpers import text


def test_admin_rewrites_a_hint_and_hides_a_category(login, users, db):
    admin = login("admin")
    assert "Network: unreachable, slow, packet loss" in text(admin.get("/settings/portal/"))
    form = text(admin.get("/settings/portal/categories/network"))
    assert "traceroute" in form  # the shipped text, to start from
    response = admin.submit("/settings/portal/categories/network", {
        "key": "network", "label_en": "Network", "hint_en": "Paste mtr -rwc 50 output, both directions.",
        "label_uk": "", "hint_uk": "", "position": "0", "active": "y"}, page="/settings/portal/categories/network")
    assert response.status_code == 302
    admin.submit("/settings/portal/categories/browser", {"key": "browser", "position": "50"},
                 page="/settings/portal/categories/browser")  # "active" unticked: hidden from clients

    row = db.session.scalar(sa.select(PortalCategory).where(PortalCategory.key == "network"))
    assert row.texts["en"] == {"label": "Network", "hint": "Paste mtr -rwc 50 output, both directions."}
    assert row.texts["uk"] == {}  # empty: the shipped Ukrainian text stays in use

    page = text(login("client_user").get("/portal/new"))
    assert "Paste mtr -rwc 50 output, both directions." in page
    assert "A site works in one browser only" not in page
    users["client_user"].locale = "uk"
    db.session.commit()
    assert "Вставте вивід ping, traceroute або mtr" in text(login("client_user").get("/portal/new"))


def test_admin_adds_a_category_of_their_own(login):
    admin = login("admin")
    bad = admin.submit("/settings/portal/categories/new", {"key": "backup", "position": "5", "active": "y"})
    assert "A new category needs a label." in text(bad)
    admin.submit("/settings/portal/categories/new", {"key": "backup", "label_en": "Backups and restores",
                                                     "hint_en": "Name the job and the date of the copy you need.",
                                                     "position": "5", "active": "y"})
    page = text(login("client_user").get("/portal/new"))
    assert "Backups and restores" in page and "Name the job and the date" in page


def test_only_admins_edit_the_portal(login):
    for who in ("agent", "manager", "client_admin"):
        assert login(who).get("/settings/portal/").status_code == 403


def test_managers_read_the_clients_ratings(login, users, team, db):
    from app import timeutil
    from app.tickets import relations
    from app.tickets import services as tickets
    from tests.factories import make_ticket

    for score, comment in ((5, "Fast"), (2, "Took two days")):
        ticket = make_ticket(users["client_user"], title=f"Rated {score}")
        tickets.assign(users["agent"], ticket, team=team, assignee=users["agent"])
        tickets.transition(users["client_user"], ticket, "closed")
        relations.rate(users["client_user"], ticket, score, comment)
    page = text(login("manager").get(f"/reports/ratings?month={timeutil.utcnow():%Y-%m}"))
    assert "2 ratings, 3.5 of 5 on average." in page
    assert "Took two days" in page and "Service Desk L1" in page
    assert login("agent").get("/reports/ratings").status_code == 403
