"""The sweep only enqueues (one keyed job per due threshold, never twice); the job re-checks the
threshold under the clock before it fires; escalation mails wait for the recipient's working
hours when the policy says so."""
import pytest
import sqlalchemy as sa

from app import jobs
from app.auth.models import User
from app.auth.permissions import SHELL
from app.errors import ValidationError
from app.extensions import db as _db
from app.jobs import outbox
from app.jobs.models import OutboxJob
from app.tickets import services as tickets
from app.tickets.models import Event, Ticket
from sla import escalation, services
from sla.models import SlaDeferredMail, SlaThreshold
from tests import factories
from tests.helpers import run_jobs
from tests.mail.headers import assert_ours
from tests.sla.conftest import TARGETS, kyiv


def escalations(db, ticket_id):
    db.session.rollback()
    return list(db.session.scalars(sa.select(Event.new_value).where(
        Event.ticket_id == ticket_id, Event.field == "escalation").order_by(Event.id)))


def keyed_jobs(db):
    db.session.rollback()
    return sorted(db.session.scalars(sa.select(OutboxJob.key).where(OutboxJob.key.is_not(None))))


def test_a_second_sweep_enqueues_nothing_and_the_job_fires_once(app, db, users, policy, clock, mailbox):
    ticket = tickets.create_ticket(users["client_user"], kind="incident", title="Disk full")  # Fri 17:30
    ticket_id = ticket.id
    run_jobs(app)
    clock.at(2026, 3, 9, 9, 20)  # 75 % of the first response (60 min) was at 09:15 Monday
    assert escalation.sweep(clock.now) == 1
    assert escalation.sweep(clock.now) == 0  # the key is taken
    assert keyed_jobs(db) == [f"sla:{ticket_id}:first_response:0:{int(kyiv(2026, 3, 9, 9, 15).timestamp())}"]
    assert escalations(db, ticket_id) == []  # the sweep itself fires nothing
    run_jobs(app)
    assert escalations(db, ticket_id) == ["first_response 75%"]
    assert escalation.sweep(clock.now) == 0 and run_jobs(app) == 0
    assert escalations(db, ticket_id) == ["first_response 75%"]


def test_the_job_rechecks_the_clock_and_does_not_fire_what_is_no_longer_due(app, db, users, policy, clock, mailbox):
    agent_id = users["agent"].id
    ticket = tickets.create_ticket(users["client_user"], kind="incident", title="Slow VPN")  # Fri 17:30
    ticket_id = ticket.id
    run_jobs(app)
    clock.at(2026, 3, 9, 9, 20)
    assert escalation.sweep(clock.now) == 1  # 75 % of the first response: due at 09:15
    # Before a worker takes the job, the agent answers: the first response is met.
    tickets.reply(_db.session.get(User, agent_id), _db.session.get(Ticket, ticket_id), "Looking at it.")
    run_jobs(app)
    assert escalations(db, ticket_id) == []
    fired = db.session.scalars(sa.select(SlaThreshold).where(SlaThreshold.ticket_id == ticket_id,
                                                             SlaThreshold.fired_at.is_not(None))).all()
    assert fired == []


def test_mails_wait_for_the_recipients_working_hours(app, db, users, team, calendar, clock, mailbox):
    services.save_policy(SHELL, None, name="Office hours", calendar=calendar, kind=None, targets=TARGETS,
                         is_default=True, levels=[{"percent": 100, "action": "notify_managers"}],
                         mail_in_working_hours=True)
    users["manager"].timezone = "America/New_York"  # 6 hours behind Kyiv on 10 March 2026
    users["admin"].timezone = "Europe/Kyiv"
    _db.session.commit()

    clock.at(2026, 3, 10, 17, 0)  # Tuesday 17:00 Kyiv
    ticket = tickets.create_ticket(users["client_user"], kind="incident", title="Backups late")
    ticket_id = ticket.id
    run_jobs(app)
    mailbox.messages.clear()
    clock.at(2026, 3, 10, 18, 5)  # the first response (60 min) was breached at 18:00 Kyiv
    escalation.sweep(clock.now)
    run_jobs(app)
    assert escalations(db, ticket_id) == ["first_response 100%"]
    # 18:05 Kyiv is 12:05 in New York: the manager is mailed now; the admin in Kyiv tomorrow at 09:00.
    assert [m["To"] for m in mailbox.messages] == ["manager@provider.test"]
    waiting = db.session.scalars(sa.select(SlaDeferredMail)).one()
    assert waiting.send_at == kyiv(2026, 3, 11, 9, 0) and waiting.sent_at is None
    for hour, minute in ((23, 59), (3, 0)):  # no mail at midnight, nor at three
        clock.now = kyiv(2026, 3, 10 if hour == 23 else 11, hour, minute)
        escalation.sweep(clock.now)
        run_jobs(app)
    assert [m["To"] for m in mailbox.messages] == ["manager@provider.test"]
    clock.at(2026, 3, 11, 9, 0)
    assert escalation.sweep(clock.now) == 1
    assert escalation.sweep(clock.now) == 0
    run_jobs(app)
    assert [m["To"] for m in mailbox.messages] == ["manager@provider.test", "admin@provider.test"]
    assert "SLA breached (first response): Backups late" in mailbox.messages[-1]["Subject"]
    assert_ours(mailbox.messages[-1], ticket=mailbox.messages[-1]["Subject"][1:].split("]")[0])
    escalation.sweep(kyiv(2026, 3, 11, 10, 0))
    run_jobs(app)
    assert len(mailbox.messages) == 2  # sent once


