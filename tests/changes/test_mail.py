"""The CAB is asked by mail; the affected contacts are told of an approved change's window,
each in their language and time zone, once. Real RQ jobs, a real SMTP sink."""
from app.auth import services as accounts
from app.changes import services
from tests.helpers import run_jobs
from tests.mail.headers import assert_ours


def test_approvers_are_asked_and_contacts_told_once_in_their_language_and_zone(app, users, change, cab, mailbox, db):
    run_jobs(app)
    asked = sorted(m["To"] for m in mailbox.messages)
    assert asked == sorted(u.email for u in cab)  # managers and admins, not the agent who raised it
    assert all(change.number in m["Subject"] for m in mailbox.messages)
    assert "/changes/approvals" in mailbox.body(mailbox.messages[0])
    assert_ours(mailbox.messages[0], ticket=change.number)
    mailbox.messages.clear()

    accounts.update_profile(users["client_admin"], name=users["client_admin"].name, locale="uk", timezone="America/New_York")
    users["client_user"].timezone = "Europe/Kyiv"
    db.session.commit()
    services.decide(users["manager"], change, "approve", "Sound plan.")
    services.decide(users["admin"], change, "approve", "OK.")
    run_jobs(app)
    told = {m["To"]: m for m in mailbox.messages}
    assert set(told) == {users["client_admin"].email, users["client_user"].email}  # not org B's contacts
    kyiv = mailbox.body(told[users["client_user"].email])
    assert "Monitoring agent upgrade, no downtime." in kyiv and "Sun, 2 Jun 2030, 02:00 – 04:00 (Europe/Kyiv)" in kyiv
    new_york = mailbox.body(told[users["client_admin"].email])
    assert "19:00 – 21:00 (America/New_York)" in new_york  # Saturday evening there
    assert "Заплановані роботи" in told[users["client_admin"].email]["Subject"]
    assert_ours(told[users["client_user"].email], thread_key=f"planned-work.{change.number}")
    mailbox.messages.clear()
    from app.changes.jobs import tell_affected_contacts

    tell_affected_contacts(change.id)  # run twice: nobody is told twice
    assert mailbox.messages == []
