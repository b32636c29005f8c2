from tests.helpers import text


def test_every_role_lands_on_its_home_page(login):
    titles = {"admin": "Administration", "manager": "Manager overview", "agent": "Agent workspace",
              "client_admin": "Your tickets", "client_user": "Your tickets"}  # clients land in the portal
    for role, title in titles.items():
        page = text(login(role).get("/", follow_redirects=True))
        assert f"<title>{title} · Zayavka</title>" in page