def test_a_breach_moves_the_ticket_to_the_escalation_team_one_priority_up(app, db, users, team, calendar, clock,
                                                                          mailbox):
    escalation_team = factories.make_team("Escalations L2")
    services.save_policy(SHELL, None, name="Escalating", calendar=calendar, kind=None, targets=TARGETS,
                         is_default=True, levels=[{"percent": 75, "action": "notify_assignee"},
                                                  {"percent": 100, "action": "notify_managers",
                                                   "team_id": escalation_team.id, "raise_priority": True}])
    agent = users["agent"]
    ticket = tickets.create_ticket(users["client_user"], kind="incident", title="Site slow")  # Fri 17:30, P3
    tickets.update_ticket(agent, ticket, team=team, assignee=agent)
    ticket_id, team_id = ticket.id, escalation_team.id
    assert ticket.priority == 3
    run_jobs(app)
    clock.at(2026, 3, 9, 9, 31)  # the first response (60 min) breached at 09:30 Monday
    escalation.sweep(clock.now)
    run_jobs(app)
    moved = _db.session.get(Ticket, ticket_id)
    assert (moved.team_id, moved.assignee_id, moved.priority) == (team_id, None, 2)
    assert escalations(db, ticket_id) == ["first_response 75%", "first_response 100%"]
    after = _db.session.scalars(sa.select(Event.field).where(Event.ticket_id == ticket_id).order_by(Event.id)).all()
    breach = after.index("escalation", after.index("escalation") + 1)
    assert {"team", "assignee", "priority", "sla"} <= set(after[breach:])  # the core's events, the clock's


def test_a_level_naming_a_missing_team_is_refused(db, calendar):
    with pytest.raises(ValidationError) as refused:
        services.save_policy(SHELL, None, name="Bad", calendar=calendar, kind=None, targets=TARGETS,
                             levels=[{"percent": 100, "action": "notify_managers", "team_id": 999}])
    assert refused.value.errors == {"levels": ["Choose an active team to escalate to."]}


def test_many_due_thresholds_go_to_rq_in_chunks_the_relay_leaves_alone(app, db, users, policy, clock, mailbox):
    for n in range(30):
        tickets.create_ticket(users["client_user"], kind="incident", title=f"Alert {n}")  # Fri 17:30
    run_jobs(app)
    clock.at(2026, 3, 9, 9, 20)
    assert escalation.sweep(clock.now) == 30
    with app.app_context():
        queued = jobs.get_queue("default").get_job_ids()
        assert len(queued) == 2  # 25 + 5 outbox rows
        assert outbox.relay(older_than=0) == 0  # every row is in a chunk already
    run_jobs(app)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event).where(
        Event.field == "escalation", Event.new_value == "first_response 75%")) == 30
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxJob).where(
        OutboxJob.state != "done")) == 0


def test_a_worker_whose_clock_lags_the_sweeps_still_fires(app, db, users, policy, clock, mailbox):
    ticket = tickets.create_ticket(users["client_user"], kind="incident", title="Clock skew")  # Fri 17:30
    ticket_id = ticket.id
    run_jobs(app)
    clock.at(2026, 3, 9, 9, 20)
    assert escalation.sweep(clock.now) == 1  # 75 % of the first response: due at 09:15
    clock.at(2026, 3, 9, 9, 10)  # the worker's machine is ten minutes behind
    run_jobs(app)
    assert escalations(db, ticket_id) == ["first_response 75%"]


def test_a_sweep_walks_every_batch_once_when_more_are_due_than_one_batch(app, db, users, policy, clock, mailbox,
                                                                          monkeypatch):
    monkeypatch.setattr(escalation, "BATCH", 4)
    for n in range(10):  # the same due moment for all: the batches go on by id
        tickets.create_ticket(users["client_user"], kind="incident", title=f"Alert {n}")  # Fri 17:30
    run_jobs(app)
    clock.at(2026, 3, 9, 9, 20)
    assert escalation.sweep(clock.now) == 10  # and it ends: tickets with a job coming keep their next check
    assert escalation.sweep(clock.now) == 0
    run_jobs(app)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event).where(
        Event.field == "escalation", Event.new_value == "first_response 75%")) == 10
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket).where(
        Ticket.next_sla_check_at <= clock.now)) == 0  # the jobs moved every ticket's next check on
