"""One unit of work per user action: a fault in the last step of a composed action
leaves the database exactly as it was — tickets, messages, events, links, details
and the job outbox alike."""
import contextlib

import pytest
import sqlalchemy as sa

from app import BUSY_TIMEOUT_MS, _begin_immediate, _sqlite_connect
from app.changes import services as changes
from app.changes.models import ChangeApproval, ChangeDetail
from app.incidents import services as incidents
from app.incidents.models import IncidentDetail, StatusUpdate
from app.jobs.models import OutboxJob
from app.portal import services as portal
from app.problems import services as problems
from app.problems.models import ProblemDetail
from app.tickets import doors, relations, services, workspace
from app.tickets.models import Event, Link, Message, Ticket
from app.transactions import UnitOfWorkFailed, unit_of_work
from cmdb import links as cmdb_links
from cmdb import services as cmdb
from cmdb.models import TicketCI
from cmdb.queries import class_by_code
from tests.changes.conftest import plan, to_cab
from tests.factories import make_ticket

COUNTED = (Ticket, Message, Event, Link, OutboxJob, ChangeDetail, ChangeApproval, ProblemDetail, TicketCI)


class Fault(Exception):
    """The failure injected into an action's last step."""


def snapshot(db) -> dict:
    db.session.rollback()
    counts = {model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in COUNTED}
    counts["statuses"] = sorted(db.session.execute(sa.select(Ticket.number, Ticket.status)).all())
    db.session.rollback()
    return counts


@contextlib.contextmanager
def fault_at(signal, when=lambda **kw: True):
    """Raise Fault from inside the ticket core the first time ``signal`` fires and ``when`` agrees."""

    def explode(sender, **kwargs):
        if when(sender=sender, **kwargs):
            raise Fault()

    signal.connect(explode)
    try:
        yield
    finally:
        signal.disconnect(explode)


def test_a_change_raised_from_a_problem_is_all_or_nothing(users, org_a, db):
    problem = make_ticket(users["agent"], kind="problem", organization=org_a, title="Exporter hangs")
    before = snapshot(db)
    with fault_at(doors.tickets_linked), pytest.raises(Fault):  # the link to the problem comes last
        changes.raise_from_problem(users["agent"], problem)
    assert snapshot(db) == before


def test_a_cab_approval_that_approves_is_all_or_nothing(users, org_a, db):
    change = to_cab(users["agent"], changes.create_change(users["agent"], organization=org_a, title="Upgrade mon-01",
                                                          risk="low", **plan()))
    before = snapshot(db)
    with fault_at(doors.status_changed), pytest.raises(Fault):
        changes.decide(users["manager"], change, "approve", "Fine by me")
    assert snapshot(db) == before


def test_a_review_with_the_incidents_it_caused_is_all_or_nothing(users, org_a, db):
    change = to_cab(users["agent"], changes.create_change(users["agent"], organization=org_a, title="Upgrade mon-01",
                                                          risk="low", **plan()))
    changes.decide(users["manager"], change, "approve", "Go")
    for status in ("scheduled", "implementing", "review"):
        services.transition(users["agent"], change, status)
    caused = [make_ticket(users["client_user"], title=f"No graphs {i}") for i in range(2)]
    before = snapshot(db)
    second = caused[1].id
    with fault_at(doors.tickets_linked, lambda sender, **kw: sender.source_id == second), pytest.raises(Fault):
        changes.record_review(users["agent"], change, outcome="failed", lessons="Test first", caused=caused)
    assert snapshot(db) == before


def test_resolving_a_problem_and_its_incidents_is_all_or_nothing(users, org_a, db):
    problem = make_ticket(users["agent"], kind="problem", organization=org_a, title="Exporter hangs")
    incidents = [make_ticket(users["client_user"], title=f"No graphs {i}") for i in range(2)]
    problems.gather_incidents(users["agent"], problem, incidents)
    change = changes.raise_from_problem(users["agent"], problem)
    changes.update_change(users["agent"], change, risk="low", **plan())
    to_cab(users["agent"], change)
    changes.decide(users["manager"], change, "approve", "Go")
    for status in ("scheduled", "implementing", "review"):
        services.transition(users["agent"], change, status)
    changes.record_review(users["agent"], change, outcome="successful")
    before = snapshot(db)
    last = problem.id  # the incidents are resolved first, the problem last
    with fault_at(doors.status_changed, lambda sender, **kw: sender.id == last), pytest.raises(Fault):
        problems.resolve_with_change(users["agent"], change, "Fixed for good.")
    assert snapshot(db) == before


def test_a_portal_ticket_that_continues_an_old_one_is_all_or_nothing(users, db):
    earlier = make_ticket(users["client_user"], title="Mail bounces again")
    before = snapshot(db)
    with fault_at(doors.tickets_linked), pytest.raises(Fault):
        portal.open_ticket(users["client_user"], title="Mail bounces on web-01 again",
                           description="Since this morning every mail to the office bounces.", category="other",
                           follow_up_of=earlier)
    assert snapshot(db) == before


def test_a_problem_created_through_the_api_with_its_root_cause_is_all_or_nothing(api, users, org_a, db, monkeypatch):
    def broken_update(*args, **kwargs):
        raise Fault()

    monkeypatch.setattr(problems, "update_problem", broken_update)
    client, before = api("agent"), snapshot(db)
    response = client.post("/api/v1/tickets", json={"kind": "problem", "title": "Exporter hangs", "organization": "ACME",
                                                    "problem": {"root_cause": "A leak"}})
    assert response.status_code == 500
    assert snapshot(db) == before


