from tests.helpers import text


def test_every_role_lands_on_its_home_page(login):
    titles = {"admin": "Administration", "manager": "Manager overview", "agent": "Agent workspace",
              "client_admin": "Client cabinet", "client_user": "Client cabinet"}
    for role, title in titles.items():
        page = text(login(role).get("/"))
        assert f"<title>{title} · Zayavka</title>" in page
