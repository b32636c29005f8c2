"""A core switch fails: the provider's major incident, and two clients' incidents about it."""
import pytest

from app.incidents import services
from tests.factories import make_org, make_ticket, make_user


@pytest.fixture
def initech(db):
    """A third organization that the outage does not touch, with one contact."""
    org = make_org("INITECH", "Initech Ltd")
    return {"org": org, "contact": make_user("client_user", org=org, email="peter@initech.test")}


@pytest.fixture
def outage(users, org_a):
    """The agent's incident about the core switch, not yet major."""
    return make_ticket(users["agent"], title="Core switch core-sw-1 down", organization=org_a, impact=1, urgency=1,
                       affected_system="core-sw-1")


@pytest.fixture
def major(users, outage, org_b):
    """The outage declared major by the manager, organization B affected besides A."""
    services.declare(users["manager"], outage, "Two data-centre rows lost their network")
    services.set_affected(users["agent"], outage, [org_b], public_summary="Hosting in the Kyiv data centre")
    return outage


@pytest.fixture
def children(users):
    """One incident of each affected client, opened in the portal."""
    return [make_ticket(users["client_user"], title="Our shop is down"),
            make_ticket(users["other_user"], title="Database unreachable")]


from tests.cmdb.conftest import catalog, estate  # noqa: E402,F401  the CMDB's small estate
