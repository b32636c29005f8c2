"""One ticket's whole life on real RQ workers, with the clock in the test's hands: created Friday
17:30 Kyiv, answered and waiting for the client over the weekend, the client's reply Monday 10:00,
nobody answers it, and the resolution target is breached Tuesday. Two sweeps are queued on every
tick and two RQ workers (threads of this process, so they read the test's clock) race for them and
for the escalation jobs."""
import threading

import sqlalchemy as sa
from rq import Queue, SimpleWorker
from rq.timeouts import TimerDeathPenalty

from app import jobs
from app.tickets import services as tickets
from app.tickets.models import Event
from sla.models import TicketClock
from tests.helpers import run_jobs
from tests.sla.conftest import kyiv


def escalations(db, ticket):
    db.session.rollback()
    return list(db.session.scalars(sa.select(Event.new_value).where(
        Event.ticket_id == ticket.id, Event.field == "escalation").order_by(Event.id)))


class ThreadWorker(SimpleWorker):
    """A real RQ worker that can run in a thread (no signal handlers, a timer for timeouts)."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self):
        pass


def race(app, workers: int = 2) -> None:
    """Work the queues with ``workers`` RQ workers at once, until they are empty."""
    failures = []

    def work():
        try:
            with app.app_context():
                connection = jobs.get_redis()
                ThreadWorker([Queue(name, connection=connection) for name in jobs.QUEUES],
                             connection=connection).work(burst=True)
        except Exception as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures, failures
    run_jobs(app)  # what the racers left (none), and no job failed


def sweep_twice(app):
    """Two sweeps queued at once, as two workers' periodic loops could, worked by two racing
    workers: the second sweep finds the keys taken, and each level fires once."""
    with app.app_context():
        queue = jobs.get_queue("default")
        queue.enqueue("sla.escalation.sweep_job")
        queue.enqueue("sla.escalation.sweep_job")
    race(app)


def test_a_ticket_life_fires_each_escalation_once_and_in_order(app, db, users, team, policy, clock, mailbox):
    client, agent = users["client_user"], users["agent"]
    ticket = tickets.create_ticket(client, kind="incident", title="Mail bounces", description="Since 17:00")
    tickets.update_ticket(agent, ticket, team=team, assignee=agent)
    assert ticket.first_response_due == kyiv(2026, 3, 9, 9, 30)  # 30 min Friday, 30 Monday
    assert ticket.resolution_due == kyiv(2026, 3, 10, 15, 30)  # 960 min: 30 Fri + 540 Mon + 390 Tue
    assert ticket.next_sla_check_at == kyiv(2026, 3, 9, 9, 15)  # 75 % of the first response

    clock.at(2026, 3, 6, 17, 40)
    tickets.reply(agent, ticket, "Which address bounces? Please send us the bounce message.")
    tickets.transition(agent, ticket, "pending")
    assert ticket.first_response_due is None and ticket.resolution_due is None  # met; paused
    assert ticket.next_sla_check_at is None

    clock.at(2026, 3, 9, 9, 30)
    sweep_twice(app)
    assert escalations(db, ticket) == []

    clock.at(2026, 3, 9, 10, 0)
    tickets.reply(client, ticket, "It is postmaster@acme.test, bounce attached.")
    db.session.refresh(ticket)
    assert ticket.status == "open"
    # 10 minutes used on Friday; the weekend and Monday 9-10 were paused: 950 left from 10:00.
    assert ticket.resolution_due == kyiv(2026, 3, 10, 16, 50)
    assert ticket.next_sla_check_at == kyiv(2026, 3, 9, 11, 30)  # 75 % of the next response (120 min)

    clock.at(2026, 3, 9, 11, 31)
    sweep_twice(app)
    assert escalations(db, ticket) == ["next_response 75%"]
    clock.at(2026, 3, 9, 12, 5)
    sweep_twice(app)
    sweep_twice(app)
    assert escalations(db, ticket) == ["next_response 75%", "next_response 90%", "next_response 100%"]

    clock.at(2026, 3, 10, 13, 0)
    sweep_twice(app)
    clock.at(2026, 3, 10, 17, 0)
    sweep_twice(app)
    assert escalations(db, ticket) == ["next_response 75%", "next_response 90%", "next_response 100%",
                                       "resolution 75%", "resolution 90%", "resolution 100%"]
    state = db.session.get(TicketClock, ticket.id)
    assert state.resolution_breached and state.next_response_breached and not state.first_response_breached
    assert db.session.get(type(ticket), ticket.id).next_sla_check_at is None

    subjects = [(m["To"], m["Subject"].split("] ", 1)[1]) for m in mailbox.messages
                if "SLA" in m["Subject"] or "time used" in m["Subject"]]
    assert subjects == [
        ("agent@provider.test", "75% of the next response time used: Mail bounces"),
        ("agent@provider.test", "90% of the next response time used: Mail bounces"),  # the team
        ("manager@provider.test", "90% of the next response time used: Mail bounces"),
        ("admin@provider.test", "SLA breached (next response): Mail bounces"),
        ("manager@provider.test", "SLA breached (next response): Mail bounces"),
        ("agent@provider.test", "75% of the resolution time used: Mail bounces"),
        ("agent@provider.test", "90% of the resolution time used: Mail bounces"),
        ("manager@provider.test", "90% of the resolution time used: Mail bounces"),
        ("admin@provider.test", "SLA breached (resolution): Mail bounces"),
        ("manager@provider.test", "SLA breached (resolution): Mail bounces"),
    ]