def test_a_ticket_created_through_the_api_with_its_cis_is_all_or_nothing(api, users, org_a, db, monkeypatch):
    cmdb.seed_catalog(users["admin"])
    cmdb.create_ci(users["agent"], ci_class=class_by_code("virtual_machine"), name="web-01", organization=org_a)
    linked = cmdb_links.link_cis

    def link_then_fail(*args, **kwargs):
        linked(*args, **kwargs)
        raise Fault()

    monkeypatch.setattr(cmdb_links, "link_cis", link_then_fail)
    client, before = api("client_user"), snapshot(db)
    response = client.post("/api/v1/tickets", json={"kind": "incident", "title": "Web server web-01 is down",
                                                    "cis": ["web-01"]})
    assert response.status_code == 500
    assert snapshot(db) == before


def test_a_bulk_action_is_all_or_nothing_and_names_the_ticket_that_refused(users, db):
    tickets = [make_ticket(users["client_user"], title=f"Printer {i} jams") for i in range(3)]
    services.transition(users["agent"], tickets[2], "resolved", resolution_code="fixed", resolution="Done")
    before = snapshot(db)
    with pytest.raises(Exception) as refused:
        workspace.bulk_apply(users["agent"], tickets, "status", status="pending")
    assert tickets[2].number in str(refused.value.errors["tickets"][0])
    assert snapshot(db) == before


def test_a_bulk_action_through_the_web_says_which_ticket_refused(login, users, db):
    tickets = [make_ticket(users["client_user"], title=f"Printer {i} jams") for i in range(2)]
    services.transition(users["agent"], tickets[1], "resolved", resolution_code="fixed", resolution="Done")
    agent = login("agent")
    before = snapshot(db)
    response = agent.submit("/tickets/bulk", {"ticket": [t.number for t in tickets], "action": "status",
                                              "status": "pending"}, page="/tickets/?view=open", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert tickets[1].number in page and "Nothing was changed." in page
    assert snapshot(db) == before


def test_a_swallowed_inner_failure_still_refuses_the_commit(users, db):
    ticket = make_ticket(users["client_user"], title="Printer jams")
    before = snapshot(db)
    with pytest.raises(UnitOfWorkFailed), unit_of_work():
        services.add_note(users["agent"], ticket, "A note that must not stay")
        with contextlib.suppress(Exception):
            relations.link(users["agent"], ticket, ticket, "related")  # refused: a ticket and itself
    assert snapshot(db) == before


def test_a_commit_inside_a_unit_of_work_is_refused(users, db):
    ticket = make_ticket(users["client_user"], title="Printer jams")
    before = snapshot(db)
    with pytest.raises(RuntimeError, match="outermost"), unit_of_work():
        services.add_note(users["agent"], ticket, "A note")
        db.session.commit()
    assert snapshot(db) == before


def test_resolving_a_major_incident_with_its_children_is_all_or_nothing(users, org_a, db):
    major = make_ticket(users["agent"], organization=org_a, title="Core switch down", impact=1, urgency=1)
    incidents.declare(users["manager"], major, "Every rack lost its network")
    children = [make_ticket(users["client_user"], title=f"Site down {i}") for i in range(2)]
    incidents.link_children(users["agent"], major, children)
    incidents.post_update(users["agent"], major, body="Replacing it.")
    before = snapshot(db)
    with fault_at(doors.status_changed, lambda sender, **kw: sender.id == major.id), pytest.raises(Fault):
        incidents.resolve_major(users["agent"], major, resolution_code="fixed", resolution="Replaced.",
                                message="The network is back.")
    assert snapshot(db) == before  # no child resolved, no reply to their requesters, no mail asked for
    db.session.expire_all()
    assert not db.session.get(IncidentDetail, major.id).review_open
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StatusUpdate)) == 1


def _locked_file(tmp_path):
    """A SQLite file with a table, its write lock held by another connection (raw sqlite3)."""
    import sqlite3

    path = tmp_path / "locked.sqlite"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    engine = sa.create_engine(f"sqlite:///{path}")
    sa.event.listen(engine, "connect", _sqlite_connect)
    return holder, engine


def test_a_writer_gets_sqlites_write_lock_once_it_is_freed(tmp_path):
    import threading

    holder, engine = _locked_file(tmp_path)
    threading.Timer(0.05, lambda: holder.execute("COMMIT")).start()
    with engine.connect() as waiter:
        _begin_immediate(waiter)  # waits for the other writer, then holds the lock itself
        waiter.exec_driver_sql("INSERT INTO t VALUES (2)")
        waiter.exec_driver_sql("COMMIT")
        assert [row[0] for row in waiter.exec_driver_sql("SELECT x FROM t ORDER BY x")] == [1, 2]
        assert waiter.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS  # as before the wait


def test_a_writer_is_refused_when_the_lock_outlasts_its_wait(tmp_path):
    holder, engine = _locked_file(tmp_path)
    with engine.connect() as waiter:
        with pytest.raises(sa.exc.OperationalError, match="database is locked"):
            _begin_immediate(waiter, wait_ms=50)
        assert waiter.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS
        holder.execute("ROLLBACK")
        assert waiter.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0  # the other's write never landed
