"""What every mail of ours carries, for the tests of each kind of mail (tickets, accounts, changes,
incidents, escalations, reports, routing, the knowledge base) to check it reached the sink right."""
import sqlalchemy as sa

DOMAIN = "zayavka.example"  # of MAIL_DEFAULT_SENDER in the tests


def assert_ours(message, *, automatic: str | None = "auto-generated", ticket: str | None = None,
                thread_key: str | None = None) -> None:
    """Our Message-ID; Auto-Submitted as ``automatic`` (None: a person's words, no header); a
    ticket's mail threads on its pseudo-reference and is recorded on it; other mail about a ticket
    the reader is not on threads on ``thread_key`` and is recorded on no ticket."""
    from app.extensions import db
    from app.mail.models import MailReference

    message_id = message["Message-ID"].strip("<>")
    assert message_id.endswith(f"@{DOMAIN}"), message["Message-ID"]
    assert message["Auto-Submitted"] == automatic, message["Auto-Submitted"]
    if automatic:
        assert message["X-Auto-Response-Suppress"] == "All" and message["X-Loop"] == f"support@{DOMAIN}"
    with db.engine.connect() as connection:  # what the jobs committed, whatever the test's session holds
        recorded = connection.scalar(sa.select(MailReference.ticket_id).where(MailReference.message_id == message_id))
    if ticket:
        assert f"<ticket.{ticket}@{DOMAIN}>" in message["References"].split(), message["References"]
        assert recorded is not None, "the mail is not recorded on its ticket"
    else:
        assert recorded is None
        if thread_key:
            assert message["References"] == f"<{thread_key}@{DOMAIN}>"
        else:
            assert message["References"] is None
