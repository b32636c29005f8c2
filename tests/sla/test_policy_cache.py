"""Which policy fits a new ticket is kept per version (sla/policy.py, app/jobs/versions.py): the
next ticket sees a new contract, a new or switched-off policy at once."""
import sqlalchemy as sa

from app.auth.permissions import SHELL
from app.tickets import services as tickets
from sla import services
from sla.models import TicketClock
from tests.sla.conftest import TARGETS


def policy_of(db, ticket):
    clock = db.session.get(TicketClock, ticket.id)
    return clock.policy.name if clock is not None else None


def new(users, who="client_user"):
    return tickets.create_ticket(users[who], kind="incident", title="VPN drops")


def test_a_new_contract_applies_to_the_next_ticket(db, users, org_a, calendar, policy):
    gold = services.save_policy(SHELL, None, name="Gold", calendar=calendar, kind="incident", targets=TARGETS)
    assert policy_of(db, new(users)) == "Standard"  # the copy is made
    services.set_organization_policies(SHELL, org_a, [gold])
    assert policy_of(db, new(users)) == "Gold"
    assert policy_of(db, new(users, "other_user")) == "Standard"
    services.set_policy_organizations(SHELL, gold, [])
    assert policy_of(db, new(users)) == "Standard"


def test_a_switched_off_default_stops_clocking_the_next_ticket(db, users, policy):
    assert policy_of(db, new(users)) == "Standard"
    policy.active = False
    db.session.commit()
    assert policy_of(db, new(users)) is None


def test_an_unchanged_choice_costs_no_policy_statement_when_none_fits(db, users, org_a, calendar):
    services.save_policy(SHELL, None, name="Problems only", calendar=calendar, kind="incident", targets=TARGETS,
                         is_default=False)
    assert policy_of(db, new(users)) is None
    seen = []
    note = lambda conn, cursor, sql, *args: seen.append(sql)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert policy_of(db, new(users)) is None
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    assert not [sql for sql in seen if "FROM sla_policies" in sql]
