import pytest

from app.auth.permissions import SHELL
from app.routing import services
from tests import factories
from tests.cmdb.conftest import catalog, estate  # noqa: F401 (the CMDB's fixtures: routing by CI class)
from tests.mail.conftest import ingest  # noqa: F401 (the mail gateway's fixture: routing by mailbox)


def blank(**fields) -> dict:
    return {**dict(name="A rule", active=True, organization=None, kind="", category="", priority=None,
                   request_item=None, channel="", ci_class=None, mailbox="", team=None, assign_mode="", assignee=None,
                   priority_floor=None, followers=[]), **fields}


@pytest.fixture
def rule():
    """rule(team=…, kind="incident") → a rule at the end of the list."""

    def make(**fields):
        return services.save_rule(SHELL, None, **blank(**fields))

    return make


@pytest.fixture
def network(db):
    return factories.make_team("Network")


@pytest.fixture
def l1(team):
    services.set_default_team(SHELL, team)
    return team
