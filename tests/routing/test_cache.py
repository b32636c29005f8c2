"""Routing's rules and default team are kept per version in the worker (app/jobs/versions.py):
a ticket that matches nothing costs no routing statement, and every change — through the admin's
services, the ORM, or another worker's commit — reaches the very next ticket."""
import contextlib

import sqlalchemy as sa

from app.auth.permissions import SHELL
from app.jobs import get_redis
from app.routing import services
from app.routing.models import RoutingRule
from tests import factories
from tests.factories import make_ticket
from tests.routing.conftest import blank


@contextlib.contextmanager
def statements(db):
    seen: list[str] = []

    def note(conn, cursor, sql, *args):
        seen.append(sql)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)


def test_an_unchanged_routing_costs_no_statement_for_the_next_ticket(db, users, l1, rule, network):
    rule(kind="problem", team=network)
    assert make_ticket(users["client_user"]).team == l1
    with statements(db) as seen:
        assert make_ticket(users["client_user"]).team == l1
    assert not [sql for sql in seen if "routing_rules" in sql or "routing_settings" in sql]


def test_a_rule_saved_by_the_admin_applies_to_the_next_ticket(db, users, l1, rule, network):
    first = rule(kind="problem", team=network)
    assert make_ticket(users["client_user"]).team == l1  # the copy is made
    services.save_rule(SHELL, first, **blank(kind="incident", team=network))
    assert make_ticket(users["client_user"]).team == network
    services.save_rule(SHELL, first, **blank(kind="incident", team=network, active=False))
    assert make_ticket(users["client_user"]).team == l1


def test_a_new_rule_and_a_new_default_team_apply_to_the_next_ticket(db, users, l1, rule, network):
    assert make_ticket(users["client_user"]).team == l1
    services.set_default_team(SHELL, network)
    assert make_ticket(users["client_user"]).team == network
    infra = factories.make_team("Infrastructure L2")
    rule(category="disk", team=infra)
    assert make_ticket(users["client_user"], category="disk").team == infra


def test_a_rule_changed_through_the_orm_applies_to_the_next_ticket(db, users, l1, rule, network):
    first = rule(kind="problem", team=network)
    assert make_ticket(users["client_user"]).team == l1
    first.kind = "incident"
    db.session.commit()
    assert make_ticket(users["client_user"]).team == network


def test_another_workers_change_applies_once_its_version_moved(db, users, l1, rule, network):
    first = rule(kind="problem", team=network)
    assert make_ticket(users["client_user"]).team == l1
    # Another worker's commit: the row changes behind this process's back, then its version moves.
    with db.engine.begin() as connection:
        connection.execute(sa.update(RoutingRule.__table__).where(RoutingRule.__table__.c.id == first.id)
                           .values(kind="incident"))
    db.session.expire_all()
    get_redis().incr("zayavka:version:routing")
    assert make_ticket(users["client_user"]).team == network
