"""Changes ready for each step: planned, at the CAB, approved."""
from datetime import UTC, datetime, timedelta

import pytest

from app.changes import services
from app.tickets import services as tickets

SUNDAY_2AM_KYIV = datetime(2030, 6, 1, 23, 0, tzinfo=UTC)  # Sunday 2 June 2030, 02:00 in Kyiv (UTC+3)


def plan(**overrides) -> dict:
    values = dict(planned_start=SUNDAY_2AM_KYIV, planned_end=SUNDAY_2AM_KYIV + timedelta(hours=2),
                  implementation_plan="Upgrade the exporter on mon-01.", backout_plan="Reinstall 1.7 from the cache.",
                  test_plan="Graphs fill in within 5 minutes.", client_summary="Monitoring agent upgrade, no downtime.")
    values.update(overrides)
    return values


def make_change(actor, org, title="Upgrade node_exporter on mon-01", **fields):
    return services.create_change(actor, organization=org, title=title, **{**plan(), **fields})


def to_cab(actor, change):
    for status in ("submitted", "assessment", "awaiting_approval"):
        tickets.transition(actor, change, status)
    return change


@pytest.fixture
def change(users, org_a):
    """A normal, medium-risk change of organization A, raised by the agent, waiting for the CAB."""
    return to_cab(users["agent"], make_change(users["agent"], org_a, risk="medium"))


@pytest.fixture
def cab(users, db):
    """Two managers besides the fixture's: the policy's approvers."""
    from tests.factories import make_user

    return [users["manager"], users["admin"], make_user("manager", email="cab2@provider.test")]
