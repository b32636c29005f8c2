"""Logging in to a deactivated account, and what reactivating an account brings back."""
import sqlalchemy as sa

from app.auth import tokens
from app.auth.models import ApiToken, LoginThrottle
from tests.factories import PASSWORD
from tests.helpers import text

INVALID = "Invalid e-mail or password."
ME = "/api/v1/me"


def test_a_deactivated_account_does_not_confirm_its_password(client, users, db):
    users["agent"].active = False
    db.session.commit()
    right = client.login(users["agent"].email, PASSWORD)
    wrong = client.login(users["agent"].email, "not the password")
    for response in (right, wrong):
        assert response.status_code == 200
        assert INVALID in text(response)
        assert "deactivated" not in text(response)
    assert client.get("/").status_code == 302
    # Both count as failed tries, like any wrong password.
    assert db.session.get(LoginThrottle, users["agent"].email).failures == 2


def test_reactivating_an_account_does_not_revive_its_api_tokens(client, login, users, db):
    _row, raw = tokens.create_token(users["agent"], "Nightly script")
    bearer = {"Authorization": f"Bearer {raw}"}
    assert client.get(ME, headers=bearer).status_code == 200
    admin = login("admin")
    agent_id = users["agent"].id
    admin.submit(f"/users/{agent_id}/deactivate", page=f"/users/{agent_id}/edit")
    assert client.get(ME, headers=bearer).status_code == 401
    admin.submit(f"/users/{agent_id}/activate", page=f"/users/{agent_id}/edit")
    assert login("agent").get("/profile").status_code == 200  # the account works again …
    response = client.get(ME, headers=bearer)  # … but not the old token
    assert response.status_code == 401
    assert response.json["error"]["message"] == "This API token is not valid, or it has been revoked."
    assert db.session.scalar(sa.select(ApiToken.revoked_at).where(ApiToken.user_id == agent_id)) is not None


def test_deactivating_an_organization_revokes_its_contacts_tokens(client, login, users, org_a, db):
    _row, raw = tokens.create_token(users["client_user"], "Monitoring")
    admin = login("admin")
    admin.submit(f"/organizations/{org_a.id}/deactivate", page=f"/organizations/{org_a.id}")
    admin.submit(f"/organizations/{org_a.id}/activate", page=f"/organizations/{org_a.id}")
    admin.submit(f"/organizations/{org_a.id}/contacts/{users['client_user'].id}/activate",
                 page=f"/organizations/{org_a.id}")
    assert client.get(ME, headers={"Authorization": f"Bearer {raw}"}).status_code == 401
